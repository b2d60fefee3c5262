// Remote login to a device (DEV-5) against a fake API: asked first; the URL, login ID and
// one-time password shown once with copy buttons and a countdown that runs; the state read
// again while it opens; gone once the dialog is closed (the page keeps the state and the
// countdown); ended now; refusals in the reader's language; the device list's badges; and the
// company's switch (company settings, and the provider's dialog of a company's access settings).
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RemoteLogin } from "../api/types";
import { isOpen } from "../lib/remoteLogin";
import { fakeAccount, fakeSiteAdmin, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const NOW = Date.parse("2025-03-10T00:00:00Z");
const EXPIRES = "2025-03-10T01:00:00Z";
const PASSWORD = "Xk7-pQ2m-Lr9w";
const URL_OPEN = "https://203.0.113.7:8443/";

const device = (extra: object = {}) => ({
  id: "d1",
  profile_id: "p1",
  oui: "00D09E",
  product_class: "SimGateway",
  serial_number: "SIM000001",
  manufacturer: "Kanri Sim",
  model: "HG-1",
  hardware_version: "1.0",
  software_version: "2.3.4",
  data_model: "tr181",
  online: true,
  last_events: ["2 PERIODIC"],
  periodic_inform_interval: 3600,
  wan_ip: "203.0.113.7",
  source_ip: "203.0.113.7",
  connection_request_url: "http://203.0.113.7:7547/",
  tags: [],
  auth_mode: "rotate",
  insecure: false,
  credential_state: "rotated",
  first_contact_at: "2025-03-01T00:00:00Z",
  first_contact_at_jst: "2025-03-01 09:00:00",
  last_contact_at: "2025-03-09T23:59:00Z",
  last_contact_at_jst: "2025-03-10 08:59:00",
  last_boot_at: null,
  last_boot_at_jst: null,
  online_until: "2025-03-10T02:00:00Z",
  online_until_jst: "2025-03-10 11:00:00",
  created_at: "2025-03-01T00:00:00Z",
  created_at_jst: "2025-03-01 09:00:00",
  updated_at: "2025-03-10T00:00:00Z",
  updated_at_jst: "2025-03-10 09:00:00",
  remote_login: null,
  ...extra,
});

// A remote login as GET answers it: opening, just issued.
const login = (extra: Partial<RemoteLogin> = {}): RemoteLogin => ({
  id: "r1",
  device_id: "d1",
  state: "opening",
  url: null,
  created_by_login: "taro",
  error: "",
  created_at: "2025-03-10T00:00:00Z",
  opened_at: null,
  expires_at: EXPIRES,
  closed_at: null,
  ...extra,
});

const PERMISSIONS = ["devices.read", "devices.remote_login"];
const serve = (handler: Handler, permissions = PERMISSIONS) => stubApi(handler, { session: { account: fakeAccount(), permissions } });

// A device whose remote login the test moves along: POST opens it (the device was asked to
// connect: `outcome`), each GET tells `state.login`.
function deviceServer(postAnswer?: { status: number; body: unknown }, outcome: { outcome: string; reason?: string } = { outcome: "delivered" }) {
  const state: { login: RemoteLogin | null } = { login: null };
  const calls = serve((method, url) => {
    const path = url.pathname;
    const current = state.login?.state;
    const remote_login = isOpen(current) ? current : null;
    if (path === "/api/v1/devices") return { status: 200, body: { items: [device({ remote_login })], next_cursor: null } };
    if (path === "/api/v1/devices/d1") return { status: 200, body: device({ remote_login }) };
    if (path !== "/api/v1/devices/d1/remote-login") return undefined;
    if (method === "POST") {
      if (postAnswer) return postAnswer;
      state.login = login();
      return { status: 201, body: { ...state.login, username: "kanri-r1", password: PASSWORD, connection_request: outcome } };
    }
    if (method === "DELETE") {
      if (!state.login || state.login.state === "closed" || state.login.state === "failed")
        return { status: 409, body: { status: 409, code: "remote_login_not_open", detail: "no remote login to this device is open" } };
      state.login = { ...state.login, state: "closing" };
      return { status: 202, body: { ...state.login, connection_request: { outcome: "delivered" } } };
    }
    return state.login ? { status: 200, body: state.login } : { status: 404, body: { status: 404, code: "not_found" } };
  });
  return { state, calls };
}

// The clock of the countdown and of the polling (Date and setInterval) moves only when a test
// moves it; everything else (fetch, React, user events) runs on real time.
const advance = (ms: number) => void act(() => vi.advanceTimersByTime(ms));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("remote login on the device's page (DEV-5)", () => {
  it("asks, shows the URL, login ID and password once with a running countdown, follows the state, and forgets them when closed", async () => {
    const { state, calls } = deviceServer();
    renderApp("/devices/d1");
    await screen.findByRole("heading", { name: /SIM000001/ });
    await userEvent.click(await screen.findByRole("button", { name: "リモートログイン" }));
    const confirm = await screen.findByRole("dialog", { name: "リモートログインの発行" });
    within(confirm).getByText(/装置 SIM000001 の Web 画面にログインするためのログイン ID とワンタイムパスワードを発行し/);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
    await userEvent.click(within(confirm).getByRole("button", { name: "発行する" }));

    const issued = await screen.findByRole("dialog", { name: "リモートログインを発行しました" });
    expect(within(issued).getByText("ログイン ID とパスワードは今回だけ表示されます。")).toBeTruthy();
    expect(within(issued).getByTestId("remote-login-username").textContent).toBe("kanri-r1");
    expect(within(issued).getByTestId("remote-login-password").textContent).toBe(PASSWORD);
    expect(within(issued).getByText("準備中")).toBeTruthy();
    expect(within(issued).getByText("装置の準備ができると表示されます")).toBeTruthy();
    expect(within(issued).getByText("2025-03-10 10:00:00（JST）に自動的に終了します")).toBeTruthy();
    expect(within(issued).getByTestId("remote-login-countdown").textContent).toBe("残り 1:00:00");

    // The device gets ready while the countdown runs: 90 seconds on, the state has been read
    // again (every 3 s while opening) and brings the URL.
    state.login = { ...state.login!, state: "active", url: URL_OPEN, opened_at: "2025-03-10T00:00:04Z" };
    advance(90_000);
    expect(within(issued).getByTestId("remote-login-countdown").textContent).toBe("残り 58:30");
    await within(issued).findByText("ログイン可能");
    const link = within(issued).getByRole("link", { name: URL_OPEN });
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toContain("noopener");

    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await userEvent.click(within(issued).getByRole("button", { name: "コピー: パスワード" }));
    expect(writeText).toHaveBeenLastCalledWith(PASSWORD);
    await within(issued).findByRole("button", { name: "コピーしました: パスワード" });
    await userEvent.click(within(issued).getByRole("button", { name: "コピー: ログイン ID" }));
    expect(writeText).toHaveBeenLastCalledWith("kanri-r1");
    await userEvent.click(within(issued).getByRole("button", { name: "コピー: URL" }));
    expect(writeText).toHaveBeenLastCalledWith(URL_OPEN);

    await userEvent.click(within(issued).getAllByRole("button", { name: "閉じる" }).at(-1)!);
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "リモートログインを発行しました" })).toBeNull());
    expect(screen.queryByText(PASSWORD)).toBeNull();
    expect(screen.queryByText("kanri-r1")).toBeNull();

    // The page keeps the state, the URL and the countdown, from GET; no second one can be opened.
    const status = screen.getByTestId("remote-login-status");
    expect(within(status).getByText("ログイン可能")).toBeTruthy();
    expect(within(status).getByRole("link", { name: URL_OPEN })).toBeTruthy();
    expect(within(status).getByTestId("remote-login-countdown").textContent).toBe("残り 58:30");
    advance(60_000);
    expect(within(status).getByTestId("remote-login-countdown").textContent).toBe("残り 57:30");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "リモートログイン" }).disabled).toBe(true);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("ends it now, follows the cleanup to the end, and a new one shows no old credentials", async () => {
    const { state, calls } = deviceServer();
    renderApp("/devices/d1");
    await userEvent.click(await screen.findByRole("button", { name: "リモートログイン" }));
    await userEvent.click(await screen.findByRole("button", { name: "発行する" }));
    const issued = await screen.findByRole("dialog", { name: "リモートログインを発行しました" });
    await userEvent.click(within(issued).getAllByRole("button", { name: "閉じる" }).at(-1)!);

    const status = await screen.findByTestId("remote-login-status");
    await userEvent.click(within(status).getByRole("button", { name: "今すぐ終了" }));
    await screen.findByText("リモートログインの終了を依頼しました");
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/devices/d1/remote-login")).toBe(true);
    await within(status).findByText("後片付け中");
    expect(within(status).queryByTestId("remote-login-countdown")).toBeNull();
    await screen.findByText("後片付け待ち");

    state.login = { ...state.login!, state: "closed", closed_at: "2025-03-10T00:02:00Z" };
    advance(3_000);
    await within(status).findByText("終了");
    expect(within(status).getByText("2025-03-10 09:02:00")).toBeTruthy();

    // Open again: asked again, and nothing of the first one anywhere.
    const again = screen.getByRole<HTMLButtonElement>("button", { name: "リモートログイン" });
    await waitFor(() => expect(again.disabled).toBe(false));
    await userEvent.click(again);
    await screen.findByRole("dialog", { name: "リモートログインの発行" });
    expect(screen.queryByText(PASSWORD)).toBeNull();
    expect(screen.queryByTestId("remote-login-password")).toBeNull();
  });

  it("says the company switched it off, in English, not in the server's words", async () => {
    deviceServer({ status: 403, body: { status: 403, code: "remote_login_disabled", detail: "remote login is disabled for this company" } });
    renderApp("/devices/d1", "en");
    await userEvent.click(await screen.findByRole("button", { name: "Remote login" }));
    const confirm = await screen.findByRole("dialog", { name: "Issue a remote login" });
    await userEvent.click(within(confirm).getByRole("button", { name: "Issue" }));
    await within(confirm).findByText("Remote login is switched off in this company. It can be switched on in the company settings.");
    expect(within(confirm).queryByText("remote login is disabled for this company")).toBeNull();
  });

  it("explains one already open, in Japanese, and shows it", async () => {
    const { state } = deviceServer({ status: 409, body: { status: 409, code: "remote_login_active", detail: "one is already open" } });
    renderApp("/devices/d1");
    const action = await screen.findByRole("button", { name: "リモートログイン" });
    // Someone else opens one after the page read the device.
    state.login = login({ id: "r0", state: "active", url: URL_OPEN, opened_at: "2025-03-09T23:50:00Z", created_by_login: "hanako" });
    await userEvent.click(action);
    await userEvent.click(await screen.findByRole("button", { name: "発行する" }));
    await screen.findByText(/この装置のリモートログインはすでに開いています（または準備中です）。/);
    expect(screen.queryByText("one is already open")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "キャンセル" }));
    const status = await screen.findByTestId("remote-login-status");
    expect(within(status).getByRole("link", { name: URL_OPEN })).toBeTruthy();
  });

  it("says when the device could not be woken, and when it had already ended", async () => {
    const { state } = deviceServer(undefined, { outcome: "not_sent", reason: "connection_requests_unavailable" });
    renderApp("/devices/d1");
    await userEvent.click(await screen.findByRole("button", { name: "リモートログイン" }));
    await userEvent.click(await screen.findByRole("button", { name: "発行する" }));
    const issued = await screen.findByRole("dialog", { name: "リモートログインを発行しました" });
    within(issued).getByText("装置にすぐ接続するよう依頼できませんでした。装置が次に Kanri へ接続したときに設定されます。");
    await userEvent.click(within(issued).getAllByRole("button", { name: "閉じる" }).at(-1)!);

    // It failed meanwhile; "end now" from the page as it was answers 409 and the page catches up.
    state.login = { ...state.login!, state: "failed", error: "the device was not reached in time", closed_at: "2025-03-10T00:01:00Z" };
    const status = await screen.findByTestId("remote-login-status");
    await userEvent.click(within(status).getByRole("button", { name: "今すぐ終了" }));
    await screen.findByText("この装置のリモートログインはすでに終了しています。");
    await within(status).findByText("the device was not reached in time");
    expect(within(status).getByText("失敗")).toBeTruthy();
  });

  it("reads no remote login while none is open, and offers none without the permission", async () => {
    const { calls } = deviceServer();
    renderApp("/devices/d1");
    await screen.findByRole("heading", { name: /SIM000001/ });
    expect(screen.getByRole("button", { name: "リモートログイン" })).toBeTruthy();
    // None open: nothing to read (a device that never had one would answer 404).
    expect(calls.some((c) => c.path.endsWith("/remote-login"))).toBe(false);
    vi.unstubAllGlobals();

    const viewer = serve((_m, url) => (url.pathname === "/api/v1/devices/d1" ? { status: 200, body: device() } : undefined), ["devices.read"]);
    const { unmount } = renderApp("/devices/d1");
    await screen.findAllByRole("heading", { name: /SIM000001/ });
    unmount();
    expect(viewer.some((c) => c.path.endsWith("/remote-login"))).toBe(false);
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });
});

