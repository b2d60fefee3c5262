// One profile (DEV-1, DEV-7): what it matches, how its devices authenticate, and its desired
// configuration (inform interval and parameters of both data models) that its devices keep,
// with how many of them are in sync, pending, drifting or failed, each count opening the
// device list on those devices.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { z } from "zod";
import type { Profile } from "../api/types";
import { PATHS } from "../app/paths";
import { useCan } from "../auth/session";
import { DesiredParametersEditor, DesiredParametersTable, parameterRowsSchema, showParametersError } from "../components/DesiredParameters";
import { bannerError, showFieldError, submitWith, useErrorMessage, useZodForm } from "../components/form";
import { Icon } from "../components/Icon";
import { useToast } from "../components/Toast";
import { Badge, Button, Card, ErrorBanner, Field, Input, KeyValue, PageHeader, Spinner } from "../components/ui";
import { message } from "../i18n";
import { filterSearch } from "../lib/deviceFilter";
import { COMPLIANCE_STATES, COMPLIANCE_TONE, parameterMap, parameterRows, type ComplianceState } from "../lib/desiredState";
import { useProfile, useProfileCompliance, useSaveDesiredState } from "../resources/desiredState";
import { ProfileDialog } from "./ProfilesPage";

const MIN_INTERVAL = 30;
const MAX_INTERVAL = 86_400;

const desiredSchema = z.object({
  periodic_inform_interval: z
    .string()
    .trim()
    .refine((v) => v === "" || (/^\d+$/.test(v) && Number(v) >= MIN_INTERVAL && Number(v) <= MAX_INTERVAL), message("problemFields.periodic_inform_interval")),
  firmware_version: z.string().trim().max(128, message("desired.firmwareVersionTooLong")),
  parameters: parameterRowsSchema,
});

function desiredValues(p: Profile) {
  return {
    periodic_inform_interval: p.periodic_inform_interval ? String(p.periodic_inform_interval) : "",
    firmware_version: p.firmware_version ?? "",
    parameters: parameterRows(p.parameters),
  };
}

