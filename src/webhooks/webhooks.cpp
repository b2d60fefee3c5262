#include "webhooks/webhooks.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <set>

#include "base/text.h"
#include "webhooks/signature.h"

namespace kanri::webhooks {

namespace json = boost::json;

std::string_view ToString(DeliveryState s) {
  switch (s) {
    case DeliveryState::kQueued:
      return "queued";
    case DeliveryState::kSending:
      return "sending";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view s) {
  for (auto st :
       {DeliveryState::kQueued, DeliveryState::kSending, DeliveryState::kDelivered, DeliveryState::kFailed})
    if (ToString(st) == s) return st;
  return std::nullopt;
}

namespace {

constexpr const char* kWebhookColumns =
    "w.id, w.company_id, w.name, w.url, w.events, w.enabled, w.disabled_reason, w.failing_since, "
    "w.created_by_login, w.created_at, w.updated_at";

constexpr const char* kDeliveryColumns =
    "d.id, d.webhook_id, d.event_id, d.event_type, d.created_at, d.state, d.attempts, d.last_status, "
    "d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at";

long long Ms(Timestamp t) {
  return ToUnixMillis(t);
}

std::vector<std::string> SplitEvents(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t end = std::min(text.find(' ', i), text.size());
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

std::string JoinEvents(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : " ") + e;
  return out;
}

Webhook ReadWebhook(const soci::row& r) {
  Webhook w;
  w.id = r.get<std::string>(0);
  w.company_id = CompanyId{r.get<std::string>(1)};
  w.name = r.get<std::string>(2);
  w.url = r.get<std::string>(3);
  w.events = SplitEvents(r.get<std::string>(4));
  w.enabled = db::RowInteger(r, 5) != 0;
  w.disabled_reason = r.get<std::string>(6);
  w.failing_since = db::RowTime(r, 7);
  w.created_by_login = r.get<std::string>(8);
  w.created_at = FromUnixMillis(db::RowInteger(r, 9));
  w.updated_at = FromUnixMillis(db::RowInteger(r, 10));
  return w;
}

Delivery ReadDelivery(const soci::row& r) {
  Delivery d;
  d.id = r.get<std::string>(0);
  d.webhook_id = r.get<std::string>(1);
  d.event_id = r.get<std::string>(2);
  d.event_type = r.get<std::string>(3);
  d.created_at = FromUnixMillis(db::RowInteger(r, 4));
  d.state = ParseDeliveryState(r.get<std::string>(5)).value_or(DeliveryState::kFailed);
  d.attempts = static_cast<int>(db::RowInteger(r, 6));
  if (r.get_indicator(7) != soci::i_null) d.last_status = static_cast<int>(db::RowInteger(r, 7));
  d.last_error = r.get<std::string>(8);
  d.last_attempt_at = db::RowTime(r, 9);
  if (d.state == DeliveryState::kQueued) d.next_attempt_at = db::RowTime(r, 10);
  d.delivered_at = db::RowTime(r, 11);
  return d;
}

std::optional<Webhook> SelectWebhook(db::Lease& lease, const CompanyId& company, const std::string& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kWebhookColumns +
                                  " FROM webhooks w WHERE w.id = :id AND w.company_id = :c",
       soci::use(id), soci::use(company.value()));
  for (const auto& r : rows) return ReadWebhook(r);
  return std::nullopt;
}

std::optional<Delivery> SelectDelivery(db::Lease& lease, const std::string& id) {
  soci::rowset<soci::row> rows = (lease.sql().prepare << std::string("SELECT ") + kDeliveryColumns +
                                                             " FROM webhook_deliveries d WHERE d.id = :id",
                                  soci::use(id));
  for (const auto& r : rows) return ReadDelivery(r);
  return std::nullopt;
}

// The newest delivery of each of the webhooks (for the list).
void FillLastDelivery(db::Lease& lease, Webhook& w) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT created_at, state, last_status FROM webhook_deliveries WHERE webhook_id = "
              ":w ORDER BY seq DESC LIMIT 1",
       soci::use(w.id));
  for (const auto& r : rows) {
    LastDelivery last;
    last.at = FromUnixMillis(db::RowInteger(r, 0));
    last.state = ParseDeliveryState(r.get<std::string>(1)).value_or(DeliveryState::kFailed);
    if (r.get_indicator(2) != soci::i_null) last.status = static_cast<int>(db::RowInteger(r, 2));
    w.last_delivery = last;
  }
}

