// SEC-9's second factor in the browser: the company administrator sets up TOTP from its own
// account page (the QR code, the key, a code computed here as an authenticator app would, the ten
// recovery codes shown once and saved as text); the company then requires a second factor and a
// new account is led straight to its set-up; the administrator logs in with the password and a
// code (a wrong one refused first), then with a recovery code, and finally switches the factor
// off with a code. Codes are RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits), and the
// server takes each step's code once only, so every use here takes a later step than the last.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Decode(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) {
    const i = BASE32.indexOf(c);
    if (i < 0) throw new Error("not base32: " + text);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 4226 HOTP of a counter (RFC 6238: the counter is floor(unix time / 30)).
export function hotp(secret, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const h = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = h[h.length - 1] & 0x0f;
  const n = ((h[offset] & 0x7f) << 24) | (h[offset + 1] << 16) | (h[offset + 2] << 8) | h[offset + 3];
  return String(n % 1_000_000).padStart(6, "0");
}

const stepNow = () => Math.floor(Date.now() / 30_000);

// A code of a step after `lastUsed` that the server accepts now (its window is one step either
// side): when the next unused step is still too far ahead, waits for the boundary (< 30 s).
async function freshCode(secret, lastUsed, page) {
  const wanted = Math.max(lastUsed + 1, stepNow() - 1);
  if (wanted > stepNow() + 1) await page.waitForTimeout((wanted - 1) * 30_000 - Date.now() + 500);
  return { code: hotp(secret, wanted), counter: wanted };
}

