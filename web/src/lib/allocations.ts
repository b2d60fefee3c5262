// Device allocations (仕向け情報, issue 10) in the console's words: what an allocation covers
// ("3 serials", "prefix AB…", "ACM000001–ACM000500", "whole OUI"), the create form's draft as
// the API's body (checked first, so the usual mistakes are named on their field), and a
// refused CSV import's per-line report.
import { ApiError } from "../api/client";
import type { Allocation, AllocationKind, RefusedDevice, RequestBody } from "../api/types";
import type { TranslationKey } from "../i18n";

// A translation key and its values, so the wording stays in ja.ts / en.ts.
export interface Message {
  key: TranslationKey;
  values?: Record<string, string | number>;
}

// What the allocation covers, as a message under allocations.covers.*.
export function coverage(a: Pick<Allocation, "kind" | "serial_count" | "serial_prefix" | "serial_range">): Message {
  switch (a.kind) {
    case "serials":
      return { key: "allocations.covers.serials", values: { count: a.serial_count } };
    case "prefix":
      return { key: "allocations.covers.prefix", values: { prefix: a.serial_prefix ?? "" } };
    case "range":
      return { key: "allocations.covers.range", values: { from: a.serial_range?.from ?? "", to: a.serial_range?.to ?? "" } };
    case "oui":
      return { key: "allocations.covers.oui" };
    default:
      return { key: "allocations.covers.unknown" };
  }
}

// A serial list as typed or pasted: one per line (commas, tabs and spaces separate too),
// blanks dropped, each kept once in the order given.
export function parseSerials(text: string): string[] {
  const seen = new Set<string>();
  for (const s of text.split(/[\s,;]+/)) {
    const serial = s.trim();
    if (serial && !seen.has(serial)) seen.add(serial);
  }
  return [...seen];
}

export const MAX_SERIALS = 10_000; // per allocation, as the server's limit

// 10000 -> "10,000" (the same in Japanese).
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
const MAX_MATCH_TEXT = 64;

export interface AllocationDraft {
  company_id: string;
  oui: string;
  product_class: string;
  kind: AllocationKind;
  serials: string;
  serial_prefix: string;
  range_from: string;
  range_to: string;
  note: string;
}

export const EMPTY_DRAFT: AllocationDraft = {
  company_id: "",
  oui: "",
  product_class: "",
  kind: "serials",
  serials: "",
  serial_prefix: "",
  range_from: "",
  range_to: "",
  note: "",
};

// The POST /allocations body.
export type AllocationBody = RequestBody<"allocations.create">;

export type DraftField = "company_id" | "oui" | "product_class" | "serials" | "serial_prefix" | "serial_range" | "note";

export type DraftResult = { ok: true; body: AllocationBody } | { ok: false; field: DraftField; error: Message };

// The POST /allocations body for a draft, or the first field at fault.
export function allocationBody(d: AllocationDraft): DraftResult {
  const fail = (field: DraftField, key: TranslationKey, values?: Message["values"]): DraftResult => ({
    ok: false,
    field,
    error: { key, values },
  });
  if (!d.company_id) return fail("company_id", "allocations.errors.company");
  const oui = d.oui.trim().toUpperCase();
  if (!/^[0-9A-F]{6}$/.test(oui)) return fail("oui", "allocations.errors.oui");
  const body: AllocationBody = { company_id: d.company_id, oui };
  const productClass = d.product_class.trim();
  if (productClass.length > MAX_MATCH_TEXT) return fail("product_class", "allocations.errors.tooLong", { max: MAX_MATCH_TEXT });
  if (productClass) body.product_class = productClass;
  switch (d.kind) {
    case "serials": {
      const serials = parseSerials(d.serials);
      if (serials.length === 0) return fail("serials", "allocations.errors.serialsEmpty");
      if (serials.length > MAX_SERIALS) return fail("serials", "allocations.errors.tooManySerials", { max: grouped(MAX_SERIALS), count: grouped(serials.length) });
      if (serials.some((s) => s.length > MAX_MATCH_TEXT)) return fail("serials", "allocations.errors.tooLong", { max: MAX_MATCH_TEXT });
      body.serials = serials;
      break;
    }
    case "prefix": {
      const prefix = d.serial_prefix.trim();
      if (!prefix) return fail("serial_prefix", "allocations.errors.prefixEmpty");
      if (prefix.length > MAX_MATCH_TEXT) return fail("serial_prefix", "allocations.errors.tooLong", { max: MAX_MATCH_TEXT });
      body.serial_prefix = prefix;
      break;
    }
    case "range": {
      const from = d.range_from.trim();
      const to = d.range_to.trim();
      if (!from || !to) return fail("serial_range", "allocations.errors.rangeEmpty");
      if (from.length !== to.length) return fail("serial_range", "allocations.errors.rangeLength");
      if (from > to) return fail("serial_range", "allocations.errors.rangeOrder");
      if (from.length > MAX_MATCH_TEXT) return fail("serial_range", "allocations.errors.tooLong", { max: MAX_MATCH_TEXT });
      body.serial_range = { from, to };
      break;
    }
    case "oui":
      break;
  }
  const note = d.note.trim();
  if (note) body.note = note;
  return { ok: true, body };
}

