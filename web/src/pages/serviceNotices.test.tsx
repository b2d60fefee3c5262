// Issue 15's screens against a fake API: announcing maintenance (checked before sending, the
// server's refusal of a start too soon shown with the earliest start it names, sent as UTC),
// cancelling it after a confirmation; the calendar; incidents with drafts first, a late draft
// flagged, the time to publication, publishing after a confirmation; the service's health and
// availability; the banner for a company's account (dismissed for the session, but never a
// critical incident); the public status page in Japanese and English, and what a company's own
// account adds to it; "Security and data" with the server's numbers.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Availability, Incident, MaintenanceWindow, Notices, PublicIncident, PublicMaintenance, SecurityData, ServiceStatus } from "../api/types";
import { fakeAccount, fakeSiteAdmin, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const provider = (handler: Handler) => stubApi(handler, { session: { account: fakeSiteAdmin(), permissions: ["provider.operations", "provider.companies"] } });

const texts = { title_ja: "データベースの更新", title_en: "Database upgrade", body_ja: "約 3 時間停止します。", body_en: "About 3 hours of downtime." };

const window = (extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: "m1",
  state: "scheduled",
  starts_at: "2025-03-13T15:00:00.000Z",
  starts_at_jst: "2025-03-14 00:00:00 JST",
  ends_at: "2025-03-13T18:00:00.000Z",
  ends_at_jst: "2025-03-14 03:00:00 JST",
  scope: "all",
  scope_companies: [],
  emergency: false,
  ...texts,
  announced_at: "2025-03-10T00:00:00.000Z",
  announced_at_jst: "2025-03-10 09:00:00 JST",
  remind_at: "2025-03-13T00:00:00.000Z",
  remind_at_jst: "2025-03-13 09:00:00 JST",
  reminded_at: null,
  reminded_at_jst: null,
  cancelled_at: null,
  cancelled_at_jst: null,
  created_by_login: "root",
  updated_at: "2025-03-10T00:00:00.000Z",
  updated_at_jst: "2025-03-10 09:00:00 JST",
  ...extra,
});

const incident = (extra: Partial<Incident> = {}): Incident => ({
  id: "i1",
  state: "published",
  scope: "all",
  scope_companies: [],
  severity: "major",
  title_ja: "一部の装置に接続できない",
  title_en: "Some devices cannot connect",
  body_ja: "調査中です。",
  body_en: "Investigating.",
  check_name: "",
  detected_at: "2025-03-10T00:00:00.000Z",
  detected_at_jst: "2025-03-10 09:00:00 JST",
  published_at: "2025-03-10T00:23:00.000Z",
  published_at_jst: "2025-03-10 09:23:00 JST",
  resolved_at: null,
  resolved_at_jst: null,
  minutes_to_publication: 23,
  overdue: false,
  created_by_login: "root",
  updated_at: "2025-03-10T00:23:00.000Z",
  updated_at_jst: "2025-03-10 09:23:00 JST",
  updates: [],
  ...extra,
});

const calendar = (from: string, days: number) => ({
  earliest_start: "2025-03-13T15:00:00.000Z",
  earliest_start_jst: "2025-03-14 00:00:00 JST",
  notice_business_days: 3,
  closed_days: ["12-29..01-03"],
  days: Array.from({ length: days }, (_, i) => {
    const d = new Date(Date.parse(from + "T00:00:00Z") + i * 86_400_000);
    const date = d.toISOString().slice(0, 10);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const holiday = date === "2025-03-20" ? "春分の日" : null;
    return { date, business_day: !weekend && !holiday, weekend, holiday, closed: false };
  }),
});

const companies = [
  { id: "c1", code: "ACME", name: "アクメ通信" },
  { id: "c2", code: "BETA", name: "ベータ電機" },
];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  sessionStorage.clear();
});

