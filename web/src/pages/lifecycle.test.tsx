// Issue 18 against a fake API: a factory reset needs devices.factory_reset and the serial number
// typed; a task created with "now" that did not reach its device says it waits until the expiry
// (JST); the task list shows the outcome; deleting and retiring say what each means; a job's page
// shows each device's outcome and cancels, and names the filter a job of "select all N matching"
// ran on; such a job is confirmed again when the filter selects another number of devices; the
// company's refused devices say what to do.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const ADMIN = ["devices.read", "devices.configure", "devices.reboot", "devices.factory_reset", "devices.firmware", "profiles.read"];
const OPERATOR = ["devices.read", "devices.configure", "devices.reboot", "devices.firmware", "profiles.read"];

const device = {
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
  wan_mac: "",
  name: "",
  note: "",
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
};

const task = (extra: object = {}) => ({
  id: "t1",
  device_id: "d1",
  job_id: null,
  type: "factoryReset",
  state: "queued",
  request: {},
  result: null,
  fault: null,
  error: null,
  internal: false,
  command_key: "k",
  created_by: { id: "me", login: "taro" },
  created_at: "2025-03-10T00:00:00Z",
  created_at_jst: "2025-03-10 09:00:00",
  started_at: null,
  started_at_jst: null,
  finished_at: null,
  finished_at_jst: null,
  expires_at: "2025-03-17T00:00:00Z",
  expires_at_jst: "2025-03-17 09:00:00",
  wakeup: null,
  wakeup_at: null,
  wakeup_at_jst: null,
  ...extra,
});

const job = (extra: object = {}) => ({
  id: "j1",
  group_id: "g1",
  type: "reboot",
  request: {},
  created_by: { id: "me", login: "taro" },
  created_at: "2025-03-10T00:00:00Z",
  created_at_jst: "2025-03-10 09:00:00",
  progress: { total: 2, queued: 1, running: 0, done: 1, failed: 0, cancelled: 0 },
  ...extra,
});

const jobTask = (n: number, state: string, wakeup: string | null) => ({
  task_id: `t${n}`,
  device_id: `d${n}`,
  serial_number: `SIM00000${n}`,
  state,
  fault: null,
  error: null,
  finished_at: null,
  finished_at_jst: null,
  wakeup,
});

const serve = (handler: Handler, permissions = ADMIN) =>
  stubApi(
    (method, url, body) => {
      const answer = handler(method, url, body);
      if (answer) return answer;
      if (url.pathname === "/api/v1/devices/d1") return { status: 200, body: device };
      if (url.pathname === "/api/v1/devices/d1/tasks" && method === "GET") return { status: 200, body: { items: [], next_cursor: null } };
      if (url.pathname === "/api/v1/device-groups") return { status: 200, body: { items: [{ id: "g1", name: "本社", kind: "static", filter: null, device_count: 2 }], next_cursor: null } };
      if (url.pathname === "/api/v1/security-data") return { status: 200, body: { retention: { device_retention_days: 90 } } };
      return undefined;
    },
    { session: { account: fakeAccount(), permissions } },
  );

afterEach(() => vi.unstubAllGlobals());

describe("factory reset (issue 18)", () => {
  it("is not offered without devices.factory_reset", async () => {
    serve(() => undefined, OPERATOR);
    renderApp("/devices/d1");
    await screen.findByRole("heading", { name: /SIM000001/ });
    expect(screen.getByRole("button", { name: "再起動" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "工場出荷時に戻す" })).toBeNull();
  });

  it("is sent only once the serial number is typed, and a device not reached is said to wait until the expiry (JST)", async () => {
    const calls = serve((method, url) =>
      url.pathname === "/api/v1/devices/d1/tasks" && method === "POST"
        ? { status: 201, body: { ...task({ wakeup: "unreachable", wakeup_at: "2025-03-10T00:00:01Z" }), connection_request: { outcome: "unreachable" } } }
        : undefined,
    );
    renderApp("/devices/d1");
    await userEvent.click(await screen.findByRole("button", { name: "工場出荷時に戻す" }));
    const dialog = await screen.findByRole("dialog", { name: "工場出荷時に戻す" });
    const submit = within(dialog).getByRole("button", { name: "工場出荷時に戻す" });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    expect(submit.className).toContain("btn-danger");
    const typed = within(dialog).getByLabelText(/シリアル番号「SIM000001」を入力/);
    await userEvent.type(typed, "SIM00000");
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(typed, "1");
    expect((submit as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(submit);
    const result = await screen.findByRole("dialog", { name: "タスクを登録しました" });
    expect(within(result).getByTestId("wakeup-summary").textContent).toContain(
      "接続要求は装置に届きませんでした（装置に到達できない）。タスクは登録済みで、装置の次回の定期接続を待って実行されます。期限は 2025-03-17 09:00（JST）です。",
    );
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ type: "factoryReset", now: true }]);
  });
});

