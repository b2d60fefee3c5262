// Service operation steps of the browser tests (issue 12): the site administrator runs a job
// now on the jobs page and sees its outcome, and opens the login alarms and the mail outbox.

export async function operationSteps({ page, step, shot, expect, nav, login, logout, rootPassword }) {
  await step("the site administrator runs session-purge on the jobs page and sees its outcome", async () => {
    await login("", "root", rootPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("ジョブ").click();
    await page.getByRole("heading", { name: "ジョブ" }).waitFor();
    const row = page.getByRole("row", { name: /session-purge/ });
    await row.waitFor();
    expect((await row.innerText()).includes("終了したログインセッションを削除します"), "its description in Japanese: " + (await row.innerText()));
    await row.getByRole("button", { name: /今すぐ実行/ }).click();
    const outcome = page.getByTestId("job-run-outcome");
    await outcome.waitFor();
    const text = await outcome.innerText();
    expect(/^session-purge を実行しました（削除 \d+）$/.test(text), "the run's outcome with its count: " + text);
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
    await logout();
  });
}
