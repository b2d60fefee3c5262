// Profiles (仕向け, DEV-1): what the company's devices get (authentication, and the desired
// configuration they keep: inform interval, parameters, DEV-7), chosen by OUI / product class /
// serials; a profile's own page (ProfileDetailPage) edits its desired configuration. Which
// devices are the company's is the provider's record (device allocations, issue 10), listed
// below read-only.
import { createColumnHelper } from "@tanstack/react-table";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { z } from "zod";
import { ApiError } from "../api/client";
import type { Allocation, Profile, RequestBody } from "../api/types";
import { pathTo } from "../app/paths";
import { useAuthed, useCan } from "../auth/session";
import { AllocationDetailDialog, allocationTime, useCoverageText } from "../components/Allocations";
import { useConfirmedDelete } from "../components/Confirmation";
import { FormDialog, useErrorMessage, useZodForm } from "../components/form";
import { message } from "../i18n";
import { draftKey, hasDraft } from "../lib/drafts";
import { ListCard, ListPage } from "../components/ListPage";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, EmptyState, ErrorBanner, Field, Input, Select } from "../components/ui";
import { useOwnAllocations } from "../resources/allocations";
import { useDeleteProfile, useProfiles, useSaveProfile } from "../resources/profiles";

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

const profileSchema = z.object({
  name: z.string().trim().min(1, message("validation.required")).max(64, message("validation.tooLong")),
  oui: z.string(),
  product_class: z.string(),
  serial_prefix: z.string(),
  serials: z.string(),
  mode: z.enum(["rotate", "shared", "none"]),
  username: z.string(),
  password: z.string(),
  interval: z.string(),
  parameters: z.string(),
});
type ProfileValues = z.infer<typeof profileSchema>;

