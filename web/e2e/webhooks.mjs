// Webhook steps of the browser tests (SEC-9): the company administrator is refused a target
// Kanri must not send to, on the URL field in Japanese; creates a webhook to a real HTTPS
// receiver on loopback and sees its secret once; sends a test event that arrives signed with
// that secret (Standard Webhooks) and shows as delivered in the log; a failing receiver shows
// its HTTP status and the next attempt; editing the events and disabling it, then deleting it.
//
// The receiver starts before the server (startReceiver), which is told to trust its
// certificate (--webhook-ca-file) and to send every second (--webhook-interval).
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "./kanri.mjs";

const WEBHOOK = "監視システム連携";
// Never a target: the unspecified address is refused whatever the address policy allows.
const REFUSED_URL = "https://0.0.0.0:9/kanri";

// An HTTPS endpoint on 127.0.0.1 with a fresh self-signed certificate, recording every request
// (headers, body) and answering `answerWith`'s status (204 at first).
export async function startReceiver() {
  const dir = mkdtempSync(join(tmpdir(), "kanri-webhook-receiver-"));
  chmodSync(dir, 0o755); // the server reads cert.pem as its own user (kanri-test when run as root, OPS-4)
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { stdio: "ignore" });
  const requests = [];
  let status = 204;
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${server.address().port}/kanri/events`,
    caFile: cert,
    requests,
    answerWith: (s) => {
      status = s;
    },
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Standard Webhooks: "v1," and the base64 HMAC-SHA256, keyed with the secret's bytes, of
// "<webhook-id>.<webhook-timestamp>.<body>"; the header may hold several, space-separated.
export function signedWith(secret, request) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signatures = "" } = request.headers;
  const expected = "v1," + createHmac("sha256", key).update(`${id}.${timestamp}.${request.body}`).digest("base64");
  return signatures.split(" ").includes(expected);
}

export async function webhookSteps({ page, kanri, receiver, step, shot, expect, nav, login, logout, adminPassword }) {
  let secret = "";

  await step("SEC-9: webhooks: a target Kanri must not send to is refused on the URL; a webhook to the receiver is created and its secret shown once", async () => {
    await login("ACME", "taro", adminPassword);
    await page.getByRole("heading", { name: "ダッシュボード" }).waitFor();
    await nav("Webhook").click();
    await page.getByRole("heading", { name: "Webhook" }).waitFor();
    await page.getByText("Webhook はまだありません").waitFor();
    await page.getByRole("button", { name: "Webhook を作成" }).click();
    const d = page.getByRole("dialog", { name: "Webhook を作成" });
    await d.getByLabel(/^名前/).fill(WEBHOOK);
    await d.getByLabel(/^送信先 URL/).fill(REFUSED_URL);
    for (const event of ["装置の登録", "タスクの完了", "タスクの失敗"]) await d.getByRole("checkbox", { name: new RegExp(event) }).check();
    await d.getByRole("button", { name: "作成" }).click();
    await d.getByText("この URL の送信先はループバックや社内ネットワークなどのプライベートアドレスのため、送信できません。", { exact: false }).waitFor();
    expect((await d.getByLabel(/^送信先 URL/).getAttribute("aria-invalid")) === "true", "the URL field is marked");
    await shot("60-webhook-refused-address");

    await d.getByLabel(/^送信先 URL/).fill(receiver.url);
    await d.getByRole("button", { name: "作成" }).click();
    const issued = page.getByRole("dialog", { name: "Webhook を作成しました" });
    secret = await issued.getByTestId("issued-webhook-secret").innerText();
    expect(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/.test(secret), "a Standard Webhooks secret: " + secret);
    await issued.getByText("署名シークレットは今回だけ表示されます。").waitFor();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: kanri.baseUrl });
    await issued.getByRole("button", { name: "コピー: 署名シークレット" }).click();
    await issued.getByRole("button", { name: "コピーしました: 署名シークレット" }).waitFor();
    expect((await page.evaluate(() => navigator.clipboard.readText())) === secret, "the secret copied");
    await shot("61-webhook-secret-once", false);
    await issued.getByRole("button", { name: "閉じる" }).last().click();
    expect((await page.getByText(secret).count()) === 0, "the secret is gone");

    const row = page.getByRole("row", { name: new RegExp(WEBHOOK) });
    await row.waitFor();
    const text = await row.innerText();
    expect(text.includes("有効") && text.includes("装置の登録") && text.includes("配信なし"), "the row: " + text);
    await shot("62-webhooks");
  });

  await step("SEC-9: a test event reaches the receiver signed with that secret; the log shows it delivered, in JST", async () => {
    await page.getByRole("link", { name: WEBHOOK }).click();
    await page.getByRole("heading", { name: WEBHOOK }).waitFor();
    expect((await page.getByText(secret).count()) === 0, "no secret on the webhook's page");
    await page.getByRole("button", { name: "テストイベント送信" }).click();
    await page.getByRole("status").filter({ hasText: "テストイベントを送信待ちにしました" }).first().waitFor();
    const test = await until("the test event at the receiver", () => receiver.requests.find((r) => r.body.includes('"webhook.test"')), 60_000);
    expect(test.method === "POST" && test.path === "/kanri/events", `POST to the URL's path: ${test.method} ${test.path}`);
    expect(signedWith(secret, test), "signed with the secret shown once: " + JSON.stringify(test.headers));
    expect(JSON.parse(test.body).type === "webhook.test", "the body's type: " + test.body);

    const delivered = page.getByRole("row", { name: /テストイベント/ }).first();
    await until("the test delivery shown delivered", async () => (await delivered.innerText()).includes("配信済み"), 30_000);
    const text = await delivered.innerText();
    const todayJst = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(text.includes("HTTP 204") && text.includes(todayJst) && text.includes("webhook.test"), "the delivery: " + text);
    await shot("63-webhook-delivered");
  });

  await step("SEC-9: a failing receiver: its HTTP status and the next attempt in the log; edited and disabled, no test; deleted after asking", async () => {
    receiver.answerWith(503);
    await page.getByRole("button", { name: "テストイベント送信" }).click();
    const retrying = page.getByRole("row", { name: /HTTP 503/ }).first();
    await until("the failed attempt in the log", async () => (await retrying.count()) === 1, 60_000);
    const text = await retrying.innerText();
    expect(text.includes("送信待ち") && text.includes("次の試行"), "waiting for its next attempt: " + text);
    await shot("64-webhook-retrying");
    receiver.answerWith(204);

    await page.getByRole("button", { name: "編集", exact: true }).click();
    const edit = page.getByRole("dialog", { name: "Webhook の編集" });
    await edit.getByRole("checkbox", { name: /装置の登録/ }).uncheck();
    await edit.getByRole("switch", { name: "有効にする" }).uncheck();
    await edit.getByRole("button", { name: "保存" }).click();
    await page.getByRole("status").filter({ hasText: "Webhook を保存しました" }).first().waitFor();
    expect(await page.getByRole("button", { name: "テストイベント送信" }).isDisabled(), "no test event for a disabled webhook");
    const admin = await kanri.session("ACME", "taro", adminPassword);
    const saved = (await admin.call("GET", "/webhooks")).items.find((w) => w.name === WEBHOOK);
    expect(!saved.enabled && saved.events.join(" ") === "task.done task.failed", "saved: " + JSON.stringify(saved));

    await page.getByRole("button", { name: "削除", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Webhook の削除" });
    await confirm.getByText(`Webhook「${WEBHOOK}」を削除します。`, { exact: false }).waitFor();
    await confirm.getByRole("button", { name: "削除" }).click();
    await page.getByRole("status").filter({ hasText: "Webhook を削除しました" }).first().waitFor();
    await page.getByText("Webhook はまだありません").waitFor();
    await logout();
  });
}
