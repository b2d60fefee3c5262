// Tasks and jobs (DEV-3): POST /api/v1/devices/{id}/tasks queues an operation for one device,
// POST /api/v1/device-groups/{id}/tasks one per device of a group (a job), POST
// /api/v1/devices/jobs one per device a filter of the device list selects (a job, issue 18). Each task type
// needs its own permission (devices::RequiredPermission): the routes let in an account that
// holds any of the four, and the handler checks the one the type needs, answering exactly
// like the router's own denial. Scoped to the caller's company; another company's IDs answer
// 404 (SEC-8). The operation history records each creation with its device (or group and
// job); the session engine records each result.
#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <map>
#include <memory>

#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"
#include "base/log.h"
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
                                            "devices.factory_reset", "devices.firmware"};
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
  o["wakeup"] = t.wakeup.empty() ? json::value(nullptr) : json::value(t.wakeup);
  PutTimes(o, "wakeup_at", t.wakeup_at);
  o["attempt"] = t.attempt;
  PutTimes(o, "retry_at", t.retry_at);
  return o;
}

json::object JobJson(const devices::Job& j) {
  const auto& p = j.progress;
  json::object o{
      {"id", j.id.value()},
      {"group_id", j.group_id ? json::value(j.group_id->value()) : json::value(nullptr)},
      {"filter", j.filter ? json::parse(devices::DeviceFilterToJson(*j.filter)) : json::value(nullptr)},
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
                 {"error", t.error.empty() ? json::value(nullptr) : json::value(t.error)},
                 {"wakeup", t.wakeup.empty() ? json::value(nullptr) : json::value(t.wakeup)},
                 {"attempt", t.attempt}};
  PutTimes(o, "finished_at", t.finished_at);
  PutTimes(o, "retry_at", t.retry_at);
  return o;
}

// What the task keeps of a wake-up (WakeDevice's answer): the coarse outcome, or why the device
// was not asked (no_url: it has reported no connection-request address yet).
std::string WakeupWord(const json::object& outcome) {
  std::string word(outcome.at("outcome").as_string());
  if (word != "not_sent") return word;
  const auto* reason = outcome.if_contains("reason");
  return reason && reason->is_string() && reason->as_string() == "no_connection_request_url" ? "no_url"
                                                                                             : word;
}

// The body of a task request: {"type": ..., "now": bool, ...the type's fields}. The type's
// fields go to the domain as one JSON object, which refuses unknown ones.
struct TaskInput {
  devices::TaskType type = devices::TaskType::kGetParameterValues;
  bool now = false;
  std::string request;  // JSON object of the type's fields
};

