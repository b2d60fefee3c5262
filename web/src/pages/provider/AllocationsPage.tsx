// Provider console: device allocations (仕向け情報, issue 10). Which devices belong to which
// company: an OUI, optionally a product class, and a serial list, a prefix, a range or the
// whole OUI. A device joins a company only through an allocation of that company; two
// companies' allocations never overlap (the server refuses it with allocation_overlap).
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useWatch, type Path } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../../api/client";
import type { Allocation, AllocationKind, Company } from "../../api/types";
import { AllocationDetailDialog, allocationTime, CompanySelect, useCoverageText, useMessageText } from "../../components/Allocations";
import { useConfirmedDelete } from "../../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../../components/form";
import { message } from "../../i18n";
import { Icon } from "../../components/Icon";
import { FilterToolbar, ListPage, MorePager, useAppliedFilter } from "../../components/ListPage";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, EmptyState, ErrorBanner, Field, Input, SearchField, Select, useErrorText } from "../../components/ui";
import {
  allocationBody,
  draftFieldOf,
  EMPTY_DRAFT,
  importReport,
  overlappingAllocationId,
  parseSerials,
  type AllocationDraft,
  type DraftField,
  type ImportReport,
  type Message,
} from "../../lib/allocations";
import { useAllocation, useAllocations, useCreateAllocation, useDeleteAllocation, useImportAllocations } from "../../resources/allocations";
import { useCompanies } from "../../resources/companies";

const filterSchema = z.object({ q: z.string(), company_id: z.string() });
type ListFilter = z.infer<typeof filterSchema>;

const NO_FILTER: ListFilter = { q: "", company_id: "" };
const KINDS: AllocationKind[] = ["serials", "prefix", "range", "oui"];

// The other company's allocation an overlap names, in words ("ACME (OUI 00D09E, 3 serials)").
function OverlapNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const id = overlappingAllocationId(error);
  const other = useAllocation(id);
  if (!id || !other.data) return null;
  const a = other.data;
  return <p>{t("allocations.overlapWith", { company: a.company_code, oui: a.oui, covers: covers(a) })}</p>;
}

// The create form checks the draft as lib/allocations does (the usual mistakes named on their
// field) before anything is sent; the schema only gives the fields their shape.
const draftSchema = z.object({
  company_id: z.string(),
  oui: z.string(),
  product_class: z.string(),
  kind: z.enum(["serials", "prefix", "range", "oui"]),
  serials: z.string(),
  serial_prefix: z.string(),
  range_from: z.string(),
  range_to: z.string(),
  note: z.string(),
}) satisfies z.ZodType<AllocationDraft>;

// The form field that shows a draft field's error (a range's, on its start).
function formField(field: DraftField): Path<AllocationDraft> {
  return field === "serial_range" ? "range_from" : field;
}

const SERVER_ERRORS: Record<DraftField, Message["key"]> = {
  company_id: "allocations.serverErrors.company_id",
  oui: "allocations.serverErrors.oui",
  product_class: "allocations.serverErrors.product_class",
  serials: "allocations.serverErrors.serials",
  serial_prefix: "allocations.serverErrors.serial_prefix",
  serial_range: "allocations.serverErrors.serial_range",
  note: "allocations.serverErrors.note",
};

// The draft field an invalid_request names, if the form has it.
function invalidField(error: unknown): DraftField | null {
  return error instanceof ApiError && error.code === "invalid_request" ? draftFieldOf(error.field) : null;
}

