// The REST API's hardening (OPS-4): malformed, oversized and unexpected input is refused with a
// problem+json 4xx and changes nothing; secure headers on every response; health probes; the
// OpenAPI document.
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

class Api : public TenantTest {
 protected:
  // Everything a company administrator can see, to compare before and after refused requests.
  std::string AccountsSnapshot() {
    return json::serialize(json::value_from(ListAll(admin_a(), "/api/v1/accounts")));
  }
  std::string CompaniesSnapshot() {
    return json::serialize(json::value_from(ListAll(site_admin(), "/api/v1/companies")));
  }
  static json::object GoodAccount() {
    return json::object{{"login", "valid-login"},
                        {"name", "Valid"},
                        {"email", "valid@example.com"},
                        {"kind", "general"},
                        {"password", "Valid-account-pw-31"}};
  }
  static std::string With(json::object o, std::string_view key, json::value v) {
    o[key] = std::move(v);
    return json::serialize(o);
  }
  static std::string Without(json::object o, std::string_view key) {
    o.erase(key);
    return json::serialize(o);
  }
};

void ExpectProblem(const Response& r, int status, const std::string& code, const std::string& field,
                   const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.Describe();
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json") << what;
  if (!code.empty()) {
    EXPECT_EQ(ProblemCode(r), code) << what << ": " << r.Describe();
  }
  if (!field.empty()) {
    EXPECT_EQ(ProblemField(r), field) << what << ": " << r.Describe();
  }
  if (r.status == status && !r.body.empty()) {
    json::value body = r.Json();
    EXPECT_EQ(Member(body, "status"), json::value(status)) << what;
    EXPECT_TRUE(Member(body, "title").is_string()) << what;
    EXPECT_TRUE(Member(body, "type").is_string()) << what;
  }
}

TEST_F(Api, OPS_4_MalformedInputIsRefusedAndChangesNothing) {
  HttpsClient& alice = admin_a();
  const std::string before = AccountsSnapshot();
  const json::object good = GoodAccount();
  struct Case {
    std::string what;
    std::string body;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"truncated JSON", R"({"login": "x", "name": )", "invalid_json", ""},
      {"not JSON", "login=x&password=y", "invalid_json", ""},
      {"trailing garbage", json::serialize(good) + "}", "invalid_json", ""},
      {"unknown field", With(good, "is_root", true), "unknown_field", "is_root"},
      {"unknown field company_id", With(good, "company_id", "somewhere-else"), "unknown_field", "company_id"},
      {"login is a number", With(good, "login", 42), "invalid_request", "login"},
      {"name is null", With(good, "name", nullptr), "invalid_request", "name"},
      {"kind unknown", With(good, "kind", "site_admin"), "invalid_request", "kind"},
      {"kind is an array", With(good, "kind", json::array{"admin"}), "invalid_request", "kind"},
      {"password is an object", With(good, "password", json::object{{"a", 1}}), "invalid_request",
       "password"},
      {"login missing", Without(good, "login"), "invalid_request", "login"},
      {"email missing", Without(good, "email"), "invalid_request", "email"},
      {"empty login", With(good, "login", ""), "invalid_request", "login"},
      {"email not an address", With(good, "email", "not-an-address"), "invalid_request", "email"},
  };
  for (const auto& c : cases) {
    ExpectProblem(alice.Post("/api/v1/accounts", c.body), 400, c.code, c.field, c.what);
  }
  ExpectProblem(alice.Post("/api/v1/accounts", "[]"), 400, "", "", "a JSON array");
  ExpectProblem(alice.Post("/api/v1/accounts", "", {{"Content-Type", "application/json"}}), 400, "", "",
                "an empty body");
  ExpectProblem(alice.Post("/api/v1/accounts", json::serialize(good), {{"Content-Type", "text/plain"}}), 415,
                "", "", "not declared as JSON");
  EXPECT_EQ(AccountsSnapshot(), before);

  // PATCH: the same rules, and the account stays as it was.
  const std::string alice_before = alice.Get("/api/v1/accounts/" + admin_a_id()).body;
  const std::string target = "/api/v1/accounts/" + admin_a_id();
  // kind can be patched (promotion, SEC-5), but never one's own.
  ExpectProblem(alice.Patch(target, R"({"name":"ok","kind":"general"})"), 403, "own_roles_or_kind", "",
                "PATCH own kind");
  ExpectProblem(alice.Patch(target, R"({"name":"ok","login":"renamed"})"), 400, "unknown_field", "login",
                "PATCH login");
  ExpectProblem(alice.Patch(target, R"({"name":17})"), 400, "invalid_request", "name", "PATCH name type");
  ExpectProblem(alice.Patch(target, R"({"status":"superuser"})"), 400, "invalid_request", "status",
                "PATCH status");
  ExpectProblem(alice.Patch(target, R"({"name":)"), 400, "invalid_json", "", "PATCH truncated");
  EXPECT_EQ(alice.Get("/api/v1/accounts/" + admin_a_id()).body, alice_before);
  EXPECT_EQ(AccountsSnapshot(), before);

  // The good body itself is fine.
  EXPECT_EQ(alice.Post("/api/v1/accounts", json::serialize(good)).status, 201);
}

