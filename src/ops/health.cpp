#include "ops/health.h"

#include <algorithm>

#include "base/ids.h"
#include "base/log.h"
#include "base/metrics.h"
#include "identity/accounts.h"
#include "mail/messages.h"
#include "ops/notices.h"

namespace kanri::ops {

namespace {

long long UnixMinute(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count();
}

// Adds `name` to a space-separated list of check names, once.
void AddName(std::string& list, const std::string& name) {
  if ((" " + list + " ").find(" " + name + " ") == std::string::npos)
    list += (list.empty() ? "" : " ") + name;
}

std::string FailingText(const std::vector<CheckResult>& failing) {
  std::string out;
  for (const auto& c : failing) {
    if (!out.empty()) out += "\n";
    out += "  " + c.name + ": " + c.detail;
  }
  return out;
}

std::string FailingNames(const std::vector<CheckResult>& failing) {
  std::string out;
  for (const auto& c : failing) out += (out.empty() ? "" : " ") + c.name;
  return out;
}

}  // namespace

// ---- alarms ----

void AlarmSink::RememberRecipients() {
  auto lease = db_.Acquire();
  std::vector<mail::Recipient> found;
  for (const auto& admin : identity::ActiveSiteAdministrators(lease))
    if (!admin.email.empty())
      found.push_back(
          {.address = admin.email, .language = admin.language, .company = {}, .account = admin.id});
  const std::lock_guard lock(mu_);
  known_ = std::move(found);
}

bool AlarmSink::Raise(const std::string& node, const std::vector<CheckResult>& failing, Timestamp since,
                      Timestamp now, bool recovered) {
  const mail::HealthAlarmFacts facts{
      .node = node, .failing = FailingText(failing), .since = since, .at = now, .recovered = recovered};
  try {
    RememberRecipients();
    std::vector<mail::Recipient> to;
    {
      const std::lock_guard lock(mu_);
      to = known_;
    }
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    for (const auto& r : to)
      (void)outbox_.Enqueue(lease, r, recovered ? "service.health_recovered" : "service.health_alarm",
                            mail::HealthAlarm(r.language, facts));
    tx.Commit();
    return !to.empty();
  } catch (const std::exception& e) {
    LogWarn("health alarm: the outbox is unavailable; mailing directly", {{"error", e.what()}});
  }
  // The database is what failed: straight over SMTP, to the addresses last read.
  std::vector<mail::Recipient> to;
  {
    const std::lock_guard lock(mu_);
    to = known_;
  }
  bool sent = false;
  for (const auto& r : to) {
    const auto result = smtp_.Send(r.address, "<" + GenerateOpaqueId() + "@" + mail_domain_ + ">",
                                   mail::HealthAlarm(r.language, facts), now);
    if (result.ok)
      sent = true;
    else
      LogWarn("health alarm to a site administrator not sent", {{"error", result.error}});
  }
  return sent;
}

bool AlarmSink::OpenIncident(const std::vector<CheckResult>& failing, Timestamp since, Timestamp now) {
  try {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    // One draft per failure, named after its first failing check (the database when it is one:
    // the others usually fail because of it).
    if (!failing.empty()) (void)Incidents::OpenDraftForCheck(lease, failing.front().name, since, now);
    tx.Commit();
    return true;
  } catch (const std::exception& e) {
    LogWarn("health monitor: the draft incident waits for the database", {{"error", e.what()}});
    return false;
  }
}

// ---- the monitor ----

HealthMonitor::HealthMonitor(db::Database& db, const Clock& clock, std::string node,
                             std::vector<HealthCheck> checks, AlarmSink& alarms, MonitorSettings settings)
    : db_(db),
      clock_(clock),
      node_(std::move(node)),
      checks_(std::move(checks)),
      alarms_(alarms),
      settings_(settings) {}

HealthMonitor::~HealthMonitor() {
  Stop();
}

void HealthMonitor::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        RunOnce();
      } catch (const std::exception& e) {
        LogError("health monitor round failed", {{"error", e.what()}});
      }
      lock.lock();
      wake_.wait_for(lock, settings_.interval, [this] { return stopping_; });
    }
  });
}

