-- Issue 11: the task flow tolerates the CPEs that exist.
-- attempt: an internal read (the full read after onboarding) that a device interrupted (it
--   crashed, rebooted or dropped the connection mid-RPC) is queued again, attempt + 1, at most 3.
-- awaiting_device: a running task whose RPC the device accepted and that now waits for the
--   device to report back (reboot, factory reset, a download); 0 while its RPC is in flight, so
--   that a task left running by a session that ended mid-RPC is told apart and failed.
ALTER TABLE tasks ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tasks ADD COLUMN awaiting_device INTEGER NOT NULL DEFAULT 0;
