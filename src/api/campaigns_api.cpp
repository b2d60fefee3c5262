// /api/v1/campaigns (DEV-6): staged firmware campaigns (devices/campaigns.h). Reading needs
// devices.read; creating, pausing, resuming and cancelling need devices.firmware (SEC-5).
// Another company's campaign, firmware file or group answers exactly like a missing one (SEC-8).
//
//   POST /api/v1/campaigns
//   {"name": "HG-5 2.1", "firmware_id": "…", "target": {"group_id": "…"},
//    "waves": [{"count": 5}, {"percent": 25}, {"percent": 100}],
//    "failure_threshold_percent": 10, "min_success_before_next_wave": 3,
//    "window": {"days": ["mon", "tue"], "from": "01:00", "to": "05:00"},   (JST)
//    "concurrency": 20, "device_timeout_hours": 24}
#include <charconv>
#include <map>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "base/log.h"
#include "devices/campaigns.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

constexpr std::string_view kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr const char* kCountsSchema =
    R"({"type":"object","required":["total","pending","running","done","failed","skipped","cancelled"],)"
    R"("properties":{"total":{"type":"integer"},"pending":{"type":"integer"},"running":{"type":"integer"},)"
    R"("done":{"type":"integer"},"failed":{"type":"integer"},"skipped":{"type":"integer"},)"
    R"("cancelled":{"type":"integer"}}})";

std::string CampaignSchema() {
  json::object counts = json::parse(kCountsSchema).as_object();
  json::object time{{"type", json::array{"string", "null"}}};
  json::object wave{
      {"type", "object"},
      {"required", json::array{"wave", "size", "downloads", "counts", "started_at", "ended_at"}},
      {"properties", json::object{{"wave", {{"type", "integer"}}},
                                  {"size", {{"type", "integer"}}},
                                  {"downloads", {{"type", "integer"}}},
                                  {"counts", counts},
                                  {"started_at", time},
                                  {"started_at_jst", time},
                                  {"ended_at", time},
                                  {"ended_at_jst", time}}}};
  json::object reasons{{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}};
  json::object o{
      {"type", "object"},
      {"required", json::array{"id",
                               "name",
                               "firmware",
                               "target",
                               "waves",
                               "failure_threshold_percent",
                               "min_success_before_next_wave",
                               "window",
                               "concurrency",
                               "device_timeout_hours",
                               "state",
                               "pause_reason",
                               "current_wave",
                               "counts",
                               "skipped_reasons",
                               "failure_reasons",
                               "created_by",
                               "created_at",
                               "updated_at",
                               "finished_at"}},
      {"properties",
       json::object{
           {"id", {{"type", "string"}}},
           {"name", {{"type", "string"}}},
           {"firmware",
            json::parse(R"({"type":"object","required":["id","name","version"],"properties":{)"
                        R"("id":{"type":"string"},"name":{"type":"string"},"version":{"type":"string"}}})")},
           {"target",
            json::parse(std::string(R"({"type":"object","properties":{"group_id":{"type":"string"},)") +
                        R"("filter":)" + schema::kDeviceFilter + "}}")},
           {"waves", {{"type", "array"}, {"items", wave}}},
           {"failure_threshold_percent", {{"type", "number"}}},
           {"min_success_before_next_wave", {{"type", "integer"}}},
           {"window",
            json::parse(
                R"({"type":["object","null"],"required":["days","from","to"],"properties":{)"
                R"("days":{"type":"array","items":{"type":"string","enum":["sun","mon","tue","wed","thu",)"
                R"("fri","sat"]}},"from":{"type":"string"},"to":{"type":"string"}}})")},
           {"concurrency", {{"type", "integer"}}},
           {"device_timeout_hours", {{"type", "integer"}}},
           {"state", json::parse(R"({"type":"string","enum":["running","paused","cancelled","finished"]})")},
           {"pause_reason",
            json::parse(
                R"({"type":["string","null"],"enum":["operator","failure_threshold","min_success",null]})")},
           {"current_wave", {{"type", "integer"}}},
           {"counts", counts},
           {"skipped_reasons", reasons},
           {"failure_reasons", reasons},
           {"created_by", json::parse(R"({"type":"object","required":["id","login"],"properties":{)"
                                      R"("id":{"type":["string","null"]},"login":{"type":"string"}}})")},
           {"created_at", {{"type", "string"}}},
           {"created_at_jst", {{"type", "string"}}},
           {"updated_at", {{"type", "string"}}},
           {"updated_at_jst", {{"type", "string"}}},
           {"finished_at", time},
           {"finished_at_jst", time}}}};
  return json::serialize(o);
}

