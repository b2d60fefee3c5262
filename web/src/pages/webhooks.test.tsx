// Webhooks (SEC-9) against a fake API: the list with each state (enabled, failing since when,
// stopped by Kanri) and the last delivery; creating one, checked before anything is sent, a
// private target refused on its field in the reader's language, the secret shown once; the
// limit, in English; editing (only what changed is sent); a webhook's page with its delivery
// log (paged, filtered, times in JST), the test event, enabling a stopped one, and deleting.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Webhook, WebhookDelivery } from "../api/types";
import { fakeAccount, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const SECRET = "whsec_" + btoa("0123456789abcdef0123456789abcdef");

const webhook = (extra: Partial<Webhook> = {}): Webhook => ({
  id: "w1",
  name: "監視システム",
  url: "https://hooks.example.com/kanri",
  events: ["task.failed", "device.created"],
  enabled: true,
  disabled_reason: null,
  failing_since: null,
  last_delivery: { at: "2025-03-10T00:00:05Z", state: "delivered", status: 204 },
  created_at: "2025-03-01T00:00:00Z",
  created_by_login: "taro",
  ...extra,
});

const delivery = (id: string, extra: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id,
  event_id: "evt-" + id,
  event_type: "task.failed",
  created_at: "2025-03-10T00:00:00Z",
  state: "delivered",
  attempts: 1,
  last_status: 200,
  last_error: "",
  next_attempt_at: null,
  delivered_at: "2025-03-10T00:00:01Z",
  ...extra,
});

const serve = (handler: Handler, permissions = ["tokens.write", "devices.read"]) =>
  stubApi(handler, { session: { account: fakeAccount(), permissions } });

afterEach(() => vi.unstubAllGlobals());

