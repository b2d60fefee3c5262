#include "devices/tasks.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <tuple>

#include "base/crypto.h"
#include "base/text.h"
#include "devices/device_query.h"
#include "devices/events.h"
#include "devices/firmware.h"
#include "devices/inventory.h"
#include "devices/parameter_tree.h"
#include "devices/parameter_value.h"
#include "devices/task_request.h"
#include "devices/task_rows.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;

constexpr std::size_t kCommandKeyBytes = 6;  // "kanri-" + 8 characters; CommandKey allows 32

using detail::kTaskColumns;
using detail::ReadTask;

std::string TextOr(const soci::row& r, std::size_t i, std::string fallback = "") {
  return r.get_indicator(i) == soci::i_null ? fallback : r.get<std::string>(i);
}

std::optional<Task> SelectTask(db::Lease& lease, const CompanyId& company, const TaskId& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kTaskColumns +
                                  " FROM tasks t WHERE t.company_id = :c AND t.id = :id",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& r : rows) return ReadTask(r);
  return std::nullopt;
}

// A download's file must be a firmware file of the same company.
Status FirmwareCheck(db::Lease& lease, const CompanyId& company, const TaskRequest& request) {
  const auto* download = std::get_if<task::Download>(&request);
  if (!download) return Ok{};
  if (!FirmwareRepository::Exists(lease, company, download->file_id))
    return InvalidArgument("file_id", "no such firmware file");
  return Ok{};
}

// DEV-7: one device's values are of its own data model: a TR-181 path never goes to a TR-098
// router (it would fail the whole change there). A job's values may hold both (CreateJob).
Status DataModelCheck(db::Lease& lease, const DeviceId& device, const TaskRequest& request) {
  const auto* set = std::get_if<task::SetParameterValues>(&request);
  if (!set || set->purpose != task::SetPurpose::kOperator) return Ok{};
  std::string model;
  lease.sql() << "SELECT data_model FROM devices WHERE id = :id", soci::use(device.value()),
      soci::into(model);
  const std::string root = model == "tr098" ? "InternetGatewayDevice." : "Device.";
  for (const auto& [path, value] : set->values)
    if (!path.starts_with(root))
      return InvalidArgument(
          path, path + " is not of this device's data model (its parameters start with " + root + ")");
  return Ok{};
}

// DEV-3: an operator's values against the types and writability the device reported
// (devices/parameter_value.h). Kanri's own values (credentials, profile, remote login) are its
// own to get right.
Status ValueCheck(db::Lease& lease, const DeviceId& device, const TaskRequest& request) {
  const auto* set = std::get_if<task::SetParameterValues>(&request);
  if (!set || set->purpose != task::SetPurpose::kOperator) return Ok{};
  std::string text;
  lease.sql() << "SELECT tree FROM device_parameters WHERE device_id = :id", soci::use(device.value()),
      soci::into(text);
  return CheckParameterValues(ParameterTree::Parse(text), set->values);
}

// A job's values, checked on one device of each model and software version among its devices
// (they report the same types), so that a job of 50,000 devices reads a handful of trees.
Status JobValueCheck(db::Lease& lease, const std::string& where, const detail::SqlBinds& binds,
                     const TaskRequest& request) {
  const auto* set = std::get_if<task::SetParameterValues>(&request);
  if (!set || set->purpose != task::SetPurpose::kOperator) return Ok{};
  auto select =
      (lease.sql().prepare << "SELECT MIN(d.id), d.model, d.software_version FROM devices d WHERE " + where +
                                  " GROUP BY d.model, d.software_version");
  binds.ApplyTo(select);
  soci::rowset<soci::row> rows(select);
  std::vector<std::tuple<DeviceId, std::string, std::string>> samples;
  for (const auto& r : rows)
    samples.emplace_back(DeviceId{r.get<std::string>(0)}, r.get<std::string>(1), r.get<std::string>(2));
  for (const auto& [device, model, software] : samples) {
    auto st = ValueCheck(lease, device, request);
    if (!st) {
      Error e = st.error();
      e.message = model + " " + software + ": " + e.message;
      return e;
    }
  }
  return Ok{};
}

}  // namespace

