// Issue 18: a device's end of life in the console. A factory reset is confirmed by typing what
// it will erase (the serial number of one device, or how many devices); a device deleted comes
// back as new, a device retired is refused; and the company's own refused devices say what to do.
import type { PathName } from "../app/paths";
import type { RefusedReason } from "../api/types";
import type { Tone } from "../components/ui";

// What the user must type before a factory reset is sent: the serial number when it is one
// device whose serial is known, else the number of devices.
export function resetConfirmationTarget(count: number, serials: readonly string[] = []): { kind: "serial" | "count"; text: string } {
  if (count === 1 && serials.length === 1 && serials[0]) return { kind: "serial", text: serials[0] };
  return { kind: "count", text: String(count) };
}

// As typed: full-width letters and digits (a Japanese IME) count as their ASCII forms, and
// surrounding blanks are ignored; otherwise exact (a serial number's letters keep their case).
export function normalizeTyped(text: string): string {
  return text.normalize("NFKC").trim();
}

export function confirmationMatches(typed: string, expected: string): boolean {
  return expected !== "" && normalizeTyped(typed) === expected;
}

// The company's refused devices: how serious each reason is, and the screen where it is fixed
// (null: nothing the company can change; the provider or the device's site can).
export const REFUSED_TONE: Record<RefusedReason, Tone> = {
  unallocated: "warning",
  overlap: "danger",
  contract_ended: "neutral",
  no_profile: "warning",
  ambiguous: "warning",
  unauthenticated_not_allowed: "warning",
  bad_credentials: "danger",
  retired: "neutral",
};

export const REFUSED_FIX_SCREEN: Record<RefusedReason, PathName | null> = {
  unallocated: null,
  overlap: null,
  contract_ended: null,
  no_profile: "profiles",
  ambiguous: "profiles",
  unauthenticated_not_allowed: "profiles",
  bad_credentials: "profiles",
  retired: null,
};
