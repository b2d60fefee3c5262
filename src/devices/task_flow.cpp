#include "devices/task_flow.h"

#include <algorithm>
#include <limits>

#include "base/crypto.h"
#include "devices/campaigns.h"
#include "devices/device_query.h"
#include "devices/events.h"
#include "devices/firmware.h"
#include "devices/parameter_store.h"
#include "devices/task_rows.h"
#include "devices/tasks.h"

namespace kanri::devices {
namespace {

using detail::kTaskColumns;
using detail::LoadTask;
using detail::ReadTask;

constexpr const char* kFinish =
    "UPDATE tasks SET state = :s, result = :r, fault_code = :fc, fault_string = :fs, error = :e, finished_at "
    "= :t "
    "WHERE id = :id AND state = 'running'";
constexpr const char* kRunningOfType =
    "SELECT id FROM tasks WHERE device_id = :d AND type = :t AND state = 'running' ORDER BY seq";

long long Ms(Timestamp t) {
  return ToUnixMillis(t);
}

// Kanri's own reads: what an interrupted session may have cut short is asked again.
bool IsRetriedRead(const Task& task) {
  return task.internal &&
         (task.type() == TaskType::kGetParameterNames || task.type() == TaskType::kGetParameterValues);
}

std::vector<std::string> Ids(soci::rowset<std::string>&& rows) {
  std::vector<std::string> ids;
  for (const auto& id : rows) ids.push_back(id);
  return ids;
}

}  // namespace

bool HasEvent(const std::vector<InformEvent>& events, std::string_view code) {
  return std::any_of(events.begin(), events.end(), [&](const InformEvent& e) { return e.code == code; });
}

std::optional<Millis> RetryDelay(const Task& task, const TaskOutcome& outcome,
                                 const TaskFlowSettings& settings) {
  if (outcome.state != TaskState::kFailed || task.attempt > settings.retries) return std::nullopt;
  const TaskType type = task.type();
  bool transient = false;
  if (outcome.fault_code) {
    const int f = *outcome.fault_code;
    transient =
        f == 9002 || f == 9004 || (type == TaskType::kDownload && (f == 9010 || f == 9015 || f == 9017));
  } else if (outcome.error == "interrupted" || outcome.error == "timeout") {
    // Kanri's own reads are queued again by Interrupt, without waiting.
    transient = !IsRetriedRead(task) &&
                (type == TaskType::kGetParameterValues || type == TaskType::kGetParameterNames ||
                 type == TaskType::kSetParameterValues);
  }
  if (!transient) return std::nullopt;
  Millis delay = settings.retry_delay;
  for (int i = 1; i < task.attempt; ++i) delay *= 4;
  return delay;
}

Task TaskFlow::InternalTask(const CompanyId& company, const DeviceId& device, TaskRequest request) const {
  Task t;
  t.id = TaskId::Generate();
  t.company_id = company;
  t.device_id = device;
  t.request = std::move(request);
  t.command_key = NewCommandKey();
  t.internal = true;
  t.created_by_login = "kanri";
  t.created_at = clock_.Now();
  t.expires_at = t.created_at + settings_.internal_expiry;
  return t;
}

void TaskFlow::Queue(db::Lease& lease, const Task& task) {
  detail::InsertTask(lease, task, detail::NextTaskSeq(lease, task.device_id));
}

bool TaskFlow::AnyQueued(db::Lease& lease, const DeviceId& device) {
  struct Query : db::CachedStatement {
    std::string device;
    int found = 0;
    soci::statement statement;
    explicit Query(soci::session& sql)
        : statement((sql.prepare << "SELECT COUNT(*) FROM tasks WHERE device_id = :d AND state = 'queued'",
                     soci::use(device), soci::into(found))) {}
  };
  auto& q = lease.Cached<Query>("task_flow.any_queued",
                                [](soci::session& sql) { return std::make_unique<Query>(sql); });
  q.device = device.value();
  q.found = 0;
  q.statement.execute(true);
  db::FinishRead(lease.backend(), q.statement);
  return q.found > 0;
}

std::optional<Task> TaskFlow::StartNext(const DeviceId& device) {
  auto lease = db_.Acquire();
  const Timestamp now = clock_.Now();
  const long long t = Ms(now);
  // Cheap check first: most periodic sessions find nothing queued and nothing to compare.
  if (!AnyQueued(lease, device) && !DesiredConfig::Dirty(lease, device)) return std::nullopt;
  db::WriteTransaction tx(lease);
  bool compared = false;
  long long after_seq = std::numeric_limits<long long>::min();  // past the tasks held back
  for (int guard = 0; guard < 1000; ++guard) {
    soci::row r;
    // A task waiting for its retry (DEV-8) lets the ones behind it run meanwhile.
    lease.sql() << std::string("SELECT ") + kTaskColumns +
                       ", t.campaign_id FROM tasks t WHERE t.device_id = :d AND t.state = 'queued' AND "
                       "(t.retry_at IS "
                       "NULL OR t.retry_at <= :now) AND t.seq > :after ORDER BY t.seq LIMIT 1",
        soci::use(device.value()), soci::use(t), soci::use(after_seq), soci::into(r);
    if (!lease.sql().got_data()) {
      // DEV-7: nothing (more) to run: what differs from the desired state goes now, once.
      if (compared || !DesiredConfig::Dirty(lease, device)) break;
      compared = true;
      desired_.Reconcile(
          lease, device,
          [&](const CompanyId& company, std::vector<std::pair<std::string, std::string>> values) {
            Task set = InternalTask(
                company, device, task::SetParameterValues{std::move(values), task::SetPurpose::kProfile, ""});
            Queue(lease, set);
            return set.id;
          });
      continue;
    }
    Task task = ReadTask(r);
    const std::string id = task.id.value();
    if (task.state == TaskState::kFailed || task.expires_at <= now) {
      // Past its expiry, or stored by a Kanri that wrote what this one cannot read.
      const std::string error = task.state == TaskState::kFailed ? task.error : "timeout";
      lease.sql() << "UPDATE tasks SET state = 'failed', error = :e, finished_at = :t WHERE id = :id",
          soci::use(error), soci::use(t), soci::use(id);
      task.state = TaskState::kFailed;
      task.error = error;
      task.finished_at = now;
      TaskEnded(lease, now, task);
      continue;
    }
    // DEV-6: a campaign's download starts only while its campaign lets it (window, concurrency,
    // not paused); held back, it stays queued and the tasks behind it run.
    if (r.get_indicator(detail::kTaskColumnCount) == soci::i_ok) {
      const CampaignId campaign{r.get<std::string>(detail::kTaskColumnCount)};
      const auto admission = CampaignRepository::Admit(lease, task, campaign, now);
      if (admission == CampaignRepository::Admission::kHold) after_seq = db::RowInteger(r, 4);
      if (admission != CampaignRepository::Admission::kStart) continue;
    }
    lease.sql()
        << "UPDATE tasks SET state = 'running', started_at = :t, awaiting_device = 0, retry_at = NULL, "
           "retry_wake = 0 WHERE id = :id",
        soci::use(t), soci::use(id);
    tx.Commit();
    task.state = TaskState::kRunning;
    task.started_at = now;
    return task;
  }
  tx.Commit();
  return std::nullopt;
}

std::optional<Task> TaskFlow::Finish(const TaskId& task, const TaskOutcome& outcome) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (auto again = RetryLater(lease, task, outcome)) {
    tx.Commit();
    return again;
  }
  const Timestamp now = clock_.Now();
  const long long t = Ms(now);
  const std::string state(ToString(outcome.state));
  std::optional<std::string> fault_string;
  if (outcome.fault_code || !outcome.fault_string.empty()) fault_string = outcome.fault_string;
  std::optional<std::string> error;
  if (!outcome.error.empty()) error = outcome.error;
  soci::statement st = (lease.sql().prepare << kFinish, soci::use(state), soci::use(outcome.result),
                        soci::use(outcome.fault_code), soci::use(fault_string), soci::use(error),
                        soci::use(t), soci::use(task.value()));
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  auto stored = LoadTask(lease, task);
  if (stored) TaskEnded(lease, now, *stored);
  tx.Commit();
  return stored;
}