// The draft field an API error names (the server's "field": "serial_range.from" -> serial_range).
export function draftFieldOf(apiField: string | undefined): DraftField | null {
  if (!apiField) return null;
  const head = apiField.split(".")[0] ?? "";
  const known: DraftField[] = ["company_id", "oui", "product_class", "serials", "serial_prefix", "serial_range", "note"];
  return (known as string[]).includes(head) ? (head as DraftField) : null;
}

// The allocation an overlap names ("… overlap allocation <id> of another company").
export function overlappingAllocationId(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.code !== "allocation_overlap") return null;
  const m = /allocation\s+([^\s,;.]+)/.exec(e.detail);
  return m?.[1] ?? null;
}

// ---- CSV import ----

export const IMPORT_COLUMNS = ["company_code", "oui", "product_class", "serial"] as const;

// One line of a refused import: an item of the problem's "errors" member (problems are
// described only in general by the API's document).
export interface AllocationImportError {
  line: number; // 1-based line of the file; 0 for the file as a whole
  field: string; // company_code, oui, product_class, serial, file
  code: string; // unknown_company, invalid, duplicate, allocation_overlap, too_many
  message: string;
  conflicting_allocation_id?: string;
}

export interface ImportReportRow {
  key: string;
  line: number | null; // null: the file as a whole
  field: string;
  fieldLabel: Message;
  code: string;
  codeLabel: Message;
  message: string;
  conflictingId: string | null;
}

export interface ImportReport {
  code: "import_invalid" | "allocation_overlap";
  errorCount: number;
  rows: ImportReportRow[];
  // The server lists at most a few hundred lines; the count covers them all.
  truncated: boolean;
}

const FIELD_LABELS: Partial<Record<string, TranslationKey>> = {
  company_code: "allocations.import.fields.company_code",
  oui: "allocations.import.fields.oui",
  product_class: "allocations.import.fields.product_class",
  serial: "allocations.import.fields.serial",
  file: "allocations.import.fields.file",
};
const CODE_LABELS: Partial<Record<string, TranslationKey>> = {
  unknown_company: "allocations.import.codes.unknown_company",
  invalid: "allocations.import.codes.invalid",
  duplicate: "allocations.import.codes.duplicate",
  allocation_overlap: "allocations.import.codes.allocation_overlap",
  too_many: "allocations.import.codes.too_many",
};

// A refused import's report (422 import_invalid / 409 allocation_overlap with "errors"), sorted
// by line; null for any other error (shown as an ordinary error).
export function importReport(e: unknown): ImportReport | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code !== "import_invalid" && e.code !== "allocation_overlap") return null;
  const raw = e.problem.errors;
  if (!Array.isArray(raw)) return null;
  const rows: ImportReportRow[] = (raw as Partial<AllocationImportError>[]).map((r, i) => {
    const field = typeof r.field === "string" ? r.field : "";
    const code = typeof r.code === "string" ? r.code : "";
    const line = typeof r.line === "number" && r.line > 0 ? r.line : null;
    const fieldKey = FIELD_LABELS[field];
    const codeKey = CODE_LABELS[code];
    return {
      key: `${i}`,
      line,
      field,
      fieldLabel: fieldKey ? { key: fieldKey } : { key: "allocations.import.fields.other", values: { field } },
      code,
      codeLabel: codeKey ? { key: codeKey } : { key: "allocations.import.codes.other", values: { code } },
      message: typeof r.message === "string" ? r.message : "",
      conflictingId: typeof r.conflicting_allocation_id === "string" ? r.conflicting_allocation_id : null,
    };
  });
  rows.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const count = typeof e.problem.error_count === "number" ? e.problem.error_count : rows.length;
  return { code: e.code, errorCount: count, rows, truncated: count > rows.length };
}

// ---- Refused devices ----

// A refused device can be allocated from the list when no company has it ("unallocated"). For
// the other reasons the device already has a company, and the fix is there (a profile,
// credentials, the overlap).
export function canAllocateRefused(d: Pick<RefusedDevice, "reason">): boolean {
  return d.reason === "unallocated";
}

// The allocation of exactly that device: its OUI, product class and serial number.
export function refusedAllocationBody(d: Pick<RefusedDevice, "oui" | "product_class" | "serial_number">, companyId: string): AllocationBody {
  const body: AllocationBody = { company_id: companyId, oui: d.oui.trim().toUpperCase(), serials: [d.serial_number] };
  if (d.product_class.trim()) body.product_class = d.product_class;
  return body;
}
