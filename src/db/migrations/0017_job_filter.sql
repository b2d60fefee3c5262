-- Issue 18: a job made from the device list's filter ("select all N matching") keeps that filter
-- (JSON of devices::DeviceFilter; NULL for a group's job), so its page says what it ran on.
ALTER TABLE jobs ADD COLUMN filter TEXT;
