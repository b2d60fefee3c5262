// /api/v1/companies: the provider's view of its tenants (site administrators only).
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

HttpResponse CompanyResponse(const ApiServices& s, int status, const tenancy::Company& c) {
  return http::JsonResponse(status, json::serialize(CompanyJson(c, s.settings.contract_end_grace)));
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  tenancy::NewCompany input;
  input.code = in.RequiredString("code");
  input.name = in.RequiredString("name");
  input.contract_start = in.RequiredDate("contract_start");
  input.contract_end = in.NullableDate("contract_end").value_or(std::nullopt);
  in.Finish();
  auto c = Unwrap(co_await s.db.Run([&] { return s.companies.Create(Provider(ctx), input); }));
  ctx.audit.target_id = c.id.value();
  ctx.audit.details = json::serialize(json::object{{"code", c.code}});
  co_return CompanyResponse(s, 201, c);
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.companies.List(Provider(ctx), page); });
  co_return PageResponse(
      result, [&s](const tenancy::Company& c) { return CompanyJson(c, s.settings.contract_end_grace); });
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const CompanyId id{ctx.Param("id")};
  auto c = co_await s.db.Run([&] { return s.companies.Get(Provider(ctx), id); });
  co_return CompanyResponse(s, 200, Unwrap(std::move(c)));
}

asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  tenancy::CompanyPatch patch;
  patch.name = in.OptionalString("name");
  if (auto start = in.NullableDate("contract_start")) {
    if (!*start) ThrowInvalid("contract_start", "contract_start cannot be null");
    patch.contract_start = **start;
  }
  patch.contract_end = in.NullableDate("contract_end");
  if (auto status = in.OptionalString("status")) {
    patch.status = tenancy::ParseCompanyStatus(*status);
    if (!patch.status) ThrowInvalid("status", "status must be active, suspended or ended");
  }
  patch.allow_unauthenticated_devices = in.OptionalBool("allow_unauthenticated_devices");
  in.Finish();
  const CompanyId id{ctx.Param("id")};
  auto c = Unwrap(co_await s.db.Run([&] { return s.companies.Update(Provider(ctx), id, patch); }));
  if (patch.allow_unauthenticated_devices) {
    // The company sees in its own history that the provider changed its lab setting.
    const auto details =
        json::serialize(json::object{{"allow_unauthenticated_devices", c.allow_unauthenticated_devices}});
    ctx.audit.details = details;
    ctx.audit.events.push_back({"company.device_auth_setting", "company", c.id.value(), details, c.id});
  }
  co_return CompanyResponse(s, 200, c);
}

asio::awaitable<HttpResponse> CreateAdministrator(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  identity::NewAccount input;
  input.login = in.RequiredString("login");
  input.name = in.RequiredString("name");
  input.email = in.RequiredString("email");
  input.kind = identity::AccountKind::kAdmin;
  const std::string password = in.RequiredString("password");
  in.Finish();
  if (auto st = identity::ValidateNewAccount(input); !st) throw ApiError(st.error());
  if (auto st = s.password_policy.Check(password, input.login, "password"); !st) throw ApiError(st.error());
  const CompanyId id{ctx.Param("id")};
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(password); });
  auto a = Unwrap(
      co_await s.db.Run([&] { return s.accounts.CreateFirstAdministrator(Provider(ctx), id, input, hash); }));
  ctx.audit.details = json::serialize(json::object{{"account_id", a.id.value()}, {"login", a.login}});
  co_return http::JsonResponse(201, json::serialize(AccountJson(a, s.clock.Now())));
}

}  // namespace

void AddCompanyRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "POST",
         .path = "/api/v1/companies",
         .access = http::Needs("provider.companies"),
         .action = "companies.create",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create a company (会社ID) with its contract",
                 .tag = "companies",
                 .request_schema = schema::kCompanyCreate,
                 .response_schema = schema::kCompany,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/companies",
         .access = http::Needs("provider.companies"),
         .action = "companies.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "List companies by code",
                 .tag = "companies",
                 .response_schema = schema::kCompany,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/companies/{id}",
         .access = http::Needs("provider.companies"),
         .action = "companies.get",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a company", .tag = "companies", .response_schema = schema::kCompany}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/companies/{id}",
         .access = http::Needs("provider.companies"),
         .action = "companies.update",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Change a company's name, contract or status",
                 .tag = "companies",
                 .request_schema = schema::kCompanyPatch,
                 .response_schema = schema::kCompany}});
  t.Add({.method = "POST",
         .path = "/api/v1/companies/{id}/administrators",
         .access = http::Needs("provider.companies"),
         .action = "companies.create_administrator",
         .target_type = "company",
         .handler = [&s](RequestContext& c) { return CreateAdministrator(s, c); },
         .doc = {.summary = "Create the company's first administrator account",
                 .tag = "companies",
                 .request_schema = schema::kAdministratorCreate,
                 .response_schema = schema::kAccount,
                 .success_status = 201}});
}

}  // namespace kanri::api
