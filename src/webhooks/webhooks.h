// Webhooks (SEC-9): a company's integrations hear about events without polling.
//
// A webhook is an https URL, the event types it wants, and a signing secret in the Standard
// Webhooks format ("whsec_" and base64 of 24 to 64 random bytes; chosen by Kanri unless the
// company brings its own, answered once, kept sealed with SecretBox). Each event becomes one row
// of `webhook_deliveries` per subscribed, enabled webhook, written by `Emit` inside the
// transaction of the event itself: an event that was rolled back is never announced, and one
// that was committed is never lost (at least once). The `webhook-delivery` job (jobs/) claims due
// rows, POSTs them signed (webhooks/sender.h) and records the outcome: delivered on a 2xx;
// otherwise retried with backoff (1, 2, 4 … minutes, at most an hour) until 24 hours after the
// event, then failed. One ordering key (the device's id; '' for events of no device) is
// delivered strictly in order: a row waits while an earlier row of its key is undelivered.
// A webhook that has failed for 24 hours without one success is disabled, and the company's
// administrators are mailed.
//
//   webhooks::Emit(lease, now, company, "task.done", device.value(), {{"task_id", id}, …});
//   auto created = repo.Create(company, {.name = "ops", .url = "https://…", .events = {"task.done"}},
//   "taro"); created->secret;   // "whsec_…", once
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/net.h"
#include "base/page.h"
#include "base/result.h"
#include "base/secret_box.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::webhooks {

// What a webhook may subscribe to. "webhook.test" is sent only by the test action.
// DEV-6: campaign.paused (by its engine: the threshold or too few successes) and
// campaign.finished.
inline constexpr std::array<std::string_view, 7> kEventTypes = {
    "device.created", "device.deleted",  "task.done",        "task.failed",
    "job.finished",   "campaign.paused", "campaign.finished"};
inline constexpr std::string_view kTestEvent = "webhook.test";
inline constexpr std::size_t kMaxWebhooksPerCompany = 10;
inline constexpr std::size_t kMaxUrlLength = 2048;
inline constexpr std::size_t kMaxNameLength = 100;

// Queues `type` (one of kEventTypes) for every enabled webhook of `company` subscribed to it,
// inside the caller's write transaction. `data` is the event's own fields; the body sent is
// {"type", "timestamp", "data"}. Returns how many deliveries were queued.
std::size_t Emit(db::Lease& lease, Timestamp now, const CompanyId& company, std::string_view type,
                 std::string_view ordering_key, const boost::json::object& data);

enum class DeliveryState { kQueued, kSending, kDelivered, kFailed };
std::string_view ToString(DeliveryState s);
std::optional<DeliveryState> ParseDeliveryState(std::string_view s);

struct LastDelivery {
  Timestamp at;
  DeliveryState state = DeliveryState::kQueued;
  std::optional<int> status;
};

struct Webhook {
  std::string id;
  CompanyId company_id;
  std::string name;
  std::string url;
  std::vector<std::string> events;
  bool enabled = true;
  std::string disabled_reason;  // "failing" when Kanri disabled it; "" otherwise
  std::optional<Timestamp> failing_since;
  std::string created_by_login;
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<LastDelivery> last_delivery;
};

struct NewWebhook {
  std::string name;
  std::string url;
  std::vector<std::string> events;
  std::optional<std::string> secret;  // "whsec_…"; generated when absent
};

struct WebhookPatch {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;  // true again clears the failing state
};

struct CreatedWebhook {
  Webhook webhook;
  std::string secret;  // answered once
};

struct Delivery {
  std::string id;
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  Timestamp created_at;
  DeliveryState state = DeliveryState::kQueued;
  int attempts = 0;
  std::optional<int> last_status;
  std::string last_error;
  std::optional<Timestamp> last_attempt_at;
  std::optional<Timestamp> next_attempt_at;  // while queued
  std::optional<Timestamp> delivered_at;
};

// A claimed delivery with what sending it needs.
struct Outgoing {
  Delivery delivery;
  CompanyId company_id;
  std::string url;
  std::string secret;  // "whsec_…", opened
  std::string payload;
};