// Inserts one delivery of `webhook` as the next of its sequence; returns its id.
std::string InsertDelivery(db::Lease& lease, Timestamp now, Millis give_up_after, const std::string& webhook,
                           const std::string& company, std::string_view ordering_key,
                           const std::string& event_id, std::string_view type, const std::string& payload) {
  long long seq = 0;
  soci::indicator ind = soci::i_ok;
  lease.sql() << "SELECT MAX(seq) FROM webhook_deliveries WHERE webhook_id = :w", soci::use(webhook),
      soci::into(seq, ind);
  seq = ind == soci::i_null ? 1 : seq + 1;
  std::string id = GenerateOpaqueId();
  const long long t = Ms(now), until = Ms(now + give_up_after);
  const std::string key{ordering_key}, type_text{type};
  lease.sql()
      << "INSERT INTO webhook_deliveries (id, webhook_id, company_id, seq, ordering_key, event_id, "
         "event_type, payload, created_at, state, attempts, next_attempt_at, retry_until, last_error) "
         "VALUES (:id, :w, :c, :s, :k, :e, :t, :p, :ct, 'queued', 0, :n, :u, '')",
      soci::use(id), soci::use(webhook), soci::use(company), soci::use(seq), soci::use(key),
      soci::use(event_id), soci::use(type_text), soci::use(payload), soci::use(t), soci::use(t),
      soci::use(until);
  return id;
}

std::string Payload(std::string_view type, Timestamp now, const json::object& data) {
  return json::serialize(json::object{{"type", type}, {"timestamp", FormatUtc(now)}, {"data", data}});
}

std::string NewEventId() {
  return "msg_" + GenerateOpaqueId();
}

// 1, 2, 4 … minutes after each attempt, at most max_delay.
Millis Backoff(const RetryPolicy& retry, int attempts) {
  Millis delay = retry.first_delay;
  for (int i = 1; i < attempts && delay < retry.max_delay; ++i) delay *= 2;
  return std::min(delay, retry.max_delay);
}

std::string Clip(std::string_view text) {
  return std::string(text.substr(0, 300));
}

}  // namespace

std::size_t Emit(db::Lease& lease, Timestamp now, const CompanyId& company, std::string_view type,
                 std::string_view ordering_key, const json::object& data) {
  std::vector<std::pair<std::string, std::string>> hooks;  // id, events
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT id, events FROM webhooks WHERE company_id = :c AND enabled = 1",
         soci::use(company.value()));
    for (const auto& r : rows) hooks.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
  }
  if (hooks.empty()) return 0;
  const std::string event_id = NewEventId();
  const std::string payload = Payload(type, now, data);
  const RetryPolicy retry;
  std::size_t queued = 0;
  for (const auto& [id, events] : hooks) {
    const auto list = SplitEvents(events);
    if (std::find(list.begin(), list.end(), type) == list.end()) continue;
    InsertDelivery(lease, now, retry.give_up_after, id, company.value(), ordering_key, event_id, type,
                   payload);
    ++queued;
  }
  return queued;
}

Status CheckUrlShape(std::string_view url) {
  if (url.size() > kMaxUrlLength) return InvalidArgument("url", "the URL is longer than 2048 characters");
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return InvalidArgument("url", "not an absolute URL");
  if (AsciiLower(parsed->scheme()) != "https") return InvalidArgument("url", "webhook URLs must use https");
  if (parsed->host().empty()) return InvalidArgument("url", "the URL has no host");
  if (parsed->has_userinfo()) return InvalidArgument("url", "the URL must not carry a user name or password");
  if (parsed->has_fragment()) return InvalidArgument("url", "the URL must not have a fragment");
  return Ok{};
}

