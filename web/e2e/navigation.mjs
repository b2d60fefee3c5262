// Finding things, layout and keyboard (issue 18): the device list's page and filter in the URL,
// deep links to a device's tab, the same outcome after every bulk action, a visible way to
// change one's own password, the layout at 1366 px, the keyboard (dialogs, tabs, the parameter
// tree, sortable columns, focus rings), and axe-core on every main screen in Japanese and English.
import { checkAxe } from "./axe.mjs";
import { startSim, until } from "./kanri.mjs";

// The company's screens (as its administrator) and the provider's (as the site administrator).
const COMPANY_SCREENS = ["/", "/devices", "/devices/refused", "/jobs", "/faults", "/device-groups", "/profiles", "/firmware", "/campaigns", "/accounts", "/roles", "/audit", "/settings", "/tokens", "/webhooks", "/account", "/security-data"];
const PROVIDER_SCREENS = [
  "/",
  "/provider/companies",
  "/provider/locked-accounts",
  "/provider/allocations",
  "/provider/refused-devices",
  "/provider/unassigned-devices",
  "/provider/audit",
  "/provider/jobs",
  "/provider/mail",
  "/provider/login-alarms",
  "/provider/tokens",
  "/provider/health",
  "/provider/maintenance",
  "/provider/incidents",
];