// A webhook the failure rule just disabled (for the mail to the administrators).
struct DisabledWebhook {
  std::string id;
  CompanyId company_id;
  std::string name;
  std::string url;
  Timestamp failing_since;
};

struct RetryPolicy {
  Millis first_delay = std::chrono::minutes{1};
  Millis max_delay = std::chrono::hours{1};
  Millis give_up_after = std::chrono::hours{24};  // after the event
  Millis disable_after = std::chrono::hours{24};  // failures without one success
  Millis claim_lease = std::chrono::minutes{5};   // a sender that stopped
};

// Checks a URL before it is stored: https, a host, no user info, not too long, and a literal
// address (or "localhost") through the address policy. Names are checked again, resolved, at
// each delivery. Set by the application from the connection-request policy.
using UrlCheck = std::function<Status(std::string_view url)>;

// The URL's shape alone (https, host, no user info, length): InvalidArgument naming "url".
Status CheckUrlShape(std::string_view url);
// The check of a URL's literal host against `policy`: a literal address it refuses, or
// "localhost", is 422 address_not_allowed (field "url").
UrlCheck AddressCheck(AddressPolicy policy);

class WebhookRepository {
 public:
  WebhookRepository(db::Database& db, const Clock& clock, const SecretBox& secrets, UrlCheck check,
                    RetryPolicy retry = {})
      : db_(db), clock_(clock), secrets_(secrets), check_(std::move(check)), retry_(retry) {}

  // The operators' side, always within one company.
  Result<CreatedWebhook> Create(const CompanyId& company, const NewWebhook& input, const std::string& login);
  std::vector<Webhook> List(const CompanyId& company);
  Result<Webhook> Get(const CompanyId& company, const std::string& id);
  Result<Webhook> Update(const CompanyId& company, const std::string& id, const WebhookPatch& patch);
  Result<Webhook> Delete(const CompanyId& company, const std::string& id);
  // Queues a "webhook.test" event for this webhook alone; returns the delivery. 409 when the
  // webhook is disabled (webhook_disabled) or its last test is not delivered yet (test_pending).
  Result<Delivery> QueueTest(const CompanyId& company, const std::string& id);
  // The delivery log, newest first.
  Result<Page<Delivery>> Deliveries(const CompanyId& company, const std::string& id,
                                    std::optional<DeliveryState> state, const PageRequest& page);

  // The delivery side (the webhook-delivery job).
  // Claims up to `limit` due deliveries of enabled webhooks, at most `per_company` of one
  // company, each the earliest undelivered one of its ordering key, by a conditional UPDATE.
  std::vector<Outgoing> ClaimDue(Timestamp now, std::size_t limit, std::size_t per_company);
  void MarkDelivered(const Outgoing& out, Timestamp now, int status);
  // A failed attempt: queued again after the backoff, or failed after 24 hours. Returns the state.
  DeliveryState MarkAttemptFailed(const Outgoing& out, Timestamp now, std::optional<int> status,
                                  const std::string& error);
  // Disables the webhooks failing for disable_after (their waiting deliveries fail), in the
  // caller's transaction.
  std::vector<DisabledWebhook> DisableFailing(db::Lease& lease, Timestamp now);
  // Deletes deliveries that ended before `cutoff`; returns how many.
  std::size_t PurgeBefore(Timestamp cutoff);

 private:
  Result<std::string> CheckedSecret(const std::optional<std::string>& given) const;
  Status CheckInput(const std::optional<std::string>& name, const std::optional<std::string>& url,
                    const std::optional<std::vector<std::string>>& events) const;

  db::Database& db_;
  const Clock& clock_;
  const SecretBox& secrets_;
  UrlCheck check_;
  RetryPolicy retry_;
};

// DATA-6: a company's webhooks and deliveries, deleted with its configuration (in the caller's
// transaction).
std::int64_t DeleteCompanyWebhookRows(db::Lease& lease, const CompanyId& company);

}  // namespace kanri::webhooks
