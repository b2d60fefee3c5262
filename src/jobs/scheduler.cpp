#include "jobs/scheduler.h"

#include <boost/json.hpp>

#include "base/log.h"
#include "base/metrics.h"

namespace kanri::jobs {

namespace json = boost::json;

namespace {
constexpr Millis kJst = std::chrono::hours{9};
constexpr Millis kDay = std::chrono::days{1};
}  // namespace

Schedule Schedule::Every(Millis interval) {
  Schedule s;
  s.interval_ = std::max(interval, Millis{1000});
  return s;
}

Schedule Schedule::DailyJst(int hour, int minute) {
  Schedule s;
  s.daily_ = true;
  s.time_of_day_ = std::chrono::hours{hour} + std::chrono::minutes{minute};
  return s;
}

Timestamp Schedule::NextAfter(Timestamp last) const {
  if (!daily_) return last + interval_;
  // The first JST day start + time_of_day strictly after `last`.
  const auto local = last + kJst;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  Timestamp candidate = Timestamp{day.time_since_epoch()} + time_of_day_ - kJst;
  if (candidate <= last) candidate += kDay;
  return candidate;
}

std::string Schedule::Describe() const {
  using namespace std::chrono;
  if (daily_) {
    char buf[32];
    const auto m = duration_cast<minutes>(time_of_day_).count();
    std::snprintf(buf, sizeof buf, "daily %02lld:%02lld JST", static_cast<long long>(m / 60),
                  static_cast<long long>(m % 60));
    return buf;
  }
  const auto s = duration_cast<seconds>(interval_).count();
  if (s % 3600 == 0) return "every " + std::to_string(s / 3600) + " h";
  if (s % 60 == 0) return "every " + std::to_string(s / 60) + " min";
  return "every " + std::to_string(s) + " s";
}

std::string CountsJson(const Counts& counts) {
  json::object o;
  for (const auto& [k, v] : counts) o[k] = v;
  return json::serialize(o);
}

Counts ParseCountsJson(std::string_view text) {
  Counts out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, x] : v.as_object())
    if (x.is_int64()) out.emplace_back(std::string(k), x.as_int64());
  return out;
}

Scheduler::Scheduler(db::Database& db, const Clock& clock, audit::OperationHistory& history,
                     std::vector<Job> jobs, std::string owner)
    : db_(db), clock_(clock), history_(history), jobs_(std::move(jobs)), owner_(std::move(owner)) {
  // One state row per job, so that the lease's conditional UPDATE has a row to take, with the
  // time the job was first known (Schedule::FirstDue).
  const long long now = ToUnixMillis(clock_.Now());
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  for (const auto& job : jobs_) {
    int n = 0;
    lease.sql() << "SELECT COUNT(*) FROM job_state WHERE name = :n", soci::use(job.name), soci::into(n);
    if (!n)
      lease.sql() << "INSERT INTO job_state (name, registered_at) VALUES (:n, :t)", soci::use(job.name),
          soci::use(now);
  }
  lease.sql() << "UPDATE job_state SET registered_at = :t WHERE registered_at IS NULL", soci::use(now);
  tx.Commit();
}

namespace {

struct StateRow {
  Timestamp registered_at;
  std::optional<Timestamp> lease_until;
  std::optional<Timestamp> last_started_at;
  std::optional<Timestamp> last_finished_at;
  std::string last_outcome;
  std::string last_report;
  std::string last_error;
};

std::string OptionalText(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

StateRow ReadState(db::Database& db, const std::string& name) {
  auto lease = db.Acquire();
  StateRow s;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT lease_until, last_started_at, last_finished_at, last_outcome, last_report, "
              "last_error, registered_at FROM job_state WHERE name = :n",
       soci::use(name));
  for (const auto& r : rows) {
    s.lease_until = db::RowTime(r, 0);
    s.last_started_at = db::RowTime(r, 1);
    s.last_finished_at = db::RowTime(r, 2);
    s.last_outcome = OptionalText(r, 3);
    s.last_report = OptionalText(r, 4);
    s.last_error = OptionalText(r, 5);
    s.registered_at = db::RowTime(r, 6).value_or(Timestamp{});
  }
  return s;
}

Timestamp NextDue(const Job& job, const StateRow& s) {
  return s.last_started_at ? job.schedule.NextAfter(*s.last_started_at)
                           : job.schedule.FirstDue(s.registered_at);
}

}  // namespace

