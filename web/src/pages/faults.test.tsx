// DEV-8 against a fake API: the faults page groups the devices whose latest task failed by
// fault (in Japanese and English, times in JST), opens a group to list its devices, retries a
// group after a confirmation naming how many devices, and a device's task on its own; a
// device's task list shows the attempt, when a waiting task is retried and why, and retries a
// failed task.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const ADMIN = ["devices.read", "devices.configure", "devices.reboot", "devices.factory_reset", "devices.firmware"];

const groups = [
  { fault: "9005", fault_code: 9005, meaning: "Invalid parameter name", error: "cpe_fault", devices: 2, last_at: "2026-12-07T01:02:03Z", last_at_jst: "2026-12-07 10:02:03" },
  { fault: "timeout", fault_code: null, meaning: null, error: "timeout", devices: 1, last_at: "2026-12-06T23:00:00Z", last_at_jst: "2026-12-07 08:00:00" },
];

const task = (extra: object = {}) => ({
  id: "t1",
  device_id: "d1",
  job_id: null,
  type: "addObject",
  state: "failed",
  request: { object: "Device.NoSuchTable." },
  result: null,
  fault: { code: 9005, string: "Invalid parameter name", meaning: "Invalid parameter name" },
  error: "cpe_fault",
  internal: false,
  command_key: "k",
  created_by: { id: "me", login: "taro" },
  created_at: "2026-12-07T01:00:00Z",
  created_at_jst: "2026-12-07 10:00:00",
  started_at: "2026-12-07T01:02:00Z",
  started_at_jst: "2026-12-07 10:02:00",
  finished_at: "2026-12-07T01:02:03Z",
  finished_at_jst: "2026-12-07 10:02:03",
  expires_at: "2026-12-14T01:00:00Z",
  expires_at_jst: "2026-12-14 10:00:00",
  wakeup: "delivered",
  wakeup_at: null,
  wakeup_at_jst: null,
  attempt: 1,
  retry_at: null,
  retry_at_jst: null,
  ...extra,
});

const failedDevices = [
  { ...task(), device: { serial_number: "SIM000001", model: "HG-1", product_class: "SimGateway" } },
  { ...task({ id: "t2", device_id: "d2", type: "reboot", fault: { code: 9005, string: "", meaning: "" } }), device: { serial_number: "SIM000002", model: "HG-2", product_class: "SimGateway" } },
];

const serve = (handler: Handler, permissions = ADMIN) =>
  stubApi(
    (method, url, body) => {
      const answer = handler(method, url, body);
      if (answer) return answer;
      if (url.pathname === "/api/v1/faults") return { status: 200, body: { items: groups } };
      if (url.pathname === "/api/v1/tasks/failed") {
        const fault = url.searchParams.get("fault");
        return { status: 200, body: { items: fault === "9005" ? failedDevices : [], next_cursor: null } };
      }
      return undefined;
    },
    { session: { account: fakeAccount(), permissions } },
  );

afterEach(() => vi.unstubAllGlobals());

