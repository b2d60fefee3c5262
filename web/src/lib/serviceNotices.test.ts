// Issue 15 in the console's words: the maintenance form's checks and the earliest start a
// refusal names (OPS-1), the incident list's order and ages (OPS-2), the availability chart's
// scale (OPS-3), what the banner shows and may hide, and the calendar's month grid.
import { ApiError } from "../api/client";
import type { Notices, PublicIncident, PublicMaintenance } from "../api/types";
import {
  availabilityScale,
  bannerItems,
  calendarStart,
  calendarWeeks,
  dayKind,
  dayTone,
  detectedProblem,
  earliestStartOf,
  formatPercent,
  formatWindow,
  incidentPatchOf,
  maintenancePatchOf,
  noticeText,
  ownCompanyNotices,
  publicationMessage,
  scopeOf,
  shiftMonth,
  sortIncidents,
  windowDays,
  titleProblem,
  windowProblems,
} from "./serviceNotices";

const texts = { title_ja: "定期メンテナンス", title_en: "Planned maintenance", body_ja: "本文", body_en: "" };

const maintenance = (extra: Partial<PublicMaintenance> = {}): PublicMaintenance => ({
  id: "m1",
  state: "scheduled",
  starts_at: "2025-03-12T15:00:00Z",
  starts_at_jst: "2025-03-13 00:00:00 JST",
  ends_at: "2025-03-12T18:00:00Z",
  ends_at_jst: "2025-03-13 03:00:00 JST",
  emergency: false,
  for_all: true,
  ...texts,
  ...extra,
});

const incident = (extra: Partial<PublicIncident> = {}): PublicIncident => ({
  id: "i1",
  state: "published",
  severity: "major",
  for_all: true,
  ...texts,
  detected_at: "2025-03-10T00:00:00Z",
  detected_at_jst: "2025-03-10 09:00:00 JST",
  published_at: "2025-03-10T00:20:00Z",
  published_at_jst: "2025-03-10 09:20:00 JST",
  resolved_at: null,
  resolved_at_jst: null,
  updates: [],
  ...extra,
});

describe("the maintenance form (OPS-1)", () => {
  it("checks the window as entered in JST: both times, the end after the start, at most 7 days, not over", () => {
    expect(windowProblems("", "")).toEqual({ starts: "validation.required", ends: "validation.required" });
    expect(windowProblems("2025-03-13T00:00", "2025-03-13T03:00")).toEqual({ starts: null, ends: null });
    expect(windowProblems("2025-03-13T03:00", "2025-03-13T03:00").ends).toBe("serviceNotices.errors.endBeforeStart");
    expect(windowProblems("2025-03-13T00:00", "2025-03-20T00:00").ends).toBeNull();
    expect(windowProblems("2025-03-13T00:00", "2025-03-20T00:01").ends).toBe("serviceNotices.errors.tooLong");
    expect(windowProblems("13/03/2025", "2025-03-13T03:00").starts).toBe("serviceNotices.errors.time");
    // 03:00 JST on the 13th is 18:00 UTC on the 12th: over once that has passed.
    expect(windowProblems("2025-03-13T00:00", "2025-03-13T03:00", Date.parse("2025-03-12T18:00:00Z")).ends).toBe("serviceNotices.errors.endsInPast");
    expect(windowProblems("2025-03-13T00:00", "2025-03-13T03:00", Date.parse("2025-03-12T17:59:00Z")).ends).toBeNull();
  });

  it("checks titles as the server does: 1 to 200 characters, counted as characters, not only spaces", () => {
    expect(titleProblem("  ")).toBe("validation.required");
    expect(titleProblem("保".repeat(200))).toBeNull();
    expect(titleProblem("保".repeat(201))).toBe("validation.tooLong");
  });

  it("reads the earliest start from a notice_too_short refusal, and nothing from other errors", () => {
    const refusal = new ApiError({
      status: 422,
      code: "notice_too_short",
      field: "starts_at",
      detail: "a planned maintenance window starts at least 3 business days after it is announced",
      earliest_start: "2025-03-13T15:00:00.000Z",
      earliest_start_jst: "2025-03-14 00:00:00 JST",
    });
    expect(earliestStartOf(refusal)).toEqual({ utc: "2025-03-13T15:00:00.000Z", jst: "2025-03-14 00:00:00 JST" });
    expect(earliestStartOf(new ApiError({ status: 422, code: "notice_too_short" }))).toBeNull();
    expect(earliestStartOf(new ApiError({ status: 409, code: "maintenance_ended", earliest_start: "x" }))).toBeNull();
    expect(earliestStartOf(new Error("network"))).toBeNull();
  });

  it("sends only what an edit changed, the companies in any order being the same scope", () => {
    const w = { starts_at: "2025-03-12T15:00:00.000Z", ends_at: "2025-03-12T18:00:00.000Z", scope: ["c2", "c1"], ...texts };
    const same = { starts_at: "2025-03-12T15:00:00Z", ends_at: "2025-03-12T18:00:00Z", scope: ["c1", "c2"], ...texts };
    expect(maintenancePatchOf(w, same)).toEqual({});
    expect(maintenancePatchOf(w, { ...same, ends_at: "2025-03-12T19:00:00Z", scope: "all", body_en: "Stops." })).toEqual({
      ends_at: "2025-03-12T19:00:00Z",
      scope: "all",
      body_en: "Stops.",
    });
    expect(scopeOf(true, ["c1"])).toBe("all");
    expect(scopeOf(false, ["c2", "c1"])).toEqual(["c1", "c2"]);
    expect(scopeOf(false, [])).toBeNull();
  });

  it("shows a window in JST, the end's date only when it differs", () => {
    expect(formatWindow("2025-03-12T15:00:00Z", "2025-03-12T18:00:00Z")).toBe("2025-03-13 00:00 – 03:00");
    expect(formatWindow("2025-03-12T13:00:00Z", "2025-03-12T16:00:00Z")).toBe("2025-03-12 22:00 – 2025-03-13 01:00");
  });
});

