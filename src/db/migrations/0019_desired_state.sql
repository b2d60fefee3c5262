-- DEV-7: a profile's parameters (and inform interval) and a device's own overrides are the
-- desired state of the device, compared with what it reported and set again when they differ.
-- desired_dirty: compare at the device's next session (every device once after this
-- migration); desired_wake: a profile or override edit asks the device, when online, to connect
-- within a minute; compliance: the device's overall state (in_sync | pending | drift | failed,
-- '' while it has nothing desired).
ALTER TABLE devices ADD COLUMN parameter_overrides TEXT NOT NULL DEFAULT '{}';
ALTER TABLE devices ADD COLUMN desired_dirty INTEGER NOT NULL DEFAULT 1;
ALTER TABLE devices ADD COLUMN desired_wake INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN compliance TEXT NOT NULL DEFAULT '';
CREATE INDEX devices_desired_wake ON devices (desired_wake, online_until);
CREATE INDEX devices_company_compliance ON devices (company_id, compliance);

-- What Kanri did about each desired parameter of a device: the value it last tried to set (its
-- SHA-256, since a desired value may be a secret), how that ended and how often it tried on
-- `tries_day` (days since the epoch in JST).
CREATE TABLE desired_parameter_state (
  device_id TEXT NOT NULL REFERENCES devices(id),
  company_id TEXT NOT NULL REFERENCES companies(id),
  path TEXT NOT NULL,
  value_sha256 TEXT NOT NULL,
  task_id TEXT,
  outcome TEXT NOT NULL,                 -- queued | done | failed
  fault_code INTEGER,
  error TEXT,
  tries INTEGER NOT NULL,
  tries_day INTEGER NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (device_id, path)
);
CREATE INDEX desired_parameter_state_task ON desired_parameter_state (task_id);
