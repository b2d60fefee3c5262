// SEC-9's second factor against a fake API: the login's second step (a wrong code retried, a
// recovery code, an expired challenge), the forced set-up when the company requires it, the
// own account's page (switching off refused by policy), the accounts list's reset, and the
// company's "required" switch.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, fakeSiteAdmin, renderApp, stubApi, type Answer, type FakeSession } from "../testing/fakeApi";

const CODES = Array.from({ length: 10 }, (_, i) => `code-${i}aaa-bbbb-cccc`);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

// `state.session` null: no session yet (401); the handlers here take the path alone.
const serve = (state: { session: FakeSession | null }, handler: (method: string, path: string, body: unknown) => Answer) =>
  stubApi((method, url, body) => handler(method, url.pathname, body), { session: () => state.session });

afterEach(() => vi.unstubAllGlobals());

async function enterPassword() {
  await userEvent.type(await screen.findByLabelText(/^ログインID/), "taro");
  await userEvent.type(screen.getByLabelText(/^パスワード/), "Passw0rd-long!");
  await userEvent.click(screen.getByRole("button", { name: "ログイン" }));
}

describe("login: the second step (SEC-9)", () => {
  function loginServer(expiresIn = 300) {
    const state: { session: FakeSession | null } = { session: null };
    const calls = serve(state, (method, path, body) => {
      if (path === "/api/v1/session" && method === "POST")
        return { status: 401, body: { status: 401, code: "totp_required", challenge: "ch-1", challenge_expires_in_seconds: expiresIn } };
      if (path === "/api/v1/session/totp") {
        const { code } = body as { code: string };
        if (code !== "123456" && code !== "abcd-efgh-ijkl-mnop") return { status: 401, body: { status: 401, code: "totp_failed" } };
        state.session = { account: fakeAccount({ totp_enabled: true }), permissions: [], company: { id: "c1", code: "ACME", name: "ACME 株式会社" } };
        return { status: 200, body: { ...state.session, csrf_token: "t", idle_timeout_seconds: 3600, expires_at: "2030-01-01T00:00:00Z" } };
      }
      return undefined;
    });
    return calls;
  }

  it("asks for the code after the password, lets a wrong one be retried with the same challenge, then logs in", async () => {
    const calls = loginServer();
    renderApp("/login");
    await enterPassword();
    const code = await screen.findByLabelText(/^確認コード/);
    expect(code.getAttribute("autocomplete")).toBe("one-time-code");
    expect(code.getAttribute("inputmode")).toBe("numeric");
    expect(screen.getByText("認証アプリに表示されている 6 桁のコードを入力してください。")).toBeTruthy();

    // Not 6 digits: said before anything is sent.
    await userEvent.type(code, "12345");
    await userEvent.click(screen.getByRole("button", { name: "確認してログイン" }));
    expect(await screen.findByText("6 桁の数字を入力してください")).toBeTruthy();
    expect(calls.filter((c) => c.path === "/api/v1/session/totp")).toHaveLength(0);

    await userEvent.clear(code);
    await userEvent.type(code, "654321");
    await userEvent.click(screen.getByRole("button", { name: "確認してログイン" }));
    expect((await screen.findByTestId("login-error")).textContent).toContain("コードが正しくないか、すでに使われています。");

    await userEvent.type(screen.getByLabelText(/^確認コード/), "123 456");
    await userEvent.click(screen.getByRole("button", { name: "確認してログイン" }));
    await screen.findByRole("heading", { name: "ダッシュボード" });
    // Issue 18: the header names the company the session belongs to (no company ID was typed).
    const company = screen.getByTestId("company-indicator");
    expect(company.textContent).toContain("ACME 株式会社");
    expect(company.textContent).toContain("ACME");
    expect(company.getAttribute("title")).toBe("ログイン中の会社: ACME 株式会社（会社ID ACME）");
    expect(calls.filter((c) => c.path === "/api/v1/session/totp").map((c) => c.body)).toEqual([
      { challenge: "ch-1", code: "654321" },
      { challenge: "ch-1", code: "123456" },
    ]);
  });

  it("takes a recovery code instead", async () => {
    const calls = loginServer();
    renderApp("/login");
    await enterPassword();
    await userEvent.click(await screen.findByRole("button", { name: "認証アプリを使えない場合: リカバリーコードを使う" }));
    await userEvent.type(screen.getByLabelText(/^リカバリーコード/), "ABCD-EFGH-IJKL-MNOP");
    await userEvent.click(screen.getByRole("button", { name: "確認してログイン" }));
    await screen.findByRole("heading", { name: "ダッシュボード" });
    expect(calls.find((c) => c.path === "/api/v1/session/totp")?.body).toEqual({ challenge: "ch-1", code: "abcd-efgh-ijkl-mnop" });
  });

  it("goes back to the password once the challenge expired", async () => {
    const calls = loginServer(1);
    renderApp("/login");
    await enterPassword();
    await userEvent.type(await screen.findByLabelText(/^確認コード/), "123456");
    await userEvent.click(screen.getByRole("button", { name: "確認してログイン" }));
    expect((await screen.findByTestId("login-error")).textContent).toContain("ログインの有効期限（5 分）が切れました。");
    expect(screen.getByRole("button", { name: "ログイン" })).toBeTruthy();
    expect(calls.filter((c) => c.path === "/api/v1/session/totp")).toHaveLength(0);
  });
});

