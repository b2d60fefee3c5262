// Device groups (DEV-3): a static list of devices or a saved search, and operations on a
// whole group as a job with per-device progress.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import type { DeviceFilter, DeviceGroup, RequestBody } from "../api/types";
import { pathTo, PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { useConfirmedDelete } from "../components/Confirmation";
import { actionRequest, FirmwareSelect, type DeviceAction } from "../components/DeviceActionDialog";
import { FormDialog, useErrorMessage, useZodForm } from "../components/form";
import { TypedConfirmation, useResetConfirmation } from "../components/Lifecycle";
import { message } from "../i18n";
import { ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Field, Input, Select } from "../components/ui";
import { describeFilter } from "../lib/deviceFilter";
import { formatJst } from "../lib/time";
import { useCreateDeviceGroup, useDeleteDeviceGroup, useDeviceGroups, useGroupDevices, useUpdateDeviceGroup } from "../resources/deviceGroups";
import { useFirmware } from "../resources/firmware";
import { useStartGroupJob } from "../resources/tasks";

const groupSchema = z.object({
  name: z.string().trim().min(1, message("validation.required")).max(64, message("validation.tooLong")),
  kind: z.enum(["static", "filter"]),
  q: z.string(),
  online: z.enum(["", "true", "false"]),
  model: z.string(),
  tag: z.string(),
  serials: z.string(),
  replace: z.boolean(),
});
type GroupValues = z.infer<typeof groupSchema>;

// Serial numbers as typed or pasted from a spreadsheet or shipping list: one per line (or
// separated by spaces, commas or tabs), blanks ignored.
export function parseSerials(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// The server lists at most this many of the serial numbers it did not find (unknown_serials).
const UNKNOWN_SERIALS_LISTED = 10;

// The serial numbers a refused change named as not the company's devices (the problem
// unknown_serials lists the first ones in `items`); null for another error.
export function unknownSerialsOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== "unknown_serials") return null;
  const items = error.problem["items"];
  return Array.isArray(items) ? items.filter((s): s is string => typeof s === "string") : [];
}

function UnknownSerials({ serials }: { serials: string[] }) {
  const { t } = useTranslation();
  return (
    <Alert tone="danger">
      <p>{t("groups.unknownSerials")}</p>
      <p className="mono" data-testid="unknown-serials">
        {serials.join(", ")}
        {serials.length >= UNKNOWN_SERIALS_LISTED ? ` ${t("groups.unknownSerialsFirst", { count: serials.length })}` : ""}
      </p>
    </Alert>
  );
}

function filterOfValues(v: Pick<GroupValues, "q" | "online" | "model" | "tag">): DeviceFilter {
  const filter: DeviceFilter = {};
  if (v.q.trim()) filter.q = v.q.trim();
  if (v.online) filter.online = v.online === "true";
  if (v.model.trim()) filter.model = v.model.trim();
  if (v.tag.trim()) filter.tag = v.tag.trim();
  return filter;
}

// The POST /device-groups body: a saved search with what was filled in, or a list of devices by serial number.
export function groupBody(v: GroupValues): RequestBody<"device_groups.create"> {
  if (v.kind === "static") return { name: v.name, kind: v.kind, serials: parseSerials(v.serials) };
  return { name: v.name, kind: v.kind, filter: filterOfValues(v) };
}

function FilterFields({ form }: { form: UseFormReturn<GroupValues> }) {
  const { t } = useTranslation();
  return (
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
  );
}