describe("the faults page (DEV-8)", () => {
  it("groups the devices by fault with its meaning, opens a group and retries it whole after saying how many devices", async () => {
    const calls = serve((method, url) =>
      url.pathname === "/api/v1/tasks/retry" && method === "POST"
        ? { status: 200, body: { retried: 2, items: failedDevices.map((d) => ({ ...task({ id: d.id, device_id: d.device_id }), state: "queued" })) } }
        : undefined,
    );
    renderApp("/faults");
    expect(await screen.findByRole("link", { name: "障害" })).toBeTruthy();
    const row = await screen.findByRole("row", { name: /9005/ });
    expect(row.textContent).toContain("9005 パラメータ名が正しくありません（装置にないパラメータ）");
    expect(row.textContent).toContain("2 台");
    expect(row.textContent).toContain("2026-12-07 10:02:03");
    expect(screen.getByRole("row", { name: /装置が応答しませんでした/ }).textContent).toContain("1 台");

    await userEvent.click(within(row).getByRole("button", { name: /装置を表示/ }));
    const list = await screen.findByRole("table", { name: "「9005 パラメータ名が正しくありません（装置にないパラメータ）」で失敗した装置" });
    const device = await within(list).findByRole("row", { name: /SIM000001/ });
    expect(device.textContent).toContain("HG-1");
    expect(device.textContent).toContain("オブジェクト追加");
    expect(within(device).getByRole("link", { name: "SIM000001" }).getAttribute("href")).toBe("/devices/d1?tab=tasks");
    expect(calls.some((c) => c.path.startsWith("/api/v1/tasks/failed?") && c.path.includes("fault=9005") && c.path.includes("latest=true"))).toBe(true);

    await userEvent.click(within(row).getByRole("button", { name: /すべて再試行/ }));
    const dialog = await screen.findByRole("dialog", { name: "まとめて再試行" });
    expect(dialog.textContent).toContain("「9005 パラメータ名が正しくありません（装置にないパラメータ）」で最後のタスクが失敗した 2 台の装置");
    await userEvent.click(within(dialog).getByRole("button", { name: "すべて再試行" }));
    await screen.findByText("2 台の装置のタスクを再試行します（接続を要求しました）");
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body])).toEqual([["/api/v1/tasks/retry", { fault: "9005", now: true }]]);
  });

  it("reads the same in English", async () => {
    serve(() => undefined);
    renderApp("/faults?fault=9005", "en");
    const row = await screen.findByRole("row", { name: /9005/ });
    expect(row.textContent).toContain("9005 Invalid parameter name (the device has no such parameter)");
    expect(row.textContent).toContain("2 devices");
    expect(screen.getByRole("row", { name: /The device did not answer/ }).textContent).toContain("1 device");
    const device = await screen.findByRole("row", { name: /SIM000002/ });
    expect(device.textContent).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
    // Switched back and forth, the groups follow the language.
    await userEvent.click(screen.getByRole("button", { name: "日本語" }));
    await waitFor(() => expect(screen.getByRole("row", { name: /9005/ }).textContent).toContain("9005 パラメータ名が正しくありません"));
    await userEvent.click(screen.getByRole("button", { name: "English" }));
    await waitFor(() => expect(screen.getByRole("row", { name: /9005/ }).textContent).toContain("9005 Invalid parameter name"));
    await userEvent.click(within(screen.getByRole("row", { name: /9005/ })).getByRole("button", { name: /Retry all/ }));
    const dialog = await screen.findByRole("dialog", { name: "Retry all" });
    expect(dialog.textContent).toContain("The latest task of 2 devices failed with “9005 Invalid parameter name (the device has no such parameter)”");
  });

  it("retries one device's task, and offers it only with the permission of the task's type", async () => {
    const calls = serve(
      (method, url) =>
        url.pathname === "/api/v1/tasks/t1/retry" && method === "POST" ? { status: 200, body: task({ state: "queued", finished_at: null }) } : undefined,
      ["devices.read", "devices.configure"],
    );
    renderApp("/faults?fault=9005");
    const added = await screen.findByRole("row", { name: /SIM000001/ });
    // A reboot needs devices.reboot, which this account does not hold.
    expect(within(screen.getByRole("row", { name: /SIM000002/ })).queryByRole("button", { name: /再試行/ })).toBeNull();
    await userEvent.click(within(added).getByRole("button", { name: "SIM000001 のオブジェクト追加を再試行" }));
    await screen.findByText("SIM000001 のオブジェクト追加を再試行します（接続を要求しました）");
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body])).toEqual([["/api/v1/tasks/t1/retry", { now: true }]]);
  });

  it("says a retry that meets a task no longer failed in words", async () => {
    serve((method, url) =>
      url.pathname === "/api/v1/tasks/t1/retry" && method === "POST"
        ? { status: 409, body: { status: 409, code: "task_not_retryable", detail: "Only a failed task can be retried." } }
        : undefined,
    );
    renderApp("/faults?fault=9005");
    const added = await screen.findByRole("row", { name: /SIM000001/ });
    await userEvent.click(within(added).getByRole("button", { name: /再試行/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("再試行できるのは失敗したタスクだけです");
  });

  it("is not in the menu without devices.read, and says when no device's latest task failed", async () => {
    serve((_, url) => (url.pathname === "/api/v1/faults" ? { status: 200, body: { items: [] } } : undefined), ["audit.read"]);
    const dashboard = renderApp("/");
    await screen.findByRole("heading", { name: "ダッシュボード" });
    expect(screen.queryByRole("link", { name: "障害" })).toBeNull();
    dashboard.unmount();
    vi.unstubAllGlobals();
    serve((_, url) => (url.pathname === "/api/v1/faults" ? { status: 200, body: { items: [] } } : undefined));
    renderApp("/faults");
    await screen.findAllByText("最後のタスクが失敗した装置はありません");
  });
});

describe("the dashboard (DEV-8)", () => {
  it("leads from the failed tasks to the faults page", async () => {
    serve(() => undefined);
    renderApp("/");
    const link = await screen.findByRole("link", { name: "障害の種類ごとに見る" });
    expect(link.getAttribute("href")).toBe("/faults");
  });
});

describe("a device's tasks (DEV-8)", () => {
  const device = { id: "d1", serial_number: "SIM000001", oui: "00D09E", product_class: "SimGateway", model: "HG-1", online: true, tags: [], last_events: [] };

  it("show the attempt, when a waiting task is retried and why, and retry a failed task", async () => {
    const waiting = task({
      id: "t3",
      type: "setParameterValues",
      state: "queued",
      request: { values: { "Device.X": "1" } },
      fault: { code: 9002, string: "", meaning: "" },
      finished_at: null,
      attempt: 2,
      retry_at: "2026-12-07T01:04:00Z",
    });
    const calls = serve((method, url) => {
      if (url.pathname === "/api/v1/devices/d1") return { status: 200, body: device };
      if (url.pathname === "/api/v1/devices/d1/tasks" && method === "GET") return { status: 200, body: { items: [waiting, task()], next_cursor: null } };
      if (url.pathname === "/api/v1/tasks/t1/retry") return { status: 200, body: task({ state: "queued" }) };
      if (url.pathname === "/api/v1/security-data") return { status: 200, body: { retention: { device_retention_days: 90 } } };
      return undefined;
    });
    renderApp("/devices/d1?tab=tasks");
    const queued = await screen.findByRole("row", { name: /パラメータ設定/ });
    expect(queued.textContent).toContain("2 回目");
    expect(queued.textContent).toMatch(/\d\d:04（JST）に再試行します（前回: 9002 装置の内部エラー）|2026-12-07 10:04（JST）に再試行します/);
    const failed = screen.getByRole("row", { name: /オブジェクト追加/ });
    expect(failed.textContent).not.toContain("回目");
    await userEvent.click(within(failed).getByRole("button", { name: "再試行" }));
    await screen.findByText("タスクを再試行します（接続を要求しました）");
    await waitFor(() => expect(calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body])).toEqual([["/api/v1/tasks/t1/retry", { now: true }]]));
  });
});

