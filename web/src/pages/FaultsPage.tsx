// DEV-8: the faults page. The devices whose latest ended task failed, grouped by fault (the CPE
// fault code with its meaning, or our error), most devices first; a group opens (?fault=9005)
// to list its devices a page at a time, each with its failed task; a group is retried whole
// (after a confirmation naming how many devices) or a device at a time, the devices asked to
// connect now. Retrying needs the permission of the task's type (the server checks each).
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { useConfirmedMutation } from "../components/Confirmation";
import { DataTable } from "../components/DataTable";
import { MorePager } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Button, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import { faultGroupOfKey, faultGroupText, mayRetry, RETRY_PERMISSIONS } from "../lib/faults";
import { formatJst } from "../lib/time";
import { useFaultDevices, useFaults, useRetryFault, useRetryTask, type FailedTask, type FaultGroup } from "../resources/faults";

function FaultDevices({ fault, label }: { fault: string; label: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const devices = useFaultDevices(fault);
  const retry = useRetryTask();
  const [retrying, setRetrying] = useState<string | null>(null);
  const rows = devices.data?.pages.flatMap((p) => p.items) ?? [];
  const col = createColumnHelper<FailedTask>();
  const serialOf = (task: FailedTask) => task.device.serial_number || t("faults.deletedDevice");
  const columns = [
    col.accessor((task) => task.device.serial_number, {
      id: "serial",
      header: t("faults.serial"),
      cell: (c) =>
        c.getValue() ? (
          <Link className="mono" to={`${pathTo("device", { id: c.row.original.device_id })}?tab=tasks`}>
            {c.getValue()}
          </Link>
        ) : (
          <span className="muted">{t("faults.deletedDevice")}</span>
        ),
    }),
    col.accessor((task) => task.device.model, { id: "model", header: t("faults.model") }),
    col.accessor("type", { header: t("faults.task"), cell: (c) => t(`taskType.${c.getValue()}`) }),
    col.accessor((task) => task.finished_at ?? task.created_at, {
      id: "failedAt",
      header: t("faults.failedAt"),
      cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span>,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const task = c.row.original;
        if (!mayRetry(task, can)) return null;
        const what = { serial: serialOf(task), type: t(`taskType.${task.type}`) };
        return (
          <Button
            className="btn-sm"
            icon="refresh"
            aria-label={t("faults.retryOf", what)}
            busy={retry.isPending && retrying === task.id}
            disabled={retry.isPending}
            onClick={() => {
              setRetrying(task.id);
              retry.mutate(task, { onSuccess: () => toast(t("faults.retried", what)) });
            }}
          >
            {t("faults.retry")}
          </Button>
        );
      },
    }),
  ];
  return (
    <Card className="card-flush" title={t("faults.devicesOf", { fault: label })}>
      <ErrorBanner error={devices.error ?? retry.error} />
      {devices.isLoading ? (
        <Spinner />
      ) : (
        <DataTable
          data={rows}
          columns={columns}
          getRowId={(task) => task.id}
          caption={t("faults.devicesOf", { fault: label })}
          empty={<EmptyState icon="check" title={t("faults.empty")} />}
        />
      )}
      <MorePager
        shown={rows.length}
        hasMore={Boolean(devices.hasNextPage)}
        loadingMore={devices.isFetchingNextPage}
        onMore={() => void devices.fetchNextPage()}
        moreLabel={t("faults.more")}
      />
    </Card>
  );
}

export function FaultsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const open = params.get("fault");
  const faults = useFaults();
  const groups = faults.data ?? [];
  const mayRetrySome = can(RETRY_PERMISSIONS);
  const retryAll = useConfirmedMutation(useRetryFault(), {
    title: t("faults.retryAllTitle"),
    confirmLabel: t("faults.retryAll"),
    danger: false,
    message: (g: FaultGroup) => t("faults.retryAllConfirm", { count: g.devices, fault: faultGroupText(t, g) }),
    onDone: (_, answer) => toast(t("faults.retriedAll", { count: answer.retried })),
  });
  const col = createColumnHelper<FaultGroup>();
  const columns = [
    // The cell reads the group again: the table keeps an accessor's value until the data changes,
    // and the text must follow a switch of the language.
    col.accessor((g) => faultGroupText(t, g), { id: "fault", header: t("faults.fault"), cell: (c) => <span className="cell-main">{faultGroupText(t, c.row.original)}</span> }),
    col.accessor("devices", {
      header: t("faults.devices"),
      meta: { className: "col-num" },
      cell: (c) => t("faults.devicesCount", { count: c.getValue() }),
    }),
    col.accessor("last_at", { header: t("faults.lastAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const g = c.row.original;
        const label = faultGroupText(t, g);
        return (
          <div className="row">
            <Button
              className="btn-sm"
              variant="ghost"
              icon="search"
              aria-label={`${open === g.fault ? t("faults.shown") : t("faults.show")}: ${label}`}
              aria-pressed={open === g.fault}
              onClick={() => setParams(open === g.fault ? {} : { fault: g.fault })}
            >
              {open === g.fault ? t("faults.shown") : t("faults.show")}
            </Button>
            {mayRetrySome ? (
              <Button className="btn-sm" icon="refresh" aria-label={`${t("faults.retryAll")}: ${label}`} onClick={() => retryAll.ask(g)}>
                {t("faults.retryAll")}
              </Button>
            ) : null}
          </div>
        );
      },
    }),
  ];
  const openGroup = open === null ? null : (groups.find((g) => g.fault === open) ?? faultGroupOfKey(open));
  return (
    <div className="stack">
      <PageHeader title={t("faults.title")} description={t("faults.description")} />
      <Alert tone="info">{t("faults.autoRetry")}</Alert>
      <ErrorBanner error={faults.error} />
      <Card className="card-flush" title={t("faults.groups")}>
        {faults.isLoading ? (
          <Spinner />
        ) : (
          <DataTable
            data={groups}
            columns={columns}
            getRowId={(g) => g.fault}
            caption={t("faults.groups")}
            rowClassName={(g) => (g.fault === open ? "selected" : undefined)}
            empty={<EmptyState icon="check" title={t("faults.empty")} />}
          />
        )}
      </Card>
      {openGroup ? <FaultDevices key={openGroup.fault} fault={openGroup.fault} label={faultGroupText(t, openGroup)} /> : null}
      <p className="footnote">{t("common.timesInJst")}</p>
      {retryAll.dialog}
    </div>
  );
}
