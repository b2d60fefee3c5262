// Provider console: device allocations (仕向け情報, issue 10). Which devices belong to which
// company: an OUI, optionally a product class, and a serial list, a prefix, a range or the
// whole OUI. A device joins a company only through an allocation of that company; two
// companies' allocations never overlap (the server refuses it with allocation_overlap).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, fetchAll, uploadBinary, type Page } from "../../api/client";
import { keys } from "../../api/queries";
import type { Allocation, AllocationImportResult, AllocationKind, Company } from "../../api/types";
import { AllocationDetailDialog, allocationTime, useCoverageText, useMessageText } from "../../components/Allocations";
import { DataTable } from "../../components/DataTable";
import { Icon } from "../../components/Icon";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, Card, ConfirmDialog, Dialog, EmptyState, ErrorBanner, Field, Input, PageHeader, Select, Spinner, useErrorText } from "../../components/ui";
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

interface ListFilter {
  q: string;
  company_id: string;
}

const NO_FILTER: ListFilter = { q: "", company_id: "" };
const KINDS: AllocationKind[] = ["serials", "prefix", "range", "oui"];

export function useCompanies() {
  return useQuery({
    queryKey: keys.companies,
    queryFn: async () => (await fetchAll<Company>("/companies")).sort((a, b) => a.code.localeCompare(b.code)),
  });
}

