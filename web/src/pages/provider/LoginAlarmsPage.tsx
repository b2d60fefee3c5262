// Provider console: SEC-2 login alarms (issue 12) — raised on a burst of failed logins to one
// account, from one source address or across the service; newest first, a page at a time. The
// health monitor's alarms (issue 15) are on the service health page, which this one links to.
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { LoginAlarm } from "../../api/types";
import { PATHS } from "../../app/paths";
import { ListPage, MorePager } from "../../components/ListPage";
import { Badge, EmptyState, type Tone } from "../../components/ui";
import { alarmRatio, jstText } from "../../lib/operations";
import { useLoginAlarms } from "../../resources/operations";

const CAUSE_TONE: Record<LoginAlarm["cause"], Tone> = { account: "warning", address: "warning", service: "danger" };

export function LoginAlarmsPage() {
  const { t } = useTranslation();
  const alarms = useLoginAlarms();
  const rows = useMemo(() => alarms.data?.pages.flatMap((p) => p.items) ?? [], [alarms.data]);

  const col = createColumnHelper<LoginAlarm>();
  const columns = [
    col.accessor((a) => jstText(a.raised_at_jst, a.raised_at), {
      id: "raised",
      header: t("alarms.raised"),
      cell: (c) => <span className="nowrap mono">{c.getValue()}</span>,
    }),
    col.accessor("cause", {
      header: t("alarms.cause"),
      cell: (c) => (
        <span title={t(`alarms.causeHints.${c.getValue()}`)}>
          <Badge tone={CAUSE_TONE[c.getValue()]}>{t(`alarms.causes.${c.getValue()}`)}</Badge>
        </span>
      ),
    }),
    col.accessor("label", {
      header: t("alarms.label"),
      cell: (c) => (
        <div>
          <div className="cell-main">{c.getValue() || c.row.original.subject}</div>
          {c.getValue() && c.row.original.subject !== c.getValue() ? <div className="cell-sub mono">{c.row.original.subject}</div> : null}
        </div>
      ),
    }),
    col.accessor("failures", {
      header: t("alarms.failures"),
      meta: { className: "col-num" },
      cell: (c) => <span className="nowrap">{alarmRatio(c.row.original)}</span>,
    }),
    col.accessor((a) => jstText(a.first_failure_at_jst, a.first_failure_at), {
      id: "first",
      header: t("alarms.firstFailure"),
      cell: (c) => <span className="nowrap mono">{c.getValue()}</span>,
    }),
  ];

  return (
    <ListPage
      title={t("alarms.title")}
      description={t("alarms.description")}
      error={alarms.error}
      notice={
        <p className="muted">
          {t("alarms.healthNote")} <Link to={PATHS.serviceHealth}>{t("health.toHealth")}</Link>
        </p>
      }
      rows={rows}
      loading={alarms.isLoading}
      columns={columns}
      getRowId={(a) => a.id}
      empty={<EmptyState icon="check" title={t("alarms.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={alarms.hasNextPage}
          loadingMore={alarms.isFetchingNextPage}
          onMore={() => void alarms.fetchNextPage()}
          moreLabel={t("alarms.more")}
        />
      }
      jstFootnote
    />
  );
}
