// How a device's tasks move through its CWMP sessions (DEV-3), for the session engine in cwmp/:
// queued → running (its RPC sent) → done / failed, in `seq` order, one at a time.
//
//   TaskFlow flow{db, clock, secrets, {}};
//   while (auto task = flow.StartNext(device)) {     // send its RPC (cwmp/task_rpc.h) ...
//     flow.Finish(task->id, outcome);                // ... and end it with the CPE's answer
//   }
//
// Tolerant of the CPEs that exist:
//   - A reboot is done when the device comes back with "M Reboot" (whatever its CommandKey,
//     some send none) or "1 BOOT" alone; a factory reset with "0 BOOTSTRAP" or "1 BOOT"; a
//     download with TransferComplete of its CommandKey, or of an empty one when exactly one
//     download of the device is running.
//   - A task whose RPC was sent but never answered (the session ended mid-RPC: the CPE
//     crashed, rebooted or dropped the connection) fails as "interrupted" when the device
//     next informs, or "timeout" when its session times out; Kanri's own reads (the full read
//     after onboarding) are then queued again, at most max_attempts times in all.
//   - The full read after onboarding asks GetParameterNames for the whole tree, then the values
//     by explicit name in batches of read_batch, never one partial path over the whole tree
//     (which some CPEs cannot answer).
//
// Every function is one short transaction and blocks: call it from the database pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/desired_config.h"
#include "devices/model.h"
#include "devices/remote_login.h"
#include "devices/secrets.h"

namespace kanri::devices {

struct TaskFlowSettings {
  // How long a reboot / factory reset may take before its task fails (timeout).
  Millis reboot_timeout = std::chrono::minutes{10};
  // How long a download (fetch, install, reboot, TransferComplete) may take.
  Millis download_timeout = std::chrono::hours{1};
  // Parameter names per GetParameterValues of the full read after onboarding.
  std::size_t read_batch = 100;
  // How many times in all Kanri runs one of its own reads that devices keep interrupting.
  int max_attempts = 3;
  // How long Kanri's own tasks may wait for the device.
  Millis internal_expiry = std::chrono::hours{24 * 7};
  // DEV-8: how many more times a task that failed for a passing reason is tried
  // (`--task-retries`), and the wait before the first retry; each next one waits 4 times longer.
  int retries = 3;
  Millis retry_delay = std::chrono::minutes{1};
};

// How a running task ended.
struct TaskOutcome {
  TaskState state = TaskState::kDone;  // kDone or kFailed
  std::optional<std::string> result;   // JSON
  std::optional<int> fault_code;
  std::string fault_string;
  std::string error;  // "timeout", "interrupted", ... when not a CPE fault
};

struct InformEvent {
  std::string code;  // "1 BOOT", "M Reboot"
  std::string command_key;
};
bool HasEvent(const std::vector<InformEvent>& events, std::string_view code);

// DEV-8: whether a failed attempt is worth another, and after how long (nullopt: it is not).
// Worth another:
//   - a CPE fault that says "not now": 9002 internal error, 9004 resources exceeded, and for a
//     download 9010, 9015 and 9017 (the transfer could not be completed);
//   - a session that broke before the device answered ("interrupted", "timeout") for a task
//     that is safe to send twice: reads and sets. Never a reboot, factory reset, download or
//     object added or deleted, which the device may have carried out before the line dropped.
// Not: every other fault (9003 invalid arguments, 9005 invalid name, 9007 invalid value, ...),
// the task's own expiry, a task that cannot run. Kanri's own reads cut short by a broken session
// keep their own re-queueing (TaskFlow::Interrupt). At most settings.retries retries: attempts
// 1 to retries + 1.
std::optional<Millis> RetryDelay(const Task& task, const TaskOutcome& outcome,
                                 const TaskFlowSettings& settings);

class TaskFlow {
 public:
  TaskFlow(db::Database& db, const Clock& clock, const DeviceSecrets& secrets, TaskFlowSettings settings = {})
      : db_(db), clock_(clock), secrets_(secrets), settings_(settings), desired_(db, clock) {}