function CreateDialog({ companies, onClose }: { companies: Company[]; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const text = useMessageText();
  const errorText = useErrorMessage();
  const create = useCreateAllocation();
  const form = useZodForm(draftSchema, { defaultValues: EMPTY_DRAFT });
  const errors = form.formState.errors;
  const [kind, serials] = useWatch({ control: form.control, name: ["kind", "serials"] });
  const submit = (d: AllocationDraft) => {
    const result = allocationBody(d);
    if (!result.ok) {
      form.setError(formField(result.field), { message: text(result.error) });
      return;
    }
    create.mutate(result.body, {
      onSuccess: () => {
        toast(t("allocations.created"));
        onClose();
      },
      onError: (e) => {
        const field = invalidField(e);
        if (field) form.setError(formField(field), { message: message(SERVER_ERRORS[field]) });
      },
    });
  };
  const serialCount = kind === "serials" ? parseSerials(serials).length : 0;
  const plain = { spellCheck: false, autoComplete: "off" } as const;
  return (
    <FormDialog
      form={form}
      wide
      title={t("allocations.create")}
      submitLabel={t("common.create")}
      onSubmit={submit}
      onClose={onClose}
      busy={create.isPending}
      banner={<AllocationErrorBanner error={invalidField(create.error) ? null : create.error} />}
    >
      <Field label={t("allocations.company")} required error={errorText(errors.company_id)}>
        {(p) => <CompanySelect {...p} {...form.register("company_id")} companies={companies} />}
      </Field>
      <div />
      <Field label={t("allocations.oui")} required error={errorText(errors.oui)} hint={t("allocations.ouiHint")}>
        {(p) => <Input {...p} className="mono" maxLength={6} {...plain} {...form.register("oui")} />}
      </Field>
      <Field label={t("allocations.productClass")} error={errorText(errors.product_class)} hint={t("allocations.productClassHint")}>
        {(p) => <Input {...p} {...plain} {...form.register("product_class")} />}
      </Field>
      <fieldset className="span-2">
        <legend>{t("allocations.kind")}</legend>
        <div className="choice-list">
          {KINDS.map((k) => (
            <label key={k} className="checkbox">
              <input type="radio" value={k} {...form.register("kind", { onChange: () => form.clearErrors() })} />
              <span>{t(`allocations.kinds.${k}`)}</span>
            </label>
          ))}
        </div>
        <p className="field-hint">{t(`allocations.kindHints.${kind}`)}</p>
      </fieldset>
      {kind === "serials" ? (
        <div className="span-2">
          <Field
            label={t("allocations.serials")}
            required
            error={errorText(errors.serials)}
            hint={serialCount ? t("allocations.serialCount", { count: serialCount }) : undefined}
          >
            {(p) => <textarea {...p} className="input mono" rows={6} spellCheck={false} {...form.register("serials")} />}
          </Field>
        </div>
      ) : null}
      {kind === "prefix" ? (
        <Field label={t("allocations.serialPrefix")} required error={errorText(errors.serial_prefix)}>
          {(p) => <Input {...p} className="mono" {...plain} {...form.register("serial_prefix")} />}
        </Field>
      ) : null}
      {kind === "range" ? (
        <>
          <Field label={t("allocations.rangeFrom")} required error={errorText(errors.range_from)}>
            {(p) => <Input {...p} className="mono" {...plain} {...form.register("range_from")} />}
          </Field>
          <Field label={t("allocations.rangeTo")} required>
            {(p) => <Input {...p} className="mono" {...plain} {...form.register("range_to", { onChange: () => form.clearErrors("range_from") })} />}
          </Field>
        </>
      ) : null}
      <div className="span-2">
        <Field label={t("allocations.note")} error={errorText(errors.note)} hint={t("allocations.noteHint")}>
          {(p) => <Input {...p} maxLength={200} {...form.register("note")} />}
        </Field>
      </div>
    </FormDialog>
  );
}

// An allocation's refusal in the reader's language; an overlap also names the other
// company's allocation.
export function AllocationErrorBanner({ error }: { error: unknown }) {
  const errorText = useErrorText();
  if (!error) return null;
  return (
    <div className="alert alert-danger" role="alert">
      <Icon name="alert" />
      <div>
        <p>{errorText(error)}</p>
        <OverlapNotice error={error} />
      </div>
    </div>
  );
}

// The per-line report of a refused import.
export function ImportReportTable({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  const label = useMessageText();
  return (
    <div className="stack-sm">
      <Alert tone="danger">
        <strong>
          {t(report.code === "allocation_overlap" ? "allocations.importDialog.refusedOverlap" : "allocations.importDialog.refused", {
            count: report.errorCount,
          })}
        </strong>
        {report.truncated ? <p>{t("allocations.importDialog.truncated", { shown: report.rows.length })}</p> : null}
      </Alert>
      <div className="table-wrap report-table">
        <table className="table">
          <caption className="sr-only">{t("allocations.importDialog.report")}</caption>
          <thead>
            <tr>
              <th scope="col" className="col-num">
                {t("allocations.importDialog.line")}
              </th>
              <th scope="col">{t("allocations.importDialog.field")}</th>
              <th scope="col">{t("allocations.importDialog.code")}</th>
              <th scope="col">{t("allocations.importDialog.message")}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.key}>
                <td className="col-num mono">{r.line ?? t("allocations.importDialog.wholeFile")}</td>
                <td>{label(r.fieldLabel)}</td>
                <td>
                  <Badge tone={r.code === "allocation_overlap" ? "danger" : "warning"}>{label(r.codeLabel)}</Badge>
                </td>
                <td className="cell-sub">
                  {r.message}
                  {r.conflictingId ? (
                    <>
                      <br />
                      <span className="mono">{t("allocations.import.conflicting", { id: r.conflictingId })}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

// A file, or else pasted text; one of them is needed.
const importSchema = z
  .object({ files: z.custom<FileList>().optional(), pasted: z.string().optional() })
  .refine((v) => (v.files?.length ?? 0) > 0 || (v.pasted ?? "").trim() !== "", {
    path: ["pasted"],
    message: message("allocations.importDialog.empty"),
  });

function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const run = useImportAllocations();
  const form = useZodForm(importSchema, { defaultValues: { pasted: "" } });
  const files = useWatch({ control: form.control, name: "files" });
  const hasFile = (files?.length ?? 0) > 0;
  const report = importReport(run.error);
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={t("allocations.importDialog.title")}
      submitLabel={t("allocations.importDialog.submit")}
      submitIcon="upload"
      onSubmit={(v) =>
        run.mutate(v.files?.[0] ?? v.pasted ?? "", {
          onSuccess: (r) => {
            toast(t("allocations.importDialog.imported", { allocations: r.items.length, serials: r.serials }));
            onClose();
          },
        })
      }
      onClose={onClose}
      busy={run.isPending}
    >
      <div className="stack-sm">
        <p>{t("allocations.importDialog.format")}</p>
        <pre className="code-sample">{"company_code,oui,product_class,serial\nACME,00D09E,IGD,ACM000001\nACME,00D09E,,ACM000002"}</pre>
        <p className="muted">{t("allocations.importDialog.allOrNothing")}</p>
      </div>
      {report ? <ImportReportTable report={report} /> : <ErrorBanner error={run.error} />}
      {form.formState.errors.pasted ? <Alert tone="warning">{errorText(form.formState.errors.pasted)}</Alert> : null}
      <Field label={t("allocations.importDialog.file")}>
        {(p) => <input {...p} type="file" className="input-file" accept=".csv,text/csv,text/plain" {...form.register("files", { onChange: () => run.reset() })} />}
      </Field>
      <Field label={t("allocations.importDialog.paste")}>
        {(p) => (
          <textarea
            {...p}
            className="input mono"
            rows={6}
            spellCheck={false}
            placeholder="ACME,00D09E,IGD,ACM000001"
            {...form.register("pasted", { disabled: hasFile, onChange: () => run.reset() })}
          />
        )}
      </Field>
    </FormDialog>
  );
}

export function AllocationsPage() {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const companies = useCompanies();
  const filters = useAppliedFilter(filterSchema, NO_FILTER);
  const filter = filters.filter;
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [showing, setShowing] = useState<Allocation | null>(null);

  const list = useAllocations({ q: filter.q.trim() || undefined, company_id: filter.company_id || undefined });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const remove = useConfirmedDelete(useDeleteAllocation(), {
    title: t("allocations.deleteTitle"),
    message: (a) => t("allocations.deleteConfirm", { company: a.company_code, oui: a.oui, covers: covers(a) }),
    done: t("allocations.deleted"),
  });

  const col = createColumnHelper<Allocation>();
  const columns = [
    col.accessor((a) => allocationTime(a), { id: "created", header: t("allocations.createdAt"), cell: (c) => <span className="nowrap mono">{c.getValue()}</span> }),
    col.accessor("company_code", { header: t("allocations.companyCode"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("oui", { header: t("allocations.oui"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
    col.accessor("product_class", {
      header: t("allocations.productClass"),
      cell: (c) => c.getValue() ?? <span className="muted">{t("allocations.anyProductClass")}</span>,
    }),
    col.accessor((a) => covers(a), {
      id: "covers",
      header: t("allocations.kind"),
      cell: (c) => <span className={c.row.original.kind === "oui" ? "" : "mono"}>{c.getValue()}</span>,
    }),
    col.accessor("note", { header: t("allocations.note"), cell: (c) => <span className="cell-sub">{c.getValue()}</span> }),
    col.accessor("created_by", { header: t("allocations.createdBy") }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => (
        <div className="row">
          <Button className="btn-sm" variant="ghost" icon="list" onClick={() => setShowing(c.row.original)}>
            {t("common.details")}
          </Button>
          <Button
            className="btn-sm"
            variant="ghost"
            icon="trash"
            onClick={() => remove.ask(c.row.original)}
            aria-label={`${t("common.delete")}: ${c.row.original.company_code} ${covers(c.row.original)}`}
          />
        </div>
      ),
    }),
  ];
  const filtered = filter.q.trim() !== "" || filter.company_id !== "";

  const toolbar = (
    <FilterToolbar filter={filters} label={t("audit.filters")}>
      <SearchField
        id="allocation-search"
        label={t("allocations.search")}
        showLabel
        className="mono"
        placeholder={t("allocations.searchPlaceholder")}
        {...filters.form.register("q")}
      />
      <Field label={t("allocations.company")}>
        {(p) => (
          <Select {...p} {...filters.form.register("company_id")}>
            <option value="">{t("allocations.anyCompany")}</option>
            {(companies.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.code}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </FilterToolbar>
  );

  return (
    <ListPage
      title={t("allocations.title")}
      description={t("allocations.description")}
      actions={
        <>
          <Button icon="upload" onClick={() => setImporting(true)}>
            {t("allocations.importCsv")}
          </Button>
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} disabled={!companies.data}>
            {t("allocations.create")}
          </Button>
        </>
      }
      error={list.error ?? companies.error}
      toolbar={toolbar}
      rows={rows}
      loading={list.isLoading}
      columns={columns}
      getRowId={(a) => a.id}
      empty={<EmptyState icon="allocate" title={filtered ? t("allocations.emptySearch") : t("allocations.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
          moreLabel={t("allocations.more")}
        />
      }
    >
      {creating && companies.data ? <CreateDialog companies={companies.data} onClose={() => setCreating(false)} /> : null}
      {importing ? <ImportDialog onClose={() => setImporting(false)} /> : null}
      {showing ? <AllocationDetailDialog allocation={showing} onClose={() => setShowing(null)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}
