// The device list's filter in words (issue 18): a saved-search group's conditions, and the filter
// a job of "select all N matching" ran on, each condition as "label: value" (a profile or group by
// its name), and the device list's URL that shows the same devices.
import type { TFunction } from "i18next";
import type { DeviceFilter } from "../api/types";
import { complianceParam } from "./desiredState";

export interface FilterPart {
  key: keyof DeviceFilter;
  label: string;
  value: string;
}

// Names for the IDs a filter holds; an ID not among a list that is known was deleted since.
export interface FilterNames {
  profiles?: ReadonlyArray<{ id: string; name: string }> | undefined;
  groups?: ReadonlyArray<{ id: string; name: string }> | undefined;
}

const TEXT_KEYS = ["q", "profile_id", "group_id", "model", "software_version", "tag"] as const;

// A filter as the API hands it back in a job (an object it does not type): its known conditions,
// each of the right type; null for none.
export function deviceFilterOf(value: unknown): DeviceFilter | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const filter: DeviceFilter = {};
  for (const key of TEXT_KEYS) {
    const text = v[key];
    if (typeof text === "string" && text !== "") filter[key] = text;
  }
  if (typeof v["online"] === "boolean") filter.online = v["online"];
  // DEV-7: the devices' state against their desired configuration.
  const compliance = complianceParam(typeof v["compliance"] === "string" ? v["compliance"] : null);
  if (compliance) filter.compliance = compliance;
  return filter;
}

// The filter's conditions in the order the device list's toolbar has them.
export function filterParts(f: DeviceFilter | null | undefined, t: TFunction, names: FilterNames = {}): FilterPart[] {
  if (!f) return [];
  // Not known (not loaded, or not readable with the account's permissions): the ID itself.
  const named = (list: FilterNames["profiles"], id: string) => (list ? (list.find((x) => x.id === id)?.name ?? t("deviceFilter.deleted")) : id);
  const parts: FilterPart[] = [];
  if (f.q) parts.push({ key: "q", label: t("common.search"), value: f.q });
  if (f.online !== undefined) parts.push({ key: "online", label: t("devices.status"), value: f.online ? t("devices.online") : t("devices.offline") });
  if (f.profile_id) parts.push({ key: "profile_id", label: t("devices.profile"), value: named(names.profiles, f.profile_id) });
  if (f.group_id) parts.push({ key: "group_id", label: t("devices.group"), value: named(names.groups, f.group_id) });
  if (f.model) parts.push({ key: "model", label: t("devices.model"), value: f.model });
  if (f.software_version) parts.push({ key: "software_version", label: t("devices.firmware"), value: f.software_version });
  if (f.tag) parts.push({ key: "tag", label: t("devices.tags"), value: f.tag });
  if (f.compliance) parts.push({ key: "compliance", label: t("desired.compliance"), value: t(`desired.state.${f.compliance}`) });
  return parts;
}

// "検索: BLK · 状態: オンライン"; empty for no condition.
export function describeFilter(f: DeviceFilter | null | undefined, t: TFunction, names: FilterNames = {}): string {
  return filterParts(f, t, names)
    .map((p) => `${p.label}: ${p.value}`)
    .join(" · ");
}

// The device list's query string that shows the devices the filter selects now.
export function filterSearch(f: DeviceFilter): string {
  const params = new URLSearchParams();
  for (const key of TEXT_KEYS) {
    const v = f[key];
    if (v) params.set(key, v);
  }
  if (f.online !== undefined) params.set("online", String(f.online));
  if (f.compliance) params.set("compliance", f.compliance);
  return params.toString();
}
