#include "webhooks/delivery.h"

#include "webhooks/signature.h"

namespace kanri::webhooks {

std::vector<std::pair<std::string, std::string>> SignedHeaders(const Outgoing& out, Timestamp now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto key = SecretKey(out.secret);
  return {{"webhook-id", out.delivery.event_id},
          {"webhook-timestamp", std::to_string(seconds)},
          {"webhook-signature", key ? Sign(*key, out.delivery.event_id, seconds, out.payload) : ""}};
}

DeliveryReport Deliver(WebhookRepository& repo, const Poster& poster, const Clock& clock,
                       DeliverySettings settings) {
  DeliveryReport report;
  for (std::size_t round = 0; round < settings.max_rounds; ++round) {
    const Timestamp now = clock.Now();
    auto claimed = repo.ClaimDue(now, settings.batch, settings.per_company);
    if (claimed.empty()) break;
    std::vector<PostRequest> requests;
    requests.reserve(claimed.size());
    for (const auto& out : claimed) requests.push_back({out.url, SignedHeaders(out, now), out.payload});
    const auto results = poster.PostAll(requests);
    const Timestamp done = clock.Now();
    for (std::size_t i = 0; i < claimed.size(); ++i) {
      const PostResult& r = i < results.size() ? results[i] : PostResult{std::nullopt, "not sent"};
      if (r.ok()) {
        repo.MarkDelivered(claimed[i], done, *r.status);
        ++report.delivered;
        continue;
      }
      const std::string error =
          !r.error.empty() ? r.error : "answered HTTP " + std::to_string(r.status.value_or(0));
      if (repo.MarkAttemptFailed(claimed[i], done, r.status, error) == DeliveryState::kFailed)
        ++report.failed;
      else
        ++report.retrying;
    }
  }
  return report;
}

}  // namespace kanri::webhooks