std::string NewCommandKey() {
  return "kanri-" + RandomToken(kCommandKeyBytes);
}

Result<Task> TaskRepository::Create(const CompanyId& company, const DeviceId& device, TaskType type,
                                    std::string_view request_json, const TaskActor& actor) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  // Touching the device row first finds it and serialises task creation per device, so
  // `seq` stays monotonic on PostgreSQL too (SQLite's write lock already does).
  soci::statement touch = (lease.sql().prepare << "UPDATE devices SET updated_at = updated_at "
                                                  "WHERE company_id = :c AND id = :id",
                           soci::use(company.value()), soci::use(device.value()));
  touch.execute(true);
  if (db::AffectedRows(touch) == 0) return NotFound("device not found");
  auto request = ParseTaskRequest(type, request_json, settings_.max_request_entries);
  if (!request) return request.error();
  if (auto checked = FirmwareCheck(lease, company, *request); !checked) return checked.error();
  if (auto checked = DataModelCheck(lease, device, *request); !checked) return checked.error();
  if (auto checked = ValueCheck(lease, device, *request); !checked) return checked.error();

  Task t;
  t.id = TaskId::Generate();
  t.company_id = company;
  t.device_id = device;
  t.request = std::move(*request);
  t.command_key = NewCommandKey();
  t.created_by = actor.id;
  t.created_by_login = actor.login;
  t.created_at = clock_.Now();
  t.expires_at = t.created_at + settings_.expiry;
  detail::InsertTask(lease, t, detail::NextTaskSeq(lease, device));
  tx.Commit();
  return t;
}

Result<Page<Task>> TaskRepository::ListForDevice(const CompanyId& company, const DeviceId& device,
                                                 const PageRequest& page) {
  auto lease = db_.Acquire();
  if (!detail::DeviceExists(lease, company, device)) return NotFound("device not found");
  long long before = std::numeric_limits<long long>::max();
  if (page.after) {
    try {
      before = std::stoll(*page.after);
    } catch (const std::exception&) {
      return InvalidArgument("cursor", "cursor is not one this service issued");
    }
  }
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kTaskColumns +
                                  " FROM tasks t WHERE t.company_id = :c AND t.device_id = :d AND t.seq < :b "
                                  "ORDER BY t.seq DESC LIMIT :lim",
       soci::use(company.value()), soci::use(device.value()), soci::use(before), soci::use(limit));
  std::vector<std::pair<long long, Task>> out;
  for (const auto& r : rows) out.emplace_back(db::RowInteger(r, 4), ReadTask(r));
  Page<Task> result;
  if (out.size() > page.limit) {
    out.resize(page.limit);
    result.next_after = std::to_string(out.back().first);
  }
  for (auto& [seq, t] : out) result.items.push_back(std::move(t));
  return result;
}

Result<Task> TaskRepository::Get(const CompanyId& company, const TaskId& id) {
  auto lease = db_.Acquire();
  auto t = SelectTask(lease, company, id);
  if (!t) return NotFound("task not found");
  return *t;
}

Result<Task> TaskRepository::Cancel(const CompanyId& company, const TaskId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto t = SelectTask(lease, company, id);
  if (!t) return NotFound("task not found");
  if (t->state != TaskState::kQueued)
    return Conflict("only a queued task can be cancelled; this one is " + std::string(ToString(t->state)),
                    "task_not_cancellable");
  const long long now = ToUnixMillis(clock_.Now());
  soci::statement st = (lease.sql().prepare << "UPDATE tasks SET state = 'cancelled', finished_at = :f "
                                               "WHERE company_id = :c AND id = :id AND state = 'queued'",
                        soci::use(now), soci::use(company.value()), soci::use(id.value()));
  st.execute(true);
  if (db::AffectedRows(st) != 1) return Conflict("the task started in the meantime", "task_not_cancellable");
  t->state = TaskState::kCancelled;
  t->finished_at = FromUnixMillis(now);
  TaskEnded(lease, *t->finished_at, *t);
  tx.Commit();
  return *t;
}

