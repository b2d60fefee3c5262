// SEC-8 (multi-tenancy) over the real API: one company cannot read, change or detect another's
// accounts; each kind of account reaches only its own routes. Also companies and pagination.
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

class Tenancy : public TenantTest {
 protected:
  void SetUp() override {
    TenantTest::SetUp();
    globex_id_ = Str(CreateCompany("GLOBEX", "Globex"), "id");
    // The same login as ACME's administrator: logins are unique per company only.
    CreateCompanyAdmin(globex_id_, kAdminALogin, kGlobexPassword);
    globex_admin_ = LoginAs("GLOBEX", kAdminALogin, kGlobexPassword);
    gina_ = CreateAccount(*globex_admin_, "gina", "general", kGinaPassword);
  }

  static constexpr char kGlobexPassword[] = "Globex-admin-pw-2468";
  static constexpr char kGinaPassword[] = "Gina-general-pw-1357";
  std::string globex_id_;
  std::unique_ptr<HttpsClient> globex_admin_;
  json::object gina_;
};

// An id of the same shape as `id` that no account has.
std::string MissingIdLike(std::string id) {
  char& last = id.back();
  last = last == 'A' ? 'B' : 'A';
  return id;
}

TEST_F(Tenancy, SEC_8_AnotherCompanysAccountAnswers404LikeAMissingOne) {
  const std::string gina_id = Str(gina_, "id");
  const std::string missing_id = MissingIdLike(gina_id);
  HttpsClient& acme = admin_a();

  struct Probe {
    std::string method;
    std::string suffix;
    std::string body;
  };
  const std::vector<Probe> probes = {
      {"GET", "", ""},
      {"PATCH", "", R"({"name":"Owned by ACME"})"},
      {"PATCH", "", R"({"status":"disabled"})"},
      {"POST", "/password-reset", ""},
  };
  for (const auto& p : probes) {
    Response foreign = acme.Request(p.method, "/api/v1/accounts/" + gina_id + p.suffix, p.body);
    Response missing = acme.Request(p.method, "/api/v1/accounts/" + missing_id + p.suffix, p.body);
    Response nonsense = acme.Request(p.method, "/api/v1/accounts/no-such-account" + p.suffix, p.body);
    std::string what = p.method + " " + p.suffix + " " + p.body;
    EXPECT_EQ(foreign.status, 404) << what << ": " << foreign.Describe();
    EXPECT_EQ(ProblemCode(foreign), "not_found") << what;
    EXPECT_EQ(foreign.status, missing.status) << what;
    EXPECT_EQ(foreign.body, missing.body) << what;
    EXPECT_EQ(foreign.Header("Content-Type"), missing.Header("Content-Type")) << what;
    EXPECT_EQ(nonsense.status, 404) << what << ": " << nonsense.Describe();
  }

  // ACME's list does not contain GLOBEX accounts, whatever the query asks for; gina is untouched.
  for (const std::string& query : std::vector<std::string>{"", "?company_id=" + globex_id_, "?company=GLOBEX",
                                                           "?company_id=" + globex_id_ + "&limit=5"}) {
    Response list = acme.Get("/api/v1/accounts" + query);
    EXPECT_EQ(list.body.find(gina_id), std::string::npos) << query << ": " << list.Describe();
    EXPECT_EQ(list.body.find(globex_id_), std::string::npos) << query << ": " << list.Describe();
  }
  for (const auto& account : ListAll(acme, "/api/v1/accounts")) {
    EXPECT_EQ(Str(account, "company_id"), company_a_id());
    EXPECT_NE(Str(account, "id"), gina_id);
  }
  Response gina = globex_admin_->Get("/api/v1/accounts/" + gina_id);
  ASSERT_EQ(gina.status, 200) << gina.Describe();
  EXPECT_EQ(Str(gina.Json(), "name"), "User gina");
  EXPECT_EQ(Str(gina.Json(), "status"), "active");
  EXPECT_EQ(Member(gina.Json(), "must_change_password"), json::value(false));
  EXPECT_EQ(TryLogin(*NewClient(), "GLOBEX", "gina", kGinaPassword).status, 200);
}

TEST_F(Tenancy, SEC_8_SameLoginInTwoCompaniesIsTwoAccounts) {
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kGlobexPassword).status, 401);
  EXPECT_EQ(TryLogin(*NewClient(), "GLOBEX", kAdminALogin, kAdminPassword).status, 401);
  Response acme = admin_a().Get("/api/v1/session");
  Response globex = globex_admin_->Get("/api/v1/session");
  EXPECT_EQ(Str(Member(acme.Json(), "account"), "company_id"), company_a_id());
  EXPECT_EQ(Str(Member(globex.Json(), "account"), "company_id"), globex_id_);
  EXPECT_NE(Str(Member(acme.Json(), "account"), "id"), Str(Member(globex.Json(), "account"), "id"));
  // A general account of GLOBEX cannot log in to ACME.
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "gina", kGinaPassword).status, 401);
}

