// OPS-2 and OPS-3: the service watches its own health. A monitor thread runs every check each
// interval (a minute), stores one sample per node and minute (writing it is itself the check
// that the database is reachable and writable), and when a check has failed for the alarm
// delay (3 minutes) it alarms the site administrators by mail (through the outbox, or straight
// over SMTP to the addresses it last knew when the database is the thing that failed) and
// opens a draft incident. Availability (OPS-3) is measured from the stored samples.
//
//   ops::HealthMonitor monitor(db, clock, "node-1", checks, alarm, {.interval = 1min});
//   monitor.Start();   // … monitor.Stop();
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "db/database.h"
#include "mail/outbox.h"
#include "mail/smtp.h"

namespace kanri::ops {

struct CheckResult {
  std::string name;  // "database", "history", "cwmp", "mail", "disk"
  bool ok = true;
  std::string detail;  // what failed, for the alarm and the provider console
};

// One check; throwing counts as failing with the exception's text.
struct HealthCheck {
  std::string name;
  std::function<CheckResult()> run;
};

struct MonitorSettings {
  Millis interval = std::chrono::minutes{1};
  Millis alarm_after = std::chrono::minutes{3};  // OPS-2: a failure this long opens an incident
  std::size_t pending_minutes = 7 * 24 * 60;     // samples kept in memory while the database is down
};

// Where the monitor's alarms go; the application gives the outbox and the SMTP sender.
class AlarmSink {
 public:
  AlarmSink(db::Database& db, mail::Outbox& outbox, const mail::SmtpSender& smtp, std::string mail_domain)
      : db_(db), outbox_(outbox), smtp_(smtp), mail_domain_(std::move(mail_domain)) {}
  virtual ~AlarmSink() = default;
  // Mails every active site administrator; through the outbox when the database takes the
  // write, straight over SMTP to the addresses last read otherwise. False when nothing was
  // queued or sent.
  virtual bool Raise(const std::string& node, const std::vector<CheckResult>& failing, Timestamp since,
                     Timestamp now, bool recovered);
  // The draft incident of a failure, named after its first failing check (none while a draft
  // or published incident of that check is unresolved); false when the database did not take
  // it (the monitor tries again).
  virtual bool OpenIncident(const std::vector<CheckResult>& failing, Timestamp since, Timestamp now);
  // Reads the site administrators' addresses while the database answers.
  void RememberRecipients();

 private:
  db::Database& db_;
  mail::Outbox& outbox_;
  const mail::SmtpSender& smtp_;
  std::string mail_domain_;
  std::mutex mu_;
  std::vector<mail::Recipient> known_;  // the site administrators as last read
};

class HealthMonitor {
 public:
  HealthMonitor(db::Database& db, const Clock& clock, std::string node, std::vector<HealthCheck> checks,
                AlarmSink& alarms, MonitorSettings settings = {});
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  void Start();
  void Stop();
  // One round of checks now (the thread calls it; tests call it directly).
  void RunOnce();

  struct Snapshot {
    std::optional<Timestamp> at;  // the last round
    std::vector<CheckResult> checks;
    std::optional<Timestamp> failing_since;
    bool alarmed = false;
  };
  Snapshot Current() const;
  const std::string& node() const { return node_; }

 private:
  bool StoreSamples();  // writes pending minutes; false when the database refused
  db::Database& db_;
  const Clock& clock_;
  std::string node_;
  std::vector<HealthCheck> checks_;
  AlarmSink& alarms_;
  MonitorSettings settings_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  Snapshot snapshot_;
  // Per minute: whether every check passed, and the names of those that failed.
  std::map<long long, std::pair<bool, std::string>> pending_;
  // The failure going on (or just ended), from its first failing round.
  struct Episode {
    Timestamp since;
    std::vector<CheckResult> failing;  // as in the last failing round
    bool alarmed = false;              // the alarm went out
    bool incident_stored = false;      // the draft incident is in the database
  };
  std::optional<Episode> episode_;
  std::size_t rounds_ = 0;
};

// ---- OPS-3: availability ----

struct Availability {
  Timestamp from;  // the period measured: [from, to)
  Timestamp to;
  std::int64_t minutes = 0;              // minutes in the period
  std::int64_t measured_minutes = 0;     // since the first sample ever, up to now
  std::int64_t maintenance_minutes = 0;  // planned maintenance for all companies, excluded
  std::int64_t available_minutes = 0;    // outside maintenance, a node said every check passed
  std::optional<double> ratio;           // available / (measured - maintenance); none if nothing was
  double objective = 0.995;
  bool Met() const { return !ratio || *ratio >= objective; }
};

// Availability over [from, to) (`to` clipped to `now`), excluding the planned maintenance
// windows `excluded` (clipped, possibly overlapping).
Availability MeasureAvailability(db::Database& db, Timestamp from, Timestamp to, Timestamp now,
                                 std::vector<std::pair<Timestamp, Timestamp>> excluded);

// Deletes samples older than `cutoff` (kept 13 months for the 12-month chart).
std::size_t PurgeSamplesBefore(db::Database& db, Timestamp cutoff);

}  // namespace kanri::ops
