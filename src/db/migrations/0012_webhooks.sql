-- SEC-9: webhooks (webhooks/). A company's endpoints, each with the events it wants and its
-- signing secret (Standard Webhooks), sealed with the device-secrets key: Kanri must sign with
-- it, so it is kept recoverable, but never in clear. events: names separated by spaces.
-- failing_since: the first failed attempt since the last success (24 hours of it disables the
-- webhook; disabled_reason 'failing').
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  company_id TEXT NOT NULL REFERENCES companies(id),
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret_enc TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT NOT NULL DEFAULT '',
  failing_since BIGINT,
  created_by_login TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_company ON webhooks (company_id, created_at);

-- One event for one webhook: written in the transaction of the event (webhooks/events.h),
-- claimed and sent by the webhook-delivery job, retried with backoff for 24 hours. seq orders a
-- webhook's deliveries; one ordering key (a device's id, or '') is delivered strictly in seq
-- order: a delivery waits while an earlier one of its key is not yet delivered or given up.
-- payload: the JSON body as signed. Rows are kept 7 days after they end (the delivery log).
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  company_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  ordering_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  retry_until BIGINT NOT NULL,
  lease_until BIGINT,
  last_status INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  last_attempt_at BIGINT,
  delivered_at BIGINT
);
CREATE UNIQUE INDEX webhook_deliveries_seq ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_key ON webhook_deliveries (webhook_id, ordering_key, seq);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
