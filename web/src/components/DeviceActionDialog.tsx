// Confirmation for operations on one or many devices: reboot, factory reset, firmware
// update. Each creates one task per device; "now" asks the devices to connect at once
// (a connection request, DEV-4) instead of waiting for their next periodic inform.
import { forwardRef, type SelectHTMLAttributes } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import type { FirmwareFile, TaskRequest } from "../api/types";
import { formatBytes } from "../lib/time";
import { useFirmware } from "../resources/firmware";
import { useCreateTasks } from "../resources/tasks";
import { message } from "../i18n";
import { FormDialog, useErrorMessage, useZodForm } from "./form";
import { useToast } from "./Toast";
import { Alert, ErrorBanner, Field, Select, useErrorText } from "./ui";

export type DeviceAction = "reboot" | "factoryReset" | "download";

// The request of an operation on devices: a firmware update names its file.
export function actionRequest(action: DeviceAction, fileId: string, now: boolean): TaskRequest {
  return action === "download" ? { type: "download", file_id: fileId, now } : { type: action, now };
}

// The company's firmware files to choose from.
export const FirmwareSelect = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { files: FirmwareFile[] }>(
  function FirmwareSelect({ files, ...props }, ref) {
    return (
      <Select ref={ref} {...props}>
        <option value="">—</option>
        {files.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name} · {f.version} · {f.model || "*"} · {formatBytes(f.size)}
          </option>
        ))}
      </Select>
    );
  },
);

const schema = z.object({ file_id: z.string(), now: z.boolean() });
const downloadSchema = schema.extend({ file_id: z.string().min(1, message("validation.required")) });

export function DeviceActionDialog({
  action,
  deviceIds,
  onClose,
  onDone,
}: {
  action: DeviceAction;
  deviceIds: string[];
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
  const files = firmware.data ?? [];
  const chosen = files.find((f) => f.id === fileId);
  const run = useCreateTasks();
  const count = deviceIds.length;
  const title = action === "reboot" ? t("devices.reboot") : action === "factoryReset" ? t("devices.factoryReset") : t("devices.firmwareUpdate");
  const confirmation =
    action === "reboot"
      ? t("devices.rebootConfirm", { count })
      : action === "factoryReset"
        ? t("devices.factoryResetConfirm", { count })
        : t("devices.firmwareConfirm", { count, file: chosen ? `${chosen.name} (${chosen.version})` : "—" });
  const partialError = run.data && run.data.errors.length > 0 ? run.data.errors[0] : null;
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={title}
      submitLabel={title}
      submitVariant={action === "reboot" ? "primary" : "danger"}
      submitDisabled={action === "download" && !fileId}
      onSubmit={(v) =>
        run.mutate(
          { deviceIds, body: actionRequest(action, v.file_id, v.now) },
          {
            // Issue 18: once anything was queued the dialog closes and says what was done to how
            // many devices (and for how many it failed, and why); with nothing queued the error
            // stays here.
            onSuccess: (r) => {
              if (r.queued === 0) return;
              toast(t("deviceList.queued", { action: title, count: r.queued }));
              if (r.errors.length > 0) toast(t("deviceList.failed", { count: r.errors.length, reason: problemText(r.errors[0]) }), "danger");
              onDone?.();
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      busy={run.isPending}
    >
      {action === "download" ? (
        <Field label={t("devices.chooseFirmware")} required error={errorText(form.formState.errors.file_id)}>
          {(p) => <FirmwareSelect {...p} {...form.register("file_id")} files={files} />}
        </Field>
      ) : null}
      {action === "factoryReset" ? <Alert tone="danger">{confirmation}</Alert> : <p className="confirm-message">{confirmation}</p>}
      <label className="checkbox">
        <input type="checkbox" {...form.register("now")} />
        <span>{t("devices.now")}</span>
      </label>
      <ErrorBanner error={run.error ?? partialError} />
    </FormDialog>
  );
}
