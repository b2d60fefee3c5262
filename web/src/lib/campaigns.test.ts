// DEV-6's small rules: the campaign form (waves, numbers, window) and its body, the form field
// a server problem is about, a campaign's reasons and pause in words (ja and en), the stacked
// bars, and what a firmware file is for and the version its name carries.
import { createI18n } from "../i18n";
import type { CampaignCounts } from "../api/types";
import {
  barSegments,
  campaignBody,
  campaignFormErrors,
  campaignFormField,
  DEFAULT_CAMPAIGN_FORM,
  pauseReasonText,
  reasonRows,
  reasonText,
  stateText,
  waveError,
  waveOf,
  type CampaignForm,
} from "./campaigns";
import { firmwareTargetText, splitList, versionFromFileName } from "./firmware";

const ja = createI18n("ja").t;
const en = createI18n("en").t;
const form = (extra: Partial<CampaignForm> = {}): CampaignForm => ({ ...DEFAULT_CAMPAIGN_FORM, name: "HG-5 2.0", firmware_id: "f1", ...extra });
const counts = (c: Partial<CampaignCounts>): CampaignCounts => ({ total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0, cancelled: 0, ...c });

describe("the campaign form (DEV-6)", () => {
  it("takes a wave as a whole number of devices or a percentage above 0 and at most 100", () => {
    expect(waveError({ kind: "count", value: "1" })).toBeNull();
    expect(waveError({ kind: "count", value: " 25 " })).toBeNull();
    expect(waveError({ kind: "count", value: "0" })).toBe("campaigns.form.waveCount");
    expect(waveError({ kind: "count", value: "1.5" })).toBe("campaigns.form.waveCount");
    expect(waveError({ kind: "percent", value: "100" })).toBeNull();
    expect(waveError({ kind: "percent", value: "0.5" })).toBeNull();
    expect(waveError({ kind: "percent", value: "0" })).toBe("campaigns.form.wavePercent");
    expect(waveError({ kind: "percent", value: "101" })).toBe("campaigns.form.wavePercent");
    expect(waveError({ kind: "percent", value: "-5" })).toBe("campaigns.form.wavePercent");
    expect(waveError({ kind: "percent", value: "" })).toBe("campaigns.form.waveRequired");
  });

  it("starts with 1 device, 10 % and the rest, and names every mistake by its field", () => {
    expect(DEFAULT_CAMPAIGN_FORM.waves).toEqual([
      { kind: "count", value: "1" },
      { kind: "percent", value: "10" },
      { kind: "percent", value: "100" },
    ]);
    expect(campaignFormErrors(form())).toEqual({});
    expect(
      campaignFormErrors(
        form({
          name: " ",
          firmware_id: "",
          waves: [
            { kind: "count", value: "1" },
            { kind: "percent", value: "200" },
          ],
          failure_threshold_percent: "120",
          min_success_before_next_wave: "-1",
          concurrency: "0",
          device_timeout_hours: "721",
          window_enabled: true,
          from: "25:00",
          to: "25:00",
        }),
      ),
    ).toEqual({
      name: "validation.required",
      firmware_id: "campaigns.form.firmwareRequired",
      "waves.1.value": "campaigns.form.wavePercent",
      failure_threshold_percent: "campaigns.form.thresholdRange",
      min_success_before_next_wave: "campaigns.form.minSuccessRange",
      concurrency: "campaigns.form.concurrencyRange",
      device_timeout_hours: "campaigns.form.timeoutRange",
      from: "campaigns.form.clock",
      to: "campaigns.form.clock",
    });
    expect(campaignFormErrors(form({ waves: [] }))).toEqual({ waves: "campaigns.form.wavesRequired" });
    expect(campaignFormErrors(form({ waves: Array.from({ length: 21 }, () => ({ kind: "percent" as const, value: "5" })) }))).toEqual({ waves: "campaigns.form.tooManyWaves" });
    expect(campaignFormErrors(form({ window_enabled: true, from: "22:00", to: "22:00" }))).toEqual({ to: "campaigns.form.clockSame" });
    // A window that ends the next day is fine; without a window its times are not read.
    expect(campaignFormErrors(form({ window_enabled: true, from: "22:00", to: "04:00" }))).toEqual({});
    expect(campaignFormErrors(form({ window_enabled: false, from: "", to: "" }))).toEqual({});
  });

  it("sends the waves, the numbers, the target and the window (weekdays in order) as the API takes them", () => {
    expect(campaignBody(form())).toEqual({
      name: "HG-5 2.0",
      firmware_id: "f1",
      target: { filter: {} },
      waves: [{ count: 1 }, { percent: 10 }, { percent: 100 }],
      failure_threshold_percent: 10,
      min_success_before_next_wave: 1,
      concurrency: 50,
      device_timeout_hours: 24,
      window: null,
    });
    const body = campaignBody(form({ target: "group:g1", waves: [{ kind: "percent", value: "12.5" }], window_enabled: true, days: ["fri", "mon"], from: "22:00", to: "04:00" }));
    expect(body.target).toEqual({ group_id: "g1" });
    expect(body.waves).toEqual([{ percent: 12.5 }]);
    expect(body.window).toEqual({ days: ["mon", "fri"], from: "22:00", to: "04:00" });
    // Opened from the device list: its filter.
    expect(campaignBody(form({ target: "filter" }), { model: "HG-5", online: true }).target).toEqual({ filter: { model: "HG-5", online: true } });
    expect(campaignFormErrors(form({ target: "filter" }))).toEqual({});
    expect(campaignFormErrors(form({ target: "" }))).toEqual({ target: "campaigns.form.targetRequired" });
  });

  it("shows a server problem on the field it is about", () => {
    expect(campaignFormField({ code: "invalid_request", field: "name" })).toBe("name");
    expect(campaignFormField({ code: "invalid_request", field: "window.from" })).toBe("from");
    expect(campaignFormField({ code: "invalid_request", field: "window.to" })).toBe("to");
    expect(campaignFormField({ code: "invalid_request", field: "window.days" })).toBe("days");
    expect(campaignFormField({ code: "invalid_request", field: "waves" })).toBe("waves");
    expect(campaignFormField({ code: "invalid_request", field: "target.group_id" })).toBe("target");
    expect(campaignFormField({ code: "campaign_target_empty" })).toBe("target");
    expect(campaignFormField({ code: "campaign_target_too_large" })).toBe("target");
    expect(campaignFormField({ code: "too_many_campaigns" })).toBeNull();
    expect(campaignFormField({ code: "invalid_request", field: "unknown" })).toBeNull();
  });
});

