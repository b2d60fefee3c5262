// kanri: one executable, several faces (docs/architecture.md).
//
//   kanri serve                     run the service
//   kanri migrate                   apply database migrations and exit
//   kanri admin bootstrap --login   create the first site administrator
//   kanri admin demo                the demo company DEMO for `kanri sim` devices
//   kanri audit verify | checkpoint check the operation history's chains, or sign their heads now
//   kanri jobs list | run JOB       the periodic jobs, or run one now
//   kanri mail test --to ADDRESS    send a test mail and show the SMTP conversation
//   kanri backup [--to DIR]         DATA-4: a consistent backup while the server runs
//   kanri restore FILE [--force]    DATA-4: restore one (server stopped), then migrate and verify
//   kanri sim                       simulate a fleet of TR-069 devices against an ACS
//   kanri config-template           a TOML file with every option and its default (OPS-4)
//
// --data-dir, --database and --config work the same for every subcommand.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/backup.h"
#include "app/config.h"
#include "app/operations.h"
#include "app/runtime.h"
#include "base/crypto.h"
#include "base/log.h"
#include "db/migrations.h"
#include "sim/simulator.h"

int main(int argc, char** argv) {
  using namespace kanri;
  CLI::App app{"Kanri: multi-tenant TR-069 device management"};
  app.require_subcommand(1);
  app.fallthrough();

  app::Config config;
  app::AddConfigOptions(app, config);

  auto* serve = app.add_subcommand(
      "serve", "Run the service (API and console on --listen-api, devices on --listen-cwmp)");
  auto* migrate = app.add_subcommand("migrate", "Apply database migrations and exit");
  auto* admin = app.add_subcommand("admin", "Administration from the command line");
  admin->require_subcommand(1);
  auto* bootstrap = admin->add_subcommand("bootstrap", "Create the first site administrator");
  std::string login, name, email;
  bool password_stdin = false, if_none = false;
  bootstrap->add_option("--login", login, "Login ID of the site administrator")->required();
  bootstrap->add_option("--name", name, "Display name (default: the login ID)");
  bootstrap->add_option("--email", email, "Email address for alarms");
  bootstrap->add_flag("--password-stdin", password_stdin,
                      "Read the password from standard input instead of generating one");
  bootstrap->add_flag("--if-none", if_none,
                      "Do nothing (and succeed) when a site administrator already exists");

  auto* demo =
      admin->add_subcommand("demo", "Create the demo company DEMO for `kanri sim` devices (if missing)");
  app::DemoRequest demo_request;
  demo->add_option("--bootstrap-password", demo_request.bootstrap_password,
                   "The credential the simulated devices start with (user demo-bootstrap)")
      ->required();
  demo->add_option("--oui", demo_request.oui, "OUI of the simulated devices")->capture_default_str();

  auto* audit_cmd = app.add_subcommand("audit", "The operation history");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Check every history chain and signed checkpoint (exit 0 = intact)");
  auto* checkpoint = audit_cmd->add_subcommand("checkpoint", "Sign the head of every history chain now");
  auto* jobs = app.add_subcommand("jobs", "Periodic jobs");
  jobs->require_subcommand(1);
  auto* jobs_list =
      jobs->add_subcommand("list", "Each job with its schedule, last run and outcome, next run");
  auto* jobs_run = jobs->add_subcommand("run", "Run one job now");
  std::string job_name, job_now;
  jobs_run->add_option("job", job_name, "Job name (kanri jobs list)")->required();
  jobs_run->add_option("--now", job_now,
                       "Test builds: act as if it were this UTC time (e.g. 2026-01-31T00:00:00Z)");
  auto* mail_cmd = app.add_subcommand("mail", "Mail");
  mail_cmd->require_subcommand(1);
  auto* mail_test = mail_cmd->add_subcommand("test", "Send a test mail now and show the SMTP conversation");
  std::string mail_to, mail_language = "ja";
  mail_test->add_option("--to", mail_to, "Recipient address")->required();
  mail_test->add_option("--language", mail_language, "ja or en")
      ->check(CLI::IsMember({"ja", "en"}))
      ->capture_default_str();

  auto* backup = app.add_subcommand("backup", "Back up the database and keys now (the server may run)");
  std::string backup_to;
  backup->add_option("--to", backup_to, "Directory of the backup file (default <data-dir>/backups)");
  auto* restore = app.add_subcommand("restore", "Restore a backup into the data dir (server stopped)");
  std::string restore_file;
  bool restore_force = false;
  restore->add_option("file", restore_file, "The kanri-backup-….tar.gz file")->required();
  restore->add_flag("--force", restore_force, "Replace an existing database (moved aside, not deleted)");

  // OPS-4: the package's /etc/kanri/kanri.toml is this command's output, so it cannot drift.
  auto* config_template = app.add_subcommand(
      "config-template",
      "Print a TOML file for --config with every option and its default, commented out (options given are "
      "set)");

  auto* sim_cmd = app.add_subcommand("sim", "Simulate a fleet of TR-069 devices (CPEs) against an ACS");
  sim::SimOptions sim_options;
  {
    auto& o = sim_options;
    auto* s = sim_cmd;
    s->add_option("--devices", o.devices, "Number of devices")->capture_default_str();
    s->add_option("--acs", o.acs_url, "ACS URL (https:// or http://)")->required();
    s->add_option("--serial-prefix", o.serial_prefix, "Serial number = prefix + zero-padded index")
        ->capture_default_str();
    s->add_option("--serial-digits", o.serial_digits, "Digits of the index in the serial")
        ->capture_default_str();
    s->add_option("--first-index", o.first_index, "Index of the first device")->capture_default_str();
    s->add_option("--oui", o.oui, "Manufacturer OUI (6 hex digits)")->capture_default_str();
    s->add_option("--product-class", o.product_class, "ProductClass")->capture_default_str();
    s->add_option("--manufacturer", o.manufacturer, "Manufacturer")->capture_default_str();
    s->add_option("--model-name", o.model_name, "DeviceInfo.ModelName")->capture_default_str();
    s->add_option("--software-version", o.software_version, "Initial SoftwareVersion")->capture_default_str();
    s->add_option("--model", o.model, "Data model: tr181 (Device.) or tr098 (InternetGatewayDevice.)")
        ->check(CLI::IsMember({"tr181", "tr098"}))
        ->capture_default_str();
    s->add_option("--username", o.username, "ManagementServer.Username ({serial}, {oui} are replaced)");
    s->add_option("--password", o.password, "ManagementServer.Password ({serial}, {oui} are replaced)");
    s->add_option("--cr-username", o.cr_username, "ConnectionRequestUsername")->capture_default_str();
    s->add_option("--cr-password", o.cr_password, "ConnectionRequestPassword")->capture_default_str();
    s->add_option("--inform-interval", o.inform_interval, "PeriodicInformInterval default, seconds")
        ->check(CLI::Range(1u, 4294967295u))
        ->capture_default_str();
    s->add_option("--ramp-up", o.ramp_up_seconds, "Spread the first informs over this many seconds")
        ->capture_default_str();
    s->add_option("--reboot-seconds", o.reboot_seconds, "How long a reboot takes")->capture_default_str();
    s->add_option("--cr-listen", o.cr_listen, "Connection-request listener HOST:PORT")->capture_default_str();
    s->add_option(
         "--remote-access-port-base", o.remote_access_port_base,
         "DEV-5: RemoteAccess.Port of the first device, the next one +1 (0: the connection-request port + 1)")
        ->capture_default_str();
    s->add_option("--cr-advertise-host", o.cr_advertise_host, "Host to report in ConnectionRequestURL");
    s->add_option("--ca-file", o.ca_file, "Trust this PEM certificate for https://");
    s->add_flag("--insecure", o.insecure, "Do not verify TLS certificates (lab use)");
    s->add_flag("--cwmp-versions-header", o.cwmp_versions_header,
                "Send SupportedCWMPVersions (CWMP 1.4) in the Inform");
    s->add_option("--state-dir", o.state_dir, "Keep each device's parameters here across restarts");
    s->add_option_function<std::vector<std::string>>(
         "--fault",
         [&o](const std::vector<std::string>& texts) {
           for (const auto& text : texts) {
             auto f = sim::ParseFaultInjection(text);
             if (!f) throw CLI::ValidationError("--fault", f.error().message);
             o.faults.push_back(std::move(*f));
           }
         },
         "Answer a fault on purpose: METHOD=CODE[xTIMES][@PERCENT%], e.g. SetParameterValues=9002x2 (the "
         "first two of each device) or Download=9010@20% (one device in five, every time); repeatable")
        ->type_name("FAULT");
    s->add_option_function<std::vector<std::string>>(
         "--revert",
         [&o](const std::vector<std::string>& texts) {
           for (const auto& text : texts) {
             const auto eq = text.find('=');
             if (eq == std::string::npos || eq == 0)
               throw CLI::ValidationError("--revert", "'" + text + "' is not PATH=VALUE");
             o.reverts[text.substr(0, eq)] = text.substr(eq + 1);
           }
         },
         "Put PATH back to VALUE before each session, whatever the ACS set (a device whose own "
         "configuration tool fights the ACS); repeatable")
        ->type_name("PATH=VALUE");
    s->add_option("--threads", o.threads, "I/O threads")->capture_default_str();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    InitCrypto();
    SetLogLevel(config.log_level == "debug"   ? LogLevel::kDebug
                : config.log_level == "warn"  ? LogLevel::kWarn
                : config.log_level == "error" ? LogLevel::kError
                                              : LogLevel::kInfo);
    if (serve->parsed()) return app::Serve(config);
    if (config_template->parsed()) {
      std::cout << app::ConfigTemplate(app);
      return 0;
    }
    if (sim_cmd->parsed()) {
      sim_options.log_level = config.log_level;
      return sim::Run(sim_options);
    }
    if (migrate->parsed()) return app::Migrate(config);
    if (verify->parsed()) return app::AuditVerify(config);
    if (checkpoint->parsed()) return app::AuditCheckpoint(config);
    if (jobs_run->parsed()) return app::RunJob(config, job_name, job_now);
    if (jobs_list->parsed()) return app::ListJobs(config);
    if (mail_test->parsed()) return app::MailTest(config, mail_to, mail_language);
    if (backup->parsed()) return app::Backup(config, backup_to);
    if (restore->parsed()) return app::Restore(config, restore_file, restore_force);
    if (demo->parsed()) return app::SeedDemo(config, demo_request);
    if (bootstrap->parsed())
      return app::BootstrapSiteAdministrator(config, {login, name, email, password_stdin, if_none});
  } catch (const db::MigrationError& e) {
    std::cerr << "kanri: cannot start: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "kanri: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
