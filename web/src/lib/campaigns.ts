// DEV-6 firmware campaigns in the console's words: the creation form's rules and the body it
// sends (waves of a percentage or a number of devices, the window in JST), a campaign's state
// and why it paused, why a device was skipped or failed, and the stacked bars of the waves.
// The server decides; this only says it, and catches a mistyped form before it is sent.
import type { TFunction } from "i18next";
import { isConsoleText, refine, type ProblemLike } from "../api/problems";
import type { Campaign, CampaignCounts, CampaignCreate, CampaignDeviceState, CampaignState, DeviceFilter } from "../api/types";
import type { TranslationKey } from "../i18n";
import { faultGroupOfKey, faultGroupText } from "./faults";

export const MAX_WAVES = 20;
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

// One row of the waves editor: a percentage of the devices the file is for, or a number of devices.
export interface WaveRow {
  kind: "percent" | "count";
  value: string;
}

// What the creation form holds (numbers as typed).
export interface CampaignForm {
  name: string;
  firmware_id: string;
  // "all" (every device: the device list's empty filter), "group:<id>", or "filter" (the device
  // list's filter the dialog was opened with).
  target: string;
  waves: WaveRow[];
  failure_threshold_percent: string;
  min_success_before_next_wave: string;
  concurrency: string;
  device_timeout_hours: string;
  window_enabled: boolean;
  days: Weekday[];
  from: string;
  to: string;
}

// One device first, then 10 %, then the rest.
export const DEFAULT_WAVES: WaveRow[] = [
  { kind: "count", value: "1" },
  { kind: "percent", value: "10" },
  { kind: "percent", value: "100" },
];

export const DEFAULT_CAMPAIGN_FORM: CampaignForm = {
  name: "",
  firmware_id: "",
  target: "all",
  waves: DEFAULT_WAVES,
  failure_threshold_percent: "10",
  min_success_before_next_wave: "1",
  concurrency: "50",
  device_timeout_hours: "24",
  window_enabled: false,
  days: [],
  from: "01:00",
  to: "05:00",
};

const INTEGER = /^\d+$/;
const NUMBER = /^\d+(\.\d+)?$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

// A wave row's mistake, or null.
export function waveError(row: WaveRow): TranslationKey | null {
  const v = row.value.trim();
  if (v === "") return "campaigns.form.waveRequired";
  if (row.kind === "count") return INTEGER.test(v) && Number(v) >= 1 ? null : "campaigns.form.waveCount";
  return NUMBER.test(v) && Number(v) > 0 && Number(v) <= 100 ? null : "campaigns.form.wavePercent";
}

// The form's mistakes by field ("waves.2.value" for a wave's), the messages translation keys.
export function campaignFormErrors(f: CampaignForm): Record<string, TranslationKey> {
  const errors: Record<string, TranslationKey> = {};
  const name = f.name.trim();
  if (name === "") errors["name"] = "validation.required";
  else if ([...name].length > 128) errors["name"] = "campaigns.form.nameTooLong";
  if (f.firmware_id === "") errors["firmware_id"] = "campaigns.form.firmwareRequired";
  if (f.target !== "all" && f.target !== "filter" && !f.target.startsWith("group:")) errors["target"] = "campaigns.form.targetRequired";
  if (f.waves.length === 0) errors["waves"] = "campaigns.form.wavesRequired";
  if (f.waves.length > MAX_WAVES) errors["waves"] = "campaigns.form.tooManyWaves";
  f.waves.forEach((row, i) => {
    const e = waveError(row);
    if (e) errors[`waves.${i}.value`] = e;
  });
  const threshold = f.failure_threshold_percent.trim();
  if (!NUMBER.test(threshold) || Number(threshold) > 100) errors["failure_threshold_percent"] = "campaigns.form.thresholdRange";
  if (!INTEGER.test(f.min_success_before_next_wave.trim())) errors["min_success_before_next_wave"] = "campaigns.form.minSuccessRange";
  const concurrency = f.concurrency.trim();
  if (!INTEGER.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > 10_000) errors["concurrency"] = "campaigns.form.concurrencyRange";
  const hours = f.device_timeout_hours.trim();
  if (!INTEGER.test(hours) || Number(hours) < 1 || Number(hours) > 720) errors["device_timeout_hours"] = "campaigns.form.timeoutRange";
  if (f.window_enabled) {
    if (!CLOCK.test(f.from)) errors["from"] = "campaigns.form.clock";
    if (!CLOCK.test(f.to)) errors["to"] = "campaigns.form.clock";
    else if (f.to === f.from) errors["to"] = "campaigns.form.clockSame";
  }
  return errors;
}

// The body of POST /campaigns for a valid form; `filter` is the device list's filter a "filter"
// target stands for.
export function campaignBody(f: CampaignForm, filter: DeviceFilter = {}): CampaignCreate {
  return {
    name: f.name.trim(),
    firmware_id: f.firmware_id,
    target: f.target.startsWith("group:") ? { group_id: f.target.slice("group:".length) } : { filter: f.target === "filter" ? filter : {} },
    waves: f.waves.map((w) => (w.kind === "count" ? { count: Number(w.value.trim()) } : { percent: Number(w.value.trim()) })),
    failure_threshold_percent: Number(f.failure_threshold_percent.trim()),
    min_success_before_next_wave: Number(f.min_success_before_next_wave.trim()),
    concurrency: Number(f.concurrency.trim()),
    device_timeout_hours: Number(f.device_timeout_hours.trim()),
    window: f.window_enabled ? { days: WEEKDAYS.filter((d) => f.days.includes(d)), from: f.from, to: f.to } : null,
  };
}