describe("a campaign in words (DEV-6)", () => {
  it("says why a device was skipped, done without a download, or failed", () => {
    expect(reasonText(ja, "other_model", "skipped")).toBe("対象外の機種");
    expect(reasonText(ja, "other_product_class", "skipped")).toBe("対象外の製品クラス");
    expect(reasonText(ja, "other_hardware", "skipped")).toBe("対象外のハードウェアバージョン");
    expect(reasonText(ja, "already_current", "done")).toBe("すでにこのバージョン");
    expect(reasonText(en, "other_model", "skipped")).toBe("Another model");
    expect(reasonText(ja, "9010", "failed")).toBe("9010 ファイル転送に失敗しました");
    expect(reasonText(en, "9003", "failed")).toMatch(/^9003 /);
    expect(reasonText(ja, "timeout", "failed")).toBe("装置が応答しませんでした");
    expect(reasonText(ja, "something_new", "skipped")).toBe("something_new");
    expect(reasonText(ja, "", "pending")).toBe("");
  });

  it("lists the reasons most devices first", () => {
    expect(reasonRows(ja, { other_model: 2, other_hardware: 5, device_deleted: 0 }, false)).toEqual([
      { reason: "other_hardware", text: "対象外のハードウェアバージョン", count: 5 },
      { reason: "other_model", text: "対象外の機種", count: 2 },
    ]);
    expect(reasonRows(en, { "9003": 1, timeout: 3 }, true).map((r) => r.text)).toEqual(["The device did not answer", expect.stringMatching(/^9003 /)]);
  });

  it("says why it paused, and its wave", () => {
    const paused = { state: "paused" as const, pause_reason: "failure_threshold" as const, current_wave: 2, failure_threshold_percent: 10, min_success_before_next_wave: 1, waves: [{}, {}, {}] };
    expect(pauseReasonText(ja, paused)).toBe("段階 2 で失敗した装置の割合がしきい値（10 %）を超えたため、自動で一時停止しました。");
    expect(pauseReasonText(en, paused)).toContain("threshold (10 %)");
    expect(pauseReasonText(ja, { ...paused, pause_reason: "min_success" })).toContain("（1 台）");
    expect(pauseReasonText(ja, { ...paused, state: "running", pause_reason: null })).toBe("");
    expect(stateText(ja, paused)).toBe("一時停止中（失敗率）");
    expect(stateText(en, { state: "finished", pause_reason: null })).toBe("Finished");
    expect(waveOf({ current_wave: 2, waves: [] as never[] })).toBe("2 / 0");
  });

  it("draws a stacked bar of the states with devices, each visible, filling the width", () => {
    expect(barSegments(counts({}), 100)).toEqual([]);
    const segs = barSegments(counts({ total: 10, done: 6, failed: 1, pending: 3 }), 100, 2);
    expect(segs.map((s) => [s.state, s.count])).toEqual([
      ["done", 6],
      ["failed", 1],
      ["pending", 3],
    ]);
    expect(segs[0]).toMatchObject({ x: 0, width: 60 });
    expect(segs.at(-1)!.x + segs.at(-1)!.width).toBeCloseTo(100);
    // A single device among a thousand still shows.
    const sliver = barSegments(counts({ total: 1000, done: 999, failed: 1 }), 1000, 4);
    expect(sliver[1]!.width).toBeGreaterThanOrEqual(3.9);
    expect(sliver[1]!.x + sliver[1]!.width).toBeCloseTo(1000);
  });
});

describe("what a firmware file is for (DEV-6)", () => {
  it("names its models, or every model, with the product class and hardware versions", () => {
    expect(firmwareTargetText(ja, { product_class: null, models: ["HG-5", "HG-5e"], hardware_versions: [] })).toBe("HG-5, HG-5e");
    expect(firmwareTargetText(ja, { product_class: null, models: [], hardware_versions: [] })).toBe("すべての機種");
    expect(firmwareTargetText(en, { product_class: "IGD", models: [], hardware_versions: ["1.0", "1.1"] })).toBe("IGD · Any model · HW 1.0, 1.1");
  });

  it("splits the form's lists at commas, each once", () => {
    expect(splitList(" HG-5, HG-5e ,,HG-5、HG-9\n")).toEqual(["HG-5", "HG-5e", "HG-9"]);
    expect(splitList("")).toEqual([]);
  });

  it("reads the version from the file name as the server does", () => {
    expect(versionFromFileName("HG-5_v2.1.3.bin")).toBe("2.1.3");
    expect(versionFromFileName("fw-10_4_1-release.img")).toBe("10.4.1");
    expect(versionFromFileName("HG-5_v2.0.0.bin")).toBe("2.0.0");
    expect(versionFromFileName("firmware.bin")).toBe("");
    expect(versionFromFileName("HG5.bin")).toBe("");
    expect(versionFromFileName("HG-5.bin")).toBe("");
  });
});
