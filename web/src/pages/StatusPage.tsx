// OPS-2 and OPS-3: the public status page (/status, no login; Japanese and English): the
// service's state now, maintenance in progress or to come and incidents for all companies (with
// their updates), each of the last 90 days, and the availability of the last 12 months against
// the objective. The data names no company. A company's logged-in account also sees what
// concerns its own company alone (GET /notices).
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { ServiceStatus, StatusDay } from "../api/types";
import { PATHS } from "../app/paths";
import { useSession } from "../auth/session";
import { AvailabilityChart } from "../components/AvailabilityChart";
import { Icon } from "../components/Icon";
import { LanguageSwitch } from "../components/Layout";
import { IncidentCard, MaintenanceCard } from "../components/ServiceNotices";
import { ErrorBanner, Spinner } from "../components/ui";
import { dayTone, formatPercent, isOpenWindow, ownCompanyNotices, SERVICE_STATE_TONE } from "../lib/serviceNotices";
import { formatJst } from "../lib/time";
import { useNotices, useServiceStatus } from "../resources/serviceNotices";

const STATE_ICON: Record<ServiceStatus["state"], string> = { operational: "check", maintenance: "clock", degraded: "alert", outage: "alert" };

// The last 90 days as a strip of bars, one a day, coloured by its availability; the numbers are
// in the table under it.
function DayStrip({ days, objective }: { days: StatusDay[]; objective: number }) {
  const { t } = useTranslation();
  const gap = 2;
  const width = 4;
  const total = days.length * (width + gap) - gap;
  const below = days.filter((d) => dayTone(d.availability, objective) === "warn" || dayTone(d.availability, objective) === "bad").length;
  const withIncidents = days.filter((d) => d.incidents > 0).length;
  return (
    <div className="day-strip">
      <svg
        viewBox={`0 0 ${Math.max(total, 1)} 34`}
        preserveAspectRatio="none"
        role="img"
        aria-label={t("status.daysSummary", { days: days.length, below, incidents: withIncidents })}
      >
        {days.map((d, i) => (
          <rect key={d.date} className={`day day-${dayTone(d.availability, objective)}`} x={i * (width + gap)} y={0} width={width} height={34} rx={1}>
            <title>
              {`${d.date}: ${d.availability === null ? t("availability.noData") : formatPercent(d.availability)}` +
                (d.incidents > 0 ? ` · ${t("status.dayIncidents", { count: d.incidents })}` : "")}
            </title>
          </rect>
        ))}
      </svg>
      <div className="day-strip-axis" aria-hidden="true">
        <span>{t("status.daysAgo", { count: days.length })}</span>
        <span>{t("status.today")}</span>
      </div>
    </div>
  );
}

