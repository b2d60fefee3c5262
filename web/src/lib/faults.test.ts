import { createI18n } from "../i18n";
import { attemptText, faultGroupOfKey, faultGroupText, jstClock, mayRetry, retryWaitText, RETRY_PERMISSIONS } from "./faults";

const ja = createI18n("ja").t;
const en = createI18n("en").t;
// 2026-12-07 10:00 JST.
const NOW = Date.parse("2026-12-07T01:00:00Z");

describe("faults in words (DEV-8)", () => {
  it("names a group by its CPE fault with the meaning, or by our error, in both languages", () => {
    const cpe = { fault: "9005", fault_code: 9005, error: null };
    expect(faultGroupText(ja, cpe)).toBe("9005 パラメータ名が正しくありません（装置にないパラメータ）");
    expect(faultGroupText(en, cpe)).toMatch(/^9005 [A-Z][a-z]/);
    const timeout = { fault: "timeout", fault_code: null, error: "timeout" };
    expect(faultGroupText(ja, timeout)).toBe("装置が応答しませんでした");
    expect(faultGroupText(en, timeout)).not.toMatch(/[ぁ-んァ-ヶ一-龠]/);
    // An error the console has no words for is shown as it is, not as a bare key.
    expect(faultGroupText(ja, { fault: "brand_new", fault_code: null, error: "brand_new" })).toBe("brand_new");
  });

  it("reads a group from its key alone (a link to a group that has gone since)", () => {
    expect(faultGroupOfKey("9002")).toEqual({ fault: "9002", fault_code: 9002, error: null });
    expect(faultGroupOfKey("interrupted")).toEqual({ fault: "interrupted", fault_code: null, error: "interrupted" });
    expect(faultGroupText(ja, faultGroupOfKey("9004"))).toBe("9004 装置のリソース不足");
  });

  it("counts attempts from the second on", () => {
    expect(attemptText(ja, { state: "done" })).toBeNull();
    expect(attemptText(ja, { state: "done", attempt: 1 })).toBeNull();
    expect(attemptText(ja, { state: "failed", attempt: 3 })).toBe("3 回目");
    expect(attemptText(en, { state: "queued", attempt: 2 })).toBe("attempt 2");
  });

  it("says when a waiting task is retried (JST) and why the attempt before failed", () => {
    const waiting = { state: "queued" as const, attempt: 2, retry_at: "2026-12-07T01:04:00Z", fault: { code: 9002 }, error: "cpe_fault" };
    expect(retryWaitText(ja, waiting, NOW)).toBe("10:04（JST）に再試行します（前回: 9002 装置の内部エラー）");
    expect(retryWaitText(en, waiting, NOW)).toBe("retrying at 10:04 (JST) after 9002 Internal error on the device");
    const broken = { state: "queued" as const, attempt: 2, retry_at: "2026-12-07T01:01:00Z", fault: null, error: "interrupted" };
    expect(retryWaitText(ja, broken, NOW)).toBe("10:01（JST）に再試行します（前回: 装置が応答せずに新しいセッションを始めたため、中断しました）");
    // Not waiting for a retry: nothing to say.
    expect(retryWaitText(ja, { ...waiting, retry_at: null }, NOW)).toBeNull();
    expect(retryWaitText(ja, { ...waiting, state: "running" }, NOW)).toBeNull();
  });

  it("shows a time of today as HH:MM and another day's with its date, in JST whatever the browser's zone", () => {
    expect(jstClock("2026-12-07T14:59:00Z", NOW)).toBe("23:59");
    expect(jstClock("2026-12-07T15:00:00Z", NOW)).toBe("2026-12-08 00:00");
  });

  it("lets an account retry a failed task only with the permission its type needs", () => {
    const can = (held: string[]) => (p: string) => held.includes(p);
    expect(mayRetry({ state: "failed", type: "addObject" }, can(["devices.read", "devices.configure"]))).toBe(true);
    expect(mayRetry({ state: "failed", type: "addObject" }, can(["devices.read"]))).toBe(false);
    expect(mayRetry({ state: "failed", type: "getParameterValues" }, can(["devices.read"]))).toBe(true);
    expect(mayRetry({ state: "failed", type: "factoryReset" }, can(["devices.read", "devices.reboot"]))).toBe(false);
    expect(mayRetry({ state: "done", type: "reboot" }, can(["devices.reboot"]))).toBe(false);
    expect(mayRetry({ state: "queued", type: "reboot" }, can(["devices.reboot"]))).toBe(false);
    expect([...RETRY_PERMISSIONS].sort()).toEqual(["devices.configure", "devices.factory_reset", "devices.firmware", "devices.read", "devices.reboot"]);
  });
});