describe("maintenance (OPS-1)", () => {
  function maintenanceServer(initial: MaintenanceWindow[] = []) {
    let items = initial;
    let refuse = true;
    const calls = provider((method, url, body) => {
      const path = url.pathname;
      if (path === "/api/v1/maintenance/calendar") return { status: 200, body: calendar(url.searchParams.get("from") ?? "2025-03-10", Number(url.searchParams.get("days"))) };
      if (path === "/api/v1/companies") return { status: 200, body: { items: companies, next_cursor: null } };
      if (path === "/api/v1/maintenance" && method === "GET") {
        const state = url.searchParams.get("state");
        return { status: 200, body: { items: state ? items.filter((w) => w.state === state) : items, next_cursor: null } };
      }
      if (path === "/api/v1/maintenance" && method === "POST") {
        const b = body as { starts_at: string; ends_at: string; scope: "all" | string[]; emergency: boolean } & typeof texts;
        if (refuse && !b.emergency) {
          refuse = false;
          return {
            status: 422,
            body: {
              status: 422,
              code: "notice_too_short",
              field: "starts_at",
              detail: "a planned maintenance window starts at least 3 business days after it is announced: the earliest start now is 2025-03-14 00:00:00 JST",
              earliest_start: "2025-03-13T15:00:00.000Z",
              earliest_start_jst: "2025-03-14 00:00:00 JST",
            },
          };
        }
        const created = window({ id: "m-new", ...b, scope_companies: b.scope === "all" ? [] : companies.filter((c) => b.scope.includes(c.id)) });
        items = [created, ...items];
        return { status: 201, body: created };
      }
      if (path === "/api/v1/maintenance/m1/cancel" && method === "POST") {
        items = items.map((w) => (w.id === "m1" ? { ...w, state: "cancelled", cancelled_at: "2025-03-10T01:00:00.000Z" } : w));
        return { status: 200, body: items.find((w) => w.id === "m1") };
      }
      return undefined;
    });
    return calls;
  }

  it("announces a window: checks it first, shows the earliest start the server names on refusal, then sends it in UTC", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2025-03-10T03:00:00Z") });
    const calls = maintenanceServer();
    renderApp("/provider/maintenance");
    await screen.findByRole("heading", { name: "メンテナンス" });
    await userEvent.click(screen.getByRole("button", { name: "メンテナンスを告知" }));
    const dialog = await screen.findByRole("dialog", { name: "メンテナンスを告知" });
    await within(dialog).findByText("計画メンテナンスの最も早い開始: 2025-03-14 00:00:00 JST（告知から 3 営業日後）");

    await userEvent.type(within(dialog).getByLabelText(/^開始日時/), "2025-03-11T22:00");
    await userEvent.type(within(dialog).getByLabelText(/^終了日時/), "2025-03-11T21:00");
    await userEvent.click(within(dialog).getByLabelText("選んだ会社"));
    await userEvent.click(within(dialog).getByRole("button", { name: "告知してメール送信" }));
    await within(dialog).findByText("終了は開始より後にしてください");
    expect(within(dialog).getByText("対象の会社を 1 社以上選んでください")).toBeTruthy();
    expect(within(dialog).getAllByText("入力してください").length).toBe(2);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    const ends = within(dialog).getByLabelText(/^終了日時/);
    await userEvent.clear(ends);
    await userEvent.type(ends, "2025-03-12T01:00");
    await userEvent.click(await within(dialog).findByRole("checkbox", { name: /ベータ電機/ }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /アクメ通信/ }));
    await userEvent.type(within(dialog).getByLabelText(/^タイトル（日本語）/), texts.title_ja);
    await userEvent.type(within(dialog).getByLabelText(/^タイトル（英語）/), texts.title_en);
    await userEvent.click(within(dialog).getByRole("button", { name: "告知してメール送信" }));

    // Refused as too soon: the field says so, and the earliest start is right beside it.
    const refusal = await within(dialog).findByTestId("earliest-start");
    expect(refusal.textContent).toContain("2025-03-14 00:00:00 JST");
    const start = within(dialog).getByLabelText(/^開始日時/);
    expect(start.getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).getByText("告知期間が足りません（3 営業日前までの告知が必要です）")).toBeTruthy();
    expect(within(dialog).queryByText(/a planned maintenance window starts/)).toBeNull();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      starts_at: "2025-03-11T13:00:00Z",
      ends_at: "2025-03-11T16:00:00Z",
      scope: ["c1", "c2"],
      ...texts,
      body_ja: "",
      body_en: "",
      emergency: false,
    });

    await userEvent.click(within(refusal).getByRole("button", { name: "この日時にする" }));
    expect((start as HTMLInputElement).value).toBe("2025-03-14T00:00");
    await waitFor(() => expect(within(dialog).queryByTestId("earliest-start")).toBeNull());
    const endsField = within(dialog).getByLabelText(/^終了日時/);
    await userEvent.clear(endsField);
    await userEvent.type(endsField, "2025-03-14T03:00");
    await userEvent.click(within(dialog).getByRole("button", { name: "告知してメール送信" }));
    await screen.findByText("メンテナンスを告知しました");
    expect(calls.filter((c) => c.method === "POST").at(-1)?.body).toMatchObject({ starts_at: "2025-03-13T15:00:00Z", ends_at: "2025-03-13T18:00:00Z" });
    const row = (await screen.findByText("2025-03-14 00:00 – 03:00")).closest("tr")!;
    expect(within(row).getByText("アクメ通信")).toBeTruthy();
    expect(within(row).getByText("ベータ電機")).toBeTruthy();
    expect(within(row).getByText("予定")).toBeTruthy();
  });

  it("warns plainly that an emergency skips the notice, and sends it as one", async () => {
    const calls = maintenanceServer();
    renderApp("/provider/maintenance", "en");
    await userEvent.click(await screen.findByRole("button", { name: "Announce maintenance" }));
    const dialog = await screen.findByRole("dialog", { name: "Announce maintenance" });
    await userEvent.click(within(dialog).getByLabelText("Announce as emergency maintenance"));
    expect(within(dialog).getByText("Emergency maintenance skips the 3 business days' notice")).toBeTruthy();
    expect(within(dialog).getByText("Emergency maintenance may start at once, without the notice period")).toBeTruthy();
    await userEvent.type(within(dialog).getByLabelText(/^Starts/), "2099-03-11T22:00");
    await userEvent.type(within(dialog).getByLabelText(/^Ends/), "2099-03-11T23:00");
    await userEvent.type(within(dialog).getByLabelText(/^Title \(Japanese\)/), "緊急");
    await userEvent.type(within(dialog).getByLabelText(/^Title \(English\)/), "Urgent");
    await userEvent.click(within(dialog).getByRole("button", { name: "Announce and mail" }));
    await screen.findByText("Maintenance announced");
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({ emergency: true, scope: "all", starts_at: "2099-03-11T13:00:00Z" });
  });

  it("filters by state, and cancels a window after a confirmation, focus back on the list", async () => {
    const calls = maintenanceServer([window(), window({ id: "m0", state: "ended", title_ja: "前回の作業" })]);
    renderApp("/provider/maintenance");
    await screen.findByText("前回の作業");
    await userEvent.selectOptions(screen.getByLabelText("状態"), "scheduled");
    await waitFor(() => expect(screen.queryByText("前回の作業")).toBeNull());
    expect(calls.some((c) => c.path === "/api/v1/maintenance?state=scheduled&limit=200")).toBe(true);

    // Asked first; backing out returns to the button that asked.
    const cancel = screen.getByRole("button", { name: "中止 データベースの更新" });
    await userEvent.click(cancel);
    await userEvent.click(within(await screen.findByRole("dialog", { name: "メンテナンスの中止" })).getByRole("button", { name: "キャンセル" }));
    await waitFor(() => expect(document.activeElement).toBe(cancel));
    expect(calls.some((c) => c.path.endsWith("/cancel"))).toBe(false);
    await userEvent.click(cancel);
    const confirm = await screen.findByRole("dialog", { name: "メンテナンスの中止" });
    expect(within(confirm).getByText(/メンテナンス「データベースの更新」（2025-03-14 00:00 – 03:00）を中止します。対象の会社の管理者にメールで通知されます。/)).toBeTruthy();
    await userEvent.click(within(confirm).getByRole("button", { name: "メンテナンスを中止" }));
    await screen.findByText("メンテナンスを中止しました");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/maintenance/m1/cancel")).toBe(true);
  });

  it("shows the business days of the month with holidays, the earliest start and the windows announced", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2025-03-10T03:00:00Z") });
    const calls = maintenanceServer([window()]);
    renderApp("/provider/maintenance");
    const earliest = await screen.findByTestId("calendar-earliest");
    expect(earliest.textContent).toContain("いま告知する計画メンテナンスの最も早い開始: 2025-03-14 00:00:00 JST");
    expect(calls.some((c) => c.path === "/api/v1/maintenance/calendar?from=2025-02-24&days=42")).toBe(true);
    const table = screen.getByRole("table", { name: "2025年3月 の営業日" });
    const equinox = table.querySelector('[data-date="2025-03-20"]')!;
    expect(equinox.textContent).toContain("春分の日");
    expect(equinox.className).toContain("calendar-holiday");
    expect(table.querySelector('[data-date="2025-03-14"]')!.textContent).toContain("最短開始");
    expect(table.querySelector('[data-date="2025-03-10"]')!.textContent).toContain("今日");
    expect(table.querySelector('[data-date="2025-03-15"]')!.className).toContain("calendar-weekend");
    expect(table.querySelector('[data-date="2025-03-14"]')!.textContent).toContain("メンテナンス");
    await userEvent.click(screen.getByRole("button", { name: "次の月" }));
    await screen.findByRole("table", { name: "2025年4月 の営業日" });
    expect(calls.some((c) => c.path === "/api/v1/maintenance/calendar?from=2025-03-31&days=42")).toBe(true);
  });
});

