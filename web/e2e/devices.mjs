// Device steps of the browser tests: a profile (仕向け) made in the console, a `kanri sim`
// fleet (allocated to the company beforehand, see allocations.mjs) that onboards through it,
// the inventory, a parameter change, a redacted secret, a reboot watched to the end, the
// device CSV export, what a read-only role sees, and a device no company has: refused as
// unallocated, allocated from the refused list, and attached at its next contact. Issue 18: a
// value checked against the parameter's type in the form, a name and a note, the list's total
// and its search by WAN address, "select all N matching" over pages with a job and "add to
// group", groups by serial number, and the CSV's headers in each language.
import { readFileSync } from "node:fs";
import { BOOT_PASSWORD, BOOT_USER, startSim, until } from "./kanri.mjs";

export async function deviceSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  let sim = null;
  let stray = null;
  let bulk = null;
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
      await d.getByLabel(/あるべき設定のパラメータ/).fill("Device.Time.NTPServer1=ntp.acme.example");
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

    await step("a value that does not fit the type the device reported is caught in the form (DEV-3)", async () => {
      const taskRows = async () => {
        await page.getByRole("tab", { name: "タスク" }).click();
        await page.getByRole("row", { name: /パラメータ設定/ }).first().waitFor();
        return page.locator("tbody tr").count();
      };
      const tasksBefore = await taskRows();
      await page.getByRole("tab", { name: "パラメータ" }).click();
      await page.getByLabel("パラメータ名・値で絞り込み").fill("PeriodicInformInterval");
      const row = page.getByRole("row", { name: /ManagementServer\.PeriodicInformInterval/ });
      await row.getByRole("button", { name: /値を変更/ }).click();
      const d = page.getByRole("dialog");
      await d.getByLabel("新しい値").fill("abc");
      await d.getByRole("button", { name: "保存" }).click();
      await d.getByText("0 以上の整数を入力してください").waitFor();
      expect((await d.getByLabel("新しい値").getAttribute("aria-invalid")) === "true", "the field is marked invalid");
      await shot("24b-device-value-refused", false);
      await d.getByLabel("新しい値").fill("-5");
      await d.getByRole("button", { name: "保存" }).click();
      await d.getByText("0 以上の整数を入力してください").waitFor();
      await d.getByRole("button", { name: "キャンセル" }).click();
      expect((await taskRows()) === tasksBefore, "nothing was queued");
    });

    await step("a device's name and note: set on its page, shown and searched in the list", async () => {
      await page.getByRole("tab", { name: "概要" }).click();
      const card = page.getByRole("region", { name: "名前とメモ" }).or(page.locator(".card", { hasText: "名前とメモ" })).first();
      await card.getByLabel("名前").fill("本社 3F ルーター");
      await card.getByLabel("メモ").fill("受付の棚の上。電源は赤いタップ");
      await card.getByRole("button", { name: "保存" }).click();
      await page.getByText("名前とメモを保存しました").waitFor();
      await page.getByRole("heading", { name: /本社 3F ルーター · SIM000001/ }).waitFor();
      await shot("24c-device-name-note");
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
      await page.getByText("該当 3 台中 3 台を表示").waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "CSV エクスポート" }).click()]);
      const csv = readFileSync(await download.path(), "utf8");
      expect(csv.startsWith("\uFEFF") && csv.includes("SIM000001") && csv.includes("SIM000003"), "the devices in the CSV");
      // Issue 18: Japanese headers on the Japanese console, with the name and note.
      expect(/^\uFEFF"シリアル番号","名前"/.test(csv), "Japanese headers: " + csv.slice(0, 40));
      expect(csv.includes("本社 3F ルーター") && csv.includes("電源は赤いタップ"), "the name and note in the CSV");
      await page.getByLabel("SIM000002").check();
      await page.getByLabel("SIM000003").check();
      await page.getByText("2 件選択中").waitFor();
      await shot("26-devices-selected");
      await page.getByRole("region", { name: "選択した装置に" }).getByRole("button", { name: "再起動" }).click();
      await page.getByRole("dialog").getByText("2 台の装置を再起動します").waitFor();
      await page.getByRole("dialog").getByRole("button", { name: "キャンセル" }).click();
      await logout();
    });

    await step("the list finds a device by its name, note, WAN IP and MAC address", async () => {
      await login("ACME", "taro", adminPassword);
      await nav("装置").click();
      const search = async (q) => {
        await page.getByLabel("検索", { exact: true }).fill(q);
        await page.getByRole("button", { name: "検索" }).click();
        await page.getByText("該当 1 台中 1 台を表示").waitFor();
      };
      await search("本社");
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      await page.getByText("本社 3F ルーター").waitFor();
      await shot("26a-devices-search-name");
      await search("赤いタップ");
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      // The WAN addresses as the device reported them (its summary), searched as typed.
      await page.getByRole("link", { name: "SIM000001" }).click();
      const kv = await page.locator(".kv").innerText();
      const wanIp = /WAN IP\s+(\S+)/.exec(kv)?.[1] ?? "";
      const mac = /WAN MAC アドレス\s+(\S+)/.exec(kv)?.[1] ?? "";
      expect(wanIp.length > 0 && /^[0-9A-Fa-f:]{17}$/.test(mac), `WAN IP ${wanIp} and MAC ${mac} shown`);
      await nav("装置").click();
      await search(mac.replaceAll(":", "").toLowerCase());
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      await search(wanIp);
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      await logout();
    });

    await step("select all N matching across pages: add to a group by serial and by filter, and a job on the filter", async () => {
      // 52 more routers (two pages of the list), allocated to ACME by the provider.
      const root = await kanri.session("", "root", rootPassword);
      const companies = await root.call("GET", "/companies");
      const acme = companies.items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "BLK" });
      bulk = startSim(kanri, 52, "BLK");
      await login("ACME", "taro", adminPassword);
      // A static group made from serial numbers pasted as a list.
      await nav("装置グループ").click();
      await page.getByRole("button", { name: "グループを作成" }).click();
      let d = page.getByRole("dialog");
      await d.getByLabel("グループ名").fill("出荷 12月");
      await d.getByLabel("種類").selectOption("static");
      await d.getByLabel(/シリアル番号/).fill("SIM000002\nSIM000003\n");
      await d.getByRole("button", { name: "作成" }).click();
      const groupRow = page.getByRole("row", { name: /出荷 12月/ });
      await groupRow.waitFor();
      expect((await groupRow.innerText()).includes("2"), "two devices by serial: " + (await groupRow.innerText()));
      // An unknown serial refuses the change, on the dialog, and the group keeps its devices.
      await groupRow.getByRole("button", { name: /編集/ }).click();
      d = page.getByRole("dialog");
      await d.getByLabel("追加するシリアル番号").fill("NOPE-0001");
      await d.getByRole("button", { name: "保存" }).click();
      // Issue 18: named from the problem's items (unknown_serials), in Japanese.
      await d.getByText("次のシリアル番号はこの会社の装置にないため、何も変更していません。").waitFor();
      expect((await d.getByTestId("unknown-serials").innerText()) === "NOPE-0001", "the unknown serial listed");
      await shot("30a-group-unknown-serial", false);
      await d.getByLabel("グループ名").fill("出荷 12月（本社）");
      await d.getByLabel("追加するシリアル番号").fill("SIM000001");
      await d.getByRole("button", { name: "保存" }).click();
      await page.getByText("グループを保存しました").waitFor();
      await page.getByRole("row", { name: /出荷 12月（本社）/ }).waitFor();

      await nav("装置").click();
      await until("the 52 routers in the list", async () => {
        await page.getByLabel("検索", { exact: true }).fill("BLK");
        await page.getByRole("button", { name: "検索" }).click();
        await page.waitForLoadState("networkidle");
        return (await page.getByText("該当 52 台中 50 台を表示").count()) === 1;
      }, 120_000);
      await page.getByLabel("すべて", { exact: true }).check();
      await page.getByText("50 件選択中").waitFor();
      await page.getByRole("button", { name: "該当する 52 台すべてを選択" }).click();
      const bar = page.getByRole("region", { name: "選択した装置に" });
      await bar.getByText("該当する 52 台すべてを選択中").waitFor();
      expect((await bar.getByRole("button", { name: "タグを追加" }).count()) === 0, "no per-device tagging of all matching");
      await shot("30-devices-all-matching");
      await bar.getByRole("button", { name: "グループに追加" }).click();
      d = page.getByRole("dialog");
      await d.getByLabel(/グループ/).selectOption({ label: "出荷 12月（本社） (3)" });
      await d.getByRole("button", { name: "グループに追加" }).click();
      await page.getByText("52 台をグループ「出荷 12月（本社）」に追加しました").waitFor();
      // The same filter as one job: a reboot queued for each (not asked to connect now). One of
      // the 52 leaves while the dialog is open (deleted through the API; its simulator informs
      // hourly, so it stays away): nothing is queued, the list counts again and the new number is
      // confirmed (issue 18: expected_count, 409 selection_changed).
      await page.getByLabel("すべて", { exact: true }).check();
      await page.getByRole("button", { name: "該当する 52 台すべてを選択" }).click();
      await bar.getByRole("button", { name: "再起動" }).click();
      d = page.getByRole("dialog");
      await d.getByText("52 台の装置を再起動します").waitFor();
      const api = await kanri.session("ACME", "taro", adminPassword);
      const leaving = (await api.call("GET", "/devices?q=BLK&limit=1")).items[0];
      await api.call("DELETE", `/devices/${leaving.id}`);
      const jobsBefore = (await api.call("GET", "/jobs")).items.length;
      await d.getByLabel("すぐに実行（接続要求を送る）").uncheck();
      await d.getByRole("button", { name: "再起動" }).click();
      await d.getByText("条件に一致する装置が 52 台から 51 台に変わったため、まだ何も登録していません。").waitFor();
      await d.getByText("51 台の装置を再起動します").waitFor();
      expect((await api.call("GET", "/jobs")).items.length === jobsBefore, "no job made on the changed selection");
      await shot("30b-devices-selection-changed", false);
      await d.getByRole("button", { name: "再起動" }).click();
      await page.getByText("51 件のタスクを登録しました").waitFor();
      await nav("装置グループ").click();
      // One deleted through the API: read again, not from the cache.
      await page.reload();
      await until("the group read again", async () => (await page.getByRole("row", { name: /出荷 12月（本社）/ }).innerText()).includes("54"), 10_000);
      await shot("31-group-after-add");
      await logout();
      // The 52 leave again (their simulator stopped first, so they do not come back), so that the
      // later steps find the three SIM routers on the list's first page.
      await bulk.stop();
      bulk = null;
      const taro = await kanri.session("ACME", "taro", adminPassword);
      const extra = await taro.call("GET", "/devices?q=BLK&limit=200");
      for (const device of extra.items) await taro.call("DELETE", `/devices/${device.id}`);
    });

    await step("CSV headers in English on the English console", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("button", { name: "English" }).click();
      await nav("Devices").click();
      await page.getByRole("link", { name: "SIM000001" }).waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Export CSV|CSV/ }).click()]);
      const csv = readFileSync(await download.path(), "utf8");
      expect(/^\uFEFF"serial_number","name"/.test(csv), "English headers: " + csv.slice(0, 40));
      await page.getByRole("button", { name: "日本語" }).click();
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
    if (bulk) await bulk.stop();
  }
}
