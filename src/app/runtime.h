// What every subcommand sets up the same way: the clock, the data directory, the database
// (migrated), and the identity and tenancy services over it.
#pragma once

#include <memory>

#include "app/config.h"
#include "audit/operation_history.h"
#include "db/database.h"
#include "identity/accounts.h"
#include "identity/password_hasher.h"
#include "identity/password_policy.h"
#include "tenancy/companies.h"

namespace kanri::app {

// The system clock; in test builds (KANRI_TEST_HOOKS) shifted by the offset in the file
// named by $KANRI_TEST_CLOCK_FILE, so end-to-end tests can move time.
std::unique_ptr<Clock> MakeClock();

struct Runtime {
  // `fixed_clock`: act at this time instead of the system's (`kanri jobs run --now`, test builds).
  Runtime(const Config& config, std::size_t pool_size, std::unique_ptr<Clock> fixed_clock = nullptr);
  std::unique_ptr<Clock> clock;
  std::unique_ptr<db::Database> database;
  tenancy::CompanyRepository companies;
  identity::AccountRepository accounts;
  identity::PasswordHasher hasher;
  identity::PasswordPolicy password_policy;
};

// Creates the data directory (owner-only) if needed.
void PrepareDataDir(const Config& config);

// Where the operation history's signing key and checkpoint copy live (outside the database).
std::filesystem::path KeysDir(const Config& config);
// <data dir>/firmware: the firmware files (DEV-6).
std::filesystem::path FirmwareDir(const Config& config);
audit::OperationHistory MakeOperationHistory(const Config& config, db::Database& db, const Clock& clock);

int Serve(const Config& config);
int Migrate(const Config& config);
struct BootstrapRequest {
  std::string login;
  std::string name;
  std::string email;
  bool password_from_stdin = false;
  bool only_if_none = false;  // succeed quietly when a site administrator exists (first-run scripts)
};
int BootstrapSiteAdministrator(const Config& config, const BootstrapRequest& request);

// `kanri admin demo`: the company DEMO with its administrator and a profile for `kanri sim`
// devices of `oui` authenticating with `demo-bootstrap` / `bootstrap_password` (rotated on
// first contact). Creates only what is missing.
struct DemoRequest {
  std::string company_code = "DEMO";
  std::string oui = "00D09E";
  std::string serial_prefix = "DEMO";  // the simulator's serials, allocated to the company
  std::string bootstrap_password;
};
int SeedDemo(const Config& config, const DemoRequest& request);

// `kanri audit verify`: 0 only when every chain and checkpoint is intact.
int AuditVerify(const Config& config);
// `kanri audit checkpoint`: signs the head of every chain now.
int AuditCheckpoint(const Config& config);
// `kanri jobs run NAME [--now TIME]`: periodic jobs, run by hand or by a scheduler.
int RunJob(const Config& config, const std::string& name, const std::string& now);

}  // namespace kanri::app
