// Provider console (provider.operations): the service's health. This node's checks as the
// monitor last ran them (OPS-2: database, history writer, CWMP listener, mail, disk), a failing
// one highlighted with since when and whether the site administrators were alarmed; the way to
// the incidents a failure opens, the jobs and the alarms; and OPS-3's availability of the last
// 12 months against the objective, as a chart and a table.
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { HealthCheck } from "../../api/types";
import { PATHS } from "../../app/paths";
import { AvailabilityChart } from "../../components/AvailabilityChart";
import { Icon } from "../../components/Icon";
import { Alert, Badge, Card, ErrorBanner, PageHeader, Spinner } from "../../components/ui";
import { isTranslationKey } from "../../i18n";
import { DEFAULT_OBJECTIVE, formatPercent } from "../../lib/serviceNotices";
import { formatJst } from "../../lib/time";
import { useAvailability, useHealth } from "../../resources/serviceNotices";

function useCheckLabel() {
  const { t, i18n } = useTranslation();
  return (check: HealthCheck) => {
    const key = `health.checks.${check.name}`;
    return isTranslationKey(i18n, key) ? t(key) : check.name;
  };
}

function HealthCard() {
  const { t } = useTranslation();
  const label = useCheckLabel();
  const health = useHealth();
  const h = health.data;
  const failing = h?.checks.filter((c) => !c.ok) ?? [];
  return (
    <Card
      title={t("health.title")}
      actions={h ? <span className="muted">{t("health.node", { node: h.node, time: h.at ? formatJst(h.at) : t("health.notYet") })}</span> : null}
    >
      <div className="stack-sm">
        <ErrorBanner error={health.error} />
        {health.isLoading ? <Spinner /> : null}
        {h && failing.length > 0 ? (
          <Alert tone="danger">
            <strong>{t("health.failing", { count: failing.length })}</strong>
            <p>
              {h.failing_since ? t("health.failingSince", { time: formatJst(h.failing_since) }) : null}{" "}
              {h.alarmed ? t("health.alarmed") : t("health.notAlarmedYet")}{" "}
              <Link to={PATHS.incidents}>{t("health.toIncidents")}</Link>
            </p>
          </Alert>
        ) : null}
        {h && failing.length === 0 && h.at ? <Alert tone="success">{t("health.allOk")}</Alert> : null}
        {h ? (
          h.checks.length === 0 ? (
            <p className="muted">{t("health.noChecks")}</p>
          ) : (
            <ul className="health-checks" aria-label={t("health.checksLabel")}>
              {h.checks.map((c) => (
                <li key={c.name} className={c.ok ? "health-check" : "health-check health-check-failing"} data-testid={`check-${c.name}`}>
                  <Icon name={c.ok ? "check" : "alert"} />
                  <div className="health-check-text">
                    <span className="cell-main">{label(c)}</span>
                    {c.detail ? <span className="cell-sub">{c.detail}</span> : null}
                  </div>
                  <Badge tone={c.ok ? "success" : "danger"} dot>
                    {c.ok ? t("health.ok") : t("health.failed")}
                  </Badge>
                </li>
              ))}
            </ul>
          )
        ) : null}
        <p className="field-hint">{t("health.explanation")}</p>
      </div>
    </Card>
  );
}

function AvailabilityCard() {
  const { t } = useTranslation();
  const availability = useAvailability();
  const months = availability.data ?? [];
  const objective = months[0]?.objective ?? DEFAULT_OBJECTIVE;
  const title = t("availability.title");
  return (
    <Card title={title} className="card-flush">
      <div className="card-section stack-sm">
        <ErrorBanner error={availability.error} />
        {availability.isLoading ? <Spinner /> : null}
        {months.length > 0 ? <AvailabilityChart months={months} objective={objective} title={title} /> : null}
      </div>
      {months.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t("availability.month")}</th>
                <th scope="col" className="col-num">
                  {t("availability.availability")}
                </th>
                <th scope="col">{t("availability.objective", { objective: formatPercent(objective, 1) })}</th>
                <th scope="col" className="col-num">
                  {t("availability.measured")}
                </th>
                <th scope="col" className="col-num">
                  {t("availability.maintenance")}
                </th>
                <th scope="col" className="col-num">
                  {t("availability.unavailable")}
                </th>
              </tr>
            </thead>
            <tbody>
              {[...months].reverse().map((m) => (
                <tr key={m.month} className={m.availability !== null && !m.met ? "row-danger" : undefined}>
                  <td className="mono">{m.month}</td>
                  <td className="col-num">{m.availability === null ? t("availability.noData") : formatPercent(m.availability, 3)}</td>
                  <td>
                    {m.availability === null ? (
                      "—"
                    ) : (
                      <Badge tone={m.met ? "success" : "danger"}>{m.met ? t("availability.met") : t("availability.missed")}</Badge>
                    )}
                  </td>
                  <td className="col-num">{t("availability.minutes", { count: m.measured_minutes })}</td>
                  <td className="col-num">{t("availability.minutes", { count: m.maintenance_minutes })}</td>
                  <td className="col-num">{t("availability.minutes", { count: m.unavailable_minutes })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="footnote card-section">{t("availability.explanation")}</p>
    </Card>
  );
}

export function ServiceHealthPage() {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <PageHeader
        title={t("health.pageTitle")}
        description={t("health.description")}
        actions={
          <nav className="row" aria-label={t("health.related")}>
            <Link className="btn btn-secondary" to={PATHS.incidents}>
              <Icon name="alert" size={16} />
              <span>{t("nav.incidents")}</span>
            </Link>
            <Link className="btn btn-secondary" to={PATHS.jobs}>
              <Icon name="clock" size={16} />
              <span>{t("nav.jobs")}</span>
            </Link>
            <Link className="btn btn-secondary" to={PATHS.loginAlarms}>
              <Icon name="bell" size={16} />
              <span>{t("nav.loginAlarms")}</span>
            </Link>
          </nav>
        }
      />
      <HealthCard />
      <AvailabilityCard />
      <p className="footnote">{t("common.timesInJst")}</p>
    </div>
  );
}
