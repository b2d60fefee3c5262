// /api/v1/devices: a company's device inventory (DEV-2). Devices appear by themselves through
// CWMP onboarding; here operators list, search, filter, sort and export them, read one with
// its parameter tree, tag and delete them. Scoped to the caller's company: another company's
// device IDs answer 404 (SEC-8). Times come in UTC and in JST; ?format=csv exports UTF-8
// CSV with a BOM (so Excel opens it), times in JST, headers in Japanese with ?lang=ja.
#include "api/csv.h"
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "base/log.h"
#include "cwmp/soap.h"
#include "devices/unassigned.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpResponse;
using http::RequestContext;

json::object DeviceJson(const devices::Device& d, Timestamp now) {
  json::object o{
      {"id", d.id.value()},
      {"profile_id", d.profile_id ? json::value(d.profile_id->value()) : json::value(nullptr)},
      {"oui", d.oui},
      {"product_class", d.product_class},
      {"serial_number", d.serial_number},
      {"manufacturer", d.manufacturer},
      {"model", d.model},
      {"hardware_version", d.hardware_version},
      {"software_version", d.software_version},
      {"data_model", devices::ToString(d.data_model)},
      {"online", d.Online(now)},
      {"last_events", json::value_from(d.last_events)},
      {"periodic_inform_interval", d.periodic_inform_interval},
      {"wan_ip", d.wan_ip},
      {"source_ip", d.source_ip},
      {"connection_request_url", d.connection_request_url},
      {"tags", json::value_from(d.tags)},
      {"auth_mode", devices::ToString(d.auth_mode)},
      {"insecure", d.Insecure()},
      {"credential_state", devices::ToString(d.credential_state)},
      {"remote_login", d.remote_login.empty() ? json::value(nullptr) : json::value(d.remote_login)},
      {"name", d.name},
      {"note", d.note},
      {"wan_mac", d.wan_mac},
      {"compliance", d.compliance.empty() ? json::value(nullptr) : json::value(d.compliance)},
  };
  PutTimes(o, "first_contact_at", d.first_contact_at);
  PutTimes(o, "last_contact_at", d.last_contact_at);
  PutTimes(o, "last_boot_at", d.last_boot_at);
  PutTimes(o, "online_until", d.online_until);
  PutTimes(o, "created_at", d.created_at);
  PutTimes(o, "updated_at", d.updated_at);
  return o;
}

HttpResponse DeviceResponse(const devices::Device& d, Timestamp now) {
  return http::JsonResponse(200, json::serialize(DeviceJson(d, now)));
}

std::optional<std::string> NonEmptyQuery(const http::HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::nullopt;
  return std::string(*v);
}

devices::DeviceFilter ReadFilter(const http::HttpRequest& req) {
  devices::DeviceFilter f;
  f.search = NonEmptyQuery(req, "q");
  if (auto online = NonEmptyQuery(req, "online")) {
    if (*online != "true" && *online != "false") ThrowInvalid("online", "online must be true or false");
    f.online = *online == "true";
  }
  if (auto p = NonEmptyQuery(req, "profile_id")) f.profile_id = ProfileId{*p};
  if (auto g = NonEmptyQuery(req, "group_id")) f.group_id = GroupId{*g};
  f.model = NonEmptyQuery(req, "model");
  f.software_version = NonEmptyQuery(req, "software_version");
  f.tag = NonEmptyQuery(req, "tag");
  if (auto c = NonEmptyQuery(req, "compliance")) {
    if (!devices::ParseComplianceState(*c))
      ThrowInvalid("compliance", "compliance is in_sync, pending, drift or failed");
    f.compliance = *c;
  }
  return f;
}

devices::DeviceSort ReadSort(const http::HttpRequest& req) {
  auto text = NonEmptyQuery(req, "sort").value_or("serial_number");
  auto sort = devices::ParseDeviceSort(text);
  if (!sort)
    ThrowInvalid(
        "sort",
        "sort must be serial_number, last_contact_at, model or software_version, with '-' for descending");
  return *sort;
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : " ") + t;
  return out;
}

