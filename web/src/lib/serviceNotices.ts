// Running the service for customers (issue 15) in the console's words: the checks of the
// maintenance and incident forms, the earliest start a refusal names (OPS-1), the order and
// the flags of the incident list (OPS-2), the scale of the availability chart (OPS-3), what
// the banner shows and what it may hide, and the month grid of the business-day calendar.
import { ApiError } from "../api/client";
import type {
  CalendarDay,
  Incident,
  IncidentPatch,
  IncidentState,
  MaintenancePatch,
  MaintenanceState,
  MaintenanceWindow,
  Notices,
  PublicIncident,
  PublicMaintenance,
  ServiceState,
  Severity,
} from "../api/types";
import type { Tone } from "../components/ui";
import type { TranslationKey } from "../i18n";
import type { Message } from "./allocations";
import { formatJst, jstLocalToUtc } from "./time";

// The server's limits (ops/notices.h).
export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 4000;
export const MAX_WINDOW_DAYS = 7;
// OPS-2: a draft older than this is late (the server says so with `overdue`); published within the hour.
export const OVERDUE_DRAFT_MINUTES = 45;
// OPS-3: the objective when the server does not say (it always does).
export const DEFAULT_OBJECTIVE = 0.995;

export const MAINTENANCE_STATES: MaintenanceState[] = ["scheduled", "in_progress", "ended", "cancelled"];
export const MAINTENANCE_STATE_TONE: Record<MaintenanceState, Tone> = { scheduled: "info", in_progress: "warning", ended: "neutral", cancelled: "neutral" };
export const SEVERITIES: Severity[] = ["minor", "major", "critical"];
export const SEVERITY_TONE: Record<Severity, Tone> = { minor: "info", major: "warning", critical: "danger" };
export const INCIDENT_STATE_TONE: Record<IncidentState, Tone> = { draft: "warning", published: "danger", resolved: "success" };
export const SERVICE_STATE_TONE: Record<ServiceState, Tone> = { operational: "success", maintenance: "info", degraded: "warning", outage: "danger" };

// A window that has not ended may still change or be cancelled.
export function isOpenWindow(state: MaintenanceState): boolean {
  return state === "scheduled" || state === "in_progress";
}

// A notice's title and body in the reader's language (English falls back to Japanese when empty).
export function noticeText(
  item: { title_ja: string; title_en: string; body_ja: string; body_en: string },
  language: string,
): { title: string; body: string } {
  if (language === "en") return { title: item.title_en || item.title_ja, body: item.body_en || item.body_ja };
  return { title: item.title_ja || item.title_en, body: item.body_ja || item.body_en };
}

// A window in JST: "2025-03-13 00:00 – 03:00" within a day, both dates otherwise.
export function formatWindow(startsAt: string, endsAt: string): string {
  const from = formatJst(startsAt, false);
  const to = formatJst(endsAt, false);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}

// ---- the forms ----

// A problem with a form's field, as a translation key (null: none).
export type Problem = TranslationKey | null;

// A title: 1-200 characters, not only spaces.
export function titleProblem(title: string): Problem {
  if (title.trim() === "") return "validation.required";
  if ([...title].length > MAX_TITLE_LENGTH) return "validation.tooLong";
  return null;
}

export function bodyProblem(body: string, required = false): Problem {
  if (required && body.trim() === "") return "validation.required";
  if ([...body].length > MAX_BODY_LENGTH) return "validation.tooLong";
  return null;
}

