-- SEC-4: a company may restrict where its accounts sign in from (off by default). The list holds
-- canonical networks separated by spaces ("192.0.2.0/24 2001:db8::/32"), at most 100.
ALTER TABLE companies ADD COLUMN ip_restriction_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN ip_allowlist TEXT NOT NULL DEFAULT '';

-- SEC-9: API tokens (access/api_tokens.h). Only the SHA-256 of a token is kept; a provider
-- token has no company. Permissions: catalog names separated by spaces.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  company_id TEXT REFERENCES companies(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  permissions TEXT NOT NULL,
  created_by TEXT NOT NULL,          -- the account's id; no reference, the account may go first
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_used_at BIGINT,
  last_used_ip TEXT
);
CREATE INDEX api_tokens_company ON api_tokens (company_id, created_at);
