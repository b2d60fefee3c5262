// The service's periodic jobs and its mail, wired the same way for `kanri serve` (a timer runs
// the due jobs on a thread of their own), `kanri jobs list|run` and `kanri mail test`.
#pragma once

#include <string>

#include "access/api_tokens.h"
#include "app/config.h"
#include "app/runtime.h"
#include "audit/operation_history.h"
#include "audit/signing_key.h"
#include "devices/firmware.h"
#include "devices/inventory.h"
#include "devices/remote_login.h"
#include "devices/secrets.h"
#include "devices/unassigned.h"
#include "identity/inactivity.h"
#include "identity/sessions.h"
#include "jobs/login_alarms.h"
#include "jobs/scheduler.h"
#include "mail/outbox.h"
#include "mail/smtp.h"
#include "ops/notices.h"
#include "tenancy/companies.h"
#include "webhooks/sender.h"
#include "webhooks/webhooks.h"

namespace kanri::app {

struct Operations {
  Operations(const Config& config, Runtime& rt, audit::OperationHistory& history,
             const audit::SigningKey& key);

  db::Database& database;
  const Clock& clock;
  mail::Outbox outbox;
  mail::SmtpSender smtp;
  identity::SessionStore sessions;
  access::ApiTokenRepository api_tokens;
  identity::InactivityRules inactivity;
  jobs::LoginAlarms login_alarms;
  devices::DeviceRepository devices;
  devices::UnassignedDeviceRepository unassigned;
  devices::FirmwareRepository firmware;
  tenancy::CompanyRepository companies;
  // DEV-5: remote logins, closed by the remote-login-expiry job; `wake` (set by `kanri serve`)
  // asks a device whose login was closed to connect now.
  devices::DeviceSecrets device_secrets;
  devices::RemoteLogins remote_logins;
  std::function<void(const CompanyId&, const DeviceId&)> wake;
  // SEC-9: webhook secrets are sealed with a key of their own (keys/webhook-secrets.key).
  SecretBox webhook_secrets;
  webhooks::CurlPoster webhook_poster;
  webhooks::WebhookRepository webhooks;
  // OPS-1 and OPS-2: maintenance windows (their reminders are a job) and incidents.
  ops::Maintenance maintenance;
  ops::Incidents incidents;
  jobs::Scheduler scheduler;
};

// `kanri jobs list`.
int ListJobs(const Config& config);
// `kanri mail test --to ADDRESS`: sends one mail now (not through the outbox) and prints the
// SMTP conversation; exit 0 when the server accepted it.
int MailTest(const Config& config, const std::string& to, const std::string& language);

}  // namespace kanri::app
