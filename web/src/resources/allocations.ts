// Device allocations (仕向け情報, issue 10): which devices belong to which company. The
// provider creates, imports, searches and deletes them; a company reads its own.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll, upload } from "../api/call";
import { keys } from "../api/keys";
import type { Allocation, QueryOf, RequestBody } from "../api/types";

const PAGE_SIZE = 100;

export type AllocationQuery = Omit<QueryOf<"allocations.list">, "limit" | "cursor">;

// The provider's list, a page at a time.
export function useAllocations(query: AllocationQuery) {
  return useInfiniteQuery({
    queryKey: [...keys.allocations, "list", query],
    queryFn: ({ pageParam }) => call("get", "/allocations", { query: { ...query, limit: PAGE_SIZE, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

// The company's own allocations, whole (read-only for the company).
export function useOwnAllocations() {
  return useQuery({ queryKey: [...keys.allocations, "own"], queryFn: () => listAll("/allocations") });
}

// One allocation with its serial list (kind "serials"); `enabled` false reads nothing.
export function useAllocation(id: string | null, enabled = true) {
  return useQuery({
    queryKey: keys.allocation(id ?? ""),
    queryFn: () => call("get", "/allocations/{id}", { path: { id: id ?? "" } }),
    enabled: enabled && id !== null,
  });
}

export function useCreateAllocation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"allocations.create">) => call("post", "/allocations", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.allocations }),
  });
}

// A CSV file or pasted text: all or nothing (a refused import answers a per-line report).
export function useImportAllocations() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (csv: Blob | string) => upload("/allocations/import", csv, { contentType: "text/csv; charset=utf-8" }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.allocations }),
  });
}

export function useDeleteAllocation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (allocation: Allocation) => call("delete", "/allocations/{id}", { path: { id: allocation.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.allocations }),
  });
}