// The counts of the profile's devices by state, each a link to the device list showing them.
function ComplianceCounts({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const can = useCan();
  const counts = useProfileCompliance(profile.id);
  const listed = can("devices.read");
  const tile = (label: string, value: number | undefined, state: ComplianceState | null, tone?: string) => {
    // The link is named by what it shows ("一致 2"), then what it does (for screen readers).
    const body = (
      <div className="stat">
        <span className="stat-label">{label}</span>
        <span className={`stat-value${tone ? " " + tone : ""}`}>{value ?? "—"}</span>
        {listed ? <span className="sr-only">{t("desired.listThem")}</span> : null}
      </div>
    );
    const search = filterSearch(state ? { profile_id: profile.id, compliance: state } : { profile_id: profile.id });
    return (
      <Card className="stat-card" key={state ?? label}>
        {listed ? (
          <Link to={{ pathname: PATHS.devices, search }} className="stat-link">
            {body}
          </Link>
        ) : (
          body
        )}
      </Card>
    );
  };
  const d = counts.data;
  return (
    <section className="stack-sm" aria-labelledby="profile-compliance-title">
      <h2 className="section-title" id="profile-compliance-title">
        {t("desired.countsTitle")}
      </h2>
      <ErrorBanner error={counts.error} />
      <div className="grid-stats compliance-counts">
        {tile(t("desired.devices"), d?.devices, null)}
        {/* Coloured when there are such devices. */}
        {COMPLIANCE_STATES.map((state) => tile(t(`desired.state.${state}`), d?.[state], state, d?.[state] ? COMPLIANCE_TONE[state] : undefined))}
        <Card className="stat-card" key="not-compared">
          <div className="stat" title={t("desired.notComparedHint")}>
            <span className="stat-label">{t("desired.notCompared")}</span>
            <span className="stat-value">{d?.not_compared ?? "—"}</span>
          </div>
        </Card>
      </div>
      <p className="muted">{`${t("desired.notCompared")}: ${t("desired.notComparedHint")}`}</p>
    </section>
  );
}

// The desired configuration: edited as a table with profiles.write, read otherwise.
function DesiredConfiguration({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const errorText = useErrorMessage();
  const save = useSaveDesiredState(profile);
  const form = useZodForm(desiredSchema, { defaultValues: desiredValues(profile) });
  if (!can("profiles.write"))
    return (
      <Card title={t("desired.title")}>
        <div className="stack">
          <p className="muted">{t("desired.description")}</p>
          <KeyValue
            items={[
              [t("desired.informInterval"), profile.periodic_inform_interval ? t("devices.seconds", { count: profile.periodic_inform_interval }) : "—"],
              [t("desired.firmwareVersion"), profile.firmware_version ?? "—"],
            ]}
          />
          <DesiredParametersTable parameters={profile.parameters} caption={t("desired.parameters")} />
          <p className="muted">{t("desired.readOnly")}</p>
        </div>
      </Card>
    );
  return (
    <Card title={t("desired.title")}>
      <form
        className="stack"
        noValidate
        onSubmit={submitWith(form, (v) =>
          save.mutate(
            {
              periodic_inform_interval: v.periodic_inform_interval ? Number(v.periodic_inform_interval) : null,
              firmware_version: v.firmware_version === "" ? null : v.firmware_version,
              parameters: parameterMap(v.parameters),
            },
            {
              onSuccess: (saved) => {
                form.reset(desiredValues(saved));
                toast(t("desired.saved"));
              },
              onError: (e) => {
                if (!showParametersError(form, e)) showFieldError(form, e, ["periodic_inform_interval", "firmware_version"]);
              },
            },
          ),
        )}
      >
        <p className="muted">{t("desired.description")}</p>
        <div className="desired-interval">
          <Field label={t("desired.informInterval")} hint={t("desired.informIntervalHint")} error={errorText(form.formState.errors.periodic_inform_interval)}>
            {(p) => <Input {...p} {...form.register("periodic_inform_interval")} inputMode="numeric" />}
          </Field>
          <Field label={t("desired.firmwareVersion")} hint={t("desired.firmwareVersionHint")} error={errorText(form.formState.errors.firmware_version)}>
            {(p) => <Input {...p} {...form.register("firmware_version")} />}
          </Field>
        </div>
        <h3 className="subsection-title">{t("desired.parameters")}</h3>
        <DesiredParametersEditor form={form} caption={t("desired.parameters")} />
        <ErrorBanner error={bannerError(save.error, ["parameters", "periodic_inform_interval", "firmware_version"])} />
        <div className="row">
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!form.formState.isDirty}>
            {t("common.save")}
          </Button>
          {form.formState.isDirty ? (
            <Button variant="ghost" onClick={() => form.reset(desiredValues(profile))}>
              {t("common.cancel")}
            </Button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}

export function ProfileDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const profile = useProfile(id);
  const [editing, setEditing] = useState(false);
  if (profile.isLoading) return <Spinner />;
  if (!profile.data) return <ErrorBanner error={profile.error} />;
  const p = profile.data;
  const match = [p.match.oui, p.match.product_class, p.match.serial_prefix ? p.match.serial_prefix + "*" : null, p.match.serials.length ? `${p.match.serials.length} serials` : null]
    .filter(Boolean)
    .join(" · ");
  return (
    <div className="stack">
      <nav aria-label="breadcrumb" className="breadcrumb">
        <Link to={PATHS.profiles}>{t("desired.back")}</Link>
        <Icon name="chevronRight" size={12} />
        <span>{p.name}</span>
      </nav>
      <PageHeader
        title={p.name}
        description={`${t("profiles.match")}: ${match || t("profiles.any")}`}
        actions={
          <>
            <Badge tone={p.device_auth.mode === "none" ? "warning" : p.device_auth.mode === "rotate" ? "success" : "neutral"}>{t(`profiles.authModes.${p.device_auth.mode}`)}</Badge>
            {can("profiles.write") ? (
              <Button icon="edit" onClick={() => setEditing(true)}>
                {t("profiles.edit")}
              </Button>
            ) : null}
          </>
        }
      />
      <ComplianceCounts profile={p} />
      {/* Saved elsewhere (the dialog), the form starts again from what was saved. */}
      <DesiredConfiguration key={p.updated_at} profile={p} />
      {editing ? <ProfileDialog profile={p} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}

