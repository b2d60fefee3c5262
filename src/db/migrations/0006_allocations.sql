-- DEV-1, SEC-8 (issue 10): devices belong to a company only through the provider's allocation
-- (仕向け情報 recorded by site administrators), never because a company's profile claims them.
-- Portable SQL only (SQLite and PostgreSQL). Times are UTC milliseconds since the epoch.

-- One allocation: an OUI (upper-case hex), optionally a product class, and which serials:
--   kind 'serials'  the list in device_allocation_serials (at most 10,000);
--   kind 'prefix'   every serial starting with serial_prefix;
--   kind 'range'    serials of the same length as range_from/range_to, between them (bytes);
--   kind 'oui'      every serial of the OUI.
-- Two companies' allocations never overlap (checked when one is created).
CREATE TABLE device_allocations (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  oui TEXT NOT NULL,
  product_class TEXT,              -- NULL: any
  kind TEXT NOT NULL,              -- serials | prefix | range | oui
  serial_prefix TEXT,
  range_from TEXT,
  range_to TEXT,
  serial_count BIGINT NOT NULL,    -- kind 'serials': how many
  note TEXT NOT NULL,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX device_allocations_oui ON device_allocations (oui, kind);
CREATE INDEX device_allocations_company ON device_allocations (company_id, created_at);

-- The serials of 'serials' allocations, so that a device is looked up by index.
CREATE TABLE device_allocation_serials (
  allocation_id TEXT NOT NULL REFERENCES device_allocations(id),
  company_id TEXT NOT NULL REFERENCES companies(id),
  oui TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  PRIMARY KEY (allocation_id, serial_number)
);
CREATE INDEX device_allocation_serials_identity ON device_allocation_serials (oui, serial_number);
CREATE INDEX device_allocation_serials_serial ON device_allocation_serials (serial_number);

-- A lab setting: whether the company's profiles may admit devices without a credential.
ALTER TABLE companies ADD COLUMN allow_unauthenticated_devices INTEGER NOT NULL DEFAULT 0;

-- Devices attached before allocations existed keep their company: the provider's record is
-- started from them (one 'serials' allocation per company, OUI and product class, in chunks of
-- at most 10,000 serials), and can be reviewed in the console.
INSERT INTO device_allocations (id, company_id, oui, product_class, kind, serial_prefix, range_from,
                                range_to, serial_count, note, created_by_login, created_at)
SELECT 'upgrade-' || d.company_id || '-' || d.oui || '-' || CAST(d.chunk AS TEXT) || '-' ||
       CAST(MIN(d.pc_rank) AS TEXT),
       d.company_id, d.oui, d.product_class, 'serials', NULL, NULL, NULL, COUNT(*),
       'devices attached before allocations existed', 'kanri', MAX(d.created_at)
FROM (SELECT company_id, oui, product_class, created_at,
             DENSE_RANK() OVER (PARTITION BY company_id, oui ORDER BY product_class) AS pc_rank,
             (ROW_NUMBER() OVER (PARTITION BY company_id, oui, product_class ORDER BY serial_number) - 1)
               / 10000 AS chunk
      FROM devices) d
GROUP BY d.company_id, d.oui, d.product_class, d.chunk;

INSERT INTO device_allocation_serials (allocation_id, company_id, oui, serial_number)
SELECT 'upgrade-' || d.company_id || '-' || d.oui || '-' || CAST(d.chunk AS TEXT) || '-' ||
       CAST(d.pc_rank AS TEXT),
       d.company_id, d.oui, d.serial_number
FROM (SELECT company_id, oui, serial_number,
             DENSE_RANK() OVER (PARTITION BY company_id, oui ORDER BY product_class) AS pc_rank,
             (ROW_NUMBER() OVER (PARTITION BY company_id, oui, product_class ORDER BY serial_number) - 1)
               / 10000 AS chunk
      FROM devices) d;

-- Refused devices: rows expire (30 days), the table is capped, and the refusal reasons are
-- those of allocations (unallocated | no_profile | ambiguous | bad_credentials |
-- unauthenticated_not_allowed).
UPDATE refused_devices SET reason = 'unallocated' WHERE reason = 'unmatched';