constexpr const char* kCreateFields =
    R"("waves":{"type":"array","minItems":1,"maxItems":20,"items":{"type":"object",)"
    R"("additionalProperties":false,"properties":{"percent":{"type":"number","exclusiveMinimum":0,)"
    R"("maximum":100},"count":{"type":"integer","minimum":1}}}},)"
    R"("failure_threshold_percent":{"type":"number","minimum":0,"maximum":100,"default":10},)"
    R"("min_success_before_next_wave":{"type":"integer","minimum":0,"default":1},)"
    R"("window":{"type":["object","null"],"additionalProperties":false,"required":["from","to"],)"
    R"("properties":{"days":{"type":"array","items":{"type":"string","enum":["sun","mon","tue","wed",)"
    R"("thu","fri","sat"]}},"from":{"type":"string","pattern":"^[0-2][0-9]:[0-5][0-9]$"},)"
    R"("to":{"type":"string","pattern":"^[0-2][0-9]:[0-5][0-9]$"}}},)"
    R"("concurrency":{"type":"integer","minimum":1,"maximum":10000,"default":50},)"
    R"("device_timeout_hours":{"type":"integer","minimum":1,"maximum":720,"default":24}}})";

std::string CreateSchema() {
  return std::string(
             R"({"type":"object","additionalProperties":false,"required":["name","firmware_id","target","waves"],)"
             R"("properties":{"name":{"type":"string","minLength":1,"maxLength":128},"firmware_id":{"type":"string"},)"
             R"("target":{"type":"object","additionalProperties":false,"description":"exactly one of group_id )"
             R"(and filter, the device list's filter","properties":{"group_id":{"type":"string"},"filter":)") +
         schema::kDeviceFilter + "}}," + kCreateFields;
}

constexpr const char* kDeviceSchema =
    R"({"type":"object","required":["device","wave","state","reason","task_id","finished_at"],"properties":{)"
    R"("device":{"type":"object","required":["id","serial_number","model"],"properties":{)"
    R"("id":{"type":"string"},"serial_number":{"type":"string"},"model":{"type":"string"}}},)"
    R"("wave":{"type":["integer","null"]},"state":{"type":"string","enum":["pending","running","done",)"
    R"("failed","skipped","cancelled"]},"reason":{"type":"string"},"task_id":{"type":["string","null"]},)"
    R"("finished_at":{"type":["string","null"]},"finished_at_jst":{"type":["string","null"]}}})";

std::string Clock(int minutes) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d", minutes / 60, minutes % 60);
  return text;
}

// "HH:MM" → minutes after 00:00; 400 on `field` otherwise.
int ReadClock(const std::string& text, const std::string& field) {
  if (text.size() == 5 && text[2] == ':' && std::isdigit(static_cast<unsigned char>(text[0])) &&
      std::isdigit(static_cast<unsigned char>(text[1])) &&
      std::isdigit(static_cast<unsigned char>(text[3])) &&
      std::isdigit(static_cast<unsigned char>(text[4]))) {
    const int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h < 24 && m < 60) return h * 60 + m;
  }
  ThrowInvalid(field, field + " is a time of day in JST, HH:MM (00:00 to 23:59)");
}

json::object CountsJson(const devices::CampaignCounts& c) {
  return {{"total", c.total},   {"pending", c.pending}, {"running", c.running},    {"done", c.done},
          {"failed", c.failed}, {"skipped", c.skipped}, {"cancelled", c.cancelled}};
}

json::object ReasonsJson(const std::map<std::string, std::size_t>& reasons) {
  json::object o;
  for (const auto& [k, n] : reasons) o[k] = n;
  return o;
}