// A window's start and end, as the form's datetime-local values (JST): both given, the end after
// the start and not past at `now`, at most 7 days long. Whether the start leaves the notice OPS-1
// asks for is the server's to say (notice_too_short, with the earliest start).
export function windowProblems(starts: string, ends: string, now?: number): { starts: Problem; ends: Problem } {
  const s = jstLocalToUtc(starts);
  const e = jstLocalToUtc(ends);
  const out: { starts: Problem; ends: Problem } = {
    starts: starts.trim() === "" ? "validation.required" : s ? null : "serviceNotices.errors.time",
    ends: ends.trim() === "" ? "validation.required" : e ? null : "serviceNotices.errors.time",
  };
  if (s && e) {
    const length = Date.parse(e) - Date.parse(s);
    if (length <= 0) out.ends = "serviceNotices.errors.endBeforeStart";
    else if (length > MAX_WINDOW_DAYS * 24 * 60 * 60 * 1000) out.ends = "serviceNotices.errors.tooLong";
    else if (now !== undefined && Date.parse(e) <= now) out.ends = "serviceNotices.errors.endsInPast";
  }
  return out;
}

// What an edit of a window changes, for PATCH: only the fields that differ (times as UTC).
export function maintenancePatchOf(
  w: Pick<MaintenanceWindow, "starts_at" | "ends_at" | "scope" | "title_ja" | "title_en" | "body_ja" | "body_en">,
  v: { starts_at: string; ends_at: string; scope: "all" | string[]; title_ja: string; title_en: string; body_ja: string; body_en: string },
): MaintenancePatch {
  const patch: MaintenancePatch = {};
  if (Date.parse(v.starts_at) !== Date.parse(w.starts_at)) patch.starts_at = v.starts_at;
  if (Date.parse(v.ends_at) !== Date.parse(w.ends_at)) patch.ends_at = v.ends_at;
  if (!sameScope(v.scope, w.scope)) patch.scope = v.scope;
  for (const k of ["title_ja", "title_en", "body_ja", "body_en"] as const) if (v[k] !== w[k]) patch[k] = v[k];
  return patch;
}

// The earliest start a notice_too_short refusal names (the problem's extension members), in the
// API's UTC form and as the server writes it in JST; null for any other error.
export function earliestStartOf(e: unknown): { utc: string; jst: string } | null {
  if (!(e instanceof ApiError) || e.code !== "notice_too_short") return null;
  const utc = typeof e.problem.earliest_start === "string" ? e.problem.earliest_start : "";
  const jst = typeof e.problem.earliest_start_jst === "string" ? e.problem.earliest_start_jst : "";
  if (!utc && !jst) return null;
  return { utc, jst };
}

// A scope as the API takes it: "all", or the chosen companies (none chosen: null, the form says so).
export function scopeOf(all: boolean, companies: readonly string[]): "all" | string[] | null {
  if (all) return "all";
  return companies.length > 0 ? [...companies].sort() : null;
}

// Whether two scopes are the same (the companies in any order).
export function sameScope(a: "all" | readonly string[], b: "all" | readonly string[]): boolean {
  if (a === "all" || b === "all") return a === b;
  return [...a].sort().join(",") === [...b].sort().join(",");
}

// ---- OPS-2: the incident list ----

const STATE_ORDER: Record<IncidentState, number> = { draft: 0, published: 1, resolved: 2 };

// Drafts first (late ones at the very top), then those published, then the resolved; the latest
// detection first within each.
export function sortIncidents<I extends Pick<Incident, "state" | "overdue" | "detected_at">>(list: readonly I[]): I[] {
  return [...list].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      Number(b.overdue) - Number(a.overdue) ||
      Date.parse(b.detected_at) - Date.parse(a.detected_at),
  );
}

// What an edit of an incident changes, for PATCH: its texts, and a draft's scope and severity
// (a published incident keeps them; the server refuses with incident_published).
export function incidentPatchOf(
  i: Pick<Incident, "state" | "scope" | "severity" | "title_ja" | "title_en" | "body_ja" | "body_en">,
  v: { scope: "all" | string[]; severity: Severity; title_ja: string; title_en: string; body_ja: string; body_en: string },
): IncidentPatch {
  const patch: IncidentPatch = {};
  if (i.state === "draft") {
    if (!sameScope(v.scope, i.scope)) patch.scope = v.scope;
    if (v.severity !== i.severity) patch.severity = v.severity;
  }
  for (const k of ["title_ja", "title_en", "body_ja", "body_en"] as const) if (v[k] !== i[k]) patch[k] = v[k];
  return patch;
}

