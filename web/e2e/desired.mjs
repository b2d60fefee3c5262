// DEV-7 in the browser: desired configuration. A profile of ACME covers a TR-181 and a TR-098
// simulated gateway (serials DES…) with parameters of both data models, one of them per device
// ({serial_number}). Its page edits a parameter of each data model; the server asks the online
// gateways to connect, so both report the new values and the page counts them in sync within a
// minute. An override on one gateway wins over the profile there (its compliance tab says so)
// and not on the other; the same in English; the device list filters on compliance. Last, a
// gateway that puts a value back by itself (`kanri sim --revert`) shows drift.
//
// Runs after deviceSteps: the company ACME and its administrator exist.
import { BOOT_PASSWORD, BOOT_USER, startSim, switchLanguage, until } from "./kanri.mjs";

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;
const PROFILE = "店舗ルーター（DEV-7）";
const NTP = { tr181: "Device.Time.NTPServer1", tr098: "InternetGatewayDevice.Time.NTPServer1" };

export async function desiredSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  const sims = [];
  let admin = null;
  let profile = null;
  const devices = {};
  const deviceCompliance = (serial) => admin.call("GET", `/devices/${devices[serial].id}/compliance`);
  const itemOf = (c, path) => c.items.find((i) => i.path === path);
  const english = () => switchLanguage(page, "en");
  const japanese = () => switchLanguage(page, "ja");
  const complianceTable = (name) => page.getByRole("table", { name });

  try {
    await step("DEV-7: a profile with TR-181 and TR-098 parameters covers a gateway of each, in sync once read", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "DES" });
      admin = await kanri.session("ACME", "taro", adminPassword);
      profile = await admin.call("POST", "/profiles", {
        name: PROFILE,
        match: { oui: "00D09E", serial_prefix: "DES", serials: [] },
        device_auth: { mode: "rotate", username: BOOT_USER, password: BOOT_PASSWORD },
        periodic_inform_interval: 3600,
        parameters: {
          [NTP.tr181]: "ntp.acme.example",
          [NTP.tr098]: "ntp.acme.example",
          "Device.WiFi.SSID.1.SSID": "shop-{serial_number}",
          "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID": "shop-{serial_number}",
        },
      });
      sims.push(startSim(kanri, 1, "DES"), startSim(kanri, 1, "DES", { model: "tr098", firstIndex: 101 }));
      for (const serial of ["DES000001", "DES000101"])
        devices[serial] = await until(`${serial} online in ACME`, async () => (await admin.call("GET", `/devices?q=${serial}`)).items.find((d) => d.serial_number === serial && d.online), 90_000);
      const counts = await until("both gateways in sync", async () => {
        const c = await admin.call("GET", `/profiles/${profile.id}/compliance`);
        return c.in_sync === 2 ? c : null;
      }, 90_000);
      expect(counts.devices === 2, "two devices: " + JSON.stringify(counts));
      const tr098 = await deviceCompliance("DES000101");
      expect(itemOf(tr098, "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID")?.reported === "shop-DES000101", "the TR-098 gateway's own name: " + JSON.stringify(tr098.items));
      expect(!tr098.items.some((i) => i.path.startsWith("Device.")), "no TR-181 path for the TR-098 gateway");
    });

    await step("DEV-7: a profile edit on its page reaches both online gateways within a minute", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await nav("仕向け").click();
      await page.getByRole("link", { name: PROFILE }).click();
      await page.getByRole("heading", { name: PROFILE }).waitFor();
      const inSync = page.getByRole("link", { name: /^一致\s*\d+\s*台を一覧で表示$/ });
      await until("the page counts two in sync", async () => (await inSync.innerText()).includes("2"), 20_000);
      await page.getByText("TR-181（Device.）2 件 · TR-098（InternetGatewayDevice.）2 件").waitFor();
      // Rows: TR-181 first, then TR-098, each by path.
      expect((await page.getByLabel("1 行目のパラメータ").inputValue()) === NTP.tr181, "row 1 is the TR-181 NTP server");
      expect((await page.getByLabel("4 行目のパラメータ").inputValue()) === NTP.tr098, "row 4 is the TR-098 NTP server");
      // A placeholder that does not exist is caught on its row, nothing sent.
      await page.getByLabel("2 行目の値").fill("shop-{serial}");
      await page.getByRole("button", { name: "保存" }).click();
      await page.getByText("値に使える置き換えは {serial_number}・{oui}・{product_class} だけです").waitFor();
      await shot("dev7-1-profile-placeholder-refused");
      await page.getByLabel("2 行目の値").fill("shop-{serial_number}");
      await page.getByLabel("1 行目の値").fill("ntp2.acme.example");
      await page.getByLabel("4 行目の値").fill("ntp2.acme.example");
      const saved = Date.now();
      await page.getByRole("button", { name: "保存" }).click();
      await page.getByText("あるべき設定を保存しました").waitFor();
      for (const [serial, path] of [["DES000001", NTP.tr181], ["DES000101", NTP.tr098]])
        await until(`${serial} reports ntp2 in sync`, async () => {
          const item = itemOf(await deviceCompliance(serial), path);
          return item?.state === "in_sync" && item.reported === "ntp2.acme.example";
        }, 60_000);
      console.log(`    (both gateways in sync with the edit after ${Math.round((Date.now() - saved) / 1000)} s)`);
      await until("the page counts two in sync again", async () => (await inSync.innerText()).includes("2"), 20_000);
      await shot("dev7-2-profile-desired");
    });

    await step("DEV-7: an override on one gateway wins over the profile there, not on the other", async () => {
      const serial = "DES000001";
      await page.goto(`/devices/${devices[serial].id}?tab=compliance`);
      await page.getByRole("tab", { name: "準拠状況", selected: true }).waitFor();
      const table = complianceTable("パラメータごとの準拠状況");
      const ntp = table.getByRole("row", { name: /NTPServer1/ });
      await ntp.waitFor();
      expect((await table.getByRole("row", { name: /shop-DES000001/ }).innerText()).includes("一致"), "the SSID of its own serial number, in sync");
      await page.getByRole("button", { name: "パラメータを追加" }).click();
      await page.getByLabel("1 行目のパラメータ").fill(NTP.tr181);
      await page.getByLabel("1 行目の値").fill("ntp.shop1.example");
      await page.getByRole("button", { name: "保存" }).click();
      await page.getByText("個別設定を保存しました").waitFor();
      await until("the override in sync on the page", async () => {
        const text = await ntp.innerText();
        return text.includes("個別設定") && text.includes("一致") && text.split("ntp.shop1.example").length === 3;
      }, 60_000);
      await shot("dev7-3-device-override");
      const other = itemOf(await deviceCompliance("DES000101"), NTP.tr098);
      expect(other.source === "profile" && other.reported === "ntp2.acme.example", "the other gateway keeps the profile's: " + JSON.stringify(other));

      await english();
      const en = complianceTable("Compliance by parameter");
      const enRow = await en.getByRole("row", { name: /NTPServer1/ }).innerText();
      expect(enRow.includes("In sync") && enRow.includes("Override") && !JAPANESE.test(enRow), "the row in English: " + enRow);
      await page.getByRole("tab", { name: "Compliance", selected: true }).waitFor();
      await shot("dev7-4-device-compliance-en");
      await page.goto(`/profiles/${profile.id}`);
      await page.getByRole("heading", { name: "Desired configuration" }).waitFor();
      await page.getByText("TR-181 (Device.): 2 · TR-098 (InternetGatewayDevice.): 2").waitFor();
      await shot("dev7-5-profile-en");
      await japanese();
    });

    await step("DEV-7: the device list shows compliance and filters on it (the URL keeps it)", async () => {
      await page.goto(`/profiles/${profile.id}`);
      await page.getByRole("link", { name: /^一致\s*\d+\s*台を一覧で表示$/ }).click();
      await page.getByRole("link", { name: "DES000101" }).waitFor();
      expect(page.url().includes(`profile_id=${profile.id}`) && page.url().includes("compliance=in_sync"), "the filter in the URL: " + page.url());
      expect((await page.getByLabel("準拠状況").inputValue()) === "in_sync", "the filter shown");
      expect((await page.getByRole("row", { name: /DES000001/ }).innerText()).includes("一致"), "the compliance column");
      await shot("dev7-6-devices-in-sync");
      await page.getByLabel("準拠状況").selectOption("drift");
      await until("no drifting device", async () => page.url().includes("compliance=drift") && (await page.getByRole("link", { name: /^DES/ }).count()) === 0, 15_000);
    });

    await step("DEV-7: a gateway that puts a value back by itself shows drift, with why", async () => {
      sims.push(startSim(kanri, 1, "DES", { firstIndex: 201, reverts: [`${NTP.tr181}=pool.ntp.org`] }));
      devices.DES000201 = await until("DES000201 online", async () => (await admin.call("GET", "/devices?q=DES000201")).items.find((d) => d.serial_number === "DES000201" && d.online), 90_000);
      await until("DES000201 set once", async () => {
        const item = itemOf(await deviceCompliance("DES000201"), NTP.tr181);
        return item && item.tries_today >= 1 && item.state !== "pending" ? item : null;
      }, 60_000);
      // Each session reads the value again, which the device has put back before it: Kanri sets it
      // again at most 3 times a day, then leaves it as drift.
      const seen = [];
      let item = null;
      for (let read = 1; read <= 5 && item?.state !== "drift"; read++) {
        const task = await admin.call("POST", `/devices/${devices.DES000201.id}/tasks`, { type: "getParameterValues", names: ["Device.Time."], now: true });
        await until(`read ${read} done`, async () => ["done", "failed"].includes((await admin.call("GET", `/tasks/${task.id}`)).state), 60_000);
        item = await until(`the value after read ${read}`, async () => {
          const i = itemOf(await deviceCompliance("DES000201"), NTP.tr181);
          return i && i.state !== "pending" ? i : null;
        }, 60_000);
        seen.push(`${item.state}/${item.reason}/${item.tries_today}`);
      }
      expect(item.state === "drift", "drift after the device changed the value back: " + seen.join(", "));
      await page.goto(`/devices/${devices.DES000201.id}?tab=compliance`);
      await page.getByRole("tab", { name: "準拠状況" }).click();
      const row = complianceTable("パラメータごとの準拠状況").getByRole("row", { name: /NTPServer1/ });
      await until("drift on the page", async () => (await row.innerText()).includes("不一致"), 20_000);
      const text = await row.innerText();
      const why = text.includes("設定した後に装置が値を戻しました") || text.includes("今日（JST）は 3 回設定し、そのたびに戻されました");
      expect(text.includes("pool.ntp.org") && why && text.includes(`今日の設定 ${item.tries_today}/3 回`), "the drift and why: " + text);
      await shot("dev7-7-drift");
      await logout();
    });
  } finally {
    for (const sim of sims) await sim.stop();
  }
}
