-- DEV-6: what a firmware file is for, and staged firmware campaigns; DEV-7: a profile's firmware
-- baseline.
-- A file names the devices it is for (NULL / '[]': any); `model` (one model) is superseded by
-- `models` and stays '' for files uploaded from now on.
ALTER TABLE firmware_files ADD COLUMN product_class TEXT;
ALTER TABLE firmware_files ADD COLUMN models TEXT NOT NULL DEFAULT '[]';
ALTER TABLE firmware_files ADD COLUMN hardware_versions TEXT NOT NULL DEFAULT '[]';
UPDATE firmware_files SET models = '["' || replace(replace(model, '\', '\\'), '"', '\"') || '"]'
  WHERE model <> '';

-- A campaign sends one firmware file to the devices of a group or a filter, wave after wave.
-- state: running | paused | cancelled | finished. pause_reason: operator | failure_threshold |
-- min_success (the wave ended with fewer successes than min_success_before_next_wave).
-- wave_accepted: an operator resumed past the current wave's pause, so its failures no longer
-- pause the campaign.
CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  firmware_id TEXT NOT NULL,
  target TEXT NOT NULL,                  -- JSON: {"group_id": …} or {"filter": DeviceFilter}
  waves TEXT NOT NULL,                   -- JSON array of {"percent"} / {"count"}
  failure_threshold_percent DOUBLE PRECISION NOT NULL,
  min_success_before_next_wave INTEGER NOT NULL,
  time_window TEXT,                      -- JSON {"days", "from", "to"} in JST; NULL: any time
  concurrency INTEGER NOT NULL,          -- most downloads running at once
  device_timeout_ms BIGINT NOT NULL,     -- a device's download task expires after this
  state TEXT NOT NULL,
  pause_reason TEXT,
  current_wave INTEGER NOT NULL,
  wave_accepted INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX campaigns_company_created ON campaigns (company_id, created_at);
CREATE INDEX campaigns_state ON campaigns (state);

-- When each wave started and ended.
CREATE TABLE campaign_waves (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id),
  wave INTEGER NOT NULL,
  size INTEGER NOT NULL,
  started_at BIGINT,
  ended_at BIGINT,
  PRIMARY KEY (campaign_id, wave)
);

-- Every device the campaign's target selected at creation: its wave (-1: in none), why
-- (eligible, already_current, other_product_class, other_model, other_hardware), its download
-- task once its wave started, and whether the campaign asked it to connect (1) since the task
-- was last held back (window closed, paused, concurrency reached).
CREATE TABLE campaign_devices (
  campaign_id TEXT NOT NULL REFERENCES campaigns(id),
  device_id TEXT NOT NULL,
  company_id TEXT NOT NULL REFERENCES companies(id),
  wave INTEGER NOT NULL,
  eligibility TEXT NOT NULL,
  task_id TEXT,
  woken INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, device_id)
);
CREATE INDEX campaign_devices_wave ON campaign_devices (campaign_id, wave, woken);

-- A download task of a campaign runs only while its campaign lets it (window, concurrency,
-- not paused).
ALTER TABLE tasks ADD COLUMN campaign_id TEXT;
CREATE INDEX tasks_campaign ON tasks (campaign_id, state);

-- DEV-7: the software version a profile's devices should run (compliance only; a campaign
-- installs it). NULL: none.
ALTER TABLE device_profiles ADD COLUMN firmware_version TEXT;