describe("forced set-up when the company requires a second factor (SEC-9)", () => {
  it("leads to the set-up, shows the QR code and the key, refuses a wrong code, shows the recovery codes once, then goes on", async () => {
    const state = { session: { account: fakeAccount(), permissions: ["accounts.read"] } as FakeSession | null };
    let enabled = false;
    const calls = serve(state, (_method, path, body) => {
      if (path === "/api/v1/session/totp/enrolment") return { status: 200, body: { secret: "JBSWY3DPEHPK3PXPJBSWY3DP", otpauth_uri: "otpauth://totp/x", qr_svg: SVG } };
      if (path === "/api/v1/session/totp/enrolment/confirm") {
        if ((body as { code: string }).code !== "123456") return { status: 400, body: { status: 400, code: "wrong_code", field: "code" } };
        enabled = true;
        state.session = { account: fakeAccount({ totp_enabled: true }), permissions: ["accounts.read"] };
        return { status: 200, body: { recovery_codes: CODES } };
      }
      if (path !== "/api/v1/session" && !enabled) return { status: 403, body: { status: 403, code: "totp_enrolment_required" } };
      if (path === "/api/v1/accounts") return { status: 200, body: { items: [], next_cursor: null } };
      return undefined;
    });
    renderApp("/accounts");
    await screen.findByRole("heading", { name: "2要素認証の設定が必要です" });
    expect(screen.getByText(/ご利用の組織では 2要素認証が必須になっています。/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "設定を始める" }));
    const qr = await screen.findByRole("img", { name: "認証アプリに登録する QR コード" });
    expect(qr.getAttribute("src")).toBe("data:image/svg+xml;base64," + btoa(SVG));
    expect(screen.getByTestId("totp-secret").textContent).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP");

    const code = screen.getByLabelText(/^確認コード/);
    await userEvent.type(code, "000000");
    await userEvent.click(screen.getByRole("button", { name: "確認して有効にする" }));
    expect(await screen.findByText(/コードが正しくありません。/)).toBeTruthy();
    await userEvent.clear(code);
    await userEvent.type(code, "123456");
    await userEvent.click(screen.getByRole("button", { name: "確認して有効にする" }));

    const list = await screen.findByTestId("recovery-codes");
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(CODES);
    expect(screen.getByText("リカバリーコードは今回だけ表示されます。")).toBeTruthy();
    const done = screen.getByRole("button", { name: "完了" });
    expect((done as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByLabelText("リカバリーコードを安全な場所に保存しました"));
    await userEvent.click(done);
    await screen.findByRole("heading", { name: "ダッシュボード" });
    expect(calls.filter((c) => c.path === "/api/v1/session/totp/enrolment/confirm").map((c) => c.body)).toEqual([{ code: "000000" }, { code: "123456" }]);
  });
});

describe("own account page (SEC-9)", () => {
  it("asks for a code to switch off, and says so when the policy refuses it", async () => {
    const calls = serve({ session: { account: fakeAccount({ kind: "general", totp_enabled: true }), permissions: [] } }, (method, path) => {
      if (path === "/api/v1/session/totp" && method === "DELETE")
        return { status: 403, body: { status: 403, code: "totp_required_by_policy" } };
      return undefined;
    });
    renderApp("/");
    await userEvent.click(await screen.findByRole("link", { name: /アカウント設定/ }));
    await screen.findByRole("heading", { name: "アカウント設定" });
    expect(screen.getByText("2要素認証は有効です。ログインのたびに認証アプリのコードが必要です。")).toBeTruthy();
    await userEvent.type(screen.getByLabelText(/^確認コード/), "123456");
    await userEvent.click(screen.getByRole("button", { name: "オフにする" }));
    expect(await screen.findByText("組織の方針により 2要素認証は必須のため、オフにできません。")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "オフにする" })).toBeNull();
    expect(calls.find((c) => c.method === "DELETE")?.body).toEqual({ code: "123456" });
  });
});

