// The settings of every subcommand, as one plain struct with named defaults (STYLE.md).
// Each can be given as a command-line flag or as a key of the TOML file named by --config
// (same name without the leading dashes: `listen-api = "0.0.0.0:8443"`); flags win.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <utility>

#include "cwmp/connection_request.h"
#include "cwmp/session_engine.h"
#include "devices/firmware.h"
#include "devices/task_flow.h"
#include "http/router.h"
#include "http/server.h"
#include "identity/hashing_admission.h"
#include "identity/inactivity.h"
#include "identity/login.h"
#include "identity/password_hasher.h"
#include "identity/sessions.h"
#include "jobs/login_alarms.h"
#include "mail/smtp.h"

namespace kanri::app {

struct Config {
  std::string data_dir = "./data";
  std::string database;  // empty: sqlite://<data-dir>/kanri.db
  std::string log_level = "info";

  std::string listen_api = "0.0.0.0:8443";
  std::string listen_cwmp = "0.0.0.0:7547";
  std::string listen_metrics;       // Prometheus metrics over plain HTTP on loopback; empty: off
  bool cwmp_insecure_http = false;  // lab only: plain HTTP + Digest on the CWMP listener
  std::string tls_cert;             // empty: self-signed in <data-dir>/tls/
  std::string tls_key;
  std::string user;  // OPS-4: as root, run as this user once the ports are bound (app/privileges.h)
  http::ServerSettings http;

  std::size_t io_threads = 2;
  std::size_t db_threads = 0;  // 0: DatabaseThreads() chooses
  std::size_t db_queue = 4096;
  std::size_t hash_threads = 1;  // argon2id is CPU- and memory-heavy: keep it off the other cores
  std::size_t hash_queue = 64;
  identity::HashingAdmissionSettings hashing_admission;  // SEC-1: fair share of hash_queue

  identity::SessionSettings session;
  identity::LockoutSettings lockout;
  identity::LoginThrottleSettings login_throttle;
  identity::PasswordHashSettings password_hash;
  identity::TemporaryPasswordSettings temporary_password;

  Millis audit_retention = std::chrono::hours{24 * 365};     // SEC-6: keep records 365 days
  Millis audit_checkpoint_interval = std::chrono::hours{1};  // SEC-6: sign chain heads this often
  http::DenialCountSettings anonymous_denials;               // SEC-6: counted, not recorded one by one
  Millis audit_probe_interval = std::chrono::seconds{5};     // SEC-6: retry an unavailable history

  cwmp::ConnectionRequestSettings connection_request;  // DEV-4
  cwmp::EngineSettings cwmp;  // the CWMP session engine (insecure_http comes from cwmp_insecure_http)
  devices::TaskFlowSettings task_flow;  // DEV-3: how tasks run (the full read's batch size, ...)
  std::uint64_t firmware_max_bytes = 512ull * 1024 * 1024;  // DEV-6: largest firmware upload
  std::size_t max_profiles_per_company = 200;               // DEV-1
  devices::FirmwareStorageSettings firmware_storage;        // DEV-6: per-company storage limit

  // Jobs and mail (issue 12).
  Millis job_tick = std::chrono::seconds{10};          // how often the scheduler looks for due jobs
  Millis mail_interval = std::chrono::seconds{10};     // how often the outbox is delivered
  Millis mail_retention = std::chrono::days{90};       // sent and failed mail is deleted after
  mail::SmtpSettings smtp{.from = "kanri@localhost"};  // password read from smtp_password_file
  std::string smtp_password_file;
  // SEC-9: webhooks. Their addresses pass the connection-request address policy (DEV-4).
  Millis webhook_interval = std::chrono::seconds{10};  // how often due webhook deliveries are sent
  std::string webhook_ca_file;                         // PEM; empty: the system's trust store
  std::string mail_domain;                // right side of Message-IDs; default: the --mail-from domain
  identity::InactivityPolicy inactivity;  // SEC-7
  jobs::LoginAlarmSettings login_alarms;  // SEC-2
  Millis remote_login_lifetime = std::chrono::minutes{60};  // DEV-5: a remote login ends after
  Millis device_retention = std::chrono::days{90};          // DATA-5: delete devices silent this long
  Millis contract_end_grace = std::chrono::days{30};        // DATA-6: delete an ended company over this
  std::string backup_time = "02:00";                        // DATA-4: the daily backup, JST
  Millis backup_retention = std::chrono::days{7};           // DATA-4: then removed
  std::string backup_dir;                                   // default <data-dir>/backups
  // Running the service for customers (issue 15).
  std::string data_residency = "JP";         // DATA-7: where customer data is stored, shown to companies
  std::string closed_days = "12-29..01-03";  // OPS-1: the provider's closing days (not business days)
  Millis health_interval = std::chrono::minutes{1};     // OPS-2: run the health checks this often
  Millis health_alarm_after = std::chrono::minutes{3};  // OPS-2: alarm and open a draft incident after
  std::uint64_t health_min_free_mib = 512;              // OPS-2: the data dir's disk check fails below

  std::string DatabaseUrl() const;
  // The SMTP settings with the password read from --smtp-password-file; throws when it cannot
  // be read or the settings are wrong.
  mail::SmtpSettings Smtp() const;
  std::string MailDomain() const;
  // The database worker threads: --db-threads, or by default as many as the cores (at least 2)
  // on SQLite, whose work is CPU and local disk, so more threads than cores only add thread
  // switches (bench/README.md); twice the cores (at least 8) on PostgreSQL, whose threads
  // mostly wait for the network.
  std::size_t DatabaseThreads() const;
};

// Registers the options on `app` (the root command, so they work with every subcommand), and
// --config FILE, whose keys are the same names; a key that is no option is an error.
void AddConfigOptions(CLI::App& app, Config& config);

// OPS-4: a TOML file with every option registered on `app` (AddConfigOptions) and its default,
// commented out, under its description; options given on the command line are set instead
// (`kanri config-template --data-dir /var/lib/kanri`, the package's /etc/kanri/kanri.toml).
std::string ConfigTemplate(const CLI::App& app);

// "02:00" → {2, 0}; nullopt unless HH:MM of a day.
std::optional<std::pair<int, int>> ParseTimeOfDay(const std::string& text);

// "500ms", "30s", "60m", "12h", "7d" → milliseconds. Throws std::invalid_argument.
Millis ParseDuration(const std::string& text);

}  // namespace kanri::app
