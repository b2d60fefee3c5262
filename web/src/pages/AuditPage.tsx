// The operation history (SEC-6): filters, pages of records and a CSV export for Excel.
// Times in the table and the export are JST; the filter's times are entered in JST too.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { downloadList } from "../api/call";
import type { AuditRecord, Outcome } from "../api/types";
import { FilterToolbar, ListPage, MorePager, useAppliedFilter } from "../components/ListPage";
import { Badge, Button, Field, Input, Select, type Tone } from "../components/ui";
import { jstLocalToUtc } from "../lib/time";
import { useAuditRecords, type AuditQuery } from "../resources/audit";

const filterSchema = z.object({
  from: z.string(),
  to: z.string(),
  actor: z.string(),
  action: z.string(),
  outcome: z.enum(["", "success", "denied", "failed"]),
});
export type AuditFilter = z.infer<typeof filterSchema>;

const EMPTY: AuditFilter = { from: "", to: "", actor: "", action: "", outcome: "" };
const OUTCOME_TONE: Record<Outcome, Tone> = { success: "success", denied: "warning", failed: "danger" };

// The API's query for a filter (times converted from JST to UTC).
export function auditQuery(f: AuditFilter): AuditQuery {
  const q: AuditQuery = {};
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
  const { t, i18n } = useTranslation();
  const filters = useAppliedFilter(filterSchema, EMPTY);
  const { form, filter } = filters;
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const records = useAuditRecords(auditQuery(filter));
  const rows = records.data?.pages.flatMap((p) => p.items) ?? [];

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      // Issue 18: the columns' headers in the language the console shows.
      const lang = i18n.language === "en" ? "en" : "ja";
      await downloadList("/audit", { ...auditQuery(filter), lang }, scope === "provider" ? "service-operation-history.csv" : "operation-history.csv");
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

  const toolbar = (
    <FilterToolbar filter={filters} label={t("audit.filters")}>
      <Field label={t("audit.from")}>{(p) => <Input {...p} type="datetime-local" {...form.register("from")} />}</Field>
      <Field label={t("audit.to")}>{(p) => <Input {...p} type="datetime-local" {...form.register("to")} />}</Field>
      <Field label={t("audit.actor")}>{(p) => <Input {...p} {...form.register("actor")} />}</Field>
      <Field label={t("audit.action")}>{(p) => <Input {...p} placeholder="accounts.create" {...form.register("action")} />}</Field>
      <Field label={t("audit.outcome")}>
        {(p) => (
          <Select {...p} {...form.register("outcome")}>
            <option value="">{t("common.all")}</option>
            <option value="success">{t("audit.outcomes.success")}</option>
            <option value="denied">{t("audit.outcomes.denied")}</option>
            <option value="failed">{t("audit.outcomes.failed")}</option>
          </Select>
        )}
      </Field>
    </FilterToolbar>
  );

  return (
    <ListPage
      title={scope === "provider" ? t("audit.providerTitle") : t("audit.title")}
      description={t("audit.description")}
      actions={
        <Button icon="download" busy={exporting} onClick={() => void exportCsv()}>
          {exporting ? t("common.exporting") : t("common.exportCsv")}
        </Button>
      }
      error={records.error ?? exportError}
      toolbar={toolbar}
      rows={rows}
      loading={records.isLoading}
      caption={t("audit.title")}
      columns={columns}
      getRowId={(r) => String(r.seq)}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={records.hasNextPage}
          loadingMore={records.isFetchingNextPage}
          onMore={() => void records.fetchNextPage()}
          moreLabel={t("audit.more")}
        />
      }
    />
  );
}