// The CSV export's columns (issue 18: Japanese headers with ?lang=ja).
constexpr CsvColumn kDeviceCsvColumns[] = {
    {"serial_number", "シリアル番号"},
    {"name", "名前"},
    {"oui", "OUI"},
    {"product_class", "製品クラス"},
    {"manufacturer", "メーカー"},
    {"model", "機種"},
    {"hardware_version", "ハードウェアバージョン"},
    {"software_version", "ファームウェアバージョン"},
    {"online", "状態"},
    {"last_contact_jst", "最終接続（JST）"},
    {"first_contact_jst", "初回接続（JST）"},
    {"wan_ip", "WAN IPアドレス"},
    {"wan_mac", "WAN MACアドレス"},
    {"tags", "タグ"},
    {"note", "メモ"},
    {"auth_mode", "認証方式"},
    {"credential_state", "認証情報の状態"},
    {"profile_id", "仕向けID"},
    {"id", "デバイスID"},
};

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const auto filter = ReadFilter(ctx.request);
  const auto sort = ReadSort(ctx.request);
  const auto format = ctx.request.Query("format").value_or("json");
  if (format != "json" && format != "csv") ThrowInvalid("format", "format must be json or csv");
  const CsvLanguage language = ReadCsvLanguage(ctx.request);
  const CompanyId& company = OwnCompany(ctx);
  if (format == "json") {
    const PageRequest page = ReadPageRequest(ctx.request);
    auto result = Unwrap(co_await s.db.Run([&] { return s.devices.List(company, filter, sort, page); }));
    const Timestamp now = s.clock.Now();
    co_return PageResponse(result, [now](const devices::Device& d) { return DeviceJson(d, now); });
  }

  auto rows = Unwrap(co_await s.db.Run([&] {
    return CollectPages<devices::Device>(
        [&](const PageRequest& page) { return s.devices.List(company, filter, sort, page); });
  }));
  const Timestamp now = s.clock.Now();
  CsvWriter csv;
  csv.Header(kDeviceCsvColumns, language);
  for (const auto& d : rows) {
    csv.Row({d.serial_number, d.name, d.oui, d.product_class, d.manufacturer, d.model, d.hardware_version,
             d.software_version, d.Online(now) ? "online" : "offline", FormatJst(d.last_contact_at),
             FormatJst(d.first_contact_at), d.wan_ip, d.wan_mac, JoinTags(d.tags), d.note,
             std::string(devices::ToString(d.auth_mode)), std::string(devices::ToString(d.credential_state)),
             d.profile_id ? d.profile_id->value() : "", d.id.value()});
  }
  ctx.audit.details = json::serialize(json::object{{"format", "csv"}, {"rows", rows.size()}});
  co_return CsvResponse(csv, "devices.csv");
}

// Issue 18: how many devices the list's filter selects (the list's total, "select all N").
asio::awaitable<HttpResponse> Count(ApiServices& s, RequestContext& ctx) {
  const auto filter = ReadFilter(ctx.request);
  const auto total = Unwrap(co_await s.db.Run([&] { return s.devices.Count(OwnCompany(ctx), filter); }));
  co_return http::JsonResponse(200, json::serialize(json::object{{"total", total}}));
}

// Issue 18: an operator's name and note for the device.
asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::DeviceDetails details;
  details.name = in.OptionalString("name");
  details.note = in.OptionalString("note");
  in.Finish();
  const DeviceId id{ctx.Param("id")};
  auto d = Unwrap(co_await s.db.Run([&] { return s.devices.SetDetails(OwnCompany(ctx), id, details); }));
  // The history says what changed, not the note's text (it may be long or personal).
  json::array changed;
  if (details.name) changed.emplace_back("name");
  if (details.note) changed.emplace_back("note");
  ctx.audit.details = json::serialize(json::object{{"changed", std::move(changed)}, {"name", d.name}});
  co_return DeviceResponse(d, s.clock.Now());
}

// DEV-7: the desired state's routes need the application's DesiredConfig.
devices::DesiredConfig& Desired(ApiServices& s) {
  if (!s.desired)
    throw http::ApiError(
        http::Problem{503, "unavailable", "", "Desired configuration is not available.", ""});
  return *s.desired;
}

// A secret's value (a Wi-Fi passphrase) is never shown back: null, with "secret": true.
json::value ShownValue(const std::string& path, const std::optional<std::string>& value) {
  if (!value || devices::IsSecretParameter(path)) return nullptr;
  return json::value(*value);
}