TEST_F(Tenancy, SEC_8_EachKindOfAccountReachesOnlyItsOwnRoutes) {
  auto gina = LoginAs("GLOBEX", "gina", kGinaPassword);
  const std::string account_body = json::serialize(json::object{{"login", "new-one"},
                                                                {"name", "N"},
                                                                {"email", "n@example.com"},
                                                                {"kind", "general"},
                                                                {"password", "New-one-pw-4455"}});
  const std::string company_body = R"({"code":"EVIL","name":"Evil","contract_start":"2025-01-01"})";

  auto expect_forbidden = [](const Response& r, const std::string& what) {
    EXPECT_EQ(r.status, 403) << what << ": " << r.Describe();
    EXPECT_EQ(ProblemCode(r), "forbidden") << what << ": " << r.Describe();
  };
  // A general account manages nothing.
  expect_forbidden(gina->Get("/api/v1/accounts"), "general GET accounts");
  expect_forbidden(gina->Post("/api/v1/accounts", account_body), "general POST accounts");
  expect_forbidden(gina->Get("/api/v1/accounts/" + Str(gina_, "id")), "general GET own account");
  expect_forbidden(gina->Get("/api/v1/companies"), "general GET companies");
  // A company administrator does not manage companies, not even its own.
  expect_forbidden(admin_a().Get("/api/v1/companies"), "admin GET companies");
  expect_forbidden(admin_a().Post("/api/v1/companies", company_body), "admin POST companies");
  expect_forbidden(admin_a().Get("/api/v1/companies/" + company_a_id()), "admin GET own company");
  expect_forbidden(admin_a().Patch("/api/v1/companies/" + company_a_id(), R"({"name":"x"})"),
                   "admin PATCH company");
  expect_forbidden(admin_a().Post("/api/v1/companies/" + globex_id_ + "/administrators",
                                  json::serialize(json::object{{"login", "intruder"},
                                                               {"name", "I"},
                                                               {"email", "i@example.com"},
                                                               {"password", "Intruder-pw-9090"}})),
                   "admin POST administrators");
  // A site administrator does not reach into a company's accounts.
  expect_forbidden(site_admin().Get("/api/v1/accounts"), "site admin GET accounts");
  expect_forbidden(site_admin().Get("/api/v1/accounts/" + Str(gina_, "id")), "site admin GET account");
  expect_forbidden(site_admin().Post("/api/v1/accounts", account_body), "site admin POST accounts");

  // Nothing was created by the refused requests.
  for (const auto& c : ListAll(site_admin(), "/api/v1/companies")) EXPECT_NE(Str(c, "code"), "EVIL");
  for (const auto& a : ListAll(*globex_admin_, "/api/v1/accounts")) {
    EXPECT_NE(Str(a, "login"), "new-one");
    EXPECT_NE(Str(a, "login"), "intruder");
  }
}

TEST_F(Tenancy, SEC_8_AnAdministratorCannotChangeItsOwnStatus) {
  Response r = admin_a().Patch("/api/v1/accounts/" + admin_a_id(), R"({"status":"disabled"})");
  EXPECT_EQ(r.status, 409) << r.Describe();
  EXPECT_EQ(admin_a().Get("/api/v1/session").status, 200);
  Response name = admin_a().Patch("/api/v1/accounts/" + admin_a_id(), R"({"name":"Alice A."})");
  EXPECT_EQ(name.status, 200) << name.Describe();
  EXPECT_EQ(Str(name.Json(), "name"), "Alice A.");
}

class Companies : public TenantTest {};

