// DEV-7 against a fake API: a profile's page shows its desired configuration (TR-181 and TR-098
// rows, the placeholders), edits it with mistakes caught on their row, and counts its devices by
// compliance state with links to the device list; a device's compliance tab (a deep link) says
// each parameter's state and why in Japanese and English, and edits the device's overrides with
// devices.configure only; the device list shows and filters on compliance, kept in the URL.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeAccount, renderApp, stubApi, type Handler } from "../testing/fakeApi";

const profile = {
  id: "p1",
  name: "本社ルーター",
  match: { oui: "00D09E", product_class: null, serial_prefix: null, serials: [] },
  device_auth: { mode: "rotate", username: "cpe", password_set: true },
  periodic_inform_interval: 300,
  parameters: { "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID": "shop-{serial_number}", "Device.WiFi.SSID.1.SSID": "shop-{serial_number}" },
  created_at: "2026-12-01T00:00:00Z",
  created_at_jst: "2026-12-01 09:00:00",
  updated_at: "2026-12-01T00:00:00Z",
  updated_at_jst: "2026-12-01 09:00:00",
};

const counts = { devices: 10, in_sync: 6, pending: 1, drift: 2, failed: 1, not_compared: 0 };

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
  periodic_inform_interval: 300,
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
  first_contact_at: "2026-12-01T00:00:00Z",
  first_contact_at_jst: "2026-12-01 09:00:00",
  last_contact_at: "2026-12-07T00:00:00Z",
  last_contact_at_jst: "2026-12-07 09:00:00",
  last_boot_at: null,
  last_boot_at_jst: null,
  online_until: "2026-12-07T02:00:00Z",
  online_until_jst: "2026-12-07 11:00:00",
  created_at: "2026-12-01T00:00:00Z",
  created_at_jst: "2026-12-01 09:00:00",
  updated_at: "2026-12-07T00:00:00Z",
  updated_at_jst: "2026-12-07 09:00:00",
  remote_login: null,
  compliance: "drift",
};

const item = (extra: object) => ({ desired: "x", reported: "x", secret: false, state: "in_sync", reason: null, source: "profile", tries_today: 0, fault: null, ...extra });
const compliance = {
  profile_id: "p1",
  state: "failed",
  summary: { in_sync: 1, pending: 0, drift: 1, failed: 1 },
  items: [
    item({ path: "Device.WiFi.SSID.1.SSID", desired: "shop-SIM000001", reported: "shop-SIM000001" }),
    item({ path: "Device.Time.NTPServer1", desired: "ntp.acme.example", reported: "pool.ntp.org", state: "drift", reason: "tries_exhausted", tries_today: 3, source: "override" }),
    item({ path: "Device.WiFi.AccessPoint.1.Security.KeyPassphrase", desired: null, reported: null, secret: true, state: "failed", reason: "refused", fault: { code: 9007, meaning: "Invalid parameter value" } }),
  ],
};

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;
const CONFIGURE = ["devices.read", "devices.configure", "profiles.read", "profiles.write"];

const serve = (handler: Handler, permissions = CONFIGURE) =>
  stubApi(
    (method, url, body) => {
      const answer = handler(method, url, body);
      if (answer) return answer;
      if (url.pathname === "/api/v1/profiles/p1" && method === "GET") return { status: 200, body: profile };
      if (url.pathname === "/api/v1/profiles/p1/compliance") return { status: 200, body: counts };
      if (url.pathname === "/api/v1/profiles") return { status: 200, body: { items: [profile], next_cursor: null } };
      if (url.pathname === "/api/v1/devices/d1" && method === "GET") return { status: 200, body: device };
      if (url.pathname === "/api/v1/devices/d1/compliance") return { status: 200, body: compliance };
      if (url.pathname === "/api/v1/devices/d1/overrides" && method === "GET") return { status: 200, body: { parameters: { "Device.Time.NTPServer1": "ntp.acme.example" } } };
      if (url.pathname === "/api/v1/devices") return { status: 200, body: { items: [device], next_cursor: null } };
      if (url.pathname === "/api/v1/devices/count") return { status: 200, body: { total: 1 } };
      if (url.pathname === "/api/v1/device-groups") return { status: 200, body: { items: [], next_cursor: null } };
      return undefined;
    },
    { session: { account: fakeAccount(), permissions } },
  );

afterEach(() => vi.unstubAllGlobals());

