#include "mail/outbox.h"

#include <algorithm>

namespace kanri::mail {

std::string_view ToString(MailState s) {
  switch (s) {
    case MailState::kQueued:
      return "queued";
    case MailState::kSending:
      return "sending";
    case MailState::kSent:
      return "sent";
    case MailState::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<MailState> ParseMailState(std::string_view s) {
  for (auto st : {MailState::kQueued, MailState::kSending, MailState::kSent, MailState::kFailed})
    if (ToString(st) == s) return st;
  return std::nullopt;
}

namespace {

constexpr const char* kColumns =
    "id, message_id, created_at, company_id, account_id, recipient, kind, subject, body, state, attempts, "
    "next_attempt_at, retry_until, last_error, sent_at";

OutboxEntry ReadEntry(const soci::row& r) {
  OutboxEntry e;
  e.id = r.get<std::string>(0);
  e.message_id = r.get<std::string>(1);
  e.created_at = FromUnixMillis(r.get<long long>(2));
  if (r.get_indicator(3) != soci::i_null) e.company = CompanyId{r.get<std::string>(3)};
  if (r.get_indicator(4) != soci::i_null) e.account = AccountId{r.get<std::string>(4)};
  e.recipient = r.get<std::string>(5);
  e.kind = r.get<std::string>(6);
  e.message.subject = r.get<std::string>(7);
  e.message.body = r.get<std::string>(8);
  e.state = ParseMailState(r.get<std::string>(9)).value_or(MailState::kFailed);
  e.attempts = r.get<int>(10);
  e.next_attempt_at = FromUnixMillis(r.get<long long>(11));
  e.retry_until = FromUnixMillis(r.get<long long>(12));
  e.last_error = r.get<std::string>(13);
  e.sent_at = db::RowTime(r, 14);
  return e;
}

std::optional<OutboxEntry> SelectOne(db::Lease& lease, const std::string& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kColumns + " FROM mail_outbox WHERE id = :id",
       soci::use(id));
  for (const auto& r : rows) return ReadEntry(r);
  return std::nullopt;
}

// An address goes into the SMTP envelope and a header: nothing that could end either.
bool IsSafeAddress(std::string_view a) {
  const auto at = a.find('@');
  return !a.empty() && a.size() <= 254 && at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
         std::none_of(a.begin(), a.end(), [](unsigned char c) {
           return c < 0x21 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
                  c == '\\';
         });
}

// What an SMTP server said is kept for the provider, clipped.
std::string Clip(std::string_view text) {
  constexpr std::size_t kMax = 500;
  return std::string(text.substr(0, kMax));
}

}  // namespace

Result<std::string> Outbox::Enqueue(db::Lease& lease, const Recipient& to, std::string_view kind,
                                    const Message& message) {
  if (!IsSafeAddress(to.address)) return InvalidArgument("to", "not a mail address Kanri can send to");
  const std::string id = GenerateOpaqueId();
  const std::string message_id = "<" + id + "@" + domain_ + ">";
  const long long now = ToUnixMillis(clock_.Now());
  const long long until = now + retry_.give_up_after.count();
  const std::optional<std::string> company = to.company ? std::optional(to.company->value()) : std::nullopt;
  const std::optional<std::string> account = to.account ? std::optional(to.account->value()) : std::nullopt;
  const std::string kind_text{kind};
  lease.sql()
      << "INSERT INTO mail_outbox (id, message_id, created_at, company_id, account_id, recipient, kind, "
         "subject, body, state, attempts, next_attempt_at, retry_until, last_error) VALUES (:id, :mid, :t, "
         ":c, :a, :r, :k, :s, :b, 'queued', 0, :n, :u, '')",
      soci::use(id), soci::use(message_id), soci::use(now), soci::use(company), soci::use(account),
      soci::use(to.address), soci::use(kind_text), soci::use(message.subject), soci::use(message.body),
      soci::use(now), soci::use(until);
  return id;
}

Result<std::string> Outbox::Enqueue(const Recipient& to, std::string_view kind, const Message& message) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto id = Enqueue(lease, to, kind, message);
  if (id) tx.Commit();
  return id;
}

Page<OutboxEntry> Outbox::List(const ProviderScope&, std::optional<MailState> state,
                               const PageRequest& page) {
  const auto [before_t, before_id] = NewestFirstCursor(page.after);
  const std::string state_text = state ? std::string(ToString(*state)) : "";
  const int limit = static_cast<int>(page.limit) + 1;
  auto lease = db_.Acquire();
  std::vector<OutboxEntry> rows;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << std::string("SELECT ") + kColumns +
                  " FROM mail_outbox WHERE (:s1 = '' OR state = :s2) AND (created_at < :t1 OR "
                  "(created_at = :t2 AND id < :id)) ORDER BY created_at DESC, id DESC LIMIT :n",
       soci::use(state_text), soci::use(state_text), soci::use(before_t), soci::use(before_t),
       soci::use(before_id), soci::use(limit));
  for (const auto& r : rs) rows.push_back(ReadEntry(r));
  return MakePage(std::move(rows), page.limit,
                  [](const OutboxEntry& e) { return NewestFirstKey(ToUnixMillis(e.created_at), e.id); });
}

Result<OutboxEntry> Outbox::Get(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  auto e = SelectOne(lease, id);
  if (!e) return NotFound("mail not found");
  return *e;
}

