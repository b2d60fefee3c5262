// Who a domain call acts for. Tenancy is a type, not a habit (ARCHITECTURE.md): every
// function that touches a company's data takes a CompanyId and builds its own
// `WHERE company_id = ?`; provider-wide functions take a ProviderScope, which only the
// access layer (a logged-in site administrator) or the CLI creates.
#pragma once

#include "base/ids.h"

namespace kanri {

class ProviderScope {
 public:
  // `actor` is the site administrator's account, or empty for the command line.
  static ProviderScope ForSiteAdministrator(AccountId actor) { return ProviderScope{std::move(actor)}; }
  static ProviderScope ForCommandLine() { return ProviderScope{AccountId{}}; }
  const AccountId& actor() const { return actor_; }

 private:
  explicit ProviderScope(AccountId actor) : actor_(std::move(actor)) {}
  AccountId actor_;
};

}  // namespace kanri
