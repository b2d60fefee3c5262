// SEC-8 tenant isolation, generated from the route table: the OpenAPI document lists every
// route, and for every route that takes an ID, company A's administrator using company B's
// real IDs learns nothing: the answer is byte-for-byte the one for an ID that does not exist.
// Lists, filters and exports of A never show B's data.
#include <map>

#include "support/device_seed.h"
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
    // B's device information (DEV-1 to DEV-3): devices arrive through CWMP, so B's device is
    // put into the database as onboarding would leave it; the rest goes through B's API.
    beta_device_serial_ = "BETA-SECRET-SN";
    ids_["devices"] = SeedDevice(Db(), beta_id_, {.serial = beta_device_serial_, .tags = {"beta-tag"}});
    ids_["profiles"] = Created("/api/v1/profiles", R"({"name":"Beta profile","match":{"oui":"AABBCC"},
        "device_auth":{"mode":"shared","username":"b","password":"Beta-pass-42"}})");
    ids_["tasks"] = Created("/api/v1/devices/" + ids_["devices"] + "/tasks", R"({"type":"reboot"})");
    ids_["device-groups"] = Created("/api/v1/device-groups",
                                    R"({"name":"Beta group","device_ids":[")" + ids_["devices"] + R"("]})");
    ids_["jobs"] = Created("/api/v1/device-groups/" + ids_["device-groups"] + "/tasks",
                           R"({"type":"getParameterValues","names":["Device."]})");
    ids_["firmware"] = SeedFirmware(Db(), beta_id_);
    // B's firmware campaign (DEV-6).
    ids_["campaigns"] =
        Created("/api/v1/campaigns", R"({"name":"Beta rollout","firmware_id":")" + ids_["firmware"] +
                                         R"(","target":{"filter":{}},"waves":[{"percent":100}]})");
    // The provider's allocation of devices to B (DEV-1): B reads it, A must not.
    auto allocation =
        site_admin().Post("/api/v1/allocations",
                          R"({"company_id":")" + beta_id_ + R"(","oui":"AABBCC","serial_prefix":"BETA"})");
    if (allocation.status != 201) throw std::runtime_error("allocate: " + allocation.Describe());
    ids_["allocations"] = Str(allocation.Json(), "id");
    // B's API token (SEC-9): A can neither revoke it nor tell it exists.
    ids_["tokens"] =
        Created("/api/v1/tokens", R"({"name":"Beta sync","permissions":["devices.read"],"expires_at":")" +
                                      ApiTimeInDays(30) + R"("})");
    // B's webhook (SEC-9) and a remote login to B's device (DEV-5).
    ids_["webhooks"] =
        Created("/api/v1/webhooks",
                R"({"name":"Beta hook","url":"https://hooks.beta.example/in","events":["task.done"]})");
    auto remote = beta_admin_->Post("/api/v1/devices/" + ids_["devices"] + "/remote-login", "{}");
    if (remote.status != 201) throw std::runtime_error("remote login: " + remote.Describe());
    // A maintenance window and an incident for B alone (OPS-1, OPS-2): the provider's, which no
    // company reads or changes by ID.
    const auto provider_created = [&](const std::string& path, const std::string& body) {
      auto r = site_admin().Post(path, body);
      if (r.status != 201) throw std::runtime_error("POST " + path + ": " + r.Describe());
      return Str(r.Json(), "id");
    };
    ids_["maintenance"] = provider_created(
        "/api/v1/maintenance", R"({"starts_at":")" + ApiTimeInDays(1) + R"(","ends_at":")" +
                                   ApiTimeInDays(2) + R"(","scope":[")" + beta_id_ +
                                   R"("],"emergency":true,"title_ja":"ベータ社","title_en":"Beta only"})");
    ids_["incidents"] =
        provider_created("/api/v1/incidents", R"({"scope":[")" + beta_id_ +
                                                  R"("],"severity":"minor","title_ja":"ベータ社",)"
                                                  R"("title_en":"Beta only","publish":true})");
    // A mail of the provider's outbox about B (issue 12): a company never reads the outbox.
    ids_["operations/mail"] = SeedId();
    ExecSql(Db(),
            "INSERT INTO mail_outbox (id, message_id, created_at, company_id, recipient, kind, subject, "
            "body, state, "
            "attempts, next_attempt_at, retry_until) VALUES (" +
                SqlText(ids_["operations/mail"]) + ", '<m@kanri.test>', 0, " + SqlText(beta_id_) +
                ", 'carol@example.com', 'test', 'Beta secret subject', 'Beta secret body', 'sent', 1, 0, 0)");
  }

  std::string Db() { return server().data_dir() + "/kanri.db"; }

  // POST as B's administrator; the new resource's id.
  std::string Created(const std::string& path, const std::string& body) {
    auto r = beta_admin_->Post(path, body);
    if (r.status != 201) throw std::runtime_error("POST " + path + ": " + r.Describe());
    return Str(r.Json(), "id");
  }

  // The resource kind a templated path names: what comes between /api/v1/ and /{id}
  // ("accounts", "operations/mail").
  static std::string KindOf(const std::string& path) {
    const std::string prefix = "/api/v1/";
    if (path.rfind(prefix, 0) != 0) return "";
    const auto end = path.find("/{id}", prefix.size());
    if (end == std::string::npos) return "";
    return path.substr(prefix.size(), end - prefix.size());
  }

  // The {id} of `path` filled with `id`, any other parameter ({tag}) with a plain value.
  static std::string Fill(std::string path, const std::string& id) {
    const auto at = path.find("{id}");
    if (at != std::string::npos) path.replace(at, 4, id);
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{'))
      path.replace(open, path.find('}', open) - open + 1, "x");
    return path;
  }

  std::string beta_id_;
  std::string beta_device_serial_;
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
  EXPECT_GE(checked, 35) << "the walk must reach every route that takes an ID";

  // And nothing of B changed.
  auto carol = beta_admin_->Get("/api/v1/accounts/" + ids_["accounts"]);
  ASSERT_EQ(carol.status, 200);
  EXPECT_EQ(Str(carol.Json(), "status"), "active");
  EXPECT_EQ(beta_admin_->Get("/api/v1/roles/" + ids_["roles"]).status, 200);
  for (const std::string kind : {"devices", "profiles", "tasks", "device-groups", "jobs", "allocations"})
    EXPECT_EQ(beta_admin_->Get("/api/v1/" + kind + "/" + ids_[kind]).status, 200) << kind;
  auto device = beta_admin_->Get("/api/v1/devices/" + ids_["devices"]).Json();
  EXPECT_EQ(Member(device, "tags").as_array().size(), 1u) << "A's tag calls did not reach B's device";
  EXPECT_EQ(Str(beta_admin_->Get("/api/v1/tasks/" + ids_["tasks"]).Json(), "state"), "queued");
  EXPECT_EQ(Member(beta_admin_->Get("/api/v1/device-groups/" + ids_["device-groups"]).Json(), "device_count")
                .as_int64(),
            1);
  EXPECT_EQ(Member(Member(beta_admin_->Get("/api/v1/profiles/" + ids_["profiles"]).Json(), "match"), "oui")
                .as_string(),
            "AABBCC");
  // A's pause and cancel calls did not reach B's campaign.
  EXPECT_EQ(Str(beta_admin_->Get("/api/v1/campaigns/" + ids_["campaigns"]).Json(), "state"), "running");
  // B's reboot, its job's task, its campaign's download and its remote login's first step; A's
  // requests added none.
  EXPECT_EQ(QueryColumn(Db(), "SELECT COUNT(*) FROM tasks WHERE company_id = " + SqlText(beta_id_)).at(0),
            "4");
}