function Section({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="status-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function StatusPage() {
  const { t } = useTranslation();
  const { session } = useSession();
  const status = useServiceStatus();
  const companyId = session?.account.company_id ?? null;
  const notices = useNotices({ enabled: companyId !== null });
  const s = status.data;
  const objective = s?.objective ?? 0.995;
  const windows = (s?.maintenance ?? []).filter((w) => isOpenWindow(w.state));
  const active = (s?.incidents ?? []).filter((i) => i.state === "published");
  const past = (s?.incidents ?? []).filter((i) => i.state === "resolved");
  const own = ownCompanyNotices(companyId ? notices.data : undefined, { maintenance: windows, incidents: s?.incidents ?? [] });

  return (
    <div className="status-page">
      <header className="status-top">
        <div className="status-brand">
          <span className="brand-mark" aria-hidden="true">
            K
          </span>
          <span className="status-brand-name">Kanri</span>
        </div>
        <div className="row">
          <LanguageSwitch />
          {session ? (
            <Link className="btn btn-secondary" to={PATHS.home}>
              <span>{t("status.backToConsole")}</span>
            </Link>
          ) : (
            <Link className="btn btn-secondary" to={PATHS.login}>
              <span>{t("status.login")}</span>
            </Link>
          )}
        </div>
      </header>
      <main className="status-main" id="main">
        <h1>{t("status.title")}</h1>
        <ErrorBanner error={status.error} title={t("status.unavailable")} />
        {status.isLoading ? <Spinner /> : null}
        {s ? (
          <>
            <div className={`status-state status-state-${SERVICE_STATE_TONE[s.state]}`} role="status" data-testid="service-state">
              <Icon name={STATE_ICON[s.state]} size={26} />
              <div>
                <p className="status-state-text">{t(`status.states.${s.state}`)}</p>
                <p className="status-state-time">{t("status.generatedAt", { time: formatJst(s.generated_at, false) })}</p>
              </div>
            </div>

            {companyId && (own.maintenance.length > 0 || own.incidents.length > 0) ? (
              <Section id="status-own" title={t("status.ownCompany")}>
                <p className="muted">{t("status.ownCompanyHint")}</p>
                {own.incidents.map((i) => (
                  <IncidentCard key={i.id} incident={i} />
                ))}
                {own.maintenance.map((w) => (
                  <MaintenanceCard key={w.id} window={w} />
                ))}
              </Section>
            ) : null}

            <Section id="status-incidents" title={t("status.activeIncidents")}>
              {active.length === 0 ? <p className="muted">{t("status.noActiveIncidents")}</p> : active.map((i) => <IncidentCard key={i.id} incident={i} />)}
            </Section>

            <Section id="status-maintenance" title={t("status.maintenance")}>
              {windows.length === 0 ? <p className="muted">{t("status.noMaintenance")}</p> : windows.map((w) => <MaintenanceCard key={w.id} window={w} />)}
            </Section>

            <Section id="status-days" title={t("status.lastDays", { count: s.days.length })}>
              <DayStrip days={s.days} objective={objective} />
              <div className="chart-legend">
                {(["ok", "warn", "bad", "none"] as const).map((tone) => (
                  <span className="legend-item" key={tone}>
                    <span className={`legend-swatch day-${tone}`} aria-hidden="true" />
                    {t(`status.dayTones.${tone}`, { objective: formatPercent(objective, 1) })}
                  </span>
                ))}
              </div>
              <details className="status-details">
                <summary>{t("status.showDays")}</summary>
                <div className="table-wrap">
                  <table className="table">
                    <caption className="sr-only">{t("status.lastDays", { count: s.days.length })}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("status.date")}</th>
                        <th scope="col" className="col-num">
                          {t("availability.availability")}
                        </th>
                        <th scope="col" className="col-num">
                          {t("status.incidents")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...s.days].reverse().map((d) => (
                        <tr key={d.date}>
                          <td className="mono">{d.date}</td>
                          <td className="col-num">{d.availability === null ? t("availability.noData") : formatPercent(d.availability)}</td>
                          <td className="col-num">{d.incidents}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </Section>

            <Section id="status-months" title={t("status.lastMonths")}>
              <AvailabilityChart months={s.months} objective={objective} title={t("status.lastMonths")} />
              <div className="table-wrap">
                <table className="table">
                  <caption className="sr-only">{t("status.lastMonths")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("availability.month")}</th>
                      <th scope="col" className="col-num">
                        {t("availability.availability")}
                      </th>
                      <th scope="col">{t("availability.objective", { objective: formatPercent(objective, 1) })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...s.months].reverse().map((m) => (
                      <tr key={m.month}>
                        <td className="mono">{m.month}</td>
                        <td className="col-num">{m.availability === null ? t("availability.noData") : formatPercent(m.availability)}</td>
                        <td>{m.availability === null ? "—" : m.met ? t("availability.met") : t("availability.missed")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="footnote">{t("status.availabilityNote")}</p>
            </Section>

            {past.length > 0 ? (
              <Section id="status-past" title={t("status.pastIncidents")}>
                {past.map((i) => (
                  <IncidentCard key={i.id} incident={i} />
                ))}
              </Section>
            ) : null}
            <p className="footnote">{t("common.timesInJst")}</p>
          </>
        ) : null}
      </main>
    </div>
  );
}
