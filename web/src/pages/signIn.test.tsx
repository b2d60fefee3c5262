// The sign-in screens against a fake API: the company's IP restriction (SEC-4) with the
// caller's address, its lock-out refusal and a bad entry; the provider's dialog for a
// company's; API tokens (SEC-9) listed, created (the secret shown once) and revoked.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Permission } from "../api/types";
import { fakeAccount, fakeSiteAdmin, renderApp, stubApi, type FakeSession, type Handler } from "../testing/fakeApi";

const CATALOG: Permission[] = [
  { name: "accounts.read", scope: "company", label_ja: "アカウントの閲覧", label_en: "View accounts" },
  { name: "devices.read", scope: "company", label_ja: "装置の閲覧", label_en: "View devices" },
  { name: "devices.reboot", scope: "company", label_ja: "装置の再起動", label_en: "Reboot devices" },
  { name: "tokens.write", scope: "company", label_ja: "APIトークンの管理", label_en: "Manage API tokens" },
  { name: "provider.companies", scope: "provider", label_ja: "会社・契約の管理", label_en: "Manage companies" },
  { name: "provider.tokens", scope: "provider", label_ja: "サービスのAPIトークンの管理", label_en: "Manage the provider's API tokens" },
];

const serve = (session: FakeSession, handler: Handler) => stubApi(handler, { session, catalog: CATALOG });

afterEach(() => vi.unstubAllGlobals());

describe("company settings: IP restriction (SEC-4)", () => {
  // A fake server keeping the settings, with the lock-out guard for the caller 127.0.0.1.
  function settingsServer() {
    let settings = { ip_restriction_enabled: false, ip_allowlist: ["192.0.2.0/24"], totp_required: false, remote_login_enabled: true };
    const calls = serve({ account: fakeAccount(), permissions: ["company.settings", "tokens.write"] }, (method, url, body) => {
      if (url.pathname !== "/api/v1/company/settings") return undefined;
      if (method === "PATCH") {
        const patch = body as { ip_restriction_enabled: boolean; ip_allowlist: string[] };
        const list = patch.ip_allowlist.map((e) => (e.includes("/") ? e : `${e}/32`));
        if (patch.ip_restriction_enabled && !list.includes("127.0.0.1/32"))
          return {
            status: 422,
            body: { status: 422, code: "would_lock_out_caller", field: "ip_allowlist", detail: "your own address 127.0.0.1 would be outside the list" },
          };
        settings = { ...settings, ip_restriction_enabled: patch.ip_restriction_enabled, ip_allowlist: list };
      }
      return { status: 200, body: { ...settings, your_address: "127.0.0.1" } };
    });
    return calls;
  }

  it("shows the caller's address, refuses a list without it with the lock-out message, and saves once it is added", async () => {
    const calls = settingsServer();
    renderApp("/settings");
    await screen.findByRole("heading", { name: "会社設定" });
    expect(screen.getByRole("link", { name: "会社設定" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "API トークン" })).toBeTruthy();
    const address = await screen.findByTestId("your-address");
    expect(within(address).getByText("127.0.0.1")).toBeTruthy();
    expect(within(address).getByText("一覧に含まれていません")).toBeTruthy();
    expect(screen.getByText("オンにすると、一覧にないアドレスからのログインと API トークンの利用は拒否されます。")).toBeTruthy();
    const list = screen.getByLabelText<HTMLTextAreaElement>("許可するアドレス");
    expect(list.value).toBe("192.0.2.0/24");

    await userEvent.click(screen.getByRole("switch", { name: "IP アドレス制限を有効にする" }));
    await screen.findByText(/あなたの現在のアドレス（127.0.0.1）が一覧にありません/);
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    await screen.findByText(/あなたの現在のアドレス（127.0.0.1）が一覧に含まれていないため、保存できませんでした/);
    expect(list.getAttribute("aria-invalid")).toBe("true");

    await userEvent.click(within(address).getByRole("button", { name: "現在のアドレスを追加" }));
    expect(list.value).toBe("192.0.2.0/24\n127.0.0.1");
    expect(within(address).getByText("一覧に含まれています")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    await screen.findByText("IP アドレス制限を保存しました");
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.at(-1)?.body).toEqual({ ip_restriction_enabled: true, ip_allowlist: ["192.0.2.0/24", "127.0.0.1"] });
    // The form shows the list as saved, in the server's form.
    await waitFor(() => expect(list.value).toBe("192.0.2.0/24\n127.0.0.1/32"));
    expect(screen.getAllByText("有効").length).toBeGreaterThan(0);
  });

  it("names a bad entry and its fix before anything is sent", async () => {
    const calls = settingsServer();
    renderApp("/settings");
    const list = await screen.findByLabelText<HTMLTextAreaElement>("許可するアドレス");
    await userEvent.clear(list);
    await userEvent.type(list, "192.0.2.7/24");
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    await screen.findByText(/ネットワーク全体なら 192\.0\.2\.0\/24、1 つのアドレスなら 192\.0\.2\.7\/32 と入力してください/);
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);
  });
});