describe("the device list's remote-login badge (DEV-5)", () => {
  it("is read again once the remote login ended on the device's page, though the list was read just before", async () => {
    const { state, calls } = deviceServer();
    state.login = login({ state: "active", url: URL_OPEN, opened_at: "2025-03-09T23:50:00Z" });
    // As the console runs: a list read is fresh for 15 s (and the clock stands still here).
    renderApp("/devices", "ja", 15_000);
    const row = async () => (await screen.findByRole("link", { name: "SIM000001" })).closest("tr")!;
    expect(within(await row()).getByText("リモートログイン中")).toBeTruthy();
    await userEvent.click(screen.getByRole("link", { name: "SIM000001" }));
    const status = await screen.findByTestId("remote-login-status");
    await userEvent.click(within(status).getByRole("button", { name: "今すぐ終了" }));
    await within(status).findByText("後片付け中");
    state.login = { ...state.login, state: "closed", closed_at: "2025-03-10T00:02:00Z" };
    advance(3_000);
    await within(status).findByText("終了");

    const listReads = calls.filter((c) => c.path.startsWith("/api/v1/devices?")).length;
    await userEvent.click(screen.getByRole("link", { name: "装置" }));
    await waitFor(() => expect(calls.filter((c) => c.path.startsWith("/api/v1/devices?")).length).toBeGreaterThan(listReads));
    await waitFor(async () => expect(within(await row()).queryByText("リモートログイン中")).toBeNull());
    expect(within(await row()).queryByText("後片付け待ち")).toBeNull();
  });

  it("shows open, opening and cleanup pending", async () => {
    serve((_m, url) =>
      url.pathname === "/api/v1/devices"
        ? {
            status: 200,
            body: {
              items: [
                device({ id: "d1", serial_number: "SIM000001", remote_login: "active" }),
                device({ id: "d2", serial_number: "SIM000002", remote_login: "opening" }),
                device({ id: "d3", serial_number: "SIM000003", remote_login: "closing" }),
                device({ id: "d4", serial_number: "SIM000004", remote_login: null }),
              ],
              next_cursor: null,
            },
          }
        : undefined,
    );
    renderApp("/devices");
    const row = async (serial: string) => (await screen.findByRole("link", { name: serial })).closest("tr")!;
    expect(within(await row("SIM000001")).getByText("リモートログイン中")).toBeTruthy();
    expect(within(await row("SIM000002")).getByText("リモートログイン中")).toBeTruthy();
    expect(within(await row("SIM000003")).getByText("後片付け待ち")).toBeTruthy();
    const plain = await row("SIM000004");
    expect(within(plain).queryByText("リモートログイン中")).toBeNull();
    expect(within(plain).queryByText("後片付け待ち")).toBeNull();
  });
});

