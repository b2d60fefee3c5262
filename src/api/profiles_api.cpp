// /api/v1/profiles: a company's profiles (仕向け情報, DEV-1) — which devices belong to it, how
// they authenticate and what they receive on first contact. The bootstrap / shared password
// goes in and never comes out ("password_set": true). Scoped to the caller's company;
// another company's profile IDs answer 404 (SEC-8).
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

json::object ProfileJson(const devices::Profile& p) {
  json::object match{
      {"oui", p.match.oui ? json::value(*p.match.oui) : json::value(nullptr)},
      {"product_class", p.match.product_class ? json::value(*p.match.product_class) : json::value(nullptr)},
      {"serial_prefix", p.match.serial_prefix ? json::value(*p.match.serial_prefix) : json::value(nullptr)},
      {"serials", json::value_from(p.match.serials)}};
  json::object auth{{"mode", devices::ToString(p.auth_mode)},
                    {"username", p.auth_username},
                    {"password_set", devices::ProfileRepository::PasswordSet(p)}};
  json::object params;
  for (const auto& [k, v] : p.parameters) params[k] = v;
  json::object o{
      {"id", p.id.value()},
      {"name", p.name},
      {"match", std::move(match)},
      {"device_auth", std::move(auth)},
      {"periodic_inform_interval",
       p.periodic_inform_interval ? json::value(*p.periodic_inform_interval) : json::value(nullptr)},
      {"parameters", std::move(params)},
      {"firmware_version", p.firmware_version ? json::value(*p.firmware_version) : json::value(nullptr)}};
  PutTimes(o, "created_at", p.created_at);
  PutTimes(o, "updated_at", p.updated_at);
  return o;
}

HttpResponse ProfileResponse(int status, const devices::Profile& p) {
  return http::JsonResponse(status, json::serialize(ProfileJson(p)));
}

// "match": {"oui", "product_class", "serial_prefix", "serials"}; null or "" means "any".
devices::ProfileMatch ReadMatch(json::object object) {
  FieldReader in{std::move(object), "match."};
  devices::ProfileMatch m;
  auto text = [&](std::string_view name) -> std::optional<std::string> {
    auto v = in.NullableString(name);
    if (!v || !*v || (*v)->empty()) return std::nullopt;
    return **v;
  };
  m.oui = text("oui");
  m.product_class = text("product_class");
  m.serial_prefix = text("serial_prefix");
  m.serials = in.OptionalStringArray("serials").value_or(std::vector<std::string>{});
  in.Finish();
  return m;
}

struct AuthInput {
  devices::AuthMode mode = devices::AuthMode::kRotate;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

AuthInput ReadAuth(json::object object) {
  FieldReader in{std::move(object), "device_auth."};
  AuthInput a;
  if (auto mode = in.OptionalString("mode")) {
    auto parsed = devices::ParseAuthMode(*mode);
    if (!parsed) ThrowInvalid("device_auth.mode", "device_auth.mode must be rotate, shared or none");
    a.mode = *parsed;
  }
  a.username = in.OptionalString("username");
  a.password = in.OptionalString("password");
  in.Finish();
  return a;
}

std::optional<std::optional<std::uint32_t>> ReadInterval(FieldReader& in) {
  const json::value* v = in.OptionalValue("periodic_inform_interval");
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::optional<std::uint32_t>>{std::in_place, std::nullopt};
  // Out-of-range numbers are left to the domain's check, which names the allowed range.
  if (v->is_int64() && v->as_int64() >= 0 && v->as_int64() <= UINT32_MAX)
    return std::optional<std::uint32_t>{static_cast<std::uint32_t>(v->as_int64())};
  if (v->is_int64() || v->is_uint64()) return std::optional<std::uint32_t>{0};
  ThrowInvalid("periodic_inform_interval",
               "periodic_inform_interval must be a whole number of seconds or null");
}

// What the history may know of a profile: never its password.
std::string AuditDetails(const devices::Profile& p) {
  return json::serialize(json::object{
      {"name", p.name},
      {"auth_mode", devices::ToString(p.auth_mode)},
      {"parameters", p.parameters.size()},
      {"firmware_version", p.firmware_version ? json::value(*p.firmware_version) : json::value(nullptr)}});
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.profiles.List(OwnCompany(ctx), page); });
  co_return PageResponse(result, ProfileJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const ProfileId id{ctx.Param("id")};
  co_return ProfileResponse(200,
                            Unwrap(co_await s.db.Run([&] { return s.profiles.Get(OwnCompany(ctx), id); })));
}

