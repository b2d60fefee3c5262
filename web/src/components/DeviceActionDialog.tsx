// Confirmation for operations on one or many devices: reboot, factory reset, firmware
// update. Each creates one task per device; "now" asks the devices to connect at once
// (a connection request, DEV-4) instead of waiting for their next periodic inform.
import { forwardRef, useState, type SelectHTMLAttributes } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiError } from "../api/client";
import type { DeviceFilter, FirmwareFile, Task, TaskRequest } from "../api/types";
import { wakeupMissed } from "../lib/jobs";
import { firmwareTargetText } from "../lib/firmware";
import { formatBytes } from "../lib/time";
import { firmwareLabel } from "../lib/taskText";
import { useFirmwareFit } from "../resources/firmwareFit";
import { useFirmware } from "../resources/firmware";
import { useCreateTasks, useStartFilterJob } from "../resources/tasks";
import { message } from "../i18n";
import { FormDialog, useErrorMessage, useZodForm } from "./form";
import { TypedConfirmation, useResetConfirmation, WakeupSummary } from "./Lifecycle";
import { useToast } from "./Toast";
import { Alert, Button, Dialog, ErrorBanner, Field, Select, useErrorText } from "./ui";

export type DeviceAction = "reboot" | "factoryReset" | "download";

// The request of an operation on devices: a firmware update names its file.
export function actionRequest(action: DeviceAction, fileId: string, now: boolean): TaskRequest {
  return action === "download" ? { type: "download", file_id: fileId, now } : { type: action, now };
}

// The company's firmware files to choose from.
export const FirmwareSelect = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { files: FirmwareFile[] }>(
  function FirmwareSelect({ files, ...props }, ref) {
    const { t } = useTranslation();
    return (
      <Select ref={ref} {...props}>
        <option value="">—</option>
        {files.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name} · {f.version} · {firmwareTargetText(t, f)} · {formatBytes(f.size)}
          </option>
        ))}
      </Select>
    );
  },
);

// "Select all N matching": every device the list's filter selects, N as the list counted them,
// and a way to count them again.
export interface Matching {
  filter: DeviceFilter;
  count: number;
  recount: () => Promise<number | undefined>;
}

// The job on the filter was refused because the filter selects another number of devices now.
export function selectionChanged(error: unknown): boolean {
  return error instanceof ApiError && error.code === "selection_changed";
}

const schema = z.object({ file_id: z.string(), now: z.boolean() });
const downloadSchema = schema.extend({ file_id: z.string().min(1, message("validation.required")) });

