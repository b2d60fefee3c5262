#include "access/roles.h"

#include <gtest/gtest.h>

#include "db/test_database.h"
#include "tenancy/companies.h"

namespace kanri::access {
namespace {

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto provider = ProviderScope::ForCommandLine();
    acme_ = companies_.Create(provider, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})->id;
    beta_ = companies_.Create(provider, {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt})->id;
    hana_ =
        *accounts_.Create(acme_, {"hana", "Hana", "hana@acme.example", identity::AccountKind::kGeneral}, "h");
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  identity::AccountRepository accounts_{tdb_.db(), clock_};
  RoleRepository roles_{tdb_.db(), clock_};
  Policy policy_{tdb_.db()};
  CompanyId acme_, beta_;
  identity::Account hana_;
};

TEST_F(RolesTest, SEC_5_EveryCompanyHasTheThreeBuiltInRoles) {
  auto list = roles_.List(acme_);
  ASSERT_GE(list.size(), 3u);
  EXPECT_EQ(list[0].name, "管理者");
  EXPECT_EQ(list[1].name_en, "Operator");
  EXPECT_EQ(list[2].name, "閲覧者");
  EXPECT_EQ(PermissionSet::FromNames(list[0].permissions), PermissionSet::AllOf(PermissionScope::kCompany));
  EXPECT_EQ(roles_.Update(acme_, "builtin.viewer", {.name = "x"}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(roles_.Delete(acme_, "builtin.viewer").error().code, ErrorCode::kConflict);
}

TEST_F(RolesTest, SEC_5_CustomRolesRefuseUnknownAndProviderPermissions) {
  auto bad = roles_.Create(acme_, {"Support", "", {"devices.read", "devices.fly"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "permissions");
  EXPECT_FALSE(roles_.Create(acme_, {"Support", "", {"provider.companies"}}));
  auto ok = roles_.Create(acme_, {"Support", "Helpdesk", {"devices.reboot", "devices.read", "devices.read"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->permissions, (std::vector<std::string>{"devices.read", "devices.reboot"}));
  EXPECT_EQ(roles_.Create(acme_, {"support", "", {}}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(roles_.Create(acme_, {"Viewer", "", {}}).error().code, ErrorCode::kConflict)
      << "a built-in's name";
  EXPECT_TRUE(roles_.Create(beta_, {"Support", "", {}})) << "names are per company";
}

TEST_F(RolesTest, SEC_5_AccountPermissionsAreTheUnionOfItsRolesAndChangesApplyAtOnce) {
  EXPECT_EQ(policy_.PermissionsOf(hana_).Names().size(), 0u);
  auto support = *roles_.Create(acme_, {"Support", "", {"devices.reboot"}});
  ASSERT_TRUE(roles_.SetAccountRoles(acme_, hana_.id, {"builtin.viewer", support.id}));
  auto p = policy_.PermissionsOf(hana_);
  EXPECT_TRUE(p.Has("devices.read"));
  EXPECT_TRUE(p.Has("devices.reboot"));
  EXPECT_FALSE(p.Has("accounts.write"));
  ASSERT_TRUE(roles_.Update(acme_, support.id, {.permissions = std::vector<std::string>{"audit.read"}}));
  p = policy_.PermissionsOf(hana_);
  EXPECT_FALSE(p.Has("devices.reboot"));
  EXPECT_TRUE(p.Has("audit.read"));
  ASSERT_TRUE(roles_.Delete(acme_, support.id));
  EXPECT_EQ(roles_.AccountRoles(acme_, hana_.id), std::vector<std::string>{"builtin.viewer"});
}

TEST_F(RolesTest, SEC_5_AdministratorsHoldEverythingOfTheirSide) {
  identity::Account admin = hana_;
  admin.kind = identity::AccountKind::kAdmin;
  EXPECT_EQ(policy_.PermissionsOf(admin), PermissionSet::AllOf(PermissionScope::kCompany));
  identity::Account site;
  site.kind = identity::AccountKind::kSiteAdmin;
  auto p = policy_.PermissionsOf(site);
  EXPECT_EQ(p, PermissionSet::AllOf(PermissionScope::kProvider));
  EXPECT_FALSE(p.Has("devices.read")) << "the provider does not read a company's devices";
}

TEST_F(RolesTest, SEC_8_AnotherCompanysRoleIsNotFoundAndCannotBeAssigned) {
  auto theirs = *roles_.Create(beta_, {"Theirs", "", {"devices.read"}});
  EXPECT_EQ(roles_.Get(acme_, theirs.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(roles_.Update(acme_, theirs.id, {.name = "x"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(roles_.Delete(acme_, theirs.id).error().code, ErrorCode::kNotFound);
  auto assign = roles_.SetAccountRoles(acme_, hana_.id, {theirs.id});
  ASSERT_FALSE(assign);
  EXPECT_EQ(assign.error().field, "roles");
  for (const auto& r : roles_.List(acme_)) EXPECT_NE(r.id, theirs.id);
}

}  // namespace
}  // namespace kanri::access
