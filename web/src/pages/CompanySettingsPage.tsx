// The company's settings (company.settings): where its accounts and API tokens may sign in from
// (SEC-4's IP address restriction), with the administrator's own address shown, so that the
// list saved never shuts them out (the server refuses that too); and whether every account
// needs a second factor (SEC-9); and whether its operators may issue remote logins to devices
// (DEV-5).
import { z } from "zod";
import { useTranslation } from "react-i18next";
import type { CompanySettings } from "../api/types";
import { useAuthed } from "../auth/session";
import { bannerError, submitWith, useZodForm } from "../components/form";
import { IP_RESTRICTION_FIELDS, IpRestrictionFields, ipRestrictionValues, useIpRestrictionForm } from "../components/IpRestriction";
import { useToast } from "../components/Toast";
import { Alert, Badge, Button, Card, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import { useCompanySettings, useUpdateCompanySettings } from "../resources/companySettings";

const totpSchema = z.object({ required: z.boolean() });

// SEC-9: the second factor required of every account. Switching it on while one has none
// oneself leads to the set-up at once (every other call answers 403 totp_enrolment_required).
function TotpPolicyCard({ settings }: { settings: CompanySettings }) {
  const { t } = useTranslation();
  const toast = useToast();
  const me = useAuthed().account;
  const save = useUpdateCompanySettings();
  const form = useZodForm(totpSchema, { defaultValues: { required: settings.totp_required } });
  const required = form.watch("required");
  const submit = ({ required }: { required: boolean }) =>
    save.mutate(
      { totp_required: required },
      {
        onSuccess: (saved) => {
          form.reset({ required: saved.totp_required });
          toast(t("totpPolicy.saved"));
        },
      },
    );
  return (
    <Card
      title={t("totpPolicy.title")}
      actions={
        <Badge tone={settings.totp_required ? "success" : "neutral"} dot>
          {settings.totp_required ? t("totpPolicy.on") : t("totpPolicy.off")}
        </Badge>
      }
    >
      <form className="stack" aria-label={t("totpPolicy.title")} onSubmit={submitWith(form, submit)} noValidate>
        <ErrorBanner error={save.error} />
        <p className="ip-explanation">{t("totpPolicy.explanation")}</p>
        <label className="switch-row">
          <input type="checkbox" role="switch" className="switch" {...form.register("required")} />
          <span>{t("totpPolicy.required")}</span>
        </label>
        {required && !settings.totp_required && !me.totp_enabled ? <Alert tone="warning">{t("totpPolicy.selfWarning")}</Alert> : null}
        <div className="row">
          <Button type="submit" variant="primary" icon="check" busy={save.isPending} disabled={!form.formState.isDirty}>
            {t("totpPolicy.save")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

const remoteLoginSchema = z.object({ enabled: z.boolean() });

// DEV-5: whether remote logins may be issued (on unless the company switched it off).
function RemoteLoginPolicyCard({ settings }: { settings: CompanySettings }) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useUpdateCompanySettings();
  const current = settings.remote_login_enabled;
  const form = useZodForm(remoteLoginSchema, { defaultValues: { enabled: current } });
  const submit = ({ enabled }: { enabled: boolean }) =>
    save.mutate(
      { remote_login_enabled: enabled },
      {
        onSuccess: (saved) => {
          form.reset({ enabled: saved.remote_login_enabled });
          toast(t("remoteLoginPolicy.saved"));
        },
      },
    );
  return (
    <Card
      title={t("remoteLoginPolicy.title")}
      actions={
        <Badge tone={current ? "success" : "neutral"} dot>
          {current ? t("remoteLoginPolicy.on") : t("remoteLoginPolicy.off")}
        </Badge>
      }
    >
      <form className="stack" aria-label={t("remoteLoginPolicy.title")} onSubmit={submitWith(form, submit)} noValidate>
        <ErrorBanner error={save.error} />
        <p className="ip-explanation">{t("remoteLoginPolicy.explanation")}</p>
        <label className="switch-row">
          <input type="checkbox" role="switch" className="switch" {...form.register("enabled")} />
          <span>{t("remoteLoginPolicy.enabled")}</span>
        </label>
        <div className="row">
          <Button type="submit" variant="primary" icon="check" busy={save.isPending} disabled={!form.formState.isDirty}>
            {t("remoteLoginPolicy.save")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function IpRestrictionCard({ settings }: { settings: CompanySettings }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { form, save, submit } = useIpRestrictionForm(settings, null, () => toast(t("ipRestriction.saved")));
  const dirty = form.formState.isDirty;
  return (
    <Card
      title={t("ipRestriction.title")}
      actions={
        <Badge tone={settings.ip_restriction_enabled ? "success" : "neutral"} dot>
          {settings.ip_restriction_enabled ? t("ipRestriction.on") : t("ipRestriction.off")}
        </Badge>
      }
    >
      <form className="stack" aria-label={t("ipRestriction.title")} onSubmit={submitWith(form, submit)} noValidate>
        <ErrorBanner error={bannerError(save.error, IP_RESTRICTION_FIELDS)} />
        <IpRestrictionFields form={form} yourAddress={settings.your_address} />
        <div className="row">
          <Button type="submit" variant="primary" icon="check" busy={save.isPending}>
            {t("common.save")}
          </Button>
          <Button
            disabled={!dirty || save.isPending}
            onClick={() => {
              form.reset(ipRestrictionValues(settings));
              save.reset();
            }}
          >
            {t("ipRestriction.discard")}
          </Button>
          {dirty ? <span className="muted">{t("ipRestriction.unsaved")}</span> : null}
        </div>
      </form>
    </Card>
  );
}

export function CompanySettingsPage() {
  const { t } = useTranslation();
  const settings = useCompanySettings();
  return (
    <div className="stack">
      <PageHeader title={t("companySettings.title")} description={t("companySettings.description")} />
      <ErrorBanner error={settings.error} />
      {settings.isLoading ? (
        <Spinner />
      ) : settings.data ? (
        <>
          <IpRestrictionCard settings={settings.data} />
          <TotpPolicyCard settings={settings.data} />
          <RemoteLoginPolicyCard settings={settings.data} />
        </>
      ) : null}
    </div>
  );
}