json::object CampaignJson(const devices::Campaign& c) {
  json::object target;
  if (c.spec.group_id) target["group_id"] = c.spec.group_id->value();
  if (c.spec.filter) target["filter"] = json::parse(devices::DeviceFilterToJson(*c.spec.filter));
  json::value window = nullptr;
  if (const auto& w = c.spec.window) {
    json::array days;
    for (int d : w->days) days.emplace_back(kDays[static_cast<std::size_t>(d)]);
    window = json::object{{"days", days}, {"from", Clock(w->from)}, {"to", Clock(w->to)}};
  }
  json::array waves;
  for (const auto& w : c.waves) {
    json::object o{{"wave", w.index + 1},
                   {"size", w.size},
                   {"downloads", w.downloads},
                   {"counts", CountsJson(w.counts)}};
    PutTimes(o, "started_at", w.started_at);
    PutTimes(o, "ended_at", w.ended_at);
    waves.push_back(std::move(o));
  }
  json::object o{
      {"id", c.id.value()},
      {"name", c.spec.name},
      {"firmware",
       {{"id", c.spec.firmware_id.value()}, {"name", c.firmware_name}, {"version", c.firmware_version}}},
      {"target", target},
      {"waves", waves},
      {"failure_threshold_percent", c.spec.failure_threshold_percent},
      {"min_success_before_next_wave", c.spec.min_success_before_next_wave},
      {"window", window},
      {"concurrency", c.spec.concurrency},
      {"device_timeout_hours", std::chrono::duration_cast<std::chrono::hours>(c.spec.device_timeout).count()},
      {"state", devices::ToString(c.state)},
      {"pause_reason", c.pause_reason.empty() ? json::value(nullptr) : json::value(c.pause_reason)},
      {"current_wave", c.current_wave + 1},
      {"counts", CountsJson(c.counts)},
      {"skipped_reasons", ReasonsJson(c.skipped_reasons)},
      {"failure_reasons", ReasonsJson(c.failure_reasons)},
      {"created_by",
       {{"id", c.created_by ? json::value(c.created_by->value()) : json::value(nullptr)},
        {"login", c.created_by_login}}},
  };
  PutTimes(o, "created_at", c.created_at);
  PutTimes(o, "updated_at", c.updated_at);
  PutTimes(o, "finished_at", c.finished_at);
  return o;
}

json::object DeviceRowJson(const devices::CampaignDeviceRow& d) {
  json::object o{
      {"device", {{"id", d.device_id.value()}, {"serial_number", d.serial_number}, {"model", d.model}}},
      {"wave", d.wave < 0 ? json::value(nullptr) : json::value(d.wave + 1)},
      {"state", d.state},
      {"reason", d.reason},
      {"task_id", d.task_id ? json::value(d.task_id->value()) : json::value(nullptr)},
  };
  PutTimes(o, "finished_at", d.finished_at);
  return o;
}

devices::CampaignRepository& Repository(ApiServices& s) {
  if (!s.campaigns)
    throw ApiError(
        http::Problem{503, "campaigns_unavailable", "", "Firmware campaigns are not configured.", ""});
  return *s.campaigns;
}