// An incident's time of detection as the form has it: empty (now), or a JST time not in the future.
export function detectedProblem(detected: string, now: number = Date.now()): Problem {
  if (detected.trim() === "") return null;
  const utc = jstLocalToUtc(detected);
  if (!utc) return "serviceNotices.errors.time";
  return Date.parse(utc) > now + 60_000 ? "incidents.errors.detectedFuture" : null;
}

// Whole minutes from detection until `now` (a draft's age).
export function minutesSince(detectedAt: string, now: number = Date.now()): number {
  const at = Date.parse(detectedAt);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.floor((now - at) / 60_000));
}

// "published 23 min after detection", or a draft's age ("detected 52 min ago"); hours once
// there are 60 minutes or more.
export function publicationMessage(i: Pick<Incident, "minutes_to_publication" | "detected_at">, now: number = Date.now()): Message {
  const published = i.minutes_to_publication !== null;
  const minutes = published ? (i.minutes_to_publication ?? 0) : minutesSince(i.detected_at, now);
  if (minutes < 60) return { key: published ? "incidents.publishedAfterMinutes" : "incidents.draftAgeMinutes", values: { minutes } };
  return {
    key: published ? "incidents.publishedAfterHours" : "incidents.draftAgeHours",
    values: { hours: Math.floor(minutes / 60), minutes: minutes % 60 },
  };
}

// ---- OPS-3: the availability chart ----

// "99.95 %": truncated, never rounded up, so a month below the objective never reads as met.
export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return "—";
  const factor = 10 ** digits;
  const truncated = Math.floor(ratio * 100 * factor + 1e-9) / factor;
  return `${truncated.toFixed(ratio >= 1 ? 0 : digits)} %`;
}

export interface ChartScale {
  // The value at the bottom of the chart; the top is 100 %.
  floor: number;
  // Where a value stands, from 0 (the floor or below) to 1 (100 %).
  position: (ratio: number) => number;
  // The lines drawn across the chart, the objective among them.
  ticks: number[];
}

// A scale that shows what matters about availability: the 0.5 % below the objective when every
// month is near it (a chart from 0 would show full bars only), reaching lower in steps of 0.5 %
// for a month further down, never below 0.
export function availabilityScale(values: ReadonlyArray<number | null>, objective: number = DEFAULT_OBJECTIVE): ChartScale {
  const step = 0.005;
  const measured = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  const lowest = Math.min(objective - step, ...measured);
  const floor = Math.max(0, Math.floor((lowest + 1e-9) / step) * step);
  const span = 1 - floor;
  const position = (ratio: number) => Math.min(1, Math.max(0, (ratio - floor) / span));
  const ticks = [floor, objective, 1].filter((v, i, all) => all.indexOf(v) === i).sort((a, b) => a - b);
  return { floor: Number(floor.toFixed(4)), position, ticks };
}

// A status page day's tone: no data, met the objective, below it, or much below (under 99 %).
export type DayTone = "none" | "ok" | "warn" | "bad";
export function dayTone(availability: number | null, objective: number = DEFAULT_OBJECTIVE): DayTone {
  if (availability === null) return "none";
  if (availability >= objective) return "ok";
  return availability >= objective - 0.005 ? "warn" : "bad";
}

// ---- the banner ----

export type BannerItem =
  | { kind: "maintenance"; key: string; pinned: boolean; item: PublicMaintenance }
  | { kind: "incident"; key: string; pinned: boolean; item: PublicIncident };

// What a dismissal hides: the item as it is now. A window that starts, or an incident with a new
// update, shows again.
export function dismissalKey(b: { kind: "maintenance"; item: Pick<PublicMaintenance, "id" | "state"> } | { kind: "incident"; item: Pick<PublicIncident, "id" | "updates"> }): string {
  return b.kind === "maintenance" ? `maintenance:${b.item.id}:${b.item.state}` : `incident:${b.item.id}:${b.item.updates.length}`;
}

