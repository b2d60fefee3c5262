// Device groups (DEV-3): a static list of devices or a saved search, and operations on a
// whole group as a job with per-device progress.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { api, fetchAll } from "../api/client";
import { keys } from "../api/queries";
import type { DeviceFilter, DeviceGroup, FirmwareFile, Job } from "../api/types";
import { PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { DataTable } from "../components/DataTable";
import { useToast } from "../components/Toast";
import { Badge, Button, Card, ConfirmDialog, Dialog, ErrorBanner, Field, Input, PageHeader, Select, Spinner } from "../components/ui";
import { TASK_STATE_TONE } from "../lib/tasks";
import { formatJst } from "../lib/time";

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

function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"static" | "filter">("filter");
  const [filter, setFilter] = useState<{ q: string; online: string; model: string; tag: string }>({ q: "", online: "", model: "", tag: "" });
  const [ids, setIds] = useState("");
  const create = useMutation({
    mutationFn: () => {
      const f: DeviceFilter = {};
      if (filter.q.trim()) f.q = filter.q.trim();
      if (filter.online) f.online = filter.online === "true";
      if (filter.model.trim()) f.model = filter.model.trim();
      if (filter.tag.trim()) f.tag = filter.tag.trim();
      const body =
        kind === "filter"
          ? { name, kind, filter: f }
          : { name, kind, device_ids: ids.split(/\s+/).map((s) => s.trim()).filter(Boolean) };
      return api<DeviceGroup>("/device-groups", { method: "POST", body });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.deviceGroups });
      toast(t("groups.created"));
      onClose();
    },
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    create.mutate();
  };
  return (
    <Dialog
      open
      wide
      title={t("groups.create")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={create.isPending} disabled={!name.trim()} onClick={() => submit()}>
            {t("common.create")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={create.error} />
      <form className="form-grid" onSubmit={submit}>
        <Field label={t("groups.name")} required>
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("groups.kind")}>
          {(p) => (
            <Select {...p} value={kind} onChange={(e) => setKind(e.target.value as "static" | "filter")}>
              <option value="filter">{t("groups.kinds.filter")}</option>
              <option value="static">{t("groups.kinds.static")}</option>
            </Select>
          )}
        </Field>
        {kind === "filter" ? (
          <>
            <Field label={t("common.search")}>{(p) => <Input {...p} value={filter.q} onChange={(e) => setFilter({ ...filter, q: e.target.value })} />}</Field>
            <Field label={t("devices.status")}>
              {(p) => (
                <Select {...p} value={filter.online} onChange={(e) => setFilter({ ...filter, online: e.target.value })}>
                  <option value="">{t("devices.anyStatus")}</option>
                  <option value="true">{t("devices.online")}</option>
                  <option value="false">{t("devices.offline")}</option>
                </Select>
              )}
            </Field>
            <Field label={t("devices.model")}>{(p) => <Input {...p} value={filter.model} onChange={(e) => setFilter({ ...filter, model: e.target.value })} />}</Field>
            <Field label={t("devices.tags")}>{(p) => <Input {...p} value={filter.tag} onChange={(e) => setFilter({ ...filter, tag: e.target.value })} />}</Field>
          </>
        ) : (
          <div className="span-2">
            <Field label={t("groups.serials")}>{(p) => <textarea {...p} className="input" rows={6} value={ids} onChange={(e) => setIds(e.target.value)} />}</Field>
          </div>
        )}
      </form>
    </Dialog>
  );
}