void HealthMonitor::Stop() {
  {
    const std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool HealthMonitor::StoreSamples() {
  std::map<long long, std::pair<bool, std::string>> pending;
  {
    const std::lock_guard lock(mu_);
    pending = pending_;
  }
  try {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    for (const auto& [minute, sample] : pending) {
      const int ok = sample.first ? 1 : 0;
      lease.sql() << "INSERT INTO health_samples (minute, node, ok, failed) VALUES (:m, :n, :ok, :f) "
                     "ON CONFLICT (minute, node) DO UPDATE SET ok = excluded.ok, failed = excluded.failed",
          soci::use(minute), soci::use(node_), soci::use(ok), soci::use(sample.second);
    }
    tx.Commit();
  } catch (const std::exception& e) {
    LogWarn("health monitor: the database did not take the sample", {{"error", e.what()}});
    return false;
  }
  // Written: keep only the minute still being sampled (later rounds of it overwrite its row).
  const std::lock_guard lock(mu_);
  if (!pending.empty()) {
    const long long last = pending.rbegin()->first;
    for (auto it = pending_.begin(); it != pending_.end();)
      it = it->first < last ? pending_.erase(it) : std::next(it);
  }
  return true;
}

void HealthMonitor::RunOnce() {
  std::vector<CheckResult> results;
  for (const auto& check : checks_) {
    CheckResult r{check.name, true, ""};
    try {
      r = check.run();
      r.name = check.name;
    } catch (const std::exception& e) {
      r = {check.name, false, e.what()};
    }
    results.push_back(std::move(r));
  }
  const Timestamp now = clock_.Now();
  const long long minute = UnixMinute(now);
  auto note = [&](const std::vector<CheckResult>& rs) {
    const std::lock_guard lock(mu_);
    auto it = pending_.try_emplace(minute, true, "").first;
    for (const auto& r : rs) {
      if (r.ok) continue;
      it->second.first = false;
      AddName(it->second.second, r.name);
    }
    while (pending_.size() > settings_.pending_minutes) pending_.erase(pending_.begin());
  };
  note(results);
  // Storing the sample is the database check: reachable and writable.
  CheckResult database{"database", true, ""};
  if (!StoreSamples()) {
    database = {"database", false, "the database did not take a write"};
    note({database});
  }
  results.insert(results.begin(), database);
  static auto& passing = metrics::Default().Gauge(
      "kanri_health_check_ok", "1 when the health check passed in its last round, by check", {"check"});
  for (const auto& r : results) passing.With({r.name}).Set(r.ok ? 1 : 0);

  std::vector<CheckResult> failing;
  std::copy_if(results.begin(), results.end(), std::back_inserter(failing),
               [](const auto& r) { return !r.ok; });
  if (!failing.empty()) {
    if (!episode_) {
      episode_ = Episode{.since = now, .failing = {}};
      LogWarn("health check failing", {{"checks", FailingNames(failing)}});
    }
    episode_->failing = failing;
    if (now - episode_->since >= settings_.alarm_after) {
      if (!episode_->alarmed) episode_->alarmed = alarms_.Raise(node_, failing, episode_->since, now, false);
      if (!episode_->incident_stored)
        episode_->incident_stored = alarms_.OpenIncident(failing, episode_->since, now);
    }
  } else if (episode_) {
    // Recovered. A failure that lasted past the alarm delay still gets its draft incident.
    if (episode_->alarmed && !episode_->incident_stored)
      episode_->incident_stored = alarms_.OpenIncident(episode_->failing, episode_->since, now);
    if (episode_->alarmed) (void)alarms_.Raise(node_, episode_->failing, episode_->since, now, true);
    LogInfo("health checks pass again", {{"failing_since", FormatUtc(episode_->since)}});
    episode_.reset();
  } else if (rounds_ % 10 == 0) {
    try {
      alarms_.RememberRecipients();
    } catch (const std::exception&) {
      // The next round's database check says what is wrong.
    }
  }
  ++rounds_;
  const std::lock_guard lock(mu_);
  snapshot_ = {.at = now,
               .checks = std::move(results),
               .failing_since = episode_ ? std::optional(episode_->since) : std::nullopt,
               .alarmed = episode_ && episode_->alarmed};
}

HealthMonitor::Snapshot HealthMonitor::Current() const {
  const std::lock_guard lock(mu_);
  return snapshot_;
}

// ---- OPS-3 ----

namespace {

std::int64_t AvailableMinutes(db::Lease& lease, long long from, long long to) {
  if (to <= from) return 0;
  long long n = 0;
  lease.sql() << "SELECT COUNT(*) FROM (SELECT minute FROM health_samples WHERE minute >= :a AND minute < :b "
                 "GROUP BY minute HAVING MAX(ok) = 1) t",
      soci::use(from), soci::use(to), soci::into(n);
  return n;
}

}  // namespace

Availability MeasureAvailability(db::Database& db, Timestamp from, Timestamp to, Timestamp now,
                                 std::vector<std::pair<Timestamp, Timestamp>> excluded) {
  Availability a;
  a.from = from;
  a.to = to;
  const long long m_from = UnixMinute(from), m_to = UnixMinute(to);
  a.minutes = std::max(0LL, m_to - m_from);
  auto lease = db.Acquire();
  long long first = 0;
  soci::indicator ind = soci::i_ok;
  lease.sql() << "SELECT MIN(minute) FROM health_samples", soci::into(first, ind);
  if (ind == soci::i_null) return a;
  const long long start = std::max(m_from, first);
  const long long end = std::min(m_to, UnixMinute(now));
  if (end <= start) return a;
  a.measured_minutes = end - start;
  // The excluded windows, clipped to [start, end) and merged.
  std::vector<std::pair<long long, long long>> windows;
  for (const auto& [s, e] : excluded) {
    const long long ws = std::max(start, UnixMinute(s)), we = std::min(end, UnixMinute(e));
    if (we > ws) windows.emplace_back(ws, we);
  }
  std::sort(windows.begin(), windows.end());
  std::vector<std::pair<long long, long long>> merged;
  for (const auto& w : windows) {
    if (!merged.empty() && w.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, w.second);
    else
      merged.push_back(w);
  }
  std::int64_t available = AvailableMinutes(lease, start, end);
  for (const auto& [ws, we] : merged) {
    a.maintenance_minutes += we - ws;
    available -= AvailableMinutes(lease, ws, we);
  }
  a.available_minutes = available;
  const std::int64_t counted = a.measured_minutes - a.maintenance_minutes;
  if (counted > 0) a.ratio = static_cast<double>(available) / static_cast<double>(counted);
  return a;
}

std::size_t PurgeSamplesBefore(db::Database& db, Timestamp cutoff) {
  const long long m = UnixMinute(cutoff);
  auto lease = db.Acquire();
  db::WriteTransaction tx(lease);
  soci::statement st = (lease.sql().prepare << "DELETE FROM health_samples WHERE minute < :m", soci::use(m));
  st.execute(true);
  const auto n = static_cast<std::size_t>(st.get_affected_rows());
  tx.Commit();
  return n;
}

}  // namespace kanri::ops
