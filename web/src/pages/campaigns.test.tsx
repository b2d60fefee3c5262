// DEV-6 against a fake API: the campaigns list (state with why it paused, progress, wave), the
// creation dialog (its own rules, the body it sends, a server problem on its field), and a
// campaign's page: why it paused in words, the waves' numbers as text, skipped and failure
// reasons in words, the devices filtered by wave and state, resuming after a threshold pause
// (the wave's failures accepted, said first), cancelling after a confirmation; in English too.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const ADMIN = ["devices.read", "devices.configure", "devices.reboot", "devices.factory_reset", "devices.firmware"];
const VIEWER = ["devices.read"];

const counts = (c: object = {}) => ({ total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0, cancelled: 0, ...c });

const campaign = (extra: object = {}) => ({
  id: "c1",
  name: "HG-5 2.0.0",
  firmware: { id: "f1", name: "HG-5_v2.0.0.bin", version: "2.0.0" },
  target: { filter: {} },
  waves: [
    { wave: 1, size: 1, downloads: 1, counts: counts({ total: 1, failed: 1 }), started_at: "2026-12-07T01:00:00Z", started_at_jst: "2026-12-07 10:00:00", ended_at: "2026-12-07T01:01:00Z", ended_at_jst: "2026-12-07 10:01:00" },
    { wave: 2, size: 3, downloads: 0, counts: counts({ total: 3, pending: 3 }), started_at: null, started_at_jst: null, ended_at: null, ended_at_jst: null },
  ],
  failure_threshold_percent: 10,
  min_success_before_next_wave: 1,
  window: { days: ["mon", "wed"], from: "22:00", to: "04:00" },
  concurrency: 50,
  device_timeout_hours: 24,
  state: "paused",
  pause_reason: "failure_threshold",
  current_wave: 1,
  counts: counts({ total: 6, failed: 1, pending: 3, skipped: 2 }),
  skipped_reasons: { other_model: 2 },
  failure_reasons: { "9003": 1 },
  created_by: { id: "me", login: "taro" },
  created_at: "2026-12-07T01:00:00Z",
  created_at_jst: "2026-12-07 10:00:00",
  updated_at: "2026-12-07T01:01:00Z",
  updated_at_jst: "2026-12-07 10:01:00",
  finished_at: null,
  finished_at_jst: null,
  ...extra,
});

const device = (serial: string, extra: object = {}) => ({
  device: { id: `d-${serial}`, serial_number: serial, model: "HG-5" },
  wave: 1,
  state: "failed",
  reason: "9003",
  task_id: "t1",
  finished_at: "2026-12-07T01:01:00Z",
  finished_at_jst: "2026-12-07 10:01:00",
  ...extra,
});

const devices = [
  device("CMP000001"),
  device("CMP000002", { wave: 2, state: "pending", reason: "", task_id: null, finished_at: null }),
  device("CMP900001", { device: { id: "d9", serial_number: "CMP900001", model: "HG-9" }, wave: null, state: "skipped", reason: "other_model", task_id: null, finished_at: null }),
];

const firmware = [
  { id: "f1", name: "HG-5_v2.0.0.bin", version: "2.0.0", product_class: null, models: ["HG-5"], hardware_versions: [], size: 100, sha256: "ab".repeat(32), created_by: { id: "me", login: "taro" }, created_at: "2026-12-07T00:00:00Z", created_at_jst: "2026-12-07 09:00:00" },
];
const groups = [{ id: "g1", name: "本社", kind: "static", filter: null, device_count: 6 }];

const serve = (handler: Handler = () => undefined, permissions = ADMIN) =>
  stubApi(
    (method, url, body) => {
      const answer = handler(method, url, body);
      if (answer) return answer;
      if (url.pathname === "/api/v1/campaigns" && method === "GET") return { status: 200, body: { items: [campaign()], next_cursor: null } };
      if (url.pathname === "/api/v1/campaigns/c1") return { status: 200, body: campaign() };
      if (url.pathname === "/api/v1/campaigns/c1/devices") {
        const wave = url.searchParams.get("wave");
        const state = url.searchParams.get("state");
        const items = devices.filter((d) => (!wave || String(d.wave) === wave) && (!state || d.state === state));
        return { status: 200, body: { items, next_cursor: null } };
      }
      if (url.pathname === "/api/v1/firmware") return { status: 200, body: { items: firmware, next_cursor: null } };
      if (url.pathname === "/api/v1/device-groups") return { status: 200, body: { items: groups, next_cursor: null } };
      if (url.pathname === "/api/v1/profiles") return { status: 200, body: { items: [], next_cursor: null } };
      return undefined;
    },
    { session: { account: fakeAccount(), permissions } },
  );

afterEach(() => vi.unstubAllGlobals());