asio::awaitable<HttpResponse> Compliance(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  auto c = Unwrap(co_await s.db.Run([&] { return Desired(s).Compliance(OwnCompany(ctx), id); }));
  json::array items;
  std::map<std::string, std::size_t> counts{{"in_sync", 0}, {"pending", 0}, {"drift", 0}, {"failed", 0}};
  for (const auto& e : c.entries) {
    ++counts[std::string(devices::ToString(e.state))];
    const auto h = c.history.find(e.path);
    json::object item{
        {"path", e.path},
        {"desired", ShownValue(e.path, e.desired)},
        {"reported", ShownValue(e.path, e.reported)},
        {"secret", devices::IsSecretParameter(e.path)},
        {"state", devices::ToString(e.state)},
        {"reason", e.reason.empty() ? json::value(nullptr) : json::value(e.reason)},
        {"source", e.overridden ? "override" : "profile"},
        {"tries_today", h == c.history.end() ? 0 : h->second.tries_today},
        {"fault", e.fault ? json::value(json::object{{"code", *e.fault},
                                                     {"meaning", cwmp::CwmpFaultMeaning(*e.fault)}})
                          : json::value(nullptr)}};
    items.push_back(std::move(item));
  }
  json::object summary;
  for (const auto& [state, n] : counts) summary[state] = n;
  co_return http::JsonResponse(
      200, json::serialize(json::object{
               {"profile_id", c.profile_id ? json::value(c.profile_id->value()) : json::value(nullptr)},
               {"state", c.entries.empty() ? json::value(nullptr) : json::value(devices::ToString(c.state))},
               {"summary", std::move(summary)},
               {"items", std::move(items)}}));
}

json::object OverridesJson(const std::map<std::string, std::string>& overrides) {
  json::object parameters;
  for (const auto& [path, value] : overrides) parameters[path] = value;
  return json::object{{"parameters", std::move(parameters)}};
}

asio::awaitable<HttpResponse> GetOverrides(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  auto o = Unwrap(co_await s.db.Run([&] { return Desired(s).Overrides(OwnCompany(ctx), id); }));
  co_return http::JsonResponse(200, json::serialize(OverridesJson(o)));
}

asio::awaitable<HttpResponse> PutOverrides(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  auto parameters = in.OptionalObject("parameters");
  in.Finish();
  if (!parameters) ThrowInvalid("parameters", "parameters is required ({} removes every override)");
  const auto overrides = ReadParameterMap(*parameters, "parameters");
  const DeviceId id{ctx.Param("id")};
  auto stored =
      Unwrap(co_await s.db.Run([&] { return Desired(s).SetOverrides(OwnCompany(ctx), id, overrides); }));
  // The history keeps the paths and values, secrets redacted.
  json::object recorded;
  for (const auto& [path, value] : stored)
    recorded[path] = devices::IsSecretParameter(path) ? json::value("(redacted)") : json::value(value);
  ctx.audit.details = json::serialize(json::object{{"parameters", std::move(recorded)}});
  co_return http::JsonResponse(200, json::serialize(OverridesJson(stored)));
}

asio::awaitable<HttpResponse> Summary(ApiServices& s, RequestContext& ctx) {
  auto sum = co_await s.db.Run([&] { return s.devices.Summary(OwnCompany(ctx)); });
  co_return http::JsonResponse(200, json::serialize(json::object{{"total", sum.total},
                                                                 {"online", sum.online},
                                                                 {"offline", sum.offline},
                                                                 {"insecure", sum.insecure}}));
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  auto d = Unwrap(co_await s.db.Run([&] { return s.devices.Get(OwnCompany(ctx), id); }));
  co_return DeviceResponse(d, s.clock.Now());
}

