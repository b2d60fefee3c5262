// The job scheduler: every periodic job of the service (retention, lifecycle, mail delivery,
// alarms, backups) is one `Job` with a schedule, run by `Scheduler::RunDue` from a timer of
// `kanri serve` on a thread of its own, or at once by `kanri jobs run NAME` and the provider's
// console.
//
// - One process at a time: a job runs only while its process holds the job's lease, a row of
//   `job_state` taken by a conditional UPDATE (lease_until in the past). Two processes on one
//   SQLite file, or several nodes on one PostgreSQL database, never run one job at once; a
//   process that died mid-run releases it when the lease expires.
// - Catch-up: a job is due when the first scheduled time after its last start has passed, so
//   a job missed while the server was down runs once at start (not once per missed period). A
//   job that never ran counts from when this database first knew it: a daily job waits for its
//   time (an upgrade's restart, when the fleet reconnects, does not also back up and sweep the
//   database), a frequent one is due at once.
// - History (SEC-6): each run leaves a record in the provider's chain ("job.run", with its
//   counts or its error). Jobs that run more often than hourly (mail delivery, the alarm scan)
//   leave one only when they did something or failed, so that idle minutes do not fill it.
//
//   Scheduler scheduler{db, clock, history, {Job{"session-purge", "…", Schedule::Every(1h), purge}}};
//   scheduler.RunDue();                     // from a timer
//   scheduler.RunNow("session-purge", "manual");
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/operation_history.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::jobs {

class Schedule {
 public:
  static Schedule Every(Millis interval);
  // Once a day at this JST time.
  static Schedule DailyJst(int hour, int minute);
  // The first time the job is due after a run that started at `last`.
  Timestamp NextAfter(Timestamp last) const;
  // When a job that never ran is first due, counted from when it was registered.
  Timestamp FirstDue(Timestamp registered) const { return daily_ ? NextAfter(registered) : registered; }
  // "every 10 s", "every 1 h", "daily 03:00 JST".
  std::string Describe() const;
  bool MoreOftenThanHourly() const { return !daily_ && interval_ < std::chrono::hours{1}; }

 private:
  bool daily_ = false;
  Millis interval_{0};     // Every
  Millis time_of_day_{0};  // DailyJst: JST minutes after midnight
};

// What a run did, as named counts ("reminded": 3).
using Counts = std::vector<std::pair<std::string, std::int64_t>>;

struct Job {
  std::string name;
  std::string description;
  Schedule schedule;
  // Does the work at `now`; throws on failure (the run is recorded as failed and retried at
  // its next scheduled time).
  std::function<Counts(Timestamp now)> run;
  // How long a run may take before another process may assume it died.
  Millis lease = std::chrono::minutes{30};
};

struct JobStatus {
  std::string name;
  std::string description;
  std::string schedule;
  std::optional<Timestamp> last_started_at;
  std::optional<Timestamp> last_finished_at;
  std::string last_outcome;  // "succeeded" | "failed" | "" (never ran)
  Counts last_counts;
  std::string last_error;
  Timestamp next_due_at;
  bool running = false;  // a process holds the lease now
};

struct RunOutcome {
  std::string name;
  bool ran = false;  // false: another process holds the job now
  bool ok = false;
  Counts counts;
  std::string error;
  Timestamp started_at;
  Timestamp finished_at;
};

class Scheduler {
 public:
  // `owner` names this process in the lease (host and pid), for the operator's eyes.
  Scheduler(db::Database& db, const Clock& clock, audit::OperationHistory& history, std::vector<Job> jobs,
            std::string owner);

  // Runs every job due now, in the order given; returns the runs.
  std::vector<RunOutcome> RunDue();
  // Runs one job now whatever its schedule. NotFound for an unknown name. `trigger` goes into
  // the history record ("manual", "console by <login>").
  Result<RunOutcome> RunNow(std::string_view name, std::string_view trigger);
  std::vector<JobStatus> List();
  const std::vector<Job>& jobs() const { return jobs_; }

 private:
  RunOutcome Run(const Job& job, std::string_view trigger);
  db::Database& db_;
  const Clock& clock_;
  audit::OperationHistory& history_;
  std::vector<Job> jobs_;
  std::string owner_;
};

// The counts as a JSON object text ({"reminded":3}).
std::string CountsJson(const Counts& counts);
Counts ParseCountsJson(std::string_view text);

}  // namespace kanri::jobs
