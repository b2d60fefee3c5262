-- Devices managed over TR-069 (devices/): profiles (仕向け), the inventory, tasks, groups,
-- jobs, firmware files and devices refused at onboarding.
-- Portable SQL only (SQLite and PostgreSQL). Times are UTC milliseconds since the epoch.
-- Secrets (*_enc) are libsodium secretbox ciphertexts, base64, under the key in data/keys/.

-- DEV-1: a profile attaches matching devices to its company and says how they authenticate.
CREATE TABLE device_profiles (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  match_oui TEXT,                 -- NULL: any; upper-case hex
  match_product_class TEXT,       -- NULL: any
  match_serial_prefix TEXT,       -- NULL: any
  match_serials TEXT NOT NULL,    -- JSON array of serial numbers; [] = any
  auth_mode TEXT NOT NULL,        -- rotate | shared | none
  auth_username TEXT NOT NULL,    -- the bootstrap (rotate) or shared credential
  auth_password_enc TEXT NOT NULL,
  periodic_inform_interval INTEGER,  -- seconds; NULL: leave the device's own
  parameters TEXT NOT NULL,       -- JSON object path -> value, applied on first contact
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX device_profiles_company_name ON device_profiles (company_id, name_key);

-- DEV-2: one row per device with the summary fields the console filters and sorts on; the
-- parameter tree lives in device_parameters so that scans of this table stay small.
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  profile_id TEXT,
  oui TEXT NOT NULL,
  product_class TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  model TEXT NOT NULL,
  hardware_version TEXT NOT NULL,
  software_version TEXT NOT NULL,
  data_model TEXT NOT NULL,              -- tr181 (Device.) | tr098 (InternetGatewayDevice.)
  first_contact_at BIGINT NOT NULL,
  last_contact_at BIGINT NOT NULL,
  last_boot_at BIGINT,
  last_events TEXT NOT NULL,             -- JSON array of event codes of the last Inform
  periodic_inform_interval INTEGER NOT NULL,
  online_until BIGINT NOT NULL,          -- last contact + 2 x interval + margin
  wan_ip TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  connection_request_url TEXT NOT NULL,
  tags TEXT NOT NULL,                    -- JSON array, sorted
  search_text TEXT NOT NULL,             -- lower-case serial, model, software version, tags
  inform_digest TEXT NOT NULL,           -- SHA-256 of what the last Inform reported
  auth_mode TEXT NOT NULL,               -- rotate | shared | none
  credential_state TEXT NOT NULL,        -- bootstrap | rotating | rotated | shared | none
  cwmp_username TEXT NOT NULL,
  cwmp_password_enc TEXT NOT NULL,       -- what the ACS accepts now
  pending_password_enc TEXT,             -- rotation sent to the device, not yet confirmed
  cr_username TEXT NOT NULL,
  cr_password_enc TEXT NOT NULL,
  pending_cr_password_enc TEXT,
  provisioned INTEGER NOT NULL,          -- the profile's parameters have been applied
  session_owner TEXT NOT NULL,           -- the node whose CWMP session holds the device
  session_until BIGINT NOT NULL,         -- ... until then (a lease, renewed per message)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX devices_identity ON devices (oui, product_class, serial_number);
CREATE INDEX devices_company_serial ON devices (company_id, serial_number);
CREATE INDEX devices_company_contact ON devices (company_id, last_contact_at);
CREATE INDEX devices_company_online ON devices (company_id, online_until);
CREATE INDEX devices_company_model ON devices (company_id, model);
CREATE INDEX devices_company_software ON devices (company_id, software_version);
CREATE INDEX devices_company_profile ON devices (company_id, profile_id);

-- The parameter tree as last reported: a JSON object path -> [value, type, writable]
-- (writable: 1, 0 or null when unknown), written only when something in it changed.
CREATE TABLE device_parameters (
  device_id TEXT PRIMARY KEY REFERENCES devices(id),
  company_id TEXT NOT NULL REFERENCES companies(id),
  tree TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- DEV-1: devices that matched no profile, or profiles of several companies. Never attached
-- by guess; listed for site administrators. One row per identity, updated at most once a
-- minute (rate limit).
CREATE TABLE refused_devices (
  id TEXT PRIMARY KEY,
  oui TEXT NOT NULL,
  product_class TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  reason TEXT NOT NULL,                  -- unmatched | ambiguous | bad_credentials
  attempts BIGINT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX refused_devices_identity ON refused_devices (oui, product_class, serial_number);
CREATE INDEX refused_devices_last ON refused_devices (last_at);

-- DEV-3: device groups, a static list or a saved filter.
CREATE TABLE device_groups (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  kind TEXT NOT NULL,                    -- static | filter
  filter TEXT NOT NULL,                  -- JSON; {} for static groups
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX device_groups_company_name ON device_groups (company_id, name_key);

CREATE TABLE device_group_members (
  group_id TEXT NOT NULL REFERENCES device_groups(id),
  device_id TEXT NOT NULL REFERENCES devices(id),
  company_id TEXT NOT NULL REFERENCES companies(id),
  PRIMARY KEY (group_id, device_id)
);
CREATE INDEX device_group_members_device ON device_group_members (device_id);

-- DEV-3: a job is one request for many devices (a group's task): one task per device.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  group_id TEXT,
  type TEXT NOT NULL,
  request TEXT NOT NULL,                 -- JSON of the task request
  total INTEGER NOT NULL,
  created_by TEXT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX jobs_company_created ON jobs (company_id, created_at);

-- DEV-3: tasks, run in `seq` order at the device's next session.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  device_id TEXT NOT NULL REFERENCES devices(id),
  job_id TEXT,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  request TEXT NOT NULL,                 -- JSON: names / values / path / object / file_id ...
  state TEXT NOT NULL,                   -- queued | running | done | failed | cancelled
  result TEXT,                           -- JSON of what the device returned
  fault_code INTEGER,                    -- CPE fault 9000-9032, or NULL
  fault_string TEXT,
  error TEXT,                            -- timeout | device_deleted | ... when not a CPE fault
  command_key TEXT NOT NULL,
  internal INTEGER NOT NULL,             -- created by Kanri itself (provisioning, rotation)
  download_token_hash TEXT,              -- DEV-6: per-task file URL token (SHA-256 hex)
  created_by TEXT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  expires_at BIGINT NOT NULL             -- queued or running past this: failed (timeout)
);
CREATE INDEX tasks_device_queue ON tasks (device_id, state, seq);
CREATE INDEX tasks_company_created ON tasks (company_id, created_at);
CREATE INDEX tasks_job ON tasks (job_id);
CREATE INDEX tasks_download_token ON tasks (download_token_hash);
CREATE INDEX tasks_state_expires ON tasks (state, expires_at);

-- DEV-6: firmware images, stored as files under data/firmware/<id>.
CREATE TABLE firmware_files (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  model TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  created_by TEXT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX firmware_files_company ON firmware_files (company_id, created_at);