describe("the incident list (OPS-2)", () => {
  const row = (id: string, state: "draft" | "published" | "resolved", detected: string, overdue = false) => ({ id, state, overdue, detected_at: detected });

  it("puts drafts first, the late ones at the very top, then those published, then the resolved; latest first", () => {
    const sorted = sortIncidents([
      row("resolved", "resolved", "2025-03-10T05:00:00Z"),
      row("published-old", "published", "2025-03-09T00:00:00Z"),
      row("draft-new", "draft", "2025-03-10T04:00:00Z"),
      row("published-new", "published", "2025-03-10T03:00:00Z"),
      row("draft-late", "draft", "2025-03-10T01:00:00Z", true),
    ]);
    expect(sorted.map((i) => i.id)).toEqual(["draft-late", "draft-new", "published-new", "published-old", "resolved"]);
  });

  it("says how long publication took, or how long a draft has waited", () => {
    expect(publicationMessage({ minutes_to_publication: 23, detected_at: "2025-03-10T00:00:00Z" })).toEqual({ key: "incidents.publishedAfterMinutes", values: { minutes: 23 } });
    expect(publicationMessage({ minutes_to_publication: 75, detected_at: "2025-03-10T00:00:00Z" })).toEqual({
      key: "incidents.publishedAfterHours",
      values: { hours: 1, minutes: 15 },
    });
    const now = Date.parse("2025-03-10T00:52:30Z");
    expect(publicationMessage({ minutes_to_publication: null, detected_at: "2025-03-10T00:00:00Z" }, now)).toEqual({ key: "incidents.draftAgeMinutes", values: { minutes: 52 } });
  });

  it("sends a published incident's texts only: its scope and severity stay", () => {
    const base = { scope: "all" as const, severity: "major" as const, ...texts };
    const edit = { ...base, scope: ["c1"], severity: "critical" as const, title_en: "Outage" };
    expect(incidentPatchOf({ ...base, state: "draft" }, edit)).toEqual({ scope: ["c1"], severity: "critical", title_en: "Outage" });
    expect(incidentPatchOf({ ...base, state: "published" }, edit)).toEqual({ title_en: "Outage" });
  });

  it("takes an empty detection time as now, and refuses one in the future", () => {
    const now = Date.parse("2025-03-10T00:00:00Z");
    expect(detectedProblem("", now)).toBeNull();
    expect(detectedProblem("2025-03-10T08:30", now)).toBeNull();
    expect(detectedProblem("2025-03-10T09:30", now)).toBe("incidents.errors.detectedFuture");
  });
});

