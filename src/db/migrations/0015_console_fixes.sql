-- Issue 18: the fixes from a newcomer's run.

-- A factory reset erases a device's settings: its own permission. Roles and API tokens that
-- could reboot could also reset until now ("reboot and reset devices"); they keep both.
UPDATE roles SET permissions = permissions || ' devices.factory_reset'
  WHERE (' ' || permissions || ' ') LIKE '% devices.reboot %';
UPDATE api_tokens SET permissions = permissions || ' devices.factory_reset'
  WHERE (' ' || permissions || ' ') LIKE '% devices.reboot %';

-- A deleted device keeps its last credential, sealed, for --device-retention, so that it is
-- onboarded as new (through its allocation and profile) when it contacts the service again;
-- a retired one keeps nothing (retired = 1) and is refused with the reason "retired" until the
-- row expires (a device reset on site comes back with its bootstrap credential, as any new one).
CREATE TABLE retained_device_credentials (
  oui TEXT NOT NULL,
  product_class TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  company_id TEXT NOT NULL,              -- no reference: the company may be deleted first
  retired INTEGER NOT NULL,
  cwmp_username TEXT NOT NULL,
  cwmp_password_enc TEXT NOT NULL,       -- '' when retired
  pending_password_enc TEXT,             -- a rotation the device may have applied already
  deleted_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (oui, product_class, serial_number)
);
CREATE INDEX retained_device_credentials_expiry ON retained_device_credentials (expires_at);

-- The company whose allocation covered a refused device when it was refused: that company's
-- administrators see their own refused devices (re-checked against the allocations when read).
ALTER TABLE refused_devices ADD COLUMN company_id TEXT;
CREATE INDEX refused_devices_company ON refused_devices (company_id, last_at);

-- What asking the device to connect now gave for a task (delivered, unreachable, …), so that a
-- task that waits for the device's next session says so after the dialog is closed.
ALTER TABLE tasks ADD COLUMN wakeup TEXT;
ALTER TABLE tasks ADD COLUMN wakeup_at BIGINT;

-- The company's failed tasks, latest first (the dashboard).
CREATE INDEX tasks_company_state_finished ON tasks (company_id, state, finished_at);
