// The operations screens and the accounts page against a fake API: what they show, and what
// running a job, a refused run and a refused deletion look like.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router-dom";
import { App } from "../app/App";
import { SessionProvider } from "../auth/session";
import { ToastProvider } from "../components/Toast";
import { createI18n } from "../i18n";

type Handler = (method: string, url: URL) => { status: number; body?: unknown } | undefined;

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });

const ACCOUNT = {
  id: "me",
  company_id: null,
  login: "root",
  name: "Root",
  email: "root@example.com",
  kind: "site_admin",
  status: "active",
  must_change_password: false,
  locked_until: null,
  last_login_at: null,
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
};

function serve(session: { account: object; permissions: string[] }, handler: Handler) {
  const calls: Array<{ method: string; path: string }> = [];
  vi.stubGlobal("fetch", (input: string, init?: RequestInit) => {
    const url = new URL(input, "https://kanri.test");
    const method = init?.method ?? "GET";
    calls.push({ method, path: url.pathname + url.search });
    if (url.pathname === "/api/v1/session")
      return Promise.resolve(json(200, { ...session, csrf_token: "t", idle_timeout_seconds: 3600 }));
    const answer = handler(method, url);
    return Promise.resolve(answer ? json(answer.status, answer.body) : json(404, { status: 404, code: "not_found" }));
  });
  return calls;
}

function renderAt(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <I18nextProvider i18n={createI18n("ja")}>
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

const job = (name: string, extra: object = {}) => ({
  name,
  description: "server words",
  schedule: "every 1 h",
  last_outcome: "succeeded",
  last_counts: { removed: 2 },
  last_error: "",
  running: false,
  last_started_at: "2025-03-10T00:00:00Z",
  last_started_at_jst: "2025-03-10 09:00:00",
  last_finished_at: "2025-03-10T00:00:01Z",
  last_finished_at_jst: "2025-03-10 09:00:01",
  next_due_at: "2025-03-10T01:00:00Z",
  next_due_at_jst: "2025-03-10 10:00:00",
  ...extra,
});

afterEach(() => vi.unstubAllGlobals());

describe("operations screens (issue 12)", () => {
  it("lists the jobs and runs one now, telling its counts; a run elsewhere is explained", async () => {
    const calls = serve({ account: ACCOUNT, permissions: ["provider.operations"] }, (method, url) => {
      if (url.pathname === "/api/v1/operations/jobs")
        return { status: 200, body: { items: [job("session-purge"), job("mail-delivery", { last_outcome: "failed", last_error: "SMTP down", schedule: "every 10 s" })], next_cursor: null } };
      if (method === "POST" && url.pathname === "/api/v1/operations/jobs/session-purge/run")
        return {
          status: 200,
          body: { name: "session-purge", ok: true, counts: { removed: 5 }, error: "", started_at: "2025-03-10T02:00:00Z", started_at_jst: "2025-03-10 11:00:00", finished_at: "2025-03-10T02:00:01Z", finished_at_jst: "2025-03-10 11:00:01" },
        };
      if (method === "POST" && url.pathname === "/api/v1/operations/jobs/mail-delivery/run")
        return { status: 409, body: { status: 409, code: "job_running", detail: "This job is running now" } };
      return undefined;
    });
    renderAt("/provider/jobs");
    const row = (await screen.findByText("session-purge")).closest("tr")!;
    expect(within(row).getByText("終了したログインセッションを削除します（SEC-3）")).toBeTruthy();
    expect(within(row).getByText("1 時間ごと")).toBeTruthy();
    expect(within(row).getByText("削除 2")).toBeTruthy();
    expect(within(row).getByText("2025-03-10 10:00:00")).toBeTruthy();
    const failed = screen.getByText("mail-delivery").closest("tr")!;
    expect(within(failed).getByText("失敗")).toBeTruthy();
    expect(within(failed).getByText("SMTP down")).toBeTruthy();
    expect(screen.getByRole("link", { name: "ジョブ" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "警報" })).toBeTruthy();

    await userEvent.click(within(row).getByRole("button", { name: /今すぐ実行/ }));
    expect((await screen.findByTestId("job-run-outcome")).textContent).toBe("session-purge を実行しました（削除 5）");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/operations/jobs/session-purge/run")).toBe(true);

    await userEvent.click(within(failed).getByRole("button", { name: /今すぐ実行/ }));
    await screen.findByText(/mail-delivery は実行中です/);
  });

  it("shows the login alarms, and an empty list as such", async () => {
    serve({ account: ACCOUNT, permissions: ["provider.operations"] }, (_m, url) =>
      url.pathname === "/api/v1/operations/login-alarms"
        ? {
            status: 200,
            body: {
              items: [
                { id: "a1", cause: "account", subject: "acct-1", label: "ACME/suzuki", failures: 12, threshold: 10, window_start: "2025-03-10T00:00:00Z", first_failure_at: "2025-03-10T00:01:00Z", first_failure_at_jst: "2025-03-10 09:01:00", raised_at: "2025-03-10T00:05:00Z", raised_at_jst: "2025-03-10 09:05:00" },
              ],
              next_cursor: null,
            },
          }
        : undefined,
    );
    renderAt("/provider/login-alarms");
    const row = (await screen.findByText("ACME/suzuki")).closest("tr")!;
    expect(within(row).getByText("アカウント")).toBeTruthy();
    expect(within(row).getByText("12 / 10")).toBeTruthy();
    expect(within(row).getByText("2025-03-10 09:05:00")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "警報" })).toBeTruthy();
  });

  it("filters the outbox by state and offers resend only for sent or failed mail", async () => {
    const calls = serve({ account: ACCOUNT, permissions: ["provider.operations"] }, (_m, url) => {
      if (url.pathname === "/api/v1/operations/mail") {
        const mail = (id: string, state: string) => ({ id, message_id: `<${id}@x>`, company_id: null, recipient: `${id}@example.com`, kind: "security.login_alarm", subject: `subject ${id}`, state, attempts: 1, last_error: "", created_at: "2025-03-10T00:00:00Z", created_at_jst: "2025-03-10 09:00:00", next_attempt_at: null, sent_at: null });
        return { status: 200, body: { items: [mail("m1", "failed"), mail("m2", "queued")], next_cursor: null } };
      }
      return undefined;
    });
    renderAt("/provider/mail");
    const failed = (await screen.findByText("m1@example.com")).closest("tr")!;
    expect(within(failed).getByText("ログイン失敗の警報")).toBeTruthy();
    expect(within(failed).getByRole("button", { name: /再送/ })).toBeTruthy();
    const queued = screen.getByText("m2@example.com").closest("tr")!;
    expect(within(queued).queryByRole("button", { name: /再送/ })).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText("状態"), "failed");
    await userEvent.click(screen.getByRole("button", { name: "検索" }));
    await waitFor(() => expect(calls.some((c) => c.path.startsWith("/api/v1/operations/mail?state=failed"))).toBe(true));
  });
});

