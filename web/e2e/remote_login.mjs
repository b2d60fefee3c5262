// Remote login steps of the browser tests (DEV-5): a `kanri sim` device joins ACME (allocated
// by the provider through the API); with the company's switch off a remote login is refused in
// Japanese; switched on, one is issued after asking, its URL, login ID and one-time password
// shown once with a running countdown, the state followed until the device's web UI is open,
// and that web UI takes exactly those credentials; closed, the dialog's credentials are gone
// while the page keeps the state and the countdown and the list shows the badge; ended now, the
// device is cleaned up and its web UI refuses the login.
import { startSim, until } from "./kanri.mjs";

const SERIAL = "RLG000001";

// GET / of the device's web UI with HTTP Basic credentials: its status and text.
async function webUi(url, username, password) {
  const r = await fetch(url, { headers: { Authorization: "Basic " + Buffer.from(`${username}:${password}`).toString("base64") } });
  return { status: r.status, text: await r.text() };
}

export async function remoteLoginSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  let sim = null;
  const issued = { url: "", username: "", password: "" };
  const openDevice = async () => {
    await nav("装置").click();
    await page.getByRole("link", { name: SERIAL }).click();
    await page.getByRole("heading", { name: new RegExp(SERIAL) }).waitFor();
  };
  try {
    await step("DEV-5: a device for remote login joins ACME", async () => {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", product_class: "SimGateway", serials: [SERIAL], note: "DEV-5" });
      sim = startSim(kanri, 1, "RLG");
      const admin = await kanri.session("ACME", "taro", adminPassword);
      await until(`${SERIAL} online in ACME`, async () => (await admin.call("GET", `/devices?q=${SERIAL}`)).items.some((d) => d.serial_number === SERIAL && d.online), 90_000);
    });

    await step("DEV-5: with the company's switch off a remote login is refused, in Japanese; switched on again", async () => {
      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
      await nav("会社設定").click();
      const card = page.getByRole("form", { name: "リモートログイン" });
      await card.getByText("「装置へのリモートログイン」の権限を持つアカウントが", { exact: false }).waitFor();
      const toggle = card.getByRole("switch", { name: "リモートログインを許可する" });
      expect(await toggle.isChecked(), "on by default");
      await toggle.uncheck();
      await card.getByRole("button", { name: "リモートログインの設定を保存" }).click();
      await page.getByRole("status").filter({ hasText: "リモートログインの設定を保存しました" }).first().waitFor();
      await shot("70-company-remote-login-off");

      await openDevice();
      await page.getByRole("button", { name: "リモートログイン" }).click();
      const confirm = page.getByRole("dialog", { name: "リモートログインの発行" });
      await confirm.getByRole("button", { name: "発行する" }).click();
      await confirm.getByText("この会社ではリモートログインが無効になっています。会社設定で有効にできます。").waitFor();
      await shot("71-remote-login-refused", false);
      await confirm.getByRole("button", { name: "キャンセル" }).click();

      await nav("会社設定").click();
      await toggle.check();
      await card.getByRole("button", { name: "リモートログインの設定を保存" }).click();
      await page.getByRole("status").filter({ hasText: "リモートログインの設定を保存しました" }).first().waitFor();
      const admin = await kanri.session("ACME", "taro", adminPassword);
      expect((await admin.call("GET", "/company/settings")).remote_login_enabled === true, "switched on again");
    });

    await step("DEV-5: issued after asking: URL, login ID and password shown once with a running countdown; the device's web UI takes them", async () => {
      await openDevice();
      await page.getByRole("button", { name: "リモートログイン" }).click();
      const confirm = page.getByRole("dialog", { name: "リモートログインの発行" });
      await confirm.getByText(`装置 ${SERIAL} の Web 画面にログインするためのログイン ID とワンタイムパスワードを発行し`, { exact: false }).waitFor();
      await confirm.getByRole("button", { name: "発行する" }).click();

      const dialog = page.getByRole("dialog", { name: "リモートログインを発行しました" });
      await dialog.getByText("ログイン ID とパスワードは今回だけ表示されます。").waitFor();
      issued.username = await dialog.getByTestId("remote-login-username").innerText();
      issued.password = await dialog.getByTestId("remote-login-password").innerText();
      expect(issued.username.length > 0 && issued.password.length >= 12, `a login ID and a password: ${issued.username} / ${issued.password.length} characters`);
      const countdown = dialog.getByTestId("remote-login-countdown");
      const first = await countdown.innerText();
      expect(/^残り (59:[0-5]\d|1:00:00)$/.test(first), "about an hour left: " + first);
      await shot("72-remote-login-issued", false);

      // Kanri asks the device to connect now and sets the user up in that session.
      await dialog.getByText("ログイン可能").waitFor({ timeout: 60_000 });
      const link = dialog.getByTestId("remote-login-url").getByRole("link");
      issued.url = await link.getAttribute("href");
      expect(/^https:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/.test(issued.url), "the device's web UI: " + issued.url);
      expect((await link.getAttribute("target")) === "_blank" && (await link.getAttribute("rel")).includes("noopener"), "opens in a new tab");
      await page.waitForTimeout(1_100);
      expect((await countdown.innerText()) !== first, "the countdown runs");

      const ok = await webUi(issued.url, issued.username, issued.password);
      expect(ok.status === 200 && ok.text.includes(SERIAL), `the web UI takes the login: ${ok.status} ${ok.text.slice(0, 80)}`);
      expect((await webUi(issued.url, issued.username, issued.password + "x")).status === 401, "and refuses a wrong password");
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: kanri.baseUrl });
      await dialog.getByRole("button", { name: "コピー: パスワード" }).click();
      await dialog.getByRole("button", { name: "コピーしました: パスワード" }).waitFor();
      expect((await page.evaluate(() => navigator.clipboard.readText())) === issued.password, "the password copied");
      await shot("73-remote-login-open", false);

      await dialog.getByRole("button", { name: "閉じる" }).last().click();
      expect((await page.getByText(issued.password).count()) === 0, "the password is gone");
      const status = page.getByTestId("remote-login-status");
      await status.getByText("ログイン可能").waitFor();
      await status.getByTestId("remote-login-countdown").waitFor();
      expect(await page.getByRole("button", { name: "リモートログイン" }).isDisabled(), "no second one while it is open");
      // Read again, the page has the state and the countdown, never the credentials.
      await page.reload();
      await status.getByText("ログイン可能").waitFor();
      expect((await page.getByText(issued.password).count()) === 0 && (await page.getByText(issued.username).count()) === 0, "no credentials after a reload");
      await shot("74-device-remote-login");
      await nav("装置").click();
      await page.getByRole("row", { name: new RegExp(SERIAL) }).getByText("リモートログイン中").waitFor();
    });

    await step("DEV-5: ended now, the device is cleaned up: the state reaches closed and the web UI refuses the login", async () => {
      await page.getByRole("link", { name: SERIAL }).click();
      const status = page.getByTestId("remote-login-status");
      await status.getByRole("button", { name: "今すぐ終了" }).click();
      await page.getByRole("status").filter({ hasText: "リモートログインの終了を依頼しました" }).first().waitFor();
      await status.getByText("終了", { exact: true }).waitFor({ timeout: 60_000 });
      const after = await webUi(issued.url, issued.username, issued.password).catch(() => ({ status: 0 }));
      expect(after.status !== 200, "the web UI refuses the login now: " + after.status);
      expect(!(await page.getByRole("button", { name: "リモートログイン" }).isDisabled()), "a new one may be issued");
      await shot("75-remote-login-closed");
      await nav("装置").click();
      const row = page.getByRole("row", { name: new RegExp(SERIAL) });
      await row.waitFor();
      // The list read while it was open is read again once it ended.
      await until("the list without the badge", async () => (await row.getByText("リモートログイン中").count()) === 0 && (await row.getByText("後片付け待ち").count()) === 0, 10_000);
      await logout();
    });
  } finally {
    if (sim) await sim.stop();
  }
}
