// Running the service for customers (issue 15): OPS-1 maintenance windows and OPS-2 incidents
// for the provider's site administrators (provider.operations), with the business-day calendar,
// this node's health and OPS-3 availability; what every logged-in account is told (notices,
// DATA-7's "Security and data"); and the public status page's data, which names no company
// and is computed at most once per 30 seconds whatever the traffic.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "ops/business_days.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

template <typename T>
T& Configured(T* p) {
  if (!p)
    throw ApiError(http::Problem{503, "operations_unavailable", "",
                                 "This server does not run the service notices.", ""});
  return *p;
}

constexpr Millis kOverdueDraft = std::chrono::minutes{45};  // OPS-2: published within the hour
constexpr Millis kStatusCacheFor = std::chrono::seconds{30};
constexpr int kStatusDays = 90;
constexpr int kStatusMonths = 12;

// ---- input ----

Timestamp ReadTime(FieldReader& in, std::string_view name) {
  const std::string text = in.RequiredString(name);
  auto t = ParseUtc(text);
  if (!t) ThrowInvalid(in.Field(name), "a time is YYYY-MM-DDTHH:MM:SSZ (UTC)");
  return *t;
}

std::optional<Timestamp> ReadOptionalTime(FieldReader& in, std::string_view name) {
  auto text = in.OptionalString(name);
  if (!text) return std::nullopt;
  auto t = ParseUtc(*text);
  if (!t) ThrowInvalid(in.Field(name), "a time is YYYY-MM-DDTHH:MM:SSZ (UTC)");
  return t;
}

std::optional<ops::Audience> ReadScope(FieldReader& in) {
  const json::value* v = in.OptionalValue("scope");
  if (!v) return std::nullopt;
  if (v->is_string() && v->as_string() == "all") return ops::Audience{.all = true, .companies = {}};
  if (!v->is_array()) ThrowInvalid("scope", "scope is \"all\" or a list of company IDs");
  ops::Audience a{.all = false, .companies = {}};
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) ThrowInvalid("scope", "scope is \"all\" or a list of company IDs");
    a.companies.emplace_back(std::string(item.as_string()));
  }
  return a;
}

// Texts: all four when `required`, otherwise whichever are given over `base`.
std::optional<ops::Texts> ReadTexts(FieldReader& in, const std::optional<ops::Texts>& base) {
  auto tj = in.OptionalString("title_ja"), te = in.OptionalString("title_en"),
       bj = in.OptionalString("body_ja"), be = in.OptionalString("body_en");
  if (!base) {
    if (!tj) ThrowInvalid("title_ja", "title_ja is required");
    if (!te) ThrowInvalid("title_en", "title_en is required");
    return ops::Texts{*tj, *te, bj.value_or(""), be.value_or("")};
  }
  if (!tj && !te && !bj && !be) return std::nullopt;
  ops::Texts t = *base;
  if (tj) t.title_ja = *tj;
  if (te) t.title_en = *te;
  if (bj) t.body_ja = *bj;
  if (be) t.body_en = *be;
  return t;
}

// ---- output ----

json::value ScopeJson(const ops::Audience& a) {
  if (a.all) return "all";
  json::array ids;
  for (const auto& c : a.companies) ids.push_back(json::value(c.value()));
  return ids;
}

json::array ScopeCompanies(ApiServices& s, const ProviderScope& scope, const ops::Audience& a) {
  json::array out;
  for (const auto& id : a.companies)
    if (auto c = s.companies.Get(scope, id))
      out.push_back(json::object{{"id", c->id.value()}, {"code", c->code}, {"name", c->name}});
  return out;
}

void PutTexts(json::object& o, const ops::Texts& t) {
  o["title_ja"] = t.title_ja;
  o["title_en"] = t.title_en;
  o["body_ja"] = t.body_ja;
  o["body_en"] = t.body_en;
}

json::object MaintenanceJson(const ops::MaintenanceWindow& w, Timestamp now, json::array companies) {
  json::object o{{"id", w.id},
                 {"state", ops::ToString(w.State(now))},
                 {"scope", ScopeJson(w.audience)},
                 {"scope_companies", std::move(companies)},
                 {"emergency", w.emergency},
                 {"created_by_login", w.created_by_login}};
  PutTimes(o, "starts_at", w.starts_at);
  PutTimes(o, "ends_at", w.ends_at);
  PutTexts(o, w.texts);
  PutTimes(o, "announced_at", w.announced_at);
  PutTimes(o, "remind_at", w.remind_at);
  PutTimes(o, "reminded_at", w.reminded_at);
  PutTimes(o, "cancelled_at", w.cancelled_at);
  PutTimes(o, "updated_at", w.updated_at);
  return o;
}