describe("provider: a company's IP restriction (SEC-4), in its access settings", () => {
  it("opens from the company's row and saves the company's settings", async () => {
    const company = {
      id: "c1",
      code: "ACME",
      name: "アクメ通信",
      contract_start: "2025-01-01",
      contract_end: null,
      status: "active",
      allow_unauthenticated_devices: false,
      deletion_stage: 0,
      deletion_schedule: null,
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
    };
    const calls = serve({ account: fakeSiteAdmin(), permissions: ["provider.companies", "provider.tokens"] }, (method, url, body) => {
      if (url.pathname === "/api/v1/companies") return { status: 200, body: { items: [company], next_cursor: null } };
      if (url.pathname === "/api/v1/companies/c1/settings")
        return {
          status: 200,
          body: Object.assign(
            { ip_restriction_enabled: false, ip_allowlist: [], totp_required: false, remote_login_enabled: true, your_address: "10.9.9.9" },
            method === "PATCH" ? body : {},
          ),
        };
      return undefined;
    });
    renderApp("/provider/companies");
    const row = (await screen.findByText("アクメ通信")).closest("tr")!;
    await userEvent.click(within(row).getByRole("button", { name: "アクセス設定" }));
    const dialog = await screen.findByRole("dialog", { name: "ACME（アクメ通信）のアクセス設定" });
    // One section each: the IP restriction, the second factor, remote login.
    expect(within(dialog).getAllByRole("group").map((g) => g.querySelector("legend")?.textContent)).toEqual(["IP アドレス制限", "2要素認証", "リモートログイン"]);
    // The provider's own address is not the company's business.
    expect(within(dialog).queryByText("10.9.9.9")).toBeNull();
    await userEvent.click(within(dialog).getByRole("switch", { name: "IP アドレス制限を有効にする" }));
    within(dialog).getByText(/一覧が空のまま有効にすると/);
    await userEvent.type(within(dialog).getByLabelText("許可するアドレス"), "203.0.113.0/24");
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    await screen.findByText("アクセス設定を保存しました");
    expect(calls.find((c) => c.method === "PATCH")).toEqual({
      method: "PATCH",
      path: "/api/v1/companies/c1/settings",
      body: { ip_restriction_enabled: true, ip_allowlist: ["203.0.113.0/24"] },
    });
    expect(screen.getByRole("link", { name: "API トークン" })).toBeTruthy();
  });
});

