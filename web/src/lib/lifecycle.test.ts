import type { JobTask, Task } from "../api/types";
import { ja } from "../i18n/ja";
import { en } from "../i18n/en";
import { jobCancellable, jobOutcome, jobSettled, progressSegments, summarizeWakeups, waitingDevices, waitsForPeriodic, wakeupMissed, WAKEUPS } from "./jobs";
import { confirmationMatches, normalizeTyped, REFUSED_FIX_SCREEN, REFUSED_TONE, resetConfirmationTarget } from "./lifecycle";
import { TASK_PERMISSION } from "./tasks";

const progress = (p: Partial<Record<"queued" | "running" | "done" | "failed" | "cancelled", number>>) => {
  const full = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0, ...p };
  return { ...full, total: full.queued + full.running + full.done + full.failed + full.cancelled };
};

describe("factory reset (issue 18)", () => {
  it("needs its own permission, not the reboot's", () => {
    expect(TASK_PERMISSION.factoryReset).toBe("devices.factory_reset");
    expect(TASK_PERMISSION.reboot).toBe("devices.reboot");
  });

  it("asks for the serial number of one device, the number of devices otherwise", () => {
    expect(resetConfirmationTarget(1, ["SIM000001"])).toEqual({ kind: "serial", text: "SIM000001" });
    expect(resetConfirmationTarget(1, [])).toEqual({ kind: "count", text: "1" });
    expect(resetConfirmationTarget(3, ["A", "B", "C"])).toEqual({ kind: "count", text: "3" });
    expect(resetConfirmationTarget(52)).toEqual({ kind: "count", text: "52" });
  });

  it("accepts what was typed only when it is exactly that, full-width forms and blanks aside", () => {
    expect(confirmationMatches("SIM000001", "SIM000001")).toBe(true);
    expect(confirmationMatches(" ＳＩＭ０００００１ ", "SIM000001")).toBe(true);
    expect(normalizeTyped("５２")).toBe("52");
    expect(confirmationMatches("52", "52")).toBe(true);
    expect(confirmationMatches("sim000001", "SIM000001")).toBe(false);
    expect(confirmationMatches("SIM00000", "SIM000001")).toBe(false);
    expect(confirmationMatches("", "")).toBe(false);
  });
});

describe("refused devices of the company (issue 18)", () => {
  it("explains every reason, and what to do, in both languages", () => {
    for (const reason of Object.keys(REFUSED_TONE) as Array<keyof typeof REFUSED_TONE>) {
      expect(ja.ownRefused.reasons[reason]).toBeTruthy();
      expect(ja.ownRefused.todo[reason]).toBeTruthy();
      expect(en.ownRefused.reasons[reason]).toBeTruthy();
      expect(en.ownRefused.todo[reason]).toBeTruthy();
      expect(ja.refused.reasons[reason]).toBeTruthy();
      expect(en.refused.reasons[reason]).toBeTruthy();
    }
  });

  it("points a wrong credential and a missing profile to the profiles, a retired device to the site", () => {
    expect(REFUSED_FIX_SCREEN.bad_credentials).toBe("profiles");
    expect(REFUSED_FIX_SCREEN.no_profile).toBe("profiles");
    expect(REFUSED_FIX_SCREEN.retired).toBeNull();
    expect(ja.ownRefused.todo.bad_credentials).toContain("初期認証情報");
    expect(ja.ownRefused.todo.no_profile).toContain("仕向けを作成");
    expect(ja.ownRefused.todo.retired).toContain("工場出荷時");
  });
});