std::optional<Task> TaskFlow::Interrupt(const TaskId& task, const std::string& message,
                                        const std::string& error) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto failed = Interrupt(lease, task, message, error);
  tx.Commit();
  return failed;
}

std::optional<Task> TaskFlow::RetryLater(db::Lease& lease, const TaskId& task, const TaskOutcome& outcome) {
  if (outcome.state != TaskState::kFailed) return std::nullopt;
  auto running = LoadTask(lease, task);
  if (!running || running->state != TaskState::kRunning) return std::nullopt;
  const auto delay = RetryDelay(*running, outcome, settings_);
  if (!delay) return std::nullopt;
  const long long at = Ms(clock_.Now() + *delay);
  std::optional<std::string> fault_string;
  if (outcome.fault_code || !outcome.fault_string.empty()) fault_string = outcome.fault_string;
  std::optional<std::string> error;
  if (!outcome.error.empty()) error = outcome.error;
  soci::statement st =
      (lease.sql().prepare
           << "UPDATE tasks SET state = 'queued', attempt = attempt + 1, retry_at = :r, "
              "fault_code = :fc, fault_string = :fs, error = :e, started_at = NULL, "
              "awaiting_device = 0, retry_wake = CASE WHEN wakeup = 'delivered' THEN 1 ELSE 0 "
              "END WHERE id = :id AND state = 'running'",
       soci::use(at), soci::use(outcome.fault_code), soci::use(fault_string), soci::use(error),
       soci::use(task.value()));
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  return LoadTask(lease, task);
}

