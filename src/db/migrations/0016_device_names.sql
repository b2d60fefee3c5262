-- Issue 18 (DEV-2): a device's name and free-text note (set by operators), the MAC address of
-- its WAN interface (from the parameter tree, like wan_ip), and all of them with the WAN IP
-- address in the device list's search (devices.search_text, devices::SearchText). wan_mac is
-- filled, and search_text rewritten whole, at each device's next report.
ALTER TABLE devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN wan_mac TEXT NOT NULL DEFAULT '';
UPDATE devices SET search_text = search_text || ' ' || LOWER(wan_ip) WHERE wan_ip <> '';