describe("wake-up outcomes (issue 18)", () => {
  const task = (wakeup: Task["wakeup"], expires_at = "2026-12-14T07:00:00Z", state: Task["state"] = "queued") => ({ wakeup, expires_at, state });

  it("has a text for every outcome in both languages", () => {
    for (const w of WAKEUPS) {
      expect(ja.wakeup.outcomes[w]).toBeTruthy();
      expect(en.wakeup.outcomes[w]).toBeTruthy();
    }
  });

  it("treats anything but delivered as missed; not asked is not missed", () => {
    expect(wakeupMissed("delivered")).toBe(false);
    expect(wakeupMissed(null)).toBe(false);
    for (const w of WAKEUPS.filter((x) => x !== "delivered")) expect(wakeupMissed(w)).toBe(true);
  });

  it("a queued task waits for the periodic connection unless its device was reached", () => {
    expect(waitsForPeriodic(task(null))).toBe(true);
    expect(waitsForPeriodic(task("timeout"))).toBe(true);
    expect(waitsForPeriodic(task("delivered"))).toBe(false);
    expect(waitsForPeriodic(task("timeout", undefined, "done"))).toBe(false);
  });

  it("sums up tasks created with now, with the latest expiry of those not reached", () => {
    const s = summarizeWakeups([
      task("delivered"),
      task("unreachable", "2026-12-14T07:00:00Z"),
      task("timeout", "2026-12-14T07:00:05Z"),
      task("unreachable", "2026-12-14T06:59:00Z"),
      task(null),
    ]);
    expect(s.asked).toBe(4);
    expect(s.delivered).toBe(1);
    expect(s.missedCount).toBe(3);
    expect(s.missed).toEqual([
      { wakeup: "unreachable", count: 2 },
      { wakeup: "timeout", count: 1 },
    ]);
    expect(s.expiresAt).toBe("2026-12-14T07:00:05Z");
    expect(summarizeWakeups([task("delivered")]).expiresAt).toBeNull();
  });
});

describe("jobs (issue 18)", () => {
  it("is settled when nothing is queued or running, cancellable while something is queued", () => {
    expect(jobSettled(progress({ done: 2, failed: 1 }))).toBe(true);
    expect(jobSettled(progress({ done: 2, running: 1 }))).toBe(false);
    expect(jobCancellable(progress({ queued: 1, done: 2 }))).toBe(true);
    expect(jobCancellable(progress({ running: 1 }))).toBe(false);
  });

  it("words the outcome of the whole job", () => {
    expect(jobOutcome(progress({ queued: 1 }))).toBe("queued");
    expect(jobOutcome(progress({ queued: 1, done: 1 }))).toBe("running");
    expect(jobOutcome(progress({ queued: 1, running: 1 }))).toBe("running");
    expect(jobOutcome(progress({ done: 3 }))).toBe("done");
    expect(jobOutcome(progress({}))).toBe("done");
    expect(jobOutcome(progress({ failed: 2 }))).toBe("failed");
    expect(jobOutcome(progress({ cancelled: 2 }))).toBe("cancelled");
    expect(jobOutcome(progress({ done: 1, failed: 1 }))).toBe("partial");
  });

  it("draws the bar in percent of the total, nothing for an empty job", () => {
    expect(progressSegments(progress({ done: 1, failed: 1, queued: 1, running: 1 }))).toEqual([
      { state: "done", percent: 25 },
      { state: "failed", percent: 25 },
      { state: "cancelled", percent: 0 },
      { state: "running", percent: 25 },
    ]);
    expect(progressSegments(progress({ done: 1, queued: 2 }))[0]?.percent).toBe(33.3);
    expect(progressSegments(progress({})).every((s) => s.percent === 0)).toBe(true);
  });

  it("lists the devices that were not reached and still wait", () => {
    const row = (task_id: string, state: JobTask["state"], wakeup: JobTask["wakeup"]): JobTask => ({
      task_id,
      device_id: "d" + task_id,
      serial_number: "S" + task_id,
      state,
      fault: null,
      error: null,
      finished_at: null,
      finished_at_jst: null,
      wakeup,
    });
    const rows = [row("1", "queued", "unreachable"), row("2", "queued", "delivered"), row("3", "done", "timeout"), row("4", "queued", null)];
    expect(waitingDevices(rows).map((r) => r.task_id)).toEqual(["1"]);
  });
});