std::optional<Task> TaskFlow::Interrupt(db::Lease& lease, const TaskId& task, const std::string& message,
                                        const std::string& error) {
  if (auto again = RetryLater(lease, task, {TaskState::kFailed, std::nullopt, std::nullopt, message, error}))
    return again;
  const long long t = Ms(clock_.Now());
  const std::string state = "failed";
  const std::optional<std::string> no_result;
  const std::optional<int> no_fault;
  const std::optional<std::string> text = message;
  const std::optional<std::string> code = error;
  soci::statement st =
      (lease.sql().prepare << kFinish, soci::use(state), soci::use(no_result), soci::use(no_fault),
       soci::use(text), soci::use(code), soci::use(t), soci::use(task.value()));
  st.execute(true);
  if (st.get_affected_rows() == 0) return std::nullopt;
  auto stored = LoadTask(lease, task);
  if (stored) TaskEnded(lease, clock_.Now(), *stored);
  if (stored && IsRetriedRead(*stored) && stored->attempt < settings_.max_attempts) {
    Task again = InternalTask(stored->company_id, stored->device_id, stored->request);
    again.attempt = stored->attempt + 1;
    Queue(lease, again);
  }
  return stored;
}

void TaskFlow::AwaitDevice(const TaskId& task, Millis timeout) {
  auto lease = db_.Acquire();
  const long long until = Ms(clock_.Now() + timeout);
  lease.sql() << "UPDATE tasks SET expires_at = :e, awaiting_device = 1 WHERE id = :id AND state = 'running'",
      soci::use(until), soci::use(task.value());
}

std::optional<Task> TaskFlow::FinishDownload(const DeviceId& device, const std::string& command_key,
                                             const TaskOutcome& outcome) {
  std::vector<std::string> ids;
  {
    auto lease = db_.Acquire();
    const std::string type = "download";
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT id, command_key FROM tasks WHERE device_id = :d AND type = :t AND "
                                "state = 'running'",
         soci::use(device.value()), soci::use(type));
    std::vector<std::string> running;
    for (const auto& r : rows) {
      running.push_back(r.get<std::string>(0));
      if (r.get<std::string>(1) == command_key) ids.push_back(r.get<std::string>(0));
    }
    // Some CPEs send TransferComplete without the CommandKey: it can only be the running one.
    if (command_key.empty() && ids.empty() && running.size() == 1) ids = running;
  }
  if (ids.size() != 1) return std::nullopt;
  return Finish(TaskId{ids.front()}, outcome);
}