RunOutcome Scheduler::Run(const Job& job, std::string_view trigger) {
  RunOutcome out;
  out.name = job.name;
  out.started_at = clock_.Now();
  const long long t = ToUnixMillis(out.started_at);
  const long long until = t + job.lease.count();
  {
    auto lease = db_.Acquire();
    soci::statement st =
        (lease.sql().prepare
             << "UPDATE job_state SET lease_until = :u, lease_owner = :o, last_started_at = :t "
                "WHERE name = :n AND (lease_until IS NULL OR lease_until < :now)",
         soci::use(until), soci::use(owner_), soci::use(t), soci::use(job.name), soci::use(t));
    st.execute(true);
    if (db::AffectedRows(st) != 1) {
      out.finished_at = out.started_at;
      return out;  // another process runs it now
    }
  }
  out.ran = true;
  try {
    out.counts = job.run(out.started_at);
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.finished_at = clock_.Now();
  const long long f = ToUnixMillis(out.finished_at);
  const std::string outcome = out.ok ? "succeeded" : "failed";
  static auto& runs = metrics::Default().Counter("kanri_job_runs_total",
                                                 "Periodic job runs by job and outcome", {"job", "outcome"});
  runs.With({job.name, outcome}).Inc();
  const std::string report = CountsJson(out.counts);
  try {
    auto lease = db_.Acquire();
    lease.sql() << "UPDATE job_state SET lease_until = NULL, lease_owner = NULL, last_finished_at = :f, "
                   "last_outcome = :o, last_report = :r, last_error = :e WHERE name = :n",
        soci::use(f), soci::use(outcome), soci::use(report), soci::use(out.error), soci::use(job.name);
  } catch (const std::exception& e) {
    LogError("recording a job's outcome failed", {{"job", job.name}, {"error", e.what()}});
  }

  const bool did_something =
      std::any_of(out.counts.begin(), out.counts.end(), [](const auto& c) { return c.second; });
  if (!out.ok) LogError("job failed", {{"job", job.name}, {"error", out.error}});
  if (job.schedule.MoreOftenThanHourly() && out.ok && !did_something && trigger == "schedule") return out;
  audit::OperationRecord record;
  record.time = out.finished_at;
  record.actor_login = "system";
  record.action = "job.run";
  record.target_type = "job";
  record.target_id = job.name;
  record.outcome = out.ok ? audit::Outcome::kSuccess : audit::Outcome::kFailed;
  record.error_code = out.ok ? "" : "job_failed";
  json::object details{{"trigger", trigger}, {"counts", json::parse(report)}, {"duration_ms", f - t}};
  if (!out.ok) details["error"] = audit::ClipClientText(out.error, audit::kMaxRecordedPathBytes);
  record.details = json::serialize(details);
  try {
    history_.Append(record);
  } catch (const std::exception& e) {
    LogError("recording a job run in the history failed", {{"job", job.name}, {"error", e.what()}});
  }
  return out;
}

std::vector<RunOutcome> Scheduler::RunDue() {
  std::vector<RunOutcome> runs;
  for (const auto& job : jobs_) {
    const auto now = clock_.Now();
    const StateRow s = ReadState(db_, job.name);
    if (s.lease_until && *s.lease_until >= now) continue;
    if (NextDue(job, s) > now) continue;
    auto out = Run(job, "schedule");
    if (out.ran) runs.push_back(std::move(out));
  }
  return runs;
}

Result<RunOutcome> Scheduler::RunNow(std::string_view name, std::string_view trigger) {
  for (const auto& job : jobs_)
    if (job.name == name) return Run(job, trigger);
  return NotFound("no such job");
}

std::vector<JobStatus> Scheduler::List() {
  std::vector<JobStatus> out;
  const auto now = clock_.Now();
  for (const auto& job : jobs_) {
    const StateRow s = ReadState(db_, job.name);
    JobStatus st;
    st.name = job.name;
    st.description = job.description;
    st.schedule = job.schedule.Describe();
    st.last_started_at = s.last_started_at;
    st.last_finished_at = s.last_finished_at;
    st.last_outcome = s.last_outcome;
    st.last_counts = ParseCountsJson(s.last_report);
    st.last_error = s.last_error;
    st.running = s.lease_until && *s.lease_until >= now;
    st.next_due_at = NextDue(job, s);
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace kanri::jobs
