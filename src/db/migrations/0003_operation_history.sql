-- The operation history (SEC-6): one hash chain per company and one for the provider
-- (chain = company id, or 'provider'). Rows are only ever inserted; audit/ verifies them.

CREATE TABLE audit_records (
  chain TEXT NOT NULL,
  seq BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  company_id TEXT,
  actor_id TEXT NOT NULL,
  actor_login TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  error_code TEXT NOT NULL,
  request_id TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_records_time ON audit_records (chain, recorded_at);

CREATE TABLE audit_heads (
  chain TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE audit_checkpoints (
  chain TEXT NOT NULL,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (chain, seq, created_at)
);

CREATE TABLE audit_prune_markers (
  chain TEXT PRIMARY KEY,
  up_to_seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  pruned_at BIGINT NOT NULL,
  signature TEXT NOT NULL
);
