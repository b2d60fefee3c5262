#include "jobs/webhook_delivery.h"

#include "identity/accounts.h"
#include "mail/messages.h"

namespace kanri::jobs {

Counts RunWebhookDelivery(db::Database& db, webhooks::WebhookRepository& repo, const webhooks::Poster& poster,
                          mail::Outbox& outbox, const Clock& clock) {
  const auto report = webhooks::Deliver(repo, poster, clock);
  auto lease = db.Acquire();
  db::WriteTransaction tx(lease);
  const Timestamp now = clock.Now();
  const auto disabled = repo.DisableFailing(lease, now);
  for (const auto& w : disabled) {
    const mail::WebhookDisabledFacts facts{w.name, w.url, w.failing_since, now};
    for (const auto& admin : identity::ActiveAdministrators(lease, w.company_id))
      (void)outbox.Enqueue(
          lease,
          {.address = admin.email, .language = admin.language, .company = w.company_id, .account = admin.id},
          "webhook.disabled", mail::WebhookDisabled(admin.language, facts));
  }
  tx.Commit();
  return {{"delivered", report.delivered},
          {"retrying", report.retrying},
          {"failed", report.failed},
          {"disabled", static_cast<std::int64_t>(disabled.size())}};
}

}  // namespace kanri::jobs