describe("webhooks list (SEC-9)", () => {
  it("shows each webhook's state, events and last delivery in JST, under its own menu entry", async () => {
    serve((_m, url) =>
      url.pathname === "/api/v1/webhooks"
        ? {
            status: 200,
            body: {
              items: [
                webhook(),
                webhook({ id: "w2", name: "失敗中", failing_since: "2025-03-09T23:00:00Z", last_delivery: { at: "2025-03-10T00:10:00Z", state: "queued", status: 503 } }),
                webhook({ id: "w3", name: "停止", enabled: false, disabled_reason: "failing", failing_since: "2025-03-08T15:00:00Z", last_delivery: null }),
                webhook({ id: "w4", name: "無効", enabled: false, disabled_reason: "" }),
              ],
            },
          }
        : undefined,
    );
    renderApp("/webhooks");
    expect(await screen.findByRole("heading", { name: "Webhook" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Webhook" })).toBeTruthy();
    const ok = (await screen.findByRole("link", { name: "監視システム" })).closest("tr")!;
    expect(within(ok).getByText("有効")).toBeTruthy();
    expect(within(ok).getByText("装置の登録")).toBeTruthy();
    expect(within(ok).getByText("タスクの失敗")).toBeTruthy();
    expect(within(ok).getByText("2025-03-10 09:00:05")).toBeTruthy();
    expect(within(ok).getByText("配信済み")).toBeTruthy();
    expect(within(ok).getByText("HTTP 204")).toBeTruthy();
    const failing = screen.getByRole("link", { name: "失敗中" }).closest("tr")!;
    expect(within(failing).getByText("配信失敗中")).toBeTruthy();
    expect(within(failing).getByText("2025-03-10 08:00 から")).toBeTruthy();
    expect(within(failing).getByText("HTTP 503")).toBeTruthy();
    const stopped = screen.getByRole("link", { name: "停止" }).closest("tr")!;
    expect(within(stopped).getByText("停止（配信失敗）")).toBeTruthy();
    expect(within(stopped).getByText("2025-03-09 00:00 から")).toBeTruthy();
    expect(within(stopped).getByText("配信なし")).toBeTruthy();
    expect(within(screen.getByRole("link", { name: "無効" }).closest("tr")!).getByText("無効", { selector: ".badge" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "監視システム" }).getAttribute("href")).toBe("/webhooks/w1");
  });

  it("is not in the menu without tokens.write", async () => {
    serve(() => undefined, ["devices.read"]);
    renderApp("/webhooks");
    await screen.findByText("この画面を利用する権限がありません");
    expect(screen.queryByRole("link", { name: "Webhook" })).toBeNull();
  });

  it("creates a webhook: checks before sending, shows a private target refused on the URL in Japanese, then the secret once", async () => {
    let items: Webhook[] = [];
    let refuseAddress = true;
    const calls = serve((method, url, body) => {
      if (url.pathname === "/api/v1/webhooks/w1") return { status: 200, body: items[0] };
      if (url.pathname === "/api/v1/webhooks/w1/deliveries") return { status: 200, body: { items: [] } };
      if (url.pathname !== "/api/v1/webhooks") return undefined;
      if (method === "POST") {
        if (refuseAddress) {
          refuseAddress = false;
          return { status: 422, body: { status: 422, code: "address_not_allowed", field: "url", title: "Unprocessable", detail: "target resolves to 10.0.0.5" } };
        }
        const b = body as { name: string; url: string; events: string[] };
        items = [webhook({ name: b.name, url: b.url, events: b.events, last_delivery: null })];
        return { status: 201, body: { ...items[0], secret: SECRET } };
      }
      return { status: 200, body: { items } };
    });
    renderApp("/webhooks");
    await screen.findByText("Webhook はまだありません");
    await userEvent.click(screen.getByRole("button", { name: "Webhook を作成" }));
    const dialog = await screen.findByRole("dialog", { name: "Webhook を作成" });
    const offered = within(dialog)
      .getAllByRole("checkbox")
      .map((c) => (c as HTMLInputElement).value);
    expect(offered).toEqual(["device.created", "device.deleted", "task.done", "task.failed", "job.finished", "campaign.paused", "campaign.finished", "on"]);

    await userEvent.type(within(dialog).getByLabelText(/^名前/), "監視システム");
    await userEvent.type(within(dialog).getByLabelText(/^送信先 URL/), "http://hooks.example.com/kanri");
    await userEvent.click(within(dialog).getByLabelText("署名シークレットを自分で指定する"));
    await userEvent.type(within(dialog).getByLabelText(/^署名シークレット\*?$/), "secret");
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    await within(dialog).findByText("https:// で始まる URL を入力してください");
    expect(within(dialog).getByText("イベントを 1 つ以上選んでください")).toBeTruthy();
    expect(within(dialog).getByText("「whsec_」で始めてください")).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    const urlField = within(dialog).getByLabelText(/^送信先 URL/);
    await userEvent.clear(urlField);
    await userEvent.type(urlField, "https://hooks.internal/kanri");
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /タスクの失敗/ }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /装置の登録/ }));
    await userEvent.click(within(dialog).getByLabelText("署名シークレットを自分で指定する"));
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    await within(dialog).findByText(/この URL の送信先はループバックや社内ネットワークなどのプライベートアドレスのため、送信できません。/);
    expect(within(dialog).queryByText("target resolves to 10.0.0.5")).toBeNull();
    expect(urlField.getAttribute("aria-invalid")).toBe("true");

    await userEvent.clear(urlField);
    await userEvent.type(urlField, "https://hooks.example.com/kanri");
    await userEvent.click(within(dialog).getByRole("button", { name: "作成" }));
    const issued = await screen.findByRole("dialog", { name: "Webhook を作成しました" });
    expect(within(issued).getByTestId("issued-webhook-secret").textContent).toBe(SECRET);
    expect(within(issued).getByText("署名シークレットは今回だけ表示されます。")).toBeTruthy();
    const posts = calls.filter((c) => c.method === "POST").map((c) => c.body);
    // Events in the form's order; no secret: Kanri chooses it.
    expect(posts[1]).toEqual({ name: "監視システム", url: "https://hooks.example.com/kanri", events: ["device.created", "task.failed"] });

    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await userEvent.click(within(issued).getByRole("button", { name: "コピー: 署名シークレット" }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    await within(issued).findByRole("button", { name: "コピーしました: 署名シークレット" });
    await userEvent.click(within(issued).getAllByRole("button", { name: "閉じる" }).at(-1)!);
    await waitFor(() => expect(screen.queryByText(SECRET)).toBeNull());

    // Nowhere again: not in the list, not on the webhook's page, not in the dialogs.
    await screen.findByRole("link", { name: "監視システム" });
    await userEvent.click(screen.getByRole("button", { name: "Webhook を作成" }));
    await screen.findByRole("dialog", { name: "Webhook を作成" });
    expect(screen.queryByText(SECRET)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "キャンセル" }));
    await userEvent.click(screen.getByRole("link", { name: "監視システム" }));
    await screen.findByRole("heading", { name: "監視システム" });
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it("says the limit in English, not in the server's words, and stops offering creation at ten", async () => {
    let items: Webhook[] = [webhook()];
    serve((method, url) => {
      if (url.pathname !== "/api/v1/webhooks") return undefined;
      if (method === "POST") return { status: 422, body: { status: 422, code: "limit_exceeded", detail: "at most 10 webhooks per company" } };
      return { status: 200, body: { items } };
    });
    const view = renderApp("/webhooks", "en");
    await userEvent.click(await screen.findByRole("button", { name: "Create webhook" }));
    const dialog = await screen.findByRole("dialog", { name: "Create webhook" });
    await userEvent.type(within(dialog).getByLabelText(/^Name/), "ops");
    await userEvent.type(within(dialog).getByLabelText(/^Target URL/), "https://hooks.example.com/");
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /Task done/ }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Create" }));
    await within(dialog).findByText("A company can have up to 10 webhooks. Delete one you no longer need first.");
    expect(within(dialog).queryByText("at most 10 webhooks per company")).toBeNull();
    view.unmount();

    items = Array.from({ length: 10 }, (_, i) => webhook({ id: `w${i}`, name: `hook ${i}` }));
    renderApp("/webhooks", "en");
    await screen.findByText("A company can have up to 10 webhooks.");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Create webhook" }).disabled).toBe(true);
  });

  it("edits a webhook, sending only what changed", async () => {
    let current = webhook();
    const calls = serve((method, url, body) => {
      if (url.pathname === "/api/v1/webhooks") return { status: 200, body: { items: [current] } };
      if (url.pathname === "/api/v1/webhooks/w1" && method === "PATCH") {
        current = { ...current, ...(body as Partial<Webhook>) };
        return { status: 200, body: current };
      }
      return undefined;
    });
    renderApp("/webhooks");
    await userEvent.click(await screen.findByRole("button", { name: "編集 監視システム" }));
    const dialog = await screen.findByRole("dialog", { name: "Webhook の編集" });
    expect(within(dialog).getByRole<HTMLButtonElement>("button", { name: "保存" }).disabled).toBe(true);
    expect(within(dialog).getByRole<HTMLInputElement>("checkbox", { name: /装置の登録/ }).checked).toBe(true);
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /タスクの完了/ }));
    await userEvent.click(within(dialog).getByRole("switch", { name: "有効にする" }));
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    await screen.findByText("Webhook を保存しました");
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ events: ["device.created", "task.done", "task.failed"], enabled: false });
    const row = (await screen.findByRole("link", { name: "監視システム" })).closest("tr")!;
    await within(row).findByText("無効");
  });
  it("shows the server's refusal of a field on that field, in the reader's language", async () => {
    serve((method, url) => {
      if (url.pathname === "/api/v1/webhooks") return { status: 200, body: { items: [webhook()] } };
      if (url.pathname === "/api/v1/webhooks/w1" && method === "PATCH")
        return { status: 400, body: { status: 400, code: "invalid_request", field: "name", detail: "the name is longer than 100 characters" } };
      return undefined;
    });
    renderApp("/webhooks");
    await userEvent.click(await screen.findByRole("button", { name: "編集 監視システム" }));
    const dialog = await screen.findByRole("dialog", { name: "Webhook の編集" });
    const name = within(dialog).getByLabelText(/^名前/);
    await userEvent.type(name, "（本番）");
    await userEvent.click(within(dialog).getByRole("button", { name: "保存" }));
    await within(dialog).findByText("名前は 1〜100 文字で、改行などの制御文字を含めずに入力してください");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).queryByText("the name is longer than 100 characters")).toBeNull();
  });
});