describe("the campaigns list (DEV-6)", () => {
  it("shows each campaign's firmware, state with why it paused, progress and wave, and is in the menu with devices.read", async () => {
    serve(() => undefined, VIEWER);
    renderApp("/campaigns");
    expect(await screen.findByRole("link", { name: "更新キャンペーン" })).toBeTruthy();
    const row = await screen.findByRole("row", { name: /HG-5 2\.0\.0/ });
    expect(row.textContent).toContain("HG-5_v2.0.0.bin (2.0.0)");
    expect(row.textContent).toContain("一時停止中（失敗率）");
    expect(row.textContent).toContain("完了 0・失敗 1（終了 3 / 6 台）");
    expect(row.textContent).toContain("1 / 2");
    expect(row.textContent).toContain("2026-12-07 10:00:00");
    expect(within(row).getByRole("link", { name: "HG-5 2.0.0" }).getAttribute("href")).toBe("/campaigns/c1");
    // Reading only: no way to start one.
    expect(screen.queryByRole("button", { name: "キャンペーンを作成" })).toBeNull();
  });

  it("starts a campaign from the dialog: its own rules first, then the body, then the server's problem on its field", async () => {
    let refuse = true;
    const calls = serve((method, url) => {
      if (url.pathname === "/api/v1/campaigns" && method === "POST")
        return refuse
          ? { status: 409, body: { status: 409, code: "campaign_target_empty", detail: "the target selects no devices" } }
          : { status: 201, body: campaign({ id: "c2", name: "new one", state: "running", pause_reason: null }) };
      if (url.pathname === "/api/v1/campaigns/c2") return { status: 200, body: campaign({ id: "c2", name: "new one", state: "running", pause_reason: null }) };
      if (url.pathname === "/api/v1/campaigns/c2/devices") return { status: 200, body: { items: [], next_cursor: null } };
      return undefined;
    });
    renderApp("/campaigns");
    await userEvent.click(await screen.findByRole("button", { name: "キャンペーンを作成" }));
    const dialog = await screen.findByRole("dialog", { name: "キャンペーンを作成" });
    // The firmware says what it is for.
    await within(dialog).findByRole("option", { name: /HG-5_v2\.0\.0\.bin · 2\.0\.0 · HG-5/ });
    await within(dialog).findByRole("option", { name: "グループ: 本社（6 台）" });
    // The default waves: 1 device, 10 %, 100 %.
    expect(within(dialog).getByLabelText<HTMLInputElement>("段階 1 の台数または割合").value).toBe("1");
    expect(within(dialog).getByLabelText<HTMLSelectElement>("段階 2 の指定方法").value).toBe("percent");
    await userEvent.click(within(dialog).getByRole("button", { name: "段階 2 を削除" }));
    await userEvent.clear(within(dialog).getByLabelText("段階 2 の台数または割合"));
    await userEvent.type(within(dialog).getByLabelText("段階 2 の台数または割合"), "150");
    await userEvent.click(within(dialog).getByRole("button", { name: "開始" }));
    expect(await within(dialog).findByText("割合は 0 より大きく 100 以下で入力してください")).toBeTruthy();
    expect(within(dialog).getByText("ファームウェアファイルを選んでください")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await userEvent.type(within(dialog).getByLabelText(/^名前/), "new one");
    await userEvent.selectOptions(within(dialog).getByLabelText(/^ファームウェア/), "f1");
    await userEvent.selectOptions(within(dialog).getByLabelText(/^対象の装置/), "group:g1");
    await userEvent.clear(within(dialog).getByLabelText("段階 2 の台数または割合"));
    await userEvent.type(within(dialog).getByLabelText("段階 2 の台数または割合"), "100");
    await userEvent.click(within(dialog).getByLabelText("時間帯を指定する"));
    await userEvent.click(within(dialog).getByLabelText("土"));
    await userEvent.click(within(dialog).getByRole("button", { name: "開始" }));
    // Nothing the firmware is for in the group: said on the target.
    expect(await within(dialog).findByText(/対象に、このファームウェアを適用できる装置がありません/)).toBeTruthy();
    const sent = calls.filter((c) => c.method === "POST");
    expect(sent).toEqual([
      {
        method: "POST",
        path: "/api/v1/campaigns",
        body: {
          name: "new one",
          firmware_id: "f1",
          target: { group_id: "g1" },
          waves: [{ count: 1 }, { percent: 100 }],
          failure_threshold_percent: 10,
          min_success_before_next_wave: 1,
          concurrency: 50,
          device_timeout_hours: 24,
          window: { days: ["sat"], from: "01:00", to: "05:00" },
        },
      },
    ]);
    refuse = false;
    await userEvent.selectOptions(within(dialog).getByLabelText(/^対象の装置/), "all");
    await userEvent.click(within(dialog).getByRole("button", { name: "開始" }));
    // Started: its page.
    expect(await screen.findByRole("heading", { name: "new one", level: 1 })).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST").at(-1)?.body).toMatchObject({ target: { filter: {} } });
  });
});

describe("a campaign from the device list (DEV-6)", () => {
  it("opens the dialog with the list's filter as the target", async () => {
    const calls = serve((method, url) =>
      url.pathname === "/api/v1/campaigns" && method === "POST" ? { status: 201, body: campaign({ id: "c1" }) } : undefined,
    );
    renderApp("/campaigns?new=1&model=HG-5&online=true");
    const dialog = await screen.findByRole("dialog", { name: "キャンペーンを作成" });
    const target = within(dialog).getByLabelText<HTMLSelectElement>(/^対象の装置/);
    expect(target.value).toBe("filter");
    expect(target.selectedOptions[0]!.textContent).toMatch(/^一覧の絞り込み（.*HG-5.*）$/);
    await userEvent.type(within(dialog).getByLabelText(/^名前/), "from the list");
    await within(dialog).findByRole("option", { name: /HG-5_v2\.0\.0\.bin/ });
    await userEvent.selectOptions(within(dialog).getByLabelText(/^ファームウェア/), "f1");
    await userEvent.click(within(dialog).getByRole("button", { name: "開始" }));
    await screen.findByRole("heading", { name: "HG-5 2.0.0", level: 1 });
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({ target: { filter: { model: "HG-5", online: true } } });
  });
});

describe("a campaign's page (DEV-6)", () => {
  it("says why it paused, the waves' numbers as text with their times (JST), the reasons in words, and filters its devices", async () => {
    const calls = serve();
    renderApp("/campaigns/c1");
    expect(await screen.findByRole("heading", { name: "HG-5 2.0.0", level: 1 })).toBeTruthy();
    expect(screen.getByTestId("pause-reason").textContent).toBe("段階 1 で失敗した装置の割合がしきい値（10 %）を超えたため、自動で一時停止しました。");
    const waves = screen.getByRole("list", { name: "段階ごとの進捗" });
    const [first, second] = Array.from(waves.children);
    expect(first!.textContent).toContain("段階 1（1 台）");
    expect(first!.textContent).toContain("2026-12-07 10:00 〜 2026-12-07 10:01（JST）");
    expect(first!.textContent).toContain("失敗 1");
    expect(second!.textContent).toContain("未開始");
    expect(second!.textContent).toContain("待機中 3");
    expect(screen.getByRole("list", { name: "対象外とした理由" }).textContent).toContain("対象外の機種2 台");
    expect(screen.getByRole("list", { name: "失敗の理由" }).textContent).toContain("9003 引数が正しくありません");
    expect(screen.getByText("月・水 22:00〜翌 04:00（JST）")).toBeTruthy();
    expect(screen.getByText("すべての装置")).toBeTruthy();

    const skipped = await screen.findByRole("row", { name: /CMP900001/ });
    expect(skipped.textContent).toContain("対象外の機種");
    expect(skipped.textContent).toContain("対象外");
    expect(within(skipped).getByRole("link", { name: "CMP900001" }).getAttribute("href")).toBe("/devices/d9");
    expect((await screen.findByRole("row", { name: /CMP000001/ })).textContent).toContain("9003 引数が正しくありません");

    await userEvent.selectOptions(screen.getByLabelText("状態"), "failed");
    await waitFor(() => expect(screen.queryByRole("row", { name: /CMP900001/ })).toBeNull());
    expect(screen.getByRole("row", { name: /CMP000001/ })).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("段階"), "2");
    await screen.findByText("該当する装置はありません");
    expect(calls.some((c) => c.path.startsWith("/api/v1/campaigns/c1/devices?") && c.path.includes("wave=2") && c.path.includes("state=failed"))).toBe(true);
  });

  it("keeps the device filter in the URL", async () => {
    const calls = serve();
    renderApp("/campaigns/c1?state=skipped");
    expect((await screen.findByRole("row", { name: /CMP900001/ })).textContent).toContain("対象外の機種");
    expect(screen.queryByRole("row", { name: /CMP000001/ })).toBeNull();
    expect(screen.getByLabelText<HTMLSelectElement>("状態").value).toBe("skipped");
    expect(calls.some((c) => c.path.includes("/devices?") && c.path.includes("state=skipped"))).toBe(true);
  });

  it("resumes after a threshold pause once told the wave's failures are accepted, and cancels after a confirmation", async () => {
    let state = campaign();
    const calls = serve((method, url) => {
      if (url.pathname === "/api/v1/campaigns/c1") return { status: 200, body: state };
      if (url.pathname === "/api/v1/campaigns/c1/resume" && method === "POST") {
        state = campaign({ state: "running", pause_reason: null, current_wave: 2 });
        return { status: 200, body: state };
      }
      if (url.pathname === "/api/v1/campaigns/c1/cancel" && method === "POST") {
        state = campaign({ state: "cancelled", pause_reason: null, current_wave: 2, finished_at: "2026-12-07T02:00:00Z" });
        return { status: 200, body: state };
      }
      return undefined;
    });
    renderApp("/campaigns/c1");
    await userEvent.click(await screen.findByRole("button", { name: "再開" }));
    const dialog = await screen.findByRole("dialog", { name: "キャンペーンを再開" });
    expect(dialog.textContent).toContain("段階 1 の失敗（1 台）は受け入れたものとして、次の段階へ進みます");
    await userEvent.click(within(dialog).getByRole("button", { name: "再開" }));
    await screen.findByText("キャンペーンを再開しました");
    expect(await screen.findByRole("button", { name: "一時停止" })).toBeTruthy();
    expect(screen.queryByTestId("pause-reason")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "中止" }));
    const confirm = await screen.findByRole("dialog", { name: "キャンペーンを中止" });
    expect(confirm.textContent).toContain("まだ始まっていない 3 台への配信は行いません");
    await userEvent.click(within(confirm).getByRole("button", { name: "中止" }));
    await screen.findByText("キャンペーンを中止しました");
    await waitFor(() => expect(screen.queryByRole("button", { name: "一時停止" })).toBeNull());
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/v1/campaigns/c1/resume", "/api/v1/campaigns/c1/cancel"]);
  });

  it("says a refused change in words, and reads the same in English", async () => {
    serve((method, url) =>
      url.pathname === "/api/v1/campaigns/c1" ? { status: 200, body: campaign({ state: "running", pause_reason: null }) } : url.pathname === "/api/v1/campaigns/c1/pause" && method === "POST" ? { status: 409, body: { status: 409, code: "campaign_not_running" } } : undefined,
    );
    const first = renderApp("/campaigns/c1");
    await userEvent.click(await screen.findByRole("button", { name: "一時停止" }));
    expect((await screen.findByRole("alert")).textContent).toContain("このキャンペーンは実行中ではないため、一時停止できません");
    first.unmount();
    vi.unstubAllGlobals();

    serve();
    renderApp("/campaigns/c1", "en");
    expect((await screen.findByTestId("pause-reason")).textContent).toBe("More devices of wave 1 failed than the threshold (10 %) allows, so it paused by itself.");
    const skipped = await screen.findByRole("row", { name: /CMP900001/ });
    expect(skipped.textContent).toContain("Another model");
    expect(screen.getByRole("list", { name: "Why devices were skipped" }).textContent).toContain("Another model2 devices");
    expect(screen.getByText("Mon, Wed 22:00–04:00 the next day (JST)")).toBeTruthy();
    expect(document.querySelector("main")!.textContent).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
  });
});