json::object PublicMaintenanceJson(const ops::MaintenanceWindow& w, Timestamp now) {
  json::object o{{"id", w.id},
                 {"state", ops::ToString(w.State(now))},
                 {"emergency", w.emergency},
                 {"for_all", w.audience.all}};
  PutTimes(o, "starts_at", w.starts_at);
  PutTimes(o, "ends_at", w.ends_at);
  PutTexts(o, w.texts);
  return o;
}

json::array UpdatesJson(const ops::Incident& i) {
  json::array updates;
  for (const auto& u : i.updates) {
    json::object uo{{"id", u.id}, {"body_ja", u.body_ja}, {"body_en", u.body_en}};
    PutTimes(uo, "at", u.at);
    updates.push_back(std::move(uo));
  }
  return updates;
}

json::object IncidentJson(const ops::Incident& i, Timestamp now, json::array companies) {
  json::object o{{"id", i.id},
                 {"state", ops::ToString(i.state)},
                 {"scope", ScopeJson(i.audience)},
                 {"scope_companies", std::move(companies)},
                 {"severity", i.severity},
                 {"check_name", i.check_name},
                 {"overdue", i.state == ops::IncidentState::kDraft && now - i.detected_at > kOverdueDraft},
                 {"created_by_login", i.created_by_login},
                 {"updates", UpdatesJson(i)}};
  PutTexts(o, i.texts);
  PutTimes(o, "detected_at", i.detected_at);
  PutTimes(o, "published_at", i.published_at);
  PutTimes(o, "resolved_at", i.resolved_at);
  PutTimes(o, "updated_at", i.updated_at);
  o["minutes_to_publication"] =
      i.published_at
          ? json::value(
                std::chrono::duration_cast<std::chrono::minutes>(*i.published_at - i.detected_at).count())
          : json::value(nullptr);
  return o;
}

json::object PublicIncidentJson(const ops::Incident& i) {
  json::object o{{"id", i.id},
                 {"state", ops::ToString(i.state)},
                 {"severity", i.severity},
                 {"for_all", i.audience.all},
                 {"updates", UpdatesJson(i)}};
  PutTexts(o, i.texts);
  PutTimes(o, "detected_at", i.detected_at);
  PutTimes(o, "published_at", i.published_at);
  PutTimes(o, "resolved_at", i.resolved_at);
  return o;
}

// "YYYY-MM" → the month's first day.
std::optional<Date> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  return Date::Parse(std::string(text) + "-01");
}

Date NextMonth(Date d) {
  return d.month == 12 ? Date{d.year + 1, 1, 1} : Date{d.year, d.month + 1, 1};
}

std::string MonthText(Date d) {
  return d.ToString().substr(0, 7);
}

json::object AvailabilityJson(const Date& month, const ops::Availability& a) {
  json::object o{{"month", MonthText(month)},
                 {"minutes", a.minutes},
                 {"measured_minutes", a.measured_minutes},
                 {"maintenance_minutes", a.maintenance_minutes},
                 {"available_minutes", a.available_minutes},
                 {"unavailable_minutes", a.measured_minutes - a.maintenance_minutes - a.available_minutes},
                 {"availability", a.ratio ? json::value(*a.ratio) : json::value(nullptr)},
                 {"objective", a.objective},
                 {"met", a.Met()}};
  PutTimes(o, "from", a.from);
  PutTimes(o, "to", a.to);
  return o;
}

ops::Availability MonthAvailability(ApiServices& s, ops::Maintenance& m, Date month, Timestamp now) {
  const Timestamp from = month.StartJst(), to = NextMonth(month).StartJst();
  return ops::MeasureAvailability(s.database, from, to, now, m.PlannedForAll(from, to));
}

// A refused window's problem; notice_too_short carries the earliest start allowed now, for the
// form to offer.
[[noreturn]] void ThrowNoticeProblem(ApiServices& s, ops::Maintenance& m, const Error& error) {
  http::Problem p = http::ProblemFor(error);
  if (p.code == "notice_too_short") {
    const Timestamp earliest = m.EarliestStart(s.clock.Now());
    p.extensions = {{"earliest_start", FormatUtc(earliest)}, {"earliest_start_jst", FormatJst(earliest)}};
  }
  throw ApiError(p);
}

