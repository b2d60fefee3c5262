// The operation history (SEC-6): filters, pages of records and a CSV export for Excel.
// Times in the table and the export are JST; the filter's times are entered in JST too.
import { useInfiniteQuery } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, downloadCsv, type Page } from "../api/client";
import { keys } from "../api/queries";
import type { AuditRecord, Outcome } from "../api/types";
import { DataTable } from "../components/DataTable";
import { Badge, Button, Card, ErrorBanner, Field, Input, PageHeader, Select, Spinner, type Tone } from "../components/ui";
import { jstLocalToUtc } from "../lib/time";

export interface AuditFilter {
  from: string;
  to: string;
  actor: string;
  action: string;
  outcome: "" | Outcome;
}

const EMPTY: AuditFilter = { from: "", to: "", actor: "", action: "", outcome: "" };
const OUTCOME_TONE: Record<Outcome, Tone> = { success: "success", denied: "warning", failed: "danger" };

// The API's query for a filter (times converted from JST to UTC).
export function auditQuery(f: AuditFilter): Record<string, string> {
  const q: Record<string, string> = {};
  const from = jstLocalToUtc(f.from);
  const to = jstLocalToUtc(f.to);
  if (from) q.from = from;
  if (to) q.to = to;
  if (f.actor.trim()) q.actor = f.actor.trim();
  if (f.action.trim()) q.action = f.action.trim();
  if (f.outcome) q.outcome = f.outcome;
  return q;
}

export function AuditPage({ scope }: { scope: "company" | "provider" }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const records = useInfiniteQuery({
    queryKey: keys.audit(scope, filter),
    queryFn: ({ pageParam }) =>
      api<Page<AuditRecord>>("/audit", { query: { ...auditQuery(filter), limit: 100, cursor: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const rows = records.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadCsv("/audit", auditQuery(filter), scope === "provider" ? "service-operation-history.csv" : "operation-history.csv");
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const col = createColumnHelper<AuditRecord>();
  const columns = [
    col.accessor("time_jst", { header: t("audit.time"), cell: (c) => <span className="nowrap mono">{c.getValue()}</span> }),
    col.accessor("actor_login", { header: t("audit.actor"), cell: (c) => c.getValue() || <span className="muted">—</span> }),
    col.accessor("action", { header: t("audit.action"), cell: (c) => <code>{c.getValue()}</code> }),
    col.accessor((r) => (r.target_type ? `${r.target_type}${r.target_id ? ":" + r.target_id : ""}` : ""), {
      id: "target",
      header: t("audit.target"),
      cell: (c) => <span className="cell-sub mono">{c.getValue() || "—"}</span>,
    }),
    col.accessor("outcome", {
      header: t("audit.outcome"),
      cell: (c) => (
        <Badge tone={OUTCOME_TONE[c.getValue()]} dot>
          {t(`audit.outcomes.${c.getValue()}`)}
        </Badge>
      ),
    }),
    col.accessor("error_code", { header: t("audit.errorCode"), cell: (c) => (c.getValue() ? <code>{c.getValue()}</code> : "") }),
    col.accessor("source_ip", { header: t("audit.sourceIp"), cell: (c) => <span className="mono">{c.getValue()}</span> }),
  ];

  return (
    <div className="stack">
      <PageHeader
        title={scope === "provider" ? t("audit.providerTitle") : t("audit.title")}
        description={t("audit.description")}
        actions={
          <Button icon="download" busy={exporting} onClick={() => void exportCsv()}>
            {exporting ? t("common.exporting") : t("common.exportCsv")}
          </Button>
        }
      />
      <ErrorBanner error={records.error ?? exportError} />
      <Card className="card-flush">
        <form className="toolbar" onSubmit={apply} aria-label={t("audit.filters")}>
          <Field label={t("audit.from")}>
            {(p) => <Input {...p} type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />}
          </Field>
          <Field label={t("audit.to")}>
            {(p) => <Input {...p} type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />}
          </Field>
          <Field label={t("audit.actor")}>
            {(p) => <Input {...p} value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />}
          </Field>
          <Field label={t("audit.action")}>
            {(p) => (
              <Input {...p} value={draft.action} placeholder="accounts.create" onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
            )}
          </Field>
          <Field label={t("audit.outcome")}>
            {(p) => (
              <Select {...p} value={draft.outcome} onChange={(e) => setDraft({ ...draft, outcome: e.target.value as AuditFilter["outcome"] })}>
                <option value="">{t("common.all")}</option>
                <option value="success">{t("audit.outcomes.success")}</option>
                <option value="denied">{t("audit.outcomes.denied")}</option>
                <option value="failed">{t("audit.outcomes.failed")}</option>
              </Select>
            )}
          </Field>
          <div className="row">
            <Button type="submit" variant="primary" icon="search">
              {t("common.search")}
            </Button>
            <Button
              onClick={() => {
                setDraft(EMPTY);
                setFilter(EMPTY);
              }}
            >
              {t("common.clear")}
            </Button>
          </div>
        </form>
        {records.isLoading ? (
          <Spinner />
        ) : (
          <DataTable data={rows} columns={columns} getRowId={(r) => String(r.seq)} caption={t("audit.title")} />
        )}
        <div className="pager">
          <span className="pager-summary">{t("common.showingRows", { count: rows.length })}</span>
          {records.hasNextPage ? (
            <Button className="btn-sm" busy={records.isFetchingNextPage} onClick={() => void records.fetchNextPage()}>
              {t("audit.more")}
            </Button>
          ) : null}
        </div>
      </Card>
    </div>
  );
}
