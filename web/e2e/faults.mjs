// DEV-8 in the browser: faults and retry. Three simulated gateways of ACME answer faults on
// purpose (`kanri sim --fault`): the first AddObject of each with 9004 (a passing fault, retried
// automatically), every DeleteObject with 9001 (permanent); an addObject on a table the device
// does not have is answered 9005 (permanent) without any injection. The device's task list shows
// the second attempt waiting for its retry (JST) and why; the faults page groups the devices by
// fault in Japanese and English; a device's task is retried from there, and a whole group after
// a confirmation naming how many devices; the retried tasks run again.
//
// Runs after deviceSteps: the company ACME, its administrator and the profile for the simulated
// gateways (OUI 00D09E, SimGateway, the bootstrap credential) exist. The server retries after
// --task-retry-delay (run.mjs).
import { startSim, switchLanguage, until } from "./kanri.mjs";

const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;

export async function faultSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  let sim = null;
  let admin = null;
  const devices = {};
  const task = (id) => admin.call("GET", `/tasks/${id}`);
  const ended = (id) =>
    until(`task ${id} ended`, async () => {
      const t = await task(id);
      return t.state === "failed" || t.state === "done" ? t : null;
    }, 90_000);
  const english = () => switchLanguage(page, "en");
  const japanese = () => switchLanguage(page, "ja");
  let added = null;
  let deleted = [];

  try {
    await step("DEV-8: three gateways of ACME that answer faults on purpose", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "FLT" });
      admin = await kanri.session("ACME", "taro", adminPassword);
      sim = startSim(kanri, 3, "FLT", { faults: ["AddObject=9004x1", "DeleteObject=9001"] });
      const list = await until("three FLT gateways online", async () => {
        const items = (await admin.call("GET", "/devices?q=FLT")).items.filter((d) => d.serial_number.startsWith("FLT") && d.online);
        return items.length === 3 ? items : null;
      }, 90_000);
      for (const d of list) devices[d.serial_number] = d;
    });

    await step("DEV-8: a passing fault (9004) is retried by itself, the task list saying when (JST) and why; the permanent one (9005) is not", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      const device = devices["FLT000001"];
      await page.goto(`/devices/${device.id}?tab=tasks`);
      await page.getByRole("heading", { name: /FLT000001/ }).waitFor();
      added = await admin.call("POST", `/devices/${device.id}/tasks`, { type: "addObject", object: "Device.NoSuchTable.", now: true });
      // The list polls every 2 s while a task is queued: the second attempt, waiting.
      const row = page.getByRole("row", { name: /オブジェクト追加/ }).first();
      await row.getByText("2 回目").waitFor({ timeout: 30_000 });
      const waiting = await row.innerText();
      expect(/\d\d:\d\d（JST）に再試行します（前回: 9004 装置のリソース不足）/.test(waiting), "the retry's time and why: " + waiting);
      await shot("dev8-1-task-waiting-for-retry");
      const failed = await ended(added.id);
      expect(failed.state === "failed" && failed.fault?.code === 9005 && failed.attempt === 2 && !failed.retry_at, "9005 on the second attempt, no further retry: " + JSON.stringify(failed).slice(0, 400));
      await row.getByText("失敗").waitFor();
      const text = await row.innerText();
      expect(text.includes("9005 パラメータ名が正しくありません") && text.includes("2 回目"), "the permanent fault on the second attempt: " + text);
      added = failed;
    });

    await step("DEV-8: the faults page groups the devices whose latest task failed by fault, in Japanese and English", async () => {
      deleted = await Promise.all(
        ["FLT000002", "FLT000003"].map((serial) =>
          admin.call("POST", `/devices/${devices[serial].id}/tasks`, { type: "deleteObject", object: "Device.NoSuchTable.1.", now: true }),
        ),
      );
      deleted = await Promise.all(deleted.map((t) => ended(t.id)));
      expect(deleted.every((t) => t.state === "failed" && t.fault?.code === 9001 && t.attempt === 1), "9001 is not retried: " + JSON.stringify(deleted).slice(0, 400));
      const groups = (await admin.call("GET", "/faults")).items;
      const g9001 = groups.find((g) => g.fault === "9001");
      expect(g9001?.devices === 2, "two devices under 9001: " + JSON.stringify(groups));

      await nav("障害").click();
      await page.getByRole("heading", { name: "障害", level: 1 }).waitFor();
      const row9001 = page.getByRole("row", { name: /9001/ });
      await row9001.waitFor();
      const text9001 = await row9001.innerText();
      expect(text9001.includes("9001 装置が要求を拒否しました") && text9001.includes("2 台"), "9001 with its meaning and count: " + text9001);
      const row9005 = page.getByRole("row", { name: /9005/ });
      expect((await row9005.innerText()).includes("9005 パラメータ名が正しくありません"), "9005 with its meaning");
      // The group opens: its devices with the task that failed.
      await row9005.getByRole("button", { name: /^装置を表示/ }).click();
      const flt1 = page.getByRole("row", { name: /FLT000001/ });
      await flt1.waitFor();
      const deviceText = await flt1.innerText();
      expect(deviceText.includes("オブジェクト追加"), "the task type: " + deviceText);
      await shot("dev8-2-faults");

      await english();
      await page.getByRole("heading", { name: "Faults", level: 1 }).waitFor();
      const en9001 = await page.getByRole("row", { name: /9001/ }).innerText();
      expect(en9001.includes("2 devices") && !JAPANESE.test(en9001), "the group in English: " + en9001);
      const enDevice = await page.getByRole("row", { name: /FLT000001/ }).innerText();
      expect(enDevice.includes("Add object") && !JAPANESE.test(enDevice), "the device's task in English: " + enDevice);
      await shot("dev8-3-faults-en");
      await japanese();
    });

    await step("DEV-8: a device's task retried from the faults page, then a whole group after a confirmation naming how many devices", async () => {
      const flt1 = page.getByRole("row", { name: /FLT000001/ });
      await flt1.getByRole("button", { name: "FLT000001 のオブジェクト追加を再試行" }).click();
      await page.getByText("FLT000001 のオブジェクト追加を再試行します（接続を要求しました）").waitFor();
      // Queued again as attempt 1, run at once (the device was asked to connect): 9005 again.
      const again = await until("the addObject run again", async () => {
        const t = await task(added.id);
        return t.state === "failed" && t.attempt === 1 && t.finished_at !== added.finished_at ? t : null;
      }, 60_000);
      expect(again.fault?.code === 9005, "the same permanent fault: " + JSON.stringify(again).slice(0, 300));

      const row9001 = page.getByRole("row", { name: /9001/ });
      await row9001.getByRole("button", { name: /^すべて再試行/ }).click();
      const dialog = page.getByRole("dialog", { name: "まとめて再試行" });
      await dialog.waitFor();
      const question = await dialog.innerText();
      expect(question.includes("2 台の装置"), "the confirmation names how many devices: " + question);
      await shot("dev8-4-retry-all-confirm", false);
      await dialog.getByRole("button", { name: "すべて再試行" }).click();
      await page.getByText("2 台の装置のタスクを再試行します（接続を要求しました）").waitFor();
      const rerun = await Promise.all(
        deleted.map((d) =>
          until(`deleteObject ${d.id} run again`, async () => {
            const t = await task(d.id);
            return t.state === "failed" && t.finished_at !== d.finished_at ? t : null;
          }, 60_000),
        ),
      );
      expect(rerun.every((t) => t.fault?.code === 9001), "run again, 9001 again");

      // The retried task in the device's list, the attempt counted from 1 again.
      await page.getByRole("row", { name: /9005/ }).getByRole("button", { name: /^(装置を表示|表示中)/ }).waitFor();
      await page.goto(`/devices/${devices["FLT000001"].id}?tab=tasks`);
      const row = page.getByRole("row", { name: /オブジェクト追加/ }).first();
      await row.waitFor();
      const text = await row.innerText();
      expect(text.includes("9005") && !text.includes("回目"), "the retried task, attempt 1: " + text);
      await shot("dev8-5-retried-task");
      await logout();
    });
  } finally {
    if (sim) await sim.stop();
  }
}
