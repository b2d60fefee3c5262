#include "access/roles.h"

#include <algorithm>
#include <sstream>

#include "base/text.h"

namespace kanri::access {
namespace {

constexpr long kMaxRoleName = 64;
constexpr long kMaxDescription = 500;

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::vector<std::string> SplitNames(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string n; in >> n;) out.push_back(n);
  return out;
}

Status ValidateName(std::string_view name) {
  long n = Utf8Length(name);
  if (n < 1 || n > kMaxRoleName) return InvalidArgument("name", "name must be 1-64 characters of UTF-8 text");
  return Ok{};
}

Status ValidateDescription(std::string_view d) {
  long n = Utf8Length(d);
  if (n < 0 || n > kMaxDescription)
    return InvalidArgument("description", "description must be at most 500 characters");
  return Ok{};
}

const Role* FindBuiltin(std::string_view id) {
  for (const auto& r : BuiltinRoles())
    if (r.id == id) return &r;
  return nullptr;
}

bool NameTaken(db::Lease& lease, const CompanyId& company, const std::string& name,
               const std::string& except_id) {
  const std::string key = AsciiLower(name);
  for (const auto& b : BuiltinRoles())
    if (AsciiLower(b.name) == key || AsciiLower(b.name_en) == key) return true;
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM roles WHERE company_id = :c AND name_key = :k AND id <> :id",
      soci::use(company.value()), soci::use(key), soci::use(except_id), soci::into(n);
  return n > 0;
}

std::optional<Role> SelectCustom(db::Lease& lease, const CompanyId& company, const std::string& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT id, name, description, permissions, created_at, updated_at FROM roles "
                              "WHERE company_id = :c AND id = :id",
       soci::use(company.value()), soci::use(id));
  for (const auto& r : rows) {
    Role role;
    role.id = r.get<std::string>(0);
    role.name = r.get<std::string>(1);
    role.description = r.get<std::string>(2);
    role.permissions = SplitNames(r.get<std::string>(3));
    role.created_at = FromUnixMillis(r.get<long long>(4));
    role.updated_at = FromUnixMillis(r.get<long long>(5));
    return role;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> NormalizePermissions(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    auto i = PermissionIndex(n);
    if (!i) return InvalidArgument("permissions", "unknown permission '" + n + "'");
    if (Catalog()[*i].scope != PermissionScope::kCompany)
      return InvalidArgument("permissions",
                             "'" + n + "' is a provider permission and cannot be in a company role");
  }
  return PermissionSet::FromNames(names).Names();
}

const std::vector<Role>& BuiltinRoles() {
  static const std::vector<Role> roles = [] {
    auto all = PermissionSet::AllOf(PermissionScope::kCompany).Names();
    std::vector<Role> r;
    r.push_back({"builtin.administrator", "管理者", "Administrator",
                 "会社内のすべての機能 / Everything in the company", all, true});
    r.push_back(
        {"builtin.operator", "オペレーター", "Operator", "装置の運用 / Operates devices",
         PermissionSet::FromNames({"devices.read", "devices.configure", "devices.reboot", "devices.firmware",
                                   "devices.remote_login", "profiles.read", "audit.read"})
             .Names(),
         true});
    r.push_back({"builtin.viewer", "閲覧者", "Viewer", "閲覧のみ / Read only",
                 PermissionSet::FromNames({"devices.read", "profiles.read"}).Names(), true});
    return r;
  }();
  return roles;
}

std::vector<Role> RoleRepository::List(const CompanyId& company) {
  std::vector<Role> out = BuiltinRoles();
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT id FROM roles WHERE company_id = :c ORDER BY name_key",
       soci::use(company.value()));
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.get<std::string>(0));
  for (const auto& id : ids)
    if (auto role = SelectCustom(lease, company, id)) out.push_back(std::move(*role));
  return out;
}

Result<Role> RoleRepository::Get(const CompanyId& company, const std::string& id) {
  if (const Role* b = FindBuiltin(id)) return *b;
  auto lease = db_.Acquire();
  auto role = SelectCustom(lease, company, id);
  if (!role) return NotFound("role not found");
  return *role;
}

Result<Role> RoleRepository::Create(const CompanyId& company, const NewRole& input) {
  if (auto s = ValidateName(input.name); !s) return s.error();
  if (auto s = ValidateDescription(input.description); !s) return s.error();
  auto perms = NormalizePermissions(input.permissions);
  if (!perms) return perms.error();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  Role role{GenerateOpaqueId(), input.name, "", input.description, *perms, false, clock_.Now(), clock_.Now()};
  if (NameTaken(lease, company, role.name, role.id))
    return Error{ErrorCode::kConflict, "a role with this name already exists", "name", "role_name_taken"};
  const std::string key = AsciiLower(role.name), joined = JoinNames(role.permissions);
  long long now = ToUnixMillis(*role.created_at);
  lease.sql() << "INSERT INTO roles (id, company_id, name, name_key, description, permissions, created_at, "
                 "updated_at) "
                 "VALUES (:id, :c, :n, :k, :d, :p, :t1, :t2)",
      soci::use(role.id), soci::use(company.value()), soci::use(role.name), soci::use(key),
      soci::use(role.description), soci::use(joined), soci::use(now), soci::use(now);
  tx.Commit();
  return role;
}