// The other company's allocation an overlap names, in words ("ACME (OUI 00D09E, 3 serials)").
function OverlapNotice({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const id = overlappingAllocationId(error);
  const other = useQuery({
    queryKey: keys.allocation(id ?? ""),
    queryFn: () => api<Allocation>(`/allocations/${encodeURIComponent(id ?? "")}`),
    enabled: id !== null,
    retry: false,
  });
  if (!id || !other.data) return null;
  const a = other.data;
  return <p>{t("allocations.overlapWith", { company: a.company_code, oui: a.oui, covers: covers(a) })}</p>;
}

function CreateDialog({ companies, onClose }: { companies: Company[]; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const text = useMessageText();
  const [d, setD] = useState<AllocationDraft>(EMPTY_DRAFT);
  const [invalid, setInvalid] = useState<{ field: DraftField; message: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: object) => api<Allocation>("/allocations", { method: "POST", body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.allocations });
      toast(t("allocations.created"));
      onClose();
    },
    onError: (e) => {
      const field = e instanceof ApiError && e.code === "invalid_request" ? draftFieldOf(e.field) : null;
      if (field) setInvalid({ field, message: t(`allocations.serverErrors.${field}`) });
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const result = allocationBody(d);
    if (!result.ok) {
      setInvalid({ field: result.field, message: text(result.error) });
      return;
    }
    setInvalid(null);
    create.mutate(result.body);
  };
  const set = (k: keyof AllocationDraft) => (e: { target: { value: string } }) => {
    setD({ ...d, [k]: e.target.value });
    if (invalid && (invalid.field === k || (invalid.field === "serial_range" && k.startsWith("range_")))) setInvalid(null);
  };
  const errorOf = (f: DraftField) => (invalid?.field === f ? invalid.message : undefined);
  const serialCount = d.kind === "serials" ? parseSerials(d.serials).length : 0;
  const bannerError = create.error instanceof ApiError && create.error.code === "invalid_request" && draftFieldOf(create.error.field) ? null : create.error;
  return (
    <Dialog
      open
      wide
      title={t("allocations.create")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={create.isPending} onClick={() => submit()}>
            {t("common.create")}
          </Button>
        </>
      }
    >
      <AllocationErrorBanner error={bannerError} />
      <form className="form-grid" onSubmit={submit} noValidate>
        <Field label={t("allocations.company")} required error={errorOf("company_id")}>
          {(p) => (
            <Select {...p} value={d.company_id} onChange={set("company_id")}>
              <option value="">{t("allocations.chooseCompany")}</option>
              {companies.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} — {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div />
        <Field label={t("allocations.oui")} required error={errorOf("oui")} hint={t("allocations.ouiHint")}>
          {(p) => <Input {...p} className="mono" value={d.oui} onChange={set("oui")} maxLength={6} spellCheck={false} autoComplete="off" />}
        </Field>
        <Field label={t("allocations.productClass")} error={errorOf("product_class")} hint={t("allocations.productClassHint")}>
          {(p) => <Input {...p} value={d.product_class} onChange={set("product_class")} spellCheck={false} autoComplete="off" />}
        </Field>
        <fieldset className="span-2">
          <legend>{t("allocations.kind")}</legend>
          <div className="choice-list">
            {KINDS.map((k) => (
              <label key={k} className="checkbox">
                <input
                  type="radio"
                  name="allocation-kind"
                  value={k}
                  checked={d.kind === k}
                  onChange={() => {
                    setD({ ...d, kind: k });
                    setInvalid(null);
                  }}
                />
                <span>{t(`allocations.kinds.${k}`)}</span>
              </label>
            ))}
          </div>
          <p className="field-hint">{t(`allocations.kindHints.${d.kind}`)}</p>
        </fieldset>
        {d.kind === "serials" ? (
          <div className="span-2">
            <Field
              label={t("allocations.serials")}
              required
              error={errorOf("serials")}
              hint={serialCount ? t("allocations.serialCount", { count: serialCount }) : undefined}
            >
              {(p) => <textarea {...p} className="input mono" rows={6} value={d.serials} onChange={set("serials")} spellCheck={false} />}
            </Field>
          </div>
        ) : null}
        {d.kind === "prefix" ? (
          <Field label={t("allocations.serialPrefix")} required error={errorOf("serial_prefix")}>
            {(p) => <Input {...p} className="mono" value={d.serial_prefix} onChange={set("serial_prefix")} spellCheck={false} autoComplete="off" />}
          </Field>
        ) : null}
        {d.kind === "range" ? (
          <>
            <Field label={t("allocations.rangeFrom")} required error={errorOf("serial_range")}>
              {(p) => <Input {...p} className="mono" value={d.range_from} onChange={set("range_from")} spellCheck={false} autoComplete="off" />}
            </Field>
            <Field label={t("allocations.rangeTo")} required>
              {(p) => <Input {...p} className="mono" value={d.range_to} onChange={set("range_to")} spellCheck={false} autoComplete="off" />}
            </Field>
          </>
        ) : null}
        <div className="span-2">
          <Field label={t("allocations.note")} error={errorOf("note")} hint={t("allocations.noteHint")}>
            {(p) => <Input {...p} value={d.note} onChange={set("note")} maxLength={200} />}
          </Field>
        </div>
        <button type="submit" hidden />
      </form>
    </Dialog>
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
  const text = useMessageText();
  const label = (m: Message) => text(m);
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

function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState("");
  const [missing, setMissing] = useState(false);
  const run = useMutation({
    mutationFn: (body: Blob | string) => uploadBinary<AllocationImportResult>("/allocations/import", {}, body, "text/csv; charset=utf-8"),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: keys.allocations });
      toast(t("allocations.importDialog.imported", { allocations: r.items.length, serials: r.serials }));
      onClose();
    },
  });
  const report = importReport(run.error);
  const submit = () => {
    const body = file ?? (pasted.trim() ? pasted : null);
    if (!body) {
      setMissing(true);
      return;
    }
    setMissing(false);
    run.mutate(body);
  };
  return (
    <Dialog
      open
      wide
      title={t("allocations.importDialog.title")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" icon="upload" busy={run.isPending} onClick={submit}>
            {t("allocations.importDialog.submit")}
          </Button>
        </>
      }
    >
      <div className="stack">
        <div className="stack-sm">
          <p>{t("allocations.importDialog.format")}</p>
          <pre className="code-sample">{"company_code,oui,product_class,serial\nACME,00D09E,IGD,ACM000001\nACME,00D09E,,ACM000002"}</pre>
          <p className="muted">{t("allocations.importDialog.allOrNothing")}</p>
        </div>
        {report ? <ImportReportTable report={report} /> : <ErrorBanner error={run.error} />}
        {missing ? <Alert tone="warning">{t("allocations.importDialog.empty")}</Alert> : null}
        <Field label={t("allocations.importDialog.file")}>
          {(p) => (
            <input
              {...p}
              type="file"
              className="input-file"
              accept=".csv,text/csv,text/plain"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                run.reset();
              }}
            />
          )}
        </Field>
        <Field label={t("allocations.importDialog.paste")}>
          {(p) => (
            <textarea
              {...p}
              className="input mono"
              rows={6}
              value={pasted}
              disabled={file !== null}
              spellCheck={false}
              placeholder="ACME,00D09E,IGD,ACM000001"
              onChange={(e) => {
                setPasted(e.target.value);
                run.reset();
              }}
            />
          )}
        </Field>
      </div>
    </Dialog>
  );
}

