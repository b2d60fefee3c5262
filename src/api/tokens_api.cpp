// /api/v1/tokens: API tokens for integrations (SEC-9). A company's people with tokens.write
// manage the company's tokens; site administrators with provider.tokens the provider's. Tokens
// themselves never manage tokens (Route::sessions_only).
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

access::ApiTokenRepository& Tokens(ApiServices& s) {
  if (!s.api_tokens)
    throw ApiError(http::Problem{503, "unavailable", "", "API tokens are not available.", ""});
  return *s.api_tokens;
}

// The caller's company, or the provider for a site administrator.
access::TokenOwner OwnerOf(const RequestContext& ctx) {
  return ctx.actor->account.company_id;
}

json::object TokenJson(const access::ApiToken& t, Timestamp now) {
  json::object o{
      {"id", t.id},
      {"name", t.name},
      {"permissions", json::value_from(t.permissions.Names())},
      {"created_by", json::object{{"id", t.created_by}, {"login", t.created_by_login}}},
      {"expired", now >= t.expires_at},
      {"last_used_ip", t.last_used_ip.empty() ? json::value(nullptr) : json::value(t.last_used_ip)}};
  PutTimes(o, "created_at", t.created_at);
  PutTimes(o, "expires_at", t.expires_at);
  PutTimes(o, "last_used_at", t.last_used_at);
  return o;
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  auto& tokens = Tokens(s);
  FieldReader in{ParseJsonBody(ctx.request)};
  access::NewApiToken input;
  input.name = in.RequiredString("name");
  input.permissions = in.OptionalStringArray("permissions").value_or(std::vector<std::string>{});
  const std::string expires = in.RequiredString("expires_at");
  in.Finish();
  const auto expires_at = ParseUtc(expires);
  if (!expires_at) ThrowInvalid("expires_at", "expires_at must be a UTC time like 2027-03-31T15:00:00Z");
  input.expires_at = *expires_at;
  const auto owner = OwnerOf(ctx);
  auto issued = Unwrap(co_await s.db.Run(
      [&] { return tokens.Create(owner, input, GrantorOf(ctx), ctx.actor->account.login); }));
  ctx.audit.target_id = issued.token.id;
  ctx.audit.details =
      json::serialize(json::object{{"name", issued.token.name},
                                   {"permissions", json::value_from(issued.token.permissions.Names())},
                                   {"expires_at", FormatUtc(issued.token.expires_at)}});
  json::object out = TokenJson(issued.token, s.clock.Now());
  out["token"] = issued.secret;  // the only time it is shown
  co_return http::JsonResponse(201, json::serialize(out));
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  auto& tokens = Tokens(s);
  const auto owner = OwnerOf(ctx);
  auto list = co_await s.db.Run([&] { return tokens.List(owner); });
  json::array items;
  const Timestamp now = s.clock.Now();
  for (const auto& t : list) items.push_back(TokenJson(t, now));
  co_return http::JsonResponse(200, json::serialize(json::object{{"items", std::move(items)}}));
}

asio::awaitable<HttpResponse> Revoke(ApiServices& s, RequestContext& ctx) {
  auto& tokens = Tokens(s);
  const auto owner = OwnerOf(ctx);
  const std::string id = ctx.Param("id");
  auto t = Unwrap(co_await s.db.Run([&] { return tokens.Revoke(owner, id); }));
  ctx.audit.details = json::serialize(json::object{{"name", t.name}});
  co_return http::NoContent();
}

}  // namespace

void AddTokenRoutes(http::RouteTable& t, ApiServices& s) {
  const auto access = http::NeedsAnyOf({"tokens.write", "provider.tokens"});
  t.Add(
      {.method = "POST",
       .path = "/api/v1/tokens",
       .access = access,
       .action = "tokens.create",
       .target_type = "api_token",
       .handler = [&s](RequestContext& c) { return Create(s, c); },
       .doc = {.summary = "Create an API token (answered once) with some of the caller's permissions, for at "
                          "most a year",
               .tag = "tokens",
               .request_schema = schema::kApiTokenCreate,
               .response_schema = schema::kApiTokenIssued,
               .success_status = 201},
       .sessions_only = true});
  t.Add({.method = "GET",
         .path = "/api/v1/tokens",
         .access = access,
         .action = "tokens.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's (or the provider's) API tokens with their last use",
                 .tag = "tokens",
                 .response_schema = schema::kApiTokenList},
         .sessions_only = true});
  t.Add({.method = "DELETE",
         .path = "/api/v1/tokens/{id}",
         .access = access,
         .action = "tokens.revoke",
         .target_type = "api_token",
         .handler = [&s](RequestContext& c) { return Revoke(s, c); },
         .doc = {.summary = "Revoke an API token; it stops working at once",
                 .tag = "tokens",
                 .success_status = 204},
         .sessions_only = true});
}

}  // namespace kanri::api