asio::awaitable<HttpResponse> Parameters(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  const std::string prefix(ctx.request.Query("prefix").value_or(""));
  auto params = Unwrap(co_await s.db.Run([&] { return s.devices.Parameters(OwnCompany(ctx), id, prefix); }));
  json::array items;
  for (const auto& p : params) {
    json::object item{{"path", p.path},
                      {"value", p.value},
                      {"type", p.type},
                      {"writable", p.writable ? json::value(*p.writable) : json::value(nullptr)}};
    if (p.redacted) item["redacted"] = true;  // a secret: the value is never stored
    items.push_back(std::move(item));
  }
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

asio::awaitable<HttpResponse> ConnectionRequest(ApiServices& s, RequestContext& ctx) {
  json::object outcome = co_await CallDevice(s, OwnCompany(ctx), DeviceId{ctx.Param("id")});
  ctx.audit.details = json::serialize(outcome);
  const std::string word(outcome.at("outcome").as_string());
  if (word == cwmp::ToString(cwmp::CoarseOutcome::kDelivered))
    co_return http::JsonResponse(202, json::serialize(outcome));
  if (word == cwmp::ToString(cwmp::CoarseOutcome::kBusy)) {
    http::HttpResponse busy =
        http::ProblemResponse({503, "connection_requests_busy", "",
                               "Too many connection requests are in flight; try again shortly.", ""});
    busy.SetHeader("Retry-After", "5");
    co_return busy;
  }
  // DEV-4: the coarse outcome only; what happened on the network is in the server log.
  throw http::ApiError(http::Problem{502, "connection_request_" + word, "",
                                     "The device did not accept the connection request (" + word + ").", ""});
}

asio::awaitable<HttpResponse> PutTag(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  const std::string tag = ctx.Param("tag");
  ctx.audit.details = json::serialize(json::object{{"tag", tag}});
  auto d = Unwrap(co_await s.db.Run([&] { return s.devices.SetTag(OwnCompany(ctx), id, tag); }));
  co_return DeviceResponse(d, s.clock.Now());
}

asio::awaitable<HttpResponse> DeleteTag(ApiServices& s, RequestContext& ctx) {
  const DeviceId id{ctx.Param("id")};
  const std::string tag = ctx.Param("tag");
  ctx.audit.details = json::serialize(json::object{{"tag", tag}});
  auto d = Unwrap(co_await s.db.Run([&] { return s.devices.RemoveTag(OwnCompany(ctx), id, tag); }));
  co_return DeviceResponse(d, s.clock.Now());
}

// Deletes (the device may come back and be onboarded as new) or retires (its credential is
// revoked) a device; both keep what the retention allows for (issue 18).
asio::awaitable<HttpResponse> Remove(ApiServices& s, RequestContext& ctx, bool retire) {
  const DeviceId id{ctx.Param("id")};
  // The identity goes into the history, since the device's own record is gone afterwards.
  auto d = Unwrap(co_await s.db.Run([&] { return s.devices.Get(OwnCompany(ctx), id); }));
  const Millis keep = s.settings.device_retention;
  Unwrap(co_await s.db.Run([&] {
    return retire ? s.devices.Retire(OwnCompany(ctx), id, keep) : s.devices.Delete(OwnCompany(ctx), id, keep);
  }));
  ctx.audit.details = json::serialize(
      json::object{{"oui", d.oui}, {"product_class", d.product_class}, {"serial_number", d.serial_number}});
  co_return http::NoContent();
}

json::object RefusedJson(const devices::RefusedDevice& d) {
  json::object o{{"id", d.id},
                 {"oui", d.oui},
                 {"product_class", d.product_class},
                 {"serial_number", d.serial_number},
                 {"source_ip", d.source_ip},
                 {"reason", d.reason},
                 {"attempts", d.attempts}};
  PutTimes(o, "first_at", d.first_at);
  PutTimes(o, "last_at", d.last_at);
  return o;
}

json::object UnassignedJson(const devices::UnassignedDevice& d) {
  json::object o{{"id", d.id},
                 {"oui", d.oui},
                 {"product_class", d.product_class},
                 {"serial_number", d.serial_number},
                 {"former_company_id", d.former_company_id},
                 {"former_company_code", d.former_company_code},
                 {"manufacturer", d.manufacturer},
                 {"model", d.model},
                 {"hardware_version", d.hardware_version},
                 {"software_version", d.software_version},
                 {"data_model", d.data_model},
                 {"source_ip", d.source_ip}};
  PutTimes(o, "first_contact_at", d.first_contact_at);
  PutTimes(o, "last_contact_at", d.last_contact_at);
  PutTimes(o, "detached_at", d.detached_at);
  return o;
}

asio::awaitable<HttpResponse> ListUnassigned(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] {
    s.refused.Flush();  // their contacts waiting in memory move their last contact first
    return devices::UnassignedDeviceRepository{s.database}.List(scope, page);
  });
  co_return PageResponse(result, UnassignedJson);
}

asio::awaitable<HttpResponse> ListRefused(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.refused.List(scope, page); });
  co_return PageResponse(result, RefusedJson);
}

