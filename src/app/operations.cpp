#include "app/operations.h"

#include <unistd.h>

#include <iostream>

#include "app/backup.h"
#include "cwmp/connection_request.h"
#include "devices/desired_config.h"
#include "jobs/account_lifecycle.h"
#include "jobs/contract_end.h"
#include "jobs/device_retention.h"
#include "jobs/webhook_delivery.h"
#include "mail/delivery.h"
#include "ops/health.h"

namespace kanri::app {

namespace {

std::string ProcessName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(getpid());
}

// SEC-9: an expired token stays listed (as expired) this long, so people see why an
// integration stopped, then goes.
constexpr Millis kExpiredTokensKept = std::chrono::days{90};

std::pair<int, int> BackupTime(const Config& config) {
  return ParseTimeOfDay(config.backup_time).value_or(std::pair{2, 0});
}

std::vector<jobs::Job> BuildJobs(const Config& config, Operations& ops, audit::OperationHistory& history,
                                 const audit::SigningKey& key) {
  using jobs::Counts;
  using jobs::Schedule;
  using namespace std::chrono;
  return {
      {"audit-checkpoint", "SEC-6: sign the head of every history chain",
       Schedule::Every(config.audit_checkpoint_interval),
       [&history, &key](Timestamp) {
         return Counts{{"signed", static_cast<std::int64_t>(history.WriteCheckpoints(key))}};
       }},
      {"audit-retention",
       "SEC-6: remove history records past the retention period, in whole checkpointed periods",
       Schedule::DailyJst(3, 0),
       [&history, &key, retention = config.audit_retention](Timestamp now) {
         const auto r = history.Prune(now - retention, key);
         return Counts{{"removed", static_cast<std::int64_t>(r.records_removed)},
                       {"chains", static_cast<std::int64_t>(r.chains)}};
       }},
      {"session-purge", "SEC-3: delete login sessions that ended, and API tokens expired 90 days ago",
       Schedule::Every(hours{1}),
       [&ops](Timestamp now) {
         return Counts{
             {"removed", static_cast<std::int64_t>(ops.sessions.PurgeEnded(now))},
             {"tokens_removed", static_cast<std::int64_t>(ops.api_tokens.PurgeExpired(kExpiredTokensKept))}};
       }},
      {"account-lifecycle", "SEC-7: remind, lock and delete inactive accounts", Schedule::DailyJst(4, 0),
       [&ops, &history](Timestamp now) {
         return jobs::RunAccountLifecycle(ops.inactivity, ops.outbox, history, now);
       }},
      {"device-retention", "DATA-5: delete devices silent past --device-retention with their data",
       Schedule::DailyJst(4, 30),
       [&ops, &history, retention = config.device_retention](Timestamp now) {
         return jobs::RunDeviceRetention(ops.devices, ops.unassigned, history, retention, now);
       }},
      {"contract-end",
       "DATA-6: delete the accounts, then the configuration, then the company, over --contract-end-grace "
       "after its contract's last day",
       Schedule::DailyJst(5, 0),
       [&ops, &history, &key, grace = config.contract_end_grace](Timestamp now) {
         return jobs::RunContractEnd(ops.database, ops.companies, ops.firmware, history, key, grace, now);
       }},
      {"desired-state-recheck",
       "DEV-7: compare again, at their next session, the devices left drifting or failed (a new day in "
       "Japan gives each value 3 more tries)",
       Schedule::DailyJst(0, 10),
       [&ops](Timestamp) {
         return Counts{{"devices", static_cast<std::int64_t>(
                                       devices::DesiredConfig{ops.database, ops.clock}.RecheckUnsettled())}};
       }},
      {"alarm-scan", "SEC-2: alarm the site administrators on bursts of failed logins",
       Schedule::Every(minutes{1}),
       [&ops](Timestamp now) {
         return Counts{{"raised", static_cast<std::int64_t>(ops.login_alarms.Scan(now).size())}};
       }},
      {"backup", "DATA-4: back up the database and keys; delete backups past --backup-retention",
       Schedule::DailyJst(BackupTime(config).first, BackupTime(config).second),
       [&config](Timestamp now) {
         const auto dir =
             config.backup_dir.empty() ? DefaultBackupDir(config) : std::filesystem::path(config.backup_dir);
         const auto made = MakeBackup(config, dir, now);
         const auto removed = PruneBackups(dir, now - config.backup_retention);
         return Counts{{"files", static_cast<std::int64_t>(made.files)},
                       {"bytes", static_cast<std::int64_t>(made.bytes)},
                       {"removed", static_cast<std::int64_t>(removed)}};
       },
       hours{6}},
      {"mail-retention", "Delete sent and failed mail older than --mail-retention", Schedule::DailyJst(3, 30),
       [&ops, retention = config.mail_retention](Timestamp now) {
         return Counts{{"removed", static_cast<std::int64_t>(ops.outbox.PurgeBefore(now - retention))}};
       }},
      {"mail-delivery", "Send the mail outbox; retry for 24 hours", Schedule::Every(config.mail_interval),
       [&ops](Timestamp now) {
         const auto r = mail::Deliver(ops.outbox, ops.smtp, now);
         return Counts{{"sent", r.sent}, {"retrying", r.retrying}, {"failed", r.failed}};
       },
       minutes{15}},
      {"webhook-delivery",
       "SEC-9: send webhook events, retry for 24 hours, disable webhooks failing for 24 hours",
       Schedule::Every(config.webhook_interval),
       [&ops](Timestamp) {
         return jobs::RunWebhookDelivery(ops.database, ops.webhooks, ops.webhook_poster, ops.outbox,
                                         ops.clock);
       },
       minutes{15}},
      {"remote-login-expiry",
       "DEV-5: end remote logins past --remote-login-lifetime (remove the device's user)",
       Schedule::Every(minutes{1}),
       [&ops](Timestamp now) {
         const auto closed = ops.remote_logins.CloseExpired(now);
         if (ops.wake)
           for (const auto& l : closed) ops.wake(l.company_id, l.device_id);
         return Counts{{"closed", static_cast<std::int64_t>(closed.size())}};
       }},
      {"maintenance-reminders",
       "OPS-1: mail the reminder of each maintenance window on the business day before it (09:00 JST)",
       Schedule::Every(minutes{5}),
       [&ops](Timestamp now) {
         return Counts{{"reminded", static_cast<std::int64_t>(ops.maintenance.SendReminders(now))}};
       }},
      {"health-retention", "OPS-3: delete health samples older than 13 months (the 12-month chart's)",
       Schedule::DailyJst(3, 50),
       [&ops](Timestamp now) {
         return Counts{
             {"removed", static_cast<std::int64_t>(ops::PurgeSamplesBefore(ops.database, now - days{400}))}};
       }},
      {"webhook-retention", "SEC-9: delete webhook deliveries that ended more than 7 days ago",
       Schedule::DailyJst(3, 40),
       [&ops](Timestamp now) {
         return Counts{{"removed", static_cast<std::int64_t>(ops.webhooks.PurgeBefore(now - days{7}))}};
       }},
  };
}

// The connection-request address policy (DEV-4), which webhooks follow as well.
AddressPolicy WebhookPolicy(const Config& config) {
  auto policy = cwmp::ConnectionRequestPolicy(config.connection_request);
  if (!policy) throw std::invalid_argument("connection-request address policy: " + policy.error().message);
  return *policy;
}

ops::BusinessCalendar ClosedDays(const Config& config) {
  auto calendar = ops::BusinessCalendar::Parse(config.closed_days);
  if (!calendar) throw std::invalid_argument("--closed-days: " + calendar.error().message);
  return *calendar;
}

}  // namespace

