// The API's route table: every function of the service, one line each. Each resource's
// routes live in its own file (<resource>_api.cpp, one Add…Routes below each); this collects
// them.
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
void AddCompanySettingsRoutes(http::RouteTable& table, ApiServices& services);
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
void AddOperationsRoutes(http::RouteTable& table, ApiServices& services);
void AddTokenRoutes(http::RouteTable& table, ApiServices& services);
void AddWebhookRoutes(http::RouteTable& table, ApiServices& services);
void AddServiceNoticeRoutes(http::RouteTable& table, ApiServices& services);

// DEV-4: asks the device to open a session now (cwmp::DeviceCaller): {"outcome": coarse}. A
// problem when the device is not the company's (404), has reported no URL yet (409), or
// connection requests are not enabled (503).
boost::asio::awaitable<boost::json::object> CallDevice(ApiServices& services, const CompanyId& company,
                                                       const DeviceId& device);
// CallDevice, with the problems that mean the device was not asked as
// {"outcome": "not_sent", "reason": code}.
boost::asio::awaitable<boost::json::object> WakeDevice(ApiServices& services, const CompanyId& company,
                                                       const DeviceId& device);

// The OpenAPI 3.1 document of `table` (GET /api/v1/openapi.json).
std::string OpenApiDocument(const http::RouteTable& table);

}  // namespace kanri::api
