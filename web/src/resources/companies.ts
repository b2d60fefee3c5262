// Companies (会社ID) and their contracts, and each company's first administrator: the
// provider's screens.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { ApiError } from "../api/client";
import { keys, polled, type Polling } from "../api/keys";
import type { Company, RequestBody } from "../api/types";

// In the server's order, by company ID.
export function useCompanies({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.companies, background),
    queryFn: () => listAll("/companies", { background }),
    enabled,
    refetchInterval,
  });
}

export function useCreateCompany() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"companies.create">) => call("post", "/companies", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.companies }),
  });
}

// Refused with 409 deletion_in_progress once the deletion after the contract's end has started
// (DATA-6); the list is read again then, so it shows how far the deletion has gone.
export function useUpdateCompany() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ company, body }: { company: Company; body: RequestBody<"companies.update"> }) =>
      call("patch", "/companies/{id}", { path: { id: company.id }, body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.companies }),
    onError: (e) => {
      if (e instanceof ApiError && e.code === "deletion_in_progress") void qc.invalidateQueries({ queryKey: keys.companies });
    },
  });
}

export function useCreateAdministrator() {
  return useMutation({
    mutationFn: ({ company, body }: { company: Company; body: RequestBody<"companies.create_administrator"> }) =>
      call("post", "/companies/{id}/administrators", { path: { id: company.id }, body }),
  });
}