Result<Job> TaskRepository::CreateForGroup(const CompanyId& company, const GroupId& group, TaskType type,
                                           std::string_view request_json, const TaskActor& actor) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_groups WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(group.value()), soci::into(exists);
  if (!exists) return NotFound("device group not found");
  DeviceFilter filter;
  filter.group_id = group;
  auto job = CreateJob(lease, company, filter, group, type, request_json, actor);
  if (job) tx.Commit();
  return job;
}

Result<Job> TaskRepository::CreateForFilter(const CompanyId& company, const DeviceFilter& filter,
                                            TaskType type, std::string_view request_json,
                                            const TaskActor& actor,
                                            std::optional<std::size_t> expected_count) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto job = CreateJob(lease, company, filter, std::nullopt, type, request_json, actor, expected_count);
  if (job) tx.Commit();
  return job;
}

Result<Job> TaskRepository::CreateJob(db::Lease& lease, const CompanyId& company, const DeviceFilter& filter,
                                      const std::optional<GroupId>& group, TaskType type,
                                      std::string_view request_json, const TaskActor& actor,
                                      std::optional<std::size_t> expected_count) {
  auto request = ParseTaskRequest(type, request_json, settings_.max_request_entries);
  if (!request) return request.error();
  if (auto checked = FirmwareCheck(lease, company, *request); !checked) return checked.error();

  // The devices the filter selects now, with the last seq of each.
  detail::SqlBinds binds;
  auto where = detail::DeviceCondition(lease, company, filter, clock_.Now(), binds);
  if (!where) return where.error();
  auto select = (lease.sql().prepare << "SELECT d.id, (SELECT COALESCE(MAX(t.seq), 0) FROM tasks t WHERE "
                                        "t.device_id = d.id), d.data_model FROM devices d WHERE " +
                                            *where + " ORDER BY d.id");
  binds.ApplyTo(select);
  soci::rowset<soci::row> rows(select);
  std::vector<std::tuple<std::string, long long, std::string>> devices;
  const std::string what = group ? "the group" : "the filter";
  for (const auto& r : rows) {
    devices.emplace_back(r.get<std::string>(0), db::RowInteger(r, 1), r.get<std::string>(2));
    if (devices.size() > settings_.max_job_devices)
      return Conflict(what + " selects more than " + std::to_string(settings_.max_job_devices) + " devices",
                      group ? "group_too_large" : "");
  }
  if (devices.empty()) return Conflict(what + " selects no devices", group ? "group_empty" : "");
  // "Select all N matching": the set changed since the operator saw N, so nothing is queued and
  // the console shows the new count to confirm.
  if (expected_count && *expected_count != devices.size())
    return Conflict(what + " selects " + std::to_string(devices.size()) + " devices now, not " +
                        std::to_string(*expected_count),
                    "selection_changed");
  if (auto checked = JobValueCheck(lease, *where, binds, *request); !checked) return checked.error();
  // DEV-7: a SetParameterValues for a mixed fleet holds each data model's values: each device gets
  // its own model's only, and a device none of them is for gets no task.
  std::map<std::string, std::string> request_of_model;  // data model -> stored request, "" for none
  for (const DataModel model : {DataModel::kTr181, DataModel::kTr098}) {
    const auto* set = std::get_if<task::SetParameterValues>(&*request);
    if (!set) {
      request_of_model[std::string(ToString(model))] = StoreTaskRequest(*request);
      continue;
    }
    task::SetParameterValues own = *set;
    own.values.clear();
    const std::string root = model == DataModel::kTr098 ? "InternetGatewayDevice." : "Device.";
    for (const auto& v : set->values)
      if (v.first.starts_with(root)) own.values.push_back(v);
    request_of_model[std::string(ToString(model))] =
        own.values.empty() ? "" : StoreTaskRequest(TaskRequest{own});
  }
  std::erase_if(devices, [&](const auto& d) { return request_of_model[std::get<2>(d)].empty(); });
  if (devices.empty())
    return InvalidArgument("values",
                           "no value is of the data model (Device. or InternetGatewayDevice.) of the "
                           "devices " +
                               what + " selects");

  Job job;
  job.id = JobId::Generate();
  job.company_id = company;
  job.group_id = group;
  if (!group) job.filter = filter;
  job.request = std::move(*request);
  const std::string stored_request = StoreTaskRequest(job.request);
  job.created_by = actor.id;
  job.created_by_login = actor.login;
  job.created_at = clock_.Now();
  job.progress.total = job.progress.queued = devices.size();
  const std::string type_name(ToString(type));
  const std::optional<std::string> created_by = actor.id ? std::optional(actor.id->value()) : std::nullopt;
  const std::optional<std::string> group_id = group ? std::optional(group->value()) : std::nullopt;
  const std::optional<std::string> stored_filter =
      job.filter ? std::optional(DeviceFilterToJson(*job.filter)) : std::nullopt;
  const long long created = ToUnixMillis(job.created_at),
                  expires = ToUnixMillis(job.created_at + settings_.expiry);
  const int total = static_cast<int>(devices.size());
  lease.sql()
      << "INSERT INTO jobs (id, company_id, group_id, type, request, total, created_by, created_by_login, "
         "created_at, filter) VALUES (:id, :c, :g, :ty, :rq, :n, :cb, :cl, :ca, :f)",
      soci::use(job.id.value()), soci::use(company.value()), soci::use(group_id), soci::use(type_name),
      soci::use(stored_request), soci::use(total), soci::use(created_by), soci::use(job.created_by_login),
      soci::use(created), soci::use(stored_filter);
  std::string task_id, device_id, command_key, device_request;
  long long seq = 0;
  soci::statement insert =
      (lease.sql().prepare
           << "INSERT INTO tasks (id, company_id, device_id, job_id, seq, type, request, state, "
              "command_key, internal, created_by, created_by_login, created_at, expires_at) VALUES "
              "(:id, :c, :d, :j, :s, :ty, :rq, 'queued', :ck, 0, :cb, :cl, :ca, :ex)",
       soci::use(task_id), soci::use(company.value()), soci::use(device_id), soci::use(job.id.value()),
       soci::use(seq), soci::use(type_name), soci::use(device_request), soci::use(command_key),
       soci::use(created_by), soci::use(job.created_by_login), soci::use(created), soci::use(expires));
  for (const auto& [id, last_seq, model] : devices) {
    task_id = GenerateOpaqueId();
    device_id = id;
    device_request = request_of_model[model];
    command_key = NewCommandKey();
    seq = last_seq + 1;
    insert.execute(true);
  }
  return job;
}

