// Companies (会社ID) and their contracts: the tenants. Created and changed only by the
// provider (ProviderScope); a company's own accounts may read their own company.
#pragma once

#include <optional>
#include <string>

#include "base/ids.h"
#include "base/page.h"
#include "base/result.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::tenancy {

enum class CompanyStatus { kActive, kSuspended, kEnded };
std::string_view ToString(CompanyStatus s);
std::optional<CompanyStatus> ParseCompanyStatus(std::string_view s);

struct Company {
  CompanyId id;
  std::string code;  // 会社ID as chosen by the provider; unique, case-insensitive
  std::string name;
  Date contract_start;
  std::optional<Date> contract_end;
  CompanyStatus status = CompanyStatus::kActive;
  Timestamp created_at;
  Timestamp updated_at;
  // A lab setting of the provider's (DEV-1): the company's profiles may admit devices without
  // a credential (device_auth.mode none). Off by default.
  bool allow_unauthenticated_devices = false;

  // Whether the company's accounts may log in on `today` (JST calendar date).
  bool InService(Date today) const;
};

struct NewCompany {
  std::string code;
  std::string name;
  Date contract_start;
  std::optional<Date> contract_end;
};

struct CompanyPatch {
  std::optional<std::string> name;
  std::optional<Date> contract_start;
  std::optional<std::optional<Date>> contract_end;  // set to nullopt-in-optional to clear
  std::optional<CompanyStatus> status;
  std::optional<bool> allow_unauthenticated_devices;
};

// Validation shared by create and patch; returns the field at fault.
Status ValidateCompanyCode(std::string_view code);
Status ValidateCompanyName(std::string_view name);

class CompanyRepository {
 public:
  CompanyRepository(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<Company> Create(const ProviderScope& scope, const NewCompany& input);
  Result<Company> Get(const ProviderScope& scope, const CompanyId& id);
  Page<Company> List(const ProviderScope& scope, const PageRequest& page);
  Result<Company> Update(const ProviderScope& scope, const CompanyId& id, const CompanyPatch& patch);

  // A company reading itself (its own accounts see their company's name and contract).
  Result<Company> GetOwn(const CompanyId& own);
  // Login looks a company up by its code (case-insensitive).
  std::optional<Company> FindByCode(std::string_view code);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace kanri::tenancy