  // The device's next queued task, now running; queued tasks past their expiry fail first. With
  // nothing queued, the device's desired state is compared first when it may have changed
  // (DEV-7, desired_config.h), which may queue a SetParameterValues.
  std::optional<Task> StartNext(const DeviceId& device);
  // Ends a running task. Returns the task as stored, or nullopt when it was not running. A
  // failure RetryDelay allows another attempt for goes back to queued (retry_at) instead.
  std::optional<Task> Finish(const TaskId& task, const TaskOutcome& outcome);
  // Ends a running task whose RPC got no answer (error "timeout", "interrupted" or
  // "invalid_response"); one of Kanri's own reads is queued again (below max_attempts).
  std::optional<Task> Interrupt(const TaskId& task, const std::string& message, const std::string& error);
  // A reboot, factory reset or download the device accepted: it stays running until the
  // device reports back (Inform event or TransferComplete), at most `timeout` more.
  void AwaitDevice(const TaskId& task, Millis timeout);
  // The running download of `device` that this TransferComplete ends: the one with its
  // CommandKey, or with an empty CommandKey the only running one.
  std::optional<Task> FinishDownload(const DeviceId& device, const std::string& command_key,
                                     const TaskOutcome& outcome);
  // DEV-6: stores the hash of the per-task file URL token (the URL expires with the task).
  void SetDownloadToken(const TaskId& task, const std::string& token_hash);
  // A firmware file of the device's company, for a download task.
  std::optional<FirmwareFile> FirmwareOf(const CompanyId& company, const FirmwareId& file);
  // The full read: Kanri's own GetParameterValues of `names` (parameters, not objects), in
  // batches, after `names_task` (a GetParameterNames with then_read_values).
  void QueueValueReads(const Task& names_task, const std::vector<std::string>& names);

  // What the session engine needs to build the credential change's RPC.
  struct Credentials {
    std::string data_model_root;                     // "Device." / "InternetGatewayDevice."
    std::optional<std::string> management_password;  // to set (rotate mode)
    std::string cr_username;
    std::string cr_password;
  };
  // The credentials the credential change sets (pending until confirmed).
  Result<Credentials> PendingCredentials(const DeviceId& device);
  // The device confirmed the credential change (SetParameterValues succeeded).
  void ConfirmCredentials(const DeviceId& device);
  // DEV-5: the user object and one-time password that a remote login's step 2 sets.
  Result<RemoteLoginSecret> PendingRemoteLogin(const std::string& remote_login);

  // Fails queued and running tasks past their expiry (timeout). Returns them.
  std::vector<Task> ExpireTasks();

  // Within admission's transaction (devices/admission.h):
  // The first-contact tasks: the credential change (a unique random management password for
  // rotate, unique connection-request credentials for every mode), then the full read (names,
  // then values by name); the profile's parameters and inform interval follow as the desired
  // state, once the device's names and types are known (DEV-7).
  void QueueProvisioning(db::Lease& lease, const DeviceId& device, const CompanyId& company,
                         const Profile& profile, DataModel model);
  // What the Inform's events settle: the reboots and factory resets the device is back from
  // (done), and tasks a session left running mid-RPC (interrupted). Returns them, as stored.
  std::vector<Task> SettleOnInform(db::Lease& lease, const DeviceId& device,
                                   const std::vector<InformEvent>& events);
  void ConfirmCredentialsOn(db::Lease& lease, const DeviceId& device);
  // Whether the device has a queued task: one indexed look-up, prepared once per connection.
  static bool AnyQueued(db::Lease& lease, const DeviceId& device);

  const TaskFlowSettings& settings() const { return settings_; }

 private:
  Task InternalTask(const CompanyId& company, const DeviceId& device, TaskRequest request) const;
  void Queue(db::Lease& lease, const Task& task);
  std::optional<Task> Interrupt(db::Lease& lease, const TaskId& task, const std::string& message,
                                const std::string& error);
  // The running task queued again for a retry (DEV-8), or nullopt when RetryDelay says no.
  std::optional<Task> RetryLater(db::Lease& lease, const TaskId& task, const TaskOutcome& outcome);

  db::Database& db_;
  const Clock& clock_;
  const DeviceSecrets& secrets_;
  TaskFlowSettings settings_;
  DesiredConfig desired_;  // DEV-7: compared once a session has nothing queued
};

}  // namespace kanri::devices
