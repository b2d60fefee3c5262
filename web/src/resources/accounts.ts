// The company's accounts (its administrators create, edit, disable, reset and delete them) and, for
// the provider, accounts locked by failed logins or inactivity.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, listAll } from "../api/call";
import { keys, polled, type Polling } from "../api/keys";
import type { Account, LockedAccount, RequestBody } from "../api/types";

export function useAccounts() {
  return useQuery({ queryKey: keys.accounts, queryFn: () => listAll("/accounts") });
}

export function useCreateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestBody<"accounts.create">) => call("post", "/accounts", { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

export function useUpdateAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ account, body }: { account: Account; body: RequestBody<"accounts.update"> }) =>
      call("patch", "/accounts/{id}", { path: { id: account.id }, body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

// Deletes an account (company administrators only; not oneself, not the last administrator).
export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (account: Account) => call("delete", "/accounts/{id}", { path: { id: account.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

// Issues a temporary password (shown once); the account must change it at its next login.
export function useResetPassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (account: Account) => call("post", "/accounts/{id}/password-reset", { path: { id: account.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

export function useLockedAccounts({ background = false, enabled = true, refetchInterval }: Polling = {}) {
  return useQuery({
    queryKey: polled(keys.lockedAccounts, background),
    queryFn: () => listAll("/locked-accounts", { background }),
    enabled,
    refetchInterval,
  });
}

export function useUnlockAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (locked: LockedAccount) => call("post", "/locked-accounts/{id}/unlock", { path: { id: locked.account.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.lockedAccounts }),
  });
}
