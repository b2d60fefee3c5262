// Tasks and jobs (DEV-3): POST /api/v1/devices/{id}/tasks queues an operation for one device,
// POST /api/v1/device-groups/{id}/tasks one per device of a group (a job). Each task type
// needs its own permission (devices::RequiredPermission): the routes let in an account that
// holds any of the four, and the handler checks the one the type needs, answering exactly
// like the router's own denial. Scoped to the caller's company; another company's IDs answer
// 404 (SEC-8). The operation history records each creation with its device (or group and
// job); the session engine records each result.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "cwmp/soap.h"
#include "devices/task_request.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpResponse;
using http::RequestContext;

const std::vector<std::string>& TaskPermissions() {
  static const std::vector<std::string> all{"devices.read", "devices.configure", "devices.reboot",
                                            "devices.firmware"};
  return all;
}

json::value ParsedOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

json::value FaultJson(const std::optional<int>& code, const std::string& text) {
  if (!code) return nullptr;
  return json::object{{"code", *code}, {"string", text}, {"meaning", cwmp::CwmpFaultMeaning(*code)}};
}

json::object TaskJson(const devices::Task& t) {
  json::object o{
      {"id", t.id.value()},
      {"device_id", t.device_id.value()},
      {"job_id", t.job_id ? json::value(t.job_id->value()) : json::value(nullptr)},
      {"type", devices::ToString(t.type())},
      {"state", devices::ToString(t.state)},
      {"request", json::parse(devices::TaskRequestJson(t.request))},
      {"result", ParsedOrNull(t.result)},
      {"fault", FaultJson(t.fault_code, t.fault_string)},
      {"error", t.error.empty() ? json::value(nullptr) : json::value(t.error)},
      {"command_key", t.command_key},
      {"internal", t.internal},
      {"created_by",
       json::object{{"id", t.created_by ? json::value(t.created_by->value()) : json::value(nullptr)},
                    {"login", t.created_by_login}}},
  };
  PutTimes(o, "created_at", t.created_at);
  PutTimes(o, "started_at", t.started_at);
  PutTimes(o, "finished_at", t.finished_at);
  PutTimes(o, "expires_at", t.expires_at);
  return o;
}

json::object JobJson(const devices::Job& j) {
  const auto& p = j.progress;
  json::object o{
      {"id", j.id.value()},
      {"group_id", j.group_id ? json::value(j.group_id->value()) : json::value(nullptr)},
      {"type", devices::ToString(j.type())},
      {"request", json::parse(devices::TaskRequestJson(j.request))},
      {"created_by",
       json::object{{"id", j.created_by ? json::value(j.created_by->value()) : json::value(nullptr)},
                    {"login", j.created_by_login}}},
      {"progress", json::object{{"total", p.total},
                                {"queued", p.queued},
                                {"running", p.running},
                                {"done", p.done},
                                {"failed", p.failed},
                                {"cancelled", p.cancelled}}},
  };
  PutTimes(o, "created_at", j.created_at);
  return o;
}

json::object JobTaskJson(const devices::JobDeviceTask& t) {
  json::object o{{"task_id", t.task_id.value()},
                 {"device_id", t.device_id.value()},
                 {"serial_number", t.serial_number},
                 {"state", devices::ToString(t.state)},
                 {"fault", FaultJson(t.fault_code, "")},
                 {"error", t.error.empty() ? json::value(nullptr) : json::value(t.error)}};
  PutTimes(o, "finished_at", t.finished_at);
  return o;
}

// The body of a task request: {"type": ..., "now": bool, ...the type's fields}. The type's
// fields go to the domain as one JSON object, which refuses unknown ones.
struct TaskInput {
  devices::TaskType type = devices::TaskType::kGetParameterValues;
  bool now = false;
  std::string request;  // JSON object of the type's fields
};

TaskInput ReadTaskInput(const RequestContext& ctx) {
  json::object body = ParseJsonBody(ctx.request);
  TaskInput in;
  const json::value* type = body.if_contains("type");
  if (!type || !type->is_string())
    ThrowInvalid("type",
                 "type is required: getParameterValues, "
                 "setParameterValues, getParameterNames, addObject, "
                 "deleteObject, reboot, factoryReset or download");
  auto parsed = devices::ParseTaskType(type->as_string());
  if (!parsed) ThrowInvalid("type", "unknown task type '" + std::string(type->as_string()) + "'");
  in.type = *parsed;
  if (const json::value* now = body.if_contains("now")) {
    if (!now->is_bool()) ThrowInvalid("now", "now must be true or false");
    in.now = now->as_bool();
  }
  body.erase("type");
  body.erase("now");
  in.request = json::serialize(body);
  return in;
}