describe("incidents (OPS-2)", () => {
  function incidentServer(initial: Incident[]) {
    let items = initial;
    return provider((method, url, body) => {
      const path = url.pathname;
      if (path === "/api/v1/incidents" && method === "GET") return { status: 200, body: { items, next_cursor: null } };
      const publish = /^\/api\/v1\/incidents\/(\w+)\/publish$/.exec(path);
      if (publish && method === "POST") {
        items = items.map((i) => (i.id === publish[1] ? { ...i, state: "published", overdue: false, published_at: "2025-03-10T00:50:00.000Z", minutes_to_publication: 50 } : i));
        return { status: 200, body: items.find((i) => i.id === publish[1]) };
      }
      const update = /^\/api\/v1\/incidents\/(\w+)\/updates$/.exec(path);
      if (update && method === "POST") {
        const b = body as { body_ja: string; body_en: string; resolve: boolean };
        items = items.map((i) =>
          i.id === update[1]
            ? { ...i, state: b.resolve ? "resolved" : i.state, updates: [...i.updates, { id: "u1", at: "2025-03-10T01:00:00.000Z", at_jst: "", body_ja: b.body_ja, body_en: b.body_en }] }
            : i,
        );
        return { status: 201, body: items.find((i) => i.id === update[1]) };
      }
      return undefined;
    });
  }

  it("lists drafts first, flags a late one red, and tells the time from detection to publication", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2025-03-10T01:00:00Z") });
    incidentServer([
      incident({ id: "pub", title_ja: "公開済みの障害" }),
      incident({ id: "late", state: "draft", title_ja: "DB 応答なし", check_name: "database", overdue: true, published_at: null, minutes_to_publication: null, detected_at: "2025-03-10T00:08:00.000Z" }),
      incident({ id: "fresh", state: "draft", title_ja: "新しい下書き", published_at: null, minutes_to_publication: null, detected_at: "2025-03-10T00:50:00.000Z" }),
    ]);
    renderApp("/provider/incidents");
    await screen.findByText("DB 応答なし");
    const titles = screen.getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("button")[0]!.textContent);
    expect(titles).toEqual(["DB 応答なし", "新しい下書き", "公開済みの障害"]);
    expect(screen.getByRole("alert").textContent).toContain("検知から 45 分を過ぎた未公開の下書きが 1 件あります");
    const late = screen.getByText("DB 応答なし").closest("tr")!;
    expect(late.className).toContain("row-danger");
    expect(within(late).getByText("検知から 45 分超過")).toBeTruthy();
    expect(within(late).getByText("未公開の下書き")).toBeTruthy();
    expect(within(late).getByText("稼働監視（database）")).toBeTruthy();
    expect(within(late).getByTestId("publication-time").textContent).toBe("検知から 52 分経過（未公開）");
    const fresh = screen.getByText("新しい下書き").closest("tr")!;
    expect(fresh.className).toContain("row-draft");
    expect(within(fresh).getByTestId("publication-time").textContent).toBe("検知から 10 分経過（未公開）");
    const published = screen.getByText("公開済みの障害").closest("tr")!;
    expect(within(published).getByTestId("publication-time").textContent).toBe("検知から 23 分で公開");
    expect(within(published).queryByRole("button", { name: /破棄/ })).toBeNull();
  });

  it("publishes a draft after saying it mails the companies, then resolves it with an update", async () => {
    const calls = incidentServer([
      incident({ id: "d1", state: "draft", published_at: null, minutes_to_publication: null, scope: ["c1"], scope_companies: [companies[0]!] }),
    ]);
    renderApp("/provider/incidents");
    await userEvent.click(await screen.findByRole("button", { name: "公開 一部の装置に接続できない" }));
    const confirm = await screen.findByRole("dialog", { name: "障害情報を公開" });
    expect(within(confirm).getByText("次の会社の管理者にメールで通知されます: アクメ通信。公開後は取り消せません。")).toBeTruthy();
    await userEvent.click(within(confirm).getByRole("button", { name: "公開" }));
    await screen.findByText("障害情報を公開し、対象の会社に通知しました");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/incidents/d1/publish")).toBe(true);
    const row = (await screen.findByText("検知から 50 分で公開")).closest("tr")!;

    await userEvent.click(within(row).getByRole("button", { name: "解決 一部の装置に接続できない" }));
    const dialog = await screen.findByRole("dialog", { name: "解決を報告: 一部の装置に接続できない" });
    await userEvent.click(within(dialog).getByRole("button", { name: "解決として報告" }));
    expect(await within(dialog).findAllByText("入力してください")).toHaveLength(2);
    await userEvent.type(within(dialog).getByLabelText(/^更新内容（日本語）/), "復旧しました。");
    await userEvent.type(within(dialog).getByLabelText(/^更新内容（英語）/), "Resolved.");
    await userEvent.click(within(dialog).getByRole("button", { name: "解決として報告" }));
    await screen.findByText("障害を解決済みにしました");
    expect(calls.find((c) => c.path === "/api/v1/incidents/d1/updates")?.body).toEqual({ body_ja: "復旧しました。", body_en: "Resolved.", resolve: true });
  });

  it("says in the reader's language why a published incident cannot be discarded", async () => {
    stubApi(
      (method, url) => {
        if (url.pathname === "/api/v1/incidents") return { status: 200, body: { items: [incident({ id: "d1", state: "draft", published_at: null, minutes_to_publication: null })], next_cursor: null } };
        if (method === "DELETE") return { status: 409, body: { status: 409, code: "incident_published", detail: "only a draft that was never published can be discarded" } };
        return undefined;
      },
      { session: { account: fakeSiteAdmin(), permissions: ["provider.operations"] } },
    );
    renderApp("/provider/incidents", "en");
    await userEvent.click(await screen.findByRole("button", { name: "Discard Some devices cannot connect" }));
    const confirm = await screen.findByRole("dialog", { name: "Discard" });
    await userEvent.click(within(confirm).getByRole("button", { name: "Delete" }));
    await within(confirm).findByText(/A published incident keeps its companies and severity and cannot be discarded/);
  });
});

