// A company's accounts in the console's words: why a locked account is locked, whether it was
// reminded for inactivity (SEC-7), what the administrator may do about it, and why a deletion
// was refused.
import type { Account } from "../api/types";
import { ApiError } from "../api/client";

// SEC-7: locked for inactivity; only a site administrator lifts it (the locked-accounts page).
export function lockedForInactivity(a: Pick<Account, "lock_reason">): boolean {
  return a.lock_reason === "inactivity";
}

// SEC-7: a reminder mail was sent and the account has not logged in since.
export function remindedForInactivity(a: Pick<Account, "inactivity_reminded_at">): boolean {
  return Boolean(a.inactivity_reminded_at);
}

// Whether the company administrator may activate (or unlock) an account that is not active:
// not one locked for inactivity (the server answers 409 inactivity_lock).
export function mayReactivate(a: Pick<Account, "status" | "lock_reason">): boolean {
  return a.status !== "active" && !lockedForInactivity(a);
}

// A deletion the server refused with 409 (oneself, the last administrator): its code, and the
// server's own message to show with it.
export function deleteRefusal(e: unknown): { code: string; detail: string } | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  return { code: e.code, detail: e.detail };
}

// SEC-1: an account locked for a while after too many failed logins (status stays active and
// locked_until is in the future): until when, or null when it is not.
export function temporaryLockUntil(a: Pick<Account, "status" | "locked_until">, now: number = Date.now()): string | null {
  if (a.status !== "active" || !a.locked_until) return null;
  return Date.parse(a.locked_until) > now ? a.locked_until : null;
}
