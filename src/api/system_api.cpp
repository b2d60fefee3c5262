// Health, readiness and the API's own description; no login needed.
#include "api/console.h"
#include "api/routes.h"
#include "api/schemas.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
using http::HttpResponse;
using http::RequestContext;

asio::awaitable<HttpResponse> Healthz(RequestContext&) {
  co_return http::JsonResponse(200, R"({"status":"ok"})");
}

// Ready when the database answers (a node that cannot reach it should get no traffic) and the
// operation history stores records (SEC-6: a node that refuses every write is not ready). While
// the history is unavailable each call tries it again (HistoryWriter::Probe).
asio::awaitable<HttpResponse> Readyz(ApiServices& s, RequestContext&) {
  const bool ok = co_await s.db.Run([&] { return s.database.Ping(); });
  if (!ok) co_return http::JsonResponse(503, R"({"status":"database unreachable"})");
  if (s.history_writer && !co_await s.history_writer->Probe())
    co_return http::JsonResponse(503, R"({"status":"operation history unavailable"})");
  co_return http::JsonResponse(200, R"({"status":"ready"})");
}

}  // namespace

void AddSystemRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/healthz",
         .access = http::Public(),
         .action = "system.health",
         .handler = Healthz,
         .doc = {.summary = "The process is alive", .tag = "system", .response_schema = schema::kHealth},
         .audited = false});
  t.Add({.method = "GET",
         .path = "/readyz",
         .access = http::Public(),
         .action = "system.ready",
         .handler = [&s](RequestContext& c) { return Readyz(s, c); },
         .doc = {.summary = "The database is reachable and the operation history stores records",
                 .tag = "system",
                 .response_schema = schema::kHealth},
         .audited = false});
}

http::RouteTable BuildRouteTable(ApiServices& services) {
  http::RouteTable table;
  AddSystemRoutes(table, services);
  AddSessionRoutes(table, services);
  AddCompanyRoutes(table, services);
  AddCompanySettingsRoutes(table, services);
  AddAccountRoutes(table, services);
  AddRoleRoutes(table, services);
  AddAuditRoutes(table, services);
  AddProviderRoutes(table, services);
  AddFirmwareRoutes(table, services);
  AddCampaignRoutes(table, services);
  AddProfileRoutes(table, services);
  AddDeviceRoutes(table, services);
  AddTaskRoutes(table, services);
  AddDeviceGroupRoutes(table, services);
  AddAllocationRoutes(table, services);
  AddOperationsRoutes(table, services);
  AddTokenRoutes(table, services);
  AddWebhookRoutes(table, services);
  AddServiceNoticeRoutes(table, services);
  // The document describes the table it is part of, so it is added last and built once.
  auto document = std::make_shared<std::string>();
  table.Add({.method = "GET",
             .path = "/api/v1/openapi.json",
             .access = http::Public(),
             .action = "system.openapi",
             .handler = [document](RequestContext&) -> asio::awaitable<HttpResponse> {
               co_return http::JsonResponse(200, *document);
             },
             .doc = {.summary = "This API's OpenAPI 3.1 document", .tag = "system"}});
  *document = OpenApiDocument(table);
  // The web console's pages and files (hidden from the document).
  AddConsoleRoutes(table, embedded::ConsoleFiles());
  return table;
}

}  // namespace kanri::api
