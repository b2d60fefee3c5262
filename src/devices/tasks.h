// Tasks and jobs (DEV-3): what operators ask of a device — read or change parameters, add or
// delete objects, reboot, factory reset, firmware download — stored until the device's next
// CWMP session, where the engine runs queued tasks in `seq` order and records their result.
// A job is one request for every device of a group: one task per device, created together.
//
//   TaskRepository tasks{db, clock};
//   auto t = tasks.Create(company, device, TaskType::kGetParameterValues,
//                         R"({"names":["Device.DeviceInfo."]})", {account.id, account.login});
//   tasks.Cancel(company, t->id);                            // only while queued
//   auto job = tasks.CreateForGroup(company, group, TaskType::kReboot, "{}", actor);
//
// This repository creates, lists and cancels; the task flow (devices/task_flow.h) moves tasks
// through running → done / failed in the device's CWMP sessions. Every function takes the
// CompanyId it acts in (SEC-8).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/page.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

struct TaskSettings {
  // A task still queued or running this long after its creation fails with error "timeout".
  std::chrono::milliseconds expiry{std::chrono::hours{24 * 7}};
  // Most tasks one request may name (names of getParameterValues, values of setParameterValues).
  std::size_t max_request_entries = 256;
  // Most devices one job may create tasks for (one transaction).
  std::size_t max_job_devices = 50'000;
};

// Who asked for a task: an account, or Kanri itself (internal tasks have no account).
struct TaskActor {
  std::optional<AccountId> id;
  std::string login;
};

// A task's CommandKey (echoed by the device in "M Reboot", TransferComplete, ParameterKey).
std::string NewCommandKey();

// One device's part of a job, for its progress page.
struct JobDeviceTask {
  TaskId task_id;
  DeviceId device_id;
  std::string serial_number;  // "" when the device was deleted since
  TaskState state = TaskState::kQueued;
  std::optional<int> fault_code;
  std::string error;
  std::optional<Timestamp> finished_at;
  std::string wakeup;  // as Task::wakeup
  int attempt = 1;     // as Task::attempt (DEV-8)
  std::optional<Timestamp> retry_at;
};

// Which failed tasks a list or a bulk retry takes (DEV-8).
struct FailedTaskFilter {
  // "9002" for a CPE fault, else the error ("timeout", "interrupted", ...), as FaultKey says.
  std::optional<std::string> fault;
  // Only each device's latest ended task, when it failed (the faults page): a device whose
  // failure was followed by a success is not listed.
  bool latest_only = false;
};

// How a failed task is grouped on the faults page: its CPE fault code, else its error.
std::string FaultKey(const Task& task);

// One row of the faults page: the devices whose latest ended task failed this way.
struct FaultGroup {
  std::string fault;  // FaultKey
  std::optional<int> fault_code;
  std::string error;
  std::size_t devices = 0;
  Timestamp last_at;
};

// A failed task with the device's identity as it is now ("" when the device was deleted since).
struct FailedTask {
  Task task;
  std::string serial_number;
  std::string model;
  std::string product_class;
};

class TaskRepository {
 public:
  TaskRepository(db::Database& db, const Clock& clock, TaskSettings settings = {})
      : db_(db), clock_(clock), settings_(settings) {}

  // Queues a task for the device: validates the request (ParseTaskRequest in
  // devices/task_request.h; a download's file_id must be a firmware file of the same company;
  // an operator's values must fit the type and writability the device reported,
  // devices/parameter_value.h), gives it the
  // next `seq` of the device, a fresh command key and expires_at = now + expiry.
  Result<Task> Create(const CompanyId& company, const DeviceId& device, TaskType type,
                      std::string_view request_json, const TaskActor& actor);
  // The device's tasks, newest first. NotFound when the company has no such device.
  Result<Page<Task>> ListForDevice(const CompanyId& company, const DeviceId& device, const PageRequest& page);
  Result<Task> Get(const CompanyId& company, const TaskId& id);
  // queued → cancelled; Conflict when the task is past queued.
  Result<Task> Cancel(const CompanyId& company, const TaskId& id);

