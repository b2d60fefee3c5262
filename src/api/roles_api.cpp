// /api/v1/roles and /api/v1/permissions: the permission catalog and the company's roles
// (SEC-5). Roles are scoped to the caller's company; another company's role IDs answer 404.
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

json::object RoleJson(const access::Role& r) {
  json::object o{{"id", r.id},
                 {"name", r.name},
                 {"name_en", r.name_en},
                 {"description", r.description},
                 {"permissions", json::value_from(r.permissions)},
                 {"builtin", r.builtin},
                 {"created_at", TimeJson(r.created_at)},
                 {"updated_at", TimeJson(r.updated_at)}};
  return o;
}

HttpResponse RoleResponse(int status, const access::Role& r) {
  return http::JsonResponse(status, json::serialize(RoleJson(r)));
}

asio::awaitable<HttpResponse> ListPermissions(RequestContext&) {
  json::array items;
  for (const auto& p : access::Catalog()) {
    items.push_back(
        json::object{{"name", p.name},
                     {"scope", p.scope == access::PermissionScope::kCompany ? "company" : "provider"},
                     {"label_ja", p.label_ja},
                     {"label_en", p.label_en}});
  }
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  auto roles = co_await s.db.Run([&] { return s.roles.List(OwnCompany(ctx)); });
  json::array items;
  for (const auto& r : roles) items.push_back(RoleJson(r));
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const std::string id = ctx.Param("id");
  co_return RoleResponse(200, Unwrap(co_await s.db.Run([&] { return s.roles.Get(OwnCompany(ctx), id); })));
}

std::vector<std::string> RequiredStringArray(FieldReader& in, std::string_view name) {
  auto v = in.OptionalStringArray(name);
  if (!v) ThrowInvalid(name, std::string(name) + " is required");
  return *v;
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  access::NewRole input;
  input.name = in.RequiredString("name");
  input.description = in.OptionalString("description").value_or("");
  input.permissions = RequiredStringArray(in, "permissions");
  in.Finish();
  // Bad input is a 400 before it is a 403.
  if (auto names = access::NormalizePermissions(input.permissions); !names)
    throw http::ApiError(names.error());
  ThrowIfRefused(access::CheckRoleEdit(GrantorOf(ctx), access::PermissionSet::FromNames(input.permissions)));
  auto role = Unwrap(co_await s.db.Run([&] { return s.roles.Create(OwnCompany(ctx), input); }));
  ctx.audit.target_id = role.id;
  ctx.audit.details =
      json::serialize(json::object{{"name", role.name}, {"permissions", json::value_from(role.permissions)}});
  co_return RoleResponse(201, role);
}

asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  access::RolePatch patch;
  patch.name = in.OptionalString("name");
  patch.description = in.OptionalString("description");
  patch.permissions = in.OptionalStringArray("permissions");
  in.Finish();
  if (patch.permissions)
    if (auto names = access::NormalizePermissions(*patch.permissions); !names)
      throw http::ApiError(names.error());
  const std::string id = ctx.Param("id");
  // SEC-5: whoever edits a role, even only its name, holds every permission it will have.
  auto current = Unwrap(co_await s.db.Run([&] { return s.roles.Get(OwnCompany(ctx), id); }));
  ThrowIfRefused(access::CheckRoleEdit(
      GrantorOf(ctx), access::PermissionSet::FromNames(patch.permissions.value_or(current.permissions))));
  auto role = Unwrap(co_await s.db.Run([&] { return s.roles.Update(OwnCompany(ctx), id, patch); }));
  ctx.audit.details =
      json::serialize(json::object{{"name", role.name}, {"permissions", json::value_from(role.permissions)}});
  co_return RoleResponse(200, role);
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  const std::string id = ctx.Param("id");
  Unwrap(co_await s.db.Run([&] { return s.roles.Delete(OwnCompany(ctx), id); }));
  co_return http::NoContent();
}

}  // namespace

void AddRoleRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/permissions",
         .access = http::LoggedIn(),
         .action = "permissions.list",
         .handler = ListPermissions,
         .doc = {.summary = "The permission catalog with Japanese and English labels",
                 .tag = "roles",
                 .response_schema = schema::kPermission,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/roles",
         .access = http::Needs("roles.read"),
         .action = "roles.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's roles: built-in ones first",
                 .tag = "roles",
                 .response_schema = schema::kRole,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/roles",
         .access = http::Needs("roles.write"),
         .action = "roles.create",
         .target_type = "role",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create a role from permissions",
                 .tag = "roles",
                 .request_schema = schema::kRoleCreate,
                 .response_schema = schema::kRole,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/roles/{id}",
         .access = http::Needs("roles.read"),
         .action = "roles.get",
         .target_type = "role",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a role", .tag = "roles", .response_schema = schema::kRole}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/roles/{id}",
         .access = http::Needs("roles.write"),
         .action = "roles.update",
         .target_type = "role",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Change a role; applies to its accounts from their next request",
                 .tag = "roles",
                 .request_schema = schema::kRolePatch,
                 .response_schema = schema::kRole}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/roles/{id}",
         .access = http::Needs("roles.write"),
         .action = "roles.delete",
         .target_type = "role",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {.summary = "Delete a role (its accounts lose it)", .tag = "roles", .success_status = 204}});
}

}  // namespace kanri::api