void TaskFlow::SetDownloadToken(const TaskId& task, const std::string& token_hash) {
  auto lease = db_.Acquire();
  lease.sql() << "UPDATE tasks SET download_token_hash = :h WHERE id = :id", soci::use(token_hash),
      soci::use(task.value());
}

std::optional<FirmwareFile> TaskFlow::FirmwareOf(const CompanyId& company, const FirmwareId& file) {
  auto lease = db_.Acquire();
  return FirmwareRepository::Find(lease, company, file);
}

void TaskFlow::QueueValueReads(const Task& names_task, const std::vector<std::string>& names) {
  std::vector<std::string> parameters;
  for (const auto& n : names)
    if (!n.empty() && n.back() != '.') parameters.push_back(n);
  if (parameters.empty()) return;
  const std::size_t batch = std::max<std::size_t>(settings_.read_batch, 1);
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  for (std::size_t i = 0; i < parameters.size(); i += batch) {
    task::GetParameterValues read;
    read.names.assign(
        parameters.begin() + static_cast<std::ptrdiff_t>(i),
        parameters.begin() + static_cast<std::ptrdiff_t>(std::min(parameters.size(), i + batch)));
    Queue(lease, InternalTask(names_task.company_id, names_task.device_id, std::move(read)));
  }
  tx.Commit();
}

Result<TaskFlow::Credentials> TaskFlow::PendingCredentials(const DeviceId& device) {
  auto lease = db_.Acquire();
  soci::row r;
  lease.sql() << "SELECT data_model, pending_password_enc, cr_username, pending_cr_password_enc FROM devices "
                 "WHERE id = :id",
      soci::use(device.value()), soci::into(r);
  if (!lease.sql().got_data()) return NotFound("device");
  Credentials c;
  c.data_model_root = RootOf(r.get<std::string>(0) == "tr098" ? DataModel::kTr098 : DataModel::kTr181);
  if (r.get_indicator(1) != soci::i_null) {
    auto p = secrets_.Open(r.get<std::string>(1));
    if (!p) return p.error();
    c.management_password = *p;
  }
  c.cr_username = r.get<std::string>(2);
  if (r.get_indicator(3) == soci::i_null)
    return Conflict("no credential change is pending", "no_credential_change");
  auto cr = secrets_.Open(r.get<std::string>(3));
  if (!cr) return cr.error();
  c.cr_password = *cr;
  return c;
}

Result<RemoteLoginSecret> TaskFlow::PendingRemoteLogin(const std::string& remote_login) {
  auto lease = db_.Acquire();
  return PendingRemoteLoginSecret(lease, secrets_, remote_login);
}

void TaskFlow::ConfirmCredentials(const DeviceId& device) {
  auto lease = db_.Acquire();
  ConfirmCredentialsOn(lease, device);
}

void TaskFlow::ConfirmCredentialsOn(db::Lease& lease, const DeviceId& device) {
  lease.sql()
      << "UPDATE devices SET cwmp_password_enc = COALESCE(pending_password_enc, cwmp_password_enc), "
         "pending_password_enc = NULL, cr_password_enc = COALESCE(pending_cr_password_enc, cr_password_enc), "
         "pending_cr_password_enc = NULL, credential_state = CASE WHEN credential_state IN ('rotating', "
         "'bootstrap') THEN 'rotated' ELSE credential_state END WHERE id = :id",
      soci::use(device.value());
}

