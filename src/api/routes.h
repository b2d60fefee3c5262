// The API's route table: every function of the service, one line each. Each resource's
// routes live in its own file (session_api.cpp, companies_api.cpp, accounts_api.cpp,
// system_api.cpp); this collects them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "api/services.h"
#include "http/router.h"

namespace kanri::api {

http::RouteTable BuildRouteTable(ApiServices& services);

void AddSystemRoutes(http::RouteTable& table, ApiServices& services);
void AddSessionRoutes(http::RouteTable& table, ApiServices& services);
void AddCompanyRoutes(http::RouteTable& table, ApiServices& services);
void AddAccountRoutes(http::RouteTable& table, ApiServices& services);
void AddRoleRoutes(http::RouteTable& table, ApiServices& services);
void AddAuditRoutes(http::RouteTable& table, ApiServices& services);
void AddProviderRoutes(http::RouteTable& table, ApiServices& services);
void AddFirmwareRoutes(http::RouteTable& table, ApiServices& services);
void AddProfileRoutes(http::RouteTable& table, ApiServices& services);
void AddDeviceRoutes(http::RouteTable& table, ApiServices& services);
void AddTaskRoutes(http::RouteTable& table, ApiServices& services);
void AddDeviceGroupRoutes(http::RouteTable& table, ApiServices& services);
void AddAllocationRoutes(http::RouteTable& table, ApiServices& services);

// DEV-4: asks the device to open a session now (HTTP GET with Digest to the connection-request
// URL it reported). The outcome as JSON: {"outcome": "delivered" | "unreachable" |
// "refused_by_policy" | "auth_failed" | "timeout" | "busy"}, nothing more (the details go to
// the server log); a problem when the device is not the company's (404) or has reported no URL
// yet (409).
boost::asio::awaitable<boost::json::object> ConnectNow(ApiServices& services, const CompanyId& company,
                                                       const DeviceId& device);

// The OpenAPI 3.1 document of `table` (GET /api/v1/openapi.json).
std::string OpenApiDocument(const http::RouteTable& table);

}  // namespace kanri::api
