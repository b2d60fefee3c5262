// Issue 18: what asking a device to connect now (a connection request, DEV-4) gave, and a job's
// progress. A task whose device was not reached is not lost: it waits for the device's next
// periodic connection, until it expires; the console says so wherever it shows the outcome.
import type { Job, JobTask, Task, Wakeup } from "../api/types";
import type { Tone } from "../components/ui";

export const WAKEUPS: Wakeup[] = ["delivered", "unreachable", "refused_by_policy", "auth_failed", "timeout", "busy", "no_url", "not_sent"];

export const WAKEUP_TONE: Record<Wakeup, Tone> = {
  delivered: "success",
  unreachable: "warning",
  refused_by_policy: "warning",
  auth_failed: "danger",
  timeout: "warning",
  busy: "warning",
  no_url: "warning",
  not_sent: "warning",
};

// The device was asked to connect now and the request did not reach it: the task waits.
export function wakeupMissed(wakeup: Wakeup | null | undefined): wakeup is Exclude<Wakeup, "delivered"> {
  return wakeup !== null && wakeup !== undefined && wakeup !== "delivered";
}

// A queued task that waits for the device's next periodic connection (not asked, or not reached).
export function waitsForPeriodic(task: Pick<Task, "state" | "wakeup">): boolean {
  return task.state === "queued" && task.wakeup !== "delivered";
}

// What creating tasks with "now" gave: how many were reached, and the others by outcome (in the
// order of WAKEUPS), with the latest expiry among them (they wait until then at most).
export interface WakeupSummary {
  asked: number;
  delivered: number;
  missed: Array<{ wakeup: Exclude<Wakeup, "delivered">; count: number }>;
  missedCount: number;
  expiresAt: string | null;
}

export function summarizeWakeups(tasks: Array<Pick<Task, "wakeup" | "expires_at">>): WakeupSummary {
  const counts = new Map<Wakeup, number>();
  let expiresAt: string | null = null;
  let asked = 0;
  for (const task of tasks) {
    if (task.wakeup === null || task.wakeup === undefined) continue;
    asked++;
    counts.set(task.wakeup, (counts.get(task.wakeup) ?? 0) + 1);
    if (wakeupMissed(task.wakeup) && (expiresAt === null || Date.parse(task.expires_at) > Date.parse(expiresAt))) expiresAt = task.expires_at;
  }
  const missed = WAKEUPS.filter(wakeupMissed)
    .filter((w) => counts.has(w))
    .map((w) => ({ wakeup: w, count: counts.get(w) ?? 0 }));
  return { asked, delivered: counts.get("delivered") ?? 0, missed, missedCount: missed.reduce((n, m) => n + m.count, 0), expiresAt };
}

export type Progress = Job["progress"];

// Nothing left to run: every task finished, failed or was cancelled.
export function jobSettled(p: Progress): boolean {
  return p.queued + p.running === 0;
}

// Tasks that have not started: what cancelling the job would cancel.
export function jobCancellable(p: Progress): boolean {
  return p.queued > 0;
}

export function jobFinished(p: Progress): number {
  return p.done + p.failed + p.cancelled;
}

// The bar's segments in percent of the total (0 for an empty job), in the order they are drawn.
export function progressSegments(p: Progress): Array<{ state: "done" | "failed" | "cancelled" | "running"; percent: number }> {
  const pct = (n: number) => (p.total > 0 ? Math.round((1000 * n) / p.total) / 10 : 0);
  return (["done", "failed", "cancelled", "running"] as const).map((state) => ({ state, percent: pct(p[state]) }));
}

// How the job went as a whole, for its badge.
// queued: nothing runs yet (the devices have not connected).
export type JobOutcome = "queued" | "running" | "done" | "failed" | "partial" | "cancelled";

export function jobOutcome(p: Progress): JobOutcome {
  if (!jobSettled(p)) return p.running === 0 && jobFinished(p) === 0 ? "queued" : "running";
  if (p.total === 0 || p.done === p.total) return "done";
  if (p.failed === p.total) return "failed";
  if (p.cancelled === p.total) return "cancelled";
  return "partial";
}

export const JOB_OUTCOME_TONE: Record<JobOutcome, Tone> = {
  queued: "neutral",
  running: "info",
  done: "success",
  failed: "danger",
  partial: "warning",
  cancelled: "neutral",
};

// The per-device rows whose device was asked and not reached, while they still wait.
export function waitingDevices(tasks: JobTask[]): JobTask[] {
  return tasks.filter((task) => task.state === "queued" && wakeupMissed(task.wakeup));
}