describe("the service's health and availability (OPS-2, OPS-3)", () => {
  const month = (m: string, availability: number | null): Availability => ({
    month: m,
    from: "",
    from_jst: "",
    to: "",
    to_jst: "",
    minutes: 44640,
    measured_minutes: availability === null ? 0 : 44640,
    maintenance_minutes: 120,
    available_minutes: 0,
    unavailable_minutes: availability === null ? 0 : Math.round((1 - availability) * 44520),
    availability,
    objective: 0.995,
    met: availability !== null && availability >= 0.995,
  });

  it("highlights a failing check, and charts the months against 99.5 % with the numbers in a table", async () => {
    provider((_m, url) => {
      if (url.pathname === "/api/v1/operations/health")
        return {
          status: 200,
          body: {
            node: "node-1",
            at: "2025-03-10T00:05:00Z",
            at_jst: "2025-03-10 09:05:00 JST",
            checks: [
              { name: "database", ok: true, detail: "" },
              { name: "mail", ok: false, detail: "a mail has waited since 2025-03-10 08:50:00 JST" },
            ],
            failing_since: "2025-03-10T00:01:00Z",
            failing_since_jst: "2025-03-10 09:01:00 JST",
            alarmed: true,
          },
        };
      if (url.pathname === "/api/v1/availability/months") return { status: 200, body: { items: [month("2025-01", null), month("2025-02", 0.9991), month("2025-03", 0.98)] } };
      return undefined;
    });
    renderApp("/provider/health");
    const failing = await screen.findByTestId("check-mail");
    expect(failing.className).toContain("health-check-failing");
    expect(within(failing).getByText("メール送信")).toBeTruthy();
    expect(within(failing).getByText("異常")).toBeTruthy();
    expect(screen.getByTestId("check-database").className).not.toContain("failing");
    expect(screen.getByRole("alert").textContent).toContain("1 件の監視項目で異常を検知しています");
    expect(screen.getByRole("alert").textContent).toContain("サイト管理者に警報メールを送り");
    expect(screen.getByRole("link", { name: "障害情報を確認" }).getAttribute("href")).toBe("/provider/incidents");
    expect(screen.getAllByRole("link", { name: "ジョブ" }).length).toBeGreaterThan(0);

    const chart = await screen.findByRole("img", { name: /月間稼働率（過去 12 か月）/ });
    expect(chart.textContent).toContain("3 か月のうち 2 か月で計測、そのうち 1 か月が目標 99.5 % を達成。");
    expect(chart.querySelectorAll("rect.chart-bar-met")).toHaveLength(1);
    expect(chart.querySelectorAll("rect.chart-bar-missed")).toHaveLength(1);
    const table = screen.getByRole("table", { name: "月間稼働率（過去 12 か月）" });
    const march = within(table).getByText("2025-03").closest("tr")!;
    expect(within(march).getByText("98.000 %")).toBeTruthy();
    expect(within(march).getByText("未達")).toBeTruthy();
    expect(within(within(table).getByText("2025-01").closest("tr")!).getByText("計測なし")).toBeTruthy();
  });
});