  // One task per device of the group (its static members, or what its saved filter selects
  // now), with the job, in one transaction. Conflict when the group has no device or more
  // than max_job_devices.
  Result<Job> CreateForGroup(const CompanyId& company, const GroupId& group, TaskType type,
                             std::string_view request_json, const TaskActor& actor);
  // The same for the devices `filter` selects now (the device list's "select all N matching"):
  // evaluated once, at creation, within the company; the job has no group. The filter's
  // group_id, when set, must be one of the company's groups (InvalidArgument "group_id"). With
  // `expected_count` (the N the operator saw), a filter that selects another number now is
  // refused (Conflict "selection_changed") and nothing is queued. The job keeps the filter.
  Result<Job> CreateForFilter(const CompanyId& company, const DeviceFilter& filter, TaskType type,
                              std::string_view request_json, const TaskActor& actor,
                              std::optional<std::size_t> expected_count = std::nullopt);
  // The job with its progress: task counts by state (total is the number of tasks created).
  Result<Job> GetJob(const CompanyId& company, const JobId& id);
  // The job's tasks, one per device, in a stable order (by task id).
  // The devices of a job's tasks (DEV-4: a group task with "now" asks each to connect).
  std::vector<DeviceId> JobDeviceIds(const CompanyId& company, const JobId& id);
  Result<Page<JobDeviceTask>> JobTasks(const CompanyId& company, const JobId& id, const PageRequest& page);
  // The company's failed tasks, latest failure first, with their devices (the dashboard, the
  // faults page). InvalidArgument for a fault key that is not one (FaultKey's forms).
  Result<Page<FailedTask>> ListFailed(const CompanyId& company, const PageRequest& page,
                                      const FailedTaskFilter& filter = {});
  // DEV-8: the devices whose latest ended task failed, by fault, most devices first.
  std::vector<FaultGroup> Faults(const CompanyId& company);
  // DEV-8: failed → queued again, as a new attempt 1 at the end of the device's queue, with a
  // fresh command key and expiry; the request is checked again (the firmware file may be gone,
  // the device may report another type now). Conflict "task_not_retryable" unless failed.
  Result<Task> Retry(const CompanyId& company, const TaskId& id);
  // The same for many, in one transaction: every task must be a failed task of the company
  // (NotFound / Conflict name the first that is not); at most max_job_devices.
  Result<std::vector<Task>> RetryAll(const CompanyId& company, const std::vector<TaskId>& ids);
  // DEV-8: the automatic retries now due of tasks whose device was reached when they were
  // created ("run now"), at most `limit`, each returned once, of every company: the caller asks
  // those devices to connect again.
  std::vector<Task> TakeDueRetryWakes(std::size_t limit);
  // The company's jobs with their progress, newest first (issue 18: the job list).
  Page<Job> ListJobs(const CompanyId& company, const PageRequest& page);
  // Cancels the job's tasks still queued (running ones finish); the job with its progress.
  Result<Job> CancelJob(const CompanyId& company, const JobId& id);
  // Records what asking the device to connect gave for a task, or for the device's task of a job.
  void RecordWakeup(const CompanyId& company, const TaskId& task, std::string_view outcome);
  void RecordWakeup(const CompanyId& company, const JobId& job, const DeviceId& device,
                    std::string_view outcome);

 private:
  // A job's request checked (values on one device per model and software version, as
  // devices/parameter_value.h says), and its tasks, inside the caller's transaction.
  Result<Job> CreateJob(db::Lease& lease, const CompanyId& company, const DeviceFilter& filter,
                        const std::optional<GroupId>& group, TaskType type, std::string_view request_json,
                        const TaskActor& actor, std::optional<std::size_t> expected_count = std::nullopt);
  Result<Task> RetryIn(db::Lease& lease, const CompanyId& company, const TaskId& id);

  db::Database& db_;
  const Clock& clock_;
  TaskSettings settings_;
};

}  // namespace kanri::devices
