// /api/v1/audit: the operation history (SEC-6). A company account with audit.read reads its
// own company's records; a site administrator the provider's. Times come in UTC and in JST;
// ?format=csv exports UTF-8 CSV with a BOM (so Excel opens it), times in JST.
#include "api/csv.h"
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

json::object RecordJson(const audit::StoredRecord& s) {
  const auto& r = s.record;
  boost::system::error_code ec;
  json::value details = json::parse(r.details, ec);
  if (ec) details = json::object{};
  return json::object{{"seq", s.seq},
                      {"time", FormatUtc(r.time)},
                      {"time_jst", FormatJst(r.time)},
                      {"company_id", r.company ? json::value(r.company->value()) : json::value(nullptr)},
                      {"actor_id", r.actor_id},
                      {"actor_login", r.actor_login},
                      {"source_ip", r.source_ip},
                      {"action", r.action},
                      {"target_type", r.target_type},
                      {"target_id", r.target_id},
                      {"outcome", audit::ToString(r.outcome)},
                      {"error_code", r.error_code},
                      {"request_id", r.request_id},
                      {"details", std::move(details)}};
}

audit::HistoryFilter ReadFilter(const http::HttpRequest& req) {
  audit::HistoryFilter f;
  auto time = [&](std::string_view name) -> std::optional<Timestamp> {
    auto v = req.Query(name);
    if (!v || v->empty()) return std::nullopt;
    auto t = ParseUtc(*v);
    if (!t) ThrowInvalid(name, std::string(name) + " must be a UTC time like 2025-03-09T15:30:00Z");
    return t;
  };
  f.from = time("from");
  f.to = time("to");
  f.actor = std::string(req.Query("actor").value_or(""));
  f.action = std::string(req.Query("action").value_or(""));
  if (auto o = req.Query("outcome"); o && !o->empty()) {
    f.outcome = audit::ParseOutcome(*o);
    if (!f.outcome) ThrowInvalid("outcome", "outcome must be success, denied or failed");
  }
  f.target_type = std::string(req.Query("target_type").value_or(""));
  f.target_id = std::string(req.Query("target_id").value_or(""));
  return f;
}

// The CSV export's columns (issue 18: Japanese headers with ?lang=ja).
constexpr CsvColumn kHistoryCsvColumns[] = {
    {"seq", "連番"},
    {"time_jst", "日時（JST）"},
    {"actor_login", "操作者"},
    {"actor_id", "操作者ID"},
    {"source_ip", "接続元IPアドレス"},
    {"action", "操作"},
    {"target_type", "対象の種類"},
    {"target_id", "対象ID"},
    {"outcome", "結果"},
    {"error_code", "エラーコード"},
    {"request_id", "リクエストID"},
    {"details", "詳細"},
};

asio::awaitable<HttpResponse> Query(ApiServices& s, RequestContext& ctx) {
  const auto filter = ReadFilter(ctx.request);
  const auto format = ctx.request.Query("format").value_or("json");
  if (format != "json" && format != "csv") ThrowInvalid("format", "format must be json or csv");
  const CsvLanguage language = ReadCsvLanguage(ctx.request);
  const auto& account = ctx.actor->account;
  auto query = [&](const PageRequest& page) {
    if (account.company_id) return s.history.Query(*account.company_id, filter, page);
    return s.history.QueryProvider(Provider(ctx), filter, page);
  };
  if (format == "json") {
    const PageRequest page = ReadPageRequest(ctx.request);
    auto result = co_await s.db.Run([&] { return query(page); });
    co_return PageResponse(result, RecordJson);
  }

  auto rows = Unwrap(co_await s.db.Run([&] {
    return CollectPages<audit::StoredRecord>(
        [&](const PageRequest& page) -> Result<Page<audit::StoredRecord>> { return query(page); });
  }));
  CsvWriter csv;
  csv.Header(kHistoryCsvColumns, language);
  for (const auto& s_row : rows) {
    const auto& r = s_row.record;
    csv.Row({std::to_string(s_row.seq), FormatJst(r.time), r.actor_login, r.actor_id, r.source_ip, r.action,
             r.target_type, r.target_id, std::string(audit::ToString(r.outcome)), r.error_code, r.request_id,
             r.details});
  }
  ctx.audit.details = json::serialize(json::object{{"format", "csv"}, {"rows", rows.size()}});
  co_return CsvResponse(csv, "operation-history.csv");
}

}  // namespace

void AddAuditRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/audit",
         .access = http::NeedsAnyOf({"audit.read", "provider.audit"}),
         .action = "audit.query",
         .handler = [&s](RequestContext& c) { return Query(s, c); },
         .doc = {.summary = "The operation history, newest first (?format=csv for Excel)",
                 .tag = "audit",
                 .response_schema = schema::kAuditRecord,
                 .paginated = true,
                 .query = {"from", "to", "actor", "action", "outcome", "target_type", "target_id", "format",
                           "lang"}}});
}

}  // namespace kanri::api