describe("API tokens (SEC-9)", () => {
  const token = (extra: object) => ({
    id: "t1",
    name: "在庫システム",
    permissions: ["devices.read"],
    created_by: { id: "me", login: "taro" },
    created_at: "2025-03-10T00:00:00Z",
    created_at_jst: "2025-03-10 09:00:00",
    expires_at: "2025-06-08T00:00:00Z",
    expires_at_jst: "2025-06-08 09:00:00",
    expired: false,
    last_used_at: null,
    last_used_at_jst: null,
    last_used_ip: null,
    ...extra,
  });

  it("lists the tokens with labels, JST times, the expired badge and the last use", async () => {
    serve({ account: fakeAccount(), permissions: ["devices.read", "tokens.write"] }, (_method, url) =>
      url.pathname === "/api/v1/tokens"
        ? {
            status: 200,
            body: {
              items: [
                token({ last_used_at: "2025-03-11T01:02:03Z", last_used_ip: "198.51.100.4" }),
                token({ id: "t2", name: "古い連携", expired: true, expires_at: "2025-03-01T00:00:00Z", permissions: ["devices.read", "devices.reboot"] }),
              ],
            },
          }
        : undefined,
    );
    renderApp("/tokens");
    const live = (await screen.findByText("在庫システム")).closest("tr")!;
    expect(within(live).getByText("装置の閲覧")).toBeTruthy();
    expect(within(live).getByText("2025-03-10 09:00")).toBeTruthy();
    expect(within(live).getByText("taro")).toBeTruthy();
    expect(within(live).getByText("2025-03-11 10:02")).toBeTruthy();
    expect(within(live).getByText("198.51.100.4")).toBeTruthy();
    expect(within(live).getByRole("button", { name: "無効化 在庫システム" })).toBeTruthy();
    const old = screen.getByText("古い連携").closest("tr")!;
    expect(within(old).getByText("期限切れ")).toBeTruthy();
    expect(within(old).getByText("装置の再起動")).toBeTruthy();
    expect(within(old).getByText("未使用")).toBeTruthy();
    expect(within(old).getByRole("button", { name: "削除 古い連携" })).toBeTruthy();
  });

  it("creates a token with some of one's own permissions for 90 days, shows its secret once, and revokes it", async () => {
    let items: object[] = [];
    const calls = serve({ account: fakeAccount(), permissions: ["devices.read", "accounts.read", "tokens.write", "company.settings"] }, (method, url, body) => {
      if (url.pathname === "/api/v1/tokens" && method === "POST") {
        const b = body as { name: string; permissions: string[]; expires_at: string };
        const created = token({ name: b.name, permissions: b.permissions, expires_at: b.expires_at });
        items = [created];
        return { status: 201, body: { ...created, token: "kanri_SECRET123" } };
      }
      if (url.pathname === "/api/v1/tokens") return { status: 200, body: { items } };
      if (url.pathname === "/api/v1/tokens/t1" && method === "DELETE") {
        items = [];
        return { status: 204 };
      }
      return undefined;
    });
    renderApp("/tokens");
    await screen.findByText("API トークンはまだありません");
    await userEvent.click(screen.getByRole("button", { name: "トークンを作成" }));
    const dialog = await screen.findByRole("dialog", { name: "トークンを作成" });
    // Only what the account holds, of the company's scope, and never tokens.write.
    const offered = within(dialog)
      .getAllByRole("checkbox")
      .map((c) => c.closest("label")?.textContent);
    expect(offered).toEqual(["アカウントの閲覧", "装置の閲覧"]);
    expect(within(dialog).getByRole<HTMLInputElement>("radio", { name: "90 日" }).checked).toBe(true);
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    await within(dialog).findByText("権限を 1 つ以上選んでください");
    await within(dialog).findByText("入力してください");
    await userEvent.type(within(dialog).getByLabelText(/^名前/), "在庫システム");
    await userEvent.click(within(dialog).getByLabelText("装置の閲覧"));
    await userEvent.click(within(dialog).getByRole("radio", { name: "日付を指定" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    await within(dialog).findByText("日付を選んでください");
    await userEvent.click(within(dialog).getByRole("radio", { name: "90 日" }));
    const before = Date.now();
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));

    const issued = await screen.findByRole("dialog", { name: "API トークンを作成しました" });
    expect(within(issued).getByTestId("issued-token").textContent).toBe("kanri_SECRET123");
    expect(within(issued).getByText("このトークンは今回だけ表示されます。")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!.body as { name: string; permissions: string[]; expires_at: string };
    expect(post.name).toBe("在庫システム");
    expect(post.permissions).toEqual(["devices.read"]);
    const days = (Date.parse(post.expires_at) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThanOrEqual(90);

    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await userEvent.click(within(issued).getByRole("button", { name: "コピー" }));
    expect(writeText).toHaveBeenCalledWith("kanri_SECRET123");
    await within(issued).findByRole("button", { name: "コピーしました" });
    await userEvent.click(within(issued).getAllByRole("button", { name: "閉じる" }).at(-1)!);
    await waitFor(() => expect(screen.queryByText("kanri_SECRET123")).toBeNull());

    const row = (await screen.findByText("在庫システム")).closest("tr")!;
    await userEvent.click(within(row).getByRole("button", { name: "無効化 在庫システム" }));
    const confirm = await screen.findByRole("dialog", { name: "トークンの無効化" });
    within(confirm).getByText(/トークン「在庫システム」を無効化します/);
    await userEvent.click(within(confirm).getByRole("button", { name: "無効化" }));
    await screen.findByText("トークンを無効化しました");
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/tokens/t1")).toBe(true);
    await screen.findByText("API トークンはまだありません");
  });

  it("shows a refusal for too many tokens above the form", async () => {
    serve({ account: fakeAccount(), permissions: ["devices.read", "tokens.write"] }, (method, url) => {
      if (url.pathname !== "/api/v1/tokens") return undefined;
      if (method === "POST") return { status: 422, body: { status: 422, code: "too_many_tokens", detail: "at most 100 unexpired tokens" } };
      return { status: 200, body: { items: [] } };
    });
    renderApp("/tokens");
    await userEvent.click(await screen.findByRole("button", { name: "トークンを作成" }));
    const dialog = await screen.findByRole("dialog", { name: "トークンを作成" });
    await userEvent.type(within(dialog).getByLabelText(/^名前/), "x");
    await userEvent.click(within(dialog).getByLabelText("装置の閲覧"));
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    await within(dialog).findByText(/有効な API トークンは 100 個までです/);
  });
});