describe("firmware files (DEV-6)", () => {
  it("say what each is for, and upload with the product class, models and hardware versions, the version read from the name", async () => {
    const calls = serve((method, url) =>
      url.pathname === "/api/v1/firmware" && method === "POST" ? { status: 201, body: firmware[0] } : undefined,
    );
    renderApp("/firmware");
    const row = await screen.findByRole("row", { name: /HG-5_v2\.0\.0\.bin/ });
    expect(row.textContent).toContain("HG-5");
    await userEvent.click(screen.getByRole("button", { name: "アップロード" }));
    const dialog = await screen.findByRole("dialog", { name: "アップロード" });
    expect(within(dialog).getByText("空欄ならファイル名から読み取ります（例: HG-5_v2.1.3.bin → 2.1.3）")).toBeTruthy();
    await userEvent.upload(within(dialog).getByLabelText(/^ファイル/), new File(["KANRI-SIM-FIRMWARE version=2.1.3 model=HG-5\n"], "HG-5_v2.1.3.bin"));
    expect(await within(dialog).findByText("空欄ならファイル名から「2.1.3」と読み取ります")).toBeTruthy();
    await userEvent.type(within(dialog).getByLabelText(/^対象機種/), "HG-5, HG-5e");
    await userEvent.type(within(dialog).getByLabelText(/^ハードウェアバージョン/), "1.0");
    await userEvent.click(within(dialog).getByRole("button", { name: "アップロード" }));
    await screen.findByText("ファームウェアを登録しました");
    const post = calls.find((c) => c.method === "POST")!;
    const query = new URLSearchParams(post.path.split("?")[1]);
    expect(Object.fromEntries(query)).toEqual({ name: "HG-5_v2.1.3.bin", models: "HG-5,HG-5e", hardware_versions: "1.0" });
  });
});
