-- Companies (tenancy), accounts and sessions (identity).
-- Portable SQL only: this file runs on SQLite and PostgreSQL alike.
-- Times are UTC milliseconds since the Unix epoch (DATA-1).

CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  code_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  contract_start TEXT NOT NULL,
  contract_end TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  company_id TEXT REFERENCES companies(id),
  login TEXT NOT NULL,
  login_key TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  last_login_at BIGINT,
  password_changed_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_company_login ON accounts (company_id, login_key) WHERE company_id IS NOT NULL;
CREATE UNIQUE INDEX accounts_provider_login ON accounts (login_key) WHERE company_id IS NULL;

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  company_id TEXT REFERENCES companies(id),
  created_at BIGINT NOT NULL,
  last_activity_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  client_ip TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
