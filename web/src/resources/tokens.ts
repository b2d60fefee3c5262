// API tokens (SEC-9): the company's (tokens.write) or, for a site administrator, the
// provider's (provider.tokens) — the same routes serve both. A new token's secret is in the
// creation's answer only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { ApiToken, RequestBody } from "../api/types";

// Newest first, expired ones included (until revoked).
export function useTokens() {
  return useQuery({ queryKey: keys.tokens, queryFn: async () => (await call("get", "/tokens")).items });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"tokens.create">) => call("post", "/tokens", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.tokens }),
  });
}

// The token stops working at once and leaves the list.
export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: ApiToken) => call("delete", "/tokens/{id}", { path: { id: token.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.tokens }),
  });
}