describe("the device's tasks (issue 18)", () => {
  it("show what the connection request gave, and the expiry of a task that waits", async () => {
    serve((method, url) =>
      url.pathname === "/api/v1/devices/d1/tasks" && method === "GET"
        ? {
            status: 200,
            body: {
              items: [task({ id: "t2", type: "reboot", wakeup: "timeout" }), task({ id: "t1", type: "reboot", state: "done", wakeup: "delivered" })],
              next_cursor: null,
            },
          }
        : undefined,
    );
    renderApp("/devices/d1?tab=tasks");
    const waiting = await screen.findByRole("row", { name: /待機中/ });
    expect(waiting.textContent).toContain("装置が応答しない（タイムアウト）");
    expect(waiting.textContent).toContain("次回の定期接続を待っています（期限 2025-03-17 09:00 JST）");
    expect(screen.getByRole("row", { name: /届いた/ }).textContent).toContain("完了");
  });
});

describe("deleting and retiring a device (issue 18)", () => {
  it("says a deleted device comes back as new, and retires with its own confirmation", async () => {
    const calls = serve((method, url) => (url.pathname === "/api/v1/devices/d1/retire" && method === "POST" ? { status: 204 } : undefined));
    renderApp("/devices/d1");
    await userEvent.click(await screen.findByRole("button", { name: "削除" }));
    const del = await screen.findByRole("dialog", { name: "装置を削除" });
    expect(del.textContent).toContain("新しい装置として登録されます");
    expect(del.textContent).toContain("装置の保存期間（90 日）のあいだ暗号化して保管します");
    await userEvent.click(within(del).getByRole("button", { name: "キャンセル" }));
    await userEvent.click(screen.getByRole("button", { name: "撤去" }));
    const retire = await screen.findByRole("dialog", { name: "装置を撤去" });
    expect(retire.textContent).toContain("認証情報を無効にします");
    expect(retire.textContent).toContain("工場出荷時の状態に戻してください");
    await userEvent.click(within(retire).getByRole("button", { name: "撤去" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/devices/d1/retire")).toBe(true));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
  });
});

describe("jobs (issue 18)", () => {
  it("lists the company's jobs with their group and progress", async () => {
    serve((_method, url) => (url.pathname === "/api/v1/jobs" ? { status: 200, body: { items: [job(), job({ id: "j2", group_id: null, progress: { total: 3, queued: 0, running: 0, done: 3, failed: 0, cancelled: 0 } })], next_cursor: null } } : undefined));
    renderApp("/jobs");
    const row = await screen.findByRole("row", { name: /グループ「本社」/ });
    expect(row.textContent).toContain("1 / 2 台");
    expect(row.textContent).toContain("実行中");
    expect(screen.getByRole("row", { name: /一覧で選んだ装置/ }).textContent).toContain("完了");
  });

  it("shows each device's outcome, and cancels the tasks not started after asking", async () => {
    const state = { cancelled: false };
    const calls = serve((method, url) => {
      if (url.pathname === "/api/v1/jobs/j1/cancel" && method === "POST") {
        state.cancelled = true;
        return { status: 200, body: job({ progress: { total: 2, queued: 0, running: 0, done: 1, failed: 0, cancelled: 1 } }) };
      }
      if (url.pathname === "/api/v1/jobs/j1")
        return {
          status: 200,
          body: state.cancelled
            ? job({ progress: { total: 2, queued: 0, running: 0, done: 1, failed: 0, cancelled: 1 }, tasks: { items: [jobTask(1, "done", "delivered"), jobTask(2, "cancelled", "unreachable")], next_cursor: null } })
            : job({ tasks: { items: [jobTask(1, "done", "delivered"), jobTask(2, "queued", "unreachable")], next_cursor: null } }),
        };
      return undefined;
    });
    renderApp("/jobs/j1");
    await screen.findByRole("heading", { name: "ジョブ: 再起動" });
    expect((await screen.findByRole("row", { name: /SIM000002/ })).textContent).toContain("装置に到達できない");
    expect(screen.getByText(/1 台には接続要求が届かなかったため/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "未実行のタスクを取り消す" }));
    const confirm = await screen.findByRole("dialog", { name: "ジョブを取り消す" });
    expect(confirm.textContent).toContain("まだ始まっていない 1 台分のタスクを取り消します");
    await userEvent.click(within(confirm).getByRole("button", { name: "未実行のタスクを取り消す" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "未実行のタスクを取り消す" })).toBeNull());
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/v1/jobs/j1/cancel"]);
  });
});

describe("a job on the device list's filter (issue 18)", () => {
  it("sends the N it showed; when the filter selects another number, counts again and asks to confirm the new N", async () => {
    const state = { total: 3, posts: 0 };
    const calls = serve((method, url) => {
      if (url.pathname === "/api/v1/devices" && method === "GET")
        return { status: 200, body: { items: [device, { ...device, id: "d2", serial_number: "SIM000002" }], next_cursor: "c2" } };
      if (url.pathname === "/api/v1/devices/count") return { status: 200, body: { total: state.total } };
      if (url.pathname === "/api/v1/devices/jobs" && method === "POST") {
        state.posts++;
        if (state.posts === 1) {
          // One device left the filter between the count and the confirmation.
          state.total = 2;
          return { status: 409, body: { status: 409, code: "selection_changed", detail: "the filter selects 2 devices now, not 3" } };
        }
        return { status: 201, body: job({ group_id: null, filter: { q: "SIM" }, progress: { total: 2, queued: 2, running: 0, done: 0, failed: 0, cancelled: 0 } }) };
      }
      return undefined;
    });
    renderApp("/devices?q=SIM");
    await userEvent.click(await screen.findByLabelText("すべて"));
    await userEvent.click(await screen.findByRole("button", { name: "該当する 3 台すべてを選択" }));
    await userEvent.click(within(screen.getByRole("region", { name: "選択した装置に" })).getByRole("button", { name: "再起動" }));
    const dialog = await screen.findByRole("dialog", { name: "再起動" });
    expect(dialog.textContent).toContain("3 台の装置を再起動します");
    await userEvent.click(within(dialog).getByRole("button", { name: "再起動" }));
    expect((await within(dialog).findByRole("status")).textContent).toContain(
      "条件に一致する装置が 3 台から 2 台に変わったため、まだ何も登録していません。台数を確認して、もう一度実行してください。",
    );
    expect(dialog.textContent).toContain("2 台の装置を再起動します");
    // The refusal is explained once, not also as a generic error.
    expect(within(dialog).queryByRole("alert")).toBeNull();
    await userEvent.click(within(dialog).getByRole("button", { name: "再起動" }));
    await screen.findByText("2 件のタスクを登録しました");
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { type: "reboot", now: true, filter: { q: "SIM" }, expected_count: 3 },
      { type: "reboot", now: true, filter: { q: "SIM" }, expected_count: 2 },
    ]);
  });

  it("is listed and shown with the filter it ran on, in Japanese and English", async () => {
    const filtered = job({ id: "j3", group_id: null, filter: { q: "BLK", online: true, group_id: "g1" } });
    serve((_method, url) => {
      if (url.pathname === "/api/v1/jobs") return { status: 200, body: { items: [filtered, job({ id: "j4", group_id: null, filter: {} })], next_cursor: null } };
      if (url.pathname === "/api/v1/jobs/j3") return { status: 200, body: { ...filtered, tasks: { items: [jobTask(1, "queued", null)], next_cursor: null } } };
      return undefined;
    });
    const view = renderApp("/jobs");
    expect(await screen.findByRole("row", { name: /一覧の絞り込み（検索: BLK · 状態: オンライン · グループ: 本社）/ })).toBeTruthy();
    expect(screen.getByRole("row", { name: /一覧の全装置（絞り込みなし）/ })).toBeTruthy();
    view.unmount();

    renderApp("/jobs/j3", "en");
    const conditions = await screen.findByTestId("job-filter");
    expect(within(conditions).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Search: BLK", "Status: Online", "Group: 本社"]);
    expect(within(conditions).getByRole("link", { name: "See the devices it matches now" }).getAttribute("href")).toBe("/devices?q=BLK&group_id=g1&online=true");
  });
});

