#include "access/grants.h"

namespace kanri::access {
namespace {

using identity::AccountKind;

bool IsAdministrator(const Grantor& g) {
  return g.kind == AccountKind::kAdmin;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

GrantCheck ExceedsOwn(const Grantor& grantor, const PermissionSet& granted, std::string field,
                      std::string_view what) {
  const PermissionSet missing = granted.Without(grantor.held);
  if (missing.empty()) return std::nullopt;
  return GrantRefusal{
      kGrantExceedsOwnPermissions,
      std::string(what) + " permissions this account does not hold itself: " + Join(missing.Names()),
      std::move(field)};
}

GrantRefusal AdministratorOnly(std::string message, std::string field = "") {
  return GrantRefusal{kAdministratorOnly, std::move(message), std::move(field)};
}

}  // namespace

GrantCheck CheckAccountCreation(const Grantor& grantor, AccountKind kind, const PermissionSet& granted) {
  if (kind == AccountKind::kAdmin && !IsAdministrator(grantor))
    return AdministratorOnly("Only a company administrator can create an administrator.", "kind");
  return ExceedsOwn(grantor, granted, "roles", "The roles would grant");
}

GrantCheck CheckAccountChange(const Grantor& grantor, const identity::Account& target,
                              std::optional<AccountKind> new_kind, bool roles_changed,
                              const PermissionSet& granted) {
  const bool kind_changes = new_kind && *new_kind != target.kind;
  if (target.id == grantor.id && (roles_changed || kind_changes))
    return GrantRefusal{kOwnRolesOrKind, "An account cannot change its own roles or kind.",
                        roles_changed ? "roles" : "kind"};
  if (!IsAdministrator(grantor)) {
    if (target.kind == AccountKind::kAdmin)
      return AdministratorOnly("Only a company administrator can change an administrator's account.");
    if (kind_changes)
      return AdministratorOnly("Only a company administrator can change an account's kind.", "kind");
  }
  return ExceedsOwn(grantor, granted, "roles", "The roles would grant");
}

GrantCheck CheckPasswordReset(const Grantor& grantor, const identity::Account& target) {
  if (target.kind == AccountKind::kAdmin && !IsAdministrator(grantor))
    return AdministratorOnly("Only a company administrator can reset an administrator's password.");
  return std::nullopt;
}

GrantCheck CheckRoleEdit(const Grantor& grantor, const PermissionSet& would_have) {
  return ExceedsOwn(grantor, would_have, "permissions", "The role would have");
}

}  // namespace kanri::access
