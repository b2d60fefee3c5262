// /api/v1/allocations: the provider's record of which devices belong to which company (仕向け
// 情報, DEV-1). Site administrators (provider.devices) create, import, list and delete them; a
// company reads its own with profiles.read and never sees another company's (SEC-8: another
// company's allocation ID answers 404, like a missing one). Each change is also recorded in the
// company's own history.
#include "api/csv.h"
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "base/text.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpResponse;
using http::RequestContext;

std::string TrimAscii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

json::object AllocationJson(const devices::Allocation& a) {
  json::object o{{"id", a.id.value()},
                 {"company_id", a.company_id.value()},
                 {"company_code", a.company_code},
                 {"oui", a.oui},
                 {"product_class", a.product_class ? json::value(*a.product_class) : json::value(nullptr)},
                 {"kind", devices::ToString(a.kind)},
                 {"serial_count", a.serial_count},
                 {"serial_prefix", a.serial_prefix ? json::value(*a.serial_prefix) : json::value(nullptr)},
                 {"serial_range", a.serial_range ? json::value(json::object{{"from", a.serial_range->first},
                                                                            {"to", a.serial_range->second}})
                                                 : json::value(nullptr)},
                 {"note", a.note},
                 {"created_by", a.created_by_login}};
  if (a.kind == devices::AllocationKind::kSerials && !a.serials.empty())
    o["serials"] = json::value_from(a.serials);
  PutTimes(o, "created_at", a.created_at);
  return o;
}

// What the history keeps of an allocation: what it covers, never a long serial list.
std::string AuditDetails(const devices::Allocation& a) {
  json::object o{{"company_code", a.company_code},
                 {"oui", a.oui},
                 {"kind", devices::ToString(a.kind)},
                 {"serial_count", a.serial_count}};
  if (a.product_class) o["product_class"] = *a.product_class;
  if (a.serial_prefix) o["serial_prefix"] = *a.serial_prefix;
  if (a.serial_range) o["serial_range"] = a.serial_range->first + ".." + a.serial_range->second;
  return json::serialize(o);
}

bool IsProvider(const RequestContext& ctx) {
  return !ctx.actor->account.company_id.has_value();
}

