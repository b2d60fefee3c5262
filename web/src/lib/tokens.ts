// API tokens (SEC-9) in the console: when a new token expires (a preset of 30 days, 90 days or
// a year from now, or the end of a day chosen in JST), checked as the server checks it (in the
// future, at most a year ahead), and which permissions a token may be given (those of the
// right scope the person holds, never the ones that manage tokens).
import type { Permission } from "../api/types";
import type { PermissionSet } from "../auth/permissions";
import type { TranslationKey } from "../i18n";
import type { Message } from "./allocations";

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

export const EXPIRY_PRESETS = ["30", "90", "365"] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
export type ExpiryChoice = ExpiryPreset | "date";
export const DEFAULT_EXPIRY: ExpiryChoice = "90";
// The server refuses an expiry further ahead than this (a year, and a leap day).
export const MAX_TOKEN_LIFETIME_DAYS = 366;

// The permissions that manage tokens are for people; a token never holds them.
export const TOKEN_MANAGING_PERMISSIONS = ["tokens.write", "provider.tokens"] as const;

// The API's UTC form, to the second: "2027-03-31T15:00:00Z".
function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// A preset: that many days from now, to the minute (rounded down, so a year stays within it).
export function presetExpiry(days: number, now: number = Date.now()): string {
  return utc(Math.floor((now + days * DAY_MS) / 60_000) * 60_000);
}

// Today's date in JST ("2025-03-10").
export function todayJst(now: number = Date.now()): string {
  return new Date(now + JST_OFFSET_MS).toISOString().slice(0, 10);
}

// A day chosen in the date picker (JST): the token works through it, so it expires at the
// next midnight JST ("2027-03-31" -> "2027-03-31T15:00:00Z"); null for anything but a date.
export function dateExpiry(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [, y, mo, d] = m;
  const midnight = Date.UTC(Number(y), Number(mo) - 1, Number(d) + 1) - JST_OFFSET_MS;
  const back = new Date(midnight + JST_OFFSET_MS - DAY_MS).toISOString().slice(0, 10);
  return back === date ? utc(midnight) : null; // 2025-02-30 is no date
}

// The date picker's range: today (the token then works until midnight) to the last day whose
// end is within a year.
export function dateBounds(now: number = Date.now()): { min: string; max: string } {
  return { min: todayJst(now), max: todayJst(now + (MAX_TOKEN_LIFETIME_DAYS - 1) * DAY_MS) };
}

export interface ExpiryDraft {
  expiry: ExpiryChoice;
  date: string;
}

export type ExpiryResult = { ok: true; expiresAt: string } | { ok: false; error: Message };

// The expires_at to send for the form's choice, or what is wrong with it.
export function expiryOf(draft: ExpiryDraft, now: number = Date.now()): ExpiryResult {
  const fail = (key: TranslationKey): ExpiryResult => ({ ok: false, error: { key } });
  const expiresAt = draft.expiry === "date" ? dateExpiry(draft.date) : presetExpiry(Number(draft.expiry), now);
  if (!expiresAt) return fail("tokens.errors.date");
  const ms = Date.parse(expiresAt);
  if (ms <= now) return fail("tokens.errors.past");
  if (ms > now + MAX_TOKEN_LIFETIME_DAYS * DAY_MS) return fail("tokens.errors.tooFar");
  return { ok: true, expiresAt };
}

// The permissions a new token may be given, in catalog order: the catalog's of the owner's
// scope (a company's, or the provider's for a site administrator) that the person holds,
// without those that manage tokens.
export function grantablePermissions(catalog: readonly Permission[], held: PermissionSet, provider: boolean): Permission[] {
  const scope = provider ? "provider" : "company";
  return catalog.filter(
    (p) => p.scope === scope && held.has(p.name) && !(TOKEN_MANAGING_PERMISSIONS as readonly string[]).includes(p.name),
  );
}

// A token's name as the server takes it: 1-100 characters, not only spaces, no control characters.
export function tokenNameProblem(name: string): TranslationKey | null {
  if (name.trim() === "") return "validation.required";
  if ([...name].length > 100) return "validation.tooLong";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "tokens.errors.name";
  return null;
}