asio::awaitable<HttpResponse> ListOwnRefused(ApiServices& s, RequestContext& ctx) {
  const CompanyId company = OwnCompany(ctx);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.refused.List(company, page); });
  co_return PageResponse(result, RefusedJson);
}

// DEV-5: remote login to the device's own web interface.
devices::RemoteLogins& RemoteLogins(ApiServices& s) {
  if (!s.remote_logins)
    throw http::ApiError(http::Problem{503, "unavailable", "", "Remote login is not available.", ""});
  return *s.remote_logins;
}

json::object RemoteLoginJson(const devices::RemoteLogin& l) {
  json::object o{{"id", l.id},
                 {"device_id", l.device_id.value()},
                 {"state", devices::ToString(l.state)},
                 {"url", l.url.empty() ? json::value(nullptr) : json::value(l.url)},
                 {"created_by_login", l.created_by_login},
                 {"error", l.error}};
  PutTimes(o, "created_at", l.created_at);
  PutTimes(o, "opened_at", l.opened_at);
  PutTimes(o, "expires_at", l.expires_at);
  PutTimes(o, "closed_at", l.closed_at);
  return o;
}

asio::awaitable<HttpResponse> OpenRemoteLogin(ApiServices& s, RequestContext& ctx) {
  auto& logins = RemoteLogins(s);
  const CompanyId company = OwnCompany(ctx);
  const DeviceId device{ctx.Param("id")};
  const bool enabled = Unwrap(co_await s.db.Run([&] { return s.companies.RemoteLoginEnabled(company); }));
  if (!enabled)
    throw http::ApiError(http::Problem{403, "remote_login_disabled", "",
                                       "Remote login is switched off for this company.", ""});
  const devices::TaskActor actor{ctx.actor->account.id, ctx.actor->account.login};
  auto opened = Unwrap(co_await s.db.Run([&] { return logins.Open(company, device, actor); }));
  // The history gets the login's id and expiry, never its credentials.
  ctx.audit.details = json::serialize(
      json::object{{"remote_login_id", opened.login.id}, {"expires_at", FormatUtc(opened.login.expires_at)}});
  json::object out = RemoteLoginJson(opened.login);
  out["username"] = opened.login.username;  // answered once
  out["password"] = opened.password;        // answered once
  out["connection_request"] = co_await WakeDevice(s, company, device);
  co_return http::JsonResponse(201, json::serialize(out));
}

asio::awaitable<HttpResponse> GetRemoteLogin(ApiServices& s, RequestContext& ctx) {
  auto& logins = RemoteLogins(s);
  const CompanyId company = OwnCompany(ctx);
  const DeviceId device{ctx.Param("id")};
  auto login = Unwrap(co_await s.db.Run([&] { return logins.Current(company, device); }));
  co_return http::JsonResponse(200, json::serialize(RemoteLoginJson(login)));
}

asio::awaitable<HttpResponse> CloseRemoteLogin(ApiServices& s, RequestContext& ctx) {
  auto& logins = RemoteLogins(s);
  const CompanyId company = OwnCompany(ctx);
  const DeviceId device{ctx.Param("id")};
  auto login = Unwrap(co_await s.db.Run([&] { return logins.Close(company, device); }));
  ctx.audit.details = json::serialize(json::object{{"remote_login_id", login.id}});
  json::object out = RemoteLoginJson(login);
  if (login.state == devices::RemoteLoginState::kClosing)
    out["connection_request"] = co_await WakeDevice(s, company, device);
  co_return http::JsonResponse(202, json::serialize(out));
}

}  // namespace

asio::awaitable<json::object> CallDevice(ApiServices& s, const CompanyId& company, const DeviceId& device) {
  if (!s.device_caller)
    throw http::ApiError(http::Problem{503, "connection_requests_unavailable", "",
                                       "Connection requests are not enabled.", ""});
  const cwmp::CoarseOutcome outcome = Unwrap(co_await s.device_caller->Call(company, device));
  co_return json::object{{"outcome", cwmp::ToString(outcome)}};
}

asio::awaitable<json::object> WakeDevice(ApiServices& s, const CompanyId& company, const DeviceId& device) {
  try {
    co_return co_await CallDevice(s, company, device);
  } catch (const http::ApiError& e) {
    co_return json::object{{"outcome", "not_sent"}, {"reason", e.problem().code}};
  }
}

void AddDeviceRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/devices",
         .access = http::Needs("devices.read"),
         .action = "devices.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's devices: search, filter, sort (?format=csv for Excel)",
                 .tag = "devices",
                 .response_schema = schema::kDevice,
                 .paginated = true,
                 .query = {"q", "online", "profile_id", "group_id", "model", "software_version", "tag",
                           "compliance", "sort", "format", "lang"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/count",
         .access = http::Needs("devices.read"),
         .action = "devices.count",
         .handler = [&s](RequestContext& c) { return Count(s, c); },
         .doc = {.summary = "How many of the company's devices the list's filter selects (q searches serial, "
                            "model, firmware, tags, WAN IP and MAC addresses, name and note)",
                 .tag = "devices",
                 .response_schema = schema::kDeviceCount,
                 .query = {"q", "online", "profile_id", "group_id", "model", "software_version", "tag",
                           "compliance"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/summary",
         .access = http::Needs("devices.read"),
         .action = "devices.summary",
         .handler = [&s](RequestContext& c) { return Summary(s, c); },
         .doc = {.summary = "How many devices are online and offline now",
                 .tag = "devices",
                 .response_schema = schema::kDeviceSummary}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/{id}",
         .access = http::Needs("devices.read"),
         .action = "devices.get",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a device's inventory record",
                 .tag = "devices",
                 .response_schema = schema::kDevice}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/devices/{id}",
         .access = http::Needs("devices.configure"),
         .action = "devices.update",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Set the device's name (one line, at most 64 characters) and note (at most 500)",
                 .tag = "devices",
                 .request_schema = schema::kDevicePatch,
                 .response_schema = schema::kDevice}});
  t.Add(
      {.method = "GET",
       .path = "/api/v1/devices/{id}/compliance",
       .access = http::Needs("devices.read"),
       .action = "devices.compliance",
       .target_type = "device",
       .handler = [&s](RequestContext& c) { return Compliance(s, c); },
       .doc = {.summary = "DEV-7: parameter by parameter, the device's desired value (its profile's, or its "
                          "override), what it reported, and the state: in_sync, pending, drift or failed",
               .tag = "devices",
               .response_schema = schema::kCompliance}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/{id}/overrides",
         .access = http::Needs("devices.read"),
         .action = "devices.overrides",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return GetOverrides(s, c); },
         .doc = {.summary = "DEV-7: the device's own desired parameters, which win over its profile's",
                 .tag = "devices",
                 .response_schema = schema::kOverrides}});
  t.Add(
      {.method = "PUT",
       .path = "/api/v1/devices/{id}/overrides",
       .access = http::Needs("devices.configure"),
       .action = "devices.set_overrides",
       .target_type = "device",
       .handler = [&s](RequestContext& c) { return PutOverrides(s, c); },
       .doc = {.summary = "DEV-7: replace the device's overrides (checked like a profile's parameters); the "
                          "device is set accordingly at its next session, and asked to connect when online",
               .tag = "devices",
               .request_schema = schema::kOverrides,
               .response_schema = schema::kOverrides}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/{id}/parameters",
         .access = http::Needs("devices.read"),
         .action = "devices.parameters",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return Parameters(s, c); },
         .doc = {.summary = "The device's parameter tree as last reported, by path (?prefix=Device.WiFi.)",
                 .tag = "devices",
                 .response_schema = schema::kDeviceParameters,
                 .paginated = false,
                 .query = {"prefix"}}});
  t.Add({.method = "POST",
         .path = "/api/v1/devices/{id}/connection-request",
         .access = http::NeedsAnyOf(
             {"devices.configure", "devices.reboot", "devices.factory_reset", "devices.firmware"}),
         .action = "devices.connection_request",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return ConnectionRequest(s, c); },
         .doc = {.summary = "Ask the device to connect now (DEV-4): its queued tasks run within seconds",
                 .tag = "devices",
                 .response_schema = schema::kConnectionRequestOutcome}});
  t.Add({.method = "POST",
         .path = "/api/v1/devices/{id}/remote-login",
         .access = http::Needs("devices.remote_login"),
         .action = "devices.remote_login_open",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return OpenRemoteLogin(s, c); },
         .doc = {.summary = "DEV-5: open a remote login to the device's web interface; its URL, login ID and "
                            "one-time password are answered once",
                 .tag = "devices",
                 .response_schema = schema::kRemoteLoginOpened,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/{id}/remote-login",
         .access = http::NeedsAnyOf({"devices.remote_login", "devices.read"}),
         .action = "devices.remote_login_get",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return GetRemoteLogin(s, c); },
         .doc = {
             .summary = "DEV-5: the device's latest remote login (state, URL, expiry; never its credentials)",
             .tag = "devices",
             .response_schema = schema::kRemoteLogin}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/devices/{id}/remote-login",
         .access = http::Needs("devices.remote_login"),
         .action = "devices.remote_login_close",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return CloseRemoteLogin(s, c); },
         .doc = {.summary = "DEV-5: end the device's remote login now: the user is removed and remote access "
                            "switched off (at the device's next contact when it is offline)",
                 .tag = "devices",
                 .response_schema = schema::kRemoteLogin,
                 .success_status = 202}});
  t.Add({.method = "PUT",
         .path = "/api/v1/devices/{id}/tags/{tag}",
         .access = http::Needs("devices.configure"),
         .action = "devices.tag",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return PutTag(s, c); },
         .doc = {.summary = "Tag a device (idempotent; letters, digits, - _ . : and Japanese; at most 32)",
                 .tag = "devices",
                 .response_schema = schema::kDevice}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/devices/{id}/tags/{tag}",
         .access = http::Needs("devices.configure"),
         .action = "devices.untag",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return DeleteTag(s, c); },
         .doc = {
             .summary = "Remove a tag from a device", .tag = "devices", .response_schema = schema::kDevice}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/devices/{id}",
         .access = http::Needs("devices.configure"),
         .action = "devices.delete",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return Remove(s, c, false); },
         .doc = {.summary =
                     "Delete a device with its parameter tree, group memberships and tasks; its last "
                     "credential is kept, sealed, for --device-retention, so that it is onboarded as new "
                     "when it contacts the service again",
                 .tag = "devices",
                 .success_status = 204}});
  t.Add(
      {.method = "POST",
       .path = "/api/v1/devices/{id}/retire",
       .access = http::Needs("devices.configure"),
       .action = "devices.retire",
       .target_type = "device",
       .handler = [&s](RequestContext& c) { return Remove(s, c, true); },
       .doc = {.summary = "Retire a device: delete it as DELETE does and revoke its credential; its contacts "
                          "with that credential are refused (reason retired) until --device-retention passes",
               .tag = "devices",
               .success_status = 204}});
  // Issue 18: the company's own routers refused at onboarding (wrong credential, no profile…).
  t.Add(
      {.method = "GET",
       .path = "/api/v1/devices/refused",
       .access = http::Needs("devices.read"),
       .action = "devices.refused",
       .handler = [&s](RequestContext& c) { return ListOwnRefused(s, c); },
       .doc = {.summary = "The company's devices refused at onboarding (its allocation covers them, but the "
                          "credential was wrong, no or several profiles matched, or the device was retired), "
                          "latest refusal first",
               .tag = "devices",
               .response_schema = schema::kRefusedDevice,
               .paginated = true}});
  // DEV-1: what onboarding refused, for the provider (devices of no company yet).
  t.Add(
      {.method = "GET",
       .path = "/api/v1/refused-devices",
       .access = http::Needs("provider.devices"),
       .action = "provider.refused_devices",
       .handler = [&s](RequestContext& c) { return ListRefused(s, c); },
       .doc = {.summary = "Devices refused at onboarding (not allocated, no or several equally good profiles "
                          "of their company, or bad credentials), latest refusal first; allocate them with "
                          "POST /api/v1/allocations",
               .tag = "provider",
               .response_schema = schema::kRefusedDevice,
               .paginated = true}});
  // DATA-6: devices of companies deleted after their contract ended that still contact the service.
  t.Add({.method = "GET",
         .path = "/api/v1/unassigned-devices",
         .access = http::Needs("provider.devices"),
         .action = "provider.unassigned_devices",
         .handler = [&s](RequestContext& c) { return ListUnassigned(s, c); },
         .doc = {.summary = "Devices detached from companies deleted after their contract ended, most recent "
                            "contact first; each is deleted once silent for --device-retention",
                 .tag = "provider",
                 .response_schema = schema::kUnassignedDevice,
                 .paginated = true}});
}

}  // namespace kanri::api
