import { createI18n } from "../i18n";
import { ApiError } from "../api/client";
import { deleteRefusal, lockedForInactivity, mayReactivate, remindedForInactivity } from "./accounts";
import { alarmRatio, canResend, formatCounts, jobState, jstText, runMessage, scheduleMessage } from "./operations";

describe("service operations (issue 12)", () => {
  it("words a run's counts in the server's order, with labels; nothing for none", () => {
    const label = (k: string) => ({ removed: "削除", chains: "チェーン" })[k] ?? k;
    expect(formatCounts({ removed: 3, chains: 1 }, label, "・")).toBe("削除 3・チェーン 1");
    expect(formatCounts({ removed: 0, mystery: 2 }, label, ", ")).toBe("削除 0, mystery 2");
    expect(formatCounts({}, label, ", ")).toBe("");
    expect(formatCounts(undefined, label, ", ")).toBe("");
  });

  it("a job is running, else its last outcome, else never run", () => {
    expect(jobState({ running: true, last_outcome: "failed" })).toBe("running");
    expect(jobState({ running: false, last_outcome: "succeeded" })).toBe("succeeded");
    expect(jobState({ running: false, last_outcome: "failed" })).toBe("failed");
    expect(jobState({ running: false, last_outcome: null })).toBe("never");
  });

  it("reads the server's schedules, and leaves one it does not know alone", () => {
    expect(scheduleMessage("every 10 s")).toEqual({ key: "jobs.schedules.everySeconds", values: { count: 10 } });
    expect(scheduleMessage("every 15 min")).toEqual({ key: "jobs.schedules.everyMinutes", values: { count: 15 } });
    expect(scheduleMessage("every 1 h")).toEqual({ key: "jobs.schedules.everyHours", values: { count: 1 } });
    expect(scheduleMessage("daily 04:00 JST")).toEqual({ key: "jobs.schedules.daily", values: { time: "04:00" } });
    expect(scheduleMessage("hourly")).toBeNull();
    const ja = createI18n("ja");
    const en = createI18n("en");
    const daily = scheduleMessage("daily 03:00 JST");
    expect(daily && ja.t(daily.key, daily.values)).toBe("毎日 03:00（JST）");
    const every = scheduleMessage("every 1 h");
    expect(every && en.t(every.key, every.values)).toBe("every 1 h");
  });

  it("a run's outcome: its counts, or its error", () => {
    expect(runMessage({ name: "session-purge", ok: true, error: "" }, "削除 2")).toEqual({
      key: "jobs.ranOkCounts",
      values: { name: "session-purge", counts: "削除 2" },
    });
    expect(runMessage({ name: "alarm-scan", ok: true, error: "" }, "")).toEqual({ key: "jobs.ranOk", values: { name: "alarm-scan" } });
    const failed = runMessage({ name: "mail-delivery", ok: false, error: "SMTP refused" }, "sent 0");
    expect(failed).toEqual({ key: "jobs.ranFailed", values: { name: "mail-delivery", error: "SMTP refused" } });
    expect(createI18n("ja").t(failed.key, failed.values)).toBe("mail-delivery は失敗しました: SMTP refused");
    const ok = runMessage({ name: "session-purge", ok: true, error: "" }, "削除 2");
    expect(createI18n("ja").t(ok.key, ok.values)).toBe("session-purge を実行しました（削除 2）");
  });

  it("shows the API's JST text, else the instant in JST", () => {
    expect(jstText("2025-03-10 09:00:00", "2025-03-10T00:00:00Z")).toBe("2025-03-10 09:00:00");
    expect(jstText(null, "2025-03-10T00:00:00Z")).toBe("2025-03-10 09:00:00");
    expect(jstText(undefined, null)).toBe("—");
  });

  it("resends only mail that failed or was sent", () => {
    expect(canResend({ state: "failed" })).toBe(true);
    expect(canResend({ state: "sent" })).toBe(true);
    expect(canResend({ state: "queued" })).toBe(false);
    expect(canResend({ state: "sending" })).toBe(false);
  });

  it("shows an alarm's failures against its threshold", () => {
    expect(alarmRatio({ failures: 12, threshold: 10 })).toBe("12 / 10");
  });

  it("translates the job and mail words in both languages", () => {
    for (const lng of ["ja", "en"] as const) {
      const i18n = createI18n(lng);
      expect(i18n.exists("jobs.descriptions.session-purge")).toBe(true);
      expect(i18n.exists("mail.kinds.security.login_alarm")).toBe(true);
      expect(i18n.exists("errors.job_running")).toBe(true);
    }
  });
});

describe("inactive accounts (SEC-7)", () => {
  it("offers no reactivation for an inactivity lock, which only the provider lifts", () => {
    expect(lockedForInactivity({ lock_reason: "inactivity" })).toBe(true);
    expect(mayReactivate({ status: "locked", lock_reason: "inactivity" })).toBe(false);
    expect(mayReactivate({ status: "locked", lock_reason: "administrator" })).toBe(true);
    expect(mayReactivate({ status: "locked", lock_reason: null })).toBe(true);
    expect(mayReactivate({ status: "disabled", lock_reason: null })).toBe(true);
    expect(mayReactivate({ status: "active", lock_reason: null })).toBe(false);
  });

  it("marks an account reminded to log in", () => {
    expect(remindedForInactivity({ inactivity_reminded_at: "2025-03-01T00:00:00Z" })).toBe(true);
    expect(remindedForInactivity({ inactivity_reminded_at: null })).toBe(false);
  });

  it("keeps the server's message of a refused deletion", () => {
    const e = new ApiError({ status: 409, code: "last_administrator", detail: "the company's last administrator cannot be deleted" });
    expect(deleteRefusal(e)).toEqual({ code: "last_administrator", detail: "the company's last administrator cannot be deleted" });
    expect(deleteRefusal(new ApiError({ status: 409, code: "conflict", detail: "an account cannot delete itself" }))?.detail).toBe(
      "an account cannot delete itself",
    );
    expect(deleteRefusal(new ApiError({ status: 403, code: "administrator_required" }))).toBeNull();
    expect(deleteRefusal(null)).toBeNull();
  });
});
