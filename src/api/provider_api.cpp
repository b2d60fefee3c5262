// /api/v1/locked-accounts: the provider lifts account locks (site administrators only).
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpResponse;
using http::RequestContext;

asio::awaitable<HttpResponse> ListLocked(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  auto rows = co_await s.db.Run([&] { return s.accounts.ListLocked(scope, s.clock.Now()); });
  json::array items;
  for (const auto& [account, code] : rows)
    items.push_back(json::object{{"account", AccountJson(account, s.clock.Now())}, {"company_code", code}});
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

asio::awaitable<HttpResponse> Unlock(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  const AccountId id{ctx.Param("id")};
  auto a = Unwrap(co_await s.db.Run([&] { return s.accounts.Unlock(scope, id); }));
  ctx.audit.details =
      json::serialize(json::object{{"company_id", a.company_id->value()}, {"login", a.login}});
  // The company sees in its own history that the provider lifted the lock.
  ctx.audit.events.push_back({"account.unlocked", "account", a.id.value(),
                              json::serialize(json::object{{"by", "provider"}}), a.company_id});
  co_return http::JsonResponse(200, json::serialize(AccountJson(a, s.clock.Now())));
}

}  // namespace

void AddProviderRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/locked-accounts",
         .access = http::Needs("provider.accounts"),
         .action = "provider.locked_accounts",
         .handler = [&s](RequestContext& c) { return ListLocked(s, c); },
         .doc = {.summary = "Accounts of every company that are locked now",
                 .tag = "provider",
                 .response_schema = schema::kLockedAccount,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/locked-accounts/{id}/unlock",
         .access = http::Needs("provider.accounts"),
         .action = "provider.unlock_account",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Unlock(s, c); },
         .doc = {.summary = "Lift an account's lock (administrator, lockout or inactivity)",
                 .tag = "provider",
                 .response_schema = schema::kAccount}});
}

}  // namespace kanri::api
