// /api/v1/webhooks: a company's webhooks (SEC-9) and their delivery log. People with
// tokens.write manage them, from a session only (a webhook's secret is a credential, like a
// token's). Another company's webhook IDs answer 404 (SEC-8).
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

webhooks::WebhookRepository& Webhooks(ApiServices& s) {
  if (!s.webhooks) throw ApiError(http::Problem{503, "unavailable", "", "Webhooks are not available.", ""});
  return *s.webhooks;
}

CompanyId CompanyOf(const RequestContext& ctx) {
  if (!ctx.actor->account.company_id)
    throw ApiError(http::Problem{403, "forbidden", "", "Webhooks belong to a company.", ""});
  return *ctx.actor->account.company_id;
}

json::object WebhookJson(const webhooks::Webhook& w) {
  json::object o{
      {"id", w.id},
      {"name", w.name},
      {"url", w.url},
      {"events", json::value_from(w.events)},
      {"enabled", w.enabled},
      {"disabled_reason", w.disabled_reason.empty() ? json::value(nullptr) : json::value(w.disabled_reason)},
      {"created_by_login", w.created_by_login}};
  PutTimes(o, "failing_since", w.failing_since);
  PutTimes(o, "created_at", w.created_at);
  if (w.last_delivery) {
    json::object last{
        {"state", webhooks::ToString(w.last_delivery->state)},
        {"status", w.last_delivery->status ? json::value(*w.last_delivery->status) : json::value(nullptr)}};
    PutTimes(last, "at", w.last_delivery->at);
    o["last_delivery"] = std::move(last);
  } else {
    o["last_delivery"] = nullptr;
  }
  return o;
}

json::object DeliveryJson(const webhooks::Delivery& d) {
  json::object o{{"id", d.id},
                 {"event_id", d.event_id},
                 {"event_type", d.event_type},
                 {"state", webhooks::ToString(d.state)},
                 {"attempts", d.attempts},
                 {"last_status", d.last_status ? json::value(*d.last_status) : json::value(nullptr)},
                 {"last_error", d.last_error}};
  PutTimes(o, "created_at", d.created_at);
  PutTimes(o, "last_attempt_at", d.last_attempt_at);
  PutTimes(o, "next_attempt_at", d.next_attempt_at);
  PutTimes(o, "delivered_at", d.delivered_at);
  return o;
}

json::object AuditDetails(const webhooks::Webhook& w) {
  return {{"name", w.name}, {"url", w.url}, {"events", json::value_from(w.events)}, {"enabled", w.enabled}};
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  FieldReader in{ParseJsonBody(ctx.request)};
  webhooks::NewWebhook input;
  input.name = in.RequiredString("name");
  input.url = in.RequiredString("url");
  input.events = in.OptionalStringArray("events").value_or(std::vector<std::string>{});
  input.secret = in.OptionalString("secret");
  in.Finish();
  const CompanyId company = CompanyOf(ctx);
  auto created =
      Unwrap(co_await s.db.Run([&] { return hooks.Create(company, input, ctx.actor->account.login); }));
  ctx.audit.target_id = created.webhook.id;
  json::object details = AuditDetails(created.webhook);
  details["own_secret"] = input.secret.has_value();
  ctx.audit.details = json::serialize(details);
  json::object out = WebhookJson(created.webhook);
  out["secret"] = created.secret;  // the only time it is shown
  co_return http::JsonResponse(201, json::serialize(out));
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  const CompanyId company = CompanyOf(ctx);
  auto list = co_await s.db.Run([&] { return hooks.List(company); });
  json::array items;
  for (const auto& w : list) items.push_back(WebhookJson(w));
  co_return http::JsonResponse(200, json::serialize(json::object{{"items", std::move(items)}}));
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  const CompanyId company = CompanyOf(ctx);
  const std::string id = ctx.Param("id");
  auto w = Unwrap(co_await s.db.Run([&] { return hooks.Get(company, id); }));
  co_return http::JsonResponse(200, json::serialize(WebhookJson(w)));
}

