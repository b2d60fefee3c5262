// Device groups (DEV-3): a static list of devices or a saved search, and operations on a
// whole group as a job with per-device progress.
import { createColumnHelper } from "@tanstack/react-table";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { z } from "zod";
import type { DeviceFilter, DeviceGroup, Job, RequestBody } from "../api/types";
import { pathTo, PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { useConfirmedDelete } from "../components/Confirmation";
import { actionRequest, FirmwareSelect, type DeviceAction } from "../components/DeviceActionDialog";
import { FormDialog, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Badge, Button, Dialog, Field, Input, Select } from "../components/ui";
import { TASK_STATE_TONE } from "../lib/tasks";
import { formatJst } from "../lib/time";
import { useCreateDeviceGroup, useDeleteDeviceGroup, useDeviceGroups } from "../resources/deviceGroups";
import { useFirmware } from "../resources/firmware";
import { useJob, useStartGroupJob } from "../resources/tasks";

export function describeFilter(f: DeviceFilter | null, t: TFunction): string {
  if (!f) return "";
  const parts: string[] = [];
  if (f.q) parts.push(`"${f.q}"`);
  if (f.online !== undefined) parts.push(f.online ? t("devices.online") : t("devices.offline"));
  if (f.model) parts.push(`${t("devices.model")}: ${f.model}`);
  if (f.software_version) parts.push(`${t("devices.firmware")}: ${f.software_version}`);
  if (f.tag) parts.push(`${t("devices.tags")}: ${f.tag}`);
  return parts.join(" · ");
}

const groupSchema = z.object({
  name: z.string().trim().min(1, message("validation.required")).max(64, message("validation.tooLong")),
  kind: z.enum(["static", "filter"]),
  q: z.string(),
  online: z.enum(["", "true", "false"]),
  model: z.string(),
  tag: z.string(),
  serials: z.string(),
});
type GroupValues = z.infer<typeof groupSchema>;

// The POST /device-groups body: a saved search with what was filled in, or a list of devices.
export function groupBody(v: GroupValues): RequestBody<"device_groups.create"> {
  if (v.kind === "static")
    return { name: v.name, kind: v.kind, device_ids: v.serials.split(/\s+/).map((s) => s.trim()).filter(Boolean) };
  const filter: DeviceFilter = {};
  if (v.q.trim()) filter.q = v.q.trim();
  if (v.online) filter.online = v.online === "true";
  if (v.model.trim()) filter.model = v.model.trim();
  if (v.tag.trim()) filter.tag = v.tag.trim();
  return { name: v.name, kind: v.kind, filter };
}

function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateDeviceGroup();
  const form = useZodForm(groupSchema, {
    defaultValues: { name: "", kind: "filter", q: "", online: "", model: "", tag: "", serials: "" },
  });
  const kind = useWatch({ control: form.control, name: "kind" });
  return (
    <FormDialog
      form={form}
      wide
      title={t("groups.create")}
      submitLabel={t("common.create")}
      onSubmit={(v) =>
        create.mutate(groupBody(v), {
          onSuccess: () => {
            toast(t("groups.created"));
            onClose();
          },
        })
      }
      onClose={onClose}
      busy={create.isPending}
      error={create.error}
    >
      <Field label={t("groups.name")} required error={errorText(form.formState.errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} />}
      </Field>
      <Field label={t("groups.kind")}>
        {(p) => (
          <Select {...p} {...form.register("kind")}>
            <option value="filter">{t("groups.kinds.filter")}</option>
            <option value="static">{t("groups.kinds.static")}</option>
          </Select>
        )}
      </Field>
      {kind === "filter" ? (
        <>
          <Field label={t("common.search")}>{(p) => <Input {...p} {...form.register("q")} />}</Field>
          <Field label={t("devices.status")}>
            {(p) => (
              <Select {...p} {...form.register("online")}>
                <option value="">{t("devices.anyStatus")}</option>
                <option value="true">{t("devices.online")}</option>
                <option value="false">{t("devices.offline")}</option>
              </Select>
            )}
          </Field>
          <Field label={t("devices.model")}>{(p) => <Input {...p} {...form.register("model")} />}</Field>
          <Field label={t("devices.tags")}>{(p) => <Input {...p} {...form.register("tag")} />}</Field>
        </>
      ) : (
        <div className="span-2">
          <Field label={t("groups.serials")}>{(p) => <textarea {...p} className="input" rows={6} {...form.register("serials")} />}</Field>
        </div>
      )}
    </FormDialog>
  );
}

const jobSchema = z.object({ type: z.enum(["reboot", "download", "factoryReset"]), file_id: z.string() }).refine(
  (v) => v.type !== "download" || v.file_id !== "",
  { path: ["file_id"], message: message("validation.required") },
);

