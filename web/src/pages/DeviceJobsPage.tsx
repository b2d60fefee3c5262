// Issue 18: the company's jobs (one task per device of a group or of the device list's
// selection), newest first, with their progress; each opens on its page with the devices'
// outcomes. Jobs stay here after the dialog that started them is closed.
import { createColumnHelper } from "@tanstack/react-table";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Job } from "../api/types";
import { pathTo } from "../app/paths";
import { useCan } from "../auth/session";
import { JobProgressBar } from "../components/Lifecycle";
import { ListPage, MorePager } from "../components/ListPage";
import { Badge, EmptyState } from "../components/ui";
import { describeFilter, deviceFilterOf, type FilterNames } from "../lib/deviceFilter";
import { JOB_OUTCOME_TONE, jobOutcome, jobSettled } from "../lib/jobs";
import { formatJst } from "../lib/time";
import { useDeviceGroups } from "../resources/deviceGroups";
import { useJobs } from "../resources/jobs";
import { useProfiles } from "../resources/profiles";

// The devices a job was started on: its group (by name while it exists), the device list's filter
// it ran on ("select all N matching", in words), or a selection of devices.
export function jobTarget(job: Pick<Job, "group_id" | "filter">, names: FilterNames, t: TFunction): string {
  if (job.group_id) {
    const group = names.groups?.find((g) => g.id === job.group_id);
    return group ? t("jobList.group", { name: group.name }) : t("jobList.groupDeleted");
  }
  const filter = deviceFilterOf(job.filter);
  if (!filter) return t("jobList.selection");
  const described = describeFilter(filter, t, names);
  return described ? t("jobList.filter", { filter: described }) : t("jobList.allDevices");
}

export function JobOutcomeBadge({ job }: { job: Job }) {
  const { t } = useTranslation();
  const outcome = jobOutcome(job.progress);
  return (
    <Badge tone={JOB_OUTCOME_TONE[outcome]} dot>
      {outcome === "running" ? <span className="spinner spinner-xs" aria-hidden="true" /> : null}
      {t(`jobList.outcomes.${outcome}`)}
    </Badge>
  );
}

export function DeviceJobsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const jobs = useJobs();
  const groups = useDeviceGroups();
  const profiles = useProfiles(can("profiles.read"));
  const names: FilterNames = { groups: groups.data, profiles: profiles.data };
  const rows = jobs.data?.pages.flatMap((p) => p.items) ?? [];
  const col = createColumnHelper<Job>();
  const columns = [
    col.accessor("created_at", {
      header: t("jobList.created"),
      cell: (c) => (
        <Link className="cell-main nowrap" to={pathTo("deviceJob", { id: c.row.original.id })}>
          {formatJst(c.getValue())}
        </Link>
      ),
    }),
    col.accessor("type", { header: t("jobList.type"), cell: (c) => t(`taskType.${c.getValue()}`) }),
    col.accessor((job) => jobTarget(job, names, t), { id: "target", header: t("jobList.target") }),
    col.accessor((job) => job.created_by.login, { id: "by", header: t("jobList.createdBy") }),
    col.display({ id: "progress", header: t("jobList.progress"), cell: (c) => <JobProgressBar progress={c.row.original.progress} /> }),
    col.display({ id: "outcome", header: t("jobList.outcome"), cell: (c) => <JobOutcomeBadge job={c.row.original} /> }),
  ];
  const live = rows.some((job) => !jobSettled(job.progress));
  return (
    <ListPage
      title={t("jobList.title")}
      description={t("jobList.description")}
      actions={
        live ? (
          <span className="live" role="status">
            <span className="live-dot" aria-hidden="true" />
            {t("jobList.live")}
          </span>
        ) : null
      }
      error={jobs.error}
      rows={rows}
      loading={jobs.isLoading}
      columns={columns}
      getRowId={(job) => job.id}
      empty={<EmptyState icon="clock" title={t("jobList.empty")} />}
      footer={
        <MorePager
          shown={rows.length}
          hasMore={Boolean(jobs.hasNextPage)}
          loadingMore={jobs.isFetchingNextPage}
          onMore={() => void jobs.fetchNextPage()}
          moreLabel={t("jobList.more")}
        />
      }
      jstFootnote
    />
  );
}
