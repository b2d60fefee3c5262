// Profiles (仕向け, DEV-1): what the company's devices get on first contact (authentication,
// inform interval, parameters), chosen by OUI / product class / serials. Which devices are
// the company's is the provider's record (device allocations, issue 10), listed below
// read-only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, fetchAll } from "../api/client";
import { keys } from "../api/queries";
import type { Allocation, Profile } from "../api/types";
import { useCan } from "../auth/session";
import { AllocationDetailDialog, allocationTime, useCoverageText } from "../components/Allocations";
import { DataTable } from "../components/DataTable";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, ConfirmDialog, Dialog, EmptyState, ErrorBanner, Field, Input, PageHeader, Select, Spinner } from "../components/ui";

// "Device.X=1\nDevice.Y=a=b" -> {"Device.X": "1", "Device.Y": "a=b"}; blank lines ignored.
export function parseParameterLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf("=");
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

interface Draft {
  name: string;
  oui: string;
  product_class: string;
  serial_prefix: string;
  serials: string;
  mode: Profile["device_auth"]["mode"];
  username: string;
  password: string;
  interval: string;
  parameters: string;
}

function toDraft(p: Profile | null): Draft {
  if (!p) return { name: "", oui: "", product_class: "", serial_prefix: "", serials: "", mode: "rotate", username: "", password: "", interval: "", parameters: "" };
  return {
    name: p.name,
    oui: p.match.oui ?? "",
    product_class: p.match.product_class ?? "",
    serial_prefix: p.match.serial_prefix ?? "",
    serials: p.match.serials.join("\n"),
    mode: p.device_auth.mode,
    username: p.device_auth.username,
    password: "",
    interval: p.periodic_inform_interval ? String(p.periodic_inform_interval) : "",
    parameters: Object.entries(p.parameters)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
  };
}

