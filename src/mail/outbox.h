// The mail outbox: every mail Kanri sends is first a row here, written in the same transaction
// as the event that causes it (an inactivity lock, a login alarm), so that no mail is lost when
// the process stops and none is queued for an event that was rolled back. The `mail-delivery`
// job (jobs/) claims due rows, sends them (mail/smtp.h) and records the outcome: sent; retried
// with backoff on a temporary failure until `retry_until` (24 hours after queueing); failed on a
// permanent one or after that. Each row has its own Message-ID, which every attempt reuses.
//
//   mail::Outbox outbox{db, clock, "kanri.example.jp"};
//   db::WriteTransaction tx(lease);
//   …the event…
//   outbox.Enqueue(lease, {.address = a.email, .language = a.language, .account = a.id}, "account.locked",
//   message); tx.Commit();
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/page.h"
#include "base/result.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"
#include "mail/messages.h"

namespace kanri::mail {

enum class MailState { kQueued, kSending, kSent, kFailed };
std::string_view ToString(MailState s);
std::optional<MailState> ParseMailState(std::string_view s);

struct Recipient {
  std::string address;
  std::string language = "ja";
  std::optional<CompanyId> company;  // whose event it is (shown to the provider)
  std::optional<AccountId> account;
};

struct OutboxEntry {
  std::string id;
  std::string message_id;  // "<id@domain>"
  Timestamp created_at;
  std::optional<CompanyId> company;
  std::optional<AccountId> account;
  std::string recipient;
  std::string kind;  // what caused it: "account.inactivity_reminder", "security.login_alarm", …
  Message message;
  MailState state = MailState::kQueued;
  int attempts = 0;
  Timestamp next_attempt_at;
  Timestamp retry_until;
  std::string last_error;
  std::optional<Timestamp> sent_at;
};

struct RetryPolicy {
  Millis first_delay = std::chrono::minutes{1};
  Millis max_delay = std::chrono::hours{1};
  Millis give_up_after = std::chrono::hours{24};
  // A claimed row whose sender stopped (crash) is claimed again after this.
  Millis claim_lease = std::chrono::minutes{5};
};

class Outbox {
 public:
  Outbox(db::Database& db, const Clock& clock, std::string message_id_domain, RetryPolicy retry = {})
      : db_(db), clock_(clock), domain_(std::move(message_id_domain)), retry_(retry) {}

  // Queues one mail inside the caller's write transaction; returns its outbox id. A recipient
  // address with characters that cannot be in one (line breaks, angle brackets) is refused.
  Result<std::string> Enqueue(db::Lease& lease, const Recipient& to, std::string_view kind,
                              const Message& message);
  // The same in its own transaction (a test mail).
  Result<std::string> Enqueue(const Recipient& to, std::string_view kind, const Message& message);

  // Provider side: newest first, optionally one state.
  Page<OutboxEntry> List(const ProviderScope& scope, std::optional<MailState> state, const PageRequest& page);
  Result<OutboxEntry> Get(const ProviderScope& scope, const std::string& id);
  // Queues a failed or sent mail again, with a fresh 24 hours of retries (same Message-ID:
  // it is the same mail). 409 while it is queued or being sent.
  Result<OutboxEntry> Resend(const ProviderScope& scope, const std::string& id);
  // Counts per state, for the console and the health of delivery.
  std::vector<std::pair<MailState, std::int64_t>> CountByState(const ProviderScope& scope);
  // OPS-2: how many mails wait to be sent (queued or being sent), and when the oldest of them
  // was queued.
  struct Waiting {
    std::int64_t count = 0;
    std::optional<Timestamp> oldest;
  };
  Waiting WaitingMail();

  // Delivery (the mail-delivery job): claims up to `limit` rows due at `now` (queued and due,
  // or claimed by a sender that stopped), each by a conditional UPDATE so that two senders
  // never claim one row.
  std::vector<OutboxEntry> ClaimDue(Timestamp now, std::size_t limit);
  void MarkSent(const std::string& id, Timestamp now);
  // A temporary failure: retried after a backoff (1, 2, 4 … minutes, at most an hour) until
  // retry_until, then failed. Returns the state the row is left in.
  MailState MarkTemporaryFailure(const OutboxEntry& entry, Timestamp now, const std::string& error);
  void MarkFailed(const std::string& id, const std::string& error);
  // Deletes sent and failed mail queued before `cutoff` (the `mail-retention` job: what people
  // were told is not kept for ever); returns how many.
  std::size_t PurgeBefore(Timestamp cutoff);

 private:
  db::Database& db_;
  const Clock& clock_;
  std::string domain_;
  RetryPolicy retry_;
};

}  // namespace kanri::mail
