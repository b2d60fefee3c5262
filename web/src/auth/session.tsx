// The logged-in account, its permissions and CSRF token, for the whole console. A 401 from
// any call (the session ended: idle for the configured time, or logged out elsewhere) clears it,
// and the login page then explains why, with the idle time (SEC-3); dialogs open then keep their
// drafts for after the login (issue 18, lib/drafts.ts). SEC-9: a login may need a second step (the code
// of the account's authenticator app), and an account without the second factor its company
// requires is sent to set it up before anything else (enrolmentRequired).
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { call } from "../api/call";
import { api, ApiError, onEnrolmentRequired, onSessionEnded, setCsrfToken, type SessionEndReason } from "../api/client";
import type { Account, SessionCompany, SessionInfo } from "../api/types";
import { clearDrafts, noteSessionEnded, noteSessionStarted } from "../lib/drafts";
import { rememberedIdleTimeout, rememberIdleTimeout } from "../lib/sessionMemory";
import { secondStepOf, type SecondStep } from "../lib/totp";
import { permissionsOf, type PermissionSet } from "./permissions";

export interface Session {
  account: Account;
  // The company the session belongs to (issue 18: the header names it); null for the provider's accounts.
  company: SessionCompany | null;
  permissions: PermissionSet;
  idleTimeoutSeconds: number;
}

interface SessionContextValue {
  session: Session | null;
  loading: boolean;
  // Why the last session ended, shown once on the login page.
  endReason: SessionEndReason | "logged_out" | null;
  // The idle timeout of the session that ended (seconds), when known, for the login page's message.
  endedIdleTimeoutSeconds: number | null;
  // Null once logged in; the second step when the account uses a second factor.
  login: (company: string, login: string, password: string) => Promise<SecondStep | null>;
  // The second step: the code (or a recovery code) for the challenge.
  loginWithCode: (challenge: string, code: string) => Promise<void>;
  // SEC-9: every route but the session's answers 403 totp_enrolment_required until the
  // account sets up its second factor.
  enrolmentRequired: boolean;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
  // Changes the account's own password, then reads the session again (no longer must_change_password).
  changePassword: (current: string, next: string) => Promise<void>;
  clearEndReason: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

// Logged in (again): drafts of this account wait to be restored; another account's go.
function started(accountId: string): void {
  noteSessionStarted();
  clearDrafts(accountId);
}

function toSession(info: SessionInfo): Session {
  setCsrfToken(info.csrf_token);
  rememberIdleTimeout(info.idle_timeout_seconds);
  return {
    account: info.account,
    company: info.company ?? null,
    permissions: permissionsOf(info.account, info.permissions),
    idleTimeoutSeconds: info.idle_timeout_seconds,
  };
}

// Whether the account must set up a second factor first. GET /session does not say, so a
// route every logged-in account may read asks (403 totp_enrolment_required); only for an
// account without one.
async function enrolmentPending(session: Session): Promise<boolean> {
  if (session.account.totp_enabled) return false;
  try {
    await api("/permissions", { background: true });
    return false;
  } catch (e) {
    return e instanceof ApiError && e.code === "totp_enrolment_required";
  }
}

interface SessionState {
  session: Session | null;
  enrolmentRequired: boolean;
}

// The session the cookie holds, or null when there is none (401).
async function readSession(): Promise<SessionState> {
  try {
    const session = toSession(await call("get", "/session"));
    return { session, enrolmentRequired: await enrolmentPending(session) };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    return { session: null, enrolmentRequired: false };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(null);
  const [enrolmentRequired, setEnrolmentRequired] = useState(false);
  const [loading, setLoading] = useState(true);
  const [endReason, setEndReason] = useState<SessionContextValue["endReason"]>(null);
  // Read by the session-ended listener, which outlives renders.
  const sessionRef = useRef<Session | null>(null);
  useEffect(() => {
    sessionRef.current = session;
  }, [session]);

  const apply = useCallback((state: SessionState) => {
    if (state.session) noteSessionStarted();
    setSession(state.session);
    setEnrolmentRequired(state.enrolmentRequired);
  }, []);
  const refresh = useCallback(async () => apply(await readSession()), [apply]);

  useEffect(() => {
    onSessionEnded((reason) => {
      noteSessionEnded();
      setCsrfToken(null);
      if (reason === "expired" || sessionRef.current) setEndReason(reason);
      sessionRef.current = null;
      setSession(null);
      setEnrolmentRequired(false);
      queryClient.clear();
    });
    onEnrolmentRequired(() => {
      if (sessionRef.current) setEnrolmentRequired(true);
    });
    readSession()
      .then(apply, () => apply({ session: null, enrolmentRequired: false }))
      .finally(() => setLoading(false));
    return () => {
      onSessionEnded(null);
      onEnrolmentRequired(null);
    };
  }, [queryClient, apply]);

  const login = useCallback(
    async (company: string, loginId: string, password: string) => {
      const body = { company: company.trim() === "" ? null : company.trim(), login: loginId.trim(), password };
      let info: SessionInfo;
      try {
        info = await call("post", "/session", { body });
      } catch (e) {
        const second = secondStepOf(e);
        if (second) return second;
        throw e;
      }
      setCsrfToken(info.csrf_token);
      started(info.account.id);
      queryClient.clear();
      setEndReason(null);
      await refresh();
      return null;
    },
    [queryClient, refresh],
  );

  const loginWithCode = useCallback(
    async (challenge: string, code: string) => {
      const info = await call("post", "/session/totp", { body: { challenge, code } });
      setCsrfToken(info.csrf_token);
      started(info.account.id);
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
    clearDrafts();
    queryClient.clear();
    setSession(null);
    setEnrolmentRequired(false);
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
    () => ({
      session,
      loading,
      endReason,
      endedIdleTimeoutSeconds: endReason === "expired" ? rememberedIdleTimeout() : null,
      login,
      loginWithCode,
      enrolmentRequired,
      logout,
      refresh,
      changePassword,
      clearEndReason: () => setEndReason(null),
    }),
    [session, loading, endReason, login, loginWithCode, enrolmentRequired, logout, refresh, changePassword],
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