devices::AllocationFilter ReadFilter(const RequestContext& ctx) {
  devices::AllocationFilter f;
  if (auto q = ctx.request.Query("q")) f.serial = ClipUtf8(TrimAscii(*q), 64);
  if (auto company = ctx.request.Query("company_id"); company && !company->empty())
    f.company = CompanyId{std::string(*company)};
  return f;
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  devices::AllocationFilter filter = ReadFilter(ctx);
  Page<devices::Allocation> result;
  if (IsProvider(ctx)) {
    result = co_await s.db.Run([&] { return s.allocations.List(Provider(ctx), filter, page); });
  } else {
    // A company reads its own; its company_id filter names nothing else.
    const CompanyId own = OwnCompany(ctx);
    result = co_await s.db.Run([&] { return s.allocations.List(own, filter, page); });
  }
  co_return PageResponse(result, AllocationJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const AllocationId id{ctx.Param("id")};
  devices::Allocation a;
  if (IsProvider(ctx))
    a = Unwrap(co_await s.db.Run([&] { return s.allocations.Get(Provider(ctx), id); }));
  else
    a = Unwrap(co_await s.db.Run([&] { return s.allocations.Get(OwnCompany(ctx), id); }));
  co_return http::JsonResponse(200, json::serialize(AllocationJson(a)));
}

// The company sees the provider's change in its own history.
void NoteForCompany(RequestContext& ctx, std::string action, const devices::Allocation& a) {
  ctx.audit.target_id = a.id.value();
  ctx.audit.details = AuditDetails(a);
  ctx.audit.events.push_back({std::move(action), "allocation", a.id.value(), AuditDetails(a), a.company_id});
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::NewAllocation input;
  input.company_id = CompanyId{in.RequiredString("company_id")};
  input.oui = in.RequiredString("oui");
  if (auto pc = in.NullableString("product_class"); pc && *pc) input.product_class = **pc;
  input.serials = in.OptionalStringArray("serials").value_or(std::vector<std::string>{});
  if (auto prefix = in.NullableString("serial_prefix"); prefix && *prefix) input.serial_prefix = **prefix;
  if (auto range = in.OptionalObject("serial_range")) {
    FieldReader r{std::move(*range), "serial_range."};
    input.serial_range = std::make_pair(r.RequiredString("from"), r.RequiredString("to"));
    r.Finish();
  }
  input.note = in.OptionalString("note").value_or("");
  in.Finish();
  const std::string actor = ctx.actor->account.login;
  auto a = Unwrap(co_await s.db.Run([&] { return s.allocations.Create(Provider(ctx), input, actor); }));
  NoteForCompany(ctx, "allocations.granted", a);
  co_return http::JsonResponse(201, json::serialize(AllocationJson(a)));
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  const AllocationId id{ctx.Param("id")};
  auto a = Unwrap(co_await s.db.Run([&] { return s.allocations.Delete(Provider(ctx), id); }));
  NoteForCompany(ctx, "allocations.withdrawn", a);
  co_return http::NoContent();
}

// POST /api/v1/allocations/import: CSV company_code,oui,product_class,serial (a header line is
// optional). All or nothing: 201 with the allocations created, or a problem listing every line
// at fault (409 allocation_overlap when any line overlaps another company's allocation, 422
// import_invalid otherwise).
asio::awaitable<HttpResponse> Import(ApiServices& s, RequestContext& ctx) {
  const auto& limits = s.allocations.limits();
  const std::string body = ctx.request.body;
  const CsvParse csv = ReadCsv(body, limits.max_import_lines + 1);
  std::vector<devices::AllocationImportLine> lines;
  devices::AllocationImportReport report;
  if (!csv.error.empty()) {
    report.errors.push_back({csv.error_line, "file", "invalid", "the file is not CSV: " + csv.error, {}});
    report.error_count = 1;
  } else if (Utf8Length(body) < 0) {
    report.errors.push_back({0, "file", "invalid", "the file is not UTF-8 text", {}});
    report.error_count = 1;
  } else {
    for (const auto& record : csv.records) {
      auto cell = [&](std::size_t i) { return i < record.cells.size() ? record.cells[i] : std::string(); };
      if (lines.empty() && AsciiLower(TrimAscii(cell(0))) == "company_code") continue;  // header
      if (record.cells.size() != 4) {
        report.errors.push_back({record.line,
                                 "file",
                                 "invalid",
                                 "expected 4 cells (company_code,oui,product_class,serial), found " +
                                     std::to_string(record.cells.size()),
                                 {}});
        ++report.error_count;
        continue;
      }
      lines.push_back({record.line, cell(0), cell(1), cell(2), cell(3)});
    }
  }
  if (report.error_count == 0) {
    const std::string actor = ctx.actor->account.login;
    report = co_await s.db.Run([&] { return s.allocations.Import(Provider(ctx), lines, actor); });
  }
  if (report.error_count > 0) {
    const bool overlap = std::any_of(report.errors.begin(), report.errors.end(),
                                     [](const auto& e) { return e.code == "allocation_overlap"; });
    json::array errors;
    for (const auto& e : report.errors) {
      json::object o{{"line", e.line}, {"field", e.field}, {"code", e.code}, {"message", e.message}};
      if (e.conflicting) o["conflicting_allocation_id"] = e.conflicting->value();
      errors.push_back(std::move(o));
    }
    const std::string code = overlap ? "allocation_overlap" : "import_invalid";
    json::object problem{{"type", "urn:kanri:problem:" + code},
                         {"title", overlap ? "Conflict" : "Unprocessable Content"},
                         {"status", overlap ? 409 : 422},
                         {"detail", std::to_string(report.error_count) +
                                        " line(s) of the file are at fault; nothing was stored"},
                         {"code", code},
                         {"error_count", report.error_count},
                         {"errors", std::move(errors)}};
    HttpResponse r = http::JsonResponse(overlap ? 409 : 422, json::serialize(problem));
    r.content_type = "application/problem+json";
    r.problem_code = code;
    ctx.audit.details = json::serialize(json::object{{"error_count", report.error_count}});
    co_return r;
  }
  json::array created;
  for (const auto& a : report.created) {
    ctx.audit.events.push_back(
        {"allocations.granted", "allocation", a.id.value(), AuditDetails(a), a.company_id});
    created.push_back(AllocationJson(a));
  }
  ctx.audit.details =
      json::serialize(json::object{{"allocations", report.created.size()}, {"serials", report.serials}});
  co_return http::JsonResponse(
      201, json::serialize(json::object{{"items", std::move(created)}, {"serials", report.serials}}));
}

}  // namespace

void AddAllocationRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/allocations",
         .access = http::NeedsAnyOf({"provider.devices", "profiles.read"}),
         .action = "allocations.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "Device allocations (仕向け), newest first: every company's for the provider "
                            "(filter company_id), the company's own otherwise; q: those covering a serial",
                 .tag = "allocations",
                 .response_schema = schema::kAllocation,
                 .paginated = true,
                 .query = {"company_id", "q"}}});
  t.Add({.method = "POST",
         .path = "/api/v1/allocations",
         .access = http::Needs("provider.devices"),
         .action = "allocations.create",
         .target_type = "allocation",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Allocate devices to a company: an OUI with a serial list, prefix or range (409 "
                            "allocation_overlap when another company's allocation covers any of them)",
                 .tag = "allocations",
                 .request_schema = schema::kAllocationCreate,
                 .response_schema = schema::kAllocation,
                 .success_status = 201}});
  t.Add({.method = "POST",
         .path = "/api/v1/allocations/import",
         .access = http::Needs("provider.devices"),
         .action = "allocations.import",
         .handler = [&s](RequestContext& c) { return Import(s, c); },
         .doc = {.summary = "Import allocations from CSV (company_code,oui,product_class,serial; UTF-8, BOM "
                            "optional): all or nothing, with a per-line error report",
                 .tag = "allocations",
                 .response_schema = schema::kAllocationImport,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/allocations/{id}",
         .access = http::NeedsAnyOf({"provider.devices", "profiles.read"}),
         .action = "allocations.get",
         .target_type = "allocation",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read an allocation with its serial list",
                 .tag = "allocations",
                 .response_schema = schema::kAllocation}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/allocations/{id}",
         .access = http::Needs("provider.devices"),
         .action = "allocations.delete",
         .target_type = "allocation",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {.summary = "Withdraw an allocation: its devices leave the company at their next Inform",
                 .tag = "allocations",
                 .success_status = 204}});
}

}  // namespace kanri::api
