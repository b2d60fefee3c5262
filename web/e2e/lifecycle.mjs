// Issue 18, a device's lifecycle in the console: a factory reset needs its own permission (an
// operator without it does not see it) and the serial number (or the number of devices) typed;
// a task created with "now" shows what the connection request gave, and one that did not reach
// the device says it waits for the next periodic connection until its expiry (JST), and runs when
// the device connects; a group's job has its own page (per-device outcome, cancel) and stays in
// the job list; a deleted device that connects again is registered as new, a retired one is
// refused, and the company sees its refused devices with what to do (Japanese and English).
//
// Runs after deviceSteps: the company ACME, its administrator and the profile for the simulated
// gateways (OUI 00D09E, SimGateway, the bootstrap credential) exist.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkAxe } from "./axe.mjs";
import { startSim, until } from "./kanri.mjs";

const OPERATOR_PASSWORD = "Kato-Operator-Passw0rd!";
// AXE_REPORT=1 lists violations without failing (as navigation.mjs).
const axe = (page, name) => checkAxe(page, name, { report: process.env.AXE_REPORT === "1" });

export async function lifecycleSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  // The simulated gateways keep their parameters (their rotated credential) across restarts here.
  const stateDir = mkdtempSync(join(tmpdir(), "kanri-e2e-lifecycle-"));
  let sim = null;
  let wrong = null;
  let admin = null;
  const startFleet = () => {
    sim = startSim(kanri, 2, "LIF", { stateDir });
  };
  const stopFleet = async () => {
    if (sim) await sim.stop();
    sim = null;
  };
  const lifDevices = async () => (await admin.call("GET", "/devices?q=LIF")).items.filter((d) => d.serial_number.startsWith("LIF"));
  const openDevice = async (serial) => {
    await nav("装置").click();
    await page.getByLabel("検索", { exact: true }).fill(serial);
    await page.getByRole("button", { name: "検索" }).click();
    await page.getByRole("link", { name: serial, exact: true }).click();
    await page.getByRole("heading", { name: new RegExp(serial) }).waitFor();
  };
  const taskRow = (name) => page.getByRole("row", { name }).first();
  // The JST date of a time `ms` from now, as the console writes it (YYYY-MM-DD).
  const jstDate = (ms) => new Date(Date.now() + ms + 9 * 3600_000).toISOString().slice(0, 10);

  try {
    await step("lifecycle: two gateways of ACME onboard, and an operator account (the built-in role)", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "LIF" });
      admin = await kanri.session("ACME", "taro", adminPassword);
      startFleet();
      // Onboarded and their credential rotated (the new credential is what they keep across restarts).
      await until("two rotated LIF gateways", async () => {
        const list = await lifDevices();
        return list.length === 2 && list.every((d) => d.online && d.credential_state === "rotated");
      }, 90_000);
      // An operator: the built-in role reboots and updates firmware, and has no factory reset.
      await admin.call("POST", "/accounts", {
        login: "kudo",
        name: "工藤 健",
        email: "kudo@acme.example",
        kind: "general",
        password: "Initial-" + OPERATOR_PASSWORD,
        roles: ["builtin.operator"],
      });
      const kato = await kanri.session("ACME", "kudo", "Initial-" + OPERATOR_PASSWORD);
      await kato.call("PUT", "/session/password", { current: "Initial-" + OPERATOR_PASSWORD, new: OPERATOR_PASSWORD });
    });

    await step("lifecycle: an operator without devices.factory_reset sees no factory reset, and the API refuses it", async () => {
      const kato = await kanri.session("ACME", "kudo", OPERATOR_PASSWORD);
      const device = (await lifDevices()).find((d) => d.serial_number === "LIF000001");
      let refused = "";
      await kato.call("POST", `/devices/${device.id}/tasks`, { type: "factoryReset", now: false }).catch((e) => (refused = e.message));
      expect(/ -> 403 /.test(refused), "factoryReset refused to the operator: " + refused);
      await login("ACME", "kudo", OPERATOR_PASSWORD);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await openDevice("LIF000001");
      await page.getByRole("button", { name: "再起動" }).first().waitFor();
      expect((await page.getByRole("button", { name: "工場出荷時に戻す" }).count()) === 0, "no factory reset on the device's page");
      await shot("70-operator-no-factory-reset", false);
      await nav("装置").click();
      await page.getByLabel("検索", { exact: true }).fill("LIF");
      await page.getByRole("button", { name: "検索" }).click();
      await page.getByLabel("LIF000001").check();
      const bar = page.getByRole("region", { name: "選択した装置に" });
      await bar.getByRole("button", { name: "再起動" }).waitFor();
      expect((await bar.getByRole("button", { name: "工場出荷時に戻す" }).count()) === 0, "no factory reset for a selection");
      await logout();
    });

    await step("lifecycle: a factory reset is sent only once the administrator types the serial number (or the count)", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await openDevice("LIF000001");
      await page.getByRole("button", { name: "工場出荷時に戻す" }).click();
      const d = page.getByRole("dialog");
      await d.getByText("1 台の装置を工場出荷時の状態に戻します").waitFor();
      const submit = d.getByRole("button", { name: "工場出荷時に戻す" });
      const typed = d.getByLabel(/シリアル番号「LIF000001」を入力/);
      expect(await submit.isDisabled(), "disabled before anything is typed");
      await typed.fill("LIF000002");
      expect(await submit.isDisabled(), "disabled for another serial number");
      // Typed with a Japanese IME (full-width) counts.
      await typed.fill("ＬＩＦ０００００１");
      expect(await submit.isEnabled(), "enabled once the serial number is typed");
      expect((await submit.getAttribute("class")).includes("btn-danger"), "the destructive style");
      await shot("71-factory-reset-typed", false);
      await axe(page, "factory reset dialog");
      // Queued without asking the device now, then cancelled before it runs.
      await d.getByLabel("すぐに実行（接続要求を送る）").uncheck();
      await submit.click();
      await page.getByRole("tab", { name: "タスク", selected: true }).waitFor();
      const reset = taskRow(/工場出荷時に戻す/);
      await reset.waitFor();
      const text = await reset.innerText();
      expect(text.includes("送っていません") && text.includes(`次回の定期接続を待っています（期限 ${jstDate(7 * 86400_000)}`), "not asked, waits until the expiry in 7 days (JST): " + text);
      await reset.getByRole("button", { name: "取り消す" }).click();
      await until("the reset cancelled", async () => (await reset.innerText()).includes("取消"), 10_000);
      // Several devices: the number of devices is typed.
      await nav("装置").click();
      await page.getByLabel("検索", { exact: true }).fill("LIF");
      await page.getByRole("button", { name: "検索" }).click();
      await page.getByLabel("LIF000001").check();
      await page.getByLabel("LIF000002").check();
      await page.getByRole("region", { name: "選択した装置に" }).getByRole("button", { name: "工場出荷時に戻す" }).click();
      const many = page.getByRole("dialog");
      const count = many.getByLabel(/対象の装置の台数「2」を数字で入力/);
      await count.waitFor();
      expect(await many.getByRole("button", { name: "工場出荷時に戻す" }).isDisabled(), "disabled before the count is typed");
      await count.fill("2");
      expect(await many.getByRole("button", { name: "工場出荷時に戻す" }).isEnabled(), "enabled with the count");
      await many.getByRole("button", { name: "キャンセル" }).click();
    });

    await step("lifecycle: a task created with now shows the connection request's outcome (delivered)", async () => {
      await openDevice("LIF000001");
      await page.getByRole("button", { name: "再起動" }).first().click();
      await page.getByRole("dialog").getByRole("button", { name: "再起動" }).click();
      await page.getByRole("tab", { name: "タスク", selected: true }).waitFor();
      const reboot = taskRow(/再起動/);
      await until("the reboot delivered and done", async () => {
        const text = await reboot.innerText();
        return text.includes("届いた") && text.includes("完了");
      }, 45_000);
    });

    await step("lifecycle: a device not reached: the task waits for its next periodic connection until the expiry (JST), and runs when it connects", async () => {
      await stopFleet();
      await page.getByRole("button", { name: "再起動" }).first().click();
      await page.getByRole("dialog").getByRole("button", { name: "再起動" }).click();
      const result = page.getByRole("dialog", { name: "タスクを登録しました" });
      await result.waitFor({ timeout: 30_000 });
      const said = await result.getByTestId("wakeup-summary").innerText();
      expect(said.includes("接続要求は装置に届きませんでした") && said.includes("次回の定期接続を待って実行されます") && said.includes(`期限は ${jstDate(7 * 86400_000)}`), "the wait and the expiry said: " + said);
      await shot("72-wakeup-not-delivered", false);
      await result.locator(".dialog-footer").getByRole("button", { name: "閉じる" }).click();
      await page.getByRole("tab", { name: "タスク", selected: true }).waitFor();
      const waiting = taskRow(/再起動.*待機中/);
      await waiting.waitFor();
      expect((await waiting.innerText()).includes("次回の定期接続を待っています（期限"), "the task list says it waits: " + (await waiting.innerText()));
      await shot("73-task-waiting");
      // The device connects again (its boot): the waiting task runs.
      startFleet();
      await until("the waiting reboot done after the device connected", async () => {
        const rows = await page.getByRole("row", { name: /再起動/ }).allInnerTexts();
        return rows.length >= 2 && !rows.some((r) => r.includes("待機中") || r.includes("実行中"));
      }, 60_000);
    });

    await step("lifecycle: a group's job opens its page with each device's outcome, is cancelled there, and stays in the job list", async () => {
      const ids = (await lifDevices()).map((d) => d.id);
      await admin.call("POST", "/device-groups", { name: "LIF 検証", kind: "static", device_ids: ids });
      await stopFleet();
      await nav("装置グループ").click();
      // Made through the API: read again, not from the cache.
      await page.reload();
      await page.getByRole("row", { name: /LIF 検証/ }).getByRole("button", { name: "一括操作" }).click();
      const d = page.getByRole("dialog");
      await d.getByLabel("種類").selectOption("reboot");
      await d.getByRole("button", { name: "再起動" }).click();
      await page.getByRole("heading", { name: "ジョブ: 再起動" }).waitFor();
      expect(/\/jobs\/[^/]+$/.test(page.url()), "on the job's page: " + page.url());
      await page.getByRole("progressbar").first().waitFor();
      for (const serial of ["LIF000001", "LIF000002"]) await page.getByRole("link", { name: serial }).waitFor();
      // The connection requests go out in the background; neither gateway is listening.
      await page.getByText(/2 台には接続要求が届かなかったため/).waitFor({ timeout: 30_000 });
      await shot("74-job-detail");
      await axe(page, "/jobs/{id}");
      await page.getByRole("button", { name: "未実行のタスクを取り消す" }).click();
      const confirm = page.getByRole("dialog");
      await confirm.getByText("まだ始まっていない 2 台分のタスクを取り消します").waitFor();
      await confirm.getByRole("button", { name: "未実行のタスクを取り消す" }).click();
      await page.getByText("未実行のタスクを取り消しました").waitFor();
      await until("both tasks cancelled", async () => (await page.getByRole("row", { name: /LIF00000[12].*取消/ }).count()) === 2, 10_000);
      expect((await page.getByRole("button", { name: "未実行のタスクを取り消す" }).count()) === 0, "nothing left to cancel");
      await nav("ジョブ").click();
      await page.getByRole("heading", { name: "ジョブ" }).waitFor();
      const row = page.getByRole("row", { name: /グループ「LIF 検証」/ });
      await row.waitFor();
      expect((await row.innerText()).includes("取消"), "the job's outcome in the list: " + (await row.innerText()));
      // The job of the device list's "select all N matching" (devices.mjs) is listed too, with the
      // filter it ran on; its page shows each condition and opens the list on it.
      const filtered = page.getByRole("row", { name: /一覧の絞り込み（検索: BLK）/ });
      expect((await filtered.count()) === 1, "the list's job is listed with its filter");
      await shot("75-jobs");
      await axe(page, "/jobs");
      await filtered.getByRole("link").first().click();
      const conditions = page.getByTestId("job-filter");
      await conditions.getByRole("listitem").filter({ hasText: "検索: BLK" }).waitFor();
      await shot("75b-job-filter");
      await axe(page, "/jobs/{id} (filter)");
      await conditions.getByRole("link", { name: "今この条件に一致する装置を一覧で見る" }).click();
      await page.waitForURL(/\/devices\?q=BLK$/);
      await nav("ジョブ").click();
      await page.getByRole("heading", { name: "ジョブ" }).waitFor();
      startFleet();
      await until("the gateways online again", async () => (await lifDevices()).every((x) => x.online), 30_000);
    });

    await step("lifecycle: a deleted device that connects again is registered as new", async () => {
      await openDevice("LIF000001");
      const before = (await lifDevices()).find((x) => x.serial_number === "LIF000001");
      await page.getByRole("button", { name: "削除", exact: true }).click();
      const d = page.getByRole("dialog", { name: "装置を削除" });
      const text = await d.innerText();
      expect(text.includes("新しい装置として登録されます") && text.includes("暗号化して保管します") && text.includes("「撤去」"), "the deletion's confirmation: " + text);
      await shot("76-delete-confirm", false);
      await d.getByRole("button", { name: "削除" }).click();
      await page.getByText("装置を削除しました").waitFor();
      await stopFleet();
      startFleet();
      const again = await until("LIF000001 registered again", async () => (await lifDevices()).find((x) => x.serial_number === "LIF000001"), 60_000);
      expect(again.id !== before.id, "a new device");
      await nav("装置").click();
      await page.getByLabel("検索", { exact: true }).fill("LIF000001");
      await page.getByRole("button", { name: "検索" }).click();
      await page.getByRole("link", { name: "LIF000001", exact: true }).waitFor();
    });

    await step("lifecycle: a retired device that connects again is refused, and the company sees why and what to do (ja, en)", async () => {
      await openDevice("LIF000002");
      await page.getByRole("button", { name: "撤去", exact: true }).click();
      const d = page.getByRole("dialog", { name: "装置を撤去" });
      const text = await d.innerText();
      expect(text.includes("認証情報を無効にします") && text.includes("工場出荷時の状態に戻してください"), "the retirement's confirmation: " + text);
      await shot("77-retire-confirm", false);
      await d.getByRole("button", { name: "撤去" }).click();
      await page.getByText("装置を撤去しました").waitFor();
      // A gateway of ACME's allocation with a wrong bootstrap password.
      wrong = startSim(kanri, 1, "LIF", { firstIndex: 3, password: "Not-the-bootstrap-secret-1" });
      await stopFleet();
      startFleet();
      await nav("接続を拒否した装置").click();
      await page.getByRole("heading", { name: "接続を拒否した装置" }).waitFor();
      const retired = page.getByRole("row", { name: /LIF000002/ });
      const bad = page.getByRole("row", { name: /LIF000003/ });
      await until("both refusals listed", async () => {
        await page.reload();
        await page.getByRole("heading", { name: "接続を拒否した装置" }).waitFor();
        await page.waitForLoadState("networkidle");
        return (await retired.count()) === 1 && (await bad.count()) === 1;
      }, 60_000);
      const r = await retired.innerText();
      expect(r.includes("撤去済み") && r.includes("工場出荷時の状態に戻してください"), "retired, and what to do: " + r);
      const b = await bad.innerText();
      expect(b.includes("認証情報の誤り") && b.includes("初期認証情報"), "a wrong credential, and what to do: " + b);
      await bad.getByRole("link", { name: "仕向けを開く" }).waitFor();
      expect((await lifDevices()).every((x) => x.serial_number !== "LIF000002"), "the retired device is not registered again");
      await shot("78-own-refused");
      await axe(page, "/devices/refused");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Refused connections" }).waitFor();
      const en = await page.getByRole("row", { name: /LIF000002/ }).innerText();
      expect(en.includes("Retired") && en.includes("reset it to factory settings on site"), "in English: " + en);
      await shot("79-own-refused-english");
      await axe(page, "/devices/refused");
      await page.getByRole("button", { name: "日本語" }).click();
      await page.getByRole("heading", { name: "接続を拒否した装置" }).waitFor();
      await logout();
    });
  } finally {
    await stopFleet();
    if (wrong) await wrong.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
