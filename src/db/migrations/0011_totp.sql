-- SEC-9: a TOTP second factor per account (identity/totp.h). The seed is sealed with
-- keys/account-secrets.key; totp_last_step refuses a code used twice.
ALTER TABLE accounts ADD COLUMN totp_secret_enc TEXT;
ALTER TABLE accounts ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT;

-- An enrolment begun and not yet confirmed with a code (one per account).
CREATE TABLE totp_enrolments (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  secret_enc TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- One-time recovery codes, SHA-256 of the code (80 random bits each).
CREATE TABLE totp_recovery_codes (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at BIGINT,
  PRIMARY KEY (account_id, code_hash)
);

-- The second step of a login: a short-lived challenge answered by a code (SHA-256 of it kept).
CREATE TABLE login_challenges (
  challenge_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- A company may require every account to use a second factor (enrolment at the next login).
ALTER TABLE companies ADD COLUMN totp_required INTEGER NOT NULL DEFAULT 0;