describe("a job's devices (DEV-8)", () => {
  it("retry a device whose task failed, with the permission of the job's type", async () => {
    const job = {
      id: "j1",
      group_id: "g1",
      filter: null,
      type: "reboot",
      request: {},
      created_by: { id: "me", login: "taro" },
      created_at: "2026-12-07T01:00:00Z",
      created_at_jst: "2026-12-07 10:00:00",
      progress: { total: 2, queued: 0, running: 0, done: 1, failed: 1, cancelled: 0 },
      tasks: {
        items: [
          { task_id: "t1", device_id: "d1", serial_number: "SIM000001", state: "failed", fault: { code: 9001, string: "", meaning: "" }, error: "cpe_fault", finished_at: "2026-12-07T01:02:00Z", finished_at_jst: "", wakeup: "delivered" },
          { task_id: "t2", device_id: "d2", serial_number: "SIM000002", state: "done", fault: null, error: null, finished_at: "2026-12-07T01:02:00Z", finished_at_jst: "", wakeup: "delivered" },
        ],
        next_cursor: null,
      },
    };
    const answer: Handler = (method, url) => {
      if (url.pathname === "/api/v1/jobs/j1") return { status: 200, body: job };
      if (url.pathname === "/api/v1/device-groups") return { status: 200, body: { items: [{ id: "g1", name: "本社", kind: "static", filter: null, device_count: 2 }], next_cursor: null } };
      if (url.pathname === "/api/v1/tasks/t1/retry" && method === "POST") return { status: 200, body: task({ type: "reboot", state: "queued" }) };
      return undefined;
    };
    const calls = serve(answer);
    const first = renderApp("/jobs/j1");
    const failed = await screen.findByRole("row", { name: /SIM000001/ });
    expect(within(screen.getByRole("row", { name: /SIM000002/ })).queryByRole("button", { name: /再試行/ })).toBeNull();
    await userEvent.click(within(failed).getByRole("button", { name: "SIM000001 の再起動を再試行" }));
    await screen.findByText("SIM000001 の再起動を再試行します（接続を要求しました）");
    expect(calls.filter((c) => c.method === "POST").map((c) => [c.path, c.body])).toEqual([["/api/v1/tasks/t1/retry", { now: true }]]);
    first.unmount();
    vi.unstubAllGlobals();
    // Without devices.reboot, no retry of a reboot.
    serve(answer, ["devices.read", "devices.configure"]);
    renderApp("/jobs/j1");
    await screen.findByRole("row", { name: /SIM000001/ });
    expect(screen.queryByRole("button", { name: /再試行/ })).toBeNull();
  });
});
