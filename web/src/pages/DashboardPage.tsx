// The first screen after login: for a company, its devices online and offline, recent task
// failures and recent operations; for the provider, companies, locks and refused devices.
// Refreshes in the background (X-Kanri-Background), so an open dashboard keeps nobody
// logged in (SEC-3).
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { pathTo, PATHS } from "../app/paths";
import { useAuthed, useCan } from "../auth/session";
import { Icon } from "../components/Icon";
import { Badge, Card, EmptyState, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import { inContract } from "../lib/companies";
import { formatJst, formatRelative } from "../lib/time";
import { useLockedAccounts } from "../resources/accounts";
import { useAuditRecords } from "../resources/audit";
import { useCompanies } from "../resources/companies";
import { useDeviceSummary, useRefusedDevices } from "../resources/devices";
import { taskOutcomeText } from "../lib/taskText";
import { useRecentTaskFailures } from "../resources/taskFailures";

const REFRESH_MS = 30_000;

interface Count {
  count: number;
  more: boolean;
}

function CountValue({ value, tone }: { value: Count | undefined; tone?: "success" | "danger" }) {
  return (
    <span className={`stat-value${tone ? " " + tone : ""}`}>
      {value ? `${value.count}${value.more ? "+" : ""}` : "—"}
    </span>
  );
}

function Stat({ label, icon, children, to }: { label: string; icon: string; children: React.ReactNode; to?: string }) {
  const body = (
    <div className="stat">
      <span className="stat-label">
        <Icon name={icon} size={15} />
        {label}
      </span>
      {children}
    </div>
  );
  return <Card className="stat-card">{to ? <Link to={to} className="stat-link">{body}</Link> : body}</Card>;
}

function RecentOperations() {
  const { t, i18n } = useTranslation();
  const { account } = useAuthed();
  const recent = useAuditRecords({}, { limit: 8, background: true, refetchInterval: REFRESH_MS });
  const items = recent.data?.pages[0]?.items ?? [];
  return (
    <Card className="card-flush" title={t("dashboard.recentOperations")} actions={<Link to={account.kind === "site_admin" ? PATHS.providerAudit : PATHS.audit}>{t("dashboard.viewAll")}</Link>}>
      {recent.isLoading ? (
        <Spinner />
      ) : items.length === 0 ? (
        <EmptyState title={t("dashboard.noOperations")} icon="history" />
      ) : (
        <ul className="list">
          {items.map((r) => (
            <li key={r.seq}>
              <span>
                <code>{r.action}</code> <span className="muted">{r.actor_login}</span>
              </span>
              <span className="row">
                {r.outcome !== "success" ? <Badge tone={r.outcome === "denied" ? "warning" : "danger"}>{t(`audit.outcomes.${r.outcome}`)}</Badge> : null}
                <span className="muted nowrap" title={r.time_jst}>
                  {formatRelative(r.time, i18n.language)}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

// Failed device tasks (GET /tasks/failed, which needs devices.read only): the device (serial
// number and model), what the task was and the fault in words, each a link to the device's tasks
// (none for a device deleted since).
function RecentFailures() {
  const { t, i18n } = useTranslation();
  const recent = useRecentTaskFailures({ refetchInterval: REFRESH_MS });
  const failures = recent.data ?? [];
  return (
    <Card className="card-flush" title={t("dashboard.recentFailures")} actions={<Link to={PATHS.faults}>{t("faults.byFault")}</Link>}>
      <ErrorBanner error={recent.error} />
      {recent.isLoading ? (
        <Spinner />
      ) : failures.length === 0 ? (
        recent.error ? null : <EmptyState title={t("dashboard.noFailures")} icon="check" />
      ) : (
        <ul className="list" data-testid="recent-failures">
          {failures.map((task) => {
            const what = (
              <>
                <span className="failure-device">
                  <span className="mono">{task.device.serial_number || t("dashboard.unknownDevice")}</span>
                  {task.device.model ? <span className="muted"> · {task.device.model}</span> : null}
                </span>
                <span className="failure-what">
                  {t(`taskType.${task.type}`)}
                  {" — "}
                  <span className="failure-fault">{taskOutcomeText(t, task).text}</span>
                </span>
              </>
            );
            const finished = task.finished_at ?? task.created_at;
            return (
              <li key={task.id}>
                {task.device.serial_number ? (
                  <Link className="failure" to={`${pathTo("device", { id: task.device_id })}?tab=tasks`}>
                    {what}
                  </Link>
                ) : (
                  <span className="failure">{what}</span>
                )}
                <span className="muted nowrap" title={formatJst(finished)}>
                  {formatRelative(finished, i18n.language)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function CompanyDashboard() {
  const { t } = useTranslation();
  const can = useCan();
  const devicesAllowed = can("devices.read");
  const summary = useDeviceSummary({ enabled: devicesAllowed, refetchInterval: REFRESH_MS });
  const count = (n: number | undefined): Count | undefined => (n === undefined ? undefined : { count: n, more: false });
  const online = { data: count(summary.data?.online) };
  const offline = { data: count(summary.data?.offline) };
  const unavailable = summary.error instanceof ApiError && (summary.error.status === 404 || summary.error.status === 405);
  return (
    <>
      {devicesAllowed ? (
        unavailable ? (
          <Card>
            <p className="muted">{t("dashboard.devicesUnavailable")}</p>
          </Card>
        ) : (
          <div className="grid-stats">
            <Stat label={t("dashboard.devicesOnline")} icon="router" to={`${PATHS.devices}?online=true`}>
              <CountValue value={online.data} tone="success" />
            </Stat>
            <Stat label={t("dashboard.devicesOffline")} icon="power" to={`${PATHS.devices}?online=false`}>
              <CountValue value={offline.data} tone={offline.data && offline.data.count > 0 ? "danger" : undefined} />
            </Stat>
            <Stat label={t("dashboard.devicesTotal")} icon="group" to={PATHS.devices}>
              <CountValue value={count(summary.data?.total)} />
            </Stat>
          </div>
        )
      ) : null}
      {devicesAllowed || can("audit.read") ? (
        <div className="grid-2">
          {devicesAllowed ? <RecentFailures /> : null}
          {can("audit.read") ? <RecentOperations /> : null}
        </div>
      ) : null}
    </>
  );
}

function ProviderDashboard() {
  const { t } = useTranslation();
  const can = useCan();
  const companies = useCompanies({ background: true, enabled: can("provider.companies"), refetchInterval: REFRESH_MS });
  const locked = useLockedAccounts({ background: true, enabled: can("provider.accounts"), refetchInterval: REFRESH_MS });
  const refused = useRefusedDevices({ background: true, enabled: can("provider.devices"), refetchInterval: REFRESH_MS });
  const count = (n: number | undefined): Count | undefined => (n === undefined ? undefined : { count: n, more: false });
  return (
    <>
      <div className="grid-stats">
        <Stat label={t("dashboard.companies")} icon="building" to={PATHS.companies}>
          <CountValue value={count(companies.data?.filter((c) => inContract(c, companies.dataUpdatedAt)).length)} />
        </Stat>
        <Stat label={t("dashboard.lockedAccounts")} icon="lock" to={PATHS.lockedAccounts}>
          <CountValue value={count(locked.data?.length)} tone={locked.data?.length ? "danger" : undefined} />
        </Stat>
        <Stat label={t("dashboard.refusedDevices")} icon="block" to={PATHS.refusedDevices}>
          <CountValue value={count(refused.data?.length)} />
        </Stat>
      </div>
      {can("provider.audit") ? (
        <div className="grid-2">
          <RecentOperations />
        </div>
      ) : null}
    </>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  const { account } = useAuthed();
  return (
    <div className="stack">
      <PageHeader title={t("dashboard.title")} description={t("dashboard.welcome", { name: account.name || account.login })} />
      {account.kind === "site_admin" ? <ProviderDashboard /> : <CompanyDashboard />}
      <p className="footnote">{t("common.timesInJst")}</p>
    </div>
  );
}
