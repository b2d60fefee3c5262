// DEV-6 in the browser: a firmware campaign. Six simulated gateways of ACME in a static group:
// four of model HG-5, two of which answer every Download with 9003 (a permanent fault: no
// automatic retry delays the test), and two of model HG-9. A simulator image for HG-5 is
// uploaded through the firmware form (its version read from the file's name); a campaign is
// created through the console on the group with waves of 1 device and 100 %, threshold 10 %;
// it pauses at the threshold and says why, goes on when resumed (the wave's failures accepted),
// and finishes; the HG-9 gateways are listed as skipped, 「対象外の機種」; the page in English;
// axe on the list and the campaign's page.
//
// Runs after deviceSteps: the company ACME, its administrator and the profile for the simulated
// gateways (OUI 00D09E, SimGateway, the bootstrap credential) exist. The server ticks campaigns
// every 5 s.
import { checkAxe } from "./axe.mjs";
import { startSim, switchLanguage, until } from "./kanri.mjs";

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;
const FIRMWARE_NAME = "HG-5_v2.0.0.bin";
const CAMPAIGN_NAME = "HG-5 を 2.0.0 に更新";
// AXE_REPORT=1 lists violations without failing (as navigation.mjs).
const axe = (page, name) => checkAxe(page, name, { report: process.env.AXE_REPORT === "1" });