// The form field a problem of POST /campaigns is about ("window.from" -> "from", a target that
// selects nothing -> "target"); null for one the form has no field for.
export function campaignFormField(problem: ProblemLike): string | null {
  const field = refine(problem).field ?? (problem.code === "campaign_target_empty" || problem.code === "campaign_target_too_large" ? "target" : undefined);
  if (!field) return null;
  if (field === "target" || field.startsWith("target.")) return "target";
  if (field === "window" || field === "window.from") return "from";
  if (field === "window.to") return "to";
  if (field === "window.days") return "days";
  if (field.startsWith("waves")) return "waves";
  const own = ["name", "firmware_id", "failure_threshold_percent", "min_success_before_next_wave", "concurrency", "device_timeout_hours"];
  return own.includes(field) ? field : null;
}

// ---- A campaign in words ----

export const CAMPAIGN_STATE_TONE: Record<CampaignState, "info" | "warning" | "neutral" | "success"> = {
  running: "info",
  paused: "warning",
  cancelled: "neutral",
  finished: "success",
};

// Whether the campaign may still change by itself (the screens poll it while so).
export function campaignLive(c: Pick<Campaign, "state">): boolean {
  return c.state === "running" || c.state === "paused";
}

// Why the campaign paused, in a sentence: 「失敗率がしきい値（10 %）を超えたため…」.
export function pauseReasonText(t: TFunction, c: Pick<Campaign, "state" | "pause_reason" | "current_wave" | "failure_threshold_percent" | "min_success_before_next_wave">): string {
  if (c.state !== "paused" || !c.pause_reason) return "";
  return t(`campaigns.pauseReasons.${c.pause_reason}` as const, {
    wave: c.current_wave,
    threshold: c.failure_threshold_percent,
    count: c.min_success_before_next_wave,
  });
}

// Briefly, for the list: 「一時停止（失敗率）」.
export function stateText(t: TFunction, c: Pick<Campaign, "state" | "pause_reason">): string {
  const state = t(`campaigns.states.${c.state}` as const);
  return c.state === "paused" && c.pause_reason ? `${state}（${t(`campaigns.pauseShort.${c.pause_reason}` as const)}）` : state;
}

// Why a device was skipped, done without a download, or failed: the reason's words (other_model
// -> 「対象外の機種」), a CPE fault with its meaning (9010), or our error (timeout); the word
// itself for one this console does not know.
export function reasonText(t: TFunction, reason: string, state?: CampaignDeviceState): string {
  if (!reason) return "";
  const key = `campaigns.reasons.${reason}`;
  if (state !== "failed" && isConsoleText(key)) return t(key);
  if (/^\d+$/.test(reason) || state === "failed") return faultGroupText(t, faultGroupOfKey(reason));
  return isConsoleText(key) ? t(key) : reason;
}

// The reasons of a campaign's skipped_reasons or failure_reasons, most devices first.
export function reasonRows(t: TFunction, reasons: Record<string, number>, failed: boolean): Array<{ reason: string; text: string; count: number }> {
  return Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .map(([reason, count]) => ({ reason, text: reasonText(t, reason, failed ? "failed" : "skipped"), count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

// The states of the bars, in their order, and what counts as ended.
export const BAR_STATES = ["done", "failed", "running", "pending", "cancelled", "skipped"] as const satisfies ReadonlyArray<keyof CampaignCounts>;
export type BarState = (typeof BAR_STATES)[number];

export interface BarSegment {
  state: BarState;
  count: number;
  x: number;
  width: number;
}

// The stacked bar of `counts` over `width` units: a segment per state with devices (a visible
// sliver at least), in BAR_STATES order, the last ending at `width` (empty for no devices).
export function barSegments(counts: CampaignCounts, width: number, minWidth = 2): BarSegment[] {
  const present = BAR_STATES.filter((s) => counts[s] > 0);
  const total = present.reduce((n, s) => n + counts[s], 0);
  if (total === 0) return [];
  const raw = present.map((s) => Math.max(minWidth, (counts[s] / total) * width));
  const scale = width / raw.reduce((a, b) => a + b, 0);
  let x = 0;
  return present.map((state, i) => {
    const w = i === present.length - 1 ? width - x : Math.round(raw[i]! * scale * 100) / 100;
    const seg = { state, count: counts[state], x, width: w };
    x += w;
    return seg;
  });
}

// "2 / 3"
export function waveOf(c: Pick<Campaign, "current_wave" | "waves">): string {
  return `${c.current_wave} / ${c.waves.length}`;
}

// The devices that ended (done, failed, skipped, cancelled) of the total.
export function endedCount(counts: CampaignCounts): number {
  return counts.done + counts.failed + counts.skipped + counts.cancelled;
}