TEST_F(Isolation, SEC_8_DeviceListsFiltersAndExportsNeverShowAnotherCompany) {
  // A has a device of its own, so the lists are not trivially empty.
  SeedDevice(Db(), company_a_id(), {.serial = "ACME-1", .tags = {"beta-tag"}});
  for (const std::string& path :
       {std::string("/api/v1/devices"), std::string("/api/v1/devices?q=beta-secret"),
        std::string("/api/v1/devices?tag=beta-tag"), std::string("/api/v1/devices?format=csv"),
        std::string("/api/v1/devices/summary"), std::string("/api/v1/profiles"),
        std::string("/api/v1/device-groups"), "/api/v1/devices?profile_id=" + ids_["profiles"],
        std::string("/api/v1/allocations"), "/api/v1/allocations?company_id=" + beta_id_,
        std::string("/api/v1/allocations?q=BETA-SECRET-SN"), std::string("/api/v1/audit?format=csv")}) {
    auto r = admin_a().Get(path);
    ASSERT_EQ(r.status, 200) << path << " " << r.Describe();
    EXPECT_EQ(r.body.find(beta_device_serial_), std::string::npos) << path;
    for (const auto& [kind, id] : ids_)
      EXPECT_EQ(r.body.find(id), std::string::npos) << path << " shows " << kind;
  }
  auto summary = admin_a().Get("/api/v1/devices/summary").Json();
  EXPECT_EQ(Member(summary, "total").as_int64(), 1);
  // B's group as A's filter is refused like an unknown group.
  auto foreign = admin_a().Get("/api/v1/devices?group_id=" + ids_["device-groups"]);
  auto unknown = admin_a().Get(std::string("/api/v1/devices?group_id=") + kMissingId);
  EXPECT_EQ(foreign.status, 400);
  EXPECT_EQ(foreign.body, unknown.body);
  // B's device cannot join A's group, and the refusal is the one for an unknown device.
  auto into_group = [&](const std::string& device) {
    return admin_a().Post("/api/v1/device-groups",
                          R"({"name":"A group","device_ids":[")" + device + R"("]})");
  };
  auto foreign_member = into_group(ids_["devices"]);
  auto unknown_member = into_group(kMissingId);
  EXPECT_EQ(foreign_member.status, 400);
  std::string masked = foreign_member.body;
  if (auto at = masked.find(ids_["devices"]); at != std::string::npos)
    masked.replace(at, ids_["devices"].size(), kMissingId);
  EXPECT_EQ(masked, unknown_member.body);
  // Issue 18: B's serial number added to A's group is refused like one nobody has; B's group as
  // the filter of a job, like an unknown group; A's job on every device and A's counts and
  // searches (B's device has the same WAN address) reach A's device only.
  auto a_group = admin_a().Post("/api/v1/device-groups", R"({"name":"A static"})");
  ASSERT_EQ(a_group.status, 201) << a_group.Describe();
  const std::string a_group_path = "/api/v1/device-groups/" + Str(a_group.Json(), "id") + "/devices";
  const std::string unknown_serial = "NO-SUCH-SERIAL";
  for (const std::string method : {"POST", "PUT"}) {
    auto foreign_serial =
        admin_a().Request(method, a_group_path, R"({"serials":[")" + beta_device_serial_ + R"("]})");
    auto unknown = admin_a().Request(method, a_group_path, R"({"serials":[")" + unknown_serial + R"("]})");
    EXPECT_EQ(foreign_serial.status, 400) << method;
    std::string masked_serial = foreign_serial.body;
    for (auto at = masked_serial.find(beta_device_serial_); at != std::string::npos;
         at = masked_serial.find(beta_device_serial_, at))
      masked_serial.replace(at, beta_device_serial_.size(), unknown_serial);
    EXPECT_EQ(masked_serial, unknown.body) << method;
  }
  auto foreign_job =
      admin_a().Post("/api/v1/devices/jobs",
                     R"({"filter":{"group_id":")" + ids_["device-groups"] + R"("},"type":"reboot"})");
  auto unknown_job = admin_a().Post("/api/v1/devices/jobs", std::string(R"({"filter":{"group_id":")") +
                                                                kMissingId + R"("},"type":"reboot"})");
  EXPECT_EQ(foreign_job.status, 400);
  EXPECT_EQ(foreign_job.body, unknown_job.body);
  auto all_of_a = admin_a().Post("/api/v1/devices/jobs",
                                 R"({"filter":{},"type":"getParameterValues","names":["Device."]})");
  ASSERT_EQ(all_of_a.status, 201) << all_of_a.Describe();
  EXPECT_EQ(Member(Member(all_of_a.Json(), "progress"), "total").as_int64(), 1);
  EXPECT_EQ(Member(admin_a().Get("/api/v1/devices/count").Json(), "total").as_int64(), 1);
  EXPECT_EQ(Member(admin_a().Get("/api/v1/devices/count?q=198.51.100.7").Json(), "total").as_int64(), 1);
  EXPECT_EQ(Member(admin_a().Get("/api/v1/devices/count?q=beta-secret").Json(), "total").as_int64(), 0);
  auto ja_csv = admin_a().Get("/api/v1/devices?format=csv&lang=ja");
  EXPECT_EQ(ja_csv.body.find(beta_device_serial_), std::string::npos);
  // Nor can A queue a download of B's firmware.
  const std::string a_device = ListAll(admin_a(), "/api/v1/devices").at(0).at("id").as_string().c_str();
  const std::string b_firmware = SeedFirmware(Db(), beta_id_);
  auto download = admin_a().Post("/api/v1/devices/" + a_device + "/tasks",
                                 R"({"type":"download","file_id":")" + b_firmware + R"("})");
  EXPECT_EQ(download.status, 400);
  EXPECT_EQ(ProblemField(download), "file_id");
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
  for (const std::string& path :
       {std::string("/api/v1/accounts"), std::string("/api/v1/roles"), "/api/v1/accounts/" + ids_["accounts"],
        std::string("/api/v1/devices"), "/api/v1/devices/" + ids_["devices"], std::string("/api/v1/profiles"),
        "/api/v1/tasks/" + ids_["tasks"], "/api/v1/jobs/" + ids_["jobs"]}) {
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
