// Confirmation for operations on one or many devices: reboot, factory reset, firmware
// update. Each creates one task per device; "now" asks the devices to connect at once
// (a connection request, DEV-4) instead of waiting for their next periodic inform.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchAll } from "../api/client";
import { keys } from "../api/queries";
import type { FirmwareFile } from "../api/types";
import { createTasks } from "../lib/tasks";
import { formatBytes } from "../lib/time";
import { useToast } from "./Toast";
import { Alert, Button, Dialog, ErrorBanner, Field, Select } from "./ui";

export type DeviceAction = "reboot" | "factoryReset" | "download";

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
  const [now, setNow] = useState(true);
  const [fileId, setFileId] = useState("");
  const firmware = useQuery({
    queryKey: keys.firmware,
    queryFn: () => fetchAll<FirmwareFile>("/firmware"),
    enabled: action === "download",
  });
  const files = firmware.data ?? [];
  const chosen = files.find((f) => f.id === fileId);
  const run = useMutation({
    mutationFn: () =>
      createTasks(deviceIds, action === "download" ? { type: "download", file_id: fileId, now } : { type: action, now }),
    onSuccess: (r) => {
      if (r.queued > 0) toast(t("devices.queued", { count: r.queued }));
      if (r.errors.length === 0) {
        onDone?.();
        onClose();
      }
    },
  });
  const count = deviceIds.length;
  const title = action === "reboot" ? t("devices.reboot") : action === "factoryReset" ? t("devices.factoryReset") : t("devices.firmwareUpdate");
  const message =
    action === "reboot"
      ? t("devices.rebootConfirm", { count })
      : action === "factoryReset"
        ? t("devices.factoryResetConfirm", { count })
        : t("devices.firmwareConfirm", { count, file: chosen ? `${chosen.name} (${chosen.version})` : "—" });
  const partialErrors = run.data && run.data.errors.length > 0 ? run.data.errors[0] : null;
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button
            variant={action === "reboot" ? "primary" : "danger"}
            busy={run.isPending}
            disabled={action === "download" && !fileId}
            onClick={() => run.mutate()}
          >
            {title}
          </Button>
        </>
      }
    >
      {action === "download" ? (
        <Field label={t("devices.chooseFirmware")} required>
          {(p) => (
            <Select {...p} value={fileId} onChange={(e) => setFileId(e.target.value)}>
              <option value="">—</option>
              {files.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name} · {f.version} · {f.model || "*"} · {formatBytes(f.size)}
                </option>
              ))}
            </Select>
          )}
        </Field>
      ) : null}
      {action === "factoryReset" ? <Alert tone="danger">{message}</Alert> : <p className="confirm-message">{message}</p>}
      <label className="checkbox">
        <input type="checkbox" checked={now} onChange={(e) => setNow(e.target.checked)} />
        <span>{t("devices.now")}</span>
      </label>
      <ErrorBanner error={run.error ?? partialErrors} />
    </Dialog>
  );
}
