// Issue 18: pieces of a device's lifecycle shown on several screens: the typed confirmation of a
// factory reset, what asking devices to connect now gave, and a job's progress bar.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Job, Task, Wakeup } from "../api/types";
import { jobFinished, progressSegments, summarizeWakeups, WAKEUP_TONE, wakeupMissed } from "../lib/jobs";
import { confirmationMatches, resetConfirmationTarget } from "../lib/lifecycle";
import { formatJst } from "../lib/time";
import { useToast } from "./Toast";
import { Alert, Badge, Field, Input } from "./ui";

// The factory reset's confirmation: the serial number of one device, or the number of devices,
// typed by the user; `matches` says whether the reset may be sent.
export function useResetConfirmation(count: number, serials: readonly string[] = []) {
  const target = resetConfirmationTarget(count, serials);
  return {
    target,
    matches: (typed: string) => confirmationMatches(typed, target.text),
  };
}

export function TypedConfirmation({
  count,
  serials,
  value,
  onChange,
}: {
  count: number;
  serials?: readonly string[];
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const { target } = useResetConfirmation(count, serials);
  const label = target.kind === "serial" ? t("lifecycle.resetTypeSerial", { serial: target.text }) : t("lifecycle.resetTypeCount", { count });
  return (
    <Field label={label} hint={t("lifecycle.resetTypedHint")}>
      {(p) => (
        <Input
          {...p}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          inputMode={target.kind === "count" ? "numeric" : undefined}
          className="mono"
        />
      )}
    </Field>
  );
}

// What asking the device to connect now gave; a task not asked says so while it waits, else "—".
export function WakeupBadge({ wakeup, queued }: { wakeup: Wakeup | null | undefined; queued: boolean }) {
  const { t } = useTranslation();
  if (!wakeup) return <span className="cell-sub">{queued ? t("wakeup.notAsked") : "—"}</span>;
  return (
    <Badge tone={WAKEUP_TONE[wakeup]} dot>
      {t(`wakeup.outcomes.${wakeup}`)}
    </Badge>
  );
}

// What the connection requests of tasks just created with "now" gave; anything not delivered
// says that its tasks wait for the next periodic connection, until their expiry (JST).
export function WakeupSummary({ tasks }: { tasks: Array<Pick<Task, "wakeup" | "expires_at">> }) {
  const { t } = useTranslation();
  const s = summarizeWakeups(tasks);
  if (s.asked === 0) return null;
  const reasons = s.missed.map((m) => (s.asked > 1 ? `${t(`wakeup.outcomes.${m.wakeup}`)} ${m.count}` : t(`wakeup.outcomes.${m.wakeup}`))).join("・");
  const expires = formatJst(s.expiresAt, false);
  return (
    <div className="stack" data-testid="wakeup-summary">
      {s.delivered > 0 ? <Alert tone="success">{s.asked === 1 ? t("wakeup.delivered") : t("wakeup.deliveredCount", { count: s.delivered })}</Alert> : null}
      {s.missedCount > 0 ? (
        <Alert tone="warning">
          {s.asked === 1 ? t("wakeup.missed", { reason: reasons, expires }) : t("wakeup.missedCount", { count: s.missedCount, reasons, expires })}
        </Alert>
      ) : null}
    </div>
  );
}

// A toast for a task created with "now" on one device: delivered, or why it waits and until when.
export function useWakeupToast() {
  const { t } = useTranslation();
  const toast = useToast();
  return (task: Pick<Task, "wakeup" | "expires_at">) => {
    if (wakeupMissed(task.wakeup))
      toast(t("wakeup.missed", { reason: t(`wakeup.outcomes.${task.wakeup}`), expires: formatJst(task.expires_at, false) }), "danger");
    else toast(task.wakeup === "delivered" ? t("wakeup.queuedDelivered") : t("devices.queued", { count: 1 }));
  };
}

// A job's progress: the bar (done, failed, cancelled, running) and "finished / total".
export function JobProgressBar({ progress }: { progress: Job["progress"] }) {
  const { t } = useTranslation();
  const labelId = useId();
  const finished = jobFinished(progress);
  return (
    <div className="job-progress">
      <div
        className="progress"
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={finished}
      >
        {progressSegments(progress).map((s) => (s.percent > 0 ? <span key={s.state} className={`p-${s.state}`} style={{ width: `${s.percent}%` }} /> : null))}
      </div>
      <span id={labelId} className="cell-sub nowrap">
        {t("jobList.progressText", { finished, total: progress.total })}
      </span>
    </div>
  );
}