describe("the availability chart (OPS-3)", () => {
  it("shows the half per cent under the objective when every month is near it", () => {
    const scale = availabilityScale([0.9999, 0.998, null, 1], 0.995);
    expect(scale.floor).toBe(0.99);
    expect(scale.ticks).toEqual([0.99, 0.995, 1]);
    expect(scale.position(1)).toBe(1);
    expect(scale.position(0.995)).toBeCloseTo(0.5);
    expect(scale.position(0.99)).toBe(0);
  });

  it("reaches lower, in steps of half a per cent, for a month further down, and never below zero", () => {
    expect(availabilityScale([0.9999, 0.972], 0.995).floor).toBe(0.97);
    expect(availabilityScale([0.9999, 0.972], 0.995).position(0.972)).toBeGreaterThan(0);
    expect(availabilityScale([0], 0.995).floor).toBe(0);
    expect(availabilityScale([], 0.995).floor).toBe(0.99);
  });

  it("never rounds a month up to the objective or to 100 %", () => {
    expect(formatPercent(0.99499)).toBe("99.49 %");
    expect(formatPercent(0.99999)).toBe("99.99 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(formatPercent(0.995, 1)).toBe("99.5 %");
    expect(formatPercent(null)).toBe("—");
  });

  it("colours a status page day by its availability against the objective", () => {
    expect(dayTone(null)).toBe("none");
    expect(dayTone(0.9995)).toBe("ok");
    expect(dayTone(0.993)).toBe("warn");
    expect(dayTone(0.95)).toBe("bad");
  });
});

describe("the banner", () => {
  const notices = (m: PublicMaintenance[], i: PublicIncident[]): Notices => ({ maintenance: m, incidents: i });

  it("shows windows to come or in progress and incidents not resolved; critical incidents and windows in progress first", () => {
    const items = bannerItems(
      notices(
        [maintenance({ id: "later" }), maintenance({ id: "now", state: "in_progress" }), maintenance({ id: "over", state: "ended" }), maintenance({ id: "off", state: "cancelled" })],
        [incident({ id: "minor", severity: "minor" }), incident({ id: "critical", severity: "critical" }), incident({ id: "fixed", state: "resolved" })],
      ),
      new Set(),
    );
    expect(items.map((b) => b.item.id)).toEqual(["critical", "now", "minor", "later"]);
  });

  it("hides what was dismissed, but never an emergency window or a critical incident", () => {
    const all = notices([maintenance({ id: "planned" }), maintenance({ id: "urgent", emergency: true })], [incident({ id: "major" }), incident({ id: "critical", severity: "critical" })]);
    const keys = bannerItems(all, new Set()).map((b) => b.key);
    const left = bannerItems(all, new Set(keys));
    expect(left.map((b) => b.item.id).sort()).toEqual(["critical", "urgent"]);
    expect(left.every((b) => b.pinned)).toBe(true);
  });

  it("shows a dismissed item again when it changes: a window that starts, an incident with a new update", () => {
    const before = notices([maintenance()], [incident()]);
    const dismissed = new Set(bannerItems(before, new Set()).map((b) => b.key));
    expect(bannerItems(before, dismissed)).toEqual([]);
    const after = notices([maintenance({ state: "in_progress" })], [incident({ updates: [{ id: "u1", at: "2025-03-10T01:00:00Z", at_jst: "", body_ja: "復旧作業中", body_en: "Restoring" }] })]);
    expect(bannerItems(after, dismissed).map((b) => b.item.id)).toEqual(["m1", "i1"]);
  });

  it("reads the texts in the reader's language, English falling back to Japanese", () => {
    expect(noticeText(texts, "ja")).toEqual({ title: "定期メンテナンス", body: "本文" });
    expect(noticeText(texts, "en")).toEqual({ title: "Planned maintenance", body: "本文" });
  });

  it("adds to the status page only what concerns the account's own company", () => {
    const own = ownCompanyNotices(notices([maintenance({ id: "all" }), maintenance({ id: "ours", for_all: false })], [incident({ id: "ours-i", for_all: false }), incident({ id: "public" })]), {
      maintenance: [maintenance({ id: "all" })],
      incidents: [incident({ id: "public" })],
    });
    expect(own.maintenance.map((w) => w.id)).toEqual(["ours"]);
    expect(own.incidents.map((i) => i.id)).toEqual(["ours-i"]);
  });
});

describe("the business-day calendar (OPS-1)", () => {
  it("starts a month's six weeks on the Monday on or before its first day", () => {
    expect(calendarStart("2025-03")).toBe("2025-02-24"); // 1 March 2025 is a Saturday
    expect(calendarStart("2025-09")).toBe("2025-09-01"); // a Monday
    expect(calendarStart("2026-02")).toBe("2026-01-26");
    expect(shiftMonth("2025-12", 1)).toBe("2026-01");
    expect(shiftMonth("2025-01", -1)).toBe("2024-12");
  });

  it("cuts the days into weeks and names each day's kind, a holiday before a weekend", () => {
    const days = Array.from({ length: 14 }, (_, i) => ({ date: `2025-05-${String(i + 1).padStart(2, "0")}` }));
    expect(calendarWeeks(days).map((w) => w.length)).toEqual([7, 7]);
    expect(dayKind({ business_day: false, weekend: true, holiday: "こどもの日", closed: false })).toBe("holiday");
    expect(dayKind({ business_day: false, weekend: true, holiday: null, closed: false })).toBe("weekend");
    expect(dayKind({ business_day: false, weekend: false, holiday: null, closed: true })).toBe("closed");
    expect(dayKind({ business_day: true, weekend: false, holiday: null, closed: false })).toBe("business");
  });

  it("marks the JST days a window touches", () => {
    expect(windowDays("2025-03-13T15:00:00Z", "2025-03-13T18:00:00Z")).toEqual(["2025-03-14"]);
    expect(windowDays("2025-03-13T14:00:00Z", "2025-03-15T15:00:00Z")).toEqual(["2025-03-13", "2025-03-14", "2025-03-15"]);
    expect(windowDays("2025-03-13T15:00:00Z", "2025-03-13T15:00:00Z")).toEqual([]);
  });
});