TEST_F(Api, OPS_4_MalformedCompaniesAreRefusedAndChangeNothing) {
  const std::string before = CompaniesSnapshot();
  const json::object good{{"code", "NEWCO"}, {"name", "New Co"}, {"contract_start", "2025-04-01"}};
  struct Case {
    std::string what;
    std::string body;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"unknown field", With(good, "owner", "me"), "unknown_field", "owner"},
      {"date as number", With(good, "contract_start", 20250401), "invalid_request", "contract_start"},
      {"impossible date", With(good, "contract_start", "2025-02-30"), "invalid_request", "contract_start"},
      {"date with time", With(good, "contract_start", "2025-04-01T00:00:00Z"), "invalid_request",
       "contract_start"},
      {"end before start", With(good, "contract_end", "2025-03-01"), "invalid_request", "contract_end"},
      {"code missing", Without(good, "code"), "invalid_request", "code"},
      {"code empty", With(good, "code", ""), "invalid_request", "code"},
      {"name is a bool", With(good, "name", false), "invalid_request", "name"},
      {"truncated", R"({"code":"NEWCO")", "invalid_json", ""},
  };
  for (const auto& c : cases) {
    ExpectProblem(site_admin().Post("/api/v1/companies", c.body), 400, c.code, c.field, c.what);
  }
  ExpectProblem(site_admin().Patch("/api/v1/companies/" + company_a_id(), R"({"code":"RENAMED"})"), 400,
                "unknown_field", "code", "PATCH code");
  ExpectProblem(site_admin().Patch("/api/v1/companies/" + company_a_id(), R"({"status":"bankrupt"})"), 400,
                "invalid_request", "status", "PATCH status");
  EXPECT_EQ(CompaniesSnapshot(), before);
  EXPECT_EQ(site_admin().Post("/api/v1/companies", json::serialize(good)).status, 201);
}

TEST_F(Api, OPS_4_OversizedBodiesGet413AndChangeNothing) {
  const std::string before = AccountsSnapshot();
  json::object body = GoodAccount();
  body["name"] = std::string(1048576, 'n');  // the body is larger than the 1 MiB default
  Response r = admin_a().Post("/api/v1/accounts", json::serialize(body));
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(AccountsSnapshot(), before);
  // The server still answers afterwards.
  EXPECT_EQ(admin_a().Get("/api/v1/session").status, 200);
}

class SmallBodies : public TenantTest {
 protected:
  SmallBodies() : TenantTest({"--max-body-bytes", "4096"}) {}
};

TEST_F(SmallBodies, OPS_4_BodyLimitIsASetting) {
  json::object body{{"login", "big-name"},
                    {"name", std::string(5000, 'n')},
                    {"email", "b@example.com"},
                    {"kind", "general"},
                    {"password", "Big-name-pw-1234"}};
  Response r = admin_a().Post("/api/v1/accounts", json::serialize(body));
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
  body["name"] = "small";
  EXPECT_EQ(admin_a().Post("/api/v1/accounts", json::serialize(body)).status, 201);
}

TEST_F(Api, OPS_4_UnknownPathsAndMethods) {
  ExpectProblem(site_admin().Get("/api/v1/no-such-thing"), 404, "not_found", "", "unknown path");
  ExpectProblem(NewClient()->Get("/api/v1/no-such-thing"), 404, "not_found", "", "unknown path, anonymous");
  ExpectProblem(NewClient()->Get("/.env"), 404, "not_found", "", "probe for files");
  ExpectProblem(site_admin().Delete("/api/v1/companies"), 405, "", "", "DELETE companies");
  ExpectProblem(site_admin().Put("/api/v1/session", "{}"), 405, "", "", "PUT session");
}