// Issue 18: rename a group; add serial numbers to a static one (or replace its devices), or
// change a saved search.
function EditGroupDialog({ group, onClose }: { group: DeviceGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const update = useUpdateDeviceGroup();
  const members = useGroupDevices();
  const f = group.filter ?? {};
  const form = useZodForm(groupSchema, {
    defaultValues: {
      name: group.name,
      kind: group.kind,
      q: f.q ?? "",
      online: f.online === undefined ? "" : f.online ? "true" : "false",
      model: f.model ?? "",
      tag: f.tag ?? "",
      serials: "",
      replace: false,
    },
  });
  const save = async (v: GroupValues) => {
    const serials = parseSerials(v.serials);
    // The devices first: an unknown serial number changes nothing, not even the name.
    if (group.kind === "static" && (serials.length > 0 || v.replace))
      await members.mutateAsync({ id: group.id, body: { serials }, replace: v.replace });
    const body: RequestBody<"device_groups.update"> = {};
    if (v.name !== group.name) body.name = v.name;
    if (group.kind === "filter") body.filter = filterOfValues(v);
    if (Object.keys(body).length > 0) await update.mutateAsync({ id: group.id, body });
    toast(t("groups.saved"));
    onClose();
  };
  return (
    <FormDialog
      form={form}
      wide
      title={t("groups.editTitle", { name: group.name })}
      submitLabel={t("common.save")}
      onSubmit={(v) => void save(v).catch(() => undefined)}
      onClose={onClose}
      busy={update.isPending || members.isPending}
      error={members.error ?? update.error}
      banner={unknownSerialsOf(members.error) ? <UnknownSerials serials={unknownSerialsOf(members.error) ?? []} /> : undefined}
    >
      <Field label={t("groups.name")} required error={errorText(form.formState.errors.name)}>
        {(p) => <Input {...p} {...form.register("name")} />}
      </Field>
      {group.kind === "filter" ? (
        <FilterFields form={form} />
      ) : (
        <div className="span-2 stack">
          <Field label={t("groups.addSerials")} hint={t("groups.serials")}>
            {(p) => <textarea {...p} className="input" rows={6} {...form.register("serials")} />}
          </Field>
          <label className="checkbox">
            <input type="checkbox" {...form.register("replace")} />
            <span>{t("groups.replaceSerials")}</span>
          </label>
        </div>
      )}
    </FormDialog>
  );
}

function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const create = useCreateDeviceGroup();
  const form = useZodForm(groupSchema, {
    defaultValues: { name: "", kind: "filter", q: "", online: "", model: "", tag: "", serials: "", replace: false },
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
      banner={unknownSerialsOf(create.error) ? <UnknownSerials serials={unknownSerialsOf(create.error) ?? []} /> : undefined}
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
        <FilterFields form={form} />
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

// Issue 18: the job's progress and each device's outcome are on the job's page, which stays
// (it replaces the progress dialog that was gone once closed).
function GroupTaskDialog({ group, onClose }: { group: DeviceGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const errorText = useErrorMessage();
  const navigate = useNavigate();
  const start = useStartGroupJob(group);
  const form = useZodForm(jobSchema, { defaultValues: { type: can("devices.reboot") ? "reboot" : can("devices.firmware") ? "download" : "factoryReset", file_id: "" } });
  const [type, fileId] = useWatch({ control: form.control, name: ["type", "file_id"] });
  const firmware = useFirmware(type === "download");
  const title = `${t("groups.runTask")}: ${group.name}`;
  const count = group.device_count;
  // Issue 18: a factory reset of the group is sent once the number of its devices is typed.
  const [typed, setTyped] = useState("");
  const reset = useResetConfirmation(count);
  return (
    <FormDialog
      form={form}
      wide
      layout="stack"
      title={title}
      submitLabel={t(`taskType.${type}`)}
      submitVariant={type === "reboot" ? "primary" : "danger"}
      submitIcon={type === "factoryReset" ? "alert" : undefined}
      submitDisabled={(type === "download" && !fileId) || (type === "factoryReset" && !reset.matches(typed))}
      onSubmit={(v) =>
        start.mutate(actionRequest(v.type satisfies DeviceAction, v.file_id, true), {
          onSuccess: (job) => {
            toast(t("jobList.started"));
            navigate(pathTo("deviceJob", { id: job.id }));
          },
        })
      }
      onClose={onClose}
      busy={start.isPending}
      error={start.error}
    >
      <Field label={t("device.taskType")}>
        {(p) => (
          <Select {...p} {...form.register("type")}>
            {can("devices.reboot") ? <option value="reboot">{t("taskType.reboot")}</option> : null}
            {can("devices.firmware") ? <option value="download">{t("taskType.download")}</option> : null}
            {can("devices.factory_reset") ? <option value="factoryReset">{t("taskType.factoryReset")}</option> : null}
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
      {type === "factoryReset" ? <TypedConfirmation count={count} value={typed} onChange={setTyped} /> : null}
    </FormDialog>
  );
}

export function DeviceGroupsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const groups = useDeviceGroups();
  const [creating, setCreating] = useState(false);
  const [running, setRunning] = useState<DeviceGroup | null>(null);
  const [editing, setEditing] = useState<DeviceGroup | null>(null);
  const remove = useConfirmedDelete(useDeleteDeviceGroup(), {
    message: (g) => t("groups.deleteConfirm", { name: g.name }),
    done: t("groups.deleted"),
  });
  const canRun = can(["devices.reboot", "devices.factory_reset", "devices.firmware"]);
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
    col.accessor((g) => describeFilter(g.filter, t, { groups: groups.data }), { id: "filter", header: t("groups.filter"), cell: (c) => <span className="cell-sub">{c.getValue() || "—"}</span> }),
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
            <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(c.row.original)} aria-label={`${t("groups.edit")}: ${c.row.original.name}`}>
              {t("groups.edit")}
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
      {editing ? <EditGroupDialog group={editing} onClose={() => setEditing(null)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}
