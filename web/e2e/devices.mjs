// Device steps of the browser tests: a profile (仕向け) made in the console, a `kanri sim`
// fleet (allocated to the company beforehand, see allocations.mjs) that onboards through it,
// the inventory, a parameter change, a redacted secret, a reboot watched to the end, the
// device CSV export, what a read-only role sees, and a device no company has: refused as
// unallocated, allocated from the refused list, and attached at its next contact.
import { readFileSync } from "node:fs";
import { BOOT_PASSWORD, BOOT_USER, startSim, until } from "./kanri.mjs";

export async function deviceSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  let sim = null;
  let stray = null;
  try {
    await step("a profile (仕向け) is created in the console, beside the company's allocations", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await nav("仕向け").click();
      // The provider's allocation (allocations.mjs), read-only for the company.
      const allocations = page.getByRole("region", { name: "この会社に割り当てられた装置" });
      await allocations.getByRole("row", { name: /SIM000001–SIM000003/ }).waitFor();
      expect((await allocations.getByRole("button", { name: /削除/ }).count()) === 0, "no deletion for the company");
      await page.getByRole("button", { name: "仕向けを作成" }).click();
      const d = page.getByRole("dialog");
      await d.getByLabel("名前").fill("シミュレーター（本社）");
      await d.getByLabel("OUI").fill("00D09E");
      await d.getByLabel("製品クラス").fill("SimGateway");
      await d.getByLabel("定期通知間隔（秒）").fill("3600");
      // "None" is a lab setting the provider has not allowed ACME: warned, then refused on the field.
      await d.getByLabel("装置認証", { exact: true }).selectOption("none");
      await d.getByText("「認証なし」は検証用です").waitFor();
      await d.getByRole("button", { name: "作成" }).click();
      await d.getByText("この会社では「認証なし」の仕向けは使えません").waitFor();
      await shot("20a-profile-none-refused");
      await d.getByLabel("装置認証", { exact: true }).selectOption("rotate");
      await d.getByLabel("ユーザー名").fill(BOOT_USER);
      await d.getByLabel("パスワード").fill(BOOT_PASSWORD);
      await d.getByLabel(/初期設定パラメータ/).fill("Device.Time.NTPServer1=ntp.acme.example");
      await d.getByRole("button", { name: "作成" }).click();
      await page.getByText("シミュレーター（本社）", { exact: true }).waitFor();
      await shot("20-profiles");
    });

    await step("simulated devices appear in the inventory by themselves", async () => {
      sim = startSim(kanri, 3);
      await nav("装置").click();
      await until("three devices in the list", async () => {
        await page.getByRole("button", { name: "検索" }).click();
        await page.waitForLoadState("networkidle");
        return (await page.getByRole("link", { name: /^SIM00000[1-3]$/ }).count()) === 3;
      });
      // Their first-contact tasks (credential rotation, profile parameters) settle quickly.
      await until("online devices", async () => {
        await page.reload();
        await page.getByRole("link", { name: "SIM000001" }).waitFor();
        return (await page.getByText("オンライン", { exact: true }).count()) >= 3;
      });
      await shot("21-devices");
      await nav("ダッシュボード").click();
      await until("the dashboard counts three online", async () => (await page.locator(".stat-value.success").innerText()) === "3");
      await shot("22-dashboard-devices");
    });

    await step("device detail: summary, parameter tree, and a parameter change as a task", async () => {
      await nav("装置").click();
      await page.getByRole("link", { name: "SIM000001" }).click();
      await page.getByRole("heading", { name: /SIM000001/ }).waitFor();
      await shot("23-device-summary");
      await page.getByRole("tab", { name: "パラメータ" }).click();
      await page.getByLabel("パラメータ名・値で絞り込み").fill("NTPServer1");
      const row = page.getByRole("row", { name: /Device\.Time\.NTPServer1/ });
      await row.waitFor();
      expect((await row.innerText()).includes("ntp.acme.example"), "the profile's parameter applied on first contact");
      // A secret (the Wi-Fi passphrase) is never stored: shown as such, without a value.
      await page.getByLabel("パラメータ名・値で絞り込み").fill("AccessPoint.1.Security.KeyPassphrase");
      const secret = page.getByRole("row", { name: /KeyPassphrase/ });
      await secret.waitFor();
      const secretText = await secret.innerText();
      expect(secretText.includes("秘匿") && !secretText.includes("kanri-sim-"), "the passphrase redacted: " + secretText);
      await shot("24a-device-parameter-redacted", false);
      await page.getByLabel("パラメータ名・値で絞り込み").fill("");
      await page.getByRole("treeitem", { name: "DeviceInfo" }).first().locator(".tree-item").first().click();
      await page.getByRole("cell", { name: "SerialNumber" }).waitFor();
      await shot("24-device-parameters");
      await page.getByLabel("パラメータ名・値で絞り込み").fill("NTPServer1");
      await row.getByRole("button", { name: /値を変更/ }).click();
      await page.getByRole("dialog").getByLabel("新しい値").fill("ntp2.acme.example");
      await page.getByRole("dialog").getByRole("button", { name: "保存" }).click();
      await page.getByRole("tab", { name: "タスク", selected: true }).waitFor();
      const task = page.getByRole("row", { name: /パラメータ設定/ }).first();
      await until("the set task done", async () => (await task.innerText()).includes("完了"), 30_000);
    });

    await step("reboot with confirmation, and watch the task finish", async () => {
      await page.getByRole("button", { name: "再起動" }).first().click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText("1 台の装置を再起動します").waitFor();
      await dialog.getByRole("button", { name: "再起動" }).click();
      await page.getByRole("tab", { name: "タスク", selected: true }).waitFor();
      const reboot = page.getByRole("row", { name: /再起動/ }).first();
      await reboot.waitFor();
      const states = new Set();
      await until("the reboot task done", async () => {
        const text = await reboot.innerText();
        for (const s of ["待機中", "実行中", "完了", "失敗"]) if (text.includes(s)) states.add(s);
        return text.includes("完了") || text.includes("失敗");
      }, 45_000);
      expect(!states.has("失敗"), "reboot succeeded: " + [...states].join(","));
      await shot("25-device-tasks");
      await page.getByRole("tab", { name: "概要" }).click();
      await until("the boot event", async () => {
        await page.reload();
        await page.getByRole("tab", { name: "概要" }).waitFor();
        return (await page.locator(".kv").innerText()).includes("M Reboot");
      }, 20_000);
    });

    await step("device CSV export and bulk selection", async () => {
      await nav("装置").click();
      await page.getByRole("link", { name: "SIM000002" }).waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "CSV エクスポート" }).click()]);
      const csv = readFileSync(await download.path(), "utf8");
      expect(csv.startsWith("\uFEFF") && csv.includes("SIM000001") && csv.includes("SIM000003"), "the devices in the CSV");
      await page.getByLabel("SIM000002").check();
      await page.getByLabel("SIM000003").check();
      await page.getByText("2 件選択中").waitFor();
      await shot("26-devices-selected");
      await page.getByRole("region", { name: "選択した装置に" }).getByRole("button", { name: "再起動" }).click();
      await page.getByRole("dialog").getByText("2 台の装置を再起動します").waitFor();
      await page.getByRole("dialog").getByRole("button", { name: "キャンセル" }).click();
      await logout();
    });

    await step("a read-only role sees devices but no operations", async () => {
      await login("ACME", "sato", "Sato-viewer-Passw0rd!");
      await nav("装置").click();
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      expect((await page.getByRole("checkbox").count()) === 0, "no selection without operation permissions");
      await page.getByRole("link", { name: "SIM000001" }).click();
      await page.getByRole("heading", { name: /SIM000001/ }).waitFor();
      expect((await page.getByRole("button", { name: "再起動" }).count()) === 0, "no reboot button");
      expect((await page.getByRole("button", { name: "工場出荷時に戻す" }).count()) === 0, "no factory reset button");
      await logout();
    });

    await step("a device no company has is refused as unallocated; allocated from the refused list, it joins at its next contact", async () => {
      stray = startSim(kanri, 1, "NEW");
      await login("", "root", rootPassword);
      await nav("拒否された装置").click();
      const row = page.getByRole("row", { name: /NEW000001/ });
      await until("the refused device listed", async () => {
        await page.reload();
        await page.getByRole("heading", { name: "拒否された装置" }).waitFor();
        await page.waitForLoadState("networkidle");
        return (await row.count()) === 1;
      }, 30_000);
      expect((await row.innerText()).includes("未割り当て"), "reason unallocated: " + (await row.innerText()));
      await shot("27-refused-unallocated");
      await row.getByRole("button", { name: /割り当てる/ }).click();
      const d = page.getByRole("dialog");
      await d.getByText("装置 NEW000001 を会社に割り当てる").waitFor();
      await d.getByLabel(/^会社\*?$/).selectOption({ label: "ACME — アクメ通信株式会社" });
      await d.getByRole("button", { name: "割り当てる" }).click();
      await page.getByText("装置 NEW000001 を ACME に割り当てました。次に装置が接続（Inform）したときに").waitFor();
      await row.getByText("割り当て済み").waitFor();
      await shot("28-refused-allocated");
      await logout();

      await login("ACME", "taro", adminPassword);
      await nav("装置").click();
      // The device retries (TR-069 back-off); its next Inform attaches it through ACME's profile.
      await until("the allocated device in ACME's list", async () => {
        await page.getByRole("button", { name: "検索" }).click();
        await page.waitForLoadState("networkidle");
        return (await page.getByRole("link", { name: "NEW000001" }).count()) === 1;
      }, 150_000);
      await shot("29-devices-after-allocation");
      await logout();
    });
  } finally {
    if (sim) await sim.stop();
    if (stray) await stray.stop();
  }
}
