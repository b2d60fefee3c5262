// /api/v1/accounts: a company administrator manages its own company's accounts. Every call
// is scoped to the caller's company; another company's IDs answer 404 (SEC-8).
#include <algorithm>
#include <iterator>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "base/crypto.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

// An account with the roles it holds (its permissions follow from them).
json::object AccountWithRoles(ApiServices& s, const identity::Account& a) {
  json::object out = AccountJson(a, s.clock.Now());
  json::array roles;
  if (a.company_id)
    for (const auto& r : s.roles.AccountRoles(*a.company_id, a.id)) roles.push_back(json::value(r));
  out["roles"] = std::move(roles);
  return out;
}

asio::awaitable<HttpResponse> AccountResponse(ApiServices& s, int status, identity::Account a) {
  json::object out = co_await s.db.Run([&] { return AccountWithRoles(s, a); });
  co_return http::JsonResponse(status, json::serialize(out));
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
  const auto roles = in.OptionalStringArray("roles");
  in.Finish();
  if (auto st = identity::ValidateNewAccount(input); !st) throw ApiError(st.error());
  if (auto st = s.password_policy.Check(password, input.login, "password"); !st) throw ApiError(st.error());
  // SEC-5: roles are checked, and what they grant, before the account exists, so a bad or
  // excessive role creates nothing.
  const auto granted = Unwrap(co_await s.db.Run([&]() -> Result<access::PermissionSet> {
    if (!roles) return access::PermissionSet{};
    return s.roles.PermissionsOfRoles(OwnCompany(ctx), *roles);
  }));
  ThrowIfRefused(access::CheckAccountCreation(GrantorOf(ctx), input.kind, granted));
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(password); });
  auto a = Unwrap(co_await s.db.Run([&]() -> Result<identity::Account> {
    auto created = s.accounts.Create(OwnCompany(ctx), input, hash);
    if (created && roles) {
      if (auto st = s.roles.SetAccountRoles(OwnCompany(ctx), created->id, *roles); !st) return st.error();
    }
    return created;
  }));
  ctx.audit.target_id = a.id.value();
  ctx.audit.details = json::serialize(json::object{{"login", a.login}, {"kind", identity::ToString(a.kind)}});
  co_return co_await AccountResponse(s, 201, a);
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] {
    auto accounts = s.accounts.List(OwnCompany(ctx), page);
    Page<json::object> out{{}, accounts.next_after};
    for (const auto& a : accounts.items) out.items.push_back(AccountWithRoles(s, a));
    return out;
  });
  co_return PageResponse(result, [](const json::object& o) { return o; });
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  auto a = Unwrap(co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); }));
  co_return co_await AccountResponse(s, 200, a);
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
  if (auto kind = in.OptionalString("kind")) {
    patch.kind = identity::ParseCompanyAccountKind(*kind);
    if (!patch.kind) ThrowInvalid("kind", "kind must be admin or general");
  }
  patch.language = in.OptionalString("language");
  const auto roles = in.OptionalStringArray("roles");
  in.Finish();
  const AccountId id{ctx.Param("id")};
  auto before = Unwrap(co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); }));
  // SEC-5: every role is checked, and what the roles the account gains would grant, before
  // anything is written, so bad or excessive input changes nothing.
  struct RoleChange {
    bool changed = false;
    access::PermissionSet granted;  // by the roles the account gains
  };
  const auto role_change = Unwrap(co_await s.db.Run([&]() -> Result<RoleChange> {
    if (!roles) return RoleChange{};
    if (auto all = s.roles.PermissionsOfRoles(OwnCompany(ctx), *roles); !all) return all.error();
    const auto held = s.roles.AccountRoles(OwnCompany(ctx), id);  // sorted
    std::vector<std::string> wanted = *roles, added;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::set_difference(wanted.begin(), wanted.end(), held.begin(), held.end(), std::back_inserter(added));
    auto granted = s.roles.PermissionsOfRoles(OwnCompany(ctx), added);
    if (!granted) return granted.error();
    return RoleChange{wanted != held, *granted};
  }));
  ThrowIfRefused(access::CheckAccountChange(GrantorOf(ctx), before, patch.kind, role_change.changed,
                                            role_change.granted));
  auto a = Unwrap(co_await s.db.Run([&]() -> Result<identity::Account> {
    auto updated = s.accounts.Update(OwnCompany(ctx), id, patch, ctx.actor->account.id);
    if (updated && roles)
      if (auto st = s.roles.SetAccountRoles(OwnCompany(ctx), id, *roles); !st) return st.error();
    return updated;
  }));
  json::object details;
  json::array changed;
  if (patch.name) changed.push_back("name");
  if (patch.email) changed.push_back("email");
  if (patch.status) changed.push_back("status");
  if (patch.kind) changed.push_back("kind");
  if (patch.language) changed.push_back("language");
  if (roles) changed.push_back("roles");
  details["changed"] = std::move(changed);
  if (patch.status) details["status"] = identity::ToString(*patch.status);
  if (patch.kind) details["kind"] = identity::ToString(*patch.kind);
  if (roles) details["roles"] = json::value_from(*roles);
  ctx.audit.details = json::serialize(details);
  if (before.status != identity::AccountStatus::kActive && a.status == identity::AccountStatus::kActive)
    ctx.audit.events.push_back({"account.unlocked", "account", a.id.value()});
  if (before.status == identity::AccountStatus::kActive && a.status == identity::AccountStatus::kLocked)
    ctx.audit.events.push_back({"account.locked", "account", a.id.value()});
  co_return co_await AccountResponse(s, 200, a);
}