namespace {

constexpr const char* kJobColumns =
    "SELECT id, group_id, type, request, total, created_by, created_by_login, created_at, filter FROM jobs ";

Job ReadJob(const soci::row& r, const CompanyId& company) {
  Job job;
  job.id = JobId{r.get<std::string>(0)};
  job.company_id = company;
  if (r.get_indicator(1) != soci::i_null) job.group_id = GroupId{r.get<std::string>(1)};
  // A job's request was validated when it was created; one this Kanri cannot read shows empty.
  if (auto request = LoadTaskRequest(r.get<std::string>(2), r.get<std::string>(3)))
    job.request = std::move(*request);
  job.progress.total = static_cast<std::size_t>(db::RowInteger(r, 4));
  if (r.get_indicator(5) != soci::i_null) job.created_by = AccountId{r.get<std::string>(5)};
  job.created_by_login = r.get<std::string>(6);
  job.created_at = FromUnixMillis(db::RowInteger(r, 7));
  if (r.get_indicator(8) != soci::i_null) {
    if (auto filter = DeviceFilterFromJson(r.get<std::string>(8))) job.filter = std::move(*filter);
  }
  return job;
}

// The job's task counts by state.
void ReadProgress(db::Lease& lease, Job& job) {
  soci::rowset<soci::row> counts =
      (lease.sql().prepare
           << "SELECT state, COUNT(*) FROM tasks WHERE company_id = :c AND job_id = :j GROUP BY state",
       soci::use(job.company_id.value()), soci::use(job.id.value()));
  for (const auto& r : counts) {
    const auto n = static_cast<std::size_t>(db::RowInteger(r, 1));
    switch (ParseTaskState(r.get<std::string>(0)).value_or(TaskState::kFailed)) {
      case TaskState::kQueued:
        job.progress.queued = n;
        break;
      case TaskState::kRunning:
        job.progress.running = n;
        break;
      case TaskState::kDone:
        job.progress.done = n;
        break;
      case TaskState::kFailed:
        job.progress.failed = n;
        break;
      case TaskState::kCancelled:
        job.progress.cancelled = n;
        break;
    }
  }
}

}  // namespace

