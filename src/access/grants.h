// No escalation inside a company (SEC-5): what an account may grant, to others or to itself.
//
//   - An account grants only permissions it holds itself; giving an account a role grants the
//     role's permissions, and a custom role is created or edited only by someone who holds every
//     permission it would have afterwards.
//   - Only company administrators create administrators, promote an account to administrator
//     (or demote one), reset an administrator's password or change an administrator's account.
//   - Nobody changes their own roles or kind.
//
// The API asks before it changes anything and answers a refusal with 403 and its code:
//
//   if (auto refusal = access::CheckRoleEdit(GrantorOf(ctx), would_have)) throw ApiError(...);
#pragma once

#include <optional>
#include <string>

#include "access/permissions.h"
#include "base/ids.h"
#include "identity/accounts.h"

namespace kanri::access {

// The account granting, with the permissions it holds now.
struct Grantor {
  AccountId id;
  identity::AccountKind kind = identity::AccountKind::kGeneral;
  PermissionSet held;
};

// Problem codes of a refusal (all answered with 403).
inline constexpr char kGrantExceedsOwnPermissions[] = "grant_exceeds_own_permissions";
inline constexpr char kAdministratorOnly[] = "administrator_only";
inline constexpr char kOwnRolesOrKind[] = "own_roles_or_kind";

struct GrantRefusal {
  std::string code;
  std::string message;
  std::string field;  // the request field that asked for it
};
using GrantCheck = std::optional<GrantRefusal>;

// A new account of `kind` holding the roles whose permissions are `granted`.
GrantCheck CheckAccountCreation(const Grantor& grantor, identity::AccountKind kind,
                                const PermissionSet& granted);
// A change of `target`: `new_kind` when the kind changes, `roles_changed` when its roles are
// replaced, `granted` the permissions of the roles it gains.
GrantCheck CheckAccountChange(const Grantor& grantor, const identity::Account& target,
                              std::optional<identity::AccountKind> new_kind, bool roles_changed,
                              const PermissionSet& granted);
GrantCheck CheckPasswordReset(const Grantor& grantor, const identity::Account& target);
// A custom role that will hold `would_have` once created or edited.
GrantCheck CheckRoleEdit(const Grantor& grantor, const PermissionSet& would_have);

}  // namespace kanri::access
