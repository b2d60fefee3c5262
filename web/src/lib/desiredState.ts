// DEV-7 in the console: a profile's parameters and a device's overrides are the desired state
// of its devices. Their rows (path and value) are checked as the server checks them
// (src/devices/profiles.cpp ValidateParameterMap, desired_state.cpp ValidateValueTemplate), so
// a mistake is shown on its row in the reader's language before anything is sent; the
// compliance states and reasons of GET /devices/{id}/compliance are said in words.
import type { Answer } from "../api/types";
import type { TranslationKey } from "../i18n";
import type { Tone } from "../components/ui";

export type DataModel = "tr181" | "tr098";
export const DATA_MODEL_ROOT: Record<DataModel, string> = { tr181: "Device.", tr098: "InternetGatewayDevice." };

// A path's data model by its root; null for a path of neither (not valid).
export function dataModelOf(path: string): DataModel | null {
  if (path.startsWith(DATA_MODEL_ROOT.tr098)) return "tr098";
  if (path.startsWith(DATA_MODEL_ROOT.tr181)) return "tr181";
  return null;
}

export interface ParameterRow {
  path: string;
  value: string;
}

const MODEL_ORDER: Record<string, number> = { tr181: 0, tr098: 1 };

// The rows of a parameter map, TR-181 first, then TR-098, each by path.
export function parameterRows(parameters: Record<string, string>): ParameterRow[] {
  return Object.entries(parameters)
    .map(([path, value]) => ({ path, value }))
    .sort((a, b) => (MODEL_ORDER[dataModelOf(a.path) ?? ""] ?? 2) - (MODEL_ORDER[dataModelOf(b.path) ?? ""] ?? 2) || a.path.localeCompare(b.path));
}

// The map the API takes; a row left wholly empty is no parameter.
export function parameterMap(rows: readonly ParameterRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) {
    const path = row.path.trim();
    if (path || row.value) out[path] = row.value;
  }
  return out;
}

// How many rows of each data model (the editor's heading).
export function modelCounts(rows: readonly ParameterRow[]): Record<DataModel, number> {
  const counts = { tr181: 0, tr098: 0 };
  for (const row of rows) {
    const model = dataModelOf(row.path.trim());
    if (model) counts[model]++;
  }
  return counts;
}

export const PLACEHOLDERS = ["{serial_number}", "{oui}", "{product_class}"] as const;

// The first "{…}" of a value that is none of the placeholders (what the server refuses, so
// that a typo is not sent to a whole fleet); null when there is none.
export function unknownPlaceholder(value: string): string | null {
  for (let at = value.indexOf("{"); at >= 0; at = value.indexOf("{", at + 1)) {
    if (PLACEHOLDERS.some((p) => value.startsWith(p, at))) continue;
    const end = value.indexOf("}", at);
    return end > at ? value.slice(at, end + 1) : value.slice(at);
  }
  return null;
}

const MAX_PATH = 256;
const MAX_VALUE_BYTES = 4096;
export const MAX_PARAMETERS = 1000;

// What is wrong with a row's path: rooted at Device. or InternetGatewayDevice., a parameter
// (not an object, ending with "."), of ASCII letters, digits and . _ -, no empty segment.
export function pathProblem(path: string): TranslationKey | null {
  const p = path.trim();
  if (!p) return "desired.pathRequired";
  if (!dataModelOf(p) || p.endsWith(".") || p.length > MAX_PATH || !/^[A-Za-z0-9._-]+$/.test(p) || p.includes("..")) return "desired.pathInvalid";
  return null;
}

export function valueProblem(value: string): TranslationKey | null {
  if (new TextEncoder().encode(value).length > MAX_VALUE_BYTES) return "desired.valueTooLong";
  if (unknownPlaceholder(value)) return "desired.unknownPlaceholder";
  return null;
}

// The indexes of rows whose path an earlier row has already.
export function duplicateRows(rows: readonly ParameterRow[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  rows.forEach((row, i) => {
    const path = row.path.trim();
    if (!path) return;
    if (seen.has(path)) out.push(i);
    seen.add(path);
  });
  return out;
}

// The row a server's refusal of the map is about: its detail names the path ("'X' is not a
// parameter path", "the value of X must be…"); -1 when it names none of them.
export function rowNamedIn(detail: string, rows: readonly ParameterRow[]): number {
  let best = -1;
  rows.forEach((row, i) => {
    const path = row.path.trim();
    if (path && detail.includes(path) && (best < 0 || path.length > rows[best]!.path.trim().length)) best = i;
  });
  return best;
}

export type ComplianceState = "in_sync" | "pending" | "drift" | "failed";
export const COMPLIANCE_STATES: readonly ComplianceState[] = ["in_sync", "pending", "drift", "failed"];
export const COMPLIANCE_TONE: Record<ComplianceState, Tone> = { in_sync: "success", pending: "info", drift: "warning", failed: "danger" };

// The state a URL's ?compliance= names; null for none or another text.
export function complianceParam(value: string | null): ComplianceState | null {
  return (COMPLIANCE_STATES as readonly string[]).includes(value ?? "") ? (value as ComplianceState) : null;
}

export type DeviceCompliance = Answer<"devices.compliance">;
export type ComplianceItem = DeviceCompliance["items"][number];
export type ComplianceReason = NonNullable<ComplianceItem["reason"]>;