UrlCheck AddressCheck(AddressPolicy policy) {
  return [policy = std::move(policy)](std::string_view url) -> Status {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) return InvalidArgument("url", "not an absolute URL");
    std::string host = AsciiLower(parsed->encoded_host_address());
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::optional<boost::asio::ip::address> address = ParseAddress(host);
    if (!address && (host == "localhost" || host.ends_with(".localhost")))
      address = boost::asio::ip::make_address("127.0.0.1");
    if (!address) return Ok{};  // a name: checked, resolved, at each delivery
    if (auto ok = policy.Check(*address); !ok)
      return Error{ErrorCode::kLimitExceeded, "the webhook's address is not allowed: " + ok.error().message,
                   "url", "address_not_allowed"};
    return Ok{};
  };
}

Result<std::string> WebhookRepository::CheckedSecret(const std::optional<std::string>& given) const {
  if (!given) return NewSecret();
  auto key = SecretKey(*given);
  if (!key) return key.error();
  return *given;
}

Status WebhookRepository::CheckInput(const std::optional<std::string>& name,
                                     const std::optional<std::string>& url,
                                     const std::optional<std::vector<std::string>>& events) const {
  if (name) {
    if (Trim(*name).empty()) return InvalidArgument("name", "a webhook needs a name");
    const long length = Utf8Length(*name);
    if (length < 0 || length > static_cast<long>(kMaxNameLength))
      return InvalidArgument("name", "the name must be UTF-8 text of at most 100 characters");
  }
  if (url) {
    if (auto shape = CheckUrlShape(*url); !shape) return shape;
    if (check_)
      if (auto ok = check_(*url); !ok) return ok;
  }
  if (events) {
    if (events->empty()) return InvalidArgument("events", "choose at least one event");
    std::set<std::string> seen;
    for (const auto& e : *events) {
      if (std::find(kEventTypes.begin(), kEventTypes.end(), e) == kEventTypes.end())
        return InvalidArgument("events", "unknown event type: " + e);
      if (!seen.insert(e).second) return InvalidArgument("events", "listed twice: " + e);
    }
  }
  return Ok{};
}

Result<CreatedWebhook> WebhookRepository::Create(const CompanyId& company, const NewWebhook& input,
                                                 const std::string& login) {
  if (auto ok = CheckInput(input.name, input.url, input.events); !ok) return ok.error();
  auto secret = CheckedSecret(input.secret);
  if (!secret) return secret.error();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  long long count = 0;
  lease.sql() << "SELECT COUNT(*) FROM webhooks WHERE company_id = :c", soci::use(company.value()),
      soci::into(count);
  if (count >= static_cast<long long>(kMaxWebhooksPerCompany))
    return LimitExceeded("limit_exceeded", "a company has at most 10 webhooks");
  const std::string id = GenerateOpaqueId();
  const long long t = Ms(clock_.Now());
  const std::string name{Trim(input.name)}, events = JoinEvents(input.events),
                                            sealed = secrets_.Seal(*secret);
  lease.sql()
      << "INSERT INTO webhooks (id, company_id, name, url, events, secret_enc, enabled, disabled_reason, "
         "created_by_login, created_at, updated_at) VALUES (:id, :c, :n, :u, :e, :s, 1, '', :l, :t, :t2)",
      soci::use(id), soci::use(company.value()), soci::use(name), soci::use(input.url), soci::use(events),
      soci::use(sealed), soci::use(login), soci::use(t), soci::use(t);
  auto w = SelectWebhook(lease, company, id);
  tx.Commit();
  return CreatedWebhook{*w, *secret};
}

std::vector<Webhook> WebhookRepository::List(const CompanyId& company) {
  auto lease = db_.Acquire();
  std::vector<Webhook> out;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT ") + kWebhookColumns +
                                    " FROM webhooks w WHERE w.company_id = :c ORDER BY w.created_at, w.id",
         soci::use(company.value()));
    for (const auto& r : rows) out.push_back(ReadWebhook(r));
  }
  for (auto& w : out) FillLastDelivery(lease, w);
  return out;
}

Result<Webhook> WebhookRepository::Get(const CompanyId& company, const std::string& id) {
  auto lease = db_.Acquire();
  auto w = SelectWebhook(lease, company, id);
  if (!w) return NotFound("webhook not found");
  FillLastDelivery(lease, *w);
  return *w;
}

