// The API's route table: every function of the service, one line each. Each resource's
// routes live in its own file (<resource>_api.cpp, one Add…Routes below each); this collects
// them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

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
void AddCampaignRoutes(http::RouteTable& table, ApiServices& services);

// DEV-4: asks the device to open a session now (cwmp::DeviceCaller): {"outcome": coarse}. A
// problem when the device is not the company's (404), has reported no URL yet (409), or
// connection requests are not enabled (503).
boost::asio::awaitable<boost::json::object> CallDevice(ApiServices& services, const CompanyId& company,
                                                       const DeviceId& device);
// CallDevice, with the problems that mean the device was not asked as
// {"outcome": "not_sent", "reason": code}.
boost::asio::awaitable<boost::json::object> WakeDevice(ApiServices& services, const CompanyId& company,
                                                       const DeviceId& device);
// Connection requests to `devices` of one company in the background, at most the company's
// share at a time; `record` keeps each outcome word (WakeupWord), called on the database pool.
using WakeupRecorder = std::function<void(const DeviceId& device, const std::string& word)>;
void WakeInBackground(ApiServices& services, boost::asio::any_io_executor executor, const CompanyId& company,
                      std::vector<DeviceId> devices, WakeupRecorder record);
// WakeInBackground for the devices of tasks (device, task) of one company, each outcome recorded
// on its tasks (TaskRepository::RecordWakeup).
boost::asio::awaitable<void> WakeForTasks(ApiServices& services, CompanyId company,
                                          const std::vector<std::pair<DeviceId, TaskId>>& tasks);
// DEV-8: asks the devices of "run now" tasks whose automatic retry is due to connect again
// (the device sweep calls it every few seconds).
boost::asio::awaitable<void> WakeDueRetries(ApiServices& services);
// DEV-7: asks the online devices whose desired state an edit changed to connect, so that it
// reaches them within a minute (the device sweep calls it every few seconds).
boost::asio::awaitable<void> WakeForDesiredState(ApiServices& services);
// DEV-6: the campaign engine's step (devices::CampaignRepository::Tick): its pauses, waves and
// ends in the history, and the devices it asks to connect (the device sweep calls it).
boost::asio::awaitable<void> RunCampaigns(ApiServices& services);

// The OpenAPI 3.1 document of `table` (GET /api/v1/openapi.json).
std::string OpenApiDocument(const http::RouteTable& table);

}  // namespace kanri::api