export async function totpSteps({ page, step, shot, expect, nav, login, firstLogin, initialPassword, logout, adminPassword }) {
  let secret = "";
  let recoveryCodes = [];
  let lastUsed = 0;
  const codeStep = () => page.getByRole("form", { name: "2要素認証" });

  await step("SEC-9: the company administrator sets up a second factor: QR code, key, a code, ten recovery codes shown once", async () => {
    await login("ACME", "taro", adminPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await page.getByRole("link", { name: /アカウント設定/ }).click();
    await page.getByRole("heading", { name: "アカウント設定" }).waitFor();
    await page.getByText("2要素認証はまだ設定されていません。").waitFor();
    await page.getByRole("button", { name: "設定を始める" }).click();
    const qr = page.getByRole("img", { name: "認証アプリに登録する QR コード" });
    await qr.waitFor();
    // A data: image the CSP lets through, decoded by the browser.
    expect((await qr.getAttribute("src")).startsWith("data:image/svg+xml;base64,"), "the QR code as a data: URI");
    await page.waitForFunction(() => document.querySelector("[data-testid=totp-qr]")?.naturalWidth > 0);
    const shown = await page.getByTestId("totp-secret").innerText();
    expect(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/.test(shown), "the key in groups of four: " + shown);
    secret = shown.replace(/\s/g, "");
    await shot("50-totp-enrolment");

    const { code, counter } = await freshCode(secret, stepNow() - 2, page);
    await page.getByLabel(/^確認コード/).fill(code);
    await page.getByRole("button", { name: "確認して有効にする" }).click();
    lastUsed = counter;
    const list = page.getByTestId("recovery-codes");
    await list.waitFor();
    recoveryCodes = await list.getByRole("listitem").allInnerTexts();
    expect(recoveryCodes.length === 10, "ten recovery codes: " + recoveryCodes.length);
    expect(recoveryCodes.every((c) => /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/.test(c)), "codes like abcd-efgh-ijkl-mnop: " + recoveryCodes.join(" "));
    await page.getByText("リカバリーコードは今回だけ表示されます。").waitFor();
    await shot("51-totp-recovery-codes");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "テキストファイルで保存" }).click()]);
    const saved = readFileSync(await download.path(), "utf8");
    expect(recoveryCodes.every((c) => saved.includes(c)), "every code in the file");
    expect(download.suggestedFilename() === "kanri-recovery-codes-taro.txt", "file name " + download.suggestedFilename());
    await page.getByLabel("リカバリーコードを安全な場所に保存しました").check();
    await page.getByRole("button", { name: "完了" }).click();
    await page.getByText("2要素認証は有効です。ログインのたびに認証アプリのコードが必要です。").waitFor();
  });

  await step("SEC-9: the company requires a second factor; a new account is led straight to its set-up", async () => {
    await nav("会社設定").click();
    const card = page.getByRole("form", { name: "2要素認証" });
    await card.getByRole("switch", { name: "2要素認証を必須にする" }).check();
    await card.getByRole("button", { name: "2要素認証の設定を保存" }).click();
    await page.getByRole("status").filter({ hasText: "2要素認証の設定を保存しました" }).first().waitFor();

    await nav("アカウント").click();
    await page.getByRole("button", { name: "アカウントを作成" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("ログインID").fill("kato");
    await dialog.getByLabel("氏名").fill("加藤 三郎");
    await dialog.getByLabel("メールアドレス").fill("kato@acme.example");
    await dialog.getByLabel("初期パスワード").fill(initialPassword("Kato-Passw0rd-e2e!"));
    await dialog.getByRole("button", { name: "作成" }).click();
    const kato = page.getByRole("row", { name: /加藤 三郎/ });
    await kato.waitFor();
    await kato.getByText("未設定").waitFor();
    await page.getByRole("row", { name: /山田 太郎/ }).getByText("設定済み").waitFor();
    await shot("52-accounts-totp");
    await logout();

    await firstLogin("ACME", "kato", "Kato-Passw0rd-e2e!");
    await page.getByRole("heading", { name: "2要素認証の設定が必要です" }).waitFor();
    expect(page.url().endsWith("/account/two-factor"), "on the set-up page: " + page.url());
    await page.getByRole("button", { name: "設定を始める" }).waitFor();
    await shot("53-totp-required");
    await page.getByRole("button", { name: "ログアウト" }).click();
    await page.getByRole("button", { name: "ログイン" }).waitFor();
  });

  await step("SEC-9: logging in takes the password, then a code; a wrong code is refused and retried", async () => {
    await login("ACME", "taro", adminPassword);
    await codeStep().waitFor();
    const field = page.getByLabel(/^確認コード/);
    expect((await field.getAttribute("autocomplete")) === "one-time-code", "autocomplete=one-time-code");
    expect((await field.getAttribute("inputmode")) === "numeric", "a numeric keyboard");
    await shot("54-totp-code-step");
    const wrong = hotp(secret, lastUsed + 5) === "000000" ? "111111" : "000000";
    await field.fill(wrong);
    await page.getByRole("button", { name: "確認してログイン" }).click();
    await page.getByTestId("login-error").getByText("コードが正しくないか、すでに使われています。", { exact: false }).waitFor();
    const { code, counter } = await freshCode(secret, lastUsed, page);
    await page.getByLabel(/^確認コード/).fill(code);
    await page.getByRole("button", { name: "確認してログイン" }).click();
    lastUsed = counter;
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    // Issue 18: after the second step too, the header names the company (its name, from the session).
    const company = await page.getByTestId("company-indicator").innerText();
    expect(company.includes("アクメ通信株式会社") && company.includes("ACME"), "the company in the header: " + company);
    // Required by the company: the own page says it cannot be switched off.
    await page.getByRole("link", { name: /アカウント設定/ }).click();
    await page.getByText("組織の方針により 2要素認証は必須のため、オフにできません。").waitFor();
    expect((await page.getByRole("button", { name: "オフにする" }).count()) === 0, "no switch-off while required");
    await nav("会社設定").click();
    const card = page.getByRole("form", { name: "2要素認証" });
    await card.getByRole("switch", { name: "2要素認証を必須にする" }).uncheck();
    await card.getByRole("button", { name: "2要素認証の設定を保存" }).click();
    await page.getByRole("status").filter({ hasText: "2要素認証の設定を保存しました" }).first().waitFor();
    await logout();
  });

  await step("SEC-9: a recovery code stands for the code, once", async () => {
    await login("ACME", "taro", adminPassword);
    await codeStep().waitFor();
    await page.getByRole("button", { name: "認証アプリを使えない場合: リカバリーコードを使う" }).click();
    await page.getByLabel(/^リカバリーコード/).fill(recoveryCodes[0].toUpperCase());
    await page.getByRole("button", { name: "確認してログイン" }).click();
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await logout();
    // Used once: the same code is refused the next time; another one works.
    await login("ACME", "taro", adminPassword);
    await codeStep().waitFor();
    await page.getByRole("button", { name: "認証アプリを使えない場合: リカバリーコードを使う" }).click();
    await page.getByLabel(/^リカバリーコード/).fill(recoveryCodes[0]);
    await page.getByRole("button", { name: "確認してログイン" }).click();
    await page.getByTestId("login-error").getByText("リカバリーコードが正しくないか、すでに使われています。").waitFor();
    await page.getByLabel(/^リカバリーコード/).fill(recoveryCodes[1]);
    await page.getByRole("button", { name: "確認してログイン" }).click();
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
  });

  await step("SEC-9: the administrator switches the second factor off with a fresh code", async () => {
    await page.getByRole("link", { name: /アカウント設定/ }).click();
    await page.getByRole("heading", { name: "アカウント設定" }).waitFor();
    const { code } = await freshCode(secret, lastUsed, page);
    await page.getByLabel(/^確認コード/).fill(code);
    await page.getByRole("button", { name: "オフにする" }).click();
    await page.getByText("2要素認証はまだ設定されていません。").waitFor();
    await logout();
    // Without it, the password alone logs in again.
    await login("ACME", "taro", adminPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await logout();
  });
}