devices::CampaignSpec ReadSpec(const http::HttpRequest& request) {
  FieldReader in{ParseJsonBody(request)};
  devices::CampaignSpec spec;
  spec.name = in.RequiredString("name");
  spec.firmware_id = FirmwareId{in.RequiredString("firmware_id")};
  auto target = in.OptionalObject("target");
  if (!target) ThrowInvalid("target", "target is required: {\"group_id\": …} or {\"filter\": {…}}");
  {
    FieldReader t{*target, "target."};
    if (auto g = t.OptionalString("group_id")) spec.group_id = GroupId{*g};
    if (auto f = t.OptionalObject("filter")) {
      auto filter = devices::DeviceFilterFromJson(json::serialize(*f));
      if (!filter) throw ApiError(filter.error());
      spec.filter = std::move(*filter);
    }
    t.Finish();
  }
  const json::value* waves = in.OptionalValue("waves");
  if (!waves || !waves->is_array())
    ThrowInvalid("waves", "waves is an array of {\"percent\"} or {\"count\"}");
  for (const auto& w : waves->as_array()) {
    if (!w.is_object()) ThrowInvalid("waves", "each wave is {\"percent\": p} or {\"count\": n}");
    devices::WaveSpec wave;
    for (const auto& [k, v] : w.as_object()) {
      if (k == "percent" && v.is_number()) {
        wave.percent = v.to_number<double>();
      } else if (k == "count" && v.is_int64() && v.as_int64() >= 1) {
        wave.count = static_cast<std::size_t>(v.as_int64());
      } else {
        ThrowInvalid("waves",
                     "each wave is {\"percent\": p} (above 0, at most 100) or {\"count\": n} (at least 1)");
      }
    }
    spec.waves.push_back(wave);
  }
  if (const json::value* th = in.OptionalValue("failure_threshold_percent")) {
    if (!th->is_number()) ThrowInvalid("failure_threshold_percent", "failure_threshold_percent is a number");
    spec.failure_threshold_percent = th->to_number<double>();
  }
  if (auto n = in.OptionalInteger("min_success_before_next_wave")) {
    if (*n < 0) ThrowInvalid("min_success_before_next_wave", "min_success_before_next_wave is 0 or more");
    spec.min_success_before_next_wave = static_cast<std::size_t>(*n);
  }
  if (const json::value* w = in.OptionalValue("window"); w && !w->is_null()) {
    if (!w->is_object())
      ThrowInvalid("window", "window is {\"days\": [\"mon\", …], \"from\": \"HH:MM\", \"to\": \"HH:MM\"}");
    FieldReader win{w->as_object(), "window."};
    devices::CampaignWindow window;
    for (const auto& day : win.OptionalStringArray("days").value_or(std::vector<std::string>{})) {
      const auto* it = std::find(std::begin(kDays), std::end(kDays), day);
      if (it == std::end(kDays)) ThrowInvalid("window.days", "days are sun, mon, tue, wed, thu, fri and sat");
      window.days.push_back(static_cast<int>(it - std::begin(kDays)));
    }
    window.from = ReadClock(win.RequiredString("from"), "window.from");
    window.to = ReadClock(win.RequiredString("to"), "window.to");
    win.Finish();
    spec.window = window;
  }
  if (auto n = in.OptionalInteger("concurrency")) {
    if (*n < 1 || *n > 10'000) ThrowInvalid("concurrency", "concurrency is 1 to 10000");
    spec.concurrency = static_cast<std::size_t>(*n);
  }
  if (auto n = in.OptionalInteger("device_timeout_hours")) {
    if (*n < 1 || *n > 720) ThrowInvalid("device_timeout_hours", "device_timeout_hours is 1 to 720");
    spec.device_timeout = std::chrono::hours{*n};
  }
  in.Finish();
  return spec;
}

CampaignId IdParam(const RequestContext& ctx) {
  return CampaignId{ctx.Param("id")};
}

// The history keeps what a campaign does: its name, file and progress.
void Audit(RequestContext& ctx, const devices::Campaign& c) {
  ctx.audit.target_id = c.id.value();
  ctx.audit.details = json::serialize(json::object{{"name", c.spec.name},
                                                   {"firmware_id", c.spec.firmware_id.value()},
                                                   {"state", devices::ToString(c.state)},
                                                   {"current_wave", c.current_wave + 1},
                                                   {"counts", CountsJson(c.counts)}});
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  const devices::CampaignSpec spec = ReadSpec(ctx.request);
  const devices::TaskActor actor{ctx.actor->account.id, ctx.actor->account.login};
  auto c = Unwrap(co_await s.db.Run([&] { return repo.Create(OwnCompany(ctx), spec, actor); }));
  Audit(ctx, c);
  HttpResponse r = http::JsonResponse(201, json::serialize(CampaignJson(c)));
  r.SetHeader("Location", "/api/v1/campaigns/" + c.id.value());
  co_return r;
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return repo.List(OwnCompany(ctx), page); });
  co_return PageResponse(result, CampaignJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  auto c = Unwrap(co_await s.db.Run([&] { return repo.Get(OwnCompany(ctx), IdParam(ctx)); }));
  co_return http::JsonResponse(200, json::serialize(CampaignJson(c)));
}

asio::awaitable<HttpResponse> Devices(ApiServices& s, RequestContext& ctx) {
  auto& repo = Repository(s);
  devices::CampaignDeviceFilter filter;
  for (const auto& [k, v] : ctx.request.query) {
    if (k == "wave") {
      int wave = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), wave);
      if (ec != std::errc{} || end != v.data() + v.size() || wave < 1 || wave > 20)
        ThrowInvalid("wave", "wave is a wave's number, 1 to 20");
      filter.wave = wave - 1;
    } else if (k == "state") {
      filter.state = v;
    } else if (k != "limit" && k != "cursor") {
      ThrowInvalid(k, "unknown query parameter " + k);
    }
  }
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result =
      Unwrap(co_await s.db.Run([&] { return repo.Devices(OwnCompany(ctx), IdParam(ctx), filter, page); }));
  co_return PageResponse(result, DeviceRowJson);
}

