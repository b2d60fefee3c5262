// Everything the API handlers call, wired by the application (app/). Handlers run on the
// I/O threads and hand blocking work to the two pools: `db` for the database, `hashing`
// for argon2id, so that a login flood cannot starve other requests.
#pragma once

#include "access/api_tokens.h"
#include "access/roles.h"
#include "audit/history_writer.h"
#include "audit/operation_history.h"
#include "base/time.h"
#include "cwmp/device_caller.h"
#include "db/database.h"
#include "db/worker_pool.h"
#include "devices/allocations.h"
#include "devices/campaigns.h"
#include "devices/desired_config.h"
#include "devices/firmware.h"
#include "devices/groups.h"
#include "devices/inventory.h"
#include "devices/profiles.h"
#include "devices/refused.h"
#include "devices/remote_login.h"
#include "devices/secrets.h"
#include "devices/tasks.h"
#include "identity/accounts.h"
#include "identity/hashing_admission.h"
#include "identity/inactivity.h"
#include "identity/login.h"
#include "identity/password_hasher.h"
#include "identity/password_policy.h"
#include "identity/sessions.h"
#include "identity/totp.h"
#include "jobs/login_alarms.h"
#include "jobs/scheduler.h"
#include "mail/outbox.h"
#include "ops/health.h"
#include "ops/notices.h"
#include "tenancy/companies.h"
#include "webhooks/webhooks.h"

namespace kanri::api {

struct ApiSettings {
  std::string session_cookie = "__Host-kanri_session";
  std::size_t temporary_password_bytes = 12;                // 96 random bits, 16 characters
  std::uint64_t firmware_max_bytes = 512ull * 1024 * 1024;  // DEV-6: largest firmware upload (streamed)
  Millis contract_end_grace = std::chrono::days{30};        // DATA-6: shown as each company's schedule
  // DATA-7: where data is kept and for how long, as configured (GET /api/v1/security-data).
  std::string data_residency = "JP";
  Millis audit_retention = std::chrono::days{365};
  Millis backup_retention = std::chrono::days{7};
  std::string backup_time = "02:00";
  Millis device_retention = std::chrono::days{90};
  Millis mail_retention = std::chrono::days{90};
  identity::InactivityPolicy inactivity;
  Millis session_idle = std::chrono::minutes{60};
  Millis session_lifetime = std::chrono::hours{12};
};

struct ApiServices {
  const Clock& clock;
  db::Database& database;
  db::WorkerPool& db;
  db::WorkerPool& hashing;
  tenancy::CompanyRepository& companies;
  identity::AccountRepository& accounts;
  identity::SessionStore& sessions;
  identity::LoginService& login;
  identity::LoginThrottle& throttle;
  const identity::PasswordHasher& hasher;
  const identity::PasswordPolicy& password_policy;
  access::RoleRepository& roles;
  access::Policy& policy;
  audit::OperationHistory& history;
  // The device domain (DEV-1 to DEV-3).
  devices::ProfileRepository& profiles;
  devices::DeviceRepository& devices;
  devices::TaskRepository& tasks;
  devices::GroupRepository& groups;
  devices::RefusedDeviceRepository& refused;
  devices::AllocationRepository& allocations;  // the provider's record of who owns which device
  ApiSettings settings;
  // DEV-6: set by the application; the firmware routes answer 503 without it.
  devices::FirmwareRepository* firmware = nullptr;
  // DEV-4: set by the application; without it no connection request is sent (503).
  cwmp::DeviceCaller* device_caller = nullptr;
  // SEC-1: one account or address cannot fill the hashing queue; set by the application.
  identity::HashingAdmission* hashing_admission = nullptr;
  // SEC-9: set by the application; the token routes answer 503 without it.
  access::ApiTokenRepository* api_tokens = nullptr;
  // SEC-9: the TOTP second factor; set by the application (the enrolment routes answer 503
  // without it).
  identity::Totp* totp = nullptr;
  // DEV-5: set by the application; the remote-login routes answer 503 without it.
  devices::RemoteLogins* remote_logins = nullptr;
  // SEC-9: set by the application; the webhook routes answer 503 without it.
  webhooks::WebhookRepository* webhooks = nullptr;
  // SEC-6: set by the application; /readyz fails while it cannot store records.
  audit::HistoryWriter* history_writer = nullptr;
  // Running the service (issue 12), set by the application; the routes answer 503 without
  // them: the job scheduler with the one thread its jobs run on, the mail outbox, SEC-2 alarms.
  jobs::Scheduler* scheduler = nullptr;
  db::WorkerPool* jobs_pool = nullptr;
  mail::Outbox* outbox = nullptr;
  jobs::LoginAlarms* login_alarms = nullptr;
  // OPS-1, OPS-2, OPS-3 (issue 15), set by the application; the routes answer 503 without them.
  ops::Maintenance* maintenance = nullptr;
  ops::Incidents* incidents = nullptr;
  ops::HealthMonitor* health = nullptr;
  // DEV-7: set by the application; the compliance and override routes answer 503 without it.
  devices::DesiredConfig* desired = nullptr;
  // DEV-6: set by the application; the campaign routes answer 503 without it.
  devices::CampaignRepository* campaigns = nullptr;
};

}  // namespace kanri::api
