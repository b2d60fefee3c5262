// The service's operations (issue 12) in the console's words: a job's state and schedule, the
// counts a run reports, a run's outcome, the mail outbox's states and what may be resent.
import type { JobRun, LoginAlarm, Mail, MailState, ScheduledJob } from "../api/types";
import type { Tone } from "../components/ui";
import type { Message } from "./allocations";
import { formatJst } from "./time";

export type JobState = "running" | "never" | "succeeded" | "failed";

export const JOB_STATE_TONE: Record<JobState, Tone> = {
  running: "info",
  never: "neutral",
  succeeded: "success",
  failed: "danger",
};

// What the jobs table shows for a job: running now, else its last outcome (none yet: never run).
export function jobState(job: Pick<ScheduledJob, "running" | "last_outcome">): JobState {
  if (job.running) return "running";
  return job.last_outcome ?? "never";
}

// "removed 3, chains 1": each count with its label, in the order the server lists them; "" for none.
export function formatCounts(counts: Record<string, number> | null | undefined, label: (key: string) => string, separator: string): string {
  return Object.entries(counts ?? {})
    .map(([key, n]) => `${label(key)} ${n}`)
    .join(separator);
}

// The server's schedule ("every 10 s", "every 15 min", "every 1 h", "daily 04:00 JST") as a
// message; null for a form it does not know (shown as the server wrote it).
export function scheduleMessage(schedule: string): Message | null {
  const every = /^every (\d+) (s|min|h)$/.exec(schedule.trim());
  if (every) {
    const count = Number(every[1]);
    const key = every[2] === "s" ? "jobs.schedules.everySeconds" : every[2] === "min" ? "jobs.schedules.everyMinutes" : "jobs.schedules.everyHours";
    return { key, values: { count } };
  }
  const daily = /^daily (\d{2}:\d{2}) JST$/.exec(schedule.trim());
  if (daily) return { key: "jobs.schedules.daily", values: { time: daily[1] ?? "" } };
  return null;
}

// A run's outcome for the toast: its counts (already worded) or its error.
export function runMessage(run: Pick<JobRun, "name" | "ok" | "error">, counts: string): Message {
  if (!run.ok) return { key: "jobs.ranFailed", values: { name: run.name, error: run.error || "—" } };
  return counts ? { key: "jobs.ranOkCounts", values: { name: run.name, counts } } : { key: "jobs.ranOk", values: { name: run.name } };
}

// A time the API gives both ways: its JST text, else the UTC instant shown in JST; "—" for none.
export function jstText(jst: string | null | undefined, utc: string | null | undefined): string {
  return jst || formatJst(utc);
}

export const MAIL_STATE_TONE: Record<MailState, Tone> = { queued: "neutral", sending: "info", sent: "success", failed: "danger" };

export const MAIL_STATES: MailState[] = ["queued", "sending", "sent", "failed"];

// A mail that failed or was sent may be queued again; one still waiting (queued, sending) not.
export function canResend(mail: Pick<Mail, "state">): boolean {
  return mail.state === "failed" || mail.state === "sent";
}

// "12 / 10": the failures counted against the threshold that raised the alarm.
export function alarmRatio(alarm: Pick<LoginAlarm, "failures" | "threshold">): string {
  return `${alarm.failures} / ${alarm.threshold}`;
}
