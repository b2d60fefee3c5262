// Issue 18 in the account screens: a server problem on its field in the reader's language, a
// temporarily locked account, and a half-filled form kept (without its password) when the
// session ends, with the configured idle time in the message.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, renderApp, stubApi, type FakeSession, type Handler } from "../testing/fakeApi";

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const admin = fakeAccount({ id: "admin" });
const session: FakeSession = { account: admin, permissions: ["accounts.read", "accounts.write", "roles.read"] };
const list = (items: unknown[]) => ({ status: 200, body: { items, next_cursor: null } });

async function fillNewAccount(password: string) {
  await userEvent.click(await screen.findByRole("button", { name: "アカウントを作成" }));
  const dialog = await screen.findByRole("dialog");
  await userEvent.type(within(dialog).getByLabelText(/ログインID/), "sato");
  await userEvent.type(within(dialog).getByLabelText(/氏名/), "佐藤 花子");
  await userEvent.type(within(dialog).getByLabelText(/メールアドレス/), "sato@example.com");
  await userEvent.type(within(dialog).getByLabelText(/初期パスワード/), password);
  return dialog;
}

describe("issue 18: the account screens in the reader's language", () => {
  it("shows a taken login ID and the password rule on their fields, in Japanese, not the server's English", async () => {
    let answer = { status: 409, body: { status: 409, code: "conflict", detail: "an account with this login ID already exists" } };
    const handler: Handler = (method, url) => {
      if (url.pathname === "/api/v1/accounts" && method === "GET") return list([admin]);
      if (url.pathname === "/api/v1/roles") return list([]);
      if (url.pathname === "/api/v1/accounts" && method === "POST") return answer;
      return undefined;
    };
    stubApi(handler, { session });
    renderApp("/accounts");
    const dialog = await fillNewAccount("Sato-Passw0rd-18");
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    expect(await within(dialog).findByText("このログインIDはすでに使われています")).toBeTruthy();
    expect(within(dialog).getByLabelText(/ログインID/).getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).queryByText(/already exists/)).toBeNull();
    expect(within(dialog).queryByRole("alert")).toBeNull();

    answer = { status: 400, body: { status: 400, code: "invalid_request", field: "password", detail: "this password is one of the most commonly used; choose another" } } as typeof answer;
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    expect(await within(dialog).findByText(/よく使われるパスワードやログインIDと同じものは使えません/)).toBeTruthy();
    expect(within(dialog).getByLabelText(/初期パスワード/).getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).queryByText(/commonly used/)).toBeNull();
  });

  it("shows a temporary lock and until when (JST), not 有効", async () => {
    const until = new Date(Date.now() + 15 * 60_000).toISOString();
    stubApi(
      (method, url) => {
        if (url.pathname === "/api/v1/accounts" && method === "GET") return list([admin, { ...admin, id: "a2", login: "suzuki", name: "鈴木 一郎", kind: "general", locked_until: until }]);
        if (url.pathname === "/api/v1/roles") return list([]);
        return undefined;
      },
      { session },
    );
    renderApp("/accounts");
    const row = (await screen.findByText("鈴木 一郎")).closest("tr")!;
    expect(within(row).getByText("一時ロック中")).toBeTruthy();
    expect(within(row).getByText(/までログインできません/)).toBeTruthy();
    expect(within(row).queryByText("有効")).toBeNull();
  });

  it("keeps a half-filled form without its password when the session ends, says after how long, and opens it again after the login", async () => {
    let loggedIn = true;
    const handler: Handler = (method, url) => {
      if (url.pathname === "/api/v1/accounts" && method === "GET") return list([admin]);
      if (url.pathname === "/api/v1/roles") return list([]);
      if (url.pathname === "/api/v1/accounts" && method === "POST") {
        loggedIn = false;
        return { status: 401, body: { status: 401, code: "session_expired" } };
      }
      return undefined;
    };
    stubApi(handler, { session: () => (loggedIn ? { ...session } : null) });
    const view = renderApp("/accounts");
    const dialog = await fillNewAccount("Secret-Passw0rd-18");
    const stored = () => JSON.stringify(sessionStorage);
    await waitFor(() => expect(stored()).toContain("佐藤 花子"));
    expect(stored()).not.toContain("Secret-Passw0rd-18");
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    // 3600 seconds idle, as the session said.
    expect(await screen.findByText(/60 分間操作がなかったため/)).toBeTruthy();
    expect(stored()).toContain("佐藤 花子");
    expect(stored()).not.toContain("Secret-Passw0rd-18");
    view.unmount();

    // Logged in again (a fresh console at the same screen): the dialog is back with the draft.
    loggedIn = true;
    renderApp("/accounts");
    const again = await screen.findByRole("dialog");
    await waitFor(() => expect(within(again).getByLabelText<HTMLInputElement>(/氏名/).value).toBe("佐藤 花子"));
    expect(within(again).getByLabelText<HTMLInputElement>(/ログインID/).value).toBe("sato");
    expect(within(again).getByLabelText<HTMLInputElement>(/初期パスワード/).value).toBe("");
    // Cancelled while logged in: the draft goes.
    await userEvent.click(within(again).getByRole("button", { name: "キャンセル" }));
    await waitFor(() => expect(stored()).not.toContain("佐藤 花子"));
  });
});
