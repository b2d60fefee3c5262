// One round of mail delivery (the `mail-delivery` job): claims the outbox rows that are due,
// sends each over SMTP and records the outcome in the outbox (mail/outbox.h).
#pragma once

#include <cstddef>

#include "base/time.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

namespace kanri::mail {

struct DeliveryReport {
  std::int64_t sent = 0;
  std::int64_t retrying = 0;  // a temporary failure; tried again later
  std::int64_t failed = 0;    // refused for good, or retried for 24 hours in vain
};

DeliveryReport Deliver(Outbox& outbox, const SmtpSender& sender, Timestamp now, std::size_t batch = 50);

}  // namespace kanri::mail
