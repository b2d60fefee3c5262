// SEC-5 over the real binary: a company administrator shapes roles for its staff; an account's
// permissions follow its roles from the next request, without a new login.
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

class Roles : public TenantTest {};

TEST_F(Roles, SEC_5_PermissionCatalogHasJapaneseAndEnglishLabels) {
  auto r = admin_a().Get("/api/v1/permissions");
  ASSERT_EQ(r.status, 200);
  const json::value body = r.Json();
  const auto& items = Member(body, "items").as_array();
  ASSERT_GE(items.size(), 11u);
  bool reboot = false;
  for (const auto& p : items) {
    EXPECT_FALSE(Str(p, "label_ja").empty());
    EXPECT_FALSE(Str(p, "label_en").empty());
    reboot = reboot || Str(p, "name") == "devices.reboot";
  }
  EXPECT_TRUE(reboot);
}

TEST_F(Roles, SEC_5_RoleChangesApplyFromTheNextRequest) {
  auto role = admin_a().Post("/api/v1/roles", R"({"name":"ヘルプデスク","description":"Reads accounts",
                                                   "permissions":["accounts.read"]})");
  ASSERT_EQ(role.status, 201) << role.Describe();
  const std::string role_id = Str(role.Json(), "id");
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  auto client = LoginAs(kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  EXPECT_EQ(client->Get("/api/v1/accounts").status, 403);

  auto assign = admin_a().Patch("/api/v1/accounts/" + Str(hana, "id"), R"({"roles":[")" + role_id + R"("]})");
  ASSERT_EQ(assign.status, 200) << assign.Describe();
  EXPECT_EQ(Member(assign.Json(), "roles").as_array().size(), 1u);
  EXPECT_EQ(client->Get("/api/v1/accounts").status, 200) << "no new login needed";
  EXPECT_EQ(client->Post("/api/v1/accounts", "{}").status, 403) << "read is not write";

  ASSERT_EQ(admin_a().Patch("/api/v1/roles/" + role_id, R"({"permissions":["roles.read"]})").status, 200);
  EXPECT_EQ(client->Get("/api/v1/accounts").status, 403);
  EXPECT_EQ(client->Get("/api/v1/roles").status, 200);

  ASSERT_EQ(admin_a().Delete("/api/v1/roles/" + role_id).status, 204);
  EXPECT_EQ(client->Get("/api/v1/roles").status, 403);
}

TEST_F(Roles, SEC_5_BuiltInRolesAreFixedAndUnknownPermissionsRefused) {
  auto list = admin_a().Get("/api/v1/roles");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("オペレーター"), std::string::npos);
  EXPECT_EQ(admin_a().Patch("/api/v1/roles/builtin.viewer", R"({"name":"x"})").status, 409);
  EXPECT_EQ(admin_a().Delete("/api/v1/roles/builtin.viewer").status, 409);
  auto bad = admin_a().Post("/api/v1/roles", R"({"name":"Bad","permissions":["devices.teleport"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ProblemField(bad), "permissions");
  EXPECT_EQ(
      admin_a().Post("/api/v1/roles", R"({"name":"Sneaky","permissions":["provider.companies"]})").status,
      400);
}

TEST_F(Roles, SEC_5_CompanyAdministratorsAlwaysHoldEveryCompanyPermission) {
  auto other = CreateAccount(admin_a(), "jiro", "admin", "Jz6-forest-Maple-58");
  auto client = LoginAs(kCompanyACode, "jiro", "Jz6-forest-Maple-58");
  for (const auto& path : {"/api/v1/accounts", "/api/v1/roles", "/api/v1/audit"})
    EXPECT_EQ(client->Get(path).status, 200) << path;
  EXPECT_EQ(client->Get("/api/v1/companies").status, 403) << "company administrators are not the provider";
  (void)other;
}

}  // namespace
}  // namespace kanri::testing