// DEV-7: how many of the profile's devices are in sync with it.
asio::awaitable<HttpResponse> Compliance(ApiServices& s, RequestContext& ctx) {
  const ProfileId id{ctx.Param("id")};
  if (!s.desired)
    throw http::ApiError(
        http::Problem{503, "unavailable", "", "Desired configuration is not available.", ""});
  auto counts = Unwrap(co_await s.db.Run([&] { return s.desired->ProfileCompliance(OwnCompany(ctx), id); }));
  std::size_t devices = 0;
  for (const auto& [state, n] : counts) devices += n;
  co_return http::JsonResponse(200, json::serialize(json::object{{"devices", devices},
                                                                 {"in_sync", counts["in_sync"]},
                                                                 {"pending", counts["pending"]},
                                                                 {"drift", counts["drift"]},
                                                                 {"failed", counts["failed"]},
                                                                 {"not_compared", counts[""]}}));
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::NewProfile input;
  input.name = in.RequiredString("name");
  auto match = in.OptionalObject("match");
  if (!match) ThrowInvalid("match", "match is required");
  input.match = ReadMatch(std::move(*match));
  if (auto auth = in.OptionalObject("device_auth")) {
    auto a = ReadAuth(std::move(*auth));
    input.auth_mode = a.mode;
    input.auth_username = a.username.value_or("");
    input.auth_password = a.password.value_or("");
  }
  if (auto interval = ReadInterval(in)) input.periodic_inform_interval = *interval;
  if (auto params = in.OptionalObject("parameters"))
    input.parameters = ReadParameterMap(*params, "parameters");
  if (auto fw = in.NullableString("firmware_version")) input.firmware_version = *fw;
  in.Finish();
  auto p = Unwrap(co_await s.db.Run([&] { return s.profiles.Create(OwnCompany(ctx), input); }));
  ctx.audit.target_id = p.id.value();
  ctx.audit.details = AuditDetails(p);
  co_return ProfileResponse(201, p);
}

asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::ProfilePatch patch;
  patch.name = in.OptionalString("name");
  if (auto match = in.OptionalObject("match")) patch.match = ReadMatch(std::move(*match));
  if (auto auth = in.OptionalObject("device_auth")) {
    auto a = ReadAuth(std::move(*auth));
    patch.auth_mode = a.mode;
    patch.auth_username = a.username;
    patch.auth_password = a.password;
  }
  patch.periodic_inform_interval = ReadInterval(in);
  if (auto params = in.OptionalObject("parameters"))
    patch.parameters = ReadParameterMap(*params, "parameters");
  patch.firmware_version = in.NullableString("firmware_version");
  in.Finish();
  const ProfileId id{ctx.Param("id")};
  auto p = Unwrap(co_await s.db.Run([&] { return s.profiles.Update(OwnCompany(ctx), id, patch); }));
  ctx.audit.details = AuditDetails(p);
  co_return ProfileResponse(200, p);
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  const ProfileId id{ctx.Param("id")};
  Unwrap(co_await s.db.Run([&] { return s.profiles.Delete(OwnCompany(ctx), id); }));
  co_return http::NoContent();
}

}  // namespace

void AddProfileRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/profiles",
         .access = http::Needs("profiles.read"),
         .action = "profiles.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's profiles (仕向け) by name",
                 .tag = "profiles",
                 .response_schema = schema::kProfile,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/profiles",
         .access = http::Needs("profiles.write"),
         .action = "profiles.create",
         .target_type = "profile",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create a profile: which devices are the company's and what they receive",
                 .tag = "profiles",
                 .request_schema = schema::kProfileCreate,
                 .response_schema = schema::kProfile,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/profiles/{id}",
         .access = http::Needs("profiles.read"),
         .action = "profiles.get",
         .target_type = "profile",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a profile (never its password)",
                 .tag = "profiles",
                 .response_schema = schema::kProfile}});
  t.Add(
      {.method = "GET",
       .path = "/api/v1/profiles/{id}/compliance",
       .access = http::Needs("profiles.read"),
       .action = "profiles.compliance",
       .target_type = "profile",
       .handler = [&s](RequestContext& c) { return Compliance(s, c); },
       .doc = {
           .summary = "DEV-7: how many of the profile's devices are in sync with its desired parameters, "
                      "pending, drifting, failed, or not compared yet",
           .tag = "profiles",
           .response_schema = R"({"type":"object","required":["devices","in_sync","pending","drift","failed",
"not_compared"],"properties":{"devices":{"type":"integer"},"in_sync":{"type":"integer"},"pending":{"type":"integer"},
"drift":{"type":"integer"},"failed":{"type":"integer"},"not_compared":{"type":"integer"}}})"}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/profiles/{id}",
         .access = http::Needs("profiles.write"),
         .action = "profiles.update",
         .target_type = "profile",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Change a profile; each given field replaces the whole field (device_auth keeps "
                            "the stored password when none is given)",
                 .tag = "profiles",
                 .request_schema = schema::kProfilePatch,
                 .response_schema = schema::kProfile}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/profiles/{id}",
         .access = http::Needs("profiles.write"),
         .action = "profiles.delete",
         .target_type = "profile",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {.summary = "Delete a profile (its devices stay, unlinked)",
                 .tag = "profiles",
                 .success_status = 204}});
}

}  // namespace kanri::api
