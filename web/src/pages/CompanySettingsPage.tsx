// The company's settings (company.settings). For now one: where its accounts and API tokens
// may sign in from (SEC-4's IP address restriction), with the administrator's own address
// shown, so that the list saved never shuts them out (the server refuses that too).
import { useTranslation } from "react-i18next";
import type { CompanySettings } from "../api/types";
import { bannerError, submitWith } from "../components/form";
import { IP_RESTRICTION_FIELDS, IpRestrictionFields, ipRestrictionValues, useIpRestrictionForm } from "../components/IpRestriction";
import { useToast } from "../components/Toast";
import { Badge, Button, Card, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import { useCompanySettings } from "../resources/companySettings";

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
      {settings.isLoading ? <Spinner /> : settings.data ? <IpRestrictionCard settings={settings.data} /> : null}
    </div>
  );
}