Result<Job> TaskRepository::GetJob(const CompanyId& company, const JobId& id) {
  auto lease = db_.Acquire();
  std::optional<Job> job;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string(kJobColumns) + "WHERE company_id = :c AND id = :id",
         soci::use(company.value()), soci::use(id.value()));
    for (const auto& r : rows) job = ReadJob(r, company);
  }
  if (!job) return NotFound("job not found");
  ReadProgress(lease, *job);
  return *job;
}

std::string FaultKey(const Task& task) {
  if (task.fault_code) return std::to_string(*task.fault_code);
  return task.error.empty() ? "failed" : task.error;
}

namespace {

// Each device's latest ended task only (the faults page): no later one ended since.
constexpr const char* kLatestEnded =
    " AND NOT EXISTS (SELECT 1 FROM tasks u WHERE u.device_id = t.device_id AND u.state IN ('done', "
    "'failed') AND (u.finished_at > t.finished_at OR (u.finished_at = t.finished_at AND u.seq > t.seq)))";

// The condition a fault key (FaultKey) puts on `t`, with its binds; InvalidArgument for text
// that is no key.
Result<std::string> FaultCondition(const std::string& key, detail::SqlBinds& binds) {
  if (!key.empty() && key.size() <= 6 &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return " AND t.fault_code = " + binds.Add(std::stoll(key));
  const bool word = !key.empty() && key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  });
  if (!word) return InvalidArgument("fault", "fault is a CPE fault code (9002) or an error (timeout)");
  if (key == "failed") return std::string(" AND t.fault_code IS NULL AND (t.error IS NULL OR t.error = '')");
  return " AND t.fault_code IS NULL AND t.error = " + binds.Add(key);
}

}  // namespace

Result<Page<FailedTask>> TaskRepository::ListFailed(const CompanyId& company, const PageRequest& page,
                                                    const FailedTaskFilter& filter) {
  auto lease = db_.Acquire();
  // The page key is "<finished_at>\n<id>"; latest first, the id breaks ties.
  const auto [before, before_id] = NewestFirstCursor(page.after);
  detail::SqlBinds binds;
  std::string where = " WHERE t.company_id = " + binds.Add(company.value()) + " AND t.state = 'failed'";
  if (filter.fault) {
    auto condition = FaultCondition(*filter.fault, binds);
    if (!condition) return condition.error();
    where += *condition;
  }
  if (filter.latest_only) where += kLatestEnded;
  where += " AND (t.finished_at < " + binds.Add(before) + " OR (t.finished_at = " + binds.Add(before) +
           " AND t.id < " + binds.Add(before_id) + "))";
  const std::string limit = binds.Add(static_cast<long long>(page.limit) + 1);
  auto select =
      (lease.sql().prepare << std::string("SELECT ") + kTaskColumns +
                                  ", d.serial_number, d.model, d.product_class FROM tasks t LEFT JOIN "
                                  "devices d ON d.id = t.device_id AND d.company_id = t.company_id" +
                                  where + " ORDER BY t.finished_at DESC, t.id DESC LIMIT " + limit);
  binds.ApplyTo(select);
  soci::rowset<soci::row> rows(select);
  std::vector<FailedTask> out;
  constexpr std::size_t n = detail::kTaskColumnCount;
  for (const auto& r : rows) out.push_back({ReadTask(r), TextOr(r, n), TextOr(r, n + 1), TextOr(r, n + 2)});
  return MakePage(std::move(out), page.limit, [](const FailedTask& f) {
    return NewestFirstKey(ToUnixMillis(f.task.finished_at.value_or(f.task.created_at)), f.task.id.value());
  });
}