export async function navigationSteps({ page, kanri, step, shot, expect, adminPassword, rootPassword, axeReport = false }) {
  // Logging in and out in either language.
  const login = async (company, loginId, password) => {
    await page.goto("/login");
    await page.getByLabel(/^(会社ID|Company ID)/).fill(company);
    await page.getByLabel(/^(ログインID|Login ID)/).fill(loginId);
    await page.getByLabel(/^(パスワード|Password)/).fill(password);
    await page.getByRole("button", { name: /^(ログイン|Log in)$/ }).click();
    await page.getByRole("button", { name: /^(ログアウト|Log out)$/ }).waitFor();
  };
  const logout = async () => {
    await page.getByRole("button", { name: /^(ログアウト|Log out)$/ }).click();
    await page.getByRole("button", { name: /^(ログイン|Log in)$/ }).waitFor();
  };
  const admin = await kanri.session("ACME", "taro", adminPassword);
  const devices = await admin.call("GET", "/devices?limit=1&sort=serial_number");
  const deviceId = devices.items[0]?.id;
  const webhooks = await admin.call("GET", "/webhooks").catch(() => ({ items: [] }));
  const webhookId = webhooks.items?.[0]?.id;
  // DEV-7: a profile's page (its desired configuration and compliance counts).
  const profileId = (await admin.call("GET", "/profiles")).items[0]?.id;
  // DEV-6: a firmware campaign's page (its waves, reasons and devices).
  const campaignId = (await admin.call("GET", "/campaigns").catch(() => ({ items: [] }))).items?.[0]?.id;

  // Waits for the screen's heading (or the login form) before the check.
  const settle = async () => {
    await page.locator("h1").first().waitFor();
    await page.waitForLoadState("networkidle").catch(() => {});
    await page.locator(".loading").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => {});
  };
  // What is cut off at the page's width: tables that scroll sideways, and elements wider than the page.
  const cutOff = () =>
    page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll(".table-wrap, .content, .topbar, .page-header"))
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} (${el.scrollWidth} > ${el.clientWidth}): ${el.querySelector("caption, h1")?.textContent ?? ""}`);
      return out;
    });
  const overflow = [];
  const visit = async (path, lang) => {
    await page.goto(path);
    await settle();
    await checkAxe(page, path, { report: axeReport });
    for (const o of await cutOff()) overflow.push(`${lang} ${path}: ${o}`);
    if (lang === "en") await shot(`axe-${lang}${path.replace(/[/?=&]+/g, "-")}`, false);
  };

  await step("axe-core: every main screen in Japanese and English, no moderate, serious or critical violations; nothing cut off at 1366 px", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    for (const lang of ["ja", "en"]) {
      await page.goto("/login");
      await page.getByRole("button", { name: lang === "ja" ? "日本語" : "English" }).click();
      await settle();
      await checkAxe(page, "/login", { report: axeReport });
      await shot(`axe-${lang}-login`, false);
      await page.goto("/status");
      await settle();
      await checkAxe(page, "/status", { report: axeReport });

      await login("ACME", "taro", adminPassword);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      for (const path of COMPANY_SCREENS) await visit(path, lang);
      if (deviceId) for (const tab of ["summary", "parameters", "tasks", "compliance"]) await visit(`/devices/${deviceId}?tab=${tab}`, lang);
      if (profileId) await visit(`/profiles/${profileId}`, lang);
      if (campaignId) await visit(`/campaigns/${campaignId}`, lang);
      if (webhookId) await visit(`/webhooks/${webhookId}`, lang);
      await page.goto("/password");
      await settle();
      await checkAxe(page, "/password", { report: axeReport });
      await shot(`axe-${lang}-password`, false);
      await page.goto("/");
      await settle();
      await logout();

      await login("", "root", rootPassword);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      for (const path of PROVIDER_SCREENS) await visit(path, lang);
      await logout();
    }
    // Back to Japanese for what follows.
    await page.getByRole("button", { name: "日本語" }).click();
    if (axeReport) console.log("cut off at 1366 px:\n" + overflow.join("\n"));
    else expect(overflow.length === 0, "nothing cut off at 1366 px:\n" + overflow.join("\n"));
  });

  // The devices of ACME, counted through the API.
  const countDevices = async () => {
    let n = 0;
    let cursor = "";
    for (;;) {
      const r = await admin.call("GET", "/devices?limit=200" + (cursor ? "&cursor=" + cursor : ""));
      n += r.items.length;
      if (!r.next_cursor) return n;
      cursor = r.next_cursor;
    }
  };
  const firstSerial = async () => (await page.locator("tbody tr").first().getByRole("link").first().innerText()).trim();
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

  await step("issue 18: the device list keeps its page and filter in the URL (reload, Back, a shared link, the way back from a device)", async () => {
    // Two pages of the list: more simulated routers when the run has fewer than 51.
    const have = await countDevices();
    if (have < 51) {
      const root = await kanri.session("", "root", rootPassword);
      const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
      await root.call("POST", "/allocations", { company_id: acme.id, oui: "00D09E", serial_prefix: "NAV" });
      const sim = startSim(kanri, 51 - have + 2, "NAV");
      try {
        await until("two pages of devices", async () => (await countDevices()) >= 51, 120_000);
      } finally {
        await sim.stop();
      }
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    await login("ACME", "taro", adminPassword);
    await page.goto("/devices?sort=serial_number");
    await page.locator("tbody tr").first().waitFor();
    const first1 = await firstSerial();
    await page.getByRole("button", { name: "次へ" }).click();
    await page.waitForURL(/[?&]page=2/);
    await page.getByText("2 ページ目").waitFor();
    await until("the second page", async () => (await firstSerial()) !== first1, 10_000);
    const first2 = await firstSerial();
    expect(new URL(page.url()).searchParams.get("sort") === "serial_number", "the sort kept: " + page.url());
    await shot("91-devices-page-2", false);
    // Reload: the same page.
    await page.reload();
    await page.getByText("2 ページ目").waitFor();
    await until("page 2 after a reload", async () => (await firstSerial()) === first2, 10_000);
    // Back to the first page, and Forward again.
    await page.goBack();
    await page.getByText("1 ページ目").waitFor();
    await until("page 1 after Back", async () => (await firstSerial()) === first1, 10_000);
    expect(!page.url().includes("page="), "the first page has no ?page=: " + page.url());
    await page.goForward();
    await page.getByText("2 ページ目").waitFor();
    await until("page 2 after Forward", async () => (await firstSerial()) === first2, 10_000);
    // A shared link (a new tab, no history): the same page, its earlier pages read to find it.
    const shared = await page.context().newPage();
    await shared.goto(page.url());
    await shared.getByText("2 ページ目").waitFor();
    await until("page 2 from a shared link", async () => (await shared.locator("tbody tr").first().getByRole("link").first().innerText()).trim() === first2, 15_000);
    await shared.getByRole("button", { name: "前へ" }).click();
    await shared.getByText("1 ページ目").waitFor();
    await until("page 1 from the shared link's Previous", async () => (await shared.locator("tbody tr").first().getByRole("link").first().innerText()).trim() === first1, 15_000);
    await shared.close();
    // A device opened from page 2, and the way back: page 2 again.
    await page.getByRole("link", { name: first2 }).click();
    await page.getByRole("heading", { name: new RegExp(first2) }).waitFor();
    await page.getByRole("link", { name: "装置一覧へ" }).click();
    await page.getByText("2 ページ目").waitFor();
    expect(/[?&]page=2/.test(page.url()), "back on page 2: " + page.url());
    // A filter starts at the first page and is in the URL too.
    await page.getByLabel("検索", { exact: true }).fill("SIM");
    await page.getByRole("button", { name: "検索", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === "SIM" && !u.searchParams.has("page"));
    await page.getByText("1 ページ目").waitFor();
    await page.reload();
    expect((await page.getByLabel("検索", { exact: true }).inputValue()) === "SIM", "the search box after a reload");
  });

  await step("issue 18: a device's tab is in the URL (deep link, switching), and the tabs follow the WAI-ARIA keys", async () => {
    await page.goto(`/devices/${deviceId}?tab=parameters`);
    await page.getByRole("tab", { name: "パラメータ", selected: true }).waitFor();
    await page.getByRole("tree").waitFor();
    await page.getByRole("tab", { name: "タスク" }).click();
    await page.waitForURL(/[?&]tab=tasks/);
    // One tab stop: the selected tab; the arrows, Home and End move and select.
    const tabIndexes = await page.getByRole("tab").evaluateAll((tabs) => tabs.map((t) => t.getAttribute("tabindex")));
    // (Tasks is the third tab; DEV-7's compliance tab follows it.)
    expect(tabIndexes.filter((x) => x === "0").length === 1 && tabIndexes[2] === "0", "roving tabindex: " + JSON.stringify(tabIndexes));
    await page.getByRole("tab", { name: "タスク" }).focus();
    await page.keyboard.press("ArrowLeft");
    await page.getByRole("tab", { name: "パラメータ", selected: true }).waitFor();
    expect((await focused()) === "パラメータ", "focus on the parameters tab");
    await page.waitForURL(/[?&]tab=parameters/);
    await page.keyboard.press("Home");
    await page.getByRole("tab", { name: "概要", selected: true }).waitFor();
    await page.waitForURL((u) => !u.searchParams.has("tab"));
    await page.keyboard.press("End");
    await page.getByRole("tab").last().and(page.locator('[aria-selected="true"]')).waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("tab", { name: "概要", selected: true }).waitFor();
    // Back leaves the device (the tabs replace the URL rather than add to the history).
    await page.goto(`/devices/${deviceId}?tab=parameters`);
    await page.getByRole("tab", { name: "パラメータ", selected: true }).waitFor();
  });

  await step("issue 18: the parameter tree follows the WAI-ARIA tree keys; parameter names break at the dots", async () => {
    const tree = page.getByRole("tree");
    const stop = tree.locator('[role="treeitem"][tabindex="0"]');
    await stop.first().waitFor(); // the tree is drawn once the device's parameters have come
    expect((await stop.count()) === 1, "one tab stop in the tree");
    await stop.focus();
    const current = () => page.evaluate(() => document.activeElement?.getAttribute("data-path") ?? "");
    const start = await current();
    await page.keyboard.press("ArrowDown");
    const second = await current();
    expect(second !== start && second.startsWith("Device."), `Down moves: ${start} -> ${second}`);
    // The table follows the selection.
    await page.locator(".param-current").filter({ hasText: second }).waitFor();
    const item = page.locator(`[role="treeitem"][data-path="${second}"]`);
    if ((await item.getAttribute("aria-expanded")) !== null) {
      if ((await item.getAttribute("aria-expanded")) === "true") await page.keyboard.press("ArrowLeft");
      expect((await item.getAttribute("aria-expanded")) === "false", "Left closes");
      await page.keyboard.press("ArrowRight");
      expect((await item.getAttribute("aria-expanded")) === "true", "Right opens");
      await page.keyboard.press("ArrowRight");
      const child = await current();
      expect(child.startsWith(second) && child !== second, `Right moves into it: ${child}`);
      await page.keyboard.press("ArrowLeft");
      expect((await current()) === second, "Left moves back to the parent");
    }
    await page.keyboard.press("Home");
    expect((await current()) === start, "Home: the first object");
    await page.keyboard.press("End");
    expect((await current()) !== start, "End: the last object");
    await shot("92-device-tree-keyboard", false);
    // Long names break after their dots, not in the middle of a word, and nothing runs off at 1366 px.
    await page.getByLabel("パラメータ名・値で絞り込み").fill("AccessPoint.1.Security");
    await page.locator(".param-path wbr").first().waitFor({ state: "attached" });
    const wide = await page.evaluate(() => [...document.querySelectorAll(".table-wrap")].filter((w) => w.scrollWidth > w.clientWidth + 1).length);
    expect(wide === 0, "no parameter table scrolls sideways at 1366 px");
    await shot("93-device-parameters-1366", false);
  });

  await step("issue 18: every bulk action of the device list clears the selection and says what it did to how many devices", async () => {
    await page.goto("/devices?sort=serial_number");
    const rows = page.locator("tbody tr");
    await rows.first().waitFor();
    const select = async () => {
      await rows.nth(0).getByRole("checkbox").check();
      await rows.nth(1).getByRole("checkbox").check();
      await page.getByText("2 件選択中").waitFor();
    };
    const cleared = async () => {
      await page.getByText("件選択中").waitFor({ state: "detached" });
      expect((await page.locator("tbody input[type=checkbox]:checked").count()) === 0, "no row checked");
    };
    const bar = page.getByRole("region", { name: "選択した装置に" });
    // A dialog closed without doing anything gives the focus back to its button.
    await select();
    await bar.getByRole("button", { name: "再起動" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect((await focused()) === "再起動", "focus back on the bulk bar's reboot: " + (await focused()));
    // Reboot (queued for the next contact: the routers are not running).
    await bar.getByRole("button", { name: "再起動" }).click();
    let d = page.getByRole("dialog");
    await d.getByLabel("すぐに実行（接続要求を送る）").waitFor();
    // A dialog open over the list: axe too.
    await checkAxe(page, "/devices (reboot dialog)", { report: axeReport });
    await d.getByLabel("すぐに実行（接続要求を送る）").uncheck();
    await d.getByRole("button", { name: "再起動" }).click();
    await page.getByRole("status").filter({ hasText: "「再起動」を 2 台の装置に登録しました" }).waitFor();
    await cleared();
    await shot("94-devices-bulk-reboot", false);
    // A tag.
    await select();
    await bar.getByRole("button", { name: "タグを追加" }).click();
    d = page.getByRole("dialog");
    await d.getByLabel(/^タグ/).fill("nav-e2e");
    await checkAxe(page, "/devices (tag dialog)", { report: axeReport });
    await d.getByRole("button", { name: "適用" }).click();
    await page.getByRole("status").filter({ hasText: "タグ「nav-e2e」を 2 台の装置に追加しました" }).waitFor();
    await cleared();
    expect((await rows.nth(0).innerText()).includes("nav-e2e"), "the tag on the first row");
  });

  await step("issue 18: every account reaches its own password change from the account in the top bar", async () => {
    const reach = async (pageName, linkName, heading) => {
      await page.getByRole("link", { name: new RegExp(pageName) }).first().click();
      await page.getByRole("heading", { name: pageName, level: 1 }).waitFor();
      await page.getByRole("link", { name: linkName }).click();
      await page.getByRole("heading", { name: heading }).waitFor();
      expect(new URL(page.url()).pathname === "/password", "on /password: " + page.url());
    };
    // The company administrator (here), an account with a role, and the site administrator.
    await reach("アカウント設定", "パスワードを変更", "パスワードの変更");
    await shot("95-password-from-account", false);
    await page.goto("/");
    await logout();
    await login("ACME", "sato", "Sato-viewer-Passw0rd!");
    await reach("アカウント設定", "パスワードを変更", "パスワードの変更");
    await page.goto("/");
    await logout();
    await login("", "root", rootPassword);
    await page.getByRole("button", { name: "English" }).click();
    await reach("Account settings", "Change password", "Change password");
    await page.goto("/");
    await page.getByRole("button", { name: "日本語" }).click();
    await logout();
  });

  await step("issue 18: at 1366 px the roles page keeps Save in view while the matrix scrolls", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await login("ACME", "taro", adminPassword);
    await page.goto("/roles");
    await page.getByLabel("監視担当: 装置の閲覧").waitFor();
    await page.getByLabel("監視担当: 装置の閲覧").uncheck();
    const save = page.getByRole("button", { name: "変更を保存" });
    await save.waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(200);
    const box = await save.boundingBox();
    expect(box && box.y >= 56 && box.y + box.height <= 768, "Save in view after scrolling: " + JSON.stringify(box));
    await shot("96-roles-sticky-save", false);
    await page.getByRole("button", { name: "変更を破棄" }).click();
  });

  await step("issue 18: sortable columns announce their order (aria-sort); dialogs give the focus back; focus rings on every control", async () => {
    await page.goto("/accounts");
    const nameHeader = page.getByRole("columnheader", { name: /氏名/ });
    await nameHeader.getByRole("button").click();
    expect((await nameHeader.getAttribute("aria-sort")) === "ascending", "ascending");
    await nameHeader.getByRole("button").click();
    expect((await nameHeader.getAttribute("aria-sort")) === "descending", "descending");
    await page.goto("/devices");
    const serial = page.getByRole("columnheader", { name: /シリアル番号/ });
    await serial.getByRole("button").click();
    await page.waitForURL((u) => u.searchParams.get("sort") === "serial_number");
    // The header follows once the server's sorted page has come back, not with the URL.
    let sort = null;
    for (let i = 0; i < 50 && sort !== "ascending"; i++) {
      sort = await serial.getAttribute("aria-sort");
      if (sort !== "ascending") await page.waitForTimeout(100);
    }
    expect(sort === "ascending", "the device list's server-side sort announced");

    // A dialog opened from a row gives the focus back to that row's button when it closes.
    await page.goto("/accounts");
    const edit = page.getByRole("row", { name: /佐藤 花子/ }).getByRole("button", { name: /編集/ });
    await edit.click();
    await page.getByRole("dialog").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "キャンセル" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await edit.evaluate((el) => el === document.activeElement), "focus back on the row's edit button");

    // Tab through the screen: every control that takes the focus shows a ring (an outline of
    // 2 px or more, or the text fields' ring).
    const missing = [];
    for (const path of ["/devices", `/devices/${deviceId}?tab=parameters`, "/accounts", "/roles"]) {
      await page.goto(path);
      await page.locator("h1").first().waitFor();
      await page.waitForLoadState("networkidle").catch(() => {});
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      for (let i = 0; i < 45; i++) {
        await page.keyboard.press("Tab");
        const ring = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const target = el.getAttribute("role") === "treeitem" ? el.firstElementChild : el;
          // The ring as it ends up (a text field's ring fades in).
          for (const a of target.getAnimations()) a.finish();
          const cs = getComputedStyle(target);
          const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
          const shadow = cs.boxShadow !== "none" && /\b[2-9]px\b/.test(cs.boxShadow);
          return { ok: outline || shadow, what: `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"` };
        });
        if (ring && !ring.ok) missing.push(`${path}: ${ring.what}`);
      }
    }
    expect(missing.length === 0, "a focus ring on every control:\n" + [...new Set(missing)].join("\n"));
    await page.goto(`/devices/${deviceId}?tab=parameters`);
    await page.getByRole("tab", { name: "パラメータ", selected: true }).focus();
    await page.keyboard.press("Shift");
    await shot("97-focus-ring-tab", false);
    await logout();
    await page.setViewportSize({ width: 1280, height: 800 });
  });
}
