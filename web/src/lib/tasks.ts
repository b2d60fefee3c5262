// Device tasks in the console's words (DEV-3): the permission each type needs (mirrors
// devices::RequiredPermission on the server), the tone of each state, and one-line accounts
// of what a task asked for and what came of it.
import type { Task, TaskState, TaskType } from "../api/types";
import type { Tone } from "../components/ui";

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

// A one-line account of a task's outcome: the CPE fault with its meaning, our error, or the values.
export function taskOutcome(task: Task): string {
  if (task.fault) return `${task.fault.code} ${task.fault.meaning || task.fault.string}`;
  if (task.error) return task.error;
  if (task.state !== "done" || !task.result) return "";
  const values = task.result["values"];
  if (values && typeof values === "object") {
    const entries = Object.entries(values as Record<string, { value?: string } | string>);
    return entries
      .slice(0, 3)
      .map(([k, v]) => `${k.split(".").slice(-1)[0] || k}=${typeof v === "string" ? v : v?.value ?? ""}`)
      .join(", ") + (entries.length > 3 ? ` …(+${entries.length - 3})` : "");
  }
  const params = task.result["parameters"];
  if (Array.isArray(params)) return `${params.length} parameters`;
  return "";
}

// What a task asked for, briefly ("Device.WiFi.SSID.1.SSID = guest").
export function taskRequestSummary(task: Task): string {
  const r = task.request ?? {};
  if (task.type === "setParameterValues" && r["values"] && typeof r["values"] === "object")
    return Object.entries(r["values"] as Record<string, string>)
      .map(([k, v]) => `${k} = ${v}`)
      .join(", ");
  if (Array.isArray(r["names"])) return (r["names"] as string[]).join(", ");
  if (typeof r["path"] === "string") return r["path"];
  if (typeof r["object"] === "string") return r["object"];
  if (typeof r["file_id"] === "string") return r["file_id"];
  return "";
}
