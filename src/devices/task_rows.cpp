#include "devices/task_rows.h"

#include "devices/device_query.h"
#include "devices/task_request.h"

namespace kanri::devices::detail {

const char* const kTaskColumns =
    "t.id, t.company_id, t.device_id, t.job_id, t.seq, t.type, t.request, t.state, t.result, t.fault_code, "
    "t.fault_string, t.error, t.command_key, t.internal, t.attempt, t.created_by, t.created_by_login, "
    "t.created_at, t.started_at, t.finished_at, t.expires_at, t.wakeup, t.wakeup_at, t.retry_at";

namespace {

std::optional<std::string> OptionalText(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<std::string>(i);
}

}  // namespace

Task ReadTask(const soci::row& r) {
  Task t;
  t.id = TaskId{r.get<std::string>(0)};
  t.company_id = CompanyId{r.get<std::string>(1)};
  t.device_id = DeviceId{r.get<std::string>(2)};
  if (auto job = OptionalText(r, 3)) t.job_id = JobId{*job};
  t.state = ParseTaskState(r.get<std::string>(7)).value_or(TaskState::kFailed);
  if (auto request = LoadTaskRequest(r.get<std::string>(5), r.get<std::string>(6))) {
    t.request = std::move(*request);
  } else if (t.state == TaskState::kQueued || t.state == TaskState::kRunning) {
    t.state = TaskState::kFailed;
    t.error = "unreadable";
  }
  t.result = OptionalText(r, 8);
  if (r.get_indicator(9) != soci::i_null) t.fault_code = static_cast<int>(db::RowInteger(r, 9));
  t.fault_string = OptionalText(r, 10).value_or("");
  if (t.error.empty()) t.error = OptionalText(r, 11).value_or("");
  t.command_key = r.get<std::string>(12);
  t.internal = db::RowInteger(r, 13) != 0;
  t.attempt = static_cast<int>(db::RowInteger(r, 14));
  if (auto by = OptionalText(r, 15)) t.created_by = AccountId{*by};
  t.created_by_login = r.get<std::string>(16);
  t.created_at = FromUnixMillis(db::RowInteger(r, 17));
  t.started_at = db::RowTime(r, 18);
  t.finished_at = db::RowTime(r, 19);
  t.expires_at = FromUnixMillis(db::RowInteger(r, 20));
  t.wakeup = OptionalText(r, 21).value_or("");
  t.wakeup_at = db::RowTime(r, 22);
  t.retry_at = db::RowTime(r, 23);
  return t;
}

std::optional<Task> LoadTask(db::Lease& lease, const TaskId& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kTaskColumns + " FROM tasks t WHERE t.id = :id",
       soci::use(id.value()));
  for (const auto& r : rows) return ReadTask(r);
  return std::nullopt;
}

void InsertTask(db::Lease& lease, const Task& t, long long seq) {
  const std::string type_name(ToString(t.type())), request = StoreTaskRequest(t.request);
  const std::optional<std::string> job = t.job_id ? std::optional(t.job_id->value()) : std::nullopt;
  const std::optional<std::string> created_by =
      t.created_by ? std::optional(t.created_by->value()) : std::nullopt;
  const int internal = t.internal ? 1 : 0;
  const long long created = ToUnixMillis(t.created_at), expires = ToUnixMillis(t.expires_at);
  lease.sql()
      << "INSERT INTO tasks (id, company_id, device_id, job_id, seq, type, request, state, command_key, "
         "internal, attempt, created_by, created_by_login, created_at, expires_at) VALUES (:id, :c, :d, "
         ":j, :s, :ty, :rq, 'queued', :ck, :in, :at, :cb, :cl, :ca, :ex)",
      soci::use(t.id.value()), soci::use(t.company_id.value()), soci::use(t.device_id.value()),
      soci::use(job), soci::use(seq), soci::use(type_name), soci::use(request), soci::use(t.command_key),
      soci::use(internal), soci::use(t.attempt), soci::use(created_by), soci::use(t.created_by_login),
      soci::use(created), soci::use(expires);
}

long long NextTaskSeq(db::Lease& lease, const DeviceId& device) {
  long long seq = 0;
  lease.sql() << "SELECT COALESCE(MAX(seq), 0) FROM tasks WHERE device_id = :d", soci::use(device.value()),
      soci::into(seq);
  return seq + 1;
}

}  // namespace kanri::devices::detail
