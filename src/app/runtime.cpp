#include "app/runtime.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/operations.h"
#include "base/crypto.h"
#include "db/migrations.h"

namespace kanri::app {

std::unique_ptr<Clock> MakeClock() {
#ifdef KANRI_TEST_HOOKS
  if (const char* file = std::getenv("KANRI_TEST_CLOCK_FILE"); file && *file)
    return std::make_unique<OffsetFileClock>(file);
#endif
  return std::make_unique<SystemClock>();
}

void PrepareDataDir(const Config& config) {
  namespace fs = std::filesystem;
  if (!fs::exists(config.data_dir)) {
    fs::create_directories(config.data_dir);
    fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace);
  }
}

Runtime::Runtime(const Config& config, std::size_t pool_size, std::unique_ptr<Clock> fixed_clock)
    : clock(fixed_clock ? std::move(fixed_clock) : MakeClock()),
      database((PrepareDataDir(config),
                db::Database::Open({.url = config.DatabaseUrl(), .pool_size = pool_size}))),
      companies(*database, *clock),
      accounts(*database, *clock),
      hasher(config.password_hash) {
  auto applied = db::ApplyMigrations(*database, db::EmbeddedMigrations(), *clock);
  for (const auto& name : applied) std::cerr << "applied migration " << name << "\n";
}

std::filesystem::path KeysDir(const Config& config) {
  return std::filesystem::path(config.data_dir) / "keys";
}

std::filesystem::path FirmwareDir(const Config& config) {
  return std::filesystem::path(config.data_dir) / "firmware";
}

audit::OperationHistory MakeOperationHistory(const Config& config, db::Database& db, const Clock& clock) {
  return audit::OperationHistory{db, clock, KeysDir(config) / "audit-checkpoints.log"};
}

int AuditVerify(const Config& config) {
  Runtime rt(config, 1);
  auto key = audit::SigningKey::LoadOrCreate(KeysDir(config));
  auto history = MakeOperationHistory(config, *rt.database, *rt.clock);
  const auto report = history.Verify(key);
  std::cout << "Checked " << report.chains << " chain(s), " << report.records << " record(s), "
            << report.checkpoints << " checkpoint(s).\n";
  if (report.ok) {
    std::cout << "The operation history is intact.\n";
    return 0;
  }
  for (const auto& p : report.problems) std::cout << "TAMPERED: " << p << "\n";
  return 1;
}

int AuditCheckpoint(const Config& config) {
  Runtime rt(config, 1);
  auto key = audit::SigningKey::LoadOrCreate(KeysDir(config));
  auto history = MakeOperationHistory(config, *rt.database, *rt.clock);
  std::cout << "Signed " << history.WriteCheckpoints(key) << " checkpoint(s).\n";
  return 0;
}

int RunJob(const Config& config, const std::string& name, const std::string& now_text) {
  std::unique_ptr<Clock> fixed;
  if (!now_text.empty()) {
#ifdef KANRI_TEST_HOOKS
    auto parsed = ParseUtc(now_text);
    if (!parsed) {
      std::cerr << "--now must be a UTC time like 2026-01-31T00:00:00Z\n";
      return 2;
    }
    fixed = std::make_unique<ManualClock>(*parsed);
#else
    std::cerr << "--now is accepted by test builds only\n";
    return 2;
#endif
  }
  Runtime rt(config, 1, std::move(fixed));
  auto key = audit::SigningKey::LoadOrCreate(KeysDir(config));
  auto history = MakeOperationHistory(config, *rt.database, *rt.clock);
  Operations ops(config, rt, history, key);
  auto run = ops.scheduler.RunNow(name, "command line");
  if (!run) {
    std::cerr << "unknown job '" << name << "'; jobs:";
    for (const auto& j : ops.scheduler.jobs()) std::cerr << " " << j.name;
    std::cerr << "\n";
    return 2;
  }
  if (!run->ran) {
    std::cerr << name << " is running now in another process; try again when it finished.\n";
    return 1;
  }
  if (!run->ok) {
    std::cerr << name << " failed: " << run->error << "\n";
    return 1;
  }
  std::cout << name << " done " << jobs::CountsJson(run->counts) << "\n";
  return 0;
}

int Migrate(const Config& config) {
  PrepareDataDir(config);
  auto clock = MakeClock();
  auto database = db::Database::Open({.url = config.DatabaseUrl(), .pool_size = 1});
  auto applied = db::ApplyMigrations(*database, db::EmbeddedMigrations(), *clock);
  if (applied.empty()) std::cout << "The database schema is up to date.\n";
  for (const auto& name : applied) std::cout << "Applied " << name << "\n";
  return 0;
}

int BootstrapSiteAdministrator(const Config& config, const BootstrapRequest& request) {
  const auto& [login, name, email, password_from_stdin, only_if_none] = request;
  Runtime rt(config, 1);
  const auto provider = ProviderScope::ForCommandLine();
  if (rt.accounts.AnySiteAdministrator(provider)) {
    if (only_if_none) return 0;
    std::cerr << "A site administrator already exists; bootstrap only creates the first one. Further site "
                 "administrators are created by an existing one.\n";
    return 1;
  }
  identity::NewAccount input{login, name.empty() ? login : name,
                             email.empty() ? login + "@kanri.invalid" : email,
                             identity::AccountKind::kSiteAdmin};
  if (auto s = identity::ValidateNewAccount(input); !s) {
    std::cerr << "--" << s.error().field << ": " << s.error().message << "\n";
    return 2;
  }
  std::string password;
  if (password_from_stdin) {
    std::getline(std::cin, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    if (auto s = rt.password_policy.Check(password, login, "password"); !s) {
      std::cerr << "The password was refused: " << s.error().message << "\n";
      return 2;
    }
  } else {
    password = RandomToken(15);  // 120 bits, 20 characters
  }
  auto created = rt.accounts.CreateSiteAdministrator(provider, input, rt.hasher.Hash(password));
  if (!created) {
    std::cerr << created.error().message << "\n";
    return 1;
  }
  std::cout << "Created site administrator '" << login << "'.\n";
  if (!password_from_stdin) std::cout << "Generated password: " << password << "\n";
  std::cout << "Log in with it, leaving the company ID empty.\n";
  return 0;
}

}  // namespace kanri::app