Result<Role> RoleRepository::Update(const CompanyId& company, const std::string& id, const RolePatch& patch) {
  if (patch.name)
    if (auto s = ValidateName(*patch.name); !s) return s.error();
  if (patch.description)
    if (auto s = ValidateDescription(*patch.description); !s) return s.error();
  std::optional<std::vector<std::string>> perms;
  if (patch.permissions) {
    auto p = NormalizePermissions(*patch.permissions);
    if (!p) return p.error();
    perms = *p;
  }
  if (FindBuiltin(id)) return Conflict("built-in roles cannot be changed", "builtin_role");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectCustom(lease, company, id);
  if (!current) return NotFound("role not found");
  Role role = *current;
  if (patch.name) {
    if (NameTaken(lease, company, *patch.name, id))
      return Error{ErrorCode::kConflict, "a role with this name already exists", "name", "role_name_taken"};
    role.name = *patch.name;
  }
  if (patch.description) role.description = *patch.description;
  if (perms) role.permissions = *perms;
  role.updated_at = clock_.Now();
  const std::string key = AsciiLower(role.name), joined = JoinNames(role.permissions);
  long long now = ToUnixMillis(*role.updated_at);
  lease.sql()
      << "UPDATE roles SET name = :n, name_key = :k, description = :d, permissions = :p, updated_at = :t "
         "WHERE company_id = :c AND id = :id",
      soci::use(role.name), soci::use(key), soci::use(role.description), soci::use(joined), soci::use(now),
      soci::use(company.value()), soci::use(id);
  tx.Commit();
  return role;
}

Status RoleRepository::Delete(const CompanyId& company, const std::string& id) {
  if (FindBuiltin(id)) return Conflict("built-in roles cannot be deleted", "builtin_role");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!SelectCustom(lease, company, id)) return NotFound("role not found");
  lease.sql() << "DELETE FROM account_roles WHERE company_id = :c AND role_id = :id",
      soci::use(company.value()), soci::use(id);
  lease.sql() << "DELETE FROM roles WHERE company_id = :c AND id = :id", soci::use(company.value()),
      soci::use(id);
  tx.Commit();
  return Ok{};
}

Status RoleRepository::SetAccountRoles(const CompanyId& company, const AccountId& account,
                                       const std::vector<std::string>& role_ids) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id = :c AND id = :a",
      soci::use(company.value()), soci::use(account.value()), soci::into(exists);
  if (!exists) return NotFound("account not found");
  std::vector<std::string> ids = role_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const auto& id : ids) {
    if (FindBuiltin(id)) continue;
    if (!SelectCustom(lease, company, id)) return InvalidArgument("roles", "unknown role '" + id + "'");
  }
  lease.sql() << "DELETE FROM account_roles WHERE company_id = :c AND account_id = :a",
      soci::use(company.value()), soci::use(account.value());
  for (const auto& id : ids) {
    lease.sql() << "INSERT INTO account_roles (company_id, account_id, role_id) VALUES (:c, :a, :r)",
        soci::use(company.value()), soci::use(account.value()), soci::use(id);
  }
  tx.Commit();
  return Ok{};
}

std::vector<std::string> RoleRepository::AccountRoles(const CompanyId& company, const AccountId& account) {
  auto lease = db_.Acquire();
  std::vector<std::string> out;
  soci::rowset<std::string> rows =
      (lease.sql().prepare << "SELECT role_id FROM account_roles WHERE company_id = :c AND account_id = :a "
                              "ORDER BY role_id",
       soci::use(company.value()), soci::use(account.value()));
  for (const auto& r : rows) out.push_back(r);
  return out;
}

Result<PermissionSet> RoleRepository::PermissionsOfRoles(const CompanyId& company,
                                                         const std::vector<std::string>& role_ids) {
  PermissionSet out;
  for (const auto& id : role_ids) {
    auto role = Get(company, id);
    if (!role) return InvalidArgument("roles", "unknown role '" + id + "'");
    out.Merge(PermissionSet::FromNames(role->permissions));
  }
  return out;
}

PermissionSet Policy::PermissionsOf(const identity::Account& account) {
  using identity::AccountKind;
  if (account.kind == AccountKind::kSiteAdmin) return PermissionSet::AllOf(PermissionScope::kProvider);
  if (account.kind == AccountKind::kAdmin || !account.company_id) {
    return account.company_id ? PermissionSet::AllOf(PermissionScope::kCompany) : PermissionSet{};
  }
  PermissionSet out;
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << "SELECT ar.role_id, r.permissions FROM account_roles ar LEFT JOIN roles r "
                              "ON r.id = ar.role_id AND r.company_id = ar.company_id "
                              "WHERE ar.company_id = :c AND ar.account_id = :a",
       soci::use(account.company_id->value()), soci::use(account.id.value()));
  for (const auto& r : rows) {
    const std::string id = r.get<std::string>(0);
    if (const Role* b = FindBuiltin(id)) {
      out.Merge(PermissionSet::FromNames(b->permissions));
    } else if (r.get_indicator(1) != soci::i_null) {
      out.Merge(PermissionSet::FromNames(SplitNames(r.get<std::string>(1))));
    }
  }
  return out;
}

std::int64_t DeleteCompanyRoleRows(db::Lease& lease, const CompanyId& company) {
  long long n = 0;
  lease.sql() << "SELECT COUNT(*) FROM roles WHERE company_id = :c", soci::use(company.value()),
      soci::into(n);
  lease.sql() << "DELETE FROM roles WHERE company_id = :c", soci::use(company.value());
  return n;
}

}  // namespace kanri::access