Result<Webhook> WebhookRepository::Update(const CompanyId& company, const std::string& id,
                                          const WebhookPatch& patch) {
  if (auto ok = CheckInput(patch.name, patch.url, patch.events); !ok) return ok.error();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto w = SelectWebhook(lease, company, id);
  if (!w) return NotFound("webhook not found");
  const std::string name = patch.name ? std::string(Trim(*patch.name)) : w->name;
  const std::string url = patch.url.value_or(w->url);
  const std::string events = JoinEvents(patch.events.value_or(w->events));
  const int enabled = patch.enabled.value_or(w->enabled) ? 1 : 0;
  // Enabling again starts afresh; disabling by hand is not "failing".
  const bool reset = patch.enabled.has_value() && *patch.enabled != w->enabled;
  const std::string reason = reset ? std::string() : w->disabled_reason;
  std::optional<long long> failing = w->failing_since ? std::optional(Ms(*w->failing_since)) : std::nullopt;
  if (reset) failing.reset();
  const long long t = Ms(clock_.Now());
  lease.sql() << "UPDATE webhooks SET name = :n, url = :u, events = :e, enabled = :en, disabled_reason = :r, "
                 "failing_since = :f, updated_at = :t WHERE id = :id",
      soci::use(name), soci::use(url), soci::use(events), soci::use(enabled), soci::use(reason),
      soci::use(failing), soci::use(t), soci::use(id);
  if (enabled == 0)
    lease.sql() << "UPDATE webhook_deliveries SET state = 'failed', last_error = 'the webhook was disabled', "
                   "lease_until = NULL WHERE webhook_id = :w AND state = 'queued'",
        soci::use(id);
  auto updated = SelectWebhook(lease, company, id);
  FillLastDelivery(lease, *updated);
  tx.Commit();
  return *updated;
}

Result<Webhook> WebhookRepository::Delete(const CompanyId& company, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto w = SelectWebhook(lease, company, id);
  if (!w) return NotFound("webhook not found");
  lease.sql() << "DELETE FROM webhook_deliveries WHERE webhook_id = :w", soci::use(id);
  lease.sql() << "DELETE FROM webhooks WHERE id = :id", soci::use(id);
  tx.Commit();
  return *w;
}

Result<Delivery> WebhookRepository::QueueTest(const CompanyId& company, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto w = SelectWebhook(lease, company, id);
  if (!w) return NotFound("webhook not found");
  if (!w->enabled) return Conflict("the webhook is disabled; enable it first", "webhook_disabled");
  // One test at a time: a flood of test requests cannot fill the outbox.
  long long pending = 0;
  const std::string test_type(kTestEvent);
  lease.sql()
      << "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = :w AND event_type = :t AND state IN "
         "('queued', 'sending')",
      soci::use(id), soci::use(test_type), soci::into(pending);
  if (pending > 0) return Conflict("a test event is still waiting to be delivered", "test_pending");
  const Timestamp now = clock_.Now();
  const json::object data{{"webhook_id", w->id}, {"message", "This is a test event from Kanri."}};
  const std::string delivery = InsertDelivery(lease, now, retry_.give_up_after, w->id, company.value(), "",
                                              NewEventId(), kTestEvent, Payload(kTestEvent, now, data));
  auto d = SelectDelivery(lease, delivery);
  tx.Commit();
  return *d;
}

Result<Page<Delivery>> WebhookRepository::Deliveries(const CompanyId& company, const std::string& id,
                                                     std::optional<DeliveryState> state,
                                                     const PageRequest& page) {
  auto lease = db_.Acquire();
  if (!SelectWebhook(lease, company, id)) return NotFound("webhook not found");
  const auto [before_t, before_id] = NewestFirstCursor(page.after);
  const std::string state_text = state ? std::string(ToString(*state)) : "";
  const int limit = static_cast<int>(page.limit) + 1;
  std::vector<Delivery> rows;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << std::string("SELECT ") + kDeliveryColumns +
                  " FROM webhook_deliveries d WHERE d.webhook_id = :w AND (:s1 = '' OR d.state = "
                  ":s2) AND (d.created_at < :t1 OR (d.created_at = :t2 AND d.id < :id)) ORDER BY "
                  "d.created_at DESC, d.id DESC LIMIT :n",
       soci::use(id), soci::use(state_text), soci::use(state_text), soci::use(before_t), soci::use(before_t),
       soci::use(before_id), soci::use(limit));
  for (const auto& r : rs) rows.push_back(ReadDelivery(r));
  return MakePage(std::move(rows), page.limit,
                  [](const Delivery& d) { return NewestFirstKey(Ms(d.created_at), d.id); });
}