TaskInput ReadTaskInput(json::object body) {
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

TaskInput ReadTaskInput(const RequestContext& ctx) {
  return ReadTaskInput(ParseJsonBody(ctx.request));
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
  if (input.now) {
    // DEV-4: ask the device to connect now; the task is stored either way and runs at its
    // next session if the device cannot be reached. The outcome stays on the task (issue 18).
    json::object outcome = co_await WakeDevice(s, OwnCompany(ctx), device);
    task.wakeup = WakeupWord(outcome);
    task.wakeup_at = s.clock.Now();
    co_await s.db.Run([&] { s.tasks.RecordWakeup(OwnCompany(ctx), task.id, task.wakeup); });
    json::object out = TaskJson(task);
    out["connection_request"] = std::move(outcome);
    co_return http::JsonResponse(201, json::serialize(out));
  }
  co_return http::JsonResponse(201, json::serialize(TaskJson(task)));
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

}  // namespace

// DEV-4: connection requests to `devices` of one company, in the background (bounded by the
// requester's concurrency; a device not reached runs its tasks at its next session); `record`
// keeps each outcome, on the database pool.
void WakeInBackground(ApiServices& s, asio::any_io_executor executor, const CompanyId& company,
                      std::vector<DeviceId> devices, WakeupRecorder record) {
  auto queue = std::make_shared<std::vector<DeviceId>>(std::move(devices));
  auto recorder = std::make_shared<WakeupRecorder>(std::move(record));
  auto next = std::make_shared<std::size_t>(0);  // touched on one strand: the workers' executor
  auto strand = asio::make_strand(executor);
  // No more workers than the company's share of in-flight requests (DEV-4 fair sharing):
  // more would only meet `busy` and skip devices that a free slot would have reached.
  constexpr std::size_t kWorkers = 16;
  const std::size_t workers =
      std::min({kWorkers, queue->size(),
                s.device_caller ? s.device_caller->settings().max_concurrent_per_company : kWorkers});
  for (std::size_t w = 0; w < workers; ++w) {
    asio::co_spawn(
        strand,
        [&s, company, queue, next, recorder]() -> asio::awaitable<void> {
          while (*next < queue->size()) {
            const DeviceId device = (*queue)[(*next)++];
            // Not reached now: the task runs at the device's next periodic session; the task
            // and the job's page say so (issue 18).
            try {
              const std::string word = WakeupWord(co_await WakeDevice(s, company, device));
              co_await s.db.Run([&] { (*recorder)(device, word); });
            } catch (const std::exception& e) {
              LogWarn("tasks: wake-up not recorded", {{"device", device.value()}, {"error", e.what()}});
            }
          }
        },
        asio::detached);
  }
}

namespace {

asio::awaitable<void> WakeTaskDevices(ApiServices& s, CompanyId company,
                                      const std::vector<devices::Task>& tasks);

}  // namespace

asio::awaitable<void> WakeForDesiredState(ApiServices& s) {
  if (!s.desired) co_return;
  constexpr std::size_t kAtOnce = 1000;
  auto online = co_await s.db.Run([&] { return s.desired->TakeWakes(kAtOnce); });
  std::map<std::string, std::vector<DeviceId>> by_company;
  for (auto& [company, device] : online) by_company[company.value()].push_back(std::move(device));
  // The executor is awaited on its own: GCC 12 mishandles temporaries of a full-expression that
  // holds a co_await (a lambda's captures destroyed twice).
  const auto executor = co_await asio::this_coro::executor;
  for (auto& [company, devices] : by_company)
    WakeInBackground(s, executor, CompanyId{company}, std::move(devices),
                     [](const DeviceId&, const std::string&) {});
}

asio::awaitable<void> WakeDueRetries(ApiServices& s) {
  constexpr std::size_t kAtOnce = 1000;
  auto due = co_await s.db.Run([&] { return s.tasks.TakeDueRetryWakes(kAtOnce); });
  std::map<std::string, std::vector<devices::Task>> by_company;
  for (auto& t : due) by_company[t.company_id.value()].push_back(std::move(t));
  for (const auto& [company, tasks] : by_company) co_await WakeTaskDevices(s, CompanyId{company}, tasks);
}

namespace {

asio::awaitable<void> WakeJobDevices(ApiServices& s, const CompanyId company, const JobId job) {
  auto devices = co_await s.db.Run([&] { return s.tasks.JobDeviceIds(company, job); });
  const auto executor = co_await asio::this_coro::executor;
  WakeInBackground(s, executor, company, std::move(devices),
                   [&s, company, job](const DeviceId& device, const std::string& word) {
                     s.tasks.RecordWakeup(company, job, device, word);
                   });
}

// Asks the devices of retried tasks to connect, recording the outcome on each task.
asio::awaitable<void> WakeTaskDevices(ApiServices& s, CompanyId company,
                                      const std::vector<devices::Task>& tasks) {
  std::vector<std::pair<DeviceId, TaskId>> pairs;
  for (const auto& t : tasks) pairs.emplace_back(t.device_id, t.id);
  co_await WakeForTasks(s, company, pairs);
}

}  // namespace

asio::awaitable<void> WakeForTasks(ApiServices& s, CompanyId company,
                                   const std::vector<std::pair<DeviceId, TaskId>>& tasks) {
  auto by_device = std::make_shared<std::map<std::string, std::vector<TaskId>>>();
  for (const auto& [device, task] : tasks) (*by_device)[device.value()].push_back(task);
  std::vector<DeviceId> devices;
  for (const auto& [device, ids] : *by_device) devices.emplace_back(device);
  const auto executor = co_await asio::this_coro::executor;
  WakeInBackground(s, executor, company, std::move(devices),
                   [&s, company, by_device](const DeviceId& device, const std::string& word) {
                     for (const auto& id : by_device->at(device.value()))
                       s.tasks.RecordWakeup(company, id, word);
                   });
}

namespace {

// DEV-8: an operator's retry of one failed task, with the permission its type needs.
asio::awaitable<HttpResponse> RetryTask(ApiServices& s, RequestContext& ctx) {
  const TaskId id{ctx.Param("id")};
  bool now = false;
  if (!ctx.request.body.empty()) {
    FieldReader in{ParseJsonBody(ctx.request)};
    now = in.OptionalBool("now").value_or(false);
    in.Finish();
  }
  auto current = Unwrap(co_await s.db.Run([&] { return s.tasks.Get(OwnCompany(ctx), id); }));
  RequireTaskPermission(ctx, current.type());
  auto task = Unwrap(co_await s.db.Run([&] { return s.tasks.Retry(OwnCompany(ctx), id); }));
  ctx.audit.details = json::serialize(json::object{{"device_id", task.device_id.value()},
                                                   {"type", devices::ToString(task.type())},
                                                   {"fault", devices::FaultKey(current)},
                                                   {"now", now}});
  if (now) {
    json::object outcome = co_await WakeDevice(s, OwnCompany(ctx), task.device_id);
    task.wakeup = WakeupWord(outcome);
    task.wakeup_at = s.clock.Now();
    co_await s.db.Run([&] { s.tasks.RecordWakeup(OwnCompany(ctx), task.id, task.wakeup); });
  }
  co_return http::JsonResponse(200, json::serialize(TaskJson(task)));
}

constexpr std::size_t kMaxRetriedAtOnce = 10'000;

// DEV-8: the faults page's bulk retry: every device whose latest ended task failed with one
// fault, or the tasks named. Every task's type needs its permission, or nothing is retried.
asio::awaitable<HttpResponse> RetryTasks(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  const auto fault = in.OptionalString("fault");
  const auto named = in.OptionalStringArray("task_ids");
  const bool now = in.OptionalBool("now").value_or(false);
  in.Finish();
  if (fault.has_value() == named.has_value())
    ThrowInvalid(fault ? "task_ids" : "fault", "give exactly one of fault and task_ids");
  if (named && named->size() > kMaxRetriedAtOnce)
    throw http::ApiError(http::Problem{422, "too_many_tasks", "",
                                       "At most " + std::to_string(kMaxRetriedAtOnce) + " tasks per retry.",
                                       "task_ids"});
  const CompanyId company = OwnCompany(ctx);
  std::vector<TaskId> ids;
  std::vector<devices::Task> found;
  if (fault) {
    // The list the faults page shows, whole (bounded).
    const devices::FailedTaskFilter filter{*fault, true};
    PageRequest page{.limit = 500};
    for (;;) {
      auto chunk = Unwrap(co_await s.db.Run([&] { return s.tasks.ListFailed(company, page, filter); }));
      for (auto& f : chunk.items) found.push_back(std::move(f.task));
      if (found.size() > kMaxRetriedAtOnce)
        throw http::ApiError(http::Problem{422, "too_many_tasks", "",
                                           "More than " + std::to_string(kMaxRetriedAtOnce) +
                                               " devices failed this way; retry them by task_ids in parts.",
                                           "fault"});
      if (!chunk.next_after) break;
      page.after = chunk.next_after;
    }
  } else {
    for (const auto& id : *named) {
      found.push_back(Unwrap(co_await s.db.Run([&] { return s.tasks.Get(company, TaskId{id}); })));
    }
  }
  for (const auto& t : found) {
    RequireTaskPermission(ctx, t.type());
    ids.push_back(t.id);
  }
  auto retried = Unwrap(co_await s.db.Run([&] { return s.tasks.RetryAll(company, ids); }));
  ctx.audit.details =
      json::serialize(json::object{{"fault", fault ? json::value(*fault) : json::value(nullptr)},
                                   {"retried", retried.size()},
                                   {"now", now}});
  if (now && !retried.empty()) co_await WakeTaskDevices(s, company, retried);
  json::array items;
  for (const auto& t : retried) items.push_back(TaskJson(t));
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"retried", retried.size()}, {"items", std::move(items)}}));
}

