// The dashboard's failed tasks (issue 18): each from its operation-history record ("tasks.result",
// outcome failed), whose details name the device, its serial number, the task type and the
// CWMP fault. The device's model comes from the device itself.
import type { AuditRecord, TaskType } from "../api/types";

export const TASK_TYPES: readonly TaskType[] = [
  "getParameterValues",
  "setParameterValues",
  "getParameterNames",
  "addObject",
  "deleteObject",
  "reboot",
  "factoryReset",
  "download",
];

export interface TaskFailure {
  seq: number;
  time: string;
  taskId: string;
  deviceId: string | null;
  // Empty for a task that expired: no device session named it.
  serial: string;
  type: TaskType | null;
  faultCode: number | null;
  // Our error ("timeout", "interrupted") when the device gave no fault.
  error: string;
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function taskFailureOf(r: Pick<AuditRecord, "seq" | "time" | "target_id" | "error_code" | "details">): TaskFailure {
  const d = r.details ?? {};
  const type = text(d["type"]);
  const fault = d["fault_code"];
  const cpeFault = /^cpe_fault_(\d+)$/.exec(r.error_code);
  const serial = text(d["serial_number"]);
  // A task that timed out outside a device session expired waiting for its device.
  const error = cpeFault ? "" : r.error_code === "timeout" && !serial ? "expiredWaiting" : r.error_code;
  return {
    seq: r.seq,
    time: r.time,
    taskId: r.target_id,
    deviceId: text(d["device_id"]) || null,
    serial,
    type: (TASK_TYPES as readonly string[]).includes(type) ? (type as TaskType) : null,
    faultCode: typeof fault === "number" ? fault : cpeFault ? Number(cpeFault[1]) : null,
    error,
  };
}
