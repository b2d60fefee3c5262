// Service operation steps of the browser tests (issue 12): the site administrator runs a job
// now on the jobs page and sees its outcome, and opens the login alarms and the mail outbox;
// then a company whose contract ended shows its deletion schedule (DATA-6), and the unassigned
// devices page its (here empty) list.

export async function operationSteps({ page, kanri, step, shot, expect, nav, login, logout, rootPassword }) {
  await step("the site administrator runs session-purge on the jobs page and sees its outcome", async () => {
    await login("", "root", rootPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("ジョブ").click();
    await page.getByRole("heading", { name: "ジョブ" }).waitFor();
    const row = page.getByRole("row", { name: /session-purge/ });
    await row.waitFor();
    expect((await row.innerText()).includes("終了したログインセッションと、期限切れから 90 日たった API トークンを削除します"), "its description in Japanese: " + (await row.innerText()));
    await row.getByRole("button", { name: /今すぐ実行/ }).click();
    const outcome = page.getByTestId("job-run-outcome");
    await outcome.waitFor();
    const text = await outcome.innerText();
    // Sessions, and (SEC-9) API tokens 90 days after they expired.
    expect(/^session-purge を実行しました（削除 \d+・期限切れトークンの削除 \d+）$/.test(text), "the run's outcome with its counts: " + text);
    await page.getByRole("status").filter({ hasText: "session-purge を実行しました" }).first().waitFor();
    // The list is read again: the job's last outcome is a success.
    await row.getByText("成功").waitFor();
    await shot("30-provider-jobs");
  });

  await step("the login alarms page shows its table (possibly empty), newest first", async () => {
    await nav("警報").click();
    await page.getByRole("heading", { name: "警報" }).waitFor();
    const table = page.getByRole("table", { name: "警報" });
    await table.waitFor();
    for (const header of ["発生（JST）", "原因", "対象", "失敗 / しきい値", "最初の失敗（JST）"])
      await table.getByRole("columnheader", { name: header }).waitFor();
    const rows = await table.locator("tbody tr").count();
    if (rows === 0) await page.getByText("警報はありません").waitFor();
    await shot("31-provider-login-alarms");
  });

  await step("the mail outbox lists the service's mail with a state filter", async () => {
    await nav("メール送信").click();
    await page.getByRole("heading", { name: "メール送信" }).waitFor();
    await page.getByRole("table", { name: "メール送信" }).waitFor();
    await page.getByLabel("状態").selectOption("failed");
    await page.getByRole("button", { name: "検索" }).click();
    await page.getByRole("table", { name: "メール送信" }).waitFor();
    await shot("32-provider-mail");
  });

  await step("DATA-6: a company whose contract ended shows its deletion schedule; the unassigned devices page explains its list", async () => {
    // A contract whose last day was yesterday (JST): ended, nothing deleted yet (the accounts go
    // a third of the grace later), so the company can still be changed.
    const yesterdayJst = new Date(Date.now() + 9 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const root = await kanri.session("", "root", rootPassword);
    const ended = await root.call("POST", "/companies", { code: "ENDCO", name: "終了テスト株式会社", contract_start: "2025-04-01", contract_end: yesterdayJst });
    expect(ended.deletion_stage === 0 && ended.deletion_schedule?.accounts_at_jst?.endsWith(" JST"), "a schedule in JST: " + JSON.stringify(ended));
    await nav("会社・契約").click();
    const row = page.getByRole("row", { name: /ENDCO/ });
    await row.waitFor();
    const text = await row.innerText();
    expect(text.includes("契約終了") && text.includes("削除前"), "the contract-ended state: " + text);
    expect(text.includes(`次の削除: アカウント（${ended.deletion_schedule.accounts_at_jst}）`), "the next step with its JST time: " + text);
    expect(await row.getByRole("button", { name: "編集" }).isEnabled(), "still editable before the first step");
    const acme = await page.getByRole("row", { name: /ACME/ }).innerText();
    expect(acme.includes("契約中") && !acme.includes("契約終了"), "ACME's contract runs: " + acme);
    await shot("33-provider-companies-contract-end");

    await nav("未割り当ての装置").click();
    await page.getByRole("heading", { name: "未割り当ての装置" }).waitFor();
    await page.getByText("契約終了後に削除された会社の装置です。").waitFor();
    const table = page.getByRole("table", { name: "未割り当ての装置" });
    await table.waitFor();
    for (const header of ["シリアル番号", "OUI / 製品クラス", "元の会社ID", "最終通信（JST）", "切り離し（JST）"])
      await table.getByRole("columnheader", { name: header }).waitFor();
    // No company was deleted in this run.
    await page.getByText("未割り当ての装置はありません").waitFor();
    await shot("34-provider-unassigned-devices");
    await logout();
  });
}
