// Device allocation steps of the browser tests (issue 10): the site administrator allocates
// the simulated routers to ACME on the allocations page (devices join a company only through
// an allocation), imports a CSV whose bad lines are reported line by line before a good one
// goes in, searches, reads and deletes an allocation, and sees the companies page's lab
// setting for unauthenticated devices.

export async function allocationSteps({ page, step, shot, expect, nav, login, logout, rootPassword }) {
  await step("the site administrator allocates the simulated routers to ACME on the allocations page", async () => {
    await login("", "root", rootPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("装置の割り当て").click();
    await page.getByRole("heading", { name: "装置の割り当て" }).waitFor();
    await page.getByText("割り当てはまだありません").waitFor();
    await page.getByRole("button", { name: "割り当てを登録" }).click();
    const d = page.getByRole("dialog");
    // The form names what is missing before anything is sent.
    await d.getByRole("button", { name: "作成" }).click();
    await d.getByText("会社を選んでください").waitFor();
    await d.getByLabel(/^会社\*?$/).selectOption({ label: "ACME — アクメ通信株式会社" });
    await d.getByLabel(/^OUI\*?$/).fill("00d09e");
    await d.getByLabel("製品クラス", { exact: true }).fill("SimGateway");
    await d.getByLabel("シリアル番号の範囲").check();
    await d.getByLabel("範囲の開始").fill("SIM000001");
    await d.getByLabel("範囲の終了").fill("SIM00003");
    await d.getByRole("button", { name: "作成" }).click();
    await d.getByText("範囲の開始と終了は同じ桁数にしてください").waitFor();
    await d.getByLabel("範囲の終了").fill("SIM000003");
    await d.getByLabel("メモ").fill("検証用シミュレーター");
    await shot("16-allocation-create");
    await d.getByRole("button", { name: "作成" }).click();
    await page.getByText("割り当てを登録しました").waitFor();
    const row = page.getByRole("row", { name: /SIM000001–SIM000003/ });
    await row.waitFor();
    const text = await row.innerText();
    expect(text.includes("ACME") && text.includes("00D09E") && text.includes("SimGateway"), "company, OUI (upper-case) and class: " + text);
  });

  await step("CSV import: bad lines are reported line by line and nothing is stored; a good file goes in", async () => {
    await page.getByRole("button", { name: "CSV インポート" }).click();
    const d = page.getByRole("dialog");
    await d
      .getByLabel("または CSV を貼り付け")
      .fill("company_code,oui,product_class,serial\nACME,00D09E,SimGateway,IMP000001\nNOPE,00D09E,SimGateway,IMP000002\nACME,XYZ,SimGateway,IMP000003\n");
    await d.getByRole("button", { name: "インポート" }).click();
    await d.getByText("2 行に誤りがあるため、何も登録されませんでした。").waitFor();
    const report = d.getByRole("table", { name: "誤りのある行" });
    const unknown = report.getByRole("row", { name: /存在しない会社ID/ });
    expect((await unknown.innerText()).startsWith("3"), "line 3: " + (await unknown.innerText()));
    const invalid = report.getByRole("row", { name: /形式が正しくない/ });
    expect((await invalid.innerText()).startsWith("4") && (await invalid.innerText()).includes("OUI"), "line 4, the OUI: " + (await invalid.innerText()));
    await shot("17-allocation-import-report");
    // All or nothing: the good line 2 was not stored either.
    await d.getByRole("button", { name: "キャンセル" }).click();
    expect((await page.getByRole("row", { name: /台（シリアル指定）/ }).count()) === 0, "nothing stored, not even the good line 2");

    await page.getByRole("button", { name: "CSV インポート" }).click();
    await d.getByLabel("CSV ファイル").setInputFiles({
      name: "allocations.csv",
      mimeType: "text/csv",
      // As Excel saves it: a BOM and CRLF line ends.
      buffer: Buffer.from("\uFEFFcompany_code,oui,product_class,serial\r\nACME,00D09E,SimGateway,IMP000001\r\nACME,00D09E,SimGateway,IMP000002\r\n", "utf8"),
    });
    await d.getByRole("button", { name: "インポート" }).click();
    await page.getByText("1 件の割り当て（2 台）を登録しました").waitFor();
    await page.getByRole("row", { name: /2 台（シリアル指定）/ }).waitFor();
  });

  await step("allocations: search by serial, the serial list, and deletion with confirmation", async () => {
    await page.getByLabel("シリアル番号で検索").fill("IMP000002");
    await page.getByRole("button", { name: "検索" }).click();
    await page.waitForLoadState("networkidle");
    await page.getByRole("row", { name: /2 台（シリアル指定）/ }).waitFor();
    expect((await page.getByRole("row", { name: /SIM000001–SIM000003/ }).count()) === 0, "only the allocation covering IMP000002");
    await shot("18-allocations");
    const row = page.getByRole("row", { name: /2 台（シリアル指定）/ });
    await row.getByRole("button", { name: "詳細" }).click();
    const detail = page.getByRole("dialog");
    const list = detail.getByRole("list", { name: "シリアル番号" });
    await list.getByText("IMP000002").waitFor();
    expect((await list.getByRole("listitem").count()) === 2, "two serials listed");
    await detail.getByRole("button", { name: "閉じる" }).first().click();
    await row.getByRole("button", { name: /^削除/ }).click();
    const confirm = page.getByRole("dialog");
    await confirm.getByText(/ACME への割り当て（OUI 00D09E・2 台（シリアル指定））を削除します/).waitFor();
    await confirm.getByRole("button", { name: "削除" }).click();
    await page.getByText("割り当てを削除しました").waitFor();
    await page.getByText("条件に一致する割り当てはありません").waitFor();
    await page.getByRole("button", { name: "クリア" }).click();
    await page.getByRole("row", { name: /SIM000001–SIM000003/ }).waitFor();
  });

  await step("the companies page offers the lab setting for unauthenticated devices, with a warning", async () => {
    await nav("会社・契約").click();
    await page.getByRole("row", { name: /ACME/ }).getByRole("button", { name: "編集" }).click();
    const d = page.getByRole("dialog");
    const toggle = d.getByLabel("認証なしの装置を許可する（検証用）");
    expect(!(await toggle.isChecked()), "off by default");
    await toggle.check();
    await d.getByText("検証環境のための設定です").waitFor();
    await shot("19-company-lab-setting");
    // Left off: ACME's profiles may not use "none" (checked on the profile form below).
    await d.getByRole("button", { name: "キャンセル" }).click();
    await logout();
  });
}