export function AllocationsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const covers = useCoverageText();
  const companies = useCompanies();
  const [draft, setDraft] = useState<ListFilter>(NO_FILTER);
  const [filter, setFilter] = useState<ListFilter>(NO_FILTER);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [showing, setShowing] = useState<Allocation | null>(null);
  const [deleting, setDeleting] = useState<Allocation | null>(null);

  const list = useInfiniteQuery({
    queryKey: keys.allocationList(filter),
    queryFn: ({ pageParam }) =>
      api<Page<Allocation>>("/allocations", { query: { q: filter.q.trim(), company_id: filter.company_id, limit: 100, cursor: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const remove = useMutation({
    mutationFn: (a: Allocation) => api<void>(`/allocations/${encodeURIComponent(a.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.allocations });
      setDeleting(null);
      toast(t("allocations.deleted"));
    },
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
            onClick={() => setDeleting(c.row.original)}
            aria-label={`${t("common.delete")}: ${c.row.original.company_code} ${covers(c.row.original)}`}
          />
        </div>
      ),
    }),
  ];
  const filtered = filter.q.trim() !== "" || filter.company_id !== "";

  return (
    <div className="stack">
      <PageHeader
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
      />
      <ErrorBanner error={list.error ?? companies.error} />
      <Card className="card-flush">
        <form
          className="toolbar"
          aria-label={t("audit.filters")}
          onSubmit={(e) => {
            e.preventDefault();
            setFilter(draft);
          }}
        >
          <div className="field grow">
            <label htmlFor="allocation-search" className="field-label">
              {t("allocations.search")}
            </label>
            <div className="search-input">
              <Icon name="search" size={16} />
              <Input
                id="allocation-search"
                type="search"
                className="mono"
                value={draft.q}
                placeholder={t("allocations.searchPlaceholder")}
                onChange={(e) => setDraft({ ...draft, q: e.target.value })}
              />
            </div>
          </div>
          <Field label={t("allocations.company")}>
            {(p) => (
              <Select {...p} value={draft.company_id} onChange={(e) => setDraft({ ...draft, company_id: e.target.value })}>
                <option value="">{t("allocations.anyCompany")}</option>
                {(companies.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <div className="row">
            <Button type="submit" variant="primary" icon="search">
              {t("common.search")}
            </Button>
            <Button
              onClick={() => {
                setDraft(NO_FILTER);
                setFilter(NO_FILTER);
              }}
            >
              {t("common.clear")}
            </Button>
          </div>
        </form>
        {list.isLoading ? (
          <Spinner />
        ) : (
          <DataTable
            data={rows}
            columns={columns}
            getRowId={(a) => a.id}
            caption={t("allocations.title")}
            empty={<EmptyState icon="allocate" title={filtered ? t("allocations.emptySearch") : t("allocations.empty")} />}
          />
        )}
        <div className="pager">
          <span className="pager-summary">{t("common.showingRows", { count: rows.length })}</span>
          {list.hasNextPage ? (
            <Button className="btn-sm" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t("allocations.more")}
            </Button>
          ) : null}
        </div>
      </Card>
      {creating && companies.data ? <CreateDialog companies={companies.data} onClose={() => setCreating(false)} /> : null}
      {importing ? <ImportDialog onClose={() => setImporting(false)} /> : null}
      {showing ? <AllocationDetailDialog allocation={showing} onClose={() => setShowing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t("allocations.deleteTitle")}
        message={
          deleting ? t("allocations.deleteConfirm", { company: deleting.company_code, oui: deleting.oui, covers: covers(deleting) }) : ""
        }
        confirmLabel={t("common.delete")}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
      />
    </div>
  );
}