asio::awaitable<HttpResponse> ResetPassword(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  // Look first, so that a foreign or unknown ID costs no hashing and answers like any 404.
  auto target = Unwrap(co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); }));
  ThrowIfRefused(access::CheckPasswordReset(GrantorOf(ctx), target));  // SEC-5
  const std::string temporary = RandomToken(s.settings.temporary_password_bytes);
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(temporary); });
  auto a = Unwrap(co_await s.db.Run([&] { return s.accounts.ResetPassword(OwnCompany(ctx), id, hash); }));
  json::object out{{"temporary_password", temporary}, {"account", AccountJson(a, s.clock.Now())}};
  co_return http::JsonResponse(200, json::serialize(out));
}

// SEC-9: an administrator switches another account's second factor off (a lost phone), under
// the rule of a password reset (only administrators touch administrators). Its secret and
// recovery codes are deleted, never shown; the account enrols again.
asio::awaitable<HttpResponse> ResetSecondFactor(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  auto target = Unwrap(co_await s.db.Run([&] { return s.accounts.Get(OwnCompany(ctx), id); }));
  ThrowIfRefused(access::CheckPasswordReset(GrantorOf(ctx), target));  // SEC-5
  co_await s.db.Run([&] {
    auto lease = s.database.Acquire();
    db::WriteTransaction tx(lease);
    identity::Totp::Reset(lease, target.id);
    tx.Commit();
  });
  ctx.audit.details = json::serialize(json::object{{"login", target.login}});
  co_return http::NoContent();
}

// SEC-7: an account deleted by hand; its history records stay with the login ID they name.
asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  const AccountId id{ctx.Param("id")};
  if (ctx.actor->account.kind != identity::AccountKind::kAdmin)
    throw ApiError(http::Problem{403, "administrator_required", "",
                                 "Only a company administrator can delete accounts.", ""});
  auto a = Unwrap(
      co_await s.db.Run([&] { return s.accounts.Delete(OwnCompany(ctx), id, ctx.actor->account.id); }));
  ctx.audit.details = json::serialize(json::object{{"login", a.login}, {"kind", identity::ToString(a.kind)}});
  co_return http::NoContent();
}

}  // namespace

void AddAccountRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "POST",
         .path = "/api/v1/accounts",
         .access = http::Needs("accounts.write"),
         .action = "accounts.create",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create an account in one's company",
                 .tag = "accounts",
                 .request_schema = schema::kAccountCreate,
                 .response_schema = schema::kAccount,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/accounts",
         .access = http::Needs("accounts.read"),
         .action = "accounts.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "List the company's accounts by login ID",
                 .tag = "accounts",
                 .response_schema = schema::kAccount,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/accounts/{id}",
         .access = http::Needs("accounts.read"),
         .action = "accounts.get",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read an account", .tag = "accounts", .response_schema = schema::kAccount}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/accounts/{id}",
         .access = http::Needs("accounts.write"),
         .action = "accounts.update",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {
             .summary = "Change an account's name, email, status, kind or roles (locking ends its sessions)",
             .tag = "accounts",
             .request_schema = schema::kAccountPatch,
             .response_schema = schema::kAccount}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/accounts/{id}",
         .access = http::Needs("accounts.write"),
         .action = "accounts.delete",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {
             .summary = "Delete an account (company administrators; not oneself, not the last administrator)",
             .tag = "accounts",
             .success_status = 204}});
  t.Add({.method = "POST",
         .path = "/api/v1/accounts/{id}/password-reset",
         .access = http::Needs("accounts.write"),
         .action = "accounts.reset_password",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return ResetPassword(s, c); },
         .doc = {.summary = "Issue a temporary password that must be changed at the next login",
                 .tag = "accounts",
                 .response_schema = schema::kPasswordReset}});
  t.Add({.method = "POST",
         .path = "/api/v1/accounts/{id}/totp-reset",
         .access = http::Needs("accounts.write"),
         .action = "accounts.reset_totp",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return ResetSecondFactor(s, c); },
         .doc = {.summary = "Switch an account's TOTP second factor off (it enrols again); never shows it",
                 .tag = "accounts",
                 .success_status = 204},
         // A person's second factor is taken off by a person, never by an integration's token.
         .sessions_only = true});
}

}  // namespace kanri::api
