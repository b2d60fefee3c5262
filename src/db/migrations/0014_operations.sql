-- Running the service for customers (ops/): OPS-1 maintenance windows, OPS-2 incidents, OPS-3
-- the health monitor's samples that availability is measured from.

-- OPS-1: a maintenance window. scope_all = 1: every company; otherwise the companies in
-- maintenance_companies. A planned window (emergency = 0) starts at least 3 business days
-- after it was announced; remind_at: 09:00 JST of the last business day before its start
-- (NULL: no reminder: an emergency, or announced too late for one); reminded_at: when the
-- reminder was queued. Cancelled windows stay, with cancelled_at.
CREATE TABLE maintenance_windows (
  id TEXT PRIMARY KEY,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  scope_all INTEGER NOT NULL,
  emergency INTEGER NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL,
  body_ja TEXT NOT NULL,
  body_en TEXT NOT NULL,
  announced_at BIGINT NOT NULL,
  remind_at BIGINT,
  reminded_at BIGINT,
  cancelled_at BIGINT,
  created_by_login TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX maintenance_windows_time ON maintenance_windows (ends_at, starts_at);
CREATE INDEX maintenance_windows_remind ON maintenance_windows (remind_at);
CREATE TABLE maintenance_companies (
  window_id TEXT NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL,
  PRIMARY KEY (window_id, company_id)
);
CREATE INDEX maintenance_companies_company ON maintenance_companies (company_id);

-- OPS-2: an incident, a draft (opened by the health monitor or a site administrator) until
-- published; resolved_at ends it. detected_at: when the fault began; check_name: the monitor's
-- failing check, '' for one opened by hand.
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  scope_all INTEGER NOT NULL,
  severity TEXT NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL,
  body_ja TEXT NOT NULL,
  body_en TEXT NOT NULL,
  check_name TEXT NOT NULL DEFAULT '',
  detected_at BIGINT NOT NULL,
  published_at BIGINT,
  resolved_at BIGINT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX incidents_detected ON incidents (detected_at);
CREATE TABLE incident_companies (
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL,
  PRIMARY KEY (incident_id, company_id)
);
CREATE INDEX incident_companies_company ON incident_companies (company_id);
CREATE TABLE incident_updates (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  body_ja TEXT NOT NULL,
  body_en TEXT NOT NULL
);
CREATE INDEX incident_updates_incident ON incident_updates (incident_id, at);

-- OPS-3: one row per node and minute (minute = Unix minutes): whether every health check
-- passed in that minute, and the names of those that failed. A minute is available when one
-- node's row says so; a minute without any row (no node running) is not.
CREATE TABLE health_samples (
  minute BIGINT NOT NULL,
  node TEXT NOT NULL,
  ok INTEGER NOT NULL,
  failed TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (minute, node)
);
