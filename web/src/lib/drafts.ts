// Drafts of half-filled forms (issue 18): a dialog's form is kept in sessionStorage while it is
// open, so that when the session ends (idle timeout) and the login brings the user back, the
// dialog opens again with what was typed. Never kept: passwords, secrets, tokens, codes of the
// authenticator app, recovery codes (by field name, and any field a form lists as secret).
// A draft belongs to one account, and goes when the dialog is closed or submitted while the
// session lasts, and on an explicit log-out.
const PREFIX = "kanri.draft.";
const SECRET_FIELD = /(pass(word|wd|phrase)?|secret|token|totp|otp|recovery|private|credential|pin)$/i;
// A line "path=value" of a parameter text (a profile's initial parameters) that sets a secret
// parameter (the server's IsSecretParameter, and keys of any kind): dropped from the draft.
const SECRET_PARAMETER_LINE = /^\s*[^=\s]*(Password|Passphrase|PreSharedKey|WEPKey|Secret|Key|PSK)\s*[=:]/i;

function withoutSecretLines(text: string): string {
  if (!text.includes("=") && !text.includes(":")) return text;
  return text
    .split("\n")
    .filter((line) => !SECRET_PARAMETER_LINE.test(line))
    .join("\n");
}

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

function storage(): Store | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

let sessionEnded = false;

// Called when the session ends (a 401): the dialogs closing now keep their drafts.
export function noteSessionEnded(): void {
  sessionEnded = true;
}

// Called once logged in again.
export function noteSessionStarted(): void {
  sessionEnded = false;
}

export function sessionHasEnded(): boolean {
  return sessionEnded;
}

export function draftKey(accountId: string, form: string): string {
  return `${PREFIX}${accountId}.${form}`;
}

// The values worth keeping: no secret field, nothing but plain data.
export function keepable(values: Record<string, unknown>, secretFields: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (SECRET_FIELD.test(name) || secretFields.includes(name)) continue;
    if (value === undefined || typeof value === "function") continue;
    out[name] = typeof value === "string" ? withoutSecretLines(value) : value;
  }
  return out;
}

export function saveDraft(key: string, values: Record<string, unknown>, secretFields: readonly string[] = [], store: Store | undefined = storage()): void {
  try {
    store?.setItem(key, JSON.stringify(keepable(values, secretFields)));
  } catch {
    // Full or private: no draft.
  }
}

export function loadDraft(key: string, store: Store | undefined = storage()): Record<string, unknown> | null {
  try {
    const text = store?.getItem(key);
    if (!text) return null;
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function hasDraft(key: string, store: Store | undefined = storage()): boolean {
  return loadDraft(key, store) !== null;
}

export function clearDraft(key: string, store: Store | undefined = storage()): void {
  try {
    store?.removeItem(key);
  } catch {
    // nothing kept
  }
}

// Every draft, or every draft but those of `exceptAccount` (another account logged in).
export function clearDrafts(exceptAccount?: string, store: Store | undefined = storage()): void {
  if (!store) return;
  try {
    const keys: string[] = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k?.startsWith(PREFIX) && !(exceptAccount && k.startsWith(`${PREFIX}${exceptAccount}.`))) keys.push(k);
    }
    keys.forEach((k) => store.removeItem(k));
  } catch {
    // nothing kept
  }
}