function ProfileDialog({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(toDraft(profile));
  const save = useMutation({
    mutationFn: () => {
      const auth: Record<string, string> = { mode: d.mode };
      if (d.mode !== "none") {
        auth.username = d.username;
        if (d.password) auth.password = d.password;
      }
      const body = {
        name: d.name,
        match: {
          oui: d.oui.trim() || null,
          product_class: d.product_class.trim() || null,
          serial_prefix: d.serial_prefix.trim() || null,
          serials: d.serials.split(/\s+/).map((s) => s.trim()).filter(Boolean),
        },
        device_auth: auth,
        periodic_inform_interval: d.interval.trim() ? Number(d.interval) : null,
        parameters: parseParameterLines(d.parameters),
      };
      return profile ? api<Profile>(`/profiles/${profile.id}`, { method: "PATCH", body }) : api<Profile>("/profiles", { method: "POST", body });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.profiles });
      toast(profile ? t("profiles.updated") : t("profiles.created"));
      onClose();
    },
  });
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  // The provider has not allowed unauthenticated devices for this company: said on the field.
  const modeRefused = save.error instanceof ApiError && save.error.code === "unauthenticated_devices_not_allowed" && d.mode === "none";
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    save.mutate();
  };
  return (
    <Dialog
      open
      wide
      title={profile ? `${t("profiles.edit")}: ${profile.name}` : t("profiles.create")}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={save.isPending} disabled={!d.name.trim()} onClick={() => submit()}>
            {profile ? t("common.save") : t("common.create")}
          </Button>
        </>
      }
    >
      <ErrorBanner error={modeRefused ? null : save.error} />
      <form className="form-grid" onSubmit={submit}>
        <div className="span-2">
          <Field label={t("profiles.name")} required>
            {(p) => <Input {...p} value={d.name} onChange={set("name")} />}
          </Field>
        </div>
        <Field label={t("profiles.oui")}>{(p) => <Input {...p} value={d.oui} onChange={set("oui")} placeholder={t("profiles.any")} className="mono" />}</Field>
        <Field label={t("profiles.productClass")}>{(p) => <Input {...p} value={d.product_class} onChange={set("product_class")} placeholder={t("profiles.any")} />}</Field>
        <Field label={t("profiles.serialPrefix")}>{(p) => <Input {...p} value={d.serial_prefix} onChange={set("serial_prefix")} placeholder={t("profiles.any")} />}</Field>
        <Field label={t("profiles.informInterval")}>{(p) => <Input {...p} value={d.interval} onChange={set("interval")} inputMode="numeric" />}</Field>
        <div className="span-2">
          <Field label={t("profiles.serials")}>{(p) => <textarea {...p} className="input" rows={3} value={d.serials} onChange={set("serials")} />}</Field>
        </div>
        <Field label={t("profiles.authMode")} error={modeRefused ? t("errors.unauthenticated_devices_not_allowed") : undefined}>
          {(p) => (
            <Select
              {...p}
              value={d.mode}
              onChange={(e) => {
                save.reset(); // an error about the previous mode no longer applies
                set("mode")(e);
              }}
            >
              {(["rotate", "shared", "none"] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`profiles.authModes.${m}`)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div />
        {d.mode === "none" ? (
          <div className="span-2">
            <Alert tone="warning">{t("profiles.noneWarning")}</Alert>
          </div>
        ) : null}
        {d.mode !== "none" ? (
          <>
            <Field label={t("profiles.username")}>{(p) => <Input {...p} value={d.username} onChange={set("username")} autoComplete="off" />}</Field>
            <Field label={t("profiles.password")} hint={profile?.device_auth.password_set ? "••••••••" : undefined}>
              {(p) => <Input {...p} type="password" value={d.password} onChange={set("password")} autoComplete="new-password" />}
            </Field>
          </>
        ) : null}
        <div className="span-2">
          <Field label={t("profiles.parameters")}>
            {(p) => <textarea {...p} className="input" rows={4} value={d.parameters} onChange={set("parameters")} placeholder="Device.ManagementServer.PeriodicInformInterval=300" />}
          </Field>
        </div>
      </form>
    </Dialog>
  );
}

export function ProfilesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const qc = useQueryClient();
  const writable = can("profiles.write");
  const profiles = useQuery({ queryKey: keys.profiles, queryFn: () => fetchAll<Profile>("/profiles") });
  const [editing, setEditing] = useState<Profile | null | "new">(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);
  const remove = useMutation({
    mutationFn: (p: Profile) => api<void>(`/profiles/${p.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.profiles });
      setDeleting(null);
      toast(t("profiles.deleted"));
    },
  });
  const col = createColumnHelper<Profile>();
  const columns = [
    col.accessor("name", { header: t("profiles.name"), cell: (c) => <span className="cell-main">{c.getValue()}</span> }),
    col.accessor(
      (p) =>
        [p.match.oui, p.match.product_class, p.match.serial_prefix ? p.match.serial_prefix + "*" : null, p.match.serials.length ? `${p.match.serials.length} serials` : null]
          .filter(Boolean)
          .join(" · "),
      { id: "match", header: t("profiles.match"), cell: (c) => <span className="mono cell-sub">{c.getValue() || t("profiles.any")}</span> },
    ),
    col.accessor((p) => p.device_auth.mode, {
      id: "auth",
      header: t("profiles.authMode"),
      cell: (c) => <Badge tone={c.getValue() === "none" ? "warning" : c.getValue() === "rotate" ? "success" : "neutral"}>{t(`profiles.authModes.${c.getValue()}`)}</Badge>,
    }),
    col.accessor("periodic_inform_interval", { header: t("devices.informInterval"), cell: (c) => (c.getValue() ? t("devices.seconds", { count: c.getValue()! }) : "—") }),
    col.accessor((p) => Object.keys(p.parameters).length, { id: "params", header: t("device.parameters"), meta: { className: "col-num" } }),
    ...(writable
      ? [
          col.display({
            id: "actions",
            header: () => <span className="sr-only">{t("common.actions")}</span>,
            meta: { className: "col-actions" },
            cell: (c) => (
              <div className="row">
                <Button className="btn-sm" variant="ghost" icon="edit" onClick={() => setEditing(c.row.original)}>
                  {t("common.edit")}
                </Button>
                <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => setDeleting(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />
              </div>
            ),
          }),
        ]
      : []),
  ];
  return (
    <div className="stack">
      <PageHeader
        title={t("profiles.title")}
        description={t("profiles.description")}
        actions={
          writable ? (
            <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
              {t("profiles.create")}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={profiles.error} />
      <Card className="card-flush">
        {profiles.isLoading ? <Spinner /> : <DataTable data={profiles.data ?? []} columns={columns} getRowId={(p) => p.id} caption={t("profiles.title")} />}
      </Card>
      <CompanyAllocations />
      {editing ? <ProfileDialog profile={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title={t("common.delete")}
        message={deleting ? t("profiles.deleteConfirm", { name: deleting.name }) : ""}
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

// The company's allocations, read-only: the provider decides which devices are the company's.
function CompanyAllocations() {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const allocations = useQuery({ queryKey: keys.allocationList("own"), queryFn: () => fetchAll<Allocation>("/allocations") });
  const [showing, setShowing] = useState<Allocation | null>(null);
  const col = createColumnHelper<Allocation>();
  const columns = [
    col.accessor("oui", { header: t("allocations.oui"), cell: (c) => <span className="cell-main mono">{c.getValue()}</span> }),
    col.accessor("product_class", {
      header: t("allocations.productClass"),
      cell: (c) => c.getValue() ?? <span className="muted">{t("allocations.anyProductClass")}</span>,
    }),
    col.accessor((a) => covers(a), {
      id: "covers",
      header: t("allocations.kind"),
      cell: (c) => <span className={c.row.original.kind === "oui" ? "" : "mono"}>{c.getValue()}</span>,
    }),
    col.accessor("note", { header: t("allocations.note"), cell: (c) => <span className="cell-sub">{c.getValue()}</span> }),
    col.accessor((a) => allocationTime(a), { id: "created", header: t("allocations.createdAt"), cell: (c) => <span className="nowrap mono">{c.getValue()}</span> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">{t("common.actions")}</span>,
      meta: { className: "col-actions" },
      cell: (c) =>
        c.row.original.kind === "serials" ? (
          <Button className="btn-sm" variant="ghost" icon="list" onClick={() => setShowing(c.row.original)}>
            {t("common.details")}
          </Button>
        ) : null,
    }),
  ];
  return (
    <section className="stack-sm" aria-labelledby="company-allocations-title">
      <div>
        <h2 className="section-title" id="company-allocations-title">
          {t("profiles.allocationsTitle")}
        </h2>
        <p className="page-description">{t("profiles.allocationsDescription")}</p>
      </div>
      <ErrorBanner error={allocations.error} />
      <Card className="card-flush">
        {allocations.isLoading ? (
          <Spinner />
        ) : (
          <DataTable
            data={allocations.data ?? []}
            columns={columns}
            getRowId={(a) => a.id}
            caption={t("profiles.allocationsTitle")}
            empty={<EmptyState icon="allocate" title={t("profiles.noAllocations")} />}
          />
        )}
      </Card>
      {showing ? <AllocationDetailDialog allocation={showing} onClose={() => setShowing(null)} /> : null}
    </section>
  );
}