const publicMaintenance = (extra: Partial<PublicMaintenance> = {}): PublicMaintenance => ({
  id: "m1",
  state: "scheduled",
  starts_at: "2025-03-13T15:00:00Z",
  starts_at_jst: "2025-03-14 00:00:00 JST",
  ends_at: "2025-03-13T18:00:00Z",
  ends_at_jst: "2025-03-14 03:00:00 JST",
  emergency: false,
  for_all: true,
  ...texts,
  ...extra,
});

const publicIncident = (extra: Partial<PublicIncident> = {}): PublicIncident => ({
  id: "i1",
  state: "published",
  severity: "major",
  for_all: true,
  title_ja: "一部の装置に接続できない",
  title_en: "Some devices cannot connect",
  body_ja: "調査中です。",
  body_en: "Investigating.",
  detected_at: "2025-03-10T00:00:00Z",
  detected_at_jst: "2025-03-10 09:00:00 JST",
  published_at: "2025-03-10T00:20:00Z",
  published_at_jst: "2025-03-10 09:20:00 JST",
  resolved_at: null,
  resolved_at_jst: null,
  updates: [{ id: "u1", at: "2025-03-10T01:00:00Z", at_jst: "2025-03-10 10:00:00 JST", body_ja: "原因を特定しました。", body_en: "Cause found." }],
  ...extra,
});