std::vector<FaultGroup> TaskRepository::Faults(const CompanyId& company) {
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string(
                                  "SELECT t.fault_code, t.error, COUNT(DISTINCT t.device_id), "
                                  "MAX(t.finished_at) FROM tasks t WHERE t.company_id = :c AND t.state = "
                                  "'failed'") +
                                  kLatestEnded + " GROUP BY t.fault_code, t.error",
       soci::use(company.value()));
  std::map<std::string, FaultGroup> groups;
  for (const auto& r : rows) {
    Task probe;
    if (r.get_indicator(0) != soci::i_null) probe.fault_code = static_cast<int>(db::RowInteger(r, 0));
    if (!probe.fault_code) probe.error = TextOr(r, 1);
    auto& g = groups[FaultKey(probe)];
    g.fault = FaultKey(probe);
    g.fault_code = probe.fault_code;
    g.error = probe.error;
    g.devices += static_cast<std::size_t>(db::RowInteger(r, 2));
    g.last_at = std::max(g.last_at, db::RowTime(r, 3).value_or(Timestamp{}));
  }
  std::vector<FaultGroup> out;
  for (auto& [key, g] : groups) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(),
                   [](const FaultGroup& a, const FaultGroup& b) { return a.devices > b.devices; });
  return out;
}

Result<Task> TaskRepository::RetryIn(db::Lease& lease, const CompanyId& company, const TaskId& id) {
  auto task = SelectTask(lease, company, id);
  if (!task) return NotFound("task not found");
  if (task->state != TaskState::kFailed)
    return Conflict("only a failed task can be retried (task " + id.value() + " is " +
                        std::string(ToString(task->state)) + ")",
                    "task_not_retryable");
  if (!detail::DeviceExists(lease, company, task->device_id)) return NotFound("task not found");
  if (auto checked = FirmwareCheck(lease, company, task->request); !checked) return checked.error();
  if (auto checked = ValueCheck(lease, task->device_id, task->request); !checked) return checked.error();
  const long long seq = detail::NextTaskSeq(lease, task->device_id);
  const Timestamp now = clock_.Now();
  const long long expires = ToUnixMillis(now + settings_.expiry);
  const std::string command_key = NewCommandKey();
  lease.sql()
      << "UPDATE tasks SET state = 'queued', attempt = 1, retry_at = NULL, retry_wake = 0, seq = :s, "
         "command_key = :ck, started_at = NULL, finished_at = NULL, awaiting_device = 0, "
         "download_token_hash = NULL, wakeup = NULL, wakeup_at = NULL, expires_at = :ex WHERE id = :id "
         "AND company_id = :c",
      soci::use(seq), soci::use(command_key), soci::use(expires), soci::use(id.value()),
      soci::use(company.value());
  auto stored = SelectTask(lease, company, id);
  if (!stored) return NotFound("task not found");
  return *stored;
}

Result<Task> TaskRepository::Retry(const CompanyId& company, const TaskId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto task = RetryIn(lease, company, id);
  if (task) tx.Commit();
  return task;
}

Result<std::vector<Task>> TaskRepository::RetryAll(const CompanyId& company, const std::vector<TaskId>& ids) {
  if (ids.size() > settings_.max_job_devices)
    return LimitExceeded("too_many_tasks",
                         "at most " + std::to_string(settings_.max_job_devices) + " tasks per retry");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::vector<Task> out;
  for (const auto& id : ids) {
    auto task = RetryIn(lease, company, id);
    if (!task) return task.error();
    out.push_back(std::move(*task));
  }
  tx.Commit();
  return out;
}