export function profileValues(p: Profile | null): ProfileValues {
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

// The body of POST /profiles and PATCH /profiles/{id}: the whole profile (an empty password
// keeps the stored one).
export function profileBody(v: ProfileValues): RequestBody<"profiles.create"> {
  const auth: NonNullable<RequestBody<"profiles.create">["device_auth"]> = { mode: v.mode };
  if (v.mode !== "none") {
    auth.username = v.username;
    if (v.password) auth.password = v.password;
  }
  return {
    name: v.name,
    match: {
      oui: v.oui.trim() || null,
      product_class: v.product_class.trim() || null,
      serial_prefix: v.serial_prefix.trim() || null,
      serials: v.serials.split(/\s+/).map((s) => s.trim()).filter(Boolean),
    },
    device_auth: auth,
    periodic_inform_interval: v.interval.trim() ? Number(v.interval) : null,
    parameters: parseParameterLines(v.parameters),
  };
}

// Issue 18: a half-filled new profile survives a session that ended (not its password, nor
// initial parameters that set a secret).
const CREATE_DRAFT = "profiles.create";

// A new profile with everything; an existing one without its desired configuration (inform
// interval and parameters), which its own page edits (DEV-7).
export function ProfileDialog({ profile, onClose }: { profile: Profile | null; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorMessage();
  const save = useSaveProfile(profile);
  const form = useZodForm(profileSchema, { defaultValues: profileValues(profile) });
  const mode = useWatch({ control: form.control, name: "mode" });
  // The provider has not allowed unauthenticated devices for this company: said on the field.
  const modeRefused = save.error instanceof ApiError && save.error.code === "unauthenticated_devices_not_allowed" && mode === "none";
  const { register } = form;
  return (
    <FormDialog
      form={form}
      wide
      title={profile ? `${t("profiles.edit")}: ${profile.name}` : t("profiles.create")}
      submitLabel={profile ? t("common.save") : t("common.create")}
      onSubmit={(v) => {
        const { periodic_inform_interval, parameters, ...rest } = profileBody(v);
        save.mutate(profile ? rest : { ...rest, periodic_inform_interval, parameters }, {
          onSuccess: () => {
            toast(profile ? t("profiles.updated") : t("profiles.created"));
            onClose();
          },
        });
      }}
      onClose={onClose}
      busy={save.isPending}
      draft={profile ? undefined : CREATE_DRAFT}
      error={modeRefused ? null : save.error}
    >
      <div className="span-2">
        <Field label={t("profiles.name")} required error={errorText(form.formState.errors.name)}>
          {(p) => <Input {...p} {...register("name")} />}
        </Field>
      </div>
      <Field label={t("profiles.oui")}>{(p) => <Input {...p} {...register("oui")} placeholder={t("profiles.any")} className="mono" />}</Field>
      <Field label={t("profiles.productClass")}>{(p) => <Input {...p} {...register("product_class")} placeholder={t("profiles.any")} />}</Field>
      <Field label={t("profiles.serialPrefix")}>{(p) => <Input {...p} {...register("serial_prefix")} placeholder={t("profiles.any")} />}</Field>
      {profile ? <div /> : <Field label={t("profiles.informInterval")}>{(p) => <Input {...p} {...register("interval")} inputMode="numeric" />}</Field>}
      <div className="span-2">
        <Field label={t("profiles.serials")}>{(p) => <textarea {...p} className="input" rows={3} {...register("serials")} />}</Field>
      </div>
      <Field label={t("profiles.authMode")} error={modeRefused ? t("errors.unauthenticated_devices_not_allowed") : undefined}>
        {(p) => (
          // An error about the previous mode no longer applies.
          <Select {...p} {...register("mode", { onChange: () => save.reset() })}>
            {(["rotate", "shared", "none"] as const).map((m) => (
              <option key={m} value={m}>
                {t(`profiles.authModes.${m}`)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <div />
      {mode === "none" ? (
        <div className="span-2">
          <Alert tone="warning">{t("profiles.noneWarning")}</Alert>
        </div>
      ) : (
        <>
          <Field label={t("profiles.username")}>{(p) => <Input {...p} {...register("username")} autoComplete="off" />}</Field>
          <Field label={t("profiles.password")} hint={profile?.device_auth.password_set ? "••••••••" : undefined}>
            {(p) => <Input {...p} {...register("password")} type="password" autoComplete="new-password" />}
          </Field>
        </>
      )}
      {profile ? null : (
        <div className="span-2">
          <Field label={t("profiles.parameters")} hint={t("desired.createHint")}>
            {(p) => <textarea {...p} className="input" rows={4} {...register("parameters")} placeholder="Device.ManagementServer.PeriodicInformInterval=300" />}
          </Field>
        </div>
      )}
    </FormDialog>
  );
}

export function ProfilesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const writable = can("profiles.write");
  const profiles = useProfiles();
  const me = useAuthed().account;
  const [editing, setEditing] = useState<Profile | null | "new">(() => (hasDraft(draftKey(me.id, CREATE_DRAFT)) ? "new" : null));
  const remove = useConfirmedDelete(useDeleteProfile(), {
    message: (p) => t("profiles.deleteConfirm", { name: p.name }),
    done: t("profiles.deleted"),
  });
  const col = createColumnHelper<Profile>();
  const columns = [
    col.accessor("name", {
      header: t("profiles.name"),
      cell: (c) => (
        <Link className="cell-main" to={pathTo("profile", { id: c.row.original.id })}>
          {c.getValue()}
        </Link>
      ),
    }),
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
    col.accessor("periodic_inform_interval", {
      header: t("devices.informInterval"),
      cell: (c) => {
        const seconds = c.getValue();
        return seconds ? t("devices.seconds", { count: seconds }) : "—";
      },
    }),
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
                <Button className="btn-sm" variant="ghost" icon="trash" onClick={() => remove.ask(c.row.original)} aria-label={`${t("common.delete")}: ${c.row.original.name}`} />
              </div>
            ),
          }),
        ]
      : []),
  ];
  return (
    <ListPage
      title={t("profiles.title")}
      description={t("profiles.description")}
      actions={
        writable ? (
          <Button variant="primary" icon="plus" onClick={() => setEditing("new")}>
            {t("profiles.create")}
          </Button>
        ) : null
      }
      error={profiles.error}
      rows={profiles.data}
      loading={profiles.isLoading}
      columns={columns}
      getRowId={(p) => p.id}
    >
      <CompanyAllocations />
      {editing ? <ProfileDialog profile={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
      {remove.dialog}
    </ListPage>
  );
}

// The company's allocations, read-only: the provider decides which devices are the company's.
function CompanyAllocations() {
  const { t } = useTranslation();
  const covers = useCoverageText();
  const allocations = useOwnAllocations();
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
      <ListCard
        rows={allocations.data}
        loading={allocations.isLoading}
        columns={columns}
        getRowId={(a) => a.id}
        caption={t("profiles.allocationsTitle")}
        empty={<EmptyState icon="allocate" title={t("profiles.noAllocations")} />}
      />
      {showing ? <AllocationDetailDialog allocation={showing} onClose={() => setShowing(null)} /> : null}
    </section>
  );
}
