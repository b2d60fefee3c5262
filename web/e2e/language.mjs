// Issue 18, "every message in the reader's language": the browser steps for server problems
// shown on their fields in Japanese and English, task results and CWMP faults in words, the
// dashboard's failed tasks with the device, firmware by name and version for the device's
// model, a temporarily locked account, the company in the header, and a session that ends
// for inactivity (the configured idle time, and a half-filled form back after the login,
// without its password).
import { startSim, switchLanguage, until } from "./kanri.mjs";

const SERIAL = "LNG000001";
const JAPANESE = /[ぁ-んァ-ヶ一-龠]/;

export async function languageSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  let sim = null;
  let device = null;
  const english = () => switchLanguage(page, "en");
  const japanese = () => switchLanguage(page, "ja");
  const openDevice = async () => {
    await nav("装置").click();
    await page.getByRole("link", { name: SERIAL }).click();
    await page.getByRole("heading", { name: new RegExp(SERIAL) }).waitFor();
  };
  try {
    await step("issue 18: a server problem is shown on its field in the reader's language (a password like the login ID, a login ID in use)", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      // The header says which company the console is logged in to: its name and code, from the session.
      const company = page.getByTestId("company-indicator");
      const named = await company.innerText();
      expect(named.includes("アクメ通信株式会社") && named.includes("ACME"), "the company in the header: " + named);
      expect((await company.getAttribute("title")) === "ログイン中の会社: アクメ通信株式会社（会社ID ACME）", "the chip's title");
      await shot("80a-language-company-header", false);
      await nav("アカウント").click();
      await page.getByRole("button", { name: "アカウントを作成" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("ログインID").fill("lang-user-1");
      await dialog.getByLabel("氏名").fill("言語 確認");
      await dialog.getByLabel("メールアドレス").fill("lang@acme.example");
      await dialog.getByLabel("初期パスワード").fill("lang-user-1");
      await dialog.getByRole("button", { name: "作成" }).click();
      const passwordRule = dialog.getByText("パスワードは 8〜128 文字で、よく使われるパスワードやログインIDと同じものは使えません");
      await passwordRule.waitFor();
      expect((await dialog.getByLabel("初期パスワード").getAttribute("aria-invalid")) === "true", "on the password field");
      expect((await dialog.getByRole("alert").count()) === 0, "no banner besides");
      // A login ID in use: on the login ID field, not a generic banner.
      await dialog.getByLabel("ログインID").fill("sato");
      await dialog.getByLabel("初期パスワード").fill("Lang-Passw0rd-18!");
      await dialog.getByRole("button", { name: "作成" }).click();
      await dialog.getByText("このログインIDはすでに使われています").waitFor();
      expect((await dialog.getByLabel("ログインID").getAttribute("aria-invalid")) === "true", "on the login ID field");
      expect(!(await dialog.innerText()).includes("already exists"), "no English on a Japanese screen");
      await shot("80-language-login-taken", false);
      // The same in English (the dialog is modal: closed to switch the language).
      await dialog.getByRole("button", { name: "キャンセル" }).click();
      await english();
      await page.getByRole("button", { name: "New account" }).click();
      await dialog.getByLabel(/^Login ID\*?$/).fill("sato");
      await dialog.getByLabel(/^Name\*?$/).fill("Language Check");
      await dialog.getByLabel(/^Email\*?$/).fill("lang@acme.example");
      await dialog.getByLabel("Initial password").fill("Lang-Passw0rd-18!");
      await dialog.getByRole("button", { name: "Create" }).click();
      await dialog.getByText("This login ID is already in use").waitFor();
      await shot("80b-language-login-taken-en", false);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await japanese();
    });

    await step("issue 18: a device for the language steps joins ACME", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", product_class: "SimGateway", serials: [SERIAL], note: "issue 18" });
      sim = startSim(kanri, 1, "LNG");
      const admin = await kanri.session("ACME", "taro", adminPassword);
      device = await until(`${SERIAL} online`, async () => (await admin.call("GET", `/devices?q=${SERIAL}`)).items.find((d) => d.serial_number === SERIAL && d.online), 90_000);
    });

    await step("issue 18: task results and CWMP faults in words, in Japanese and English; the device's credential too", async () => {
      const admin = await kanri.session("ACME", "taro", adminPassword);
      const names = await admin.call("POST", `/devices/${device.id}/tasks`, { type: "getParameterNames", path: "Device.DeviceInfo.", next_level: false, now: true });
      const faulty = await admin.call("POST", `/devices/${device.id}/tasks`, { type: "setParameterValues", values: { "Device.DeviceInfo.NoSuchParameter18": "x" }, now: true });
      const finished = async (id) => until(`task ${id} finished`, async () => {
        const t = await admin.call("GET", `/tasks/${id}`);
        return t.state === "done" || t.state === "failed" ? t : null;
      }, 60_000);
      const listed = await finished(names.id);
      const failed = await finished(faulty.id);
      expect(listed.state === "done" && Array.isArray(listed.result?.parameters), "names listed: " + JSON.stringify(listed).slice(0, 200));
      expect(failed.state === "failed" && failed.fault, "a CPE fault: " + JSON.stringify(failed).slice(0, 300));
      const code = failed.fault.code;

      await openDevice();
      // The credential in words, not "rotate / rotated".
      const summary = await page.locator("main").innerText();
      expect(summary.includes("個別パスワード") && !/\brotated\b/.test(summary), "the credential in words");
      await page.getByRole("tab", { name: "タスク" }).click();
      const names_ = page.getByRole("row", { name: /パラメータ一覧取得/ }).first();
      await names_.waitFor();
      expect(new RegExp(`パラメータ ${listed.result.parameters.length} 個`).test(await names_.innerText()), "the count in words: " + (await names_.innerText()));
      const fault = page.getByRole("row", { name: /パラメータ設定/ }).first();
      const faultText = await fault.innerText();
      expect(faultText.includes(`${code} `) && JAPANESE.test(faultText.split(`${code} `)[1] ?? ""), "the fault with its meaning in Japanese: " + faultText);
      const table = await page.getByRole("table").last().innerText();
      expect(!/cpe_fault|\bparameters\b|Invalid (arguments|parameter)/.test(table), "no raw text: " + table);
      await shot("81-language-task-faults");
      await english();
      const faultEn = await page.getByRole("row", { name: /Set values/ }).first().innerText();
      expect(faultEn.includes(`${code} `) && !JAPANESE.test(faultEn), "the fault in English: " + faultEn);
      expect(new RegExp(`${listed.result.parameters.length} parameters`).test(await page.getByRole("table").last().innerText()), "the count in English");
      await shot("81b-language-task-faults-en");
      await japanese();
    });

    await step("issue 18: the dashboard's failed tasks name the device (serial number and model), the task and the fault, each a link to the device", async () => {
      await nav("ダッシュボード").click();
      // Read afresh (the dashboard's lists refresh every 30 seconds).
      await page.reload();
      const list = page.getByTestId("recent-failures");
      await list.waitFor();
      const link = list.getByRole("link", { name: new RegExp(SERIAL) }).first();
      await link.waitFor();
      const text = await link.innerText();
      expect(text.includes("パラメータ設定") && /\d{4} /.test(text) && JAPANESE.test(text), "the task and its fault: " + text);
      if (device.model) expect(text.includes(device.model), `the model ${device.model}: ${text}`);
      expect((await link.getAttribute("href")).includes(device.id), "a link to the device");
      await shot("82-language-dashboard-failures");
    });

    await step("issue 18: firmware by name and version, only files for the device's model; no 「—」 when none is chosen", async () => {
      const admin = await kanri.session("ACME", "taro", adminPassword);
      const upload = async (name, version, model) => {
        const r = await fetch(`${kanri.baseUrl}/api/v1/firmware?${new URLSearchParams({ name, version, models: model })}`, {
          method: "POST",
          headers: { Cookie: admin.cookie, "X-CSRF-Token": admin.csrf, "Content-Type": "application/octet-stream", Accept: "application/json" },
          body: Buffer.from("firmware image " + name),
        });
        expect(r.ok, `upload ${name}: ${r.status} ${await r.text()}`);
      };
      await upload("lang-fw.bin", "9.9.9", device.model || "");
      await upload("other-model-fw.bin", "1.0.0", "OTHER-MODEL-18");
      await openDevice();
      await page.getByRole("button", { name: "ファームウェア更新" }).first().click();
      const dialog = page.getByRole("dialog");
      await dialog.getByText("適用するファームウェアファイルを選んでください。").waitFor();
      expect(!(await dialog.innerText()).includes("「—」"), "no 「—」");
      await dialog.locator("option", { hasText: "lang-fw.bin" }).waitFor({ state: "attached" });
      const options = await dialog.getByLabel("ファームウェアファイル").locator("option").allInnerTexts();
      expect(options.some((o) => o.includes("lang-fw.bin · 9.9.9")), "the file by name and version: " + options.join(" | "));
      if (device.model) expect(!options.some((o) => o.includes("other-model-fw.bin")), "not another model's file: " + options.join(" | "));
      await shot("83-language-firmware-none-chosen", false);
      await dialog.getByLabel("ファームウェアファイル").selectOption({ label: options.find((o) => o.includes("lang-fw.bin")) });
      await dialog.getByText("ファームウェア「lang-fw.bin (9.9.9)」を適用します").waitFor();
      await dialog.getByRole("button", { name: "ファームウェア更新" }).click();
      await page.getByRole("tab", { name: "タスク" }).click();
      await page.getByRole("row", { name: /ファームウェア更新/ }).first().getByText("lang-fw.bin (9.9.9)").waitFor();
      await shot("83b-language-firmware-task");
    });

    await step("issue 18 (SEC-1): a temporarily locked account shows the lock and its end in the account list, in Japanese and English", async () => {
      const admin = await kanri.session("ACME", "taro", adminPassword);
      await admin.call("POST", "/accounts", { login: "lang-lock", name: "一時 ロック", email: "lock@acme.example", kind: "general", password: "Lang-Lock-Passw0rd!", roles: [] });
      for (let i = 0; i < 5; i++) await kanri.session("ACME", "lang-lock", "wrong-password-" + i).catch(() => null);
      await nav("アカウント").click();
      const row = page.getByRole("row", { name: /lang-lock/ });
      await row.waitFor();
      const text = await row.innerText();
      expect(text.includes("一時ロック中") && /\d{4}-\d{2}-\d{2} \d{2}:\d{2} までログインできません/.test(text) && !text.includes("有効"), "the lock and its end: " + text);
      await shot("84-language-temporary-lock");
      await english();
      const en = await row.innerText();
      expect(en.includes("Temporarily locked") && en.includes("cannot log in until"), "in English: " + en);
      await japanese();
    });

    await step("issue 18: the session-expired message gives the configured idle time, and a half-filled form comes back after the login without its password", async () => {
      const admin = await kanri.session("ACME", "taro", adminPassword);
      const minutes = Math.ceil((await admin.call("GET", "/session")).idle_timeout_seconds / 60);
      await nav("アカウント").click();
      await page.getByRole("button", { name: "アカウントを作成" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("ログインID").fill("draft-user");
      await dialog.getByLabel("氏名").fill("下書き 太郎");
      await dialog.getByLabel("メールアドレス").fill("draft@acme.example");
      await dialog.getByLabel("初期パスワード").fill("Draft-Passw0rd-18!");
      kanri.setClockOffsetMs((minutes + 1) * 60 * 1000);
      // The submission meets the ended session.
      await dialog.getByRole("button", { name: "作成" }).click();
      await page.getByText(`${minutes} 分間操作がなかったため`).waitFor({ timeout: 10_000 });
      const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
      expect(stored.includes("下書き 太郎") && !stored.includes("Draft-Passw0rd-18!"), "the draft kept, its password not: " + stored);
      await shot("85-language-session-expired");
      kanri.setClockOffsetMs(0);
      await login("ACME", "taro", adminPassword);
      // Back where the session ended (or, at the least, the dialog opens on the accounts screen).
      await page.waitForURL((url) => url.pathname !== "/login");
      if (!page.url().endsWith("/accounts")) await nav("アカウント").click();
      const again = page.getByRole("dialog");
      await again.getByLabel("氏名").waitFor();
      // The draft is put back into the opened form a moment after it opens.
      await until("the login ID back", async () => (await again.getByLabel("ログインID").inputValue()) === "draft-user", 10_000);
      expect((await again.getByLabel("氏名").inputValue()) === "下書き 太郎", "the name back");
      expect((await again.getByLabel("初期パスワード").inputValue()) === "", "no password kept");
      await shot("86-language-draft-restored", false);
      await again.getByLabel("初期パスワード").fill("Draft-Passw0rd-18!");
      await again.getByRole("button", { name: "作成" }).click();
      await page.getByRole("cell", { name: /下書き 太郎/ }).waitFor();
      const left = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("kanri.draft.")));
      expect(left.length === 0, "the draft gone once submitted: " + left.join(","));
      await logout();
    });
  } finally {
    if (sim) await sim.stop();
  }
}