describe("the banner", () => {
  it("tells a company's account of maintenance and incidents; a dismissed one stays away for the session, a critical incident never goes", async () => {
    const notices: Notices = {
      maintenance: [publicMaintenance(), publicMaintenance({ id: "old", state: "ended", title_ja: "終わった作業" })],
      incidents: [publicIncident({ id: "crit", severity: "critical", title_ja: "全面停止" }), publicIncident({ id: "gone", state: "resolved", title_ja: "解決済みの障害" })],
    };
    const calls = stubApi((_m, url) => (url.pathname === "/api/v1/notices" ? { status: 200, body: notices } : undefined), {
      session: { account: fakeAccount(), permissions: ["devices.read"] },
    });
    const view = renderApp("/");
    const banner = await screen.findByRole("region", { name: "お知らせ" });
    expect(within(banner).getByText("データベースの更新")).toBeTruthy();
    expect(within(banner).getByText("2025-03-14 00:00 – 03:00（JST）")).toBeTruthy();
    expect(within(banner).getByText("全面停止")).toBeTruthy();
    expect(within(banner).queryByText("終わった作業")).toBeNull();
    expect(within(banner).queryByText("解決済みの障害")).toBeNull();
    expect(within(banner).queryByRole("button", { name: "閉じる: 全面停止" })).toBeNull();
    expect(calls.find((c) => c.path === "/api/v1/notices")).toBeTruthy();

    await userEvent.click(within(banner).getByRole("button", { name: "閉じる: データベースの更新" }));
    await waitFor(() => expect(within(banner).queryByText("データベースの更新")).toBeNull());
    expect(within(banner).getByText("全面停止")).toBeTruthy();
    view.unmount();
    // The next screen (same session) keeps it dismissed.
    const next = renderApp("/");
    const again = await screen.findByRole("region", { name: "お知らせ" });
    expect(within(again).getByText("全面停止")).toBeTruthy();
    expect(within(again).queryByText("データベースの更新")).toBeNull();
    next.unmount();
    // Another account logging in on the same tab has dismissed nothing.
    stubApi((_m, url) => (url.pathname === "/api/v1/notices" ? { status: 200, body: notices } : undefined), {
      session: { account: fakeAccount({ id: "other", login: "hanako" }), permissions: [] },
    });
    renderApp("/");
    await within(await screen.findByRole("region", { name: "お知らせ" })).findByText("データベースの更新");
  });
});

