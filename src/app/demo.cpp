// `kanri admin demo`: a demo company for a first look (issue 5: the run command can start the
// service with a simulated fleet). Creates, when missing, the company DEMO, its administrator
// "demo" (password generated and printed once), the provider's allocation of the simulator's
// routers (OUI and serial prefix) to it, and a profile that attaches them with a bootstrap
// credential that is rotated on first contact.
#include <iostream>

#include "app/runtime.h"
#include "base/crypto.h"
#include "devices/allocations.h"
#include "devices/profiles.h"
#include "devices/secrets.h"

namespace kanri::app {

int SeedDemo(const Config& config, const DemoRequest& request) {
  Runtime rt(config, 1);
  const auto provider = ProviderScope::ForCommandLine();
  std::optional<tenancy::Company> company = rt.companies.FindByCode(request.company_code);
  if (!company) {
    auto created = rt.companies.Create(provider, {request.company_code, "デモ株式会社",
                                                  Date::FromTimestampJst(rt.clock->Now()), std::nullopt});
    if (!created) {
      std::cerr << "The demo company could not be created: " << created.error().message << "\n";
      return 1;
    }
    company = *created;
    const std::string password = RandomToken(15);
    auto admin = rt.accounts.CreateFirstAdministrator(
        provider, company->id, {"demo", "デモ管理者", "demo@kanri.invalid", identity::AccountKind::kAdmin},
        rt.hasher.Hash(password));
    if (!admin) {
      std::cerr << "The demo administrator could not be created: " << admin.error().message << "\n";
      return 1;
    }
    std::cout << "Created the demo company " << request.company_code << ". Log in with company ID "
              << request.company_code << ", login ID demo, password " << password
              << " (temporary: you choose your own at the first login)\n";
  }
  devices::AllocationRepository allocations{*rt.database, *rt.clock};
  bool allocated = false;
  for (const auto& a : allocations.List(company->id, {}, {.limit = 200}).items)
    allocated |= a.oui == request.oui && a.serial_prefix == request.serial_prefix;
  if (!allocated) {
    devices::NewAllocation a{.company_id = company->id,
                             .oui = request.oui,
                             .serial_prefix = request.serial_prefix,
                             .note = "demo routers (kanri sim)"};
    if (auto created = allocations.Create(provider, a, "kanri"); !created) {
      std::cerr << "The demo routers could not be allocated: " << created.error().message << "\n";
      return 1;
    }
  }
  const auto secrets = devices::DeviceSecrets::LoadOrCreate(KeysDir(config));
  devices::ProfileRepository profiles{*rt.database, *rt.clock, secrets};
  bool has_profile = false;
  for (const auto& p : profiles.List(company->id, {.limit = 200}).items) has_profile |= p.name == "デモ機";
  if (!has_profile) {
    devices::NewProfile p;
    p.name = "デモ機";
    p.match.oui = request.oui;
    p.auth_mode = devices::AuthMode::kRotate;
    p.auth_username = "demo-bootstrap";
    p.auth_password = request.bootstrap_password;
    p.periodic_inform_interval = 60;
    if (auto created = profiles.Create(company->id, p); !created) {
      std::cerr << "The demo profile could not be created: " << created.error().message << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace kanri::app