describe("company accounts (SEC-7)", () => {
  const admin = { ...ACCOUNT, id: "admin", company_id: "c1", login: "taro", name: "山田 太郎", kind: "admin" };
  const accounts = [
    { ...admin, last_login_at: "2025-03-01T00:00:00Z" },
    { ...admin, id: "a2", login: "suzuki", name: "鈴木 一郎", kind: "general", status: "locked", lock_reason: "inactivity", locked_at: "2025-03-05T00:00:00Z", inactivity_reminded_at: "2025-02-20T00:00:00Z", last_login_at: "2024-10-01T00:00:00Z" },
    { ...admin, id: "a3", login: "sato", name: "佐藤 花子", kind: "general", inactivity_reminded_at: "2025-02-20T00:00:00Z", last_login_at: null },
  ];

  it("flags inactive accounts, offers no unlock for an inactivity lock, and shows a refused deletion's message", async () => {
    serve({ account: admin, permissions: ["accounts.read", "accounts.write"] }, (method, url) => {
      if (url.pathname === "/api/v1/accounts" && method === "GET") return { status: 200, body: { items: accounts, next_cursor: null } };
      if (url.pathname === "/api/v1/accounts/a3" && method === "DELETE")
        return { status: 409, body: { status: 409, code: "conflict", detail: "this account cannot be deleted now" } };
      return undefined;
    });
    renderAt("/accounts");
    const locked = (await screen.findByText("鈴木 一郎")).closest("tr")!;
    expect(within(locked).getByText("長期未使用でロック")).toBeTruthy();
    expect(within(locked).queryByRole("button", { name: /ロック解除|有効にする/ })).toBeNull();
    const reminded = screen.getByText("佐藤 花子").closest("tr")!;
    expect(within(reminded).getByText("ログイン催促済み")).toBeTruthy();
    expect(within(reminded).getByText("未ログイン")).toBeTruthy();
    const me = screen.getByRole("row", { name: /山田 太郎/ });
    expect(within(me).getByRole<HTMLButtonElement>("button", { name: "削除 taro" }).disabled).toBe(true);

    await userEvent.click(within(reminded).getByRole("button", { name: "削除 sato" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/sato（佐藤 花子）を削除します/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "削除" }));
    expect((await within(dialog).findByTestId("delete-refusal")).textContent).toBe("this account cannot be deleted now");
    expect(within(dialog).getByText("このアカウントは削除できません。")).toBeTruthy();
  });
});
