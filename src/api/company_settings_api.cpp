// Company settings: where the company's accounts may sign in from (SEC-4), whether they must
// use a second factor (SEC-9), and whether operators may open remote logins to devices (DEV-5).
// A company's
// administrators (company.settings) change their own company's, guarded so that they cannot
// lock themselves out; the provider's site administrators (provider.companies) any company's,
// which the company then sees in its own history.
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

struct Settings {
  tenancy::SignInPolicy sign_in;
  bool remote_login_enabled = true;
};

struct Patch {
  tenancy::SignInPolicyPatch sign_in;
  std::optional<bool> remote_login_enabled;
};

json::object SettingsJson(const Settings& s) {
  json::array list;
  for (const auto& n : s.sign_in.ip_allowlist) list.emplace_back(n.ToString());
  return {{"ip_restriction_enabled", s.sign_in.ip_restriction_enabled},
          {"ip_allowlist", std::move(list)},
          {"totp_required", s.sign_in.totp_required},
          {"remote_login_enabled", s.remote_login_enabled}};
}

// The console shows the caller's address beside the list, so an administrator sees what to add.
HttpResponse SettingsResponse(const RequestContext& ctx, const Settings& s) {
  json::object out = SettingsJson(s);
  out["your_address"] = ctx.request.client_ip;
  return http::JsonResponse(200, json::serialize(out));
}

Patch ReadPatch(const RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  Patch patch;
  patch.sign_in.ip_restriction_enabled = in.OptionalBool("ip_restriction_enabled");
  patch.sign_in.totp_required = in.OptionalBool("totp_required");
  if (auto list = in.OptionalStringArray("ip_allowlist"))
    patch.sign_in.ip_allowlist = Unwrap(tenancy::ParseAllowlist(*list));
  patch.remote_login_enabled = in.OptionalBool("remote_login_enabled");
  in.Finish();
  return patch;
}

Result<Settings> Read(ApiServices& s, const CompanyId& company) {
  auto sign_in = s.companies.SignIn(company);
  if (!sign_in) return sign_in.error();
  auto remote = s.companies.RemoteLoginEnabled(company);
  if (!remote) return remote.error();
  return Settings{*sign_in, *remote};
}

// The sign-in part first: it is the one that can be refused (lock-out guard), and a refused
// patch changes nothing.
Result<Settings> Apply(ApiServices& s, const CompanyId& company, const Patch& patch,
                       const std::optional<std::string>& caller) {
  auto sign_in = s.companies.UpdateSignIn(company, patch.sign_in, caller);
  if (!sign_in) return sign_in.error();
  if (patch.remote_login_enabled) {
    auto set = s.companies.SetRemoteLoginEnabled(company, *patch.remote_login_enabled);
    if (!set) return set.error();
  }
  return Read(s, company);
}

asio::awaitable<HttpResponse> GetOwn(ApiServices& s, RequestContext& ctx) {
  const CompanyId& company = OwnCompany(ctx);
  auto settings = Unwrap(co_await s.db.Run([&] { return Read(s, company); }));
  co_return SettingsResponse(ctx, settings);
}

asio::awaitable<HttpResponse> PatchOwn(ApiServices& s, RequestContext& ctx) {
  const CompanyId& company = OwnCompany(ctx);
  ctx.audit.target_id = company.value();
  const auto patch = ReadPatch(ctx);
  const std::optional<std::string> caller = ctx.request.client_ip;
  auto settings = Unwrap(co_await s.db.Run([&] { return Apply(s, company, patch, caller); }));
  ctx.audit.details = json::serialize(SettingsJson(settings));
  co_return SettingsResponse(ctx, settings);
}

asio::awaitable<HttpResponse> GetAny(ApiServices& s, RequestContext& ctx) {
  const CompanyId id{ctx.Param("id")};
  auto settings = Unwrap(co_await s.db.Run([&] { return Read(s, id); }));
  co_return SettingsResponse(ctx, settings);
}

asio::awaitable<HttpResponse> PatchAny(ApiServices& s, RequestContext& ctx) {
  const CompanyId id{ctx.Param("id")};
  const auto patch = ReadPatch(ctx);
  auto settings = Unwrap(co_await s.db.Run([&] { return Apply(s, id, patch, std::nullopt); }));
  const std::string details = json::serialize(SettingsJson(settings));
  ctx.audit.details = details;
  // The company sees in its own history that the provider changed its settings.
  ctx.audit.events.push_back({"company.settings_changed", "company", id.value(), details, id});
  co_return SettingsResponse(ctx, settings);
}

}  // namespace

void AddCompanySettingsRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/company/settings",
         .access = http::Needs("company.settings"),
         .action = "company_settings.get",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return GetOwn(s, c); },
         .doc = {.summary = "Read the company's sign-in settings (SEC-4), with the caller's address",
                 .tag = "company",
                 .response_schema = schema::kCompanySettings}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/company/settings",
         .access = http::Needs("company.settings"),
         .action = "company_settings.update",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return PatchOwn(s, c); },
         .doc = {.summary = "Change the company's sign-in settings; refused (422 would_lock_out_caller) when "
                            "the caller's own address would be outside them",
                 .tag = "company",
                 .request_schema = schema::kCompanySettingsPatch,
                 .response_schema = schema::kCompanySettings}});
  t.Add({.method = "GET",
         .path = "/api/v1/companies/{id}/settings",
         .access = http::Needs("provider.companies"),
         .action = "companies.settings_get",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return GetAny(s, c); },
         .doc = {.summary = "Read a company's sign-in settings (SEC-4)",
                 .tag = "companies",
                 .response_schema = schema::kCompanySettings}});
  t.Add(
      {.method = "PATCH",
       .path = "/api/v1/companies/{id}/settings",
       .access = http::Needs("provider.companies"),
       .action = "companies.settings_update",
       .target_type = "company",
       .handler = [&s](RequestContext& c) { return PatchAny(s, c); },
       .doc = {.summary = "Change a company's sign-in settings (SEC-4: the provider turns the restriction on "
                          "when the company asks)",
               .tag = "companies",
               .request_schema = schema::kCompanySettingsPatch,
               .response_schema = schema::kCompanySettings}});
}

}  // namespace kanri::api