function JobProgress({ job }: { job: Job }) {
  const { t } = useTranslation();
  const progress = useJob(job);
  const p = (progress.data ?? job).progress;
  const pct = (n: number) => (p.total ? `${(100 * n) / p.total}%` : "0%");
  return (
    <div className="stack">
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done + p.failed + p.cancelled}>
        <span className="p-done" style={{ width: pct(p.done) }} />
        <span className="p-failed" style={{ width: pct(p.failed) }} />
        <span className="p-running" style={{ width: pct(p.running) }} />
      </div>
      <div className="row">
        {(["queued", "running", "done", "failed", "cancelled"] as const).map((s) => (
          <Badge key={s} tone={TASK_STATE_TONE[s]}>
            {t(`taskState.${s}`)} {p[s]}
          </Badge>
        ))}
      </div>
      <ul className="list">
        {(progress.data?.tasks?.items ?? []).slice(0, 20).map((task) => (
          <li key={task.task_id}>
            <Link to={pathTo("device", { id: task.device_id })} className="mono">
              {task.serial_number}
            </Link>
            <Badge tone={TASK_STATE_TONE[task.state]} dot>
              {t(`taskState.${task.state}`)}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

function GroupTaskDialog({ group, onClose }: { group: DeviceGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const errorText = useErrorMessage();
  const start = useStartGroupJob(group);
  const form = useZodForm(jobSchema, { defaultValues: { type: "reboot", file_id: "" } });
  const [type, fileId] = useWatch({ control: form.control, name: ["type", "file_id"] });
  const firmware = useFirmware(type === "download");
  const title = `${t("groups.runTask")}: ${group.name}`;
  if (start.data)
    return (
      <Dialog open wide title={title} onClose={onClose} footer={<Button onClick={onClose}>{t("common.close")}</Button>}>
        <JobProgress job={start.data} />
      </Dialog>
    );
  const count = group.device_count;
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={title}
      submitLabel={t(`taskType.${type}`)}
      submitVariant={type === "reboot" ? "primary" : "danger"}
      submitDisabled={type === "download" && !fileId}
      onSubmit={(v) => start.mutate(actionRequest(v.type satisfies DeviceAction, v.file_id, true), { onSuccess: () => toast(t("groups.jobStarted")) })}
      onClose={onClose}
      busy={start.isPending}
      error={start.error}
    >
      <Field label={t("device.taskType")}>
        {(p) => (
          <Select {...p} {...form.register("type")}>
            {can("devices.reboot") ? <option value="reboot">{t("taskType.reboot")}</option> : null}
            {can("devices.firmware") ? <option value="download">{t("taskType.download")}</option> : null}
            {can("devices.reboot") ? <option value="factoryReset">{t("taskType.factoryReset")}</option> : null}
          </Select>
        )}
      </Field>
      {type === "download" ? (
        <Field label={t("devices.chooseFirmware")} error={errorText(form.formState.errors.file_id)}>
          {(p) => <FirmwareSelect {...p} {...form.register("file_id")} files={firmware.data ?? []} />}
        </Field>
      ) : null}
      <p className="confirm-message">
        {type === "reboot"
          ? t("devices.rebootConfirm", { count })
          : type === "factoryReset"
            ? t("devices.factoryResetConfirm", { count })
            : t("devices.firmwareConfirm", { count, file: (firmware.data ?? []).find((f) => f.id === fileId)?.name ?? "—" })}
      </p>
    </FormDialog>
  );
}

export function DeviceGroupsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const groups = useDeviceGroups();
  const [creating, setCreating] = useState(false);
  const [running, setRunning] = useState<DeviceGroup | null>(null);
  const remove = useConfirmedDelete(useDeleteDeviceGroup(), {
    message: (g) => t("groups.deleteConfirm", { name: g.name }),
    done: t("groups.deleted"),
  });
  const canRun = can(["devices.reboot", "devices.firmware"]);
  const col = createColumnHelper<DeviceGroup>();
  const columns = [
    col.accessor("name", {
      header: t("groups.name"),
      cell: (c) => (
        <Link className="cell-main" to={`${PATHS.devices}?group_id=${encodeURIComponent(c.row.original.id)}`}>
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor("kind", { header: t("groups.kind"), cell: (c) => <Badge tone={c.getValue() === "filter" ? "info" : "neutral"}>{t(`groups.kinds.${c.getValue()}`)}</Badge> }),
    col.accessor((g) => describeFilter(g.filter, t), { id: "filter", header: t("groups.filter"), cell: (c) => <span className="cell-sub">{c.getValue() || "—"}</span> }),
    col.accessor("device_count", { header: t("groups.count"), meta: { className: "col-num" } }),
    col.accessor("updated_at", { header: t("firmware.uploadedAt"), cell: (c) => <span className="nowrap">{formatJst(c.getValue(), false)}</span> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) => (
        <div className="row">
          {canRun ? (
            <Button className="btn-sm" icon="power" onClick={() => setRunning(c.row.original)}>
              {t("groups.runTask")}
            </Button>
          ) : null}
          {can("devices.configure") ? (
            <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove.ask(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />
          ) : null}
        </div>
      ),
    }),
  ];
  return (
    <ListPage
      title={t("groups.title")}
      description={t("groups.description")}
      actions={
        can("devices.configure") ? (
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            {t("groups.create")}
          </Button>
        ) : null
      }
      error={groups.error}
      rows={groups.data}
      loading={groups.isLoading}
      columns={columns}
      getRowId={(g) => g.id}
    >
      {creating ? <CreateGroupDialog onClose={() => setCreating(false)} /> : null}
      {running ? <GroupTaskDialog group={running} onClose={() => setRunning(null)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}