describe("company settings: remote login (DEV-5)", () => {
  it("explains the switch, shows it on (as companies start), and saves it off", async () => {
    let settings: Record<string, unknown> = { ip_restriction_enabled: false, ip_allowlist: [], totp_required: false, remote_login_enabled: true, your_address: "127.0.0.1" };
    const calls = serve(
      (method, url, body) => {
        if (url.pathname !== "/api/v1/company/settings") return undefined;
        if (method === "PATCH") settings = { ...settings, ...(body as object) };
        return { status: 200, body: settings };
      },
      ["company.settings"],
    );
    renderApp("/settings");
    const card = (await screen.findByRole("form", { name: "リモートログイン" })).closest("section")!;
    expect(within(card).getByText(/装置の Web 画面にログインするためのログイン ID とワンタイムパスワードを発行できます/)).toBeTruthy();
    expect(within(card).getByText("許可")).toBeTruthy();
    const toggle = within(card).getByRole<HTMLInputElement>("switch", { name: "リモートログインを許可する" });
    expect(toggle.checked).toBe(true);
    await userEvent.click(toggle);
    await userEvent.click(within(card).getByRole("button", { name: "リモートログインの設定を保存" }));
    await screen.findByText("リモートログインの設定を保存しました");
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ remote_login_enabled: false });
    await within(card).findByText("禁止");
    expect(toggle.checked).toBe(false);
  });
});

