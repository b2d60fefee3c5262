-- DEV-8: a task that failed for a passing reason (a CPE fault like 9002, a session that broke)
-- is queued again in its own row, attempt + 1, to run at the device's first session from
-- retry_at; an operator's retry queues a failed task again from attempt 1.
ALTER TABLE tasks ADD COLUMN retry_at BIGINT;
-- A retry of a task whose device was reached by a connection request when it was created ("run
-- now") asks the device to connect again once the retry is due, instead of waiting for its next
-- periodic session; 1 until that is done.
ALTER TABLE tasks ADD COLUMN retry_wake INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tasks_retry_wake ON tasks (retry_wake, retry_at);