describe("a webhook's page (SEC-9)", () => {
  function detailServer(initial: Webhook) {
    let current = initial;
    const calls = serve((method, url, body) => {
      const path = url.pathname;
      if (path === "/api/v1/webhooks") return { status: 200, body: { items: [current] } };
      if (path === "/api/v1/webhooks/w1" && method === "GET") return { status: 200, body: current };
      if (path === "/api/v1/webhooks/w1" && method === "PATCH") {
        const patch = body as Partial<Webhook>;
        current = { ...current, ...patch, ...(patch.enabled ? { disabled_reason: "", failing_since: null } : {}) };
        return { status: 200, body: current };
      }
      if (path === "/api/v1/webhooks/w1" && method === "DELETE") return { status: 204 };
      if (path === "/api/v1/webhooks/w1/test" && method === "POST") return { status: 202, body: { delivery_id: "d-test" } };
      if (path === "/api/v1/webhooks/w1/deliveries") {
        const state = url.searchParams.get("state");
        if (state === "failed")
          return { status: 200, body: { items: [delivery("d3", { state: "failed", attempts: 12, last_status: null, last_error: "connection refused", delivered_at: null })] } };
        if (url.searchParams.get("cursor") === "c2") return { status: 200, body: { items: [delivery("d9", { event_type: "device.created" })] } };
        return {
          status: 200,
          body: {
            items: [
              delivery("d1", {
                event_type: "webhook.test",
                state: "queued",
                attempts: 2,
                last_status: 500,
                last_error: "HTTP 500 from the receiver",
                next_attempt_at: "2025-03-10T00:04:00Z",
                delivered_at: null,
              }),
              delivery("d2"),
            ],
            next_cursor: "c2",
          },
        };
      }
      return undefined;
    });
    return calls;
  }

  it("shows the delivery log with state, attempts, last status and error in JST, a page at a time and filtered; sends a test event", async () => {
    const calls = detailServer(webhook());
    renderApp("/webhooks/w1");
    await screen.findByRole("heading", { name: "監視システム" });
    const queued = (await screen.findByText("テストイベント")).closest("tr")!;
    expect(within(queued).getByText("送信待ち")).toBeTruthy();
    expect(within(queued).getByText("2")).toBeTruthy();
    expect(within(queued).getByText("HTTP 500")).toBeTruthy();
    expect(within(queued).getByText("HTTP 500 from the receiver")).toBeTruthy();
    expect(within(queued).getByText("2025-03-10 09:04:00")).toBeTruthy();
    expect(within(queued).getByText("次の試行")).toBeTruthy();
    const done = screen.getByText("2025-03-10 09:00:01").closest("tr")!;
    expect(within(done).getByText("配信")).toBeTruthy();
    expect(within(done).getByText("タスクの失敗")).toBeTruthy();
    expect(within(done).getByText("配信済み")).toBeTruthy();
    expect(within(done).getByText("2025-03-10 09:00:00")).toBeTruthy();
    // A delivery on its way: the log says it is read again.
    expect(screen.getByText("自動更新中")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "さらに読み込む" }));
    await screen.findByText("装置の登録", { selector: ".cell-main" });
    expect(calls.some((c) => c.path === "/api/v1/webhooks/w1/deliveries?limit=50&cursor=c2")).toBe(true);

    await userEvent.selectOptions(screen.getByLabelText("状態"), "failed");
    const failed = (await screen.findByText("connection refused")).closest("tr")!;
    expect(within(failed).getByText("配信失敗")).toBeTruthy();
    expect(within(failed).getByText("応答なし")).toBeTruthy();
    expect(calls.some((c) => c.path === "/api/v1/webhooks/w1/deliveries?state=failed&limit=50")).toBe(true);

    await userEvent.click(screen.getByRole("button", { name: "テストイベント送信" }));
    await screen.findByText("テストイベントを送信待ちにしました。結果は配信ログで確認できます。");
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/webhooks/w1/test")).toBe(true);
  });

  it("reads the webhook's last delivery again when its log changes", async () => {
    let current = webhook({ last_delivery: null });
    let log: WebhookDelivery[] = [];
    serve((method, url) => {
      if (url.pathname === "/api/v1/webhooks/w1") return { status: 200, body: current };
      if (url.pathname === "/api/v1/webhooks/w1/deliveries") return { status: 200, body: { items: log, next_cursor: null } };
      if (url.pathname === "/api/v1/webhooks/w1/test" && method === "POST") {
        log = [delivery("d-test", { event_type: "webhook.test", last_status: 204 })];
        current = { ...current, last_delivery: { at: "2025-03-10T00:00:01Z", state: "delivered", status: 204 } };
        return { status: 202, body: { delivery_id: "d-test" } };
      }
      return undefined;
    });
    renderApp("/webhooks/w1");
    const settings = (await screen.findByRole("heading", { name: "設定" })).closest("section")!;
    await within(settings).findByText("配信なし");
    await userEvent.click(screen.getByRole("button", { name: "テストイベント送信" }));
    await within(settings).findByText("HTTP 204");
    expect(within(settings).getByText("2025-03-10 09:00:01")).toBeTruthy();
  });

  it("says a test event cannot go to a webhook disabled meanwhile", async () => {
    serve((method, url) => {
      if (url.pathname === "/api/v1/webhooks/w1") return { status: 200, body: webhook() };
      if (url.pathname === "/api/v1/webhooks/w1/deliveries") return { status: 200, body: { items: [], next_cursor: null } };
      if (url.pathname === "/api/v1/webhooks/w1/test" && method === "POST")
        return { status: 409, body: { status: 409, code: "webhook_disabled", detail: "the webhook is disabled; enable it first" } };
      return undefined;
    });
    renderApp("/webhooks/w1", "en");
    await userEvent.click(await screen.findByRole("button", { name: "Send test event" }));
    await screen.findByText("This webhook is disabled. Enable it before sending a test event.");
  });

  it("explains a webhook Kanri stopped, enables it again, and deletes it after asking", async () => {
    const calls = detailServer(webhook({ enabled: false, disabled_reason: "failing", failing_since: "2025-03-08T15:00:00Z" }));
    renderApp("/webhooks/w1");
    await screen.findByText(/2025-03-09 00:00 から 24 時間配信に失敗し続けたため、Kanri がこの Webhook を停止しました。/);
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "テストイベント送信" }).disabled).toBe(true);
    await userEvent.click(screen.getByRole("button", { name: "有効にする" }));
    await screen.findByText("Webhook を有効にしました");
    expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ enabled: true });
    await waitFor(() => expect(screen.queryByText(/Kanri がこの Webhook を停止しました/)).toBeNull());
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "テストイベント送信" }).disabled).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "削除" }));
    const confirm = await screen.findByRole("dialog", { name: "Webhook の削除" });
    within(confirm).getByText(/Webhook「監視システム」を削除します。/);
    await userEvent.click(within(confirm).getByRole("button", { name: "削除" }));
    await screen.findByText("Webhook を削除しました");
    await screen.findByRole("heading", { name: "Webhook" });
    expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/v1/webhooks/w1")).toBe(true);
    // Nothing of the deleted webhook is read again (the server would answer 404).
    const afterDeletion = calls.slice(calls.findIndex((c) => c.method === "DELETE") + 1);
    expect(afterDeletion.filter((c) => c.path.startsWith("/api/v1/webhooks/w1"))).toEqual([]);
  });
});
