// Issue 18: one job: its progress, each device's outcome (with what asking it to connect now
// gave), and cancelling the tasks that have not started.
import { createColumnHelper } from "@tanstack/react-table";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import type { DeviceFilter, JobTask } from "../api/types";
import { pathTo, PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { useConfirmedMutation } from "../components/Confirmation";
import { DataTable } from "../components/DataTable";
import { Icon } from "../components/Icon";
import { JobProgressBar, WakeupBadge } from "../components/Lifecycle";
import { MorePager } from "../components/ListPage";
import { Alert, Badge, Button, Card, ErrorBanner, KeyValue, PageHeader, Spinner } from "../components/ui";
import { deviceFilterOf, filterParts, filterSearch, type FilterNames } from "../lib/deviceFilter";
import { jobCancellable, jobSettled, waitingDevices, waitsForPeriodic } from "../lib/jobs";
import { TASK_PERMISSION, TASK_STATE_TONE } from "../lib/tasks";
import { failureText } from "../lib/taskText";
import { formatJst } from "../lib/time";
import { useToast } from "../components/Toast";
import { useRetryTask } from "../resources/faults";
import { useDeviceGroups } from "../resources/deviceGroups";
import { useCancelJob, useJobDetail } from "../resources/jobs";
import { useProfiles } from "../resources/profiles";
import { JobOutcomeBadge, jobTarget } from "./DeviceJobsPage";

// A device's outcome in one line, in the reader's language: the CPE fault with its meaning, or
// the service's error (nothing while it runs or once done).
export function jobTaskResult(t: TFunction, task: Pick<JobTask, "fault" | "error">): string {
  if (!task.fault && !task.error) return "";
  return failureText(t, { faultCode: task.fault?.code ?? null, error: task.error ?? "" });
}

// Issue 18: the device list's filter a job ran on, a chip per condition, and the list that shows
// the devices it selects now.
function FilterConditions({ filter, names }: { filter: DeviceFilter; names: FilterNames }) {
  const { t } = useTranslation();
  const parts = filterParts(filter, t, names);
  return (
    <div className="row" data-testid="job-filter">
      <span>{t("jobList.filterTarget")}</span>
      {parts.length === 0 ? (
        <span>{t("jobList.noConditions")}</span>
      ) : (
        <ul className="tags" aria-label={t("jobList.filterConditions")}>
          {parts.map((p) => (
            <li key={p.key} className="tag">
              {p.label}: {p.value}
            </li>
          ))}
        </ul>
      )}
      <Link to={`${PATHS.devices}?${filterSearch(filter)}`}>{t("jobList.openFilter")}</Link>
    </div>
  );
}

export function DeviceJobPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const detail = useJobDetail(id);
  const groups = useDeviceGroups();
  const profiles = useProfiles(can("profiles.read"));
  const names: FilterNames = { groups: groups.data, profiles: profiles.data };
  const cancel = useConfirmedMutation(useCancelJob(), {
    title: t("jobList.cancelTitle"),
    confirmLabel: t("jobList.cancel"),
    message: (job) => t("jobList.cancelConfirm", { count: job.progress.queued }),
    done: t("jobList.cancelled"),
  });
  const pages = detail.data?.pages ?? [];
  const job = pages[0];
  const tasks = pages.flatMap((p) => p.tasks?.items ?? []);
  // DEV-8: a device whose task failed is retried from here (attempt 1, asked to connect now).
  const toast = useToast();
  const retry = useRetryTask();
  const mayRetryTasks = job ? can(TASK_PERMISSION[job.type]) : false;
  const col = createColumnHelper<JobTask>();
  const columns = [
    col.accessor("serial_number", {
      header: t("jobList.device"),
      cell: (c) => (
        <Link className="cell-main mono" to={pathTo("device", { id: c.row.original.device_id })}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("state", {
      header: t("jobList.state"),
      cell: (c) => (
        <Badge tone={TASK_STATE_TONE[c.getValue()]} dot>
          {t(`taskState.${c.getValue()}`)}
        </Badge>
      ),
    }),
    col.accessor("wakeup", {
      header: t("wakeup.column"),
      cell: (c) => (
        <div>
          <WakeupBadge wakeup={c.getValue()} queued={c.row.original.state === "queued"} />
          {waitsForPeriodic(c.row.original) && c.row.original.wakeup ? <div className="cell-sub">{t("wakeup.waitingPeriodic")}</div> : null}
        </div>
      ),
    }),
    col.accessor((task) => jobTaskResult(t, task), { id: "result", header: t("jobList.result"), cell: (c) => <span className="cell-sub">{c.getValue()}</span> }),
    col.accessor("finished_at", { header: t("jobList.finished"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const task = c.row.original;
        if (task.state !== "failed" || !mayRetryTasks || !job) return null;
        const what = { serial: task.serial_number, type: t(`taskType.${job.type}`) };
        return (
          <Button
            className="btn-sm"
            icon="refresh"
            aria-label={t("faults.retryOf", what)}
            busy={retry.isPending && retry.variables?.id === task.task_id}
            disabled={retry.isPending}
            onClick={() => retry.mutate({ id: task.task_id, device_id: task.device_id }, { onSuccess: () => toast(t("faults.retried", what)) })}
          >
            {t("faults.retry")}
          </Button>
        );
      },
    }),
  ];

  if (detail.isLoading) return <Spinner />;
  if (!job) return <ErrorBanner error={detail.error} />;
  const waiting = waitingDevices(tasks).length;
  const filter = deviceFilterOf(job.filter);
  const mayCancel = jobCancellable(job.progress) && can(TASK_PERMISSION[job.type]);
  return (
    <div className="stack">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to={PATHS.deviceJobs}>{t("jobList.back")}</Link>
        <Icon name="chevronRight" size={12} />
        <span>{formatJst(job.created_at)}</span>
      </nav>
      <PageHeader
        title={t("jobList.detailTitle", { type: t(`taskType.${job.type}`) })}
        description={`${jobTarget(job, names, t)} · ${formatJst(job.created_at)} · ${job.created_by.login}`}
        actions={
          <>
            {!jobSettled(job.progress) ? (
              <span className="live" role="status">
                <span className="live-dot" aria-hidden="true" />
                {t("jobList.live")}
              </span>
            ) : null}
            {mayCancel ? (
              <Button variant="danger" icon="x" onClick={() => cancel.ask(job)}>
                {t("jobList.cancel")}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorBanner error={detail.error} />
      <Card title={t("jobList.progress")} actions={<JobOutcomeBadge job={job} />}>
        <div className="stack">
          <JobProgressBar progress={job.progress} />
          <div className="row">
            {(["queued", "running", "done", "failed", "cancelled"] as const).map((s) => (
              <Badge key={s} tone={TASK_STATE_TONE[s]}>
                {t(`taskState.${s}`)} {job.progress[s]}
              </Badge>
            ))}
          </div>
          <KeyValue
            items={[
              [t("jobList.type"), t(`taskType.${job.type}`)],
              [t("jobList.target"), filter ? <FilterConditions filter={filter} names={names} /> : jobTarget(job, names, t)],
              [t("jobList.createdBy"), job.created_by.login],
              [t("jobList.created"), formatJst(job.created_at)],
            ]}
          />
        </div>
      </Card>
      {waiting > 0 ? <Alert tone="warning">{t("jobList.waitingDevices", { count: waiting })}</Alert> : null}
      <Card className="card-flush" title={t("jobList.devices")}>
        <ErrorBanner error={retry.error} />
        <DataTable data={tasks} columns={columns} getRowId={(task) => task.task_id} caption={t("jobList.devices")} />
        <MorePager
          shown={tasks.length}
          hasMore={Boolean(detail.hasNextPage)}
          loadingMore={detail.isFetchingNextPage}
          onMore={() => void detail.fetchNextPage()}
          moreLabel={t("jobList.more")}
        />
      </Card>
      <p className="footnote">{t("common.timesInJst")}</p>
      {cancel.dialog}
    </div>
  );
}