std::vector<Task> TaskFlow::ExpireTasks() {
  auto lease = db_.Acquire();
  const long long t = Ms(clock_.Now());
  const auto ids =
      Ids((lease.sql().prepare << "SELECT id FROM tasks WHERE state IN ('queued', 'running') AND "
                                  "expires_at <= :t",
           soci::use(t)));
  std::vector<Task> expired;
  for (const auto& id : ids) {
    db::WriteTransaction tx(lease);
    soci::statement st =
        (lease.sql().prepare << "UPDATE tasks SET state = 'failed', error = 'timeout', finished_at "
                                "= :t WHERE id = :id AND state IN ('queued', 'running')",
         soci::use(t), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) continue;
    if (auto task = LoadTask(lease, TaskId{id})) {
      TaskEnded(lease, clock_.Now(), *task);
      expired.push_back(std::move(*task));
    }
    tx.Commit();
  }
  return expired;
}

void TaskFlow::QueueProvisioning(db::Lease& lease, const DeviceId& device, const CompanyId& company,
                                 const Profile& profile, DataModel model) {
  const std::string root = RootOf(model);
  // 1. Credentials: a unique management password (rotate) and connection-request
  //    credentials, generated now and kept pending until the device confirms them.
  const bool rotate = profile.auth_mode == AuthMode::kRotate;
  const std::optional<std::string> pending =
      rotate ? std::optional(secrets_.Seal(RandomToken(18))) : std::optional<std::string>();
  const std::string pending_cr = secrets_.Seal(RandomToken(18));
  const std::string state(ToString(
      rotate ? CredentialState::kRotating
             : (profile.auth_mode == AuthMode::kNone ? CredentialState::kNone : CredentialState::kShared)));
  lease.sql()
      << "UPDATE devices SET pending_password_enc = :p, pending_cr_password_enc = :cr, credential_state = :s "
         "WHERE id = :id",
      soci::use(pending), soci::use(pending_cr), soci::use(state), soci::use(device.value());
  Queue(lease, InternalTask(company, device, task::SetParameterValues{{}, task::SetPurpose::kCredentials}));
  // 2. The full read: every name (with writability), then the values by name (QueueValueReads).
  //    The profile's parameters and inform interval follow as its desired state (DEV-7), once
  //    the names and types the device reported are known: StartNext compares them when nothing
  //    is left queued.
  Queue(lease, InternalTask(company, device, task::GetParameterNames{root, false, true}));
}

std::vector<Task> TaskFlow::SettleOnInform(db::Lease& lease, const DeviceId& device,
                                           const std::vector<InformEvent>& events) {
  std::vector<Task> settled;
  const Timestamp now = clock_.Now();
  const long long t = Ms(now);
  // A task still running with its RPC in flight: the session that sent it is over.
  for (const auto& id : Ids((lease.sql().prepare << "SELECT id FROM tasks WHERE device_id = :d AND state = "
                                                    "'running' AND awaiting_device = 0",
                             soci::use(device.value()))))
    if (auto task =
            Interrupt(lease, TaskId{id}, "The session ended before the device answered.", "interrupted"))
      settled.push_back(std::move(*task));
  // A reboot or factory reset Kanri asked for is done once the device is back.
  const bool boot = HasEvent(events, "1 BOOT");
  auto finish_awaited = [&](std::string type) {
    for (const auto& id :
         Ids((lease.sql().prepare << kRunningOfType, soci::use(device.value()), soci::use(type)))) {
      soci::statement st =
          (lease.sql().prepare
               << "UPDATE tasks SET state = 'done', result = '{}', finished_at = :t WHERE id = :id "
                  "AND state = 'running'",
           soci::use(t), soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() == 0) continue;
      if (auto task = LoadTask(lease, TaskId{id})) {
        TaskEnded(lease, now, *task);
        settled.push_back(std::move(*task));
      }
    }
  };
  if (boot || HasEvent(events, "M Reboot")) finish_awaited("reboot");
  if (boot || HasEvent(events, "0 BOOTSTRAP")) finish_awaited("factoryReset");
  return settled;
}

}  // namespace kanri::devices