std::vector<Task> TaskRepository::TakeDueRetryWakes(std::size_t limit) {
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(clock_.Now());
  const int n = static_cast<int>(limit);
  std::vector<Task> due;
  // Read first: the device sweep asks every few seconds, and mostly nothing is due, so no write
  // transaction is opened for nothing.
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << std::string("SELECT ") + kTaskColumns +
                    " FROM tasks t WHERE t.retry_wake = 1 AND t.retry_at <= :t ORDER BY t.retry_at "
                    "LIMIT :n",
         soci::use(t), soci::use(n));
    for (const auto& r : rows) due.push_back(ReadTask(r));
  }
  if (due.empty()) return due;
  db::WriteTransaction tx(lease);
  std::string id;
  soci::statement clear =
      (lease.sql().prepare << "UPDATE tasks SET retry_wake = 0 WHERE id = :id AND retry_wake = 1",
       soci::use(id));
  // Each once: a task another sweep took meanwhile is left to it.
  std::erase_if(due, [&](const Task& task) {
    id = task.id.value();
    clear.execute(true);
    return db::AffectedRows(clear) != 1 || task.state != TaskState::kQueued;
  });
  tx.Commit();
  return due;
}

Page<Job> TaskRepository::ListJobs(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  // The page key is "<created_at>\n<id>"; newest first, the id breaks ties.
  const auto [before, before_id] = NewestFirstCursor(page.after);
  const int limit = static_cast<int>(page.limit) + 1;
  std::vector<Job> jobs;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << std::string(kJobColumns) +
                    "WHERE company_id = :c AND (created_at < :b OR (created_at = :b2 AND id < :bid)) "
                    "ORDER BY created_at DESC, id DESC LIMIT :lim",
         soci::use(company.value()), soci::use(before), soci::use(before), soci::use(before_id),
         soci::use(limit));
    for (const auto& r : rows) jobs.push_back(ReadJob(r, company));
  }
  for (auto& job : jobs) ReadProgress(lease, job);
  return MakePage(std::move(jobs), page.limit,
                  [](const Job& j) { return NewestFirstKey(ToUnixMillis(j.created_at), j.id.value()); });
}

Result<Job> TaskRepository::CancelJob(const CompanyId& company, const JobId& id) {
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    int exists = 0;
    lease.sql() << "SELECT COUNT(*) FROM jobs WHERE company_id = :c AND id = :id", soci::use(company.value()),
        soci::use(id.value()), soci::into(exists);
    if (!exists) return NotFound("job not found");
    std::vector<Task> queued;
    {
      soci::rowset<soci::row> rows =
          (lease.sql().prepare
               << std::string("SELECT ") + kTaskColumns +
                      " FROM tasks t WHERE t.company_id = :c AND t.job_id = :j AND t.state = 'queued'",
           soci::use(company.value()), soci::use(id.value()));
      for (const auto& r : rows) queued.push_back(ReadTask(r));
    }
    const long long now = ToUnixMillis(clock_.Now());
    std::string task_id;
    soci::statement cancel =
        (lease.sql().prepare << "UPDATE tasks SET state = 'cancelled', finished_at = :f "
                                "WHERE company_id = :c AND id = :id AND state = 'queued'",
         soci::use(now), soci::use(company.value()), soci::use(task_id));
    for (auto& t : queued) {
      task_id = t.id.value();
      cancel.execute(true);
      if (db::AffectedRows(cancel) != 1) continue;  // it started meanwhile: it finishes
      t.state = TaskState::kCancelled;
      t.finished_at = FromUnixMillis(now);
      TaskEnded(lease, *t.finished_at, t);
    }
    tx.Commit();
  }
  return GetJob(company, id);
}

