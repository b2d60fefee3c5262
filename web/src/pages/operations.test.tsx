// The operations screens, the accounts page and the provider's contract-end screens (DATA-6)
// against a fake API: what they show, and what running a job, a refused run, a refused
// deletion and a refused change of a company being deleted look like.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, fakeSiteAdmin, renderApp, stubApi, type FakeSession, type Handler } from "../testing/fakeApi";

const ACCOUNT = fakeSiteAdmin();

const serve = (session: FakeSession, handler: Handler) => stubApi(handler, { session });

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
          body: { name: "session-purge", ok: true, counts: { removed: 5, tokens_removed: 1 }, error: "", started_at: "2025-03-10T02:00:00Z", started_at_jst: "2025-03-10 11:00:00", finished_at: "2025-03-10T02:00:01Z", finished_at_jst: "2025-03-10 11:00:01" },
        };
      if (method === "POST" && url.pathname === "/api/v1/operations/jobs/mail-delivery/run")
        return { status: 409, body: { status: 409, code: "job_running", detail: "This job is running now" } };
      return undefined;
    });
    renderApp("/provider/jobs");
    const row = (await screen.findByText("session-purge")).closest("tr")!;
    expect(within(row).getByText("終了したログインセッションと、期限切れから 90 日たった API トークンを削除します（SEC-3・SEC-9）")).toBeTruthy();
    expect(within(row).getByText("1 時間ごと")).toBeTruthy();
    expect(within(row).getByText("削除 2")).toBeTruthy();
    expect(within(row).getByText("2025-03-10 10:00:00")).toBeTruthy();
    const failed = screen.getByText("mail-delivery").closest("tr")!;
    expect(within(failed).getByText("失敗")).toBeTruthy();
    expect(within(failed).getByText("SMTP down")).toBeTruthy();
    expect(screen.getByRole("link", { name: "ジョブ" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "警報" })).toBeTruthy();

    await userEvent.click(within(row).getByRole("button", { name: /今すぐ実行/ }));
    expect((await screen.findByTestId("job-run-outcome")).textContent).toBe("session-purge を実行しました（削除 5・期限切れトークンの削除 1）");
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
    renderApp("/provider/login-alarms");
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
    renderApp("/provider/mail");
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
  const admin = fakeAccount({ id: "admin" });
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
    renderApp("/accounts");
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