std::vector<Outgoing> WebhookRepository::ClaimDue(Timestamp now, std::size_t limit, std::size_t per_company) {
  const long long t = Ms(now);
  const long long lease_until = Ms(now + retry_.claim_lease);
  // Candidates: due, of an enabled webhook, and the first undelivered of their ordering key; at
  // most per_company of each company, the companies taken by their longest wait, so that one
  // company's backlog cannot keep the others out of a round.
  constexpr const char* kDue =
      " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.enabled = 1 AND ((d.state = "
      "'queued' AND d.next_attempt_at <= :t1) OR (d.state = 'sending' AND d.lease_until < :t2)) AND NOT "
      "EXISTS "
      "(SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.ordering_key = "
      "d.ordering_key "
      "AND e.seq < d.seq AND e.state IN ('queued', 'sending'))";
  std::vector<std::pair<std::string, std::string>> candidates;  // delivery, company
  {
    auto lease = db_.Acquire();
    std::vector<std::string> companies;
    {
      const int n = static_cast<int>(limit);
      soci::rowset<soci::row> rs =
          (lease.sql().prepare << std::string("SELECT d.company_id, MIN(d.next_attempt_at) AS first") + kDue +
                                      " GROUP BY d.company_id ORDER BY first LIMIT :n",
           soci::use(t), soci::use(t), soci::use(n));
      for (const auto& r : rs) companies.push_back(r.get<std::string>(0));
    }
    const int per = static_cast<int>(per_company);
    for (const auto& company : companies) {
      soci::rowset<soci::row> rs =
          (lease.sql().prepare << std::string("SELECT d.id") + kDue +
                                      " AND d.company_id = :c ORDER BY d.next_attempt_at, d.seq LIMIT :n",
           soci::use(t), soci::use(t), soci::use(company), soci::use(per));
      for (const auto& r : rs) candidates.emplace_back(r.get<std::string>(0), company);
    }
  }
  std::map<std::string, std::size_t> per;
  std::vector<Outgoing> claimed;
  for (const auto& [id, company] : candidates) {
    if (claimed.size() >= limit) break;
    if (per[company] >= per_company) continue;
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    soci::statement st =
        (lease.sql().prepare
             << "UPDATE webhook_deliveries SET state = 'sending', lease_until = :l, attempts = "
                "attempts + 1, last_attempt_at = :a WHERE id = :id AND ((state = 'queued' AND "
                "next_attempt_at <= :t1) OR (state = 'sending' AND lease_until < :t2))",
         soci::use(lease_until), soci::use(t), soci::use(id), soci::use(t), soci::use(t));
    st.execute(true);
    if (db::AffectedRows(st) != 1) continue;
    soci::row r;
    lease.sql()
        << std::string("SELECT ") + kDeliveryColumns +
               ", w.company_id, w.url, w.secret_enc, d.payload FROM webhook_deliveries d JOIN webhooks w "
               "ON w.id = d.webhook_id WHERE d.id = :id",
        soci::use(id), soci::into(r);
    if (!lease.sql().got_data()) continue;
    Outgoing out;
    out.delivery = ReadDelivery(r);
    out.company_id = CompanyId{r.get<std::string>(12)};
    out.url = r.get<std::string>(13);
    auto secret = secrets_.Open(r.get<std::string>(14));
    out.payload = r.get<std::string>(15);
    if (!secret) {
      // A key that does not open it (a restored database without its keys): never sent unsigned.
      lease.sql() << "UPDATE webhook_deliveries SET state = 'failed', lease_until = NULL, last_error = 'the "
                     "signing secret cannot be read; create the webhook again' WHERE id = :id",
          soci::use(id);
      tx.Commit();
      continue;
    }
    out.secret = *secret;
    tx.Commit();
    ++per[company];
    claimed.push_back(std::move(out));
  }
  return claimed;
}

