-- DEV-5: remote login to a device's own web interface with a one-time password
-- (devices/remote_login.h). The white paper's application form can switch it off per company.
ALTER TABLE companies ADD COLUMN remote_login_enabled INTEGER NOT NULL DEFAULT 1;

-- One remote login: opening (its tasks are queued) → active (the device has the user) →
-- closing (the user is being removed) → closed; failed when the device refused. The password is
-- sealed (device-secrets key) only until the device has it, then forgotten; user_object is the
-- device's user instance ("Device.Users.User.3.") once added.
CREATE TABLE remote_logins (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  state TEXT NOT NULL,
  username TEXT NOT NULL,
  password_enc TEXT,
  user_object TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  created_by TEXT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  opened_at BIGINT,
  expires_at BIGINT NOT NULL,
  closed_at BIGINT,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX remote_logins_device ON remote_logins (device_id, created_at);
CREATE INDEX remote_logins_open ON remote_logins (state, expires_at);
