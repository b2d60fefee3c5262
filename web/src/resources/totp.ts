// SEC-9's second factor (TOTP): the logged-in account's own (enrol, confirm with a code and get
// the recovery codes once, switch off with a code) and, for accounts.write holders, switching
// another account's off (it then sets one up again; administrators' only by administrators).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/call";
import { keys } from "../api/keys";
import type { Account } from "../api/types";

// A new secret (its otpauth:// URI and QR code); asking again starts over with another.
export function useBeginEnrolment() {
  return useMutation({ mutationFn: () => call("post", "/session/totp/enrolment") });
}

// Switches the factor on with a current code; answers the 10 recovery codes, shown this once.
export function useConfirmEnrolment() {
  return useMutation({ mutationFn: (code: string) => call("post", "/session/totp/enrolment/confirm", { body: { code } }) });
}

// Switches the own factor off with a current code (refused where it is required).
export function useDisableTotp() {
  return useMutation({ mutationFn: (code: string) => call("delete", "/session/totp", { body: { code } }) });
}

export function useResetTotp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (account: Account) => call("post", "/accounts/{id}/totp-reset", { path: { id: account.id } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}