Result<OutboxEntry> Outbox::Resend(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto e = SelectOne(lease, id);
  if (!e) return NotFound("mail not found");
  if (e->state == MailState::kQueued || e->state == MailState::kSending)
    return Conflict("this mail is still waiting to be sent", "mail_pending");
  const long long now = ToUnixMillis(clock_.Now());
  const long long until = now + retry_.give_up_after.count();
  lease.sql()
      << "UPDATE mail_outbox SET state = 'queued', attempts = 0, next_attempt_at = :n, retry_until = :u, "
         "lease_until = NULL, last_error = '', sent_at = NULL WHERE id = :id",
      soci::use(now), soci::use(until), soci::use(id);
  auto updated = SelectOne(lease, id);
  tx.Commit();
  return *updated;
}

std::vector<std::pair<MailState, std::int64_t>> Outbox::CountByState(const ProviderScope&) {
  auto lease = db_.Acquire();
  std::vector<std::pair<MailState, std::int64_t>> out;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare << "SELECT state, COUNT(*) FROM mail_outbox GROUP BY state");
  for (const auto& r : rs)
    if (auto st = ParseMailState(r.get<std::string>(0))) out.emplace_back(*st, db::RowInteger(r, 1));
  return out;
}

Outbox::Waiting Outbox::WaitingMail() {
  auto lease = db_.Acquire();
  long long count = 0, oldest = 0;
  soci::indicator ind = soci::i_ok;
  lease.sql() << "SELECT COUNT(*), MIN(created_at) FROM mail_outbox WHERE state IN ('queued', 'sending')",
      soci::into(count), soci::into(oldest, ind);
  Waiting w{.count = count, .oldest = std::nullopt};
  if (ind != soci::i_null) w.oldest = FromUnixMillis(oldest);
  return w;
}

std::vector<OutboxEntry> Outbox::ClaimDue(Timestamp now, std::size_t limit) {
  const long long t = ToUnixMillis(now);
  const long long lease_until = t + retry_.claim_lease.count();
  const int n = static_cast<int>(limit);
  std::vector<std::string> candidates;
  {
    auto lease = db_.Acquire();
    soci::rowset<soci::row> rs =
        (lease.sql().prepare
             << "SELECT id FROM mail_outbox WHERE (state = 'queued' AND next_attempt_at <= :t1) OR "
                "(state = 'sending' AND lease_until < :t2) ORDER BY next_attempt_at LIMIT :n",
         soci::use(t), soci::use(t), soci::use(n));
    for (const auto& r : rs) candidates.push_back(r.get<std::string>(0));
  }
  std::vector<OutboxEntry> claimed;
  for (const auto& id : candidates) {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    soci::statement st =
        (lease.sql().prepare
             << "UPDATE mail_outbox SET state = 'sending', lease_until = :l, attempts = attempts + 1 "
                "WHERE id = :id AND ((state = 'queued' AND next_attempt_at <= :t1) OR "
                "(state = 'sending' AND lease_until < :t2))",
         soci::use(lease_until), soci::use(id), soci::use(t), soci::use(t));
    st.execute(true);
    if (db::AffectedRows(st) != 1) continue;
    auto e = SelectOne(lease, id);
    tx.Commit();
    if (e) claimed.push_back(std::move(*e));
  }
  return claimed;
}

void Outbox::MarkSent(const std::string& id, Timestamp now) {
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(now);
  lease.sql() << "UPDATE mail_outbox SET state = 'sent', sent_at = :t, lease_until = NULL, last_error = '' "
                 "WHERE id = :id",
      soci::use(t), soci::use(id);
}

MailState Outbox::MarkTemporaryFailure(const OutboxEntry& entry, Timestamp now, const std::string& error) {
  // 1, 2, 4 … minutes after each attempt, at most max_delay.
  Millis delay = retry_.first_delay;
  for (int i = 1; i < entry.attempts && delay < retry_.max_delay; ++i) delay *= 2;
  delay = std::min(delay, retry_.max_delay);
  const Timestamp next = now + delay;
  if (next > entry.retry_until) {
    MarkFailed(entry.id, "gave up after " + std::to_string(entry.attempts) + " attempt(s): " + error);
    return MailState::kFailed;
  }
  auto lease = db_.Acquire();
  const long long n = ToUnixMillis(next);
  const std::string clipped = Clip(error);
  lease.sql() << "UPDATE mail_outbox SET state = 'queued', next_attempt_at = :n, lease_until = NULL, "
                 "last_error = :e WHERE id = :id",
      soci::use(n), soci::use(clipped), soci::use(entry.id);
  return MailState::kQueued;
}

void Outbox::MarkFailed(const std::string& id, const std::string& error) {
  auto lease = db_.Acquire();
  const std::string clipped = Clip(error);
  lease.sql()
      << "UPDATE mail_outbox SET state = 'failed', lease_until = NULL, last_error = :e WHERE id = :id",
      soci::use(clipped), soci::use(id);
}

std::size_t Outbox::PurgeBefore(Timestamp cutoff) {
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(cutoff);
  soci::statement st =
      (lease.sql().prepare << "DELETE FROM mail_outbox WHERE state IN ('sent', 'failed') AND "
                              "created_at < :t",
       soci::use(t));
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

}  // namespace kanri::mail
