// kanri: one executable, several faces (ARCHITECTURE.md).
//
//   kanri serve                     run the service
//   kanri migrate                   apply database migrations and exit
//   kanri admin bootstrap --login   create the first site administrator
//
// --data-dir, --database and --config work the same for every subcommand.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/config.h"
#include "app/runtime.h"
#include "base/crypto.h"
#include "base/log.h"
#include "db/migrations.h"

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

  auto* audit_cmd = app.add_subcommand("audit", "The operation history");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Check every history chain and signed checkpoint (exit 0 = intact)");
  auto* checkpoint = audit_cmd->add_subcommand("checkpoint", "Sign the head of every history chain now");
  auto* jobs = app.add_subcommand("jobs", "Periodic jobs");
  jobs->require_subcommand(1);
  auto* jobs_run = jobs->add_subcommand("run", "Run one job now");
  std::string job_name, job_now;
  jobs_run->add_option("job", job_name, "Job name: audit-retention")->required();
  jobs_run->add_option("--now", job_now, "Act as if it were this UTC time (e.g. 2026-01-31T00:00:00Z)");

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
    if (migrate->parsed()) return app::Migrate(config);
    if (verify->parsed()) return app::AuditVerify(config);
    if (checkpoint->parsed()) return app::AuditCheckpoint(config);
    if (jobs_run->parsed()) return app::RunJob(config, job_name, job_now);
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
