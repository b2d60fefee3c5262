// DEV-8 in the console's words: a fault group of the faults page (the CPE fault with its
// meaning, or our error), which attempt a task is at and when its automatic retry comes, and
// whether an account may retry a failed task (the permission of its type, as on the server).
import type { TFunction } from "i18next";
import type { Task, TaskState, TaskType } from "../api/types";
import { TASK_PERMISSION } from "./tasks";
import { failureText } from "./taskText";
import { formatJst } from "./time";

// A group of GET /faults: the key to list and retry it by, and what it is.
export interface FaultGroupKey {
  fault: string;
  fault_code: number | null;
  error: string | null;
}

// A group as its key alone tells it (a link to ?fault=9005 after the group has gone): the CPE
// fault code when the key is one, else our error.
export function faultGroupOfKey(fault: string): FaultGroupKey {
  return /^\d+$/.test(fault) ? { fault, fault_code: Number(fault), error: null } : { fault, fault_code: null, error: fault };
}

// "9005 パラメータ名が正しくありません…" for a CPE fault, 「装置が応答しませんでした」 for our timeout.
export function faultGroupText(t: TFunction, group: FaultGroupKey): string {
  return failureText(t, { faultCode: group.fault_code, error: group.error ?? group.fault });
}

// What DEV-8 adds to a task: its attempt (1-based) and, while queued for an automatic retry,
// when that comes (the fault or error then is the attempt before's).
export type RetryState = Pick<Task, "state" | "attempt" | "retry_at" | "error"> & { fault: Pick<NonNullable<Task["fault"]>, "code"> | null };

// 「2 回目」 / "attempt 2" from the second attempt on; null for the first.
export function attemptText(t: TFunction, task: Pick<RetryState, "state" | "attempt">): string | null {
  const n = task.attempt ?? 1;
  return n > 1 ? t("faults.attempt", { number: n }) : null;
}

// A time of today (JST) as "HH:MM", of another day as "YYYY-MM-DD HH:MM".
export function jstClock(at: string, now: number = Date.now()): string {
  const full = formatJst(at, false);
  return full.slice(0, 10) === formatJst(now, false).slice(0, 10) ? full.slice(11) : full;
}

// 「12:34（JST）に再試行します: 9002 装置の内部エラー」 for a queued task waiting for its
// automatic retry; null otherwise.
export function retryWaitText(t: TFunction, task: RetryState, now: number = Date.now()): string | null {
  if (task.state !== "queued" || !task.retry_at) return null;
  const why = failureText(t, { faultCode: task.fault?.code ?? null, error: task.error ?? "" });
  return t("faults.retrying", { time: jstClock(task.retry_at, now), fault: why });
}

// Whether the account may retry this task (POST /tasks/{id}/retry): only a failed one, and
// only with the permission its type needs.
export function mayRetry(task: { state: TaskState; type: TaskType }, can: (permission: string) => boolean): boolean {
  return task.state === "failed" && can(TASK_PERMISSION[task.type]);
}

// The permissions that let an account retry some task (the server's access rule of the retry
// routes); a bulk retry still needs each task's own (all or nothing, 403 otherwise).
export const RETRY_PERMISSIONS: string[] = [...new Set(Object.values(TASK_PERMISSION))];
