// Company settings: where the company's accounts may sign in from (SEC-4), and whether they must
// use a second factor (SEC-9). A company's
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

json::object SettingsJson(const tenancy::SignInPolicy& p) {
  json::array list;
  for (const auto& n : p.ip_allowlist) list.emplace_back(n.ToString());
  return {{"ip_restriction_enabled", p.ip_restriction_enabled},
          {"ip_allowlist", std::move(list)},
          {"totp_required", p.totp_required}};
}

// The console shows the caller's address beside the list, so an administrator sees what to add.
HttpResponse SettingsResponse(const RequestContext& ctx, const tenancy::SignInPolicy& p) {
  json::object out = SettingsJson(p);
  out["your_address"] = ctx.request.client_ip;
  return http::JsonResponse(200, json::serialize(out));
}

tenancy::SignInPolicyPatch ReadPatch(const RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  tenancy::SignInPolicyPatch patch;
  patch.ip_restriction_enabled = in.OptionalBool("ip_restriction_enabled");
  patch.totp_required = in.OptionalBool("totp_required");
  if (auto list = in.OptionalStringArray("ip_allowlist"))
    patch.ip_allowlist = Unwrap(tenancy::ParseAllowlist(*list));
  in.Finish();
  return patch;
}

asio::awaitable<HttpResponse> GetOwn(ApiServices& s, RequestContext& ctx) {
  const CompanyId& company = OwnCompany(ctx);
  auto p = Unwrap(co_await s.db.Run([&] { return s.companies.SignIn(company); }));
  co_return SettingsResponse(ctx, p);
}

asio::awaitable<HttpResponse> PatchOwn(ApiServices& s, RequestContext& ctx) {
  const CompanyId& company = OwnCompany(ctx);
  ctx.audit.target_id = company.value();
  const auto patch = ReadPatch(ctx);
  const std::optional<std::string> caller = ctx.request.client_ip;
  auto p = Unwrap(co_await s.db.Run([&] { return s.companies.UpdateSignIn(company, patch, caller); }));
  ctx.audit.details = json::serialize(SettingsJson(p));
  co_return SettingsResponse(ctx, p);
}

asio::awaitable<HttpResponse> GetAny(ApiServices& s, RequestContext& ctx) {
  const CompanyId id{ctx.Param("id")};
  auto p = Unwrap(co_await s.db.Run([&] { return s.companies.SignIn(id); }));
  co_return SettingsResponse(ctx, p);
}

asio::awaitable<HttpResponse> PatchAny(ApiServices& s, RequestContext& ctx) {
  const CompanyId id{ctx.Param("id")};
  const auto patch = ReadPatch(ctx);
  auto p = Unwrap(co_await s.db.Run([&] { return s.companies.UpdateSignIn(id, patch, std::nullopt); }));
  const std::string details = json::serialize(SettingsJson(p));
  ctx.audit.details = details;
  // The company sees in its own history that the provider changed where it may sign in from.
  ctx.audit.events.push_back({"company.settings_changed", "company", id.value(), details, id});
  co_return SettingsResponse(ctx, p);
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