function GroupTaskDialog({ group, onClose }: { group: DeviceGroup; onClose: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const [type, setType] = useState<"reboot" | "download" | "factoryReset">("reboot");
  const [fileId, setFileId] = useState("");
  const [job, setJob] = useState<Job | null>(null);
  const firmware = useQuery({ queryKey: keys.firmware, queryFn: () => fetchAll<FirmwareFile>("/firmware"), enabled: type === "download" });
  const start = useMutation({
    mutationFn: () =>
      api<Job>(`/device-groups/${group.id}/tasks`, { method: "POST", body: type === "download" ? { type, file_id: fileId, now: true } : { type, now: true } }),
    onSuccess: (j) => {
      toast(t("groups.jobStarted"));
      setJob(j);
    },
  });
  const progress = useQuery({
    queryKey: keys.job(job?.id ?? ""),
    queryFn: () => api<Job>(`/jobs/${job!.id}`, { background: true }),
    enabled: job !== null,
    refetchInterval: (q) => {
      const p = q.state.data?.progress;
      return p && p.queued + p.running === 0 ? false : 2000;
    },
  });
  const p = (progress.data ?? job)?.progress;
  const pct = (n: number) => (p && p.total ? `${(100 * n) / p.total}%` : "0%");
  return (
    <Dialog
      open
      wide
      title={`${t("groups.runTask")}: ${group.name}`}
      onClose={onClose}
      footer={
        job ? (
          <Button onClick={onClose}>{t("common.close")}</Button>
        ) : (
          <>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button variant={type === "reboot" ? "primary" : "danger"} busy={start.isPending} disabled={type === "download" && !fileId} onClick={() => start.mutate()}>
              {t(`taskType.${type}`)}
            </Button>
          </>
        )
      }
    >
      <ErrorBanner error={start.error} />
      {!job ? (
        <>
          <Field label={t("device.taskType")}>
            {(pr) => (
              <Select {...pr} value={type} onChange={(e) => setType(e.target.value as typeof type)}>
                {can("devices.reboot") ? <option value="reboot">{t("taskType.reboot")}</option> : null}
                {can("devices.firmware") ? <option value="download">{t("taskType.download")}</option> : null}
                {can("devices.reboot") ? <option value="factoryReset">{t("taskType.factoryReset")}</option> : null}
              </Select>
            )}
          </Field>
          {type === "download" ? (
            <Field label={t("devices.chooseFirmware")}>
              {(pr) => (
                <Select {...pr} value={fileId} onChange={(e) => setFileId(e.target.value)}>
                  <option value="">—</option>
                  {(firmware.data ?? []).map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name} · {f.version}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ) : null}
          <p className="confirm-message">
            {type === "reboot"
              ? t("devices.rebootConfirm", { count: group.device_count })
              : type === "factoryReset"
                ? t("devices.factoryResetConfirm", { count: group.device_count })
                : t("devices.firmwareConfirm", { count: group.device_count, file: (firmware.data ?? []).find((f) => f.id === fileId)?.name ?? "—" })}
          </p>
        </>
      ) : p ? (
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
                <Link to={PATHS.device.replace("{id}", task.device_id)} className="mono">
                  {task.serial_number}
                </Link>
                <Badge tone={TASK_STATE_TONE[task.state]} dot>
                  {t(`taskState.${task.state}`)}
                </Badge>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Dialog>
  );
}

export function DeviceGroupsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const qc = useQueryClient();
  const groups = useQuery({ queryKey: keys.deviceGroups, queryFn: () => fetchAll<DeviceGroup>("/device-groups") });
  const [creating, setCreating] = useState(false);
  const [running, setRunning] = useState<DeviceGroup | null>(null);
  const [deleting, setDeleting] = useState<DeviceGroup | null>(null);
  const remove = useMutation({
    mutationFn: (g: DeviceGroup) => api<void>(`/device-groups/${g.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.deviceGroups });
      setDeleting(null);
      toast(t("groups.deleted"));
    },
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
            <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => setDeleting(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />
          ) : null}
        </div>
      ),
    }),
  ];
  return (
    <div className="stack">
      <PageHeader
        title={t("groups.title")}
        description={t("groups.description")}
        actions={
          can("devices.configure") ? (
            <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
              {t("groups.create")}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={groups.error} />
      <Card className="card-flush">
        {groups.isLoading ? <Spinner /> : <DataTable data={groups.data ?? []} columns={columns} getRowId={(g) => g.id} caption={t("groups.title")} />}
      </Card>
      {creating ? <CreateGroupDialog onClose={() => setCreating(false)} /> : null}
      {running ? <GroupTaskDialog group={running} onClose={() => setRunning(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t("common.delete")}
        message={deleting ? t("groups.deleteConfirm", { name: deleting.name }) : ""}
        confirmLabel={t("common.delete")}
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