describe("a profile's desired configuration (DEV-7)", () => {
  it("shows both data models' parameters and the devices by compliance, each count a link to the device list", async () => {
    serve(() => undefined);
    renderApp("/profiles/p1");
    expect(await screen.findByRole("heading", { name: "本社ルーター" })).toBeTruthy();
    expect(await screen.findByText("TR-181（Device.）1 件 · TR-098（InternetGatewayDevice.）1 件")).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>("1 行目のパラメータ").value).toBe("Device.WiFi.SSID.1.SSID");
    expect(screen.getByLabelText<HTMLInputElement>("2 行目のパラメータ").value).toBe("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID");
    expect(screen.getByLabelText<HTMLInputElement>("2 行目の値").value).toBe("shop-{serial_number}");
    expect(screen.getByText(/\{serial_number\} \{oui\} \{product_class\}/)).toBeTruthy();
    const drift = await screen.findByRole("link", { name: /^不一致\s*2\s*台を一覧で表示$/ });
    expect(drift.getAttribute("href")).toBe("/devices?profile_id=p1&compliance=drift");
    expect(screen.getByRole("link", { name: /^一致\s*6\s*台を一覧で表示$/ }).getAttribute("href")).toBe("/devices?profile_id=p1&compliance=in_sync");
    expect(screen.getByRole("link", { name: /^対象装置\s*10\s*台を一覧で表示$/ }).getAttribute("href")).toBe("/devices?profile_id=p1");
    expect(screen.getByText("未比較", { selector: ".stat-label" })).toBeTruthy();
  });

  it("catches an unknown placeholder and a bad path on their rows, then saves the rows and the interval", async () => {
    const calls = serve((method, url, body) =>
      url.pathname === "/api/v1/profiles/p1" && method === "PATCH" ? { status: 200, body: { ...profile, ...(body as object), updated_at: "2026-12-07T00:00:00Z" } } : undefined,
    );
    renderApp("/profiles/p1");
    const value = await screen.findByLabelText("1 行目の値");
    await userEvent.clear(value);
    await userEvent.type(value, "cafe-{{serial}");
    await userEvent.click(screen.getByRole("button", { name: "パラメータを追加" }));
    const path3 = screen.getByLabelText("3 行目のパラメータ");
    expect((path3 as HTMLInputElement).value).toBe("Device.");
    await userEvent.type(path3, "Time.");
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    expect(await screen.findByText("値に使える置き換えは {serial_number}・{oui}・{product_class} だけです")).toBeTruthy();
    expect(screen.getByText(/Device\. か InternetGatewayDevice\. で始まり/)).toBeTruthy();
    expect(screen.getByLabelText("1 行目の値").getAttribute("aria-invalid")).toBe("true");
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);

    await userEvent.clear(screen.getByLabelText("1 行目の値"));
    await userEvent.type(screen.getByLabelText("1 行目の値"), "cafe-{{serial_number}");
    await userEvent.type(screen.getByLabelText("3 行目のパラメータ"), "NTPServer1");
    await userEvent.type(screen.getByLabelText("3 行目の値"), "ntp.acme.example");
    await userEvent.click(screen.getByRole("button", { name: "2 行目を削除" }));
    const interval = screen.getByLabelText("定期通知間隔（秒）");
    await userEvent.clear(interval);
    await userEvent.type(interval, "600");
    // The firmware baseline (compared only; a campaign installs it).
    await userEvent.type(screen.getByLabelText(/基準のファームウェアバージョン/), " 2.1.0 ");
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    await screen.findByText("あるべき設定を保存しました。オンラインの装置には 1 分以内に反映します");
    expect(calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([
      {
        periodic_inform_interval: 600,
        firmware_version: "2.1.0",
        parameters: { "Device.WiFi.SSID.1.SSID": "cafe-{serial_number}", "Device.Time.NTPServer1": "ntp.acme.example" },
      },
    ]);
  });

  it("shows the server's refusal on the row it names, in English", async () => {
    serve((method, url) =>
      url.pathname === "/api/v1/profiles/p1" && method === "PATCH"
        ? { status: 400, body: { status: 400, code: "invalid_request", field: "parameters", detail: "the value of InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID must be at most 4096 bytes of text" } }
        : undefined,
    );
    renderApp("/profiles/p1", "en");
    const value = await screen.findByLabelText("Value of row 1");
    await userEvent.type(value, "x");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("This parameter was not accepted. Check its path and value")).toBeTruthy();
    expect(screen.getByLabelText("Parameter of row 2").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("is read only without profiles.write", async () => {
    serve(() => undefined, ["devices.read", "profiles.read"]);
    renderApp("/profiles/p1");
    const table = await screen.findByRole("table", { name: "パラメータ" });
    expect(within(table).getByRole("row", { name: /LANDevice/ }).textContent).toContain("TR-098");
    expect(screen.queryByRole("button", { name: "保存" })).toBeNull();
    expect(screen.queryByRole("button", { name: "仕向けの編集" })).toBeNull();
  });
});

describe("a device's compliance (DEV-7)", () => {
  it("opens from its deep link and says each parameter's state and why", async () => {
    serve(() => undefined);
    renderApp("/devices/d1?tab=compliance");
    expect(await screen.findByRole("tab", { name: "準拠状況", selected: true })).toBeTruthy();
    const table = await screen.findByRole("table", { name: "パラメータごとの準拠状況" });
    const drift = await within(table).findByRole("row", { name: /NTPServer1/ });
    expect(drift.textContent).toContain("ntp.acme.example");
    expect(drift.textContent).toContain("pool.ntp.org");
    expect(drift.textContent).toContain("不一致");
    expect(drift.textContent).toContain("今日（JST）は 3 回設定し、そのたびに戻されました。明日また設定します");
    expect(drift.textContent).toContain("個別設定");
    const secret = within(table).getByRole("row", { name: /KeyPassphrase/ });
    expect(secret.textContent).toContain("秘匿");
    expect(secret.textContent).toContain("装置が値を受け付けませんでした");
    expect(secret.textContent).toContain("9007");
    expect(within(table).getByRole("row", { name: /shop-SIM000001/ }).textContent).toContain("一致");
  });

  it("reads the same in English", async () => {
    serve(() => undefined);
    renderApp("/devices/d1?tab=compliance", "en");
    const table = await screen.findByRole("table", { name: "Compliance by parameter" });
    const drift = await within(table).findByRole("row", { name: /NTPServer1/ });
    expect(drift.textContent).toContain("Set 3 times today (JST) and changed back each time; set again tomorrow");
    expect(drift.textContent).toContain("Override");
    expect(table.textContent).not.toMatch(JAPANESE);
  });

  it("replaces the device's overrides, the server's refusal on its row", async () => {
    let refuse = true;
    const calls = serve((method, url, body) => {
      if (url.pathname !== "/api/v1/devices/d1/overrides" || method !== "PUT") return undefined;
      if (refuse) {
        refuse = false;
        return { status: 400, body: { status: 400, code: "invalid_request", field: "parameters", detail: "'Device.WiFi.SSID.1.SSID' is not a parameter path" } };
      }
      return { status: 200, body };
    });
    renderApp("/devices/d1?tab=compliance");
    const path = await screen.findByLabelText("1 行目のパラメータ");
    expect((path as HTMLInputElement).value).toBe("Device.Time.NTPServer1");
    await userEvent.click(screen.getByRole("button", { name: "パラメータを追加" }));
    await userEvent.type(screen.getByLabelText("2 行目のパラメータ"), "WiFi.SSID.1.SSID");
    await userEvent.type(screen.getByLabelText("2 行目の値"), "mine");
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    expect(await screen.findByText("このパラメータは受け付けられませんでした。パスと値を確認してください")).toBeTruthy();
    expect(screen.getByLabelText("2 行目のパラメータ").getAttribute("aria-invalid")).toBe("true");
    await userEvent.click(screen.getByRole("button", { name: "保存" }));
    await screen.findByText("個別設定を保存しました。装置の次の接続で設定します");
    expect(calls.filter((c) => c.method === "PUT").map((c) => c.body)).toEqual([
      { parameters: { "Device.Time.NTPServer1": "ntp.acme.example", "Device.WiFi.SSID.1.SSID": "mine" } },
      { parameters: { "Device.Time.NTPServer1": "ntp.acme.example", "Device.WiFi.SSID.1.SSID": "mine" } },
    ]);
  });

  it("offers no overrides without devices.configure", async () => {
    serve(() => undefined, ["devices.read", "profiles.read"]);
    renderApp("/devices/d1?tab=compliance");
    await screen.findByRole("row", { name: /NTPServer1/ });
    expect(screen.queryByText("この装置の個別設定")).toBeNull();
    expect(screen.queryByLabelText("1 行目のパラメータ")).toBeNull();
  });
});

describe("the device list's compliance (DEV-7)", () => {
  it("shows each device's state and filters on it, in the URL and the API's query", async () => {
    const calls = serve(() => undefined);
    renderApp("/devices?profile_id=p1&compliance=drift");
    const row = await screen.findByRole("row", { name: /SIM000001/ });
    expect(row.textContent).toContain("不一致");
    expect(screen.getByLabelText<HTMLSelectElement>("準拠状況").value).toBe("drift");
    await waitFor(() => expect(calls.some((c) => c.path.startsWith("/api/v1/devices?") && c.path.includes("compliance=drift") && c.path.includes("profile_id=p1"))).toBe(true));
    await userEvent.selectOptions(screen.getByLabelText("準拠状況"), "failed");
    await waitFor(() => expect(calls.some((c) => c.path.startsWith("/api/v1/devices?") && c.path.includes("compliance=failed"))).toBe(true));
  });
});
