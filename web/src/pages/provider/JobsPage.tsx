// Provider console: the service's periodic jobs (issue 12) — what each does, its schedule, its
// last run and outcome (counts, or the error), its next run — and running one now. A run answers
// its outcome (a toast, and a note above the list); one running elsewhere answers 409 job_running.
// The service's health (issue 15) is a link away.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError } from "../../api/client";
import type { JobRun, ScheduledJob } from "../../api/types";
import { PATHS } from "../../app/paths";
import { useMessageText } from "../../components/Allocations";
import { ListPage } from "../../components/ListPage";
import { useToast } from "../../components/Toast";
import { Alert, Badge, Button, EmptyState, useErrorText } from "../../components/ui";
import { isTranslationKey } from "../../i18n";
import type { Message } from "../../lib/allocations";
import { formatCounts, JOB_STATE_TONE, jobState, jstText, runMessage, scheduleMessage } from "../../lib/operations";
import { useRunJob, useScheduledJobs } from "../../resources/operations";

const REFRESH_MS = 15_000;

// A job's counts and schedule in the reader's language (a count or a schedule the console
// does not know is shown as the server wrote it).
export function useJobWording() {
  const { t, i18n } = useTranslation();
  const text = useMessageText();
  const label = (key: string) => {
    const k = `jobs.counts.${key}`;
    return isTranslationKey(i18n, k) ? t(k) : key;
  };
  return {
    counts: (counts: Record<string, number> | null | undefined) => formatCounts(counts, label, t("jobs.countSeparator")),
    schedule: (schedule: string) => {
      const m = scheduleMessage(schedule);
      return m ? text(m) : schedule;
    },
    description: (job: Pick<ScheduledJob, "name" | "description">) => {
      const k = `jobs.descriptions.${job.name}`;
      return isTranslationKey(i18n, k) ? t(k) : job.description;
    },
  };
}

export function JobsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const text = useMessageText();
  const errorText = useErrorText();
  const wording = useJobWording();
  const jobs = useScheduledJobs({ background: true, refetchInterval: REFRESH_MS });
  const run = useRunJob();
  // The outcome of the last run started here, kept above the list after its toast is gone.
  const [last, setLast] = useState<{ run: JobRun; message: Message } | null>(null);

  const start = (job: ScheduledJob) =>
    run.mutate(job, {
      onSuccess: (r) => {
        const message = runMessage(r, wording.counts(r.counts));
        setLast({ run: r, message });
        toast(text(message), r.ok ? "success" : "danger");
      },
      onError: (e) => {
        setLast(null);
        toast(e instanceof ApiError && e.code === "job_running" ? t("jobs.alreadyRunning", { name: job.name }) : errorText(e), "danger");
      },
    });
  const pendingName = run.isPending ? run.variables?.name : undefined;

  const col = createColumnHelper<ScheduledJob>();
  const columns = [
    col.accessor("name", {
      header: t("jobs.name"),
      cell: (c) => (
        <div>
          <div className="cell-main mono">{c.getValue()}</div>
          <div className="cell-sub">{wording.description(c.row.original)}</div>
        </div>
      ),
    }),
    col.accessor((j) => wording.schedule(j.schedule), { id: "schedule", header: t("jobs.schedule"), cell: (c) => <span className="nowrap">{c.getValue()}</span> }),
    col.accessor((j) => jstText(j.last_started_at_jst, j.last_started_at), {
      id: "last",
      header: t("jobs.lastRun"),
      cell: (c) => <span className="nowrap mono">{c.getValue()}</span>,
    }),
    col.accessor((j) => jobState(j), {
      id: "outcome",
      header: t("jobs.outcome"),
      cell: (c) => {
        const j = c.row.original;
        const detail = j.last_outcome === "failed" ? j.last_error : j.last_outcome === "succeeded" ? wording.counts(j.last_counts) : "";
        return (
          <div>
            <Badge tone={JOB_STATE_TONE[c.getValue()]} dot>
              {t(`jobs.states.${c.getValue()}`)}
            </Badge>
            {detail ? <div className="cell-sub">{detail}</div> : null}
          </div>
        );
      },
    }),
    col.accessor((j) => jstText(j.next_due_at_jst, j.next_due_at), {
      id: "next",
      header: t("jobs.nextRun"),
      cell: (c) => <span className="nowrap mono">{c.getValue()}</span>,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => {
        const j = c.row.original;
        return (
          <Button
            className="btn-sm"
            icon="play"
            busy={pendingName === j.name}
            disabled={run.isPending || j.running}
            onClick={() => start(j)}
            aria-label={`${t("jobs.runNow")}: ${j.name}`}
          >
            {t("jobs.runNow")}
          </Button>
        );
      },
    }),
  ];

  return (
    <ListPage
      title={t("jobs.title")}
      description={t("jobs.description")}
      actions={
        <Link className="btn btn-secondary" to={PATHS.serviceHealth}>
          <span>{t("health.toHealth")}</span>
        </Link>
      }
      error={jobs.error}
      notice={
        last ? (
          <Alert tone={last.run.ok ? "success" : "danger"}>
            <strong>{t("jobs.lastResult", { time: jstText(last.run.finished_at_jst, last.run.finished_at) })}</strong>
            <p data-testid="job-run-outcome">{text(last.message)}</p>
          </Alert>
        ) : null
      }
      rows={jobs.data}
      loading={jobs.isLoading}
      columns={columns}
      getRowId={(j) => j.name}
      empty={<EmptyState icon="clock" title={t("common.noData")} />}
      jstFootnote
    />
  );
}
