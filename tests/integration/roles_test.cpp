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

// SEC-5, no escalation inside a company: a general account that manages accounts and roles
// (accounts.write, roles.write and their reads, nothing else) grants nothing beyond that, to
// anyone or to itself, and does not touch administrators. Every refusal is a 403 with its code
// and changes nothing.
class Escalation : public Roles {
 protected:
  void SetUp() override {
    Roles::SetUp();
    auto role = admin_a().Post("/api/v1/roles", R"({"name":"Clerks","permissions":["accounts.read",
        "accounts.write","roles.read","roles.write"]})");
    ASSERT_EQ(role.status, 201) << role.Describe();
    clerk_role_ = Str(role.Json(), "id");
    auto ops = admin_a().Post("/api/v1/roles", R"({"name":"Ops","permissions":["devices.read"]})");
    ASSERT_EQ(ops.status, 201) << ops.Describe();
    ops_role_ = Str(ops.Json(), "id");
    auto clerk = CreateAccount(admin_a(), "clerk", "general", kClerkPassword);
    clerk_id_ = Str(clerk, "id");
    auto assign = admin_a().Patch("/api/v1/accounts/" + clerk_id_, R"({"roles":[")" + clerk_role_ + R"("]})");
    ASSERT_EQ(assign.status, 200) << assign.Describe();
    clerk_ = LoginAs(kCompanyACode, "clerk", kClerkPassword);
  }
  static void ExpectRefused(const Response& r, const std::string& code) {
    EXPECT_EQ(r.status, 403) << r.Describe();
    EXPECT_EQ(ProblemCode(r), code) << r.Describe();
  }
  // Everything the refusals could have changed, as the administrator sees it.
  std::string CompanyState() {
    std::string state;
    for (const auto& a : ListAll(admin_a(), "/api/v1/accounts")) {
      json::object o = a.as_object();
      o.erase("last_login_at");
      o.erase("updated_at");
      state += json::serialize(o) + "\n";
    }
    return state + admin_a().Get("/api/v1/roles").body;
  }

  static constexpr char kClerkPassword[] = "Ck7-meadow-Otter-62";
  std::string clerk_role_, ops_role_, clerk_id_;
  std::unique_ptr<HttpsClient> clerk_;
};

TEST_F(Escalation, SEC_5_AGeneralAccountGrantsNothingItDoesNotHold) {
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  const std::string hana_path = "/api/v1/accounts/" + Str(hana, "id");
  const std::string before = CompanyState();

  auto body = [](const std::string& login, const std::string& kind, const std::string& roles) {
    return R"({"login":")" + login + R"(","name":"N","email":")" + login + R"(@example.com","kind":")" +
           kind + R"(","password":"Nw4-valley-Heron-19","roles":[)" + roles + "]}";
  };
  ExpectRefused(clerk_->Post("/api/v1/accounts", body("boss2", "admin", "")), "administrator_only");
  ExpectRefused(clerk_->Post("/api/v1/accounts", body("ops2", "general", R"("builtin.operator")")),
                "grant_exceeds_own_permissions");
  ExpectRefused(clerk_->Post("/api/v1/accounts", body("ops3", "general", "\"" + ops_role_ + "\"")),
                "grant_exceeds_own_permissions");
  ExpectRefused(clerk_->Patch(hana_path, R"({"roles":["builtin.viewer"]})"), "grant_exceeds_own_permissions");
  ExpectRefused(clerk_->Patch(hana_path, R"({"kind":"admin"})"), "administrator_only");
  ExpectRefused(clerk_->Patch("/api/v1/accounts/" + clerk_id_,
                              R"({"roles":[")" + clerk_role_ + R"(","builtin.administrator"]})"),
                "own_roles_or_kind");
  ExpectRefused(clerk_->Patch("/api/v1/accounts/" + clerk_id_, R"({"kind":"admin"})"), "own_roles_or_kind");
  ExpectRefused(clerk_->Post("/api/v1/accounts/" + admin_a_id() + "/password-reset", ""),
                "administrator_only");
  ExpectRefused(clerk_->Patch("/api/v1/accounts/" + admin_a_id(), R"({"status":"locked"})"),
                "administrator_only");
  ExpectRefused(clerk_->Post("/api/v1/roles", R"({"name":"Rebooters","permissions":["devices.reboot"]})"),
                "grant_exceeds_own_permissions");
  ExpectRefused(clerk_->Patch("/api/v1/roles/" + clerk_role_,
                              R"({"permissions":["accounts.write","roles.write","audit.read"]})"),
                "grant_exceeds_own_permissions");
  ExpectRefused(clerk_->Patch("/api/v1/roles/" + ops_role_, R"({"name":"Renamed"})"),
                "grant_exceeds_own_permissions");

  EXPECT_EQ(CompanyState(), before) << "a refused request changes nothing";
  EXPECT_EQ(clerk_->Get("/api/v1/devices").status, 403) << "the clerk still cannot read devices";
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 200)
      << "alice's password was not reset";

  // Within its own permissions it still works.
  auto role = clerk_->Post("/api/v1/roles", R"({"name":"Readers","permissions":["accounts.read"]})");
  ASSERT_EQ(role.status, 201) << role.Describe();
  auto assign = clerk_->Patch(hana_path, R"({"roles":[")" + Str(role.Json(), "id") + R"("]})");
  EXPECT_EQ(assign.status, 200) << assign.Describe();
  EXPECT_EQ(clerk_->Post("/api/v1/accounts/" + Str(hana, "id") + "/password-reset", "").status, 200);
  EXPECT_EQ(clerk_->Post("/api/v1/accounts", body("temp1", "general", "")).status, 201);
}

TEST_F(Escalation, SEC_5_AdministratorsPromoteAndDemoteOthersButNotThemselves) {
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  auto promote = admin_a().Patch("/api/v1/accounts/" + Str(hana, "id"), R"({"kind":"admin"})");
  ASSERT_EQ(promote.status, 200) << promote.Describe();
  EXPECT_EQ(Str(promote.Json(), "kind"), "admin");
  auto hana_client = LoginAs(kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  EXPECT_EQ(hana_client->Get("/api/v1/devices").status, 200) << "an administrator holds every permission";
  ExpectRefused(admin_a().Patch("/api/v1/accounts/" + admin_a_id(), R"({"kind":"general"})"),
                "own_roles_or_kind");
  EXPECT_EQ(admin_a().Patch("/api/v1/accounts/" + Str(hana, "id"), R"({"kind":"general"})").status, 200);
  EXPECT_EQ(hana_client->Get("/api/v1/devices").status, 403);
}

}  // namespace
}  // namespace kanri::testing
