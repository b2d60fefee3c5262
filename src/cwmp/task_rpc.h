// A task's RPC (DEV-3): how each task type is sent to the CPE and how the CPE's answer completes
// it. One entry per task type (task_rpc.cpp, RpcEntry<T>); the devices side of each type (its API
// name, permission, validation, JSON) is devices/task_request.cpp. Adding a task type is one
// struct in devices/model.h and one entry in each table; std::visit refuses a type without one.
//
//   PendingRpc pending{*task};
//   auto envelope = co_await EncodeTaskRpc(ctx, header, pending);    // the ACS's request
//   ...                                                              // the CPE answers
//   Completion done = co_await CompleteTaskRpc(ctx, pending, answer);  // its outcome
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cwmp/soap.h"
#include "db/worker_pool.h"
#include "devices/parameter_store.h"
#include "devices/task_flow.h"

namespace kanri::cwmp {

// What the engine remembers of a task while its RPC awaits the CPE's answer.
struct PendingRpc {
  devices::Task task;
  std::vector<devices::Parameter> record_values;  // setParameterValues: recorded on success (never secrets)
  bool credentials = false;                       // the credential change: confirmed on success
  bool ends_session = false;                      // reboot, factory reset: the session ends after the answer
};

// What a task's RPC may use.
struct RpcContext {
  devices::TaskFlow& tasks;
  devices::ParameterStore& parameters;
  db::WorkerPool& db;
  DeviceId device;
  CompanyId company;
  std::string file_url_base;  // DEV-6: "https://acs.example:7548/files/", a token is appended
};

// How the CPE's answer ended the task.
struct Completion {
  devices::TaskOutcome outcome;
  std::optional<Millis> await_device;         // running until the device reports back
  std::optional<std::string> history_action;  // a record of its own ("devices.credentials_rotated")
};

// The envelope of the task's RPC, or why the task cannot run (its firmware file is gone, no
// credential change is pending): the engine fails it with that message.
boost::asio::awaitable<Result<std::string>> EncodeTaskRpc(RpcContext& ctx, const HeaderOut& header,
                                                          PendingRpc& pending);

// The task's outcome from the CPE's answer: a CPE fault (its code and text), the expected
// response (stored and merged into the tree), or anything else (failed, unexpected_response).
boost::asio::awaitable<Completion> CompleteTaskRpc(RpcContext& ctx, const PendingRpc& pending,
                                                   const Rpc& answer);

}  // namespace kanri::cwmp