TEST_F(Api, OPS_4_ErrorsCarryNoRequestIdButTheHeaderDoes) {
  auto client = NewClient();
  Response a = client->Get("/api/v1/session");
  Response b = client->Get("/api/v1/session");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.body, b.body);
  EXPECT_FALSE(a.Header("X-Request-Id").empty());
  EXPECT_NE(a.Header("X-Request-Id"), b.Header("X-Request-Id"));
  EXPECT_EQ(a.body.find(a.Header("X-Request-Id")), std::string::npos);
}

TEST_F(Api, OPS_4_SecurityHeadersOnEveryResponse) {
  auto anonymous = NewClient();
  std::vector<std::pair<std::string, Response>> responses;
  responses.emplace_back("healthz", anonymous->Get("/healthz"));
  responses.emplace_back("readyz", anonymous->Get("/readyz"));
  responses.emplace_back("401", anonymous->Get("/api/v1/session"));
  responses.emplace_back("404", anonymous->Get("/nothing/here"));
  responses.emplace_back("login failure", TryLogin(*anonymous, "", "nobody", "Wrong-pw-12345"));
  responses.emplace_back("login", TryLogin(*anonymous, kCompanyACode, kAdminALogin, kAdminPassword));
  responses.emplace_back("session", admin_a().Get("/api/v1/session"));
  responses.emplace_back("list", admin_a().Get("/api/v1/accounts"));
  responses.emplace_back("400", admin_a().Post("/api/v1/accounts", "{"));
  responses.emplace_back("403 csrf", admin_a().Post("/api/v1/accounts", "{}", {{"X-CSRF-Token", "bad"}}));
  responses.emplace_back("403 forbidden", site_admin().Get("/api/v1/accounts"));
  responses.emplace_back("405", site_admin().Delete("/api/v1/companies"));
  responses.emplace_back("openapi", admin_a().Get("/api/v1/openapi.json"));
  for (const auto& [what, r] : responses) {
    EXPECT_EQ(r.Header("Strict-Transport-Security"), "max-age=31536000; includeSubDomains") << what;
    std::string csp = r.Header("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << what << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer") << what;
    EXPECT_FALSE(r.Header("X-Request-Id").empty()) << what;
  }
}

TEST_F(Api, OPS_2_HealthAndReadinessNeedNoLogin) {
  auto anonymous = NewClient();
  Response health = anonymous->Get("/healthz");
  EXPECT_EQ(health.status, 200) << health.Describe();
  Response ready = anonymous->Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.Describe();
  EXPECT_FALSE(anonymous->Cookie("__Host-kanri_session").has_value());
  // Keep-alive: the connection is reused.
  anonymous->Get("/healthz");
  EXPECT_EQ(anonymous->connections_opened(), 1);
}

TEST_F(Api, OpenApiDocumentDescribesTheRoutes) {
  Response r = admin_a().Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json::value doc = r.Json();
  EXPECT_EQ(Str(doc, "openapi"), "3.1.0");
  EXPECT_TRUE(Member(doc, "info").is_object());
  const json::value& paths = Member(doc, "paths");
  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"/api/v1/session", {"post", "get", "delete"}},
      {"/api/v1/session/password", {"put"}},
      {"/api/v1/companies", {"post", "get"}},
      {"/api/v1/companies/{id}", {"get", "patch"}},
      {"/api/v1/companies/{id}/administrators", {"post"}},
      {"/api/v1/accounts", {"post", "get"}},
      {"/api/v1/accounts/{id}", {"get", "patch"}},
      {"/api/v1/accounts/{id}/password-reset", {"post"}},
  };
  for (const auto& [path, methods] : routes) {
    const json::value* item = paths.as_object().if_contains(path);
    ASSERT_NE(item, nullptr) << path << " missing from " << r.body.substr(0, 2000);
    for (const auto& method : methods) {
      EXPECT_NE(item->as_object().if_contains(method), nullptr) << method << " " << path;
    }
  }
}

}  // namespace
}  // namespace kanri::testing
