// /api/v1/accounts: a company administrator manages its own company's accounts. Every call
// is scoped to the caller's company; another company's IDs answer 404 (SEC-8).
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "base/crypto.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

const CompanyId& OwnCompany(const RequestContext& ctx) { return *ctx.actor->account.company_id; }

HttpResponse AccountResponse(int status, const identity::Account& a) {
  return http::JsonResponse(status, json::serialize(AccountJson(a)));
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  identity::NewAccount input;
  input.login = in.RequiredString("login");
  input.name = in.RequiredString("name");
  input.email = in.RequiredString("email");
  auto kind = identity::ParseCompanyAccountKind(in.RequiredString("kind"));
  if (!kind) ThrowInvalid("kind", "kind must be admin or general");
  input.kind = *kind;
  const std::string password = in.RequiredString("password");
  in.Finish();
  if (auto st = identity::ValidateNewAccount(input); !st) throw ApiError(st.error());
  if (auto st = s.password_policy.Check(password, input.login, "password"); !st) throw ApiError(st.error());
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(password); });
  auto a = co_await s.db.Run([&] { return s.accounts.Create(OwnCompany(ctx), input, hash); });
  co_return AccountResponse(201, Unwrap(std::move(a)));
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.accounts.List(OwnCompany(ctx), page); });
  co_return PageResponse(result, AccountJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  auto a = co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); });
  co_return AccountResponse(200, Unwrap(std::move(a)));
}

asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  identity::AccountPatch patch;
  patch.name = in.OptionalString("name");
  patch.email = in.OptionalString("email");
  if (auto status = in.OptionalString("status")) {
    patch.status = identity::ParseAccountStatus(*status);
    if (!patch.status) ThrowInvalid("status", "status must be active, locked or disabled");
  }
  in.Finish();
  const AccountId id{ctx.Param("id")};
  auto a = co_await s.db.Run([&] { return s.accounts.Update(OwnCompany(ctx), id, patch, ctx.actor->account.id); });
  co_return AccountResponse(200, Unwrap(std::move(a)));
}

asio::awaitable<HttpResponse> ResetPassword(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  // Look first, so that a foreign or unknown ID costs no hashing and answers like any 404.
  Unwrap(co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); }));
  const std::string temporary = RandomToken(s.settings.temporary_password_bytes);
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(temporary); });
  auto a = Unwrap(co_await s.db.Run([&] { return s.accounts.ResetPassword(OwnCompany(ctx), id, hash); }));
  json::object out{{"temporary_password", temporary}, {"account", AccountJson(a)}};
  co_return http::JsonResponse(200, json::serialize(out));
}

}  // namespace

void AddAccountRoutes(http::RouteTable& t, ApiServices& s) {
  using http::Access;
  t.Add({.method = "POST", .path = "/api/v1/accounts", .access = Access::kCompanyAdmin, .action = "accounts.create",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create an account in one's company", .tag = "accounts",
                 .request_schema = schema::kAccountCreate, .response_schema = schema::kAccount,
                 .success_status = 201}});
  t.Add({.method = "GET", .path = "/api/v1/accounts", .access = Access::kCompanyAdmin, .action = "accounts.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "List the company's accounts by login ID", .tag = "accounts",
                 .response_schema = schema::kAccount, .paginated = true}});
  t.Add({.method = "GET", .path = "/api/v1/accounts/{id}", .access = Access::kCompanyAdmin, .action = "accounts.get",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read an account", .tag = "accounts", .response_schema = schema::kAccount}});
  t.Add({.method = "PATCH", .path = "/api/v1/accounts/{id}", .access = Access::kCompanyAdmin,
         .action = "accounts.update", .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Change an account's name, email or status (locking ends its sessions)",
                 .tag = "accounts", .request_schema = schema::kAccountPatch, .response_schema = schema::kAccount}});
  t.Add({.method = "POST", .path = "/api/v1/accounts/{id}/password-reset", .access = Access::kCompanyAdmin,
         .action = "accounts.reset_password", .handler = [&s](RequestContext& c) { return ResetPassword(s, c); },
         .doc = {.summary = "Issue a temporary password that must be changed at the next login", .tag = "accounts",
                 .response_schema = schema::kPasswordReset}});
}

}  // namespace kanri::api