// A provider's page of windows or incidents, each with the companies of its scope named.
template <typename Item, typename ToJson>
asio::awaitable<HttpResponse> ProviderPage(ApiServices& s, const ProviderScope& scope,
                                           std::function<Page<Item>()> list, ToJson to_json) {
  auto result = co_await s.db.Run([&] {
    auto p = list();
    std::vector<json::object> rows;
    for (const auto& item : p.items)
      rows.push_back(to_json(item, s.clock.Now(), ScopeCompanies(s, scope, item.audience)));
    return Page<json::object>{std::move(rows), p.next_after};
  });
  co_return PageResponse(result, [](const json::object& o) { return o; });
}

// ---- provider: maintenance ----

asio::awaitable<HttpResponse> CreateMaintenance(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  FieldReader in{ParseJsonBody(ctx.request)};
  ops::NewMaintenance input;
  input.starts_at = ReadTime(in, "starts_at");
  input.ends_at = ReadTime(in, "ends_at");
  auto scope_in = ReadScope(in);
  if (!scope_in) ThrowInvalid("scope", "scope is required: \"all\" or a list of company IDs");
  input.audience = *scope_in;
  input.texts = *ReadTexts(in, std::nullopt);
  input.emergency = in.OptionalBool("emergency").value_or(false);
  in.Finish();
  const auto scope = Provider(ctx);
  auto r = co_await s.db.Run([&] { return m.Announce(scope, input, ctx.actor->account.login); });
  if (!r) ThrowNoticeProblem(s, m, r.error());
  ctx.audit.target_id = r->id;
  ctx.audit.details = json::serialize(json::object{{"starts_at", FormatUtc(r->starts_at)},
                                                   {"ends_at", FormatUtc(r->ends_at)},
                                                   {"scope", ScopeJson(r->audience)},
                                                   {"emergency", r->emergency},
                                                   {"title_en", r->texts.title_en}});
  auto companies = co_await s.db.Run([&] { return ScopeCompanies(s, scope, r->audience); });
  co_return http::JsonResponse(201,
                               json::serialize(MaintenanceJson(*r, s.clock.Now(), std::move(companies))));
}

asio::awaitable<HttpResponse> ListMaintenance(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  std::optional<ops::MaintenanceState> state;
  if (auto q = ctx.request.Query("state"); q && !q->empty()) {
    state = ops::ParseMaintenanceState(*q);
    if (!state) ThrowInvalid("state", "state is one of scheduled, in_progress, ended, cancelled");
  }
  const PageRequest page = ReadPageRequest(ctx.request);
  const auto scope = Provider(ctx);
  co_return co_await ProviderPage<ops::MaintenanceWindow>(
      s, scope, [&] { return m.List(scope, state, page); }, MaintenanceJson);
}

asio::awaitable<HttpResponse> GetMaintenance(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto out = co_await s.db.Run([&] {
    auto w = Unwrap(m.Get(scope, id));
    return MaintenanceJson(w, s.clock.Now(), ScopeCompanies(s, scope, w.audience));
  });
  co_return http::JsonResponse(200, json::serialize(out));
}

asio::awaitable<HttpResponse> ChangeMaintenance(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto current = Unwrap(co_await s.db.Run([&] { return m.Get(scope, id); }));
  FieldReader in{ParseJsonBody(ctx.request)};
  ops::MaintenancePatch patch;
  patch.starts_at = ReadOptionalTime(in, "starts_at");
  patch.ends_at = ReadOptionalTime(in, "ends_at");
  patch.audience = ReadScope(in);
  patch.texts = ReadTexts(in, current.texts);
  in.Finish();
  auto r = co_await s.db.Run([&] { return m.Change(scope, id, patch); });
  if (!r) ThrowNoticeProblem(s, m, r.error());
  ctx.audit.details = json::serialize(json::object{{"starts_at", FormatUtc(r->starts_at)},
                                                   {"ends_at", FormatUtc(r->ends_at)},
                                                   {"scope", ScopeJson(r->audience)}});
  auto companies = co_await s.db.Run([&] { return ScopeCompanies(s, scope, r->audience); });
  co_return http::JsonResponse(200,
                               json::serialize(MaintenanceJson(*r, s.clock.Now(), std::move(companies))));
}

asio::awaitable<HttpResponse> CancelMaintenance(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto out = co_await s.db.Run([&] {
    auto w = Unwrap(m.Cancel(scope, id));
    return MaintenanceJson(w, s.clock.Now(), ScopeCompanies(s, scope, w.audience));
  });
  co_return http::JsonResponse(200, json::serialize(out));
}

