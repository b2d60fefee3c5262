#include "mail/delivery.h"

#include <optional>

#include "base/log.h"

namespace kanri::mail {

DeliveryReport Deliver(Outbox& outbox, const SmtpSender& sender, Timestamp now, std::size_t batch) {
  DeliveryReport report;
  // When the server cannot be reached at all, the rest of the round is not tried: each would
  // wait for the same timeout. They are retried like the first.
  std::optional<SendResult> unreachable;
  for (const auto& entry : outbox.ClaimDue(now, batch)) {
    const SendResult r =
        unreachable ? *unreachable
                    : sender.Send(entry.recipient, entry.message_id, entry.message, entry.created_at);
    if (!r.ok && r.smtp_code == 0) unreachable = r;
    if (r.ok) {
      outbox.MarkSent(entry.id, now);
      ++report.sent;
      continue;
    }
    LogInfo("mail not delivered", {{"outbox_id", entry.id}, {"error", r.error}, {"permanent", r.permanent}});
    if (r.permanent) {
      outbox.MarkFailed(entry.id, r.error);
      ++report.failed;
    } else if (outbox.MarkTemporaryFailure(entry, now, r.error) == MailState::kFailed) {
      ++report.failed;
    } else {
      ++report.retrying;
    }
  }
  return report;
}

}  // namespace kanri::mail