void TaskRepository::RecordWakeup(const CompanyId& company, const TaskId& task, std::string_view outcome) {
  auto lease = db_.Acquire();
  const std::string word(outcome);
  const long long now = ToUnixMillis(clock_.Now());
  // The device may have answered, and the task failed for a retry (DEV-8), before this
  // outcome was known: the retry still gets its wake-up when due.
  const int wake = word == "delivered" ? 1 : 0;
  lease.sql() << "UPDATE tasks SET wakeup = :w, wakeup_at = :t, retry_wake = CASE WHEN :wake = 1 AND state = "
                 "'queued' AND retry_at > :t2 THEN 1 ELSE retry_wake END WHERE company_id = :c AND id = :id",
      soci::use(word), soci::use(now), soci::use(wake), soci::use(now), soci::use(company.value()),
      soci::use(task.value());
}

void TaskRepository::RecordWakeup(const CompanyId& company, const JobId& job, const DeviceId& device,
                                  std::string_view outcome) {
  auto lease = db_.Acquire();
  const std::string word(outcome);
  const long long now = ToUnixMillis(clock_.Now());
  const int wake = word == "delivered" ? 1 : 0;
  lease.sql()
      << "UPDATE tasks SET wakeup = :w, wakeup_at = :t, retry_wake = CASE WHEN :wake = 1 AND state = "
         "'queued' AND retry_at > :t2 THEN 1 ELSE retry_wake END WHERE company_id = :c AND job_id = :j "
         "AND device_id = :d",
      soci::use(word), soci::use(now), soci::use(wake), soci::use(now), soci::use(company.value()),
      soci::use(job.value()), soci::use(device.value());
}

std::vector<DeviceId> TaskRepository::JobDeviceIds(const CompanyId& company, const JobId& id) {
  auto lease = db_.Acquire();
  std::vector<DeviceId> out;
  soci::rowset<std::string> rs =
      (lease.sql().prepare << "SELECT device_id FROM tasks WHERE company_id = :c AND "
                              "job_id = :j AND state = 'queued'",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& d : rs) out.emplace_back(d);
  return out;
}

Result<Page<JobDeviceTask>> TaskRepository::JobTasks(const CompanyId& company, const JobId& id,
                                                     const PageRequest& page) {
  auto lease = db_.Acquire();
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM jobs WHERE company_id = :c AND id = :id", soci::use(company.value()),
      soci::use(id.value()), soci::into(exists);
  if (!exists) return NotFound("job not found");
  const std::string after = page.after.value_or("");
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT t.id, t.device_id, d.serial_number, t.state, t.fault_code, t.error, "
              "t.finished_at, t.wakeup, t.attempt, t.retry_at FROM tasks t LEFT JOIN devices d ON d.id = "
              "t.device_id AND "
              "d.company_id = t.company_id WHERE t.company_id = :c AND t.job_id = :j AND t.id > :a "
              "ORDER BY t.id LIMIT :lim",
       soci::use(company.value()), soci::use(id.value()), soci::use(after), soci::use(limit));
  std::vector<JobDeviceTask> out;
  for (const auto& r : rows) {
    JobDeviceTask t;
    t.task_id = TaskId{r.get<std::string>(0)};
    t.device_id = DeviceId{r.get<std::string>(1)};
    t.serial_number = TextOr(r, 2);
    t.state = ParseTaskState(r.get<std::string>(3)).value_or(TaskState::kFailed);
    if (r.get_indicator(4) != soci::i_null) t.fault_code = static_cast<int>(db::RowInteger(r, 4));
    t.error = TextOr(r, 5);
    t.finished_at = db::RowTime(r, 6);
    t.wakeup = TextOr(r, 7);
    t.attempt = static_cast<int>(db::RowInteger(r, 8));
    t.retry_at = db::RowTime(r, 9);
    out.push_back(std::move(t));
  }
  return MakePage(std::move(out), page.limit, [](const JobDeviceTask& t) { return t.task_id.value(); });
}

}  // namespace kanri::devices
