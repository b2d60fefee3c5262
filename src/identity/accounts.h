// Accounts (アカウント情報): company administrators and general accounts, each inside one
// company, and site administrators, who belong to no company. Every company-side function
// takes the CompanyId it acts in and filters by it itself (SEC-8): an account of another
// company is simply not found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/page.h"
#include "base/result.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::identity {

enum class AccountKind { kSiteAdmin, kAdmin, kGeneral };
enum class AccountStatus { kActive, kLocked, kDisabled };
// Why a locked account is locked: by an administrator, or for inactivity (SEC-7), which only a
// site administrator lifts.
enum class LockReason { kAdministrator, kInactivity };
std::string_view ToString(AccountKind k);
std::string_view ToString(AccountStatus s);
std::optional<AccountKind> ParseCompanyAccountKind(std::string_view s);  // "admin" | "general"
std::optional<AccountStatus> ParseAccountStatus(std::string_view s);
std::string_view ToString(LockReason r);
// The languages mail and the console speak; accounts read "ja" unless they chose "en".
bool IsSupportedLanguage(std::string_view language);

struct Account {
  AccountId id;
  std::optional<CompanyId> company_id;  // empty for site administrators
  std::string login;
  std::string name;
  std::string email;
  AccountKind kind = AccountKind::kGeneral;
  AccountStatus status = AccountStatus::kActive;
  bool must_change_password = false;
  int failed_logins = 0;
  std::optional<Timestamp> locked_until;  // SEC-1 lockout after repeated failures
  std::optional<Timestamp> last_login_at;
  Timestamp created_at;
  Timestamp updated_at;
  std::string language = "ja";                      // of the mail it receives
  std::optional<LockReason> lock_reason;            // set while status is locked
  std::optional<Timestamp> locked_at;               // when status became locked
  std::optional<Timestamp> inactivity_reminded_at;  // SEC-7: reminder sent, no login since
  std::optional<Timestamp> totp_enabled_at;         // SEC-9: the second factor is on since

  // Locked by an administrator, or inside a SEC-1 lockout at `now`.
  bool IsLocked(Timestamp now) const {
    return status == AccountStatus::kLocked || (locked_until && now < *locked_until);
  }
};

struct NewAccount {
  std::string login;
  std::string name;
  std::string email;
  AccountKind kind = AccountKind::kGeneral;
};

struct AccountPatch {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<AccountStatus> status;
  std::optional<AccountKind> kind;      // admin | general (who may change it: api/accounts_api.cpp, SEC-5)
  std::optional<std::string> language;  // "ja" | "en"
};

// The longest login ID; a longer one cannot exist, so it is looked up as an unknown account
// and recorded clipped to this length (SEC-6).
inline constexpr std::size_t kMaxLoginLength = 64;

Status ValidateLogin(std::string_view login);
Status ValidateNewAccount(const NewAccount& a);

class AccountRepository {
 public:
  AccountRepository(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Company side: everything scoped by the caller's company.
  // The password of a new account was chosen by someone else (an administrator, the provider):
  // it is temporary, changed at the first login as after a reset (issue 18), and expires as a
  // reset one does. Only the site administrator the command line creates sets their own.
  Result<Account> Create(const CompanyId& company, const NewAccount& input, const std::string& password_hash);
  Result<Account> Get(const CompanyId& company, const AccountId& id);
  Page<Account> List(const CompanyId& company, const PageRequest& page);
  // Changing the status away from active ends the account's sessions at once. `actor` may
  // not change its own status (it would lock itself out) nor its own kind (SEC-5).
  Result<Account> Update(const CompanyId& company, const AccountId& id, const AccountPatch& patch,
                         const AccountId& actor);
  // Deletes the account, its sessions and its role grants; its history records stay (they
  // keep the login ID as it was). Refused for the caller itself and for the company's last
  // administrator (409).
  Result<Account> Delete(const CompanyId& company, const AccountId& id, const AccountId& actor);
  // A temporary password set by a company administrator: must be changed at next login;
  // clears a SEC-1 lockout and ends the account's sessions.
  Result<Account> ResetPassword(const CompanyId& company, const AccountId& id,
                                const std::string& password_hash);

  // Provider side.
  Result<Account> CreateSiteAdministrator(const ProviderScope& scope, const NewAccount& input,
                                          const std::string& password_hash);
  // The first administrator of a company; refused (409) once the company has one.
  Result<Account> CreateFirstAdministrator(const ProviderScope& scope, const CompanyId& company,
                                           const NewAccount& input, const std::string& password_hash);
  bool AnySiteAdministrator(const ProviderScope& scope);
  // Accounts of every company that cannot log in because of a lock (administrator, SEC-1
  // lockout or, later, inactivity), with their company's code.
  std::vector<std::pair<Account, std::string>> ListLocked(const ProviderScope& scope, Timestamp now);
  // Site administrators lift locks (SEC-7: only they can lift an inactivity lock).
  Result<Account> Unlock(const ProviderScope& scope, const AccountId& id);

  // The logged-in account acting on itself (its id comes from its session).
  Result<Account> GetSelf(const AccountId& self);
  std::optional<std::string> GetPasswordHash(const AccountId& self);
  // Stores a new hash chosen by the account itself; ends its other sessions.
  Status ChangeOwnPassword(const AccountId& self, const std::string& password_hash,
                           const SessionId& keep_session);
  // Upgrades the stored hash after a login when parameters were raised (DATA-3).
  void ReplaceHash(const AccountId& self, const std::string& old_hash, const std::string& new_hash);

 private:
  // temporary: the password must be changed at the first login.
  Result<Account> Insert(db::Lease& lease, const std::optional<CompanyId>& company, const NewAccount& input,
                         const std::string& password_hash, bool temporary);
  db::Database& db_;
  const Clock& clock_;
};

// Row mapping shared with the login and session code.
extern const char* const kAccountColumns;  // "a.id, a.company_id, …" (alias a)
Account ReadAccount(const soci::row& r, std::size_t first = 0);
constexpr std::size_t kAccountColumnCount = 18;
// The active administrators of a company (who are told about its accounts), in login order.
std::vector<Account> ActiveAdministrators(db::Lease& lease, const CompanyId& company);
// The active site administrators (who are told about the service, SEC-2).
std::vector<Account> ActiveSiteAdministrators(db::Lease& lease);
// Ends every login session of an account (a lock, a deletion), inside the caller's transaction.
void EndAccountSessions(db::Lease& lease, const AccountId& id);
// Removes an account's row with its sessions and role grants, inside the caller's transaction.
void DeleteAccountRows(db::Lease& lease, const AccountId& id);
// DATA-6: removes every account of a company with its sessions and role grants, inside the
// caller's transaction; returns how many accounts.
std::int64_t DeleteCompanyAccountRows(db::Lease& lease, const CompanyId& company);

}  // namespace kanri::identity