describe("the company's refused devices (issue 18)", () => {
  it("explain each reason with what to do, in Japanese and English", async () => {
    const refused = (id: string, serial: string, reason: string) => ({
      id,
      oui: "00D09E",
      product_class: "SimGateway",
      serial_number: serial,
      source_ip: "198.51.100.7",
      reason,
      attempts: 3,
      first_at: "2025-03-10T00:00:00Z",
      first_at_jst: "2025-03-10 09:00:00",
      last_at: "2025-03-10T01:00:00Z",
      last_at_jst: "2025-03-10 10:00:00",
    });
    serve((_m, url) =>
      url.pathname === "/api/v1/devices/refused"
        ? { status: 200, body: { items: [refused("r1", "SIM000009", "bad_credentials"), refused("r2", "SIM000008", "retired")], next_cursor: null } }
        : undefined,
    );
    const { unmount } = renderApp("/devices/refused");
    const bad = await screen.findByRole("row", { name: /SIM000009/ });
    expect(bad.textContent).toContain("認証情報の誤り");
    expect(bad.textContent).toContain("仕向けの装置認証の初期認証情報");
    expect(within(bad).getByRole("link", { name: "仕向けを開く" }).getAttribute("href")).toBe("/profiles");
    const retired = screen.getByRole("row", { name: /SIM000008/ });
    expect(retired.textContent).toContain("撤去済み");
    expect(within(retired).queryByRole("link")).toBeNull();
    unmount();
    renderApp("/devices/refused", "en");
    expect((await screen.findByRole("row", { name: /SIM000008/ })).textContent).toContain("reset it to factory settings on site");
  });
});