describe("accounts and company settings (SEC-9)", () => {
  it("shows who uses a second factor and resets one after confirmation", async () => {
    let other = fakeAccount({ id: "a2", login: "sato", name: "佐藤 花子", kind: "general", totp_enabled: true });
    const calls = serve({ session: { account: fakeAccount(), permissions: ["accounts.read", "accounts.write"] } }, (_method, path) => {
      if (path === "/api/v1/accounts") return { status: 200, body: { items: [fakeAccount(), other], next_cursor: null } };
      if (path === "/api/v1/accounts/a2/totp-reset") {
        other = { ...other, totp_enabled: false };
        return { status: 204 };
      }
      return undefined;
    });
    renderApp("/accounts");
    const row = (await screen.findByText("佐藤 花子")).closest("tr")!;
    expect(screen.getByRole("columnheader", { name: "2要素認証" })).toBeTruthy();
    expect(within(row).getByText("設定済み")).toBeTruthy();
    // Not for oneself (one's own page does that), nor for an account without one.
    const mine = screen.getAllByRole("row").find((r) => r.textContent?.includes("taro@example.com"))!;
    expect(within(mine).queryByRole("button", { name: "2要素認証をリセット" })).toBeNull();
    await userEvent.click(within(row).getByRole("button", { name: "2要素認証をリセット" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/sato の 2要素認証をオフにします。/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "2要素認証をリセット" }));
    await screen.findByText("2要素認証をリセットしました");
    await waitFor(() => expect(within(screen.getByText("佐藤 花子").closest("tr")!).getByText("未設定")).toBeTruthy());
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/v1/accounts/a2/totp-reset"]);
  });

  it("switches the company's requirement on in its own card", async () => {
    let settings = { ip_restriction_enabled: false, ip_allowlist: [] as string[], totp_required: false, your_address: "127.0.0.1" };
    const calls = serve({ session: { account: fakeAccount({ totp_enabled: true }), permissions: ["company.settings"] } }, (method, path, body) => {
      if (path !== "/api/v1/company/settings") return undefined;
      if (method === "PATCH") settings = { ...settings, ...(body as object) };
      return { status: 200, body: settings };
    });
    renderApp("/settings");
    const card = await screen.findByRole("form", { name: "2要素認証" });
    await userEvent.click(within(card).getByRole("switch", { name: "2要素認証を必須にする" }));
    await userEvent.click(within(card).getByRole("button", { name: "2要素認証の設定を保存" }));
    await screen.findByText("2要素認証の設定を保存しました");
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ totp_required: true });
    expect(await screen.findByText("必須")).toBeTruthy();
  });

  it("lets the provider require it in a company's dialog, sending it only when changed", async () => {
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
    const calls = serve(
      { session: { account: fakeSiteAdmin(), permissions: ["provider.companies"] } },
      (method, path, body) => {
        if (path === "/api/v1/companies") return { status: 200, body: { items: [company], next_cursor: null } };
        if (path === "/api/v1/companies/c1/settings")
          return {
            status: 200,
            body: Object.assign(
              { ip_restriction_enabled: false, ip_allowlist: [], totp_required: false, remote_login_enabled: true, your_address: "10.9.9.9" },
              method === "PATCH" ? body : {},
            ),
          };
        return undefined;
      },
    );
    renderApp("/provider/companies");
    const row = (await screen.findByText("アクメ通信")).closest("tr")!;
    await userEvent.click(within(row).getByRole("button", { name: "アクセス設定" }));
    const dialog = await screen.findByRole("dialog", { name: "ACME（アクメ通信）のアクセス設定" });
    await userEvent.click(within(dialog).getByRole("switch", { name: "2要素認証を必須にする" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    await screen.findByText("アクセス設定を保存しました");
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ ip_restriction_enabled: false, ip_allowlist: [], totp_required: true });
  });
});
