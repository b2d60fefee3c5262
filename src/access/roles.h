// Roles (SEC-5): named sets of company permissions that company administrators give to
// their accounts. Every company has three built-in roles (管理者 Administrator,
// オペレーター Operator, 閲覧者 Viewer) that cannot be changed, and may add its own.
//
// An account's permissions are computed on every request (Policy::PermissionsOf), so a
// change to a role or to an account's roles applies from the next request, with no new
// login.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "access/permissions.h"
#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "identity/accounts.h"

namespace kanri::access {

struct Role {
  std::string id;  // "builtin.operator" for built-ins, an opaque ID otherwise
  std::string name;
  std::string name_en;  // built-ins only; custom roles have one name
  std::string description;
  std::vector<std::string> permissions;  // catalog names, catalog order
  bool builtin = false;
  std::optional<Timestamp> created_at;
  std::optional<Timestamp> updated_at;
};

struct NewRole {
  std::string name;
  std::string description;
  std::vector<std::string> permissions;
};

struct RolePatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> permissions;
};

const std::vector<Role>& BuiltinRoles();

// Validates permission names for a company role (known, company scope) and puts them in catalog
// order without duplicates; InvalidArgument("permissions") otherwise.
Result<std::vector<std::string>> NormalizePermissions(const std::vector<std::string>& names);

class RoleRepository {
 public:
  RoleRepository(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Built-ins first, then the company's own roles by name.
  std::vector<Role> List(const CompanyId& company);
  Result<Role> Get(const CompanyId& company, const std::string& id);
  Result<Role> Create(const CompanyId& company, const NewRole& input);
  Result<Role> Update(const CompanyId& company, const std::string& id, const RolePatch& patch);
  // Also takes the role away from every account that held it.
  Status Delete(const CompanyId& company, const std::string& id);

  // Replaces an account's roles; every ID must be a role of this company (or a built-in).
  Status SetAccountRoles(const CompanyId& company, const AccountId& account,
                         const std::vector<std::string>& role_ids);
  std::vector<std::string> AccountRoles(const CompanyId& company, const AccountId& account);
  // The union of the permissions of `role_ids` (roles of this company or built-ins); an unknown
  // ID is an InvalidArgument error on field "roles".
  Result<PermissionSet> PermissionsOfRoles(const CompanyId& company,
                                           const std::vector<std::string>& role_ids);

 private:
  db::Database& db_;
  const Clock& clock_;
};

// DATA-6: removes a company's own roles, inside the caller's transaction, once its accounts (and
// with them every grant) are gone (identity::DeleteCompanyAccountRows); returns how many.
std::int64_t DeleteCompanyRoleRows(db::Lease& lease, const CompanyId& company);

// What an account may do now: a site administrator holds every provider permission; a
// company administrator every company permission; a general account the union of its
// roles'.
class Policy {
 public:
  explicit Policy(db::Database& db) : db_(db) {}
  PermissionSet PermissionsOf(const identity::Account& account);

 private:
  db::Database& db_;
};

}  // namespace kanri::access