asio::awaitable<HttpResponse> Calendar(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  const Timestamp now = s.clock.Now();
  Date from = Date::FromTimestampJst(now);
  if (auto q = ctx.request.Query("from"); q && !q->empty()) {
    auto d = Date::Parse(*q);
    if (!d) ThrowInvalid("from", "from is a date, YYYY-MM-DD");
    from = *d;
  }
  long days = 42;
  if (auto q = ctx.request.Query("days"); q && !q->empty()) {
    try {
      std::size_t used = 0;
      days = std::stol(std::string(*q), &used);
      if (used != q->size()) throw std::invalid_argument("days");
    } catch (const std::exception&) {
      ThrowInvalid("days", "days is a number from 1 to 366");
    }
    if (days < 1 || days > 366) ThrowInvalid("days", "days is a number from 1 to 366");
  }
  if (from.year < 1949 || from.year > 2999) ThrowInvalid("from", "from is a date between 1949 and 2999");
  const auto& calendar = m.calendar();
  json::array list;
  Timestamp day = from.StartJst();
  for (long i = 0; i < days; ++i, day += std::chrono::days{1}) {
    const Date d = Date::FromTimestampJst(day);
    const auto holiday = ops::JapaneseHoliday(d);
    const auto wd = std::chrono::weekday{std::chrono::sys_days{std::chrono::year{d.year} / d.month / d.day}};
    const bool weekend = wd == std::chrono::Saturday || wd == std::chrono::Sunday;
    const bool business = calendar.IsBusinessDay(d);
    list.push_back(json::object{
        {"date", d.ToString()},
        {"business_day", business},
        {"weekend", weekend},
        {"holiday", holiday ? json::value(*holiday) : json::value(nullptr)},
        {"holiday_en", holiday ? json::value(ops::EnglishHolidayName(*holiday)) : json::value(nullptr)},
        {"closed", !business && !weekend && !holiday}});
  }
  json::array closed;
  for (const auto& c : calendar.closed()) {
    char text[16];
    std::snprintf(text, sizeof text, "%02u-%02u..%02u-%02u", c.from_month, c.from_day, c.to_month, c.to_day);
    closed.push_back(json::value(text));
  }
  const Timestamp earliest = m.EarliestStart(now);
  json::object out{{"notice_business_days", m.settings().notice_business_days},
                   {"closed_days", std::move(closed)},
                   {"days", std::move(list)}};
  PutTimes(out, "earliest_start", earliest);
  co_return http::JsonResponse(200, json::serialize(out));
}

// ---- provider: incidents ----

asio::awaitable<HttpResponse> IncidentResponse(ApiServices& s, const ProviderScope& scope,
                                               const ops::Incident& i, int status) {
  auto companies = co_await s.db.Run([&] { return ScopeCompanies(s, scope, i.audience); });
  co_return http::JsonResponse(status, json::serialize(IncidentJson(i, s.clock.Now(), std::move(companies))));
}

asio::awaitable<HttpResponse> CreateIncident(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  FieldReader in{ParseJsonBody(ctx.request)};
  ops::NewIncident input;
  auto scope_in = ReadScope(in);
  if (!scope_in) ThrowInvalid("scope", "scope is required: \"all\" or a list of company IDs");
  input.audience = *scope_in;
  input.severity = in.RequiredString("severity");
  input.texts = *ReadTexts(in, std::nullopt);
  input.detected_at = ReadOptionalTime(in, "detected_at");
  input.publish = in.OptionalBool("publish").value_or(false);
  in.Finish();
  const auto scope = Provider(ctx);
  auto i = Unwrap(co_await s.db.Run([&] { return incidents.Open(scope, input, ctx.actor->account.login); }));
  ctx.audit.target_id = i.id;
  ctx.audit.details = json::serialize(json::object{{"severity", i.severity},
                                                   {"scope", ScopeJson(i.audience)},
                                                   {"published", input.publish},
                                                   {"title_en", i.texts.title_en}});
  co_return co_await IncidentResponse(s, scope, i, 201);
}

asio::awaitable<HttpResponse> ListIncidents(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  std::optional<ops::IncidentState> state;
  if (auto q = ctx.request.Query("state"); q && !q->empty()) {
    state = ops::ParseIncidentState(*q);
    if (!state) ThrowInvalid("state", "state is one of draft, published, resolved");
  }
  const PageRequest page = ReadPageRequest(ctx.request);
  const auto scope = Provider(ctx);
  co_return co_await ProviderPage<ops::Incident>(
      s, scope, [&] { return incidents.List(scope, state, page); }, IncidentJson);
}

