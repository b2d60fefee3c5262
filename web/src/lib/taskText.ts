// Device tasks in the reader's language (issue 18): the TR-069 fault with its meaning, an
// error of ours (timeout, expiry), what a finished task gave ("205 parameters" becomes
// 「パラメータ 205 個」), and what a task asked for (a firmware update names its file, not its ID).
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { isConsoleText } from "../api/problems";
import type { FirmwareFile, Task } from "../api/types";
import { formatJst } from "./time";

// The key of a CWMP fault code's meaning: TR-069's table, vendor-specific (9800-9899), or unknown.
export function faultMeaningKey(code: number) {
  const key = `cwmpFaults.${code}`;
  if (isConsoleText(key)) return key;
  if (code >= 9800 && code <= 9899) return "cwmpFaults.vendor" as const;
  return "cwmpFaults.unknown" as const;
}

// "9003 引数が正しくありません"
export function faultText(t: TFunction, code: number): string {
  return t("taskOutcome.fault", { code, meaning: t(faultMeaningKey(code)) });
}

interface ParameterFault {
  parameter: string;
  code: number;
}

function parameterFaults(result: Task["result"]): ParameterFault[] {
  const list = result?.["set_parameter_values_faults"];
  if (!Array.isArray(list)) return [];
  return list.flatMap((f): ParameterFault[] => {
    if (!f || typeof f !== "object") return [];
    const { parameter, code } = f as { parameter?: unknown; code?: unknown };
    return typeof parameter === "string" && typeof code === "number" ? [{ parameter, code }] : [];
  });
}

function lastSegment(path: string): string {
  return path.split(".").filter(Boolean).pop() ?? path;
}

export interface TaskOutcomeText {
  // The line shown in the task list.
  text: string;
  // More, for a second line or a tooltip: each parameter's fault, the device's own words.
  detail: string[];
}

// What came of a task, in words.
export function taskOutcomeText(t: TFunction, task: Task): TaskOutcomeText {
  const result = task.result ?? {};
  if (task.fault) {
    const detail = parameterFaults(task.result).map((f) =>
      t("taskOutcome.parameterFault", { parameter: f.parameter, code: f.code, meaning: t(faultMeaningKey(f.code)) }),
    );
    const own = task.fault.string.trim();
    // The device's own text, when it says more than the standard meaning.
    if (own && own !== task.fault.meaning) detail.push(t("taskOutcome.deviceSays", { text: own }));
    return { text: faultText(t, task.fault.code), detail };
  }
  if (task.state === "failed") {
    const error = task.error ?? "failed";
    // Our "timeout" covers a device gone quiet in its session and a task that expired waiting.
    if (error === "timeout" && task.finished_at && Date.parse(task.finished_at) >= Date.parse(task.expires_at))
      return { text: t("taskErrors.expired", { time: formatJst(task.expires_at) }), detail: [] };
    const key = `taskErrors.${error}`;
    return { text: isConsoleText(key) ? t(key) : error, detail: [] };
  }
  if (task.state === "cancelled") return { text: t("taskOutcome.cancelled"), detail: [] };
  if (task.state !== "done") return { text: "", detail: [] };
  const later = result["status"] === 1;
  const values = result["values"];
  if (values && typeof values === "object") {
    const entries = Object.entries(values as Record<string, { value?: string; redacted?: boolean } | string>);
    const shown = entries
      .slice(0, 3)
      .map(([k, v]) => `${lastSegment(k)}=${typeof v === "string" ? v : v?.redacted ? "••••" : (v?.value ?? "")}`);
    if (entries.length > 3) shown.push(t("taskOutcome.moreValues", { count: entries.length - 3 }));
    return { text: shown.join(", "), detail: [] };
  }
  const params = result["parameters"];
  if (Array.isArray(params)) return { text: t("taskOutcome.parameters", { count: params.length }), detail: [] };
  switch (task.type) {
    case "setParameterValues":
      return { text: t(later ? "taskOutcome.appliedLater" : "taskOutcome.applied"), detail: [] };
    case "addObject":
    {
      const n = result["instance_number"];
      return { text: t(later ? "taskOutcome.addedLater" : "taskOutcome.added", { number: typeof n === "number" || typeof n === "string" ? String(n) : "?" }), detail: [] };
    }
    case "deleteObject":
      return { text: t(later ? "taskOutcome.deletedLater" : "taskOutcome.deleted"), detail: [] };
    case "download": {
      const complete = typeof result["complete_time"] === "string" ? result["complete_time"] : "";
      // CWMP's "unknown time" is 0001-01-01T00:00:00Z.
      if (complete && !complete.startsWith("0001-")) return { text: t("taskOutcome.downloaded", { time: formatJst(complete) }), detail: [] };
      return { text: later ? t("taskOutcome.downloadPending") : t("taskOutcome.done"), detail: [] };
    }
    default:
      return { text: t("taskOutcome.done"), detail: [] };
  }
}

// A firmware file as people know it: "rt-fw-2.1.bin（2.1）".
export function firmwareLabel(file: Pick<FirmwareFile, "name" | "version">): string {
  return file.version ? `${file.name} (${file.version})` : file.name;
}

// What a task asked for, briefly ("Device.WiFi.SSID.1.SSID = guest"); a firmware update names
// its file and version (or says the file is gone).
export function taskRequestText(t: TFunction, task: Task, firmware: readonly FirmwareFile[] = []): string {
  const r = task.request ?? {};
  // A long list (a device's first-contact reads) names its first three and how many more.
  const brief = (items: string[]) =>
    items.length > 3 ? [...items.slice(0, 3), t("taskOutcome.moreValues", { count: items.length - 3 })].join(", ") : items.join(", ");
  if (task.type === "setParameterValues" && r["values"] && typeof r["values"] === "object")
    return brief(Object.entries(r["values"] as Record<string, string>).map(([k, v]) => `${k} = ${v}`));
  if (Array.isArray(r["names"])) return brief(r["names"] as string[]);
  if (typeof r["path"] === "string") return r["path"];
  if (typeof r["object"] === "string") return r["object"];
  if (typeof r["file_id"] === "string") {
    const file = firmware.find((f) => f.id === r["file_id"]);
    return file ? firmwareLabel(file) : t("firmwareText.deletedFile");
  }
  return "";
}

// The two above with the reader's language bound.
export function useTaskText() {
  const { t } = useTranslation();
  return {
    outcome: (task: Task) => taskOutcomeText(t, task),
    request: (task: Task, firmware?: readonly FirmwareFile[]) => taskRequestText(t, task, firmware),
  };
}

// A failed task in words when only its fault code or our error is at hand (a job's device
// list): the CWMP fault with its meaning, or the error.
export function failureText(t: TFunction, failure: { faultCode: number | null; error: string }): string {
  if (failure.faultCode !== null) return faultText(t, failure.faultCode);
  const key = `taskErrors.${failure.error || "failed"}`;
  return isConsoleText(key) ? t(key) : failure.error;
}