export function DeviceActionDialog({
  action,
  deviceIds,
  serials = [],
  matching,
  onClose,
  onDone,
}: {
  action: DeviceAction;
  deviceIds: string[];
  // Issue 18: the devices' serial numbers where known (a factory reset of one asks for it).
  serials?: string[];
  // Issue 18: every device the list's filter selects ("select all N matching"): one job on the filter.
  matching?: Matching | undefined;
  onClose: () => void;
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const problemText = useErrorText();
  const form = useZodForm(action === "download" ? downloadSchema : schema, { defaultValues: { file_id: "", now: true } });
  const fileId = useWatch({ control: form.control, name: "file_id" });
  const firmware = useFirmware(action === "download");
  const fit = useFirmwareFit(firmware.data ?? [], deviceIds, action === "download");
  const files = fit.files;
  const chosen = files.find((f) => f.id === fileId);
  const run = useCreateTasks();
  const job = useStartFilterJob();
  // Issue 18: the N confirmed is the one the dialog opened with (the list's count refreshes in
  // the background) and is sent along: if the filter selects another number when the job is
  // created, nothing is queued (409 selection_changed), the devices are counted again and the
  // new N is confirmed.
  const [matchingCount, setMatchingCount] = useState(matching?.count ?? 0);
  const [changedFrom, setChangedFrom] = useState<number | null>(null);
  const count = matching ? matchingCount : deviceIds.length;
  // Issue 18: a factory reset is sent only once the serial number (or the count) is typed.
  const [typed, setTyped] = useState("");
  const countAgain = async () => {
    const now = await matching?.recount().catch(() => undefined);
    // Not counted: the refusal's own message stays.
    if (now === undefined) return;
    setChangedFrom(matchingCount);
    setMatchingCount(now);
    setTyped("");
    job.reset();
  };
  const reset = useResetConfirmation(count, matching ? [] : serials);
  // Issue 18: tasks queued with "now" whose devices were not all reached: said before closing.
  const [queued, setQueued] = useState<Task[] | null>(null);
  const title = action === "reboot" ? t("devices.reboot") : action === "factoryReset" ? t("devices.factoryReset") : t("devices.firmwareUpdate");
  const confirmation =
    action === "reboot"
      ? t("devices.rebootConfirm", { count })
      : action === "factoryReset"
        ? t("devices.factoryResetConfirm", { count })
        : chosen
          ? t("devices.firmwareConfirm", { count, file: firmwareLabel(chosen) })
          : t("firmwareText.chooseFirst");
  const partialError = run.data && run.data.errors.length > 0 ? run.data.errors[0] : null;
  const closeResult = () => {
    onDone?.();
    onClose();
  };
  if (queued)
    return (
      <Dialog
        open
        title={t("wakeup.resultTitle")}
        onClose={closeResult}
        footer={
          <Button variant="primary" onClick={closeResult}>
            {t("common.close")}
          </Button>
        }
      >
        <div className="stack">
          <p>{t("devices.queued", { count: queued.length })}</p>
          <WakeupSummary tasks={queued} />
        </div>
      </Dialog>
    );
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={title}
      submitLabel={title}
      submitVariant={action === "reboot" ? "primary" : "danger"}
      submitIcon={action === "factoryReset" ? "alert" : undefined}
      submitDisabled={(action === "download" && !fileId) || (action === "factoryReset" && !reset.matches(typed)) || (matching !== undefined && count === 0)}
      onSubmit={(v) =>
        matching
          ? job.mutate(
              { ...actionRequest(action, v.file_id, v.now), filter: matching.filter, expected_count: matchingCount },
              {
                onSuccess: (j) => {
                  toast(t("devices.queued", { count: j.progress.total }));
                  onDone?.();
                  onClose();
                },
                onError: (e) => {
                  if (selectionChanged(e)) void countAgain();
                },
              },
            )
          : run.mutate(
          { deviceIds, body: actionRequest(action, v.file_id, v.now) },
          {
            // Issue 18: once anything was queued the dialog closes and says what was done to how
            // many devices (and for how many it failed, and why); with nothing queued the error
            // stays here.
            onSuccess: (r) => {
              if (r.queued === 0) return;
              toast(t("deviceList.queued", { action: title, count: r.queued }));
              if (r.errors.length > 0) toast(t("deviceList.failed", { count: r.errors.length, reason: problemText(r.errors[0]) }), "danger");
              // Issue 18: devices asked to connect now and not reached: their tasks wait; said before closing.
              if (r.tasks.some((task) => wakeupMissed(task.wakeup))) return setQueued(r.tasks);
              onDone?.();
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={run.isPending || job.isPending}
    >
      {action === "download" ? (
        <Field
          label={t("devices.chooseFirmware")}
          required
          error={errorText(form.formState.errors.file_id) ?? (fit.model && firmware.isSuccess && files.length === 0 ? t("firmwareText.noneForModel", { model: fit.model }) : undefined)}
          hint={fit.model && files.length > 0 ? t("firmwareText.forModel", { model: fit.model }) : undefined}
        >
          {(p) => <FirmwareSelect {...p} {...form.register("file_id")} files={files} />}
        </Field>
      ) : null}
      {changedFrom !== null ? (
        <Alert tone="warning">
          {count === 0 ? t("devices.selectionEmpty", { before: changedFrom }) : t("devices.selectionChanged", { before: changedFrom, count })}
        </Alert>
      ) : null}
      {action === "factoryReset" ? <Alert tone="danger">{confirmation}</Alert> : <p className="confirm-message">{confirmation}</p>}
      {action === "factoryReset" ? <TypedConfirmation count={count} serials={matching ? [] : serials} value={typed} onChange={setTyped} /> : null}
      <label className="checkbox">
        <input type="checkbox" {...form.register("now")} />
        <span>{t("devices.now")}</span>
      </label>
      <ErrorBanner error={run.error ?? job.error ?? partialError} />
    </FormDialog>
  );
}
