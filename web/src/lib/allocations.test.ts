import { ApiError } from "../api/client";
import type { Allocation } from "../api/types";
import { createI18n } from "../i18n";
import {
  allocationBody,
  canAllocateRefused,
  coverage,
  draftFieldOf,
  EMPTY_DRAFT,
  importReport,
  overlappingAllocationId,
  parseSerials,
  refusedAllocationBody,
  type AllocationDraft,
  type Message,
} from "./allocations";

const base: Allocation = {
  id: "al1",
  company_id: "c1",
  company_code: "ACME",
  oui: "00D09E",
  product_class: "IGD",
  kind: "serials",
  serial_count: 3,
  serial_prefix: null,
  serial_range: null,
  note: "",
  created_by: "root",
  created_at: "2026-12-06T04:00:00Z",
  created_at_jst: "2026-12-06 13:00:00",
};

function say(lang: "ja" | "en", m: Message): string {
  return createI18n(lang).t(m.key, m.values ?? {});
}

describe("what an allocation covers", () => {
  it("in words, ja and en", () => {
    const three = coverage(base);
    expect(say("en", three)).toBe("3 serials");
    expect(say("ja", three)).toBe("3 台（シリアル指定）");
    expect(say("en", coverage({ ...base, serial_count: 1 }))).toBe("1 serial");
    const prefix = coverage({ ...base, kind: "prefix", serial_prefix: "AB", serial_count: 0 });
    expect(say("en", prefix)).toBe("prefix AB…");
    expect(say("ja", prefix)).toBe("接頭辞 AB…");
    const range = coverage({ ...base, kind: "range", serial_range: { from: "ACM000001", to: "ACM000500" } });
    expect(say("en", range)).toBe("ACM000001–ACM000500");
    expect(say("en", coverage({ ...base, kind: "oui" }))).toBe("whole OUI");
    expect(say("ja", coverage({ ...base, kind: "oui" }))).toBe("OUI 全体");
  });
  it("a kind this console does not know yet is not shown as a bare key", () => {
    const m = coverage({ ...base, kind: "something-new" as Allocation["kind"] });
    expect(say("en", m)).toBe("—");
  });
});

describe("serial list input", () => {
  it("one per line, pasted columns and commas too, blanks and repeats dropped", () => {
    expect(parseSerials("ACM1\n ACM2 \r\n\nACM1\tACM3, ACM4;ACM5\n")).toEqual(["ACM1", "ACM2", "ACM3", "ACM4", "ACM5"]);
    expect(parseSerials("  \n ")).toEqual([]);
  });
});