asio::awaitable<HttpResponse> GetIncident(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto i = Unwrap(co_await s.db.Run([&] { return incidents.Get(scope, id); }));
  co_return co_await IncidentResponse(s, scope, i, 200);
}

asio::awaitable<HttpResponse> ChangeIncident(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto current = Unwrap(co_await s.db.Run([&] { return incidents.Get(scope, id); }));
  FieldReader in{ParseJsonBody(ctx.request)};
  ops::IncidentPatch patch;
  patch.audience = ReadScope(in);
  patch.severity = in.OptionalString("severity");
  patch.texts = ReadTexts(in, current.texts);
  in.Finish();
  auto i = Unwrap(co_await s.db.Run([&] { return incidents.Change(scope, id, patch); }));
  co_return co_await IncidentResponse(s, scope, i, 200);
}

asio::awaitable<HttpResponse> PublishIncident(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto i = Unwrap(co_await s.db.Run([&] { return incidents.Publish(scope, id); }));
  ctx.audit.details = json::serialize(json::object{
      {"minutes_from_detection",
       std::chrono::duration_cast<std::chrono::minutes>(*i.published_at - i.detected_at).count()}});
  co_return co_await IncidentResponse(s, scope, i, 200);
}

asio::awaitable<HttpResponse> AddIncidentUpdate(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  FieldReader in{ParseJsonBody(ctx.request)};
  const std::string body_ja = in.RequiredString("body_ja");
  const std::string body_en = in.RequiredString("body_en");
  const bool resolve = in.OptionalBool("resolve").value_or(false);
  in.Finish();
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  auto i =
      Unwrap(co_await s.db.Run([&] { return incidents.AddUpdate(scope, id, body_ja, body_en, resolve); }));
  ctx.audit.details = json::serialize(json::object{{"resolve", resolve}});
  co_return co_await IncidentResponse(s, scope, i, 201);
}

asio::awaitable<HttpResponse> DiscardIncident(ApiServices& s, RequestContext& ctx) {
  auto& incidents = Configured(s.incidents);
  const auto scope = Provider(ctx);
  const std::string id = ctx.Param("id");
  Unwrap(co_await s.db.Run([&] { return incidents.Discard(scope, id); }));
  co_return http::NoContent();
}

// ---- provider: availability and health ----

Date MonthOf(Timestamp t) {
  const Date today = Date::FromTimestampJst(t);
  return {today.year, today.month, 1};
}

// The last `n` months up to this one, oldest first.
std::vector<Date> LastMonths(Timestamp now, int n) {
  std::vector<Date> months{MonthOf(now)};
  while (months.size() < static_cast<std::size_t>(n)) {
    const Date d = months.back();
    months.push_back(d.month == 1 ? Date{d.year - 1, 12, 1} : Date{d.year, d.month - 1, 1});
  }
  std::reverse(months.begin(), months.end());
  return months;
}

asio::awaitable<HttpResponse> GetAvailability(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  const Timestamp now = s.clock.Now();
  Date month = MonthOf(now);
  if (auto q = ctx.request.Query("month"); q && !q->empty()) {
    auto parsed = ParseMonth(*q);
    if (!parsed) ThrowInvalid("month", "month is YYYY-MM");
    if (parsed->year < 2000 || *parsed > MonthOf(now))
      ThrowInvalid("month", "month is a month since 2000, not in the future");
    month = *parsed;
  }
  auto a = co_await s.db.Run([&] { return MonthAvailability(s, m, month, now); });
  co_return http::JsonResponse(200, json::serialize(AvailabilityJson(month, a)));
}

asio::awaitable<HttpResponse> GetAvailabilityMonths(ApiServices& s, RequestContext&) {
  auto& m = Configured(s.maintenance);
  const Timestamp now = s.clock.Now();
  auto items = co_await s.db.Run([&] {
    json::array out;
    for (const auto& month : LastMonths(now, kStatusMonths))
      out.push_back(AvailabilityJson(month, MonthAvailability(s, m, month, now)));
    return out;
  });
  co_return http::JsonResponse(200, json::serialize(json::object{{"items", std::move(items)}}));
}

