// Issue 18 in the reader's language: a server problem on its field, a temporarily locked account,
// a half-filled form kept (without its password) when the session ends, with the configured idle
// time in the message, the dashboard's failed tasks by device, task and fault, and the serial
// numbers a group change refused.
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

const failedTask = (id: string, device: { serial_number: string; model: string }, extra: object = {}) => ({
  id,
  device_id: `dev-${id}`,
  job_id: null,
  type: "setParameterValues",
  state: "failed",
  request: {},
  result: null,
  fault: { code: 9003, string: "Invalid arguments", meaning: "Invalid arguments" },
  error: null,
  internal: false,
  command_key: "k",
  created_by: { id: "me", login: "taro" },
  created_at: "2025-03-10T00:00:00Z",
  created_at_jst: "2025-03-10 09:00:00",
  started_at: "2025-03-10T00:00:01Z",
  started_at_jst: "2025-03-10 09:00:01",
  finished_at: "2025-03-10T00:00:02Z",
  finished_at_jst: "2025-03-10 09:00:02",
  expires_at: "2025-03-17T00:00:00Z",
  expires_at_jst: "2025-03-17 09:00:00",
  wakeup: null,
  wakeup_at: null,
  wakeup_at_jst: null,
  device: { product_class: "SimGateway", ...device },
  ...extra,
});

describe("issue 18: the dashboard's failed tasks", () => {
  it("name the device (serial number and model), the task and the fault in words, each a link to the device, without audit.read", async () => {
    const calls = stubApi(
      (_method, url) => {
        if (url.pathname === "/api/v1/devices/summary") return { status: 200, body: { total: 3, online: 2, offline: 1, insecure: 0 } };
        if (url.pathname === "/api/v1/tasks/failed")
          return list([
            failedTask("t1", { serial_number: "LNG000001", model: "HG-1" }),
            failedTask("t2", { serial_number: "", model: "" }, { type: "reboot", fault: null, error: "interrupted" }),
          ]);
        return undefined;
      },
      { session: { account: fakeAccount({ kind: "general" }), permissions: ["devices.read"] } },
    );
    const view = renderApp("/");
    const list1 = await screen.findByTestId("recent-failures");
    const link = within(list1).getByRole("link", { name: /LNG000001/ });
    expect(link.textContent).toContain("HG-1");
    expect(link.textContent).toContain("パラメータ設定");
    expect(link.textContent).toContain("9003 引数が正しくありません");
    expect(link.getAttribute("href")).toBe("/devices/dev-t1?tab=tasks");
    // A device deleted since: named as such, and no link to it.
    const items = within(list1).getAllByRole("listitem");
    expect(items[1]?.textContent).toContain("（削除された装置）");
    expect(within(items[1]!).queryByRole("link")).toBeNull();
    expect(calls.some((c) => c.path.startsWith("/api/v1/audit"))).toBe(false);
    view.unmount();

    renderApp("/", "en");
    const english = await screen.findByTestId("recent-failures");
    expect(within(english).getByRole("link", { name: /LNG000001/ }).textContent).toContain("9003 Invalid arguments");
    expect(within(english).getAllByRole("listitem")[1]?.textContent).toContain("(deleted device)");
  });
});

describe("issue 18: serial numbers that are not the company's devices", () => {
  it("are listed from the problem's items in the reader's language, whatever the server's English says", async () => {
    const group = { id: "g1", name: "出荷 12月", kind: "static", filter: null, device_count: 2, created_at: "2025-03-01T00:00:00Z", updated_at: "2025-03-01T00:00:00Z" };
    const unknown = Array.from({ length: 10 }, (_, i) => `NOPE-${String(i + 1).padStart(4, "0")}`);
    const calls = stubApi(
      (method, url) => {
        if (url.pathname === "/api/v1/device-groups" && method === "GET") return list([group]);
        if (url.pathname === "/api/v1/device-groups/g1/devices" && method === "POST")
          return { status: 400, body: { status: 400, code: "unknown_serials", field: "serials", detail: "12 serial numbers are not devices of this company: …", items: unknown } };
        return undefined;
      },
      { session: { account: fakeAccount(), permissions: ["devices.read", "devices.configure"] } },
    );
    const edit = async (label: RegExp, save: string) => {
      await userEvent.click(await screen.findByRole("button", { name: label }));
      const dialog = await screen.findByRole("dialog");
      await userEvent.type(within(dialog).getByLabelText(/^(追加するシリアル番号|Serial numbers to add)/), unknown.join("\n"));
      await userEvent.click(within(dialog).getByRole("button", { name: save }));
      return dialog;
    };
    const view = renderApp("/device-groups");
    let dialog = await edit(/編集/, "保存");
    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("次のシリアル番号はこの会社の装置にないため、何も変更していません。");
    expect(within(alert).getByTestId("unknown-serials").textContent).toBe(`${unknown.join(", ")} （最初の 10 件）`);
    expect(alert.textContent).not.toContain("not devices of this company");
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ serials: unknown }]);
    view.unmount();

    renderApp("/device-groups", "en");
    dialog = await edit(/Edit/, "Save");
    const english = await within(dialog).findByRole("alert");
    expect(english.textContent).toContain("These serial numbers are not your company's devices, so nothing was changed.");
    expect(english.textContent).toContain("NOPE-0010 (the first 10)");
  });
});
