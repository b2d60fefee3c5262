// What everyone is told about the service (issue 15): the banner of the console's frame
// (maintenance to come or in progress, incidents not resolved; each dismissable for the session
// but an emergency window or a critical incident), and the cards the status page shows for a
// window and for an incident with its updates. Badges for states and severities.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { IncidentState, MaintenanceState, PublicIncident, PublicMaintenance, Severity } from "../api/types";
import { PATHS } from "../app/paths";
import { useAuthed } from "../auth/session";
import {
  bannerItems,
  formatWindow,
  INCIDENT_STATE_TONE,
  MAINTENANCE_STATE_TONE,
  noticeText,
  SEVERITY_TONE,
  type BannerItem,
} from "../lib/serviceNotices";
import { formatJst } from "../lib/time";
import { useNotices } from "../resources/serviceNotices";
import { Icon } from "./Icon";
import { Badge } from "./ui";

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return <Badge tone={SEVERITY_TONE[severity]}>{t(`incidents.severities.${severity}`)}</Badge>;
}

export function MaintenanceStateBadge({ state }: { state: MaintenanceState }) {
  const { t } = useTranslation();
  return (
    <Badge tone={MAINTENANCE_STATE_TONE[state]} dot>
      {t(`maintenance.states.${state}`)}
    </Badge>
  );
}

export function IncidentStateBadge({ state }: { state: IncidentState }) {
  const { t } = useTranslation();
  return (
    <Badge tone={INCIDENT_STATE_TONE[state]} dot>
      {t(`incidents.states.${state}`)}
    </Badge>
  );
}

// The texts of a notice in the reader's language.
export function useNoticeText() {
  const { i18n } = useTranslation();
  return (item: { title_ja: string; title_en: string; body_ja: string; body_en: string }) => noticeText(item, i18n.language);
}

// ---- the banner ----

// Dismissed notices are kept for the browser tab's session, per account (another account
// logging in on the same tab sees them all).
const dismissedKey = (accountId: string) => `kanri.dismissedNotices:${accountId}`;

function readDismissed(accountId: string): Set<string> {
  try {
    const v = JSON.parse(sessionStorage.getItem(dismissedKey(accountId)) ?? "[]") as unknown;
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

function writeDismissed(accountId: string, keys: Set<string>) {
  try {
    sessionStorage.setItem(dismissedKey(accountId), JSON.stringify([...keys]));
  } catch {
    // Private mode: dismissed for this page only.
  }
}

function BannerEntry({ entry, onDismiss }: { entry: BannerItem; onDismiss: () => void }) {
  const { t } = useTranslation();
  const text = useNoticeText();
  const { title } = text(entry.item);
  let tone: "info" | "warning" | "danger";
  let kind: string;
  let when: string;
  if (entry.kind === "maintenance") {
    const w = entry.item;
    tone = w.emergency || w.state === "in_progress" ? "warning" : "info";
    kind = w.emergency ? t("banner.emergencyMaintenance") : w.state === "in_progress" ? t("banner.maintenanceInProgress") : t("banner.maintenanceScheduled");
    when = t("banner.window", { window: formatWindow(w.starts_at, w.ends_at) });
  } else {
    const i = entry.item;
    tone = i.severity === "minor" ? "warning" : "danger";
    kind = t("banner.incident", { severity: t(`incidents.severities.${i.severity}`) });
    const last = i.updates.at(-1);
    when = last ? t("banner.updated", { time: formatJst(last.at, false) }) : t("banner.since", { time: formatJst(i.published_at ?? i.detected_at, false) });
  }
  return (
    <li className={`notice notice-${tone}`} data-testid={`notice-${entry.kind}`}>
      <Icon name={entry.kind === "maintenance" ? "clock" : "alert"} />
      <div className="notice-text">
        <span className="notice-kind">{kind}</span>
        <span className="notice-title">{title}</span>
        <span className="notice-when">{when}</span>
      </div>
      <Link className="notice-link" to={PATHS.status}>
        {t("banner.details")}
      </Link>
      {entry.pinned ? null : (
        <button type="button" className="icon-button icon-button-sm notice-dismiss" onClick={onDismiss} aria-label={t("banner.dismiss", { title })} title={t("banner.dismissHint")}>
          <Icon name="x" size={16} />
        </button>
      )}
    </li>
  );
}

// In the frame of every screen after login. Read in the background every minute.
export function NoticeBanner() {
  const { t } = useTranslation();
  const { account } = useAuthed();
  const notices = useNotices();
  const [dismissed, setDismissed] = useState(() => readDismissed(account.id));
  const items = bannerItems(notices.data, dismissed);
  if (items.length === 0) return null;
  const dismiss = (key: string) => {
    const next = new Set(dismissed).add(key);
    writeDismissed(account.id, next);
    setDismissed(next);
    // The button is gone: the reader goes on with the screen.
    document.getElementById("main")?.focus();
  };
  return (
    <section className="notice-banner" aria-label={t("banner.label")}>
      <ul>
        {items.map((entry) => (
          <BannerEntry key={entry.key} entry={entry} onDismiss={() => dismiss(entry.key)} />
        ))}
      </ul>
    </section>
  );
}

// ---- the status page's cards ----

export function MaintenanceCard({ window: w }: { window: PublicMaintenance }) {
  const { t } = useTranslation();
  const text = useNoticeText();
  const { title, body } = text(w);
  return (
    <article className="notice-card" aria-labelledby={`maintenance-${w.id}`}>
      <header className="notice-card-header">
        <h3 id={`maintenance-${w.id}`}>{title}</h3>
        <div className="row">
          {w.emergency ? <Badge tone="danger">{t("maintenance.emergency")}</Badge> : null}
          <MaintenanceStateBadge state={w.state} />
        </div>
      </header>
      <p className="notice-card-when">
        <Icon name="clock" size={15} />
        {t("status.window", { window: formatWindow(w.starts_at, w.ends_at) })}
      </p>
      {body ? <p className="notice-card-body">{body}</p> : null}
    </article>
  );
}

export function IncidentCard({ incident: i }: { incident: PublicIncident }) {
  const { t } = useTranslation();
  const text = useNoticeText();
  const { title, body } = text(i);
  return (
    <article className={`notice-card${i.state === "resolved" ? " notice-card-resolved" : ""}`} aria-labelledby={`incident-${i.id}`}>
      <header className="notice-card-header">
        <h3 id={`incident-${i.id}`}>{title}</h3>
        <div className="row">
          <SeverityBadge severity={i.severity} />
          <IncidentStateBadge state={i.state} />
        </div>
      </header>
      <p className="notice-card-when">
        <Icon name="clock" size={15} />
        {i.resolved_at
          ? t("status.incidentResolved", { from: formatJst(i.detected_at, false), to: formatJst(i.resolved_at, false) })
          : t("status.incidentSince", { from: formatJst(i.detected_at, false) })}
      </p>
      {body ? <p className="notice-card-body">{body}</p> : null}
      <IncidentUpdates updates={i.updates} />
    </article>
  );
}

// An incident's updates, newest first.
export function IncidentUpdates({ updates }: { updates: PublicIncident["updates"] }) {
  const { t, i18n } = useTranslation();
  if (updates.length === 0) return null;
  return (
    <ol className="updates" aria-label={t("incidents.updates")}>
      {[...updates].reverse().map((u) => (
        <li key={u.id}>
          <time className="updates-time" dateTime={u.at}>
            {formatJst(u.at, false)}
          </time>
          <p>{i18n.language === "en" ? u.body_en || u.body_ja : u.body_ja || u.body_en}</p>
        </li>
      ))}
    </ol>
  );
}
