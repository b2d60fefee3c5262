// SEC-8 tenant isolation, generated from the route table: the OpenAPI document lists every
// route, and for every route that takes an ID, company A's administrator using company B's
// real IDs learns nothing: the answer is byte-for-byte the one for an ID that does not exist.
// Lists, filters and exports of A never show B's data.
#include <map>

#include "support/kanri_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

constexpr char kMissingId[] = "zzzzzzzzzzzzzzzzzzzzzzzzzz";

class Isolation : public TenantTest {
 protected:
  void SetUp() override {
    TenantTest::SetUp();
    auto beta = CreateCompany("BETA", "Beta");
    beta_id_ = Str(beta, "id");
    CreateCompanyAdmin(beta_id_, "bob", kAdminPassword);
    beta_admin_ = LoginAs("BETA", "bob", kAdminPassword);
    auto carol = CreateAccount(*beta_admin_, "carol", "general", "Cz4-meadow-Otter-12");
    // B's real IDs, one per kind of resource a route can name.
    ids_["accounts"] = Str(carol, "id");
    auto role = beta_admin_->Post("/api/v1/roles", R"({"name":"Beta only","permissions":["devices.read"]})");
    if (role.status != 201) throw std::runtime_error("create role: " + role.Describe());
    ids_["roles"] = Str(role.Json(), "id");
    ids_["companies"] = beta_id_;
    ids_["locked-accounts"] = Str(carol, "id");
  }

  // The resource kind a templated path names: the segment after /api/v1/ ("accounts").
  static std::string KindOf(const std::string& path) {
    const std::string prefix = "/api/v1/";
    if (path.rfind(prefix, 0) != 0) return "";
    const auto end = path.find('/', prefix.size());
    if (end == std::string::npos || path.compare(end, 5, "/{id}") != 0) return "";
    return path.substr(prefix.size(), end - prefix.size());
  }

  static std::string Fill(std::string path, const std::string& id) {
    const auto at = path.find("{id}");
    if (at != std::string::npos) path.replace(at, 4, id);
    return path;
  }

  std::string beta_id_;
  std::unique_ptr<HttpsClient> beta_admin_;
  std::map<std::string, std::string> ids_;
};

TEST_F(Isolation, SEC_8_EveryRouteWithAnIdAnswersForeignIdsLikeMissingOnes) {
  auto doc = admin_a().Get("/api/v1/openapi.json").Json();
  int checked = 0;
  for (const auto& [path_key, item] : doc.at("paths").as_object()) {
    const std::string path(path_key);
    if (path.find("{id}") == std::string::npos) continue;
    const std::string kind = KindOf(path);
    ASSERT_TRUE(ids_.count(kind)) << "no foreign ID of kind '" << kind << "' for " << path
                                  << ": teach this test about the new resource";
    for (const auto& [method_key, op] : item.as_object()) {
      std::string method(method_key);
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      const std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
      Response foreign = admin_a().Request(method, Fill(path, ids_[kind]), body);
      Response missing = admin_a().Request(method, Fill(path, kMissingId), body);
      EXPECT_EQ(foreign.status, missing.status) << method << " " << path;
      EXPECT_EQ(foreign.body, missing.body) << method << " " << path;
      EXPECT_TRUE(foreign.status == 404 || foreign.status == 403 || foreign.status == 400)
          << method << " " << path << ": " << foreign.Describe();
      EXPECT_EQ(foreign.body.find(ids_[kind]), std::string::npos) << method << " " << path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 9) << "the walk must reach every route that takes an ID";

  // And nothing of B changed.
  auto carol = beta_admin_->Get("/api/v1/accounts/" + ids_["accounts"]);
  ASSERT_EQ(carol.status, 200);
  EXPECT_EQ(Str(carol.Json(), "status"), "active");
  EXPECT_EQ(beta_admin_->Get("/api/v1/roles/" + ids_["roles"]).status, 200);
}

TEST_F(Isolation, SEC_8_ListsFiltersAndExportsNeverShowAnotherCompany) {
  // A's lists.
  for (const auto& path : {"/api/v1/accounts", "/api/v1/roles", "/api/v1/audit"}) {
    auto r = admin_a().Get(path);
    ASSERT_EQ(r.status, 200) << path;
    for (const auto& [kind, id] : ids_)
      EXPECT_EQ(r.body.find(id), std::string::npos) << path << " shows " << kind;
    EXPECT_EQ(r.body.find(beta_id_), std::string::npos) << path;
  }
  // Filtering A's history by B's account or B's role finds nothing.
  for (const std::string& q :
       {"?actor=" + ids_["accounts"], std::string("?actor=bob"), "?target_id=" + ids_["roles"]}) {
    auto r = admin_a().Get("/api/v1/audit" + q);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(Member(r.Json(), "items").as_array().size(), 0u) << q;
  }
  // The CSV export neither.
  auto csv = admin_a().Get("/api/v1/audit?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.find("bob"), std::string::npos);
  EXPECT_EQ(csv.body.find(beta_id_), std::string::npos);
  // B's role cannot be given to A's account, and the refusal is the one for an unknown role.
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  auto foreign =
      admin_a().Patch("/api/v1/accounts/" + Str(hana, "id"), R"({"roles":[")" + ids_["roles"] + R"("]})");
  auto unknown = admin_a().Patch("/api/v1/accounts/" + Str(hana, "id"),
                                 std::string(R"({"roles":[")") + kMissingId + R"("]})");
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(ProblemField(foreign), "roles");
  std::string masked = foreign.body;
  if (auto at = masked.find(ids_["roles"]); at != std::string::npos)
    masked.replace(at, ids_["roles"].size(), kMissingId);
  EXPECT_EQ(masked, unknown.body) << "the refusal must be the one for an unknown role";
}

TEST_F(Isolation, SEC_8_SiteAdministratorsDoNotReadCompanyData) {
  for (const std::string& path : {std::string("/api/v1/accounts"), std::string("/api/v1/roles"),
                                  "/api/v1/accounts/" + ids_["accounts"]}) {
    auto r = site_admin().Get(path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_EQ(ProblemCode(r), "forbidden");
  }
  // The provider's history holds the provider's records only.
  auto r = site_admin().Get("/api/v1/audit?limit=200");
  ASSERT_EQ(r.status, 200);
  const json::value body = r.Json();
  for (const auto& rec : Member(body, "items").as_array()) EXPECT_TRUE(Member(rec, "company_id").is_null());
}

}  // namespace
}  // namespace kanri::testing
