// DATA-7: "Security and data", for every logged-in account: where the service keeps customer
// data, when it is backed up, and how long each kind of data is kept, as the running server is
// configured (GET /security-data). Every number on the page is the server's; none is written here.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { PATHS } from "../app/paths";
import { Card, ErrorBanner, KeyValue, PageHeader, Spinner } from "../components/ui";
import { isTranslationKey } from "../i18n";
import { useSecurityData } from "../resources/serviceNotices";

export function SecurityDataPage() {
  const { t, i18n } = useTranslation();
  const data = useSecurityData();
  const d = data.data;
  const days = (count: number) => t("securityData.days", { count });
  // "JP" is described; a code this console does not know is shown as configured.
  const residency = (code: string) => {
    const key = `securityData.residencies.${code}`;
    return isTranslationKey(i18n, key) ? t(key) : code;
  };

  return (
    <div className="stack">
      <PageHeader title={t("securityData.title")} description={t("securityData.description")} />
      <ErrorBanner error={data.error} />
      {data.isLoading ? <Spinner /> : null}
      {d ? (
        <div className="grid-2 align-start security-kv">
          <Card title={t("securityData.whereTitle")}>
            <div className="stack-sm">
              <p className="residency" data-testid="data-residency">
                <span className="residency-code">{d.data_residency}</span>
                <span>{residency(d.data_residency)}</span>
              </p>
              <p className="muted">{t("securityData.whereBody")}</p>
            </div>
          </Card>
          <Card title={t("securityData.backupTitle")}>
            <KeyValue
              items={[
                [t("securityData.backupTime"), t("securityData.backupDaily", { time: d.backup_time_jst })],
                [t("securityData.backupKept"), days(d.retention.backup_days)],
              ]}
            />
          </Card>
          <Card title={t("securityData.retentionTitle")} className="span-2">
            <KeyValue
              items={[
                [t("securityData.history"), days(d.retention.history_days)],
                [t("securityData.devices"), t("securityData.devicesValue", { count: d.retention.device_retention_days })],
                [t("securityData.mail"), days(d.retention.mail_days)],
                [t("securityData.webhookDeliveries"), days(d.retention.webhook_delivery_days)],
                [t("securityData.contractEnd"), t("securityData.contractEndValue", { count: d.retention.contract_end_grace_days })],
              ]}
            />
          </Card>
          <Card title={t("securityData.accountsTitle")}>
            <p className="muted card-intro">{t("securityData.inactivityIntro")}</p>
            <KeyValue
              items={[
                [t("securityData.inactivityReminder"), t("securityData.afterDays", { count: d.retention.inactivity_reminder_days })],
                [t("securityData.inactivityLock"), t("securityData.afterDays", { count: d.retention.inactivity_lock_days })],
                [t("securityData.inactivityDelete"), t("securityData.afterDays", { count: d.retention.inactivity_delete_days })],
              ]}
            />
          </Card>
          <Card title={t("securityData.sessionTitle")}>
            <KeyValue
              items={[
                [t("securityData.sessionIdle"), t("securityData.minutes", { count: d.retention.session_idle_minutes })],
                [t("securityData.sessionLifetime"), t("securityData.hours", { count: d.retention.session_lifetime_hours })],
              ]}
            />
          </Card>
        </div>
      ) : null}
      <p className="footnote">
        {t("securityData.footnote")} <Link to={PATHS.status}>{t("securityData.statusLink")}</Link>
      </p>
    </div>
  );
}