asio::awaitable<HttpResponse> Update(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  FieldReader in{ParseJsonBody(ctx.request)};
  webhooks::WebhookPatch patch;
  patch.name = in.OptionalString("name");
  patch.url = in.OptionalString("url");
  patch.events = in.OptionalStringArray("events");
  patch.enabled = in.OptionalBool("enabled");
  in.Finish();
  const CompanyId company = CompanyOf(ctx);
  const std::string id = ctx.Param("id");
  auto w = Unwrap(co_await s.db.Run([&] { return hooks.Update(company, id, patch); }));
  ctx.audit.details = json::serialize(AuditDetails(w));
  co_return http::JsonResponse(200, json::serialize(WebhookJson(w)));
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  const CompanyId company = CompanyOf(ctx);
  const std::string id = ctx.Param("id");
  auto w = Unwrap(co_await s.db.Run([&] { return hooks.Delete(company, id); }));
  ctx.audit.details = json::serialize(AuditDetails(w));
  co_return http::NoContent();
}

asio::awaitable<HttpResponse> SendTest(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  const CompanyId company = CompanyOf(ctx);
  const std::string id = ctx.Param("id");
  auto d = Unwrap(co_await s.db.Run([&] { return hooks.QueueTest(company, id); }));
  ctx.audit.details = json::serialize(json::object{{"delivery_id", d.id}, {"event_id", d.event_id}});
  co_return http::JsonResponse(202, json::serialize(json::object{{"delivery_id", d.id}}));
}

asio::awaitable<HttpResponse> Deliveries(ApiServices& s, RequestContext& ctx) {
  auto& hooks = Webhooks(s);
  const CompanyId company = CompanyOf(ctx);
  const std::string id = ctx.Param("id");
  std::optional<webhooks::DeliveryState> state;
  if (auto q = ctx.request.Query("state"); q && !q->empty()) {
    state = webhooks::ParseDeliveryState(*q);
    if (!state) ThrowInvalid("state", "state is one of queued, sending, delivered, failed");
  }
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = Unwrap(co_await s.db.Run([&] { return hooks.Deliveries(company, id, state, page); }));
  co_return PageResponse(result, DeliveryJson);
}

}  // namespace

void AddWebhookRoutes(http::RouteTable& t, ApiServices& s) {
  const auto access = http::NeedsAnyOf({"tokens.write"});
  const auto doc = [](std::string summary, const char* request, const char* response, int status = 200) {
    return http::RouteDoc{.summary = std::move(summary),
                          .tag = "webhooks",
                          .request_schema = request ? request : "",
                          .response_schema = response ? response : "",
                          .success_status = status};
  };
  t.Add({.method = "POST",
         .path = "/api/v1/webhooks",
         .access = access,
         .action = "webhooks.create",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = doc("Create a webhook (https only); its signing secret is answered once",
                    schema::kWebhookCreate, schema::kWebhookCreated, 201),
         .sessions_only = true});
  t.Add(
      {.method = "GET",
       .path = "/api/v1/webhooks",
       .access = access,
       .action = "webhooks.list",
       .handler = [&s](RequestContext& c) { return List(s, c); },
       .doc = doc("The company's webhooks with their state and last delivery", nullptr, schema::kWebhookList),
       .sessions_only = true});
  t.Add({.method = "GET",
         .path = "/api/v1/webhooks/{id}",
         .access = access,
         .action = "webhooks.get",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = doc("One webhook", nullptr, schema::kWebhook),
         .sessions_only = true});
  t.Add({.method = "PATCH",
         .path = "/api/v1/webhooks/{id}",
         .access = access,
         .action = "webhooks.update",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return Update(s, c); },
         .doc = doc("Change a webhook's name, URL or events, or disable or enable it", schema::kWebhookPatch,
                    schema::kWebhook),
         .sessions_only = true});
  t.Add({.method = "DELETE",
         .path = "/api/v1/webhooks/{id}",
         .access = access,
         .action = "webhooks.delete",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = doc("Delete a webhook and its delivery log", nullptr, nullptr, 204),
         .sessions_only = true});
  t.Add({.method = "POST",
         .path = "/api/v1/webhooks/{id}/test",
         .access = access,
         .action = "webhooks.test",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return SendTest(s, c); },
         .doc = doc("Queue a webhook.test event to this webhook", nullptr, schema::kWebhookTestQueued, 202),
         .sessions_only = true});
  t.Add({.method = "GET",
         .path = "/api/v1/webhooks/{id}/deliveries",
         .access = access,
         .action = "webhooks.deliveries",
         .target_type = "webhook",
         .handler = [&s](RequestContext& c) { return Deliveries(s, c); },
         .doc = {.summary = "The webhook's delivery log, newest first; never a body or secret",
                 .tag = "webhooks",
                 .response_schema = schema::kWebhookDelivery,
                 .paginated = true,
                 .query = {"state"}},
         .sessions_only = true});
}

}  // namespace kanri::api
