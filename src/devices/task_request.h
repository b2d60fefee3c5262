// A task's request (devices::TaskRequest, model.h) in and out of JSON, in one place: validated
// from the API, shown by the API, and stored in tasks.request and jobs.request.
//
//   auto request = ParseTaskRequest(TaskType::kGetParameterValues,
//                                   R"({"names":["Device.DeviceInfo."]})", 256);  // 400 on bad input
//   std::string stored = StoreTaskRequest(*request);   // {"v":1,"names":["Device.DeviceInfo."]}
//   auto again = LoadTaskRequest("getParameterValues", stored);
//
// The API's JSON by type (setParameterValues numbers and booleans become strings;
// getParameterNames' next_level is false unless given; any other field is refused):
//   getParameterValues {"names": ["Device.DeviceInfo.", ...]}
//   setParameterValues {"values": {"Device.X": "v", ...}}
//   getParameterNames  {"path": "Device.WiFi.", "next_level": false}
//   addObject          {"object": "Device.NAT.PortMapping."}
//   deleteObject       {"object": "Device.NAT.PortMapping.3."}
//   reboot / factoryReset {}
//   download           {"file_id": "..."}   (checked against the company's firmware by TaskRepository)
// Internal tasks show what Kanri added: "purpose" (credentials, profile) and "then_read_values".
// Stored rows carry "v" (the format's version, 1; rows written before it had none).
//
// One entry per task type (task_request.cpp, kEntries) gives its API name, permission,
// validation and JSON; std::variant makes the compiler refuse a type without one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "devices/model.h"

namespace kanri::devices {

// The request of an API call, validated for `type`. InvalidArgument names the offending field.
// `max_entries` bounds names and values (an operator's request; internal ones are unbounded).
Result<TaskRequest> ParseTaskRequest(TaskType type, std::string_view request_json, std::size_t max_entries);

// The JSON object the API shows (without the storage version).
std::string TaskRequestJson(const TaskRequest& request);

// The stored form (tasks.request, jobs.request): TaskRequestJson with "v": 1.
std::string StoreTaskRequest(const TaskRequest& request);
// Reads a stored request of the stored type name; an error for an unknown type, version or
// shape (a row written by a newer Kanri, or damaged): such a task never runs.
Result<TaskRequest> LoadTaskRequest(std::string_view type_name, std::string_view stored);

}  // namespace kanri::devices