Operations::Operations(const Config& config, Runtime& rt, audit::OperationHistory& history,
                       const audit::SigningKey& key)
    : database(*rt.database),
      clock(*rt.clock),
      outbox(*rt.database, *rt.clock, config.MailDomain()),
      smtp(config.Smtp()),
      sessions(*rt.database, *rt.clock, config.session),
      api_tokens(*rt.database, *rt.clock),
      inactivity(*rt.database, config.inactivity),
      login_alarms(*rt.database, outbox, config.login_alarms),
      devices(*rt.database, *rt.clock),
      unassigned(*rt.database),
      firmware(*rt.database, *rt.clock, FirmwareDir(config), config.firmware_storage),
      companies(*rt.database, *rt.clock),
      device_secrets(devices::DeviceSecrets::LoadOrCreate(KeysDir(config))),
      remote_logins(*rt.database, *rt.clock, device_secrets, {.lifetime = config.remote_login_lifetime}),
      webhook_secrets(SecretBox::LoadOrCreate(KeysDir(config) / "webhook-secrets.key")),
      webhook_poster({.policy = WebhookPolicy(config), .ca_file = config.webhook_ca_file}),
      webhooks(*rt.database, *rt.clock, webhook_secrets, webhooks::AddressCheck(WebhookPolicy(config))),
      maintenance(*rt.database, *rt.clock, outbox, ClosedDays(config)),
      incidents(*rt.database, *rt.clock, outbox),
      // The jobs' functions refer to the members above, all constructed by now.
      scheduler(*rt.database, *rt.clock, history, BuildJobs(config, *this, history, key), ProcessName()) {}

int ListJobs(const Config& config) {
  Runtime rt(config, 1);
  auto key = audit::SigningKey::LoadOrCreate(KeysDir(config));
  auto history = MakeOperationHistory(config, *rt.database, *rt.clock);
  Operations ops(config, rt, history, key);
  for (const auto& j : ops.scheduler.List()) {
    std::cout << j.name << "\n  " << j.description << "\n  schedule: " << j.schedule
              << "\n  last run: " << (j.last_started_at ? FormatJst(*j.last_started_at) : "never");
    if (!j.last_outcome.empty()) {
      std::cout << " (" << j.last_outcome;
      if (!j.last_error.empty()) std::cout << ": " << j.last_error;
      std::cout << ") " << jobs::CountsJson(j.last_counts);
    }
    std::cout << "\n  next run: " << FormatJst(j.next_due_at) << (j.running ? " (running now)" : "") << "\n";
  }
  return 0;
}

int MailTest(const Config& config, const std::string& to, const std::string& language) {
  auto clock = MakeClock();
  const mail::SmtpSender smtp(config.Smtp());
  if (!smtp.configured()) {
    std::cerr << "No SMTP server is configured: give --smtp-url (and --mail-from).\n";
    return 2;
  }
  const auto now = clock->Now();
  const std::string message_id = "<" + GenerateOpaqueId() + "@" + config.MailDomain() + ">";
  const auto result = smtp.Send(to, message_id, mail::TestMail(language, now, config.MailDomain()), now);
  std::cout << result.transcript;
  if (result.ok) {
    std::cout << "The SMTP server accepted the test mail to " << to << " (Message-ID " << message_id
              << ").\n";
    return 0;
  }
  std::cout << "The test mail was not accepted: " << result.error
            << (result.permanent ? " (refused for good)" : " (temporary: the outbox would retry)") << "\n";
  return 1;
}

}  // namespace kanri::app
