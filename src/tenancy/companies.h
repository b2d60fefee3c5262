// Companies (会社ID) and their contracts: the tenants. Created and changed only by the
// provider (ProviderScope); a company's own accounts may read their own company.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/net.h"
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

// SEC-4: where a company's accounts may sign in from. Off by default; when on, logins, sessions
// and API tokens from addresses outside the list are refused.
inline constexpr std::size_t kMaxAllowlistEntries = 100;
struct SignInPolicy {
  bool ip_restriction_enabled = false;
  std::vector<IpNetwork> ip_allowlist;
  // SEC-9: every account must use a TOTP second factor (enrolment at the next login).
  bool totp_required = false;

  // Whether `address` (HttpRequest::client_ip) may sign in: always while the restriction is off.
  bool Admits(std::string_view address) const {
    return !ip_restriction_enabled || AnyContains(ip_allowlist, address);
  }
  // The two columns of companies (ip_restriction_enabled, ip_allowlist: canonical networks
  // separated by spaces).
  static SignInPolicy FromColumns(long long enabled, std::string_view allowlist, long long totp_required);
  std::string AllowlistColumn() const;
};
// The list as people type it: each entry an address or a CIDR with no bits set past its prefix
// ("192.0.2.0/24", not "192.0.2.7/24"), no entry twice, at most kMaxAllowlistEntries.
Result<std::vector<IpNetwork>> ParseAllowlist(const std::vector<std::string>& entries);

// What authenticating a request (login, session, API token) reads of the company: whether it is
// in service today and where it may sign in from. Queries select kAccessColumns (a company
// aliased c) and read them with Read; a missing company (LEFT JOIN) is not in service.
struct CompanyAccess {
  static constexpr const char* kColumns =
      "c.status, c.contract_start, c.contract_end, c.ip_restriction_enabled, c.ip_allowlist, c.totp_required";
  static constexpr std::size_t kColumnCount = 6;
  bool in_service = false;
  SignInPolicy sign_in;

  static CompanyAccess Read(const soci::row& r, std::size_t first, Date today);
};

struct SignInPolicyPatch {
  std::optional<bool> ip_restriction_enabled;
  std::optional<std::vector<IpNetwork>> ip_allowlist;
  std::optional<bool> totp_required;
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
  // SEC-4. The provider's routes and a company's own settings routes both come here; the API
  // decides who may. `caller_address` is set when the caller is one of the company's own
  // accounts: a change that would leave that address outside is refused (422
  // would_lock_out_caller), in the transaction that makes it.
  Result<SignInPolicy> SignIn(const CompanyId& id);
  Result<SignInPolicy> UpdateSignIn(const CompanyId& id, const SignInPolicyPatch& patch,
                                    const std::optional<std::string>& caller_address);
  // DEV-5: whether the company's operators may open remote logins to its devices (on unless the
  // company's application form switched it off).
  Result<bool> RemoteLoginEnabled(const CompanyId& id);
  Result<bool> SetRemoteLoginEnabled(const CompanyId& id, bool enabled);
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