json::object FaultGroupJson(const devices::FaultGroup& g) {
  json::object o{
      {"fault", g.fault},
      {"fault_code", g.fault_code ? json::value(*g.fault_code) : json::value(nullptr)},
      {"meaning", g.fault_code ? json::value(cwmp::CwmpFaultMeaning(*g.fault_code)) : json::value(nullptr)},
      {"error", g.error.empty() ? json::value(nullptr) : json::value(g.error)},
      {"devices", g.devices}};
  PutTimes(o, "last_at", g.last_at);
  return o;
}

asio::awaitable<HttpResponse> ListFaults(ApiServices& s, RequestContext& ctx) {
  auto groups = co_await s.db.Run([&] { return s.tasks.Faults(OwnCompany(ctx)); });
  json::array items;
  for (const auto& g : groups) items.push_back(FaultGroupJson(g));
  co_return http::JsonResponse(200, json::serialize(json::object{{"items", std::move(items)}}));
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
  if (input.now) co_await WakeJobDevices(s, OwnCompany(ctx), job.id);
  co_return http::JsonResponse(201, json::serialize(JobJson(job)));
}

// Issue 18: one task per device the device list's filter selects now ("select all N matching"),
// as a job; the same permission per type as a task for one device, within the caller's company.
asio::awaitable<HttpResponse> CreateForFilter(ApiServices& s, RequestContext& ctx) {
  json::object body = ParseJsonBody(ctx.request);
  const json::value* filter_field = body.if_contains("filter");
  if (!filter_field || !filter_field->is_object())
    ThrowInvalid("filter", "filter is required: the device list's filter as an object ({} for every device)");
  auto filter = devices::DeviceFilterFromJson(json::serialize(*filter_field));
  if (!filter) throw http::ApiError(filter.error());
  const json::value filter_json = *filter_field;
  body.erase("filter");
  std::optional<std::size_t> expected_count;
  if (const json::value* expected = body.if_contains("expected_count")) {
    if (!expected->is_int64() || expected->as_int64() < 1)
      ThrowInvalid("expected_count", "expected_count must be a positive integer (the count the list showed)");
    expected_count = static_cast<std::size_t>(expected->as_int64());
    body.erase("expected_count");
  }
  const auto input = ReadTaskInput(std::move(body));
  RequireTaskPermission(ctx, input.type);
  auto job = Unwrap(co_await s.db.Run([&] {
    return s.tasks.CreateForFilter(OwnCompany(ctx), *filter, input.type, input.request, ActorOf(ctx),
                                   expected_count);
  }));
  ctx.audit.target_id = job.id.value();
  ctx.audit.details = json::serialize(json::object{{"job_id", job.id.value()},
                                                   {"filter", filter_json},
                                                   {"type", devices::ToString(job.type())},
                                                   {"request", AuditRequest(job.request)},
                                                   {"devices", job.progress.total},
                                                   {"now", input.now}});
  if (input.now) co_await WakeJobDevices(s, OwnCompany(ctx), job.id);
  co_return http::JsonResponse(201, json::serialize(JobJson(job)));
}

