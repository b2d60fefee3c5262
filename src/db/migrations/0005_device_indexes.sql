-- The device list at scale (issue 4, "Scale", measured by bench/cwmp_session_bench.cpp with
-- 100,000 devices in one company). Portable SQL only (SQLite and PostgreSQL).
--
-- A text search (search_text LIKE '%...%') can use no index: the list walks the company's devices
-- in the page's sort order until the page is full, and a search that matches few devices or none
-- walks them all. With search_text in the sort indexes that walk reads the index alone and visits
-- the table only for matches, instead of one random table read per device.
DROP INDEX devices_company_serial;
CREATE INDEX devices_company_serial_search ON devices (company_id, serial_number, search_text);
DROP INDEX devices_company_contact;
CREATE INDEX devices_company_contact_search ON devices (company_id, last_contact_at, search_text);

-- GET /api/v1/devices/summary counts online and insecure (auth mode none) devices: from this
-- index alone.
DROP INDEX devices_company_online;
CREATE INDEX devices_company_online_auth ON devices (company_id, online_until, auth_mode);