using Transition = Result<devices::Campaign> (devices::CampaignRepository::*)(const CompanyId&,
                                                                              const CampaignId&);

asio::awaitable<HttpResponse> Change(ApiServices& s, RequestContext& ctx, Transition transition) {
  auto& repo = Repository(s);
  auto c = Unwrap(co_await s.db.Run([&] { return (repo.*transition)(OwnCompany(ctx), IdParam(ctx)); }));
  Audit(ctx, c);
  co_return http::JsonResponse(200, json::serialize(CampaignJson(c)));
}

}  // namespace

asio::awaitable<void> RunCampaigns(ApiServices& s) {
  if (!s.campaigns) co_return;
  auto tick = co_await s.db.Run([&] { return s.campaigns->Tick(); });
  // What the engine did, in the history with Kanri as the actor.
  for (auto& e : tick.events) {
    audit::OperationRecord r;
    r.time = s.clock.Now();
    r.company = e.company_id;
    r.actor_login = "system";
    r.action = e.action;
    r.target_type = "campaign";
    r.target_id = e.campaign_id.value();
    r.details = e.details;
    if (s.history_writer) {
      s.history_writer->Submit(std::move(r), [action = e.action](std::exception_ptr failed) {
        if (failed) LogWarn("a campaign's record was not stored in the history", {{"action", action}});
      });
    }
  }
  std::map<std::string, std::vector<std::pair<DeviceId, TaskId>>> by_company;
  for (const auto& w : tick.wakes) by_company[w.company_id.value()].emplace_back(w.device_id, w.task_id);
  for (const auto& [company, tasks] : by_company) co_await WakeForTasks(s, CompanyId{company}, tasks);
}

void AddCampaignRoutes(http::RouteTable& t, ApiServices& s) {
  static const std::string kCampaign = CampaignSchema();
  static const std::string kCreate = CreateSchema();
  t.Add(
      {.method = "POST",
       .path = "/api/v1/campaigns",
       .access = http::Needs("devices.firmware"),
       .action = "campaign.create",
       .target_type = "campaign",
       .handler = [&s](RequestContext& c) { return Create(s, c); },
       .doc = {.summary = "Start a firmware campaign: the file goes to the target's devices it is for, wave "
                          "after wave, inside the window (JST), pausing when a wave fails too often",
               .tag = "campaigns",
               .request_schema = kCreate,
               .response_schema = kCampaign,
               .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/campaigns",
         .access = http::Needs("devices.read"),
         .action = "campaign.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's firmware campaigns with their progress, newest first",
                 .tag = "campaigns",
                 .response_schema = kCampaign,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/campaigns/{id}",
         .access = http::Needs("devices.read"),
         .action = "campaign.get",
         .target_type = "campaign",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "A campaign with its progress per wave and in total",
                 .tag = "campaigns",
                 .response_schema = kCampaign}});
  t.Add({.method = "GET",
         .path = "/api/v1/campaigns/{id}/devices",
         .access = http::Needs("devices.read"),
         .action = "campaign.devices",
         .target_type = "campaign",
         .handler = [&s](RequestContext& c) { return Devices(s, c); },
         .doc = {.summary = "The campaign's devices by wave, with how each stands and why",
                 .tag = "campaigns",
                 .response_schema = kDeviceSchema,
                 .paginated = true,
                 .query = {"wave", "state"}}});
  const std::pair<const char*, Transition> transitions[] = {
      {"pause", &devices::CampaignRepository::Pause},
      {"resume", &devices::CampaignRepository::Resume},
      {"cancel", &devices::CampaignRepository::Cancel},
  };
  for (const auto& [verb, transition] : transitions) {
    const std::string v = verb;
    t.Add({.method = "POST",
           .path = "/api/v1/campaigns/{id}/" + v,
           .access = http::Needs("devices.firmware"),
           .action = "campaign." + v,
           .target_type = "campaign",
           .handler = [&s, tr = transition](RequestContext& c) { return Change(s, c, tr); },
           .doc = {.summary = v == "pause" ? "Pause a running campaign: no new download starts"
                              : v == "resume"
                                  ? "Resume a paused campaign, past the wave that paused it"
                                  : "Cancel a campaign: no new download starts, running ones finish",
                   .tag = "campaigns",
                   .response_schema = kCampaign}});
  }
}

}  // namespace kanri::api
