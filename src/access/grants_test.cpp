#include "access/grants.h"

#include <gtest/gtest.h>

namespace kanri::access {
namespace {

using identity::AccountKind;

identity::Account AccountOf(const char* id, AccountKind kind) {
  identity::Account a;
  a.id = AccountId{id};
  a.kind = kind;
  return a;
}

class Grants : public ::testing::Test {
 protected:
  // A general account managing accounts and roles, and reading devices.
  Grantor clerk_{AccountId{"clerk"}, AccountKind::kGeneral,
                 PermissionSet::FromNames({"accounts.write", "roles.write", "devices.read"})};
  Grantor admin_{AccountId{"admin"}, AccountKind::kAdmin, PermissionSet::AllOf(PermissionScope::kCompany)};
  identity::Account general_ = AccountOf("hana", AccountKind::kGeneral);
  identity::Account administrator_ = AccountOf("boss", AccountKind::kAdmin);
};

TEST_F(Grants, SEC_5_GrantsOnlyWhatTheGrantorHolds) {
  EXPECT_FALSE(
      CheckAccountCreation(clerk_, AccountKind::kGeneral, PermissionSet::FromNames({"devices.read"})));
  auto refused = CheckAccountCreation(clerk_, AccountKind::kGeneral,
                                      PermissionSet::FromNames({"devices.read", "devices.reboot"}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, kGrantExceedsOwnPermissions);
  EXPECT_NE(refused->message.find("devices.reboot"), std::string::npos);
  EXPECT_EQ(refused->message.find("devices.read"), std::string::npos);
  EXPECT_TRUE(CheckRoleEdit(clerk_, PermissionSet::FromNames({"audit.read"})));
  EXPECT_FALSE(CheckRoleEdit(clerk_, PermissionSet::FromNames({"accounts.write"})));
  EXPECT_FALSE(CheckRoleEdit(admin_, PermissionSet::AllOf(PermissionScope::kCompany)));
}

TEST_F(Grants, SEC_5_OnlyAdministratorsMakeOrTouchAdministrators) {
  EXPECT_EQ(CheckAccountCreation(clerk_, AccountKind::kAdmin, {})->code, kAdministratorOnly);
  EXPECT_EQ(CheckAccountChange(clerk_, general_, AccountKind::kAdmin, false, {})->code, kAdministratorOnly);
  EXPECT_EQ(CheckAccountChange(clerk_, administrator_, std::nullopt, false, {})->code, kAdministratorOnly);
  EXPECT_EQ(CheckPasswordReset(clerk_, administrator_)->code, kAdministratorOnly);
  EXPECT_FALSE(CheckPasswordReset(clerk_, general_));
  EXPECT_FALSE(CheckAccountCreation(admin_, AccountKind::kAdmin, {}));
  EXPECT_FALSE(CheckAccountChange(admin_, general_, AccountKind::kAdmin, false, {}));
  EXPECT_FALSE(CheckPasswordReset(admin_, administrator_));
}

TEST_F(Grants, SEC_5_NobodyChangesTheirOwnRolesOrKind) {
  const identity::Account self = AccountOf("clerk", AccountKind::kGeneral);
  EXPECT_EQ(CheckAccountChange(clerk_, self, std::nullopt, true, {})->code, kOwnRolesOrKind);
  const identity::Account admin_self = AccountOf("admin", AccountKind::kAdmin);
  EXPECT_EQ(CheckAccountChange(admin_, admin_self, AccountKind::kGeneral, false, {})->code, kOwnRolesOrKind);
  EXPECT_FALSE(CheckAccountChange(admin_, admin_self, AccountKind::kAdmin, false, {})) << "no change of kind";
  EXPECT_FALSE(CheckAccountChange(clerk_, self, std::nullopt, false, {})) << "name or email of oneself";
}

}  // namespace
}  // namespace kanri::access