// The banner: windows to come or in progress and incidents not resolved, in progress and
// critical first; those dismissed in this session left out, except an emergency window or a
// critical incident, which cannot be dismissed (`pinned`).
export function bannerItems(notices: Notices | undefined, dismissed: ReadonlySet<string>): BannerItem[] {
  if (!notices) return [];
  const windows: BannerItem[] = notices.maintenance
    .filter((w) => isOpenWindow(w.state))
    .map((w) => ({ kind: "maintenance", key: dismissalKey({ kind: "maintenance", item: w }), pinned: w.emergency, item: w }));
  const incidents: BannerItem[] = notices.incidents
    .filter((i) => i.state === "published")
    .map((i) => ({ kind: "incident", key: dismissalKey({ kind: "incident", item: i }), pinned: i.severity === "critical", item: i }));
  const rank = (b: BannerItem) =>
    b.kind === "incident" ? (b.pinned ? 0 : 2) : b.item.state === "in_progress" ? 1 : b.pinned ? 1 : 3;
  return [...incidents, ...windows]
    .filter((b) => b.pinned || !dismissed.has(b.key))
    .sort((a, b) => rank(a) - rank(b) || startOf(a) - startOf(b));
}

function startOf(b: BannerItem): number {
  return Date.parse(b.kind === "maintenance" ? b.item.starts_at : b.item.detected_at);
}

// The status page for a logged-in account: what its own company's notices add to the public ones.
export function ownCompanyNotices(notices: Notices | undefined, shown: { maintenance: ReadonlyArray<{ id: string }>; incidents: ReadonlyArray<{ id: string }> }) {
  const has = (list: ReadonlyArray<{ id: string }>, id: string) => list.some((x) => x.id === id);
  return {
    maintenance: (notices?.maintenance ?? []).filter((w) => !w.for_all && isOpenWindow(w.state) && !has(shown.maintenance, w.id)),
    incidents: (notices?.incidents ?? []).filter((i) => !i.for_all && !has(shown.incidents, i.id)),
  };
}

// ---- OPS-1: the business-day calendar ----

// "2025-03" of a JST date ("2025-03-10"), and the month before or after.
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

// Today in JST, "YYYY-MM-DD".
export function jstToday(now: number = Date.now()): string {
  return new Date(now + 9 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export const CALENDAR_DAYS = 42;

// The month grid's first day: the Monday on or before the month's first day (six weeks shown).
export function calendarStart(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1, 1));
  const back = (first.getUTCDay() + 6) % 7;
  return new Date(first.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

// The days in weeks of seven, Monday first.
export function calendarWeeks<D extends Pick<CalendarDay, "date">>(days: readonly D[]): D[][] {
  const weeks: D[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return weeks;
}

// What a day is, for its cell and its accessible name.
export type DayKind = "business" | "weekend" | "holiday" | "closed";
export function dayKind(d: Pick<CalendarDay, "business_day" | "weekend" | "holiday" | "closed">): DayKind {
  if (d.holiday) return "holiday";
  if (d.closed) return "closed";
  if (d.weekend) return "weekend";
  return d.business_day ? "business" : "closed";
}

// The JST dates a window touches, from its start's to its end's (an end at 00:00 touches only
// the day before).
export function windowDays(startsAt: string, endsAt: string): string[] {
  const from = Date.parse(startsAt);
  const to = Date.parse(endsAt) - 1;
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return [];
  const days: string[] = [];
  const last = jstToday(to);
  for (let day = jstToday(from); day <= last && days.length < 31; day = new Date(Date.parse(day + "T00:00:00Z") + 86_400_000).toISOString().slice(0, 10))
    days.push(day);
  return days;
}

// The JST date of a server's "YYYY-MM-DD HH:MM:SS JST" text.
export function jstDateOf(jst: string): string {
  return jst.slice(0, 10);
}