describe("the create form's body", () => {
  const draft = (d: Partial<AllocationDraft>): AllocationDraft => ({ ...EMPTY_DRAFT, company_id: "c1", oui: "00d09e", ...d });

  it("sends exactly one of serials / prefix / range, or none for the whole OUI", () => {
    expect(allocationBody(draft({ kind: "serials", serials: "A1\nA2", product_class: " IGD ", note: " box 7 " }))).toEqual({
      ok: true,
      body: { company_id: "c1", oui: "00D09E", product_class: "IGD", serials: ["A1", "A2"], note: "box 7" },
    });
    expect(allocationBody(draft({ kind: "prefix", serial_prefix: "AB", serials: "ignored" }))).toEqual({
      ok: true,
      body: { company_id: "c1", oui: "00D09E", serial_prefix: "AB" },
    });
    expect(allocationBody(draft({ kind: "range", range_from: "ACM000001", range_to: "ACM000500" }))).toEqual({
      ok: true,
      body: { company_id: "c1", oui: "00D09E", serial_range: { from: "ACM000001", to: "ACM000500" } },
    });
    expect(allocationBody(draft({ kind: "oui", serial_prefix: "ignored" }))).toEqual({ ok: true, body: { company_id: "c1", oui: "00D09E" } });
  });

  it("names the field at fault", () => {
    const fieldOf = (d: Partial<AllocationDraft>) => {
      const r = allocationBody(draft(d));
      return r.ok ? null : r.field;
    };
    expect(fieldOf({ company_id: "" })).toBe("company_id");
    expect(fieldOf({ oui: "00D09" })).toBe("oui");
    expect(fieldOf({ oui: "00D09G" })).toBe("oui");
    expect(fieldOf({ kind: "serials", serials: " \n" })).toBe("serials");
    expect(fieldOf({ kind: "prefix", serial_prefix: "" })).toBe("serial_prefix");
    expect(fieldOf({ kind: "range", range_from: "A1", range_to: "" })).toBe("serial_range");
    expect(fieldOf({ kind: "range", range_from: "A1", range_to: "A100" })).toBe("serial_range");
    expect(fieldOf({ kind: "range", range_from: "A9", range_to: "A1" })).toBe("serial_range");
    expect(fieldOf({ kind: "serials", serials: "x".repeat(65) })).toBe("serials");
    expect(fieldOf({ product_class: "p".repeat(65), serials: "A1" })).toBe("product_class");
  });

  it("refuses more serials than the server's limit before sending them", () => {
    const many = Array.from({ length: 10_001 }, (_, i) => `S${i}`).join("\n");
    const r = allocationBody(draft({ kind: "serials", serials: many }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(say("ja", r.error)).toBe("シリアル番号は 10,000 件までです（10,001 件あります）");
  });

  it("maps the server's field names to the form's", () => {
    expect(draftFieldOf("serial_range.from")).toBe("serial_range");
    expect(draftFieldOf("oui")).toBe("oui");
    expect(draftFieldOf("something_else")).toBeNull();
    expect(draftFieldOf(undefined)).toBeNull();
  });
});

describe("an overlap with another company's allocation", () => {
  it("names the other allocation from the problem's detail", () => {
    const e = new ApiError({ status: 409, code: "allocation_overlap", detail: "the devices overlap allocation al_9f3 of another company" });
    expect(overlappingAllocationId(e)).toBe("al_9f3");
    expect(overlappingAllocationId(new ApiError({ status: 409, code: "conflict", detail: "allocation x" }))).toBeNull();
    expect(overlappingAllocationId(new Error("allocation x"))).toBeNull();
  });
});

describe("a refused CSV import's report", () => {
  it("lists every line at fault, in line order, with labels in the reader's language", () => {
    const e = new ApiError({
      status: 409,
      code: "allocation_overlap",
      detail: "3 line(s) of the file are at fault; nothing was stored",
      error_count: 3,
      errors: [
        { line: 4, field: "serial", code: "allocation_overlap", message: "overlaps", conflicting_allocation_id: "al7" },
        { line: 2, field: "company_code", code: "unknown_company", message: "no company NOPE" },
        { line: 3, field: "oui", code: "invalid", message: "oui must be 6 hexadecimal characters" },
      ],
    });
    const report = importReport(e);
    expect(report).not.toBeNull();
    expect(report!.code).toBe("allocation_overlap");
    expect(report!.errorCount).toBe(3);
    expect(report!.truncated).toBe(false);
    expect(report!.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(report!.rows.map((r) => say("ja", r.fieldLabel))).toEqual(["会社ID", "OUI", "シリアル番号"]);
    expect(report!.rows.map((r) => say("en", r.codeLabel))).toEqual(["Unknown company ID", "Not valid", "Allocated to another company"]);
    expect(report!.rows[2]!.conflictingId).toBe("al7");
    expect(report!.rows[0]!.conflictingId).toBeNull();
  });

  it("says when the server listed fewer lines than it counted, and keeps unknown codes readable", () => {
    const e = new ApiError({
      status: 422,
      code: "import_invalid",
      error_count: 250,
      errors: [
        { line: 0, field: "file", code: "invalid", message: "the file is not UTF-8 text" },
        { line: 9, field: "colour", code: "new_code", message: "?" },
      ],
    });
    const report = importReport(e)!;
    expect(report.truncated).toBe(true);
    expect(report.rows[0]!.line).toBeNull(); // the file as a whole
    expect(say("en", report.rows[0]!.fieldLabel)).toBe("File");
    expect(say("en", report.rows[1]!.fieldLabel)).toBe("colour");
    expect(say("en", report.rows[1]!.codeLabel)).toBe("new_code");
  });

  it("is no report for other errors", () => {
    expect(importReport(new ApiError({ status: 400, code: "invalid_request", field: "x" }))).toBeNull();
    expect(importReport(new ApiError({ status: 409, code: "allocation_overlap" }))).toBeNull(); // no errors list
    expect(importReport(new Error("x"))).toBeNull();
    expect(importReport(null)).toBeNull();
  });
});

describe("allocating a refused device", () => {
  it("only a device no company has", () => {
    expect(canAllocateRefused({ reason: "unallocated" })).toBe(true);
    for (const reason of ["overlap", "no_profile", "ambiguous", "unauthenticated_not_allowed", "bad_credentials"] as const)
      expect(canAllocateRefused({ reason })).toBe(false);
  });
  it("allocates exactly that device", () => {
    expect(refusedAllocationBody({ oui: "00d09e", product_class: "SimGateway", serial_number: "NEW000001" }, "c1")).toEqual({
      company_id: "c1",
      oui: "00D09E",
      product_class: "SimGateway",
      serials: ["NEW000001"],
    });
    expect(refusedAllocationBody({ oui: "00D09E", product_class: "", serial_number: "X" }, "c1")).toEqual({
      company_id: "c1",
      oui: "00D09E",
      serials: ["X"],
    });
  });
  it("every refusal reason is translated", () => {
    for (const lang of ["ja", "en"] as const) {
      const i18n = createI18n(lang);
      for (const reason of ["unallocated", "overlap", "no_profile", "ambiguous", "unauthenticated_not_allowed", "bad_credentials"]) {
        expect(i18n.exists(`refused.reasons.${reason}`)).toBe(true);
        expect(i18n.exists(`refused.reasonHints.${reason}`)).toBe(true);
      }
    }
  });
});
