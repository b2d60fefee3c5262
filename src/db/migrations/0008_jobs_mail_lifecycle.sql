-- Issue 12: the job scheduler, the mail outbox, login alarms (SEC-2) and inactive accounts (SEC-7).

-- One row per periodic job (jobs/scheduler.h). A process runs a job only while it holds the
-- row's lease (lease_until in the future, set by a conditional UPDATE), so two processes on one
-- SQLite file, or several nodes on one PostgreSQL database, never run the same job at once.
CREATE TABLE job_state (
  name TEXT PRIMARY KEY,
  lease_until BIGINT,
  lease_owner TEXT,
  last_started_at BIGINT,
  last_finished_at BIGINT,
  last_outcome TEXT,
  last_report TEXT,
  last_error TEXT
);

-- Mail waiting to be sent, sent, or given up (mail/outbox.h). Rows are written in the same
-- transaction as the event that causes them; subject and body are rendered then, in the
-- recipient's language.
CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  company_id TEXT,
  account_id TEXT,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  retry_until BIGINT NOT NULL,
  lease_until BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  sent_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);

-- SEC-2: one row per alarm raised on a burst of failed logins. cause: account | address |
-- service; subject: the account id, the address, or '' (what "the same cause" means: one alarm
-- per cause and subject per window); label: what people read (login ID and company code).
CREATE TABLE login_alarms (
  id TEXT PRIMARY KEY,
  cause TEXT NOT NULL,
  subject TEXT NOT NULL,
  label TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  first_failure_at BIGINT NOT NULL,
  failures INTEGER NOT NULL,
  threshold INTEGER NOT NULL,
  raised_at BIGINT NOT NULL
);
CREATE INDEX login_alarms_subject ON login_alarms (cause, subject, raised_at);
CREATE INDEX login_alarms_raised ON login_alarms (raised_at);

-- SEC-2 counts failed logins from the history; only those rows are in this index.
CREATE INDEX audit_records_failed_logins ON audit_records (recorded_at)
  WHERE action = 'session.login' AND outcome <> 'success';

-- The recipient's language for mail ("ja" unless the account chose "en").
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'ja';
-- SEC-7: when the inactivity reminder went out (cleared by a login), and when the account was
-- locked for inactivity (lock_reason 'inactivity'; only a site administrator lifts it).
ALTER TABLE accounts ADD COLUMN inactivity_reminded_at BIGINT;
ALTER TABLE accounts ADD COLUMN lock_reason TEXT;
ALTER TABLE accounts ADD COLUMN locked_at BIGINT;