describe("provider: a company's remote login switch (DEV-5)", () => {
  it("shows the company's setting in its access settings and saves it off, with nothing else changed", async () => {
    const company = {
      id: "c1",
      code: "ACME",
      name: "アクメ通信",
      status: "active",
      contract_start: null,
      contract_end: null,
      max_devices: null,
      device_count: 0,
      account_count: 1,
      allow_unauthenticated_devices: false,
      deletion_stage: 0,
      deletion_schedule: null,
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
    };
    let settings: Record<string, unknown> = {
      ip_restriction_enabled: true,
      ip_allowlist: ["203.0.113.0/24"],
      totp_required: true,
      remote_login_enabled: true,
      your_address: "10.9.9.9",
    };
    const calls = stubApi(
      (method, url, body) => {
        if (url.pathname === "/api/v1/companies") return { status: 200, body: { items: [company], next_cursor: null } };
        if (url.pathname !== "/api/v1/companies/c1/settings") return undefined;
        if (method === "PATCH") settings = { ...settings, ...(body as object) };
        return { status: 200, body: settings };
      },
      { session: { account: fakeSiteAdmin(), permissions: ["provider.companies"] } },
    );
    renderApp("/provider/companies");
    const row = (await screen.findByText("アクメ通信")).closest("tr")!;
    await userEvent.click(within(row).getByRole("button", { name: "アクセス設定" }));
    const dialog = await screen.findByRole("dialog", { name: "ACME（アクメ通信）のアクセス設定" });
    const group = within(dialog).getByRole("group", { name: "リモートログイン" });
    within(group).getByText(/装置の Web 画面にログインするためのログイン ID とワンタイムパスワードを発行できます/);
    const toggle = within(group).getByRole<HTMLInputElement>("switch", { name: "リモートログインを許可する" });
    expect(toggle.checked).toBe(true);
    await userEvent.click(toggle);
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    await screen.findByText("アクセス設定を保存しました");
    expect(calls.find((c) => c.method === "PATCH")).toEqual({
      method: "PATCH",
      path: "/api/v1/companies/c1/settings",
      body: { ip_restriction_enabled: true, ip_allowlist: ["203.0.113.0/24"], remote_login_enabled: false },
    });

    // Opened again: what the company has now.
    await userEvent.click(within(row).getByRole("button", { name: "アクセス設定" }));
    const again = await screen.findByRole("dialog", { name: "ACME（アクメ通信）のアクセス設定" });
    expect(within(again).getByRole<HTMLInputElement>("switch", { name: "リモートログインを許可する" }).checked).toBe(false);
  });
});