describe("the status page (OPS-2, OPS-3)", () => {
  const status = (extra: Partial<ServiceStatus> = {}): ServiceStatus => ({
    state: "degraded",
    generated_at: "2025-03-10T02:00:00Z",
    generated_at_jst: "2025-03-10 11:00:00 JST",
    objective: 0.995,
    maintenance: [publicMaintenance()],
    incidents: [publicIncident(), publicIncident({ id: "i0", state: "resolved", title_ja: "先月の障害", title_en: "Last month's incident", resolved_at: "2025-02-10T03:00:00Z", updates: [] })],
    days: Array.from({ length: 90 }, (_, i) => ({ date: new Date(Date.parse("2024-12-11") + i * 86_400_000).toISOString().slice(0, 10), availability: i === 89 ? 0.97 : i < 10 ? null : 1, incidents: i === 89 ? 1 : 0 })),
    months: Array.from({ length: 12 }, (_, i) => ({ month: `2024-${String(i + 4).padStart(2, "0")}`.replace("2024-13", "2025-01").replace("2024-14", "2025-02").replace("2024-15", "2025-03"), availability: i < 2 ? null : 0.9996, met: i >= 2 })),
    ...extra,
  });

  it("needs no login, reads in Japanese and English, and names no company", async () => {
    const calls = stubApi((_m, url) => (url.pathname === "/api/v1/status" ? { status: 200, body: status() } : undefined), { session: null });
    const view = renderApp("/status");
    await screen.findByRole("heading", { name: "サービスの稼働状況", level: 1 });
    expect(screen.getByTestId("service-state").textContent).toContain("一部のサービスで障害が発生しています");
    const active = screen.getByRole("region", { name: "発生中の障害" });
    expect(within(active).getByText("一部の装置に接続できない")).toBeTruthy();
    expect(within(active).getByText("原因を特定しました。")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "メンテナンス" })).getByText("2025-03-14 00:00 – 03:00（JST）")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "過去の障害（90 日間）" })).getByText("先月の障害")).toBeTruthy();
    expect(screen.getByRole("img", { name: "過去 90 日間のうち、目標を下回った日は 1 日、障害のあった日は 1 日です。" })).toBeTruthy();
    expect(screen.getByRole("img", { name: /月間稼働率/ })).toBeTruthy();
    expect(screen.getByRole("link", { name: "ログイン" }).getAttribute("href")).toBe("/login");
    expect(calls.some((c) => c.path === "/api/v1/notices")).toBe(false);
    view.unmount();

    renderApp("/status", "en");
    await screen.findByRole("heading", { name: "Service status", level: 1 });
    expect(screen.getByTestId("service-state").textContent).toContain("Some services are affected by an incident");
    expect(screen.getByText("Some devices cannot connect")).toBeTruthy();
    expect(screen.getByText("Cause found.")).toBeTruthy();
    expect(screen.getByText("Database upgrade")).toBeTruthy();
    expect(screen.queryByText("一部の装置に接続できない")).toBeNull();
  });

  it("is reached from the login page", async () => {
    stubApi((_m, url) => (url.pathname === "/api/v1/status" ? { status: 200, body: status({ state: "operational", incidents: [], maintenance: [] }) } : undefined), { session: null });
    renderApp("/login");
    await userEvent.click(await screen.findByRole("link", { name: "サービスの稼働状況" }));
    await screen.findByText("すべてのサービスは正常に稼働しています");
    expect(screen.getByText("発生中の障害はありません")).toBeTruthy();
  });

  it("adds its own company's notices for a company's logged-in account", async () => {
    const own: Notices = {
      maintenance: [publicMaintenance(), publicMaintenance({ id: "ours", for_all: false, title_ja: "貴社専用の作業" })],
      incidents: [publicIncident({ id: "ours-i", for_all: false, title_ja: "貴社の装置の障害" })],
    };
    stubApi(
      (_m, url) => (url.pathname === "/api/v1/status" ? { status: 200, body: status() } : url.pathname === "/api/v1/notices" ? { status: 200, body: own } : undefined),
      { session: { account: fakeAccount(), permissions: [] } },
    );
    renderApp("/status");
    const section = await screen.findByRole("region", { name: "貴社へのお知らせ" });
    expect(within(section).getByText("貴社専用の作業")).toBeTruthy();
    expect(within(section).getByText("貴社の装置の障害")).toBeTruthy();
    expect(within(section).queryByText("データベースの更新")).toBeNull();
    expect(screen.getByRole("link", { name: "管理コンソールへ" })).toBeTruthy();
  });
});