TEST_F(Companies, SEC_8_CompaniesAndTheirFirstAdministrator) {
  json::object created = CreateCompany("INITECH", "Initech");
  EXPECT_EQ(Str(created, "code"), "INITECH");
  EXPECT_EQ(Str(created, "name"), "Initech");
  EXPECT_EQ(Str(created, "contract_start"), "2025-01-01");
  EXPECT_TRUE(Member(created, "contract_end").is_null());
  EXPECT_EQ(Str(created, "status"), "active");
  const std::string id = Str(created, "id");

  Response duplicate = site_admin().Post(
      "/api/v1/companies", R"({"code":"INITECH","name":"Again","contract_start":"2025-02-01"})");
  EXPECT_EQ(duplicate.status, 409) << duplicate.Describe();
  EXPECT_EQ(ProblemCode(duplicate), "company_code_taken");
  EXPECT_EQ(ProblemField(duplicate), "code");

  Response got = site_admin().Get("/api/v1/companies/" + id);
  ASSERT_EQ(got.status, 200) << got.Describe();
  EXPECT_EQ(got.Json(), json::value(created));

  Response patched =
      site_admin().Patch("/api/v1/companies/" + id, R"({"name":"Initech KK","contract_end":"2026-03-31"})");
  ASSERT_EQ(patched.status, 200) << patched.Describe();
  EXPECT_EQ(Str(patched.Json(), "name"), "Initech KK");
  EXPECT_EQ(Str(patched.Json(), "contract_end"), "2026-03-31");
  Response cleared = site_admin().Patch("/api/v1/companies/" + id, R"({"contract_end":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.Describe();
  EXPECT_TRUE(Member(cleared.Json(), "contract_end").is_null());
  EXPECT_EQ(Str(cleared.Json(), "name"), "Initech KK");
  // The first administrator (created, and logged in once to choose a password, before the suspension).
  json::object admin = CreateCompanyAdmin(id, "ini-admin", "Initech-admin-pw-1");
  EXPECT_EQ(Str(admin, "kind"), "admin");
  EXPECT_EQ(Str(admin, "company_id"), id);
  EXPECT_EQ(Str(admin, "login"), "ini-admin");
  EXPECT_EQ(admin.if_contains("password"), nullptr);
  EXPECT_EQ(admin.if_contains("password_hash"), nullptr);
  Response suspended = site_admin().Patch("/api/v1/companies/" + id, R"({"status":"suspended"})");
  ASSERT_EQ(suspended.status, 200) << suspended.Describe();
  EXPECT_EQ(Str(suspended.Json(), "status"), "suspended");

  Response missing = site_admin().Get("/api/v1/companies/" + MissingIdLike(id));
  EXPECT_EQ(missing.status, 404) << missing.Describe();

  Response second = site_admin().Post("/api/v1/companies/" + id + "/administrators",
                                      json::serialize(json::object{{"login", "ini-two"},
                                                                   {"name", "T"},
                                                                   {"email", "t@example.com"},
                                                                   {"password", "Initech-admin-pw-2"}}));
  EXPECT_EQ(second.status, 409) << second.Describe();
}

TEST_F(Companies, SEC_8_ListingWalksEveryCompanyThroughTheCursor) {
  std::set<std::string> expected = {company_a_id()};
  for (int i = 0; i < 4; ++i)
    expected.insert(Str(CreateCompany("PAGE" + std::to_string(i), "Page " + std::to_string(i)), "id"));

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    std::string target = "/api/v1/companies?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor);
    Response r = site_admin().Get(target);
    ASSERT_EQ(r.status, 200) << target << ": " << r.Describe();
    const json::value page = r.Json();
    const json::array& items = Member(page, "items").as_array();
    ASSERT_LE(items.size(), 1u);
    for (const auto& item : items) seen.push_back(Str(item, "id"));
    ++pages;
    ASSERT_LE(pages, 10) << "the cursor does not end";
    const json::value& next = Member(page, "next_cursor");
    if (next.is_null()) break;
    ASSERT_TRUE(next.is_string());
    cursor = std::string(next.as_string());
  }
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "no company listed twice";

  Response all = site_admin().Get("/api/v1/companies");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Member(all.Json(), "items").as_array().size(), expected.size());
  EXPECT_TRUE(Member(all.Json(), "next_cursor").is_null());

  Response bad_cursor = site_admin().Get("/api/v1/companies?limit=1&cursor=not-a-cursor");
  EXPECT_EQ(bad_cursor.status, 400) << bad_cursor.Describe();
  Response bad_limit = site_admin().Get("/api/v1/companies?limit=0");
  EXPECT_EQ(bad_limit.status, 400) << bad_limit.Describe();
}

TEST_F(Companies, SEC_8_AccountListsArePaginatedWithinTheCompany) {
  for (int i = 0; i < 3; ++i)
    CreateAccount(admin_a(), "member-" + std::to_string(i), "general", "Member-pw-77" + std::to_string(i));
  std::vector<json::value> accounts = ListAll(admin_a(), "/api/v1/accounts", 1);
  EXPECT_EQ(accounts.size(), 4u);
  for (const auto& a : accounts) EXPECT_EQ(Str(a, "company_id"), company_a_id());
}

}  // namespace
}  // namespace kanri::testing
