// Companies (会社ID) and their contracts: the tenants. Created and changed only by the
// provider (ProviderScope); a company's own accounts may read their own company.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

  // DATA-6: how far the deletion after the contract's end has gone (ContractEndStage).
  int deletion_stage = 0;

  // Whether the company's accounts may log in on `today` (JST calendar date).
  bool InService(Date today) const;
  // Whether the contract has ended by `today` (its end date passed, or the provider set the
  // status to ended): the company's profiles no longer onboard new devices.
  bool ContractEnded(Date today) const;
};

// DATA-6: after the contract's last day, the company is deleted in steps over the grace period:
// its accounts at a third of it, its configuration (profiles, allocations, groups, jobs, tasks;
// its devices detached) at two thirds, and its firmware files and the company itself at the end.
enum ContractEndStage : int { kNothingDeleted = 0, kAccountsDeleted = 1, kConfigurationDeleted = 2 };
struct DeletionSchedule {
  Timestamp ended_at;  // 00:00 JST after contract_end
  Timestamp accounts_at;
  Timestamp configuration_at;
  Timestamp company_at;
};
// Only for a company with a contract end date (a status of ended alone deletes nothing).
std::optional<DeletionSchedule> DeletionScheduleOf(const Company& company, Millis grace);

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

  // DATA-6: the companies whose contract_end is before `today` (JST), oldest end first.
  std::vector<Company> PastContractEnd(const ProviderScope& scope, Date today);
  // Records that a deletion step is done, in the caller's transaction; and the last step.
  static void SetDeletionStage(db::Lease& lease, const CompanyId& id, ContractEndStage stage);
  static void DeleteRow(db::Lease& lease, const CompanyId& id);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace kanri::tenancy