void WebhookRepository::MarkDelivered(const Outgoing& out, Timestamp now, int status) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const long long t = Ms(now);
  lease.sql() << "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = :t, lease_until = NULL, "
                 "last_status = :s, last_error = '' WHERE id = :id",
      soci::use(t), soci::use(status), soci::use(out.delivery.id);
  lease.sql() << "UPDATE webhooks SET failing_since = NULL WHERE id = :id",
      soci::use(out.delivery.webhook_id);
  tx.Commit();
}

DeliveryState WebhookRepository::MarkAttemptFailed(const Outgoing& out, Timestamp now,
                                                   std::optional<int> status, const std::string& error) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const long long t = Ms(now);
  const Timestamp next = now + Backoff(retry_, out.delivery.attempts);
  const Timestamp give_up = out.delivery.created_at + retry_.give_up_after;
  const std::string clipped = Clip(error);
  DeliveryState state = DeliveryState::kQueued;
  if (next > give_up) {
    state = DeliveryState::kFailed;
    const std::string text =
        Clip("gave up after " + std::to_string(out.delivery.attempts) + " attempt(s) in 24 hours: " + error);
    lease.sql() << "UPDATE webhook_deliveries SET state = 'failed', lease_until = NULL, last_status = :s, "
                   "last_error = :e WHERE id = :id",
        soci::use(status), soci::use(text), soci::use(out.delivery.id);
  } else {
    const long long n = Ms(next);
    lease.sql()
        << "UPDATE webhook_deliveries SET state = 'queued', next_attempt_at = :n, lease_until = NULL, "
           "last_status = :s, last_error = :e WHERE id = :id",
        soci::use(n), soci::use(status), soci::use(clipped), soci::use(out.delivery.id);
  }
  lease.sql() << "UPDATE webhooks SET failing_since = :t WHERE id = :id AND failing_since IS NULL",
      soci::use(t), soci::use(out.delivery.webhook_id);
  tx.Commit();
  return state;
}

std::vector<DisabledWebhook> WebhookRepository::DisableFailing(db::Lease& lease, Timestamp now) {
  const long long cutoff = Ms(now - retry_.disable_after);
  std::vector<DisabledWebhook> out;
  {
    soci::rowset<soci::row> rs =
        (lease.sql().prepare
             << "SELECT id, company_id, name, url, failing_since FROM webhooks WHERE enabled = 1 "
                "AND failing_since IS NOT NULL AND failing_since <= :t",
         soci::use(cutoff));
    for (const auto& r : rs)
      out.push_back({r.get<std::string>(0), CompanyId{r.get<std::string>(1)}, r.get<std::string>(2),
                     r.get<std::string>(3), FromUnixMillis(db::RowInteger(r, 4))});
  }
  const long long t = Ms(now);
  for (const auto& w : out) {
    lease.sql()
        << "UPDATE webhooks SET enabled = 0, disabled_reason = 'failing', updated_at = :t WHERE id = :id",
        soci::use(t), soci::use(w.id);
    lease.sql()
        << "UPDATE webhook_deliveries SET state = 'failed', lease_until = NULL, last_error = 'the webhook "
           "was disabled after 24 hours of failures' WHERE webhook_id = :w AND state = 'queued'",
        soci::use(w.id);
  }
  return out;
}

std::size_t WebhookRepository::PurgeBefore(Timestamp cutoff) {
  auto lease = db_.Acquire();
  const long long t = Ms(cutoff);
  soci::statement st = (lease.sql().prepare << "DELETE FROM webhook_deliveries WHERE state IN ('delivered', "
                                               "'failed') AND created_at < :t",
                        soci::use(t));
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

std::int64_t DeleteCompanyWebhookRows(db::Lease& lease, const CompanyId& company) {
  soci::statement d = (lease.sql().prepare << "DELETE FROM webhook_deliveries WHERE company_id = :c",
                       soci::use(company.value()));
  d.execute(true);
  soci::statement w =
      (lease.sql().prepare << "DELETE FROM webhooks WHERE company_id = :c", soci::use(company.value()));
  w.execute(true);
  return db::AffectedRows(d) + db::AffectedRows(w);
}

}  // namespace kanri::webhooks
