// What the console remembers of the last session in this browser (issue 18), none of it secret:
// the company code typed at login (the header shows which company the console is logged in to;
// GET /session does not name the company yet), and the idle timeout the session had, so that
// the login page can say after how long it ended even after a reload.
const CODE_PREFIX = "kanri.companyCode.";
const IDLE_KEY = "kanri.idleTimeoutSeconds";

type Store = Pick<Storage, "getItem" | "setItem">;

function storage(): Store | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function rememberCompanyCode(companyId: string | null, code: string, store: Store | undefined = storage()): void {
  if (!companyId || !code.trim()) return;
  try {
    store?.setItem(CODE_PREFIX + companyId, code.trim());
  } catch {
    // Private mode: the header shows the company's ID instead.
  }
}

export function companyCodeOf(companyId: string | null, store: Store | undefined = storage()): string {
  if (!companyId) return "";
  try {
    return store?.getItem(CODE_PREFIX + companyId) ?? "";
  } catch {
    return "";
  }
}

export function rememberIdleTimeout(seconds: number, store: Store | undefined = storage()): void {
  if (!(seconds > 0)) return;
  try {
    store?.setItem(IDLE_KEY, String(seconds));
  } catch {
    // Private mode: the message then does not say how long.
  }
}

export function rememberedIdleTimeout(store: Store | undefined = storage()): number | null {
  try {
    const n = Number(store?.getItem(IDLE_KEY) ?? "");
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

// The idle timeout in whole minutes (rounded up), as the session-expired message says it.
export function idleMinutes(seconds: number | null): number | null {
  return seconds && seconds > 0 ? Math.ceil(seconds / 60) : null;
}