// SEC-5: the type's own permission, refused exactly as the router refuses a route.
void RequireTaskPermission(const RequestContext& ctx, devices::TaskType type) {
  if (!ctx.permissions.Has(devices::RequiredPermission(type)))
    throw http::ApiError(http::Problem{403, "forbidden", "", "This account may not use this function.", ""});
}

devices::TaskActor ActorOf(const RequestContext& ctx) {
  return {ctx.actor->account.id, ctx.actor->account.login};
}

// What the history records of a request: the type's fields, which hold no secret (values
// set on a device are configuration, written by the operator on purpose).
// The request as the history keeps it: the values of secret parameters (passwords, keys) are
// never recorded.
json::object AuditRequest(const devices::TaskRequest& request) {
  json::value v = json::parse(devices::TaskRequestJson(request));
  if (auto* values = v.as_object().if_contains("values"); values && values->is_object())
    for (auto& [path, value] : values->as_object())
      if (devices::IsSecretParameter(path)) value = "(redacted)";
  return v.as_object();
}

asio::awaitable<HttpResponse> CreateForDevice(ApiServices& s, RequestContext& ctx) {
  const auto input = ReadTaskInput(ctx);
  RequireTaskPermission(ctx, input.type);
  const DeviceId device{ctx.Param("id")};
  auto task = Unwrap(co_await s.db.Run(
      [&] { return s.tasks.Create(OwnCompany(ctx), device, input.type, input.request, ActorOf(ctx)); }));
  ctx.audit.details = json::serialize(json::object{{"task_id", task.id.value()},
                                                   {"type", devices::ToString(task.type())},
                                                   {"request", AuditRequest(task.request)},
                                                   {"now", input.now}});
  json::object out = TaskJson(task);
  if (input.now) {
    // DEV-4: ask the device to connect now; the task is stored either way and runs at its
    // next session if the device cannot be reached.
    json::object outcome;
    try {
      outcome = co_await CallDevice(s, OwnCompany(ctx), device);
    } catch (const http::ApiError& e) {
      // No URL yet, or requests not enabled: the device was not asked (its code, never a detail).
      outcome = json::object{{"outcome", "not_sent"}, {"reason", e.problem().code}};
    }
    out["connection_request"] = std::move(outcome);
  }
  co_return http::JsonResponse(201, json::serialize(out));
}

asio::awaitable<HttpResponse> ListForDevice(ApiServices& s, RequestContext& ctx) {
  const DeviceId device{ctx.Param("id")};
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result =
      Unwrap(co_await s.db.Run([&] { return s.tasks.ListForDevice(OwnCompany(ctx), device, page); }));
  co_return PageResponse(result, TaskJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const TaskId id{ctx.Param("id")};
  auto task = Unwrap(co_await s.db.Run([&] { return s.tasks.Get(OwnCompany(ctx), id); }));
  co_return http::JsonResponse(200, json::serialize(TaskJson(task)));
}

asio::awaitable<HttpResponse> Cancel(ApiServices& s, RequestContext& ctx) {
  const TaskId id{ctx.Param("id")};
  // Cancelling needs the permission the task's type needs: who may not reboot may not stop a reboot either.
  auto current = Unwrap(co_await s.db.Run([&] { return s.tasks.Get(OwnCompany(ctx), id); }));
  RequireTaskPermission(ctx, current.type());
  auto task = Unwrap(co_await s.db.Run([&] { return s.tasks.Cancel(OwnCompany(ctx), id); }));
  ctx.audit.details = json::serialize(
      json::object{{"device_id", task.device_id.value()}, {"type", devices::ToString(task.type())}});
  co_return http::JsonResponse(200, json::serialize(TaskJson(task)));
}

asio::awaitable<HttpResponse> CreateForGroup(ApiServices& s, RequestContext& ctx) {
  const auto input = ReadTaskInput(ctx);
  RequireTaskPermission(ctx, input.type);
  const GroupId group{ctx.Param("id")};
  auto job = Unwrap(co_await s.db.Run([&] {
    return s.tasks.CreateForGroup(OwnCompany(ctx), group, input.type, input.request, ActorOf(ctx));
  }));
  ctx.audit.details = json::serialize(json::object{{"job_id", job.id.value()},
                                                   {"type", devices::ToString(job.type())},
                                                   {"request", AuditRequest(job.request)},
                                                   {"devices", job.progress.total},
                                                   {"now", input.now}});
  if (input.now) {
    // DEV-4: connection requests to the job's devices, in the background (bounded by the
    // requester's concurrency; a device not reached runs its task at its next session).
    const CompanyId company = OwnCompany(ctx);
    auto devices = co_await s.db.Run([&] { return s.tasks.JobDeviceIds(company, job.id); });
    auto queue = std::make_shared<std::vector<DeviceId>>(std::move(devices));
    auto next = std::make_shared<std::size_t>(0);  // touched on one strand: the workers' executor
    auto strand = asio::make_strand(co_await asio::this_coro::executor);
    // No more workers than the company's share of in-flight requests (DEV-4 fair sharing):
    // more would only meet `busy` and skip devices that a free slot would have reached.
    constexpr std::size_t kWorkers = 16;
    const std::size_t workers =
        std::min({kWorkers, queue->size(),
                  s.device_caller ? s.device_caller->settings().max_concurrent_per_company : kWorkers});
    for (std::size_t w = 0; w < workers; ++w) {
      asio::co_spawn(
          strand,
          [&s, company, queue, next]() -> asio::awaitable<void> {
            while (*next < queue->size()) {
              const DeviceId device = (*queue)[(*next)++];
              try {
                co_await CallDevice(s, company, device);
              } catch (const std::exception&) {
                // Not reachable now: the task runs at the device's next periodic session.
              }
            }
          },
          asio::detached);
    }
  }
  co_return http::JsonResponse(201, json::serialize(JobJson(job)));
}

asio::awaitable<HttpResponse> GetJob(ApiServices& s, RequestContext& ctx) {
  const JobId id{ctx.Param("id")};
  const PageRequest page = ReadPageRequest(ctx.request);
  auto [job, tasks] =
      Unwrap(co_await s.db.Run([&]() -> Result<std::pair<devices::Job, Page<devices::JobDeviceTask>>> {
        auto job = s.tasks.GetJob(OwnCompany(ctx), id);
        if (!job) return job.error();
        auto tasks = s.tasks.JobTasks(OwnCompany(ctx), id, page);
        if (!tasks) return tasks.error();
        return std::pair{std::move(*job), std::move(*tasks)};
      }));
  json::object out = JobJson(job);
  json::array items;
  for (const auto& t : tasks.items) items.push_back(JobTaskJson(t));
  out["tasks"] = json::object{{"items", std::move(items)},
                              {"next_cursor", tasks.next_after ? json::value(EncodeCursor(*tasks.next_after))
                                                               : json::value(nullptr)}};
  co_return http::JsonResponse(200, json::serialize(out));
}

}  // namespace

void AddTaskRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "POST",
         .path = "/api/v1/devices/{id}/tasks",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "tasks.create",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return CreateForDevice(s, c); },
         .doc = {.summary = "Queue a task for the device's next session; each type needs its permission "
                            "(get*: devices.read, set/add/delete: devices.configure, reboot/factoryReset: "
                            "devices.reboot, download: devices.firmware)",
                 .tag = "tasks",
                 .request_schema = schema::kTaskCreate,
                 .response_schema = schema::kTask,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/devices/{id}/tasks",
         .access = http::Needs("devices.read"),
         .action = "tasks.list",
         .target_type = "device",
         .handler = [&s](RequestContext& c) { return ListForDevice(s, c); },
         .doc = {.summary = "The device's tasks, newest first",
                 .tag = "tasks",
                 .response_schema = schema::kTask,
                 .paginated = true}});
  t.Add({.method = "GET",
         .path = "/api/v1/tasks/{id}",
         .access = http::Needs("devices.read"),
         .action = "tasks.get",
         .target_type = "task",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a task with its result or fault",
                 .tag = "tasks",
                 .response_schema = schema::kTask}});
  t.Add({.method = "POST",
         .path = "/api/v1/tasks/{id}/cancel",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "tasks.cancel",
         .target_type = "task",
         .handler = [&s](RequestContext& c) { return Cancel(s, c); },
         .doc = {.summary = "Cancel a queued task (409 once it runs); needs the permission of its type",
                 .tag = "tasks",
                 .response_schema = schema::kTask}});
  t.Add({.method = "POST",
         .path = "/api/v1/device-groups/{id}/tasks",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "jobs.create",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return CreateForGroup(s, c); },
         .doc = {.summary = "Queue one task per device of the group now; returns the job",
                 .tag = "tasks",
                 .request_schema = schema::kTaskCreate,
                 .response_schema = schema::kJob,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/jobs/{id}",
         .access = http::Needs("devices.read"),
         .action = "jobs.get",
         .target_type = "job",
         .handler = [&s](RequestContext& c) { return GetJob(s, c); },
         .doc = {.summary = "A job's progress: counts by state and a page of its per-device tasks "
                            "(?limit=&cursor= page through tasks)",
                 .tag = "tasks",
                 .response_schema = schema::kJob,
                 .query = {"limit", "cursor"}}});
}

}  // namespace kanri::api