json::object FailedTaskJson(const devices::FailedTask& f) {
  json::object o = TaskJson(f.task);
  o["device"] = json::object{
      {"serial_number", f.serial_number}, {"model", f.model}, {"product_class", f.product_class}};
  return o;
}

asio::awaitable<HttpResponse> ListFailed(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  devices::FailedTaskFilter filter;
  if (auto fault = ctx.request.Query("fault")) filter.fault = std::string(*fault);
  if (auto latest = ctx.request.Query("latest")) {
    if (*latest != "true" && *latest != "false") ThrowInvalid("latest", "latest is true or false");
    filter.latest_only = *latest == "true";
  }
  auto failed = Unwrap(co_await s.db.Run([&] { return s.tasks.ListFailed(OwnCompany(ctx), page, filter); }));
  co_return PageResponse(failed, FailedTaskJson);
}

asio::awaitable<HttpResponse> ListJobs(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto jobs = co_await s.db.Run([&] { return s.tasks.ListJobs(OwnCompany(ctx), page); });
  co_return PageResponse(jobs, JobJson);
}

asio::awaitable<HttpResponse> CancelJob(ApiServices& s, RequestContext& ctx) {
  const JobId id{ctx.Param("id")};
  // As for one task: cancelling needs the permission the job's task type needs.
  auto current = Unwrap(co_await s.db.Run([&] { return s.tasks.GetJob(OwnCompany(ctx), id); }));
  RequireTaskPermission(ctx, current.type());
  auto job = Unwrap(co_await s.db.Run([&] { return s.tasks.CancelJob(OwnCompany(ctx), id); }));
  ctx.audit.details =
      json::serialize(json::object{{"type", devices::ToString(job.type())},
                                   {"cancelled", job.progress.cancelled - current.progress.cancelled}});
  co_return http::JsonResponse(200, json::serialize(JobJson(job)));
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

// A task's body with the filter it runs on.
std::string FilterJobSchema() {
  json::object o = json::parse(schema::kTaskCreate).as_object();
  o["properties"].as_object()["filter"] = json::parse(schema::kDeviceFilter);
  o["properties"].as_object()["expected_count"] = json::object{
      {"type", "integer"},
      {"minimum", 1},
      {"description", "the count the list showed: another count now answers 409 selection_changed"}};
  o["required"].as_array().emplace_back("filter");
  return json::serialize(o);
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
                            "(get*: devices.read, set/add/delete: devices.configure, reboot: devices.reboot, "
                            "factoryReset: devices.factory_reset, download: devices.firmware)",
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
         .path = "/api/v1/tasks/{id}/retry",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "tasks.retry",
         .target_type = "task",
         .handler = [&s](RequestContext& c) { return RetryTask(s, c); },
         .doc = {.summary =
                     "Queue a failed task again (DEV-8) at the end of its device's queue, as attempt 1 with "
                     "a new expiry; the request is checked again; needs the permission of its type",
                 .tag = "tasks",
                 .request_schema = schema::kTaskRetry,
                 .response_schema = schema::kTask}});
  t.Add({.method = "POST",
         .path = "/api/v1/tasks/retry",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "tasks.retry_many",
         .handler = [&s](RequestContext& c) { return RetryTasks(s, c); },
         .doc = {
             .summary = "Retry, in one transaction, every device's latest failed task with one fault, or the "
                        "failed tasks named (DEV-8); all or nothing, each type needing its permission",
             .tag = "tasks",
             .request_schema = schema::kTasksRetry,
             .response_schema = std::string(R"({"type":"object","required":["retried","items"],"properties":{
"retried":{"type":"integer"},"items":{"type":"array","items":)") +
                                schema::kTask + "}}}"}});
  t.Add(
      {.method = "GET",
       .path = "/api/v1/faults",
       .access = http::Needs("devices.read"),
       .action = "faults.list",
       .handler = [&s](RequestContext& c) { return ListFaults(s, c); },
       .doc = {
           .summary = "The devices whose latest ended task failed, grouped by fault (DEV-8), most devices "
                      "first; list them with GET /api/v1/tasks/failed?fault=…&latest=true",
           .tag = "tasks",
           .response_schema =
               std::string(
                   R"({"type":"object","required":["items"],"properties":{"items":{"type":"array","items":)") +
               schema::kFaultGroup + "}}}"}});
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
  t.Add({.method = "POST",
         .path = "/api/v1/devices/jobs",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "jobs.create_for_filter",
         .target_type = "job",
         .handler = [&s](RequestContext& c) { return CreateForFilter(s, c); },
         .doc = {.summary =
                     "Queue one task per device the filter selects now (the device list's \"select all N "
                     "matching\"); returns the job. The body is a task's with \"filter\" (the list's "
                     "query as an object; {} for every device)",
                 .tag = "tasks",
                 .request_schema = FilterJobSchema(),
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
  t.Add({.method = "GET",
         .path = "/api/v1/tasks/failed",
         .access = http::Needs("devices.read"),
         .action = "tasks.failed",
         .handler = [&s](RequestContext& c) { return ListFailed(s, c); },
         .doc = {.summary = "The company's failed tasks, latest failure first, each with its device's serial "
                            "number, model and product class (empty when the device was deleted since)",
                 .tag = "tasks",
                 .response_schema =
                     std::string(R"({"allOf":[)") + schema::kTask +
                     R"(,{"type":"object","required":["device"],"properties":{"device":{"type":"object",
"required":["serial_number","model","product_class"],"properties":{"serial_number":{"type":"string"},
"model":{"type":"string"},"product_class":{"type":"string"}}}}}]})",
                 .paginated = true,
                 .query = {"fault", "latest"}}});
  t.Add({.method = "GET",
         .path = "/api/v1/jobs",
         .access = http::Needs("devices.read"),
         .action = "jobs.list_company",
         .handler = [&s](RequestContext& c) { return ListJobs(s, c); },
         .doc = {.summary = "The company's jobs with their progress, newest first",
                 .tag = "tasks",
                 .response_schema = schema::kJob,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/jobs/{id}/cancel",
         .access = http::NeedsAnyOf(TaskPermissions()),
         .action = "jobs.cancel",
         .target_type = "job",
         .handler = [&s](RequestContext& c) { return CancelJob(s, c); },
         .doc = {.summary = "Cancel the job's tasks that have not started (running ones finish); needs the "
                            "permission of its type",
                 .tag = "tasks",
                 .response_schema = schema::kJob}});
}

}  // namespace kanri::api