asio::awaitable<HttpResponse> GetHealth(ApiServices& s, RequestContext&) {
  auto& health = Configured(s.health);
  const auto snap = health.Current();
  json::array checks;
  for (const auto& c : snap.checks)
    checks.push_back(json::object{{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  json::object out{{"node", health.node()}, {"checks", std::move(checks)}, {"alarmed", snap.alarmed}};
  PutTimes(out, "at", snap.at);
  PutTimes(out, "failing_since", snap.failing_since);
  co_return http::JsonResponse(200, json::serialize(out));
}

// ---- everyone ----

std::optional<CompanyId> CompanyOf(const RequestContext& ctx) {
  return ctx.actor->account.company_id;
}

asio::awaitable<HttpResponse> Notices(ApiServices& s, RequestContext& ctx) {
  auto& m = Configured(s.maintenance);
  auto& incidents = Configured(s.incidents);
  const auto company = CompanyOf(ctx);
  const Timestamp now = s.clock.Now();
  auto out = co_await s.db.Run([&] {
    json::array windows, list;
    for (const auto& w : m.Upcoming(company, now)) windows.push_back(PublicMaintenanceJson(w, now));
    for (const auto& i : incidents.Visible(company, now - std::chrono::days{kStatusDays}))
      list.push_back(PublicIncidentJson(i));
    return json::object{{"maintenance", std::move(windows)}, {"incidents", std::move(list)}};
  });
  co_return http::JsonResponse(200, json::serialize(out));
}

asio::awaitable<HttpResponse> SecurityData(ApiServices& s, RequestContext&) {
  const auto& c = s.settings;
  auto days = [](Millis d) { return std::chrono::duration_cast<std::chrono::days>(d).count(); };
  json::object retention{
      {"history_days", days(c.audit_retention)},
      {"backup_days", days(c.backup_retention)},
      {"device_retention_days", days(c.device_retention)},
      {"mail_days", days(c.mail_retention)},
      {"webhook_delivery_days", 7},
      {"contract_end_grace_days", days(c.contract_end_grace)},
      {"inactivity_reminder_days", days(c.inactivity.reminder_after)},
      {"inactivity_lock_days", days(c.inactivity.reminder_after + c.inactivity.lock_after)},
      {"inactivity_delete_days",
       days(c.inactivity.reminder_after + c.inactivity.lock_after + c.inactivity.delete_after)},
      {"session_idle_minutes", std::chrono::duration_cast<std::chrono::minutes>(c.session_idle).count()},
      {"session_lifetime_hours", std::chrono::duration_cast<std::chrono::hours>(c.session_lifetime).count()}};
  co_return http::JsonResponse(200, json::serialize(json::object{{"data_residency", c.data_residency},
                                                                 {"backup_time_jst", c.backup_time},
                                                                 {"retention", std::move(retention)}}));
}

// The public status page's data, computed at most once per kStatusCacheFor: an anonymous flood
// of it costs one computation per period, not one per request.
class StatusCache {
 public:
  asio::awaitable<std::string> Get(ApiServices& s) {
    const Timestamp now = s.clock.Now();
    {
      const std::lock_guard lock(mu_);
      const bool fresh = now - computed_at_ < kStatusCacheFor && now >= computed_at_;
      // One computation at a time: meanwhile the others get the last answer.
      if (!body_.empty() && (fresh || computing_)) co_return body_;
      computing_ = true;
    }
    std::string body;
    try {
      body = co_await s.db.Run([&] { return Compute(s, now); });
    } catch (...) {
      const std::lock_guard lock(mu_);
      computing_ = false;
      throw;
    }
    const std::lock_guard lock(mu_);
    computing_ = false;
    body_ = body;
    computed_at_ = now;
    co_return body;
  }

 private:
  static std::string Compute(ApiServices& s, Timestamp now) {
    auto& m = Configured(s.maintenance);
    auto& incidents = Configured(s.incidents);
    json::array windows, list;
    bool in_maintenance = false;
    for (const auto& w : m.Upcoming(std::nullopt, now)) {
      in_maintenance = in_maintenance || w.State(now) == ops::MaintenanceState::kInProgress;
      windows.push_back(PublicMaintenanceJson(w, now));
    }
    const auto visible = incidents.Visible(std::nullopt, now - std::chrono::days{kStatusDays});
    std::string state = in_maintenance ? "maintenance" : "operational";
    for (const auto& i : visible) {
      list.push_back(PublicIncidentJson(i));
      if (i.state == ops::IncidentState::kPublished) state = i.severity == "critical" ? "outage" : "degraded";
    }
    // The last 90 days (JST), oldest first.
    const Date today = Date::FromTimestampJst(now);
    json::array days;
    for (int back = kStatusDays - 1; back >= 0; --back) {
      const Timestamp from = today.StartJst() - std::chrono::days{back}, to = from + std::chrono::days{1};
      const auto a = ops::MeasureAvailability(s.database, from, to, now, m.PlannedForAll(from, to));
      int count = 0;
      for (const auto& i : visible)
        if (i.detected_at < to && (!i.resolved_at || *i.resolved_at >= from)) ++count;
      days.push_back(json::object{{"date", Date::FromTimestampJst(from).ToString()},
                                  {"availability", a.ratio ? json::value(*a.ratio) : json::value(nullptr)},
                                  {"incidents", count}});
    }
    json::array months;
    for (const auto& month : LastMonths(now, kStatusMonths)) {
      const auto a = MonthAvailability(s, m, month, now);
      months.push_back(json::object{{"month", MonthText(month)},
                                    {"availability", a.ratio ? json::value(*a.ratio) : json::value(nullptr)},
                                    {"met", a.Met()}});
    }
    json::object out{{"state", state},
                     {"objective", ops::Availability{}.objective},
                     {"maintenance", std::move(windows)},
                     {"incidents", std::move(list)},
                     {"days", std::move(days)},
                     {"months", std::move(months)}};
    PutTimes(out, "generated_at", now);
    return json::serialize(out);
  }

  std::mutex mu_;
  std::string body_;
  Timestamp computed_at_;
  bool computing_ = false;
};

}  // namespace

void AddServiceNoticeRoutes(http::RouteTable& t, ApiServices& s) {
  const auto ops_access = http::Needs("provider.operations");
  const auto doc = [](std::string summary, const char* tag, const char* request, const char* response,
                      int status = 200) {
    return http::RouteDoc{.summary = std::move(summary),
                          .tag = tag,
                          .request_schema = request ? request : "",
                          .response_schema = response ? response : "",
                          .success_status = status};
  };
  // OPS-1
  t.Add({.method = "POST",
         .path = "/api/v1/maintenance",
         .access = ops_access,
         .action = "maintenance.announce",
         .target_type = "maintenance",
         .handler = [&s](RequestContext& c) { return CreateMaintenance(s, c); },
         .doc = doc("Announce a maintenance window; its audience's administrators are mailed", "maintenance",
                    schema::kMaintenanceCreate, schema::kMaintenance, 201)});
  t.Add({.method = "GET",
         .path = "/api/v1/maintenance",
         .access = ops_access,
         .action = "maintenance.list",
         .handler = [&s](RequestContext& c) { return ListMaintenance(s, c); },
         .doc = {.summary = "Maintenance windows, latest start first",
                 .tag = "maintenance",
                 .response_schema = schema::kMaintenance,
                 .paginated = true,
                 .query = {"state"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/maintenance/calendar",
         .access = ops_access,
         .action = "maintenance.calendar",
         .handler = [&s](RequestContext& c) { return Calendar(s, c); },
         .doc = {.summary = "Business days (Japanese holidays, the provider's closing days) and the earliest "
                            "start a planned window may have now",
                 .tag = "maintenance",
                 .response_schema = schema::kMaintenanceCalendar,
                 .query = {"from", "days"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/maintenance/{id}",
         .access = ops_access,
         .action = "maintenance.get",
         .target_type = "maintenance",
         .handler = [&s](RequestContext& c) { return GetMaintenance(s, c); },
         .doc = doc("One maintenance window", "maintenance", nullptr, schema::kMaintenance)});
  t.Add({.method = "PATCH",
         .path = "/api/v1/maintenance/{id}",
         .access = ops_access,
         .action = "maintenance.change",
         .target_type = "maintenance",
         .handler = [&s](RequestContext& c) { return ChangeMaintenance(s, c); },
         .doc = doc(
             "Change a window that has not ended; mailed again (an earlier start or a wider scope needs the "
             "notice again)",
             "maintenance", schema::kMaintenancePatch, schema::kMaintenance)});
  t.Add({.method = "POST",
         .path = "/api/v1/maintenance/{id}/cancel",
         .access = ops_access,
         .action = "maintenance.cancel",
         .target_type = "maintenance",
         .handler = [&s](RequestContext& c) { return CancelMaintenance(s, c); },
         .doc = doc("Cancel a window that has not ended; mailed", "maintenance", nullptr,
                    schema::kMaintenance)});
  // OPS-2
  t.Add({.method = "POST",
         .path = "/api/v1/incidents",
         .access = ops_access,
         .action = "incidents.open",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return CreateIncident(s, c); },
         .doc = doc("Open an incident (a draft unless publish is true)", "incidents", schema::kIncidentCreate,
                    schema::kIncident, 201)});
  t.Add({.method = "GET",
         .path = "/api/v1/incidents",
         .access = ops_access,
         .action = "incidents.list",
         .handler = [&s](RequestContext& c) { return ListIncidents(s, c); },
         .doc = {.summary = "Incidents, latest detection first (drafts opened by the health monitor too)",
                 .tag = "incidents",
                 .response_schema = schema::kIncident,
                 .paginated = true,
                 .query = {"state"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/incidents/{id}",
         .access = ops_access,
         .action = "incidents.get",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return GetIncident(s, c); },
         .doc = doc("One incident with its updates", "incidents", nullptr, schema::kIncident)});
  t.Add({.method = "PATCH",
         .path = "/api/v1/incidents/{id}",
         .access = ops_access,
         .action = "incidents.change",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return ChangeIncident(s, c); },
         .doc = doc("Change an incident's texts (and a draft's scope and severity)", "incidents",
                    schema::kIncidentPatch, schema::kIncident)});
  t.Add({.method = "DELETE",
         .path = "/api/v1/incidents/{id}",
         .access = ops_access,
         .action = "incidents.discard",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return DiscardIncident(s, c); },
         .doc = doc("Discard a draft that was never published (a false alarm)", "incidents", nullptr, nullptr,
                    204)});
  t.Add({.method = "POST",
         .path = "/api/v1/incidents/{id}/publish",
         .access = ops_access,
         .action = "incidents.publish",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return PublishIncident(s, c); },
         .doc = doc("Publish a draft: its audience's administrators are mailed, the status page shows it",
                    "incidents", nullptr, schema::kIncident)});
  t.Add({.method = "POST",
         .path = "/api/v1/incidents/{id}/updates",
         .access = ops_access,
         .action = "incidents.update",
         .target_type = "incident",
         .handler = [&s](RequestContext& c) { return AddIncidentUpdate(s, c); },
         .doc = doc("Add an update (resolve: true ends the incident); mailed when published", "incidents",
                    schema::kIncidentUpdate, schema::kIncident, 201)});
  // OPS-3 and the monitor
  t.Add({.method = "GET",
         .path = "/api/v1/availability",
         .access = ops_access,
         .action = "availability.get",
         .handler = [&s](RequestContext& c) { return GetAvailability(s, c); },
         .doc = {.summary = "Availability of a month (?month=YYYY-MM in JST; this month by default) against "
                            "99.5 %, announced maintenance excluded",
                 .tag = "availability",
                 .response_schema = schema::kAvailability,
                 .query = {"month"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/availability/months",
         .access = ops_access,
         .action = "availability.months",
         .handler = [&s](RequestContext& c) { return GetAvailabilityMonths(s, c); },
         .doc = doc("Availability of the last 12 months, oldest first", "availability", nullptr,
                    schema::kAvailabilityList)});
  t.Add({.method = "GET",
         .path = "/api/v1/operations/health",
         .access = ops_access,
         .action = "operations.health",
         .handler = [&s](RequestContext& c) { return GetHealth(s, c); },
         .doc = doc("This node's health checks as last run, and since when one fails", "operations", nullptr,
                    schema::kHealthChecks)});
  // Everyone
  t.Add({.method = "GET",
         .path = "/api/v1/notices",
         .access = http::LoggedIn(),
         .action = "notices.list",
         .handler = [&s](RequestContext& c) { return Notices(s, c); },
         .doc = doc("Maintenance to come or in progress and incidents of the last 90 days that concern the "
                    "caller's company (the console's banner)",
                    "status", nullptr, schema::kNotices),
         .audited = false});
  t.Add({.method = "GET",
         .path = "/api/v1/security-data",
         .access = http::LoggedIn(),
         .action = "security_data.get",
         .handler = [&s](RequestContext& c) { return SecurityData(s, c); },
         .doc = doc("DATA-7: where data is kept, and the retention periods configured", "status", nullptr,
                    schema::kSecurityData),
         .audited = false});
  auto cache = std::make_shared<StatusCache>();
  t.Add({.method = "GET",
         .path = "/api/v1/status",
         .access = http::Public(),
         .action = "status.get",
         .handler = [&s, cache](RequestContext&) -> asio::awaitable<HttpResponse> {
           HttpResponse r = http::JsonResponse(200, co_await cache->Get(s));
           r.SetHeader("Cache-Control", "public, max-age=30");
           co_return r;
         },
         .doc = doc("The public status page's data (no login): state, maintenance and incidents for all "
                    "companies, the last 90 days and 12 months of availability",
                    "status", nullptr, schema::kStatus),
         .audited = false});
}

}  // namespace kanri::api
