// One device (DEV-2, DEV-3): its summary, the parameter tree to browse, search and edit,
// and its tasks with live status. Reboot, factory reset and firmware update ask first.
import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { z } from "zod";
import type { Device, Parameter, Task } from "../api/types";
import { PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { useConfirmedDelete, useConfirmedMutation } from "../components/Confirmation";
import { DataTable } from "../components/DataTable";
import { ComplianceTab } from "../components/DeviceCompliance";
import { DeviceActionDialog, type DeviceAction } from "../components/DeviceActionDialog";
import { useWakeupToast, WakeupBadge } from "../components/Lifecycle";
import { BreakAtDots } from "../components/BreakAtDots";
import { ParameterTree } from "../components/ParameterTree";
import { Tabs, tabPanelProps } from "../components/Tabs";
import { ApiError } from "../api/client";
import { FormDialog, submitWith, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { expectedValueKey, parameterValueProblem } from "../lib/parameterValue";
import { useRemoteLoginControls } from "../components/RemoteLogin";
import { Icon } from "../components/Icon";
import { useToast } from "../components/Toast";
import { Badge, Button, Card, EmptyState, ErrorBanner, Field, Input, KeyValue, PageHeader, SearchField, Select, Spinner } from "../components/ui";
import { buildTree, parametersOf, searchParameters } from "../lib/paramTree";
import { isActive, TASK_PERMISSION, TASK_STATE_TONE, taskOutcome, taskRequestSummary } from "../lib/tasks";
import { formatJst, formatRelative } from "../lib/time";
import { useDeleteDevice, useDevice, useDeviceParameters, useDeviceTag, useRetireDevice, useUpdateDevice } from "../resources/devices";
import { useSecurityData } from "../resources/serviceNotices";
import { waitsForPeriodic } from "../lib/jobs";
import { useCancelTask, useCreateTask, useDeviceTasks } from "../resources/tasks";
import { useFirmware } from "../resources/firmware";
import { attemptText, mayRetry, retryWaitText } from "../lib/faults";
import { useRetryTask } from "../resources/faults";

// DEV-7: the compliance tab, its deep link ?tab=compliance.
const TABS = ["summary", "parameters", "tasks", "compliance"] as const;
type Tab = (typeof TABS)[number];

// The tab a URL's ?tab= opens (a deep link: /devices/<id>?tab=parameters); the summary otherwise.
export function deviceTab(param: string | null): Tab {
  return (TABS as readonly string[]).includes(param ?? "") ? (param as Tab) : "summary";
}

// The list the device was opened from (its filter and page), for the way back.
export interface FromList {
  fromList?: { search: string; state: unknown };
}

// DEV-3: the value is checked against the type and writability the device reported, as the
// server checks it; the server's refusal of it is shown on the field too.
function valueSchemaFor(param: Parameter) {
  return z.object({ value: z.string() }).superRefine(({ value }, ctx) => {
    const problem = parameterValueProblem(param, value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: problem });
  });
}

function EditParameterDialog({ device, param, onClose, onQueued }: { device: Device; param: Parameter; onClose: () => void; onQueued: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const set = useCreateTask(device.id);
  const wakeupToast = useWakeupToast();
  const form = useZodForm(valueSchemaFor(param), { defaultValues: { value: param.value } });
  const value = useWatch({ control: form.control, name: "value" });
  const isBool = param.type === "boolean";
  return (
    <FormDialog
      form={form}
      layout="stack"
      title={t("device.editValue")}
      submitLabel={t("common.save")}
      submitDisabled={value === param.value}
      onSubmit={(v) =>
        set.mutate(
          { type: "setParameterValues", values: { [param.path]: v.value }, now: true },
          {
            onSuccess: (task) => {
              wakeupToast(task);
              onQueued();
              onClose();
            },
            onError: (e) => {
              if (e instanceof ApiError && (e.code === "invalid_parameter_value" || e.code === "parameter_not_writable"))
                form.setError("value", { message: e.code === "parameter_not_writable" ? message("parameterValue.notWritable") : expectedValueKey(param.type) });
            },
          },
        )
      }
      onClose={onClose}
      busy={set.isPending}
    >
      <p className="param-path">
        <BreakAtDots text={param.path} />
      </p>
      <Field
        label={t("device.newValue")}
        hint={`${t("device.type")}: ${param.type || "—"} · ${t("device.value")}: ${param.redacted ? t("device.redacted") : param.value}`}
        error={errorText(form.formState.errors.value)}
      >
        {(p) =>
          isBool ? (
            <Select {...p} {...form.register("value")}>
              <option value="true">true</option>
              <option value="false">false</option>
              {param.value !== "true" && param.value !== "false" ? <option value={param.value}>{param.value}</option> : null}
            </Select>
          ) : (
            <Input
              {...p}
              {...form.register("value")}
              type={param.redacted ? "password" : "text"}
              autoComplete={param.redacted ? "new-password" : undefined}
              autoFocus
              inputMode={/int/i.test(param.type) ? "numeric" : undefined}
            />
          )
        }
      </Field>
      {/* A secret's new value is not repeated on the screen. */}
      <p className="muted">{t("device.setConfirm", { path: param.path.split(".").slice(-1)[0], value: param.redacted ? "••••••••" : value })}</p>
      <ErrorBanner error={set.error instanceof ApiError && form.formState.errors.value ? null : set.error} />
    </FormDialog>
  );
}

const detailsSchema = z.object({
  name: z.string().max(64, message("validation.tooLong")).refine((v) => [...v].every((c) => c >= " " && c !== "\u007f"), message("deviceDetails.oneLine")),
  note: z.string().max(500, message("validation.tooLong")),
});

// Issue 18: the device's name and note, written by operators; searched and exported with the list.
function DetailsCard({ device }: { device: Device }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const errorText = useErrorMessage();
  const update = useUpdateDevice(device.id);
  const form = useZodForm(detailsSchema, { defaultValues: { name: device.name, note: device.note } });
  if (!can("devices.configure"))
    return (
      <Card title={t("deviceDetails.title")}>
        <KeyValue
          items={[
            [t("deviceDetails.name"), device.name || "—"],
            [t("deviceDetails.note"), <span className="prose">{device.note || "—"}</span>],
          ]}
        />
      </Card>
    );
  return (
    <Card title={t("deviceDetails.title")}>
      <form
        className="stack"
        onSubmit={submitWith(form, (v) =>
          update.mutate(v, {
            onSuccess: (d) => {
              form.reset({ name: d.name, note: d.note });
              toast(t("deviceDetails.saved"));
            },
            onError: (e) => {
              if (e instanceof ApiError && (e.field === "name" || e.field === "note")) form.setError(e.field, { message: e.detail });
            },
          }),
        )}
      >
        <Field label={t("deviceDetails.name")} hint={t("deviceDetails.nameHint")} error={errorText(form.formState.errors.name)}>
          {(p) => <Input {...p} {...form.register("name")} maxLength={64} />}
        </Field>
        <Field label={t("deviceDetails.note")} hint={t("deviceDetails.noteHint")} error={errorText(form.formState.errors.note)}>
          {(p) => <textarea {...p} className="input" rows={3} maxLength={500} {...form.register("note")} />}
        </Field>
        <div>
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!form.formState.isDirty}>
            {t("common.save")}
          </Button>
        </div>
        <ErrorBanner error={update.error instanceof ApiError && (update.error.field === "name" || update.error.field === "note") ? null : update.error} />
      </form>
    </Card>
  );
}

function ParametersTab({ device, onQueued }: { device: Device; onQueued: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const params = useDeviceParameters(device.id);
  const list = useMemo(() => params.data ?? [], [params.data]);
  const tree = useMemo(() => buildTree(list), [list]);
  const [selected, setSelected] = useState("");
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<Parameter | null>(null);
  const current = selected || tree[0]?.path || "";
  const shown = search.trim() ? searchParameters(list, search) : parametersOf(list, current);
  const editable = can("devices.configure");

  const col = createColumnHelper<Parameter>();
  const columns = [
    col.accessor("path", {
      header: t("device.path"),
      cell: (c) => (
        <span className="param-path">
          <BreakAtDots text={search.trim() ? c.getValue() : c.getValue().slice(current.length)} />
        </span>
      ),
    }),
    col.accessor("value", {
      header: t("device.value"),
      cell: (c) =>
        c.row.original.redacted ? (
          <span title={t("device.redactedHint")}>
            <Badge tone="neutral">
              <Icon name="lock" size={12} />
              {t("device.redacted")}
            </Badge>
          </span>
        ) : (
          <span className="param-value">{c.getValue()}</span>
        ),
    }),
    col.accessor("type", { header: t("device.type"), cell: (c) => <span className="cell-sub mono">{c.getValue()}</span> }),
    col.accessor("writable", {
      header: t("device.writable"),
      cell: (c) =>
        c.getValue() && editable ? (
          <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(c.row.original)} aria-label={`${t("device.editValue")}: ${c.row.original.path}`}>
            {t("common.edit")}
          </Button>
        ) : c.getValue() ? (
          <Icon name="check" size={14} />
        ) : null,
    }),
  ];

  if (params.isLoading) return <Spinner />;
  if (list.length === 0) return <EmptyState title={t("device.noParameters")} icon="profile" />;
  return (
    <Card className="card-flush">
      <div className="toolbar">
        <SearchField
          id="param-search"
          label={t("device.searchParams")}
          value={search}
          placeholder={t("device.searchParams")}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="muted">{t("common.rows", { count: list.length })}</span>
      </div>
      <div className="param-layout">
        <ParameterTree nodes={tree} selected={current} onSelect={(p) => {
          setSelected(p);
          setSearch("");
        }} />
        <div className="param-table">
          {!search.trim() ? (
            <div className="param-current mono">
              <BreakAtDots text={current} />
            </div>
          ) : null}
          <DataTable data={shown} columns={columns} getRowId={(p) => p.path} caption={t("device.parameters")} empty={t("device.treeHint")} />
        </div>
      </div>
      {editing ? <EditParameterDialog device={device} param={editing} onClose={() => setEditing(null)} onQueued={onQueued} /> : null}
    </Card>
  );
}

function TasksTab({ device }: { device: Device }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const tasks = useDeviceTasks(device.id);
  const cancel = useCancelTask(device.id);
  const retry = useRetryTask();
  const list = tasks.data ?? [];
  const firmware = useFirmware(list.some((task) => task.type === "download"));
  const live = list.some((task) => isActive(task.state));
  const col = createColumnHelper<Task>();
  const columns = [
    col.accessor("type", {
      header: t("device.taskType"),
      cell: (c) => (
        <div>
          <div className="cell-main">{t(`taskType.${c.getValue()}`)}</div>
          <div className="cell-sub mono">{taskRequestSummary(c.row.original, t, firmware.data)}</div>
        </div>
      ),
    }),
    col.accessor("state", {
      header: t("device.taskState"),
      cell: (c) => {
        // DEV-8: from the second attempt on, which one it is.
        const attempt = attemptText(t, c.row.original);
        return (
          <div>
            <Badge tone={TASK_STATE_TONE[c.getValue()]} dot>
              {c.getValue() === "running" ? <span className="spinner spinner-xs" aria-hidden="true" /> : null}
              {t(`taskState.${c.getValue()}`)}
            </Badge>
            {attempt ? <div className="cell-sub">{attempt}</div> : null}
          </div>
        );
      },
    }),
    // DEV-8: a task waiting for its automatic retry says when, and why the attempt before failed.
    col.accessor((task) => retryWaitText(t, task) ?? taskOutcome(task, t), {
      id: "result",
      header: t("device.result"),
      // Worded at each render: the table keeps an accessor's value per row, which would keep the
      // language the row was first shown in.
      cell: (c) => <span className="cell-sub">{retryWaitText(t, c.row.original) ?? taskOutcome(c.row.original, t)}</span>,
    }),
    col.accessor("created_at", { header: t("device.created"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    col.accessor("finished_at", { header: t("device.finished"), cell: (c) => <span className="nowrap">{formatJst(c.getValue())}</span> }),
    // Issue 18: what asking the device to connect now gave; a queued task not delivered waits, until its expiry.
    col.accessor("wakeup", {
      header: t("wakeup.column"),
      cell: (c) => (
        <div>
          <WakeupBadge wakeup={c.getValue()} queued={c.row.original.state === "queued"} />
          {waitsForPeriodic(c.row.original) ? <div className="cell-sub">{t("wakeup.waiting", { expires: formatJst(c.row.original.expires_at, false) })}</div> : null}
        </div>
      ),
    }),
    col.accessor((task) => (task.internal ? "Kanri" : task.created_by.login), { id: "by", header: t("device.createdBy") }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) =>
        c.row.original.state === "queued" && can(TASK_PERMISSION[c.row.original.type]) ? (
          <Button className="btn-sm" variant="ghost" icon="x" onClick={() => cancel.mutate(c.row.original, { onSuccess: () => toast(t("device.cancelled")) })}>
            {t("device.cancel")}
          </Button>
        ) : mayRetry(c.row.original, can) ? (
          // DEV-8: queued again as attempt 1, the device asked to connect now.
          <Button
            className="btn-sm"
            icon="refresh"
            busy={retry.isPending && retry.variables?.id === c.row.original.id}
            disabled={retry.isPending}
            onClick={() => retry.mutate(c.row.original, { onSuccess: () => toast(t("faults.retriedTask")) })}
          >
            {t("faults.retry")}
          </Button>
        ) : null,
    }),
  ];
  return (
    <Card
      className="card-flush"
      title={t("device.tasks")}
      actions={
        live ? (
          <span className="live" role="status">
            <span className="live-dot" aria-hidden="true" />
            {t("device.live")}
          </span>
        ) : null
      }
    >
      <ErrorBanner error={tasks.error ?? cancel.error ?? retry.error} />
      {tasks.isLoading ? <Spinner /> : <DataTable data={list} columns={columns} getRowId={(task) => task.id} caption={t("device.tasks")} />}
    </Card>
  );
}

const tagSchema = z.object({ tag: z.string().trim() });

export function DeviceDetailPage() {
  const { id = "" } = useParams();
  const { t, i18n } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const location = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  const tab = deviceTab(searchParams.get("tab"));
  // The tab is in the URL (replaced, not pushed: Back leaves the device, not the tab).
  const setTab = (name: Tab) => {
    const next = new URLSearchParams(searchParams);
    if (name === "summary") next.delete("tab");
    else next.set("tab", name);
    setSearchParams(next, { replace: true, state: location.state as unknown });
  };
  const fromList = (location.state as FromList | null)?.fromList;
  const [action, setAction] = useState<DeviceAction | null>(null);
  const device = useDevice(id);
  const refresh = useCreateTask(id);
  const tagOp = useDeviceTag(id);
  const tagForm = useZodForm(tagSchema, { defaultValues: { tag: "" } });
  // Issue 18: deleted, a device comes back as new (its last credential kept, sealed, for the
  // device retention); retired, it is refused. Each confirmation says so.
  const retentionDays = useSecurityData().data?.retention.device_retention_days;
  const period = retentionDays ? t("lifecycle.retentionPeriod", { count: retentionDays }) : t("lifecycle.retentionPeriodUnknown");
  const remove = useConfirmedDelete(useDeleteDevice(), {
    title: t("lifecycle.deleteTitle"),
    message: (d) => (
      <>
        <p>{t("devices.deleteConfirm", { serial: d.serial_number, period })}</p>
        <p>{t("lifecycle.deleteOrRetire")}</p>
      </>
    ),
    done: t("devices.deleted"),
    onDone: () => navigate(PATHS.devices),
  });
  const retire = useConfirmedMutation(useRetireDevice(), {
    title: t("lifecycle.retireTitle"),
    confirmLabel: t("lifecycle.retire"),
    message: (d) => (
      <>
        <p>{t("lifecycle.retireConfirm", { serial: d.serial_number })}</p>
        <p>{t("lifecycle.retireAgain")}</p>
      </>
    ),
    done: t("lifecycle.retired"),
    onDone: () => navigate(PATHS.devices),
  });
  const wakeupToast = useWakeupToast();
  // DEV-5: the action in the header, the state (and the credentials, once) below it.
  const remoteLogin = useRemoteLoginControls(id, device.data, can("devices.remote_login"));

  if (device.isLoading) return <Spinner />;
  if (!device.data) return <ErrorBanner error={device.error} />;
  const d = device.data;
  const afterTask = () => setTab("tasks");
  const readAll = () =>
    refresh.mutate(
      { type: "getParameterValues", names: [d.data_model === "tr098" ? "InternetGatewayDevice." : "Device."], now: true },
      {
        onSuccess: (task) => {
          wakeupToast(task);
          setTab("tasks");
        },
      },
    );

  return (
    <div className="stack">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to={{ pathname: PATHS.devices, search: fromList?.search ?? "" }} state={fromList?.state}>
          {t("device.back")}
        </Link>
        <Icon name="chevronRight" size={12} />
        <span className="mono">{d.serial_number}</span>
      </nav>
      <PageHeader
        title={d.name ? `${d.name} · ${d.serial_number}` : `${d.model || d.product_class} · ${d.serial_number}`}
        description={`${d.manufacturer} · ${t("devices.firmware")} ${d.software_version} · ${t("devices.lastContact")} ${formatRelative(d.last_contact_at, i18n.language)}`}
        actions={
          <>
            <Badge tone={d.online ? "success" : "neutral"} dot>
              {d.online ? t("devices.online") : t("devices.offline")}
            </Badge>
            {remoteLogin.badge}
            <Button icon="refresh" busy={refresh.isPending} onClick={readAll}>
              {t("devices.refreshParams")}
            </Button>
            {can("devices.reboot") ? (
              <Button icon="power" onClick={() => setAction("reboot")}>
                {t("devices.reboot")}
              </Button>
            ) : null}
            {can("devices.firmware") ? (
              <Button icon="firmware" onClick={() => setAction("download")}>
                {t("devices.firmwareUpdate")}
              </Button>
            ) : null}
            {remoteLogin.action}
            {can("devices.factory_reset") ? (
              <Button variant="danger" icon="alert" onClick={() => setAction("factoryReset")}>
                {t("devices.factoryReset")}
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorBanner error={refresh.error} />
      {remoteLogin.panel}
      <Tabs label={d.serial_number} tabs={TABS.map((name) => ({ id: name, label: name === "compliance" ? t("desired.tab") : t(`device.${name}`) }))} selected={tab} onSelect={setTab} />
      <div role="tabpanel" {...tabPanelProps(tab)}>
        {tab === "summary" ? (
          <div className="stack">
            <Card title={t("device.summary")}>
              <KeyValue
                items={[
                  [t("devices.serial"), <span className="mono">{d.serial_number}</span>],
                  [t("devices.oui"), <span className="mono">{d.oui}</span>],
                  [t("devices.productClass"), d.product_class],
                  [t("devices.manufacturer"), d.manufacturer],
                  [t("devices.model"), d.model],
                  [t("devices.hardware"), d.hardware_version],
                  [t("devices.firmware"), <span className="mono">{d.software_version}</span>],
                  [t("devices.dataModel"), d.data_model === "tr098" ? "TR-098 (InternetGatewayDevice.)" : "TR-181 (Device.)"],
                  [t("devices.wanIp"), <span className="mono">{d.wan_ip}</span>],
                  [t("devices.wanMac"), <span className="mono">{d.wan_mac || "—"}</span>],
                  [t("devices.connectionRequest"), <span className="mono cell-sub">{d.connection_request_url}</span>],
                  [t("devices.lastContact"), formatJst(d.last_contact_at)],
                  [t("devices.firstContact"), formatJst(d.first_contact_at)],
                  [t("devices.lastBoot"), formatJst(d.last_boot_at)],
                  [t("devices.informInterval"), d.periodic_inform_interval ? t("devices.seconds", { count: d.periodic_inform_interval }) : "—"],
                  [t("devices.lastEvents"), d.last_events.join(", ")],
                  [
                    t("devices.credential"),
                    <span className="row">
                      {t(`credentialMode.${d.auth_mode}`)}
                      {d.insecure ? <Badge tone="warning">{t("devices.insecure")}</Badge> : null}
                      <span className="cell-sub">{t(`credentialState.${d.credential_state}`)}</span>
                    </span>,
                  ],
                ]}
              />
            </Card>
            <DetailsCard key={d.id} device={d} />
            <Card title={t("devices.tags")}>
              <div className="row">
                {d.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                    {can("devices.configure") ? (
                      <button type="button" className="tag-remove" aria-label={`${t("common.delete")}: ${tag}`} onClick={() => tagOp.mutate({ tag, add: false })}>
                        <Icon name="x" size={11} />
                      </button>
                    ) : null}
                  </span>
                ))}
                {d.tags.length === 0 ? <span className="muted">—</span> : null}
                {can("devices.configure") ? (
                  <form
                    className="row"
                    onSubmit={submitWith(tagForm, ({ tag }) => {
                      if (tag) tagOp.mutate({ tag, add: true }, { onSuccess: () => tagForm.reset() });
                    })}
                  >
                    <Input className="input-sm" aria-label={t("devices.tagName")} placeholder={t("devices.tagName")} {...tagForm.register("tag")} />
                    <Button type="submit" className="btn-sm" icon="plus">
                      {t("devices.addTag")}
                    </Button>
                  </form>
                ) : null}
              </div>
              <ErrorBanner error={tagOp.error} />
            </Card>
            {can("devices.configure") ? (
              <Card title={t("lifecycle.endTitle")} className="danger-zone">
                <p className="muted">{t("lifecycle.endDescription")}</p>
                <div className="row">
                  <Button icon="trash" onClick={() => remove.ask(d)}>
                    {t("lifecycle.delete")}
                  </Button>
                  <Button variant="danger" icon="block" onClick={() => retire.ask(d)}>
                    {t("lifecycle.retire")}
                  </Button>
                </div>
              </Card>
            ) : null}
          </div>
        ) : null}
        {tab === "parameters" ? <ParametersTab device={d} onQueued={afterTask} /> : null}
        {tab === "tasks" ? <TasksTab device={d} /> : null}
        {tab === "compliance" ? <ComplianceTab device={d} /> : null}
      </div>
      {action ? <DeviceActionDialog action={action} deviceIds={[d.id]} serials={[d.serial_number]} onClose={() => setAction(null)} onDone={afterTask} /> : null}
      {remove.dialog}
      {retire.dialog}
    </div>
  );
}
