// Sign-in steps of the browser tests: the company administrator's IP restriction (SEC-4) —
// its own address shown, a list without it refused as a lock-out, the address added, saved and
// switched off again — and an API token (SEC-9) created with devices.read, shown once, working
// for that permission only, listed with its last use, and revoked; then the site
// administrator's view of the company's restriction and of the provider's own tokens.

// A call of the API with an API token (no cookie, no CSRF token): its status.
async function withToken(kanri, token, path) {
  const r = await fetch(kanri.baseUrl + "/api/v1" + path, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  await r.text();
  return r.status;
}

export async function signInSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  await step("SEC-4: the company administrator sees its address, is refused a list that locks it out, adds its address, saves and switches off", async () => {
    await login("ACME", "taro", adminPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("会社設定").click();
    await page.getByRole("heading", { name: "会社設定" }).waitFor();
    const address = page.getByTestId("your-address");
    await address.getByText("127.0.0.1", { exact: true }).waitFor();
    expect((await address.innerText()).includes("あなたの現在のアドレス"), "the address is labelled: " + (await address.innerText()));
    await page.getByText("オンにすると、一覧にないアドレスからのログインと API トークンの利用は拒否されます。").waitFor();
    await shot("40-company-settings");

    const restriction = page.getByRole("switch", { name: "IP アドレス制限を有効にする" });
    const list = page.getByLabel("許可するアドレス");
    await restriction.check();
    await list.fill("192.0.2.7/24");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    // A network with host bits set is named with its two readings before anything is sent.
    await page.getByText("ネットワーク全体なら 192.0.2.0/24、1 つのアドレスなら 192.0.2.7/32 と入力してください", { exact: false }).waitFor();
    await list.fill("192.0.2.0/24");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("あなたの現在のアドレス（127.0.0.1）が一覧に含まれていないため、保存できませんでした。").waitFor();
    await shot("41-ip-restriction-lockout");

    await address.getByRole("button", { name: "現在のアドレスを追加" }).click();
    expect((await list.inputValue()) === "192.0.2.0/24\n127.0.0.1", "the address added on a line of its own: " + JSON.stringify(await list.inputValue()));
    await address.getByText("一覧に含まれています").waitFor();
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "IP アドレス制限を保存しました" }).first().waitFor();
    expect((await list.inputValue()) === "192.0.2.0/24\n127.0.0.1/32", "the list as the server keeps it: " + JSON.stringify(await list.inputValue()));
    const admin = await kanri.session("ACME", "taro", adminPassword);
    const on = await admin.call("GET", "/company/settings");
    expect(on.ip_restriction_enabled === true && on.ip_allowlist.join(" ") === "192.0.2.0/24 127.0.0.1/32", "saved: " + JSON.stringify(on));
    await shot("42-ip-restriction-on");

    await restriction.uncheck();
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("未保存の変更があります").waitFor({ state: "detached" });
    const off = await admin.call("GET", "/company/settings");
    expect(off.ip_restriction_enabled === false, "switched off: " + JSON.stringify(off));
  });

  await step("SEC-9: an API token with devices.read is shown once, works for that only, is listed with its last use and revoked", async () => {
    await nav("API トークン").click();
    await page.getByRole("heading", { name: "API トークン" }).waitFor();
    await page.getByText("API トークンはまだありません").waitFor();
    await page.getByRole("button", { name: "トークンを作成" }).click();
    const d = page.getByRole("dialog", { name: "トークンを作成" });
    await d.getByLabel(/^名前/).fill("在庫システム連携");
    // Only the account's own company permissions, never the one that manages tokens.
    expect((await d.getByLabel("APIトークンの管理").count()) === 0, "no tokens.write to grant");
    await d.getByLabel("装置の閲覧").check();
    expect(await d.getByRole("radio", { name: "90 日" }).isChecked(), "90 days by default");
    const preview = await d.getByTestId("token-expiry-preview").innerText();
    const in90 = new Date(Date.now() + 9 * 3600_000 + 90 * 86_400_000).toISOString().slice(0, 10);
    expect(preview.startsWith(in90), `valid for 90 days (JST): ${preview}`);
    await shot("43-token-create");
    await d.getByRole("button", { name: "作成" }).click();

    const issued = page.getByRole("dialog", { name: "API トークンを作成しました" });
    const secret = await issued.getByTestId("issued-token").innerText();
    expect(/^kanri_[A-Za-z0-9_-]{20,}$/.test(secret), "the secret: " + secret);
    await issued.getByText("このトークンは今回だけ表示されます。").waitFor();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: kanri.baseUrl });
    await issued.getByRole("button", { name: "コピー" }).click();
    await issued.getByRole("button", { name: "コピーしました" }).waitFor();
    expect((await page.evaluate(() => navigator.clipboard.readText())) === secret, "the secret copied");
    await shot("44-token-issued", false);

    // The token reads devices, and nothing else.
    expect((await withToken(kanri, secret, "/devices")) === 200, "devices.read works");
    expect((await withToken(kanri, secret, "/accounts")) === 403, "accounts.read does not");
    await issued.getByRole("button", { name: "閉じる" }).last().click();
    expect((await page.getByText(secret).count()) === 0, "the secret is gone");

    // Read again: the list shows the token's last use, and from where.
    await page.reload();
    const row = page.getByRole("row", { name: /在庫システム連携/ });
    await row.waitFor();
    const text = await row.innerText();
    const todayJst = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(text.includes("装置の閲覧") && text.includes("taro") && text.includes("127.0.0.1") && text.includes(todayJst), "the row: " + text);
    expect(!text.includes("期限切れ"), "not expired");
    await shot("45-tokens");

    await row.getByRole("button", { name: "無効化 在庫システム連携" }).click();
    const confirm = page.getByRole("dialog", { name: "トークンの無効化" });
    await confirm.getByText("トークン「在庫システム連携」を無効化します", { exact: false }).waitFor();
    await confirm.getByRole("button", { name: "無効化" }).click();
    await page.getByRole("status").filter({ hasText: "トークンを無効化しました" }).first().waitFor();
    await page.getByText("API トークンはまだありません").waitFor();
    expect((await withToken(kanri, secret, "/devices")) === 401, "the revoked token is refused");
    await logout();
  });

  await step("the site administrator views a company's IP restriction in its access settings, and the provider's own tokens", async () => {
    await login("", "root", rootPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("会社・契約").click();
    await page.getByRole("row", { name: /ACME/ }).getByRole("button", { name: "アクセス設定" }).click();
    const d = page.getByRole("dialog", { name: "ACME（アクメ通信株式会社）のアクセス設定" });
    const list = d.getByLabel("許可するアドレス");
    await list.waitFor();
    expect((await list.inputValue()) === "192.0.2.0/24\n127.0.0.1/32", "the company's list: " + (await list.inputValue()));
    expect(!(await d.getByRole("switch", { name: "IP アドレス制限を有効にする" }).isChecked()), "off, as the company left it");
    expect((await d.getByTestId("your-address").count()) === 0, "no 'your address' for the provider");
    expect(await d.getByRole("switch", { name: "リモートログインを許可する" }).isChecked(), "remote login allowed, as companies start");
    await shot("46-provider-access-settings");
    await d.getByRole("button", { name: "キャンセル" }).click();

    await nav("API トークン").click();
    await page.getByRole("heading", { name: "API トークン" }).waitFor();
    await page.getByText("サービス管理の API を外部のシステムから利用するためのトークンです。", { exact: false }).waitFor();
    await page.getByRole("button", { name: "トークンを作成" }).click();
    const create = page.getByRole("dialog", { name: "トークンを作成" });
    await create.getByLabel("会社・契約の管理").waitFor();
    expect((await create.getByLabel("装置の閲覧").count()) === 0, "no company permissions for a provider token");
    await shot("47-provider-token-create");
    await create.getByRole("button", { name: "キャンセル" }).click();
    await logout();
  });
}