export async function campaignSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  const sims = [];
  let admin = null;
  let group = null;
  let campaignId = null;
  const campaign = () => admin.call("GET", `/campaigns/${campaignId}`);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  try {
    await step("DEV-6: six gateways of ACME in a group: four HG-5 (two refuse the download with 9003), two HG-9", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "CMP" });
      admin = await kanri.session("ACME", "taro", adminPassword);
      // Download=9003@50%: the second and the fourth of the fleet, every time (9003 is never retried).
      sims.push(startSim(kanri, 4, "CMP", { modelName: "HG-5", softwareVersion: "1.0.0", faults: ["Download=9003@50%"] }));
      sims.push(startSim(kanri, 2, "CMP", { firstIndex: 5, modelName: "HG-9", softwareVersion: "1.0.0" }));
      const list = await until("six CMP gateways online with their models", async () => {
        const items = (await admin.call("GET", "/devices?q=CMP&limit=50")).items.filter((d) => d.serial_number.startsWith("CMP") && d.online && d.model);
        return items.length === 6 ? items : null;
      }, 90_000);
      const models = Object.fromEntries(list.map((d) => [d.serial_number, d.model]));
      expect(models["CMP000001"] === "HG-5" && models["CMP000005"] === "HG-9", "the models the gateways report: " + JSON.stringify(models));
      group = await admin.call("POST", "/device-groups", { name: "キャンペーン検証", kind: "static", serials: list.map((d) => d.serial_number) });
    });

    await step("DEV-6: a firmware image uploaded through the console for HG-5, its version read from the file name", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await nav("ファームウェア").click();
      await page.getByRole("heading", { name: "ファームウェア", level: 1 }).waitFor();
      await page.getByRole("button", { name: "アップロード" }).click();
      const dialog = page.getByRole("dialog", { name: "アップロード" });
      await dialog.locator('input[type="file"]').setInputFiles({
        name: FIRMWARE_NAME,
        mimeType: "application/octet-stream",
        buffer: Buffer.from("KANRI-SIM-FIRMWARE version=2.0.0 model=HG-5\n" + "\0".repeat(256)),
      });
      await dialog.getByText("空欄ならファイル名から「2.0.0」と読み取ります").waitFor();
      await dialog.getByLabel(/^対象機種/).fill("HG-5");
      await shot("dev6-1-firmware-upload", false);
      await dialog.getByRole("button", { name: "アップロード" }).click();
      await page.getByText("ファームウェアを登録しました").waitFor();
      const row = page.getByRole("row", { name: new RegExp(FIRMWARE_NAME.replace(/\./g, "\\.")) });
      await row.waitFor();
      const text = await row.innerText();
      expect(text.includes("2.0.0") && text.includes("HG-5"), "the file with its version and what it is for: " + text);
      const file = (await admin.call("GET", "/firmware")).items.find((f) => f.name === FIRMWARE_NAME);
      expect(file?.version === "2.0.0" && JSON.stringify(file.models) === '["HG-5"]', "stored for HG-5, version 2.0.0: " + JSON.stringify(file));
    });

    await step("DEV-6: a campaign created in the console on the group: 1 device, then 100 %, threshold 10 %", async () => {
      await nav("更新キャンペーン").click();
      await page.getByRole("heading", { name: "ファームウェア更新キャンペーン", level: 1 }).waitFor();
      await page.getByRole("button", { name: "キャンペーンを作成" }).click();
      const dialog = page.getByRole("dialog", { name: "キャンペーンを作成" });
      await dialog.getByLabel(/^名前/).fill(CAMPAIGN_NAME);
      const file = (await admin.call("GET", "/firmware")).items.find((f) => f.name === FIRMWARE_NAME);
      await dialog.getByLabel(/^ファームウェア/).selectOption(file.id);
      await dialog.getByLabel(/^対象の装置/).selectOption(`group:${group.id}`);
      // The default waves are 1 device, 10 % and 100 %: the 10 % goes.
      expect((await dialog.getByLabel("段階 1 の台数または割合").inputValue()) === "1", "the first wave is one device");
      await dialog.getByRole("button", { name: "段階 2 を削除" }).click();
      expect((await dialog.getByLabel("段階 2 の台数または割合").inputValue()) === "100", "then the rest");
      expect((await dialog.getByLabel(/^失敗率のしきい値/).inputValue()) === "10", "threshold 10 %");
      await shot("dev6-2-campaign-create", false);
      await dialog.getByRole("button", { name: "開始" }).click();
      await page.getByRole("heading", { name: CAMPAIGN_NAME, level: 1 }).waitFor();
      campaignId = new URL(page.url()).pathname.split("/").pop();
      const c = await campaign();
      expect(c.name === CAMPAIGN_NAME && c.waves.length === 2 && c.failure_threshold_percent === 10, "created as asked: " + JSON.stringify(c).slice(0, 400));
      expect(c.counts.total === 6 && c.counts.skipped === 2, "six devices, the two HG-9 skipped: " + JSON.stringify(c.counts));
    });

    await step("DEV-6: the campaign pauses at its threshold and says why; resumed (the wave's failures accepted) it finishes", async () => {
      let pauses = 0;
      const deadline = Date.now() + 180_000;
      for (;;) {
        const c = await campaign();
        if (c.state === "finished") break;
        expect(c.state !== "cancelled", "not cancelled");
        if (c.state === "paused") {
          if (pauses === 0) expect(c.pause_reason === "failure_threshold", "paused at the threshold first: " + c.pause_reason);
          // The page polls every 3 s: the state and why, in words.
          const reason = page.getByTestId("pause-reason");
          await reason.waitFor({ timeout: 15_000 });
          const text = await reason.innerText();
          expect(text.includes("しきい値（10 %）") || text.includes("次の段階へ進むのに必要な台数"), "why it paused: " + text);
          const badge = await page.getByTestId("campaign-state").innerText();
          expect(badge.includes("一時停止中"), "the state: " + badge);
          if (pauses === 0) await shot("dev6-3-campaign-paused");
          pauses++;
          await page.getByRole("button", { name: "再開" }).click();
          const dialog = page.getByRole("dialog", { name: "キャンペーンを再開" });
          const question = await dialog.innerText();
          expect(question.includes("受け入れたものとして"), "resuming accepts the wave's failures: " + question);
          await dialog.getByRole("button", { name: "再開" }).click();
          await page.getByText("キャンペーンを再開しました").first().waitFor();
          await reason.waitFor({ state: "detached" });
        }
        if (Date.now() > deadline) throw new Error("the campaign did not finish: " + JSON.stringify(c).slice(0, 600));
        await sleep(1000);
      }
      expect(pauses >= 1, "paused at least once");
      const done = await campaign();
      expect(done.counts.done === 2 && done.counts.failed === 2 && done.counts.skipped === 2, "2 done, 2 failed, 2 skipped: " + JSON.stringify(done.counts));
      expect(done.failure_reasons["9003"] === 2 && done.skipped_reasons["other_model"] === 2, "the reasons: " + JSON.stringify([done.failure_reasons, done.skipped_reasons]));
      // The page follows by itself (it polls until the campaign ends).
      await page.getByTestId("campaign-state").filter({ hasText: /^完了$/ }).waitFor({ timeout: 15_000 });
      const failures = await page.getByRole("list", { name: "失敗の理由" }).innerText();
      expect(failures.includes("9003 引数が正しくありません"), "the failures' reason in words: " + failures);
      const chart = await page.getByRole("list", { name: "段階ごとの進捗" }).innerText();
      expect(/段階 1（1 台）/.test(chart) && /段階 2（3 台）/.test(chart) && chart.includes("（JST）"), "a bar per wave with its numbers and times: " + chart);
      await shot("dev6-4-campaign-finished");
      // The devices really run the new version (done) or the old one (failed).
      const devices = (await admin.call("GET", "/devices?q=CMP&limit=50")).items;
      const versions = devices.map((d) => d.software_version).sort();
      expect(versions.filter((v) => v === "2.0.0").length === 2, "two gateways on 2.0.0: " + JSON.stringify(versions));
    });

    await step("DEV-6: the HG-9 gateways are listed as skipped, 「対象外の機種」, the filter kept in the URL", async () => {
      await page.getByLabel("状態", { exact: true }).selectOption("skipped");
      await page.waitForURL(/state=skipped/);
      for (const serial of ["CMP000005", "CMP000006"]) {
        const row = page.getByRole("row", { name: new RegExp(serial) });
        await row.waitFor();
        const text = await row.innerText();
        expect(text.includes("HG-9") && text.includes("対象外の機種"), `${serial} skipped for its model: ${text}`);
      }
      expect((await page.getByRole("row", { name: /CMP00000[1-4]/ }).count()) === 0, "only the skipped devices");
      const skipped = await page.getByRole("list", { name: "対象外とした理由" }).innerText();
      expect(skipped.includes("対象外の機種") && skipped.includes("2 台"), "why devices were skipped: " + skipped);
      // Reloaded, the filter stays; a device leads to its page.
      await page.reload();
      await page.getByRole("row", { name: /CMP000005/ }).waitFor();
      expect((await page.getByLabel("状態", { exact: true }).inputValue()) === "skipped", "the state filter after a reload");
      await shot("dev6-5-campaign-skipped");
      await axe(page, "/campaigns/{id}");
      await page.getByRole("link", { name: "CMP000005", exact: true }).click();
      await page.getByRole("heading", { name: /CMP000005/ }).waitFor();
      await page.goBack();
      await page.getByRole("row", { name: /CMP000005/ }).waitFor();
    });

    await step("DEV-6: the campaigns list and the campaign in English", async () => {
      await nav("更新キャンペーン").click();
      const row = page.getByRole("row", { name: new RegExp(CAMPAIGN_NAME) });
      await row.waitFor();
      const text = await row.innerText();
      expect(text.includes("完了") && text.includes(`${FIRMWARE_NAME} (2.0.0)`) && text.includes("2 / 2"), "the list: " + text);
      await axe(page, "/campaigns");
      await switchLanguage(page, "en");
      await page.getByRole("heading", { name: "Firmware campaigns", level: 1 }).waitFor();
      await row.getByRole("link", { name: CAMPAIGN_NAME }).click();
      await page.getByRole("heading", { name: CAMPAIGN_NAME, level: 1 }).waitFor();
      await page.getByRole("list", { name: "Why devices failed" }).waitFor();
      const failures = await page.getByRole("list", { name: "Why devices failed" }).innerText();
      expect(failures.includes("9003") && !JAPANESE.test(failures), "the failures in English: " + failures);
      await page.getByLabel("State", { exact: true }).selectOption("skipped");
      const skipped = await page.getByRole("row", { name: /CMP000006/ }).innerText();
      expect(skipped.includes("Another model") && !JAPANESE.test(skipped), "skipped in English: " + skipped);
      await shot("dev6-6-campaign-en");
      await axe(page, "/campaigns/{id} (en)");
      await switchLanguage(page, "ja");
      await logout();
    });
  } finally {
    for (const sim of sims) await sim.stop();
  }
}
