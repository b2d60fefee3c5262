// Running the service for customers (issue 15) in the browser: the site administrator schedules
// a maintenance window, first too soon (the server's 422 notice_too_short and the earliest start
// it names, shown by the start field), then at that earliest start (OPS-1); publishes an incident
// drafted through the API, and the company's administrator sees it in the console's banner and
// on the status page (OPS-2); the service's health and availability chart (OPS-3); the public
// status page without login, in Japanese and English, naming no company; and "Security and
// data" with the retention the server reports (DATA-7). Screenshots at 1366 px wide.

const JST_MS = 9 * 3600_000;
// A UTC instant as the value of a datetime-local field in JST ("2025-03-14T00:00").
const jstLocal = (ms) => new Date(ms + JST_MS).toISOString().slice(0, 16);

export async function serviceNoticeSteps({ page, kanri, step, shot, expect, nav, login, logout, adminPassword, rootPassword }) {
  const root = await kanri.session("", "root", rootPassword);
  const acme = (await root.call("GET", "/companies")).items.find((c) => c.code === "ACME");
  const MAINTENANCE_JA = "コアルーターの定期メンテナンス";
  const MAINTENANCE_EN = "Core router maintenance";
  const INCIDENT_JA = "一部の装置で設定変更が遅延";
  const INCIDENT_EN = "Configuration changes delayed for some devices";
  await page.setViewportSize({ width: 1366, height: 900 });

  await step("OPS-1: the site administrator schedules maintenance; a start too soon is refused with the earliest start shown next to the field", async () => {
    await login("", "root", rootPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("メンテナンス").click();
    await page.getByRole("heading", { name: "メンテナンス", level: 1 }).waitFor();
    const calendar = await root.call("GET", "/maintenance/calendar?days=1");
    await page.getByTestId("calendar-earliest").getByText(calendar.earliest_start_jst).waitFor();
    const earliestDay = page.locator(`td[data-date="${calendar.earliest_start_jst.slice(0, 10)}"]`);
    if (await earliestDay.count()) expect((await earliestDay.innerText()).includes("最短開始"), "the calendar marks the earliest day");
    await shot("80-provider-maintenance-calendar");

    await page.getByRole("button", { name: "メンテナンスを告知" }).click();
    const dialog = page.getByRole("dialog", { name: "メンテナンスを告知" });
    await dialog.getByText(`計画メンテナンスの最も早い開始: ${calendar.earliest_start_jst}`).waitFor();
    const soon = Date.now() + 3600_000;
    await dialog.getByLabel(/^開始日時/).fill(jstLocal(soon));
    await dialog.getByLabel(/^終了日時/).fill(jstLocal(soon + 2 * 3600_000));
    await dialog.getByLabel("タイトル（日本語）").fill(MAINTENANCE_JA);
    await dialog.getByLabel("タイトル（英語）").fill(MAINTENANCE_EN);
    await dialog.getByLabel("本文（日本語）").fill("作業中は装置からの接続が最大 10 分間途切れます。");
    await dialog.getByLabel("本文（英語）").fill("Device connections may drop for up to 10 minutes.");
    await dialog.getByRole("button", { name: "告知してメール送信" }).click();
    const refusal = dialog.getByTestId("earliest-start");
    await refusal.waitFor();
    const shown = await refusal.innerText();
    const now = await root.call("GET", "/maintenance/calendar?days=1");
    expect(shown.includes(now.earliest_start_jst), `the server's earliest start (${now.earliest_start_jst}) beside the field: ${shown}`);
    expect((await dialog.getByLabel(/^開始日時/).getAttribute("aria-invalid")) === "true", "the start field is marked");
    await dialog.getByText("告知期間が足りません（3 営業日前までの告知が必要です）").waitFor();
    await shot("81-maintenance-refused", false);

    await refusal.getByRole("button", { name: "この日時にする" }).click();
    expect((await dialog.getByLabel(/^開始日時/).inputValue()) === jstLocal(Date.parse(now.earliest_start)), "the start is the earliest one");
    await dialog.getByLabel(/^終了日時/).fill(jstLocal(Date.parse(now.earliest_start) + 2 * 3600_000));
    await dialog.getByRole("button", { name: "告知してメール送信" }).click();
    await page.getByRole("status").filter({ hasText: "メンテナンスを告知しました" }).first().waitFor();
    const row = page.getByRole("row", { name: new RegExp(MAINTENANCE_JA) });
    await row.waitFor();
    const text = await row.innerText();
    expect(text.includes("予定") && text.includes("すべての会社"), "scheduled, for all companies: " + text);
    const listed = (await root.call("GET", "/maintenance?state=scheduled")).items.find((w) => w.title_en === MAINTENANCE_EN);
    expect(listed && Date.parse(listed.starts_at) === Date.parse(now.earliest_start), "saved with the earliest start, in UTC: " + JSON.stringify(listed));
    await shot("82-provider-maintenance");
  });

  await step("OPS-2: an incident drafted through the API is marked as a draft, published after a confirmation, with its time to publication", async () => {
    await root.call("POST", "/incidents", { scope: [acme.id], severity: "major", title_ja: INCIDENT_JA, title_en: INCIDENT_EN, body_ja: "原因を調査しています。", body_en: "We are investigating." });
    await nav("障害情報").click();
    await page.getByRole("heading", { name: "障害情報", level: 1 }).waitFor();
    const row = page.getByRole("row", { name: new RegExp(INCIDENT_JA) });
    await row.getByText("未公開の下書き").waitFor();
    expect(/検知から \d+ 分経過（未公開）/.test(await row.innerText()), "the draft's age: " + (await row.innerText()));
    await shot("83-provider-incidents-draft");
    const publish = row.getByRole("button", { name: `公開 ${INCIDENT_JA}` });
    const confirm = page.getByRole("dialog", { name: "障害情報を公開" });
    // Backing out of the confirmation returns focus to the button that asked.
    await publish.click();
    await confirm.getByRole("button", { name: "キャンセル" }).click();
    await confirm.waitFor({ state: "hidden" });
    expect(await publish.evaluate((b) => b === document.activeElement), "focus back on the publish button");
    await publish.click();
    await confirm.getByText(`次の会社の管理者にメールで通知されます: ${acme.name}。`, { exact: false }).waitFor();
    await shot("84-incident-publish-confirm", false);
    await confirm.getByRole("button", { name: "公開" }).click();
    await page.getByRole("status").filter({ hasText: "障害情報を公開し、対象の会社に通知しました" }).first().waitFor();
    await row.getByText(/検知から \d+ 分で公開/).waitFor();
    expect(!(await row.getByText("未公開の下書き").count()), "no longer a draft");
  });

  await step("OPS-2/OPS-3: the service's health checks and the availability of the last 12 months", async () => {
    await nav("稼働状況").click();
    await page.getByRole("heading", { name: "稼働状況", level: 1 }).waitFor();
    const health = await root.call("GET", "/operations/health");
    for (const c of health.checks) await page.getByTestId(`check-${c.name}`).waitFor();
    const failing = health.checks.filter((c) => !c.ok).length;
    expect((await page.locator(".health-check-failing").count()) === failing, `${failing} failing checks highlighted`);
    await page.getByRole("img", { name: /月間稼働率（過去 12 か月）/ }).waitFor();
    const rows = await page.getByRole("table", { name: "月間稼働率（過去 12 か月）" }).locator("tbody tr").count();
    expect(rows === 12, "12 months in the table: " + rows);
    await shot("85-provider-service-health");
    await logout();
  });

  await step("OPS-2: the company's administrator sees the incident and the maintenance in the console's banner, and its own incident on the status page", async () => {
    await login("ACME", "taro", adminPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    const banner = page.getByRole("region", { name: "お知らせ" });
    await banner.getByText(INCIDENT_JA).waitFor();
    await banner.getByText(MAINTENANCE_JA).waitFor();
    await shot("86-company-banner", false);
    // Dismissed for the session; the incident stays.
    await banner.getByRole("button", { name: `閉じる: ${MAINTENANCE_JA}` }).click();
    await banner.getByText(MAINTENANCE_JA).waitFor({ state: "detached" });
    await banner.getByText(INCIDENT_JA).waitFor();
    await nav("アカウント").click();
    await page.getByRole("heading", { name: "アカウント" }).waitFor();
    expect(!(await banner.getByText(MAINTENANCE_JA).count()), "still dismissed on the next screen");

    await banner.getByRole("link", { name: "詳細" }).first().click();
    await page.getByRole("heading", { name: "サービスの稼働状況", level: 1 }).waitFor();
    const own = page.getByRole("region", { name: "貴社へのお知らせ" });
    await own.getByText(INCIDENT_JA).waitFor();
    await shot("87-status-logged-in");
    await page.getByRole("link", { name: "管理コンソールへ" }).click();
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
  });

  await step("DATA-7: “Security and data” shows where data is kept and the retention the server reports", async () => {
    await nav("セキュリティとデータ").click();
    await page.getByRole("heading", { name: "セキュリティとデータ", level: 1 }).waitFor();
    const admin = await kanri.session("ACME", "taro", adminPassword);
    const data = await admin.call("GET", "/security-data");
    expect((await page.getByTestId("data-residency").innerText()).includes(data.data_residency), "the residency " + data.data_residency);
    const text = await page.locator("main").innerText();
    for (const expected of [
      `毎日 ${data.backup_time_jst}（JST）`,
      `${data.retention.history_days} 日`,
      `最後の通信から ${data.retention.device_retention_days} 日で削除`,
      `${data.retention.inactivity_delete_days} 日後`,
      `${data.retention.session_idle_minutes} 分でログアウト`,
      `最長 ${data.retention.session_lifetime_hours} 時間`,
    ])
      expect(text.includes(expected), `"${expected}" on the page`);
    await shot("88-security-and-data");
    await logout();
  });

  await step("OPS-2: the status page without login, from the login page, in Japanese and English, naming no company", async () => {
    await page.getByRole("link", { name: "サービスの稼働状況" }).click();
    await page.getByRole("heading", { name: "サービスの稼働状況", level: 1 }).waitFor();
    const status = await (await fetch(kanri.baseUrl + "/api/v1/status")).json();
    await page.getByTestId("service-state").waitFor();
    await page.getByRole("region", { name: "メンテナンス" }).getByText(MAINTENANCE_JA).waitFor();
    // The incident was for ACME alone: not on the public page, and no company is named.
    const text = await page.locator("body").innerText();
    expect(!text.includes(INCIDENT_JA), "a company's incident is not public");
    expect(!text.includes(acme.name) && !text.includes("ACME"), "no company named");
    expect(!JSON.stringify(status).includes(acme.name) && !JSON.stringify(status).includes(acme.id), "no company in the data");
    expect(status.days.length === 90 && status.months.length === 12, "90 days and 12 months");
    await page.getByRole("img", { name: /過去 90 日間/ }).waitFor();
    expect(!(await page.getByRole("link", { name: "管理コンソールへ" }).count()), "not logged in");
    await shot("89-status-ja");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Service status", level: 1 }).waitFor();
    await page.getByRole("region", { name: "Maintenance" }).getByText(MAINTENANCE_EN).waitFor();
    expect((await page.locator("html").getAttribute("lang")) === "en", "html lang=en");
    await shot("90-status-en");
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByRole("heading", { name: "サービスの稼働状況", level: 1 }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });
}