describe("Security and data (DATA-7)", () => {
  it("shows where data is kept and the retention periods the server reports, to any account", async () => {
    const data: SecurityData = {
      data_residency: "JP",
      backup_time_jst: "03:30",
      retention: {
        history_days: 400,
        backup_days: 9,
        device_retention_days: 91,
        mail_days: 33,
        webhook_delivery_days: 7,
        contract_end_grace_days: 31,
        inactivity_reminder_days: 80,
        inactivity_lock_days: 95,
        inactivity_delete_days: 185,
        session_idle_minutes: 45,
        session_lifetime_hours: 11,
      },
    };
    stubApi((_m, url) => (url.pathname === "/api/v1/security-data" ? { status: 200, body: data } : undefined), { session: { account: fakeAccount({ kind: "general" }), permissions: [] } });
    renderApp("/");
    await userEvent.click(await screen.findByRole("link", { name: "セキュリティとデータ" }));
    await screen.findByRole("heading", { name: "セキュリティとデータ", level: 1 });
    expect((await screen.findByTestId("data-residency")).textContent).toBe("JP日本国内");
    for (const text of ["毎日 03:30（JST）", "9 日", "400 日", "最後の通信から 91 日で削除", "33 日", "7 日", "契約終了から 31 日以内に削除", "80 日後", "95 日後", "185 日後", "45 分でログアウト", "最長 11 時間"])
      expect(screen.getByText(text)).toBeTruthy();
  });
});
