// The `webhook-delivery` job (SEC-9): one run of webhook delivery (webhooks/delivery.h), then the
// failure rule: webhooks failing for 24 hours are disabled and the company's administrators
// mailed, in one transaction.
#pragma once

#include "jobs/scheduler.h"
#include "mail/outbox.h"
#include "webhooks/delivery.h"

namespace kanri::jobs {

Counts RunWebhookDelivery(db::Database& db, webhooks::WebhookRepository& repo, const webhooks::Poster& poster,
                          mail::Outbox& outbox, const Clock& clock);

}  // namespace kanri::jobs
