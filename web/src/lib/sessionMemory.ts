// What the console remembers of the last session in this browser (issue 18), not secret: the
// idle timeout the session had, so that the login page can say after how long it ended even
// after a reload.
const IDLE_KEY = "kanri.idleTimeoutSeconds";

type Store = Pick<Storage, "getItem" | "setItem">;

function storage(): Store | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
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
