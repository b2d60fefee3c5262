// The page tests' rig: a fake API in place of fetch, recording the calls, and the whole
// console (<App/> in its providers) rendered at a path. Each test file keeps the routes it
// is about in its own handler; this answers the session and the permission catalogue.
//
//   afterEach(() => vi.unstubAllGlobals());
//   const calls = stubApi((method, url, body) => (url.pathname === "/api/v1/x" ? { status: 200, body: {} } : undefined),
//                         { session: { account: fakeAccount(), permissions: ["x.read"] } });
//   renderApp("/x");
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";
import type { Account, Permission, SessionCompany } from "../api/types";
import { App } from "../app/App";
import { SessionProvider } from "../auth/session";
import { ToastProvider } from "../components/Toast";
import { createI18n, type Language } from "../i18n";

// What GET /api/v1/session tells (without the CSRF token and idle timeout, added here).
export interface FakeSession {
  account: Account;
  permissions: string[];
  // The company the session belongs to; absent: not told (a session of the provider's has null).
  company?: SessionCompany | null;
}
// A handler's answer; undefined: not one of its routes.
export type Answer = { status: number; body?: unknown } | undefined;
export type Handler = (method: string, url: URL, body: unknown) => Answer;
// One request the console made; path with its query string, body parsed from JSON.
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

// A JSON answer; problem+json from 400 on, as the server sends its errors.
export const jsonResponse = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });

// A company administrator, taro of company c1, without a second factor.
export const fakeAccount = (overrides: Partial<Account> = {}): Account => ({
  id: "me",
  company_id: "c1",
  login: "taro",
  name: "山田 太郎",
  email: "taro@example.com",
  kind: "admin",
  status: "active",
  must_change_password: false,
  totp_enabled: false,
  locked_until: null,
  last_login_at: null,
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
  ...overrides,
});

// The provider's site administrator, root, of no company.
export const fakeSiteAdmin = (overrides: Partial<Account> = {}): Account =>
  fakeAccount({ company_id: null, login: "root", name: "Root", email: "root@example.com", kind: "site_admin", ...overrides });

interface StubOptions {
  // The logged-in session; null: none (GET /session answers 401). A function is asked on
  // every request, for a test whose login changes it.
  session: FakeSession | null | (() => FakeSession | null);
  // The items of GET /api/v1/permissions.
  catalog?: Permission[];
}

// Replaces fetch: the handler first, then GET /api/v1/session and /api/v1/permissions,
// anything else 404 not_found. Returns the calls, in order, as they are made.
export function stubApi(handler: Handler, { session, catalog = [] }: StubOptions): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", (input: string, init?: RequestInit) => {
    const url = new URL(input, "https://kanri.test");
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, path: url.pathname + url.search, body });
    const answer = handler(method, url, body);
    if (answer) return Promise.resolve(jsonResponse(answer.status, answer.body));
    if (url.pathname === "/api/v1/session" && method === "GET") {
      const current = typeof session === "function" ? session() : session;
      return Promise.resolve(
        current
          ? jsonResponse(200, { ...current, csrf_token: "t", idle_timeout_seconds: 3600 })
          : jsonResponse(401, { status: 401, code: "unauthenticated" }),
      );
    }
    if (url.pathname === "/api/v1/permissions") return Promise.resolve(jsonResponse(200, { items: catalog, next_cursor: null }));
    return Promise.resolve(jsonResponse(404, { status: 404, code: "not_found" }));
  });
  return calls;
}

// The console at `path`, with a fresh query cache (no retries) and the given language. Data is
// read again whenever a screen shows it, unless `staleMs` says how long it stays fresh (the
// console's 15 s: for a test about what a change makes the console read again).
export function renderApp(path: string, language: Language = "ja", staleMs = 0) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: staleMs } } });
  return render(
    <I18nextProvider i18n={createI18n(language)}>
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <ToastProvider>
            <SessionProvider>
              <App />
            </SessionProvider>
          </ToastProvider>
        </MemoryRouter>
      </QueryClientProvider>
    </I18nextProvider>,
  );
}
