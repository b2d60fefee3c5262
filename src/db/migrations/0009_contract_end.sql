-- When the scheduler first knew a job (jobs/scheduler.h): a daily job that never ran waits for
-- its first time after it, instead of running at the restart that introduced it.
ALTER TABLE job_state ADD COLUMN registered_at BIGINT;

-- DATA-6: a company whose contract ended is deleted step by step over --contract-end-grace
-- (jobs/contract_end.h): 0 nothing deleted yet, 1 its accounts are deleted, 2 its configuration
-- is deleted and its devices are detached; the company row goes last.
ALTER TABLE companies ADD COLUMN deletion_stage INTEGER NOT NULL DEFAULT 0;

-- Devices detached from a company that was deleted, kept with their information while they
-- still contact the service (no longer reachable by the former company), and deleted once they
-- have been silent for --device-retention. The provider lists them; a new allocation of the
-- identity onboards the device afresh, without this information.
CREATE TABLE unassigned_devices (
  id TEXT PRIMARY KEY,                   -- the device's id while it belonged to the company
  oui TEXT NOT NULL,
  product_class TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  former_company_id TEXT NOT NULL,       -- no reference: the company is deleted
  former_company_code TEXT NOT NULL,
  manufacturer TEXT NOT NULL,
  model TEXT NOT NULL,
  hardware_version TEXT NOT NULL,
  software_version TEXT NOT NULL,
  data_model TEXT NOT NULL,
  tree TEXT NOT NULL,                    -- the parameter tree as device_parameters held it
  cwmp_username TEXT NOT NULL,           -- its credential, sealed as in devices: only a contact
  cwmp_password_enc TEXT NOT NULL,       -- that presents it keeps the device (not a forged Inform)
  source_ip TEXT NOT NULL,
  first_contact_at BIGINT NOT NULL,
  last_contact_at BIGINT NOT NULL,
  detached_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX unassigned_devices_identity ON unassigned_devices (oui, product_class, serial_number);
CREATE INDEX unassigned_devices_contact ON unassigned_devices (last_contact_at);