describe("contract end (DATA-6)", () => {
  const company = (id: string, code: string, extra: object = {}) => ({
    id,
    code,
    name: `${code} 株式会社`,
    contract_start: "2025-04-01",
    contract_end: null,
    status: "active",
    allow_unauthenticated_devices: false,
    deletion_stage: 0,
    deletion_schedule: null,
    created_at: "2025-04-01T00:00:00Z",
    updated_at: "2025-04-01T00:00:00Z",
    ...extra,
  });
  // Contract's last day 2026-01-31, grace 30 days: every step's time has passed.
  const past = {
    ended_at: "2026-01-31T15:00:00.000Z",
    ended_at_jst: "2026-02-01 00:00:00 JST",
    accounts_at: "2026-02-10T15:00:00.000Z",
    accounts_at_jst: "2026-02-11 00:00:00 JST",
    configuration_at: "2026-02-20T15:00:00.000Z",
    configuration_at_jst: "2026-02-21 00:00:00 JST",
    company_at: "2026-03-02T15:00:00.000Z",
    company_at_jst: "2026-03-03 00:00:00 JST",
  };
  const future = {
    ended_at: "2099-12-31T15:00:00.000Z",
    ended_at_jst: "2100-01-01 00:00:00 JST",
    accounts_at: "2100-01-10T15:00:00.000Z",
    accounts_at_jst: "2100-01-11 00:00:00 JST",
    configuration_at: "2100-01-20T15:00:00.000Z",
    configuration_at_jst: "2100-01-21 00:00:00 JST",
    company_at: "2100-01-30T15:00:00.000Z",
    company_at_jst: "2100-01-31 00:00:00 JST",
  };
  const companies = [
    company("c1", "ACME"),
    company("c2", "OLDCO", { contract_end: "2026-01-31", deletion_schedule: past }),
    company("c3", "GONE", { contract_end: "2026-01-31", deletion_stage: 2, deletion_schedule: past }),
    company("c4", "LATER", { contract_end: "2099-12-31", deletion_schedule: future }),
  ];

  it("shows each company's end-of-contract state, locks one being deleted, and explains a refused change", async () => {
    const calls = serve({ account: ACCOUNT, permissions: ["provider.companies"] }, (method, url) => {
      if (url.pathname === "/api/v1/companies" && method === "GET") return { status: 200, body: { items: companies, next_cursor: null } };
      if (url.pathname === "/api/v1/companies/c2" && method === "PATCH")
        return { status: 409, body: { status: 409, code: "deletion_in_progress", detail: "the company's data is being deleted after its contract ended" } };
      return undefined;
    });
    renderApp("/provider/companies");
    const active = (await screen.findByText("ACME")).closest("tr")!;
    expect(within(active).getByText("契約中")).toBeTruthy();
    // No contract end date: none shown, and no deletion either.
    expect(within(active).getByText("—")).toBeTruthy();
    expect(within(active).queryByText(/削除/)).toBeNull();

    const later = screen.getByText("LATER").closest("tr")!;
    expect(within(later).getByText("契約中")).toBeTruthy();
    expect(within(later).getByText("2100-01-01 00:00:00 JST に契約終了")).toBeTruthy();

    // Ended by its date though its status still says active; nothing deleted yet, the accounts are next.
    const ended = screen.getByText("OLDCO").closest("tr")!;
    expect(within(ended).getByText("契約終了")).toBeTruthy();
    expect(within(ended).getByText("削除前")).toBeTruthy();
    expect(within(ended).getByText("次の削除: アカウント（2026-02-11 00:00:00 JST）")).toBeTruthy();
    expect(within(ended).getByText(/予定時刻を過ぎています/)).toBeTruthy();
    expect(within(ended).getByRole<HTMLButtonElement>("button", { name: "編集" }).disabled).toBe(false);

    const deleting = screen.getByText("GONE").closest("tr")!;
    expect(within(deleting).getByText("設定削除済み")).toBeTruthy();
    expect(within(deleting).getByText("装置は切り離され、未割り当ての装置に移りました。")).toBeTruthy();
    expect(within(deleting).getByText("次の削除: ファームウェアと会社（2026-03-03 00:00:00 JST）")).toBeTruthy();
    expect(within(deleting).getByRole<HTMLButtonElement>("button", { name: "編集" }).disabled).toBe(true);
    expect(within(deleting).getByRole<HTMLButtonElement>("button", { name: "管理者を追加" }).disabled).toBe(true);

    // Still changeable before the first step (a renewal moves the end date); the server has started meanwhile.
    const reads = () => calls.filter((c) => c.method === "GET" && c.path.startsWith("/api/v1/companies")).length;
    const before = reads();
    await userEvent.click(within(ended).getByRole("button", { name: "編集" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/2026-02-11 00:00:00 JST からアカウントの削除が始まり/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    expect(await within(dialog).findByText(/契約終了後の削除が始まった会社は変更できません/)).toBeTruthy();
    expect(within(dialog).queryByText("同じものがすでに存在します")).toBeNull();
    // The renewal hint no longer applies.
    expect(within(dialog).queryByText(/からアカウントの削除が始まり/)).toBeNull();
    // The list is read again, to show how far the deletion has gone.
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
  });

  it("lists the unassigned devices with their former company, times in JST, next to the refused devices", async () => {
    const device = {
      id: "d9",
      oui: "00D09E",
      product_class: "SimGateway",
      serial_number: "SIM000042",
      former_company_id: "c3",
      former_company_code: "GONE",
      manufacturer: "Kanri Sim",
      model: "SimRouter X1",
      hardware_version: "hw1",
      software_version: "1.2.3",
      data_model: "TR-181",
      source_ip: "192.0.2.10",
      first_contact_at: "2025-05-01T00:00:00.000Z",
      first_contact_at_jst: "2025-05-01 09:00:00 JST",
      last_contact_at: "2026-12-01T00:00:00.000Z",
      last_contact_at_jst: "2026-12-01 09:00:00 JST",
      detached_at: "2026-02-20T15:00:00.000Z",
      detached_at_jst: "2026-02-21 00:00:00 JST",
    };
    const calls = serve({ account: ACCOUNT, permissions: ["provider.devices"] }, (_m, url) =>
      url.pathname === "/api/v1/unassigned-devices" ? { status: 200, body: { items: [device], next_cursor: null } } : undefined,
    );
    renderApp("/provider/unassigned-devices");
    const row = (await screen.findByText("SIM000042")).closest("tr")!;
    for (const text of ["00D09E", "SimGateway", "SimRouter X1", "Kanri Sim", "1.2.3", "GONE", "2026-12-01 09:00:00 JST", "2026-02-21 00:00:00 JST", "192.0.2.10"])
      expect(within(row).getByText(text)).toBeTruthy();
    for (const header of ["シリアル番号", "OUI / 製品クラス", "機種", "ファームウェア", "元の会社ID", "最終通信（JST）", "切り離し（JST）", "接続元 IP"])
      expect(screen.getByRole("columnheader", { name: new RegExp(header.replace(/[()（）/]/g, ".")) })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "未割り当ての装置" })).toBeTruthy();
    expect(screen.getByText(/契約終了後に削除された会社の装置です。.*どの会社からも見えず.*既定 90 日/)).toBeTruthy();
    const links = screen.getAllByRole("link").map((l) => l.textContent);
    expect(links.indexOf("未割り当ての装置")).toBe(links.indexOf("拒否された装置") + 1);
    // Read in the background (the list refreshes itself; it keeps nobody logged in).
    expect(calls.some((c) => c.path.startsWith("/api/v1/unassigned-devices"))).toBe(true);
  });

  it("says so in English when no device is unassigned", async () => {
    serve({ account: ACCOUNT, permissions: ["provider.devices"] }, (_m, url) =>
      url.pathname === "/api/v1/unassigned-devices" ? { status: 200, body: { items: [], next_cursor: null } } : undefined,
    );
    renderApp("/provider/unassigned-devices", "en");
    expect(await screen.findByText("No unassigned devices")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Unassigned devices" })).toBeTruthy();
    expect(screen.getByText(/deleted after the device retention period \(90 days by default\) without contact/)).toBeTruthy();
  });

  it("names the refusal of a new device whose company's contract ended, and offers no allocation for it", async () => {
    serve({ account: ACCOUNT, permissions: ["provider.devices"] }, (_m, url) => {
      if (url.pathname === "/api/v1/companies") return { status: 200, body: { items: [], next_cursor: null } };
      if (url.pathname === "/api/v1/refused-devices")
        return {
          status: 200,
          body: {
            items: [
              { id: "r1", oui: "00D09E", product_class: "SimGateway", serial_number: "NEW000009", source_ip: "192.0.2.11", reason: "contract_ended", attempts: 3, first_at: "2026-12-01T00:00:00Z", first_at_jst: "2026-12-01 09:00:00 JST", last_at: "2026-12-02T00:00:00Z", last_at_jst: "2026-12-02 09:00:00 JST" },
            ],
            next_cursor: null,
          },
        };
      return undefined;
    });
    renderApp("/provider/refused-devices");
    const row = (await screen.findByText("NEW000009")).closest("tr")!;
    expect(within(row).getByText("契約終了の会社")).toBeTruthy();
    expect(within(row).queryByRole("button", { name: /割り当てる/ })).toBeNull();
  });
});
