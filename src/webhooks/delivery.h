// One run of webhook delivery (the `webhook-delivery` job): claims the due deliveries, sends
// them signed (Standard Webhooks) and records each outcome, round after round while some are
// due (an ordering key's next event becomes due when the one before it is delivered), within
// `max_rounds`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/time.h"
#include "webhooks/sender.h"
#include "webhooks/webhooks.h"

namespace kanri::webhooks {

struct DeliveryReport {
  std::int64_t delivered = 0;
  std::int64_t retrying = 0;  // a failed attempt; tried again later
  std::int64_t failed = 0;    // given up after 24 hours
};

struct DeliverySettings {
  std::size_t batch = 50;        // deliveries per round
  std::size_t per_company = 10;  // of one company per round, so that one company's slow or
                                 // numerous endpoints cannot take a whole round
  std::size_t max_rounds = 20;
};

// The headers of one attempt of `out`, signed at `now`.
std::vector<std::pair<std::string, std::string>> SignedHeaders(const Outgoing& out, Timestamp now);

DeliveryReport Deliver(WebhookRepository& repo, const Poster& poster, const Clock& clock,
                       DeliverySettings settings = {});

}  // namespace kanri::webhooks
