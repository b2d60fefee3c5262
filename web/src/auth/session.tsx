// The logged-in account, its permissions and CSRF token, for the whole console. A 401 from
// any call (the session ended: idle for 60 minutes, or logged out elsewhere) clears it, and
// the login page then explains why (SEC-3).
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { call } from "../api/call";
import { ApiError, onSessionEnded, setCsrfToken, type SessionEndReason } from "../api/client";
import type { Account, SessionInfo } from "../api/types";
import { permissionsOf, type PermissionSet } from "./permissions";

export interface Session {
  account: Account;
  permissions: PermissionSet;
  idleTimeoutSeconds: number;
}

interface SessionContextValue {
  session: Session | null;
  loading: boolean;
  // Why the last session ended, shown once on the login page.
  endReason: SessionEndReason | "logged_out" | null;
  login: (company: string, login: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
  // Changes the account's own password, then reads the session again (no longer must_change_password).
  changePassword: (current: string, next: string) => Promise<void>;
  clearEndReason: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function toSession(info: SessionInfo): Session {
  setCsrfToken(info.csrf_token);
  return {
    account: info.account,
    permissions: permissionsOf(info.account, info.permissions),
    idleTimeoutSeconds: info.idle_timeout_seconds,
  };
}

// The session the cookie holds, or null when there is none (401).
async function readSession(): Promise<Session | null> {
  try {
    return toSession(await call("get", "/session"));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const [endReason, setEndReason] = useState<SessionContextValue["endReason"]>(null);
  // Read by the session-ended listener, which outlives renders.
  const sessionRef = useRef<Session | null>(null);
  useEffect(() => {
    sessionRef.current = session;
  }, [session]);

  const refresh = useCallback(async () => setSession(await readSession()), []);

  useEffect(() => {
    onSessionEnded((reason) => {
      setCsrfToken(null);
      if (reason === "expired" || sessionRef.current) setEndReason(reason);
      sessionRef.current = null;
      setSession(null);
      queryClient.clear();
    });
    readSession()
      .then(setSession, () => setSession(null))
      .finally(() => setLoading(false));
    return () => onSessionEnded(null);
  }, [queryClient]);

  const login = useCallback(
    async (company: string, loginId: string, password: string) => {
      const body = { company: company.trim() === "" ? null : company.trim(), login: loginId.trim(), password };
      const info = await call("post", "/session", { body });
      setCsrfToken(info.csrf_token);
      queryClient.clear();
      setEndReason(null);
      await refresh();
    },
    [queryClient, refresh],
  );

  const logout = useCallback(async () => {
    try {
      await call("delete", "/session");
    } catch {
      // Already ended: logging out has nothing left to do.
    }
    setCsrfToken(null);
    queryClient.clear();
    setSession(null);
    setEndReason("logged_out");
  }, [queryClient]);

  const changePassword = useCallback(
    async (current: string, next: string) => {
      await call("put", "/session/password", { body: { current, new: next } });
      await refresh();
    },
    [refresh],
  );

  const value = useMemo<SessionContextValue>(
    () => ({ session, loading, endReason, login, logout, refresh, changePassword, clearEndReason: () => setEndReason(null) }),
    [session, loading, endReason, login, logout, refresh, changePassword],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}

// The logged-in session; only for screens behind the login guard.
export function useAuthed(): Session {
  const { session } = useSession();
  if (!session) throw new Error("useAuthed without a session");
  return session;
}

export function useCan(): (anyOf: string | string[]) => boolean {
  const { session } = useSession();
  return (anyOf) => {
    if (!session) return false;
    return session.permissions.hasAny(Array.isArray(anyOf) ? anyOf : [anyOf]);
  };
}
