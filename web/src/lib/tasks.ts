// Device tasks in the console's words (DEV-3): the permission each type needs (mirrors
// devices::RequiredPermission on the server), the tone of each state, and one-line accounts
// of what a task asked for and what came of it.
import type { TFunction } from "i18next";
import type { FirmwareFile, Task, TaskState, TaskType } from "../api/types";
import type { Tone } from "../components/ui";
import { taskOutcomeText, taskRequestText } from "./taskText";

export const TASK_PERMISSION: Record<TaskType, string> = {
  getParameterValues: "devices.read",
  getParameterNames: "devices.read",
  setParameterValues: "devices.configure",
  addObject: "devices.configure",
  deleteObject: "devices.configure",
  reboot: "devices.reboot",
  factoryReset: "devices.factory_reset",
  download: "devices.firmware",
};

export const TASK_STATE_TONE: Record<TaskState, Tone> = {
  queued: "neutral",
  running: "info",
  done: "success",
  failed: "danger",
  cancelled: "neutral",
};

export function isActive(state: TaskState): boolean {
  return state === "queued" || state === "running";
}

// A one-line account of a task's outcome in the reader's language (lib/taskText.ts): the CPE
// fault with its meaning (and each parameter's fault), our error, or what the task gave.
export function taskOutcome(task: Task, t: TFunction): string {
  const { text, detail } = taskOutcomeText(t, task);
  return detail.length ? `${text} — ${detail.join(" / ")}` : text;
}

// What a task asked for, briefly ("Device.WiFi.SSID.1.SSID = guest"); a firmware update names
// its file and version.
export function taskRequestSummary(task: Task, t: TFunction, firmware: readonly FirmwareFile[] = []): string {
  return taskRequestText(t, task, firmware);
}
