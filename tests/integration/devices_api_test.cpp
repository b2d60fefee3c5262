// DEV-1 to DEV-3 and SEC-5 over the real binary, through the REST API: profiles, the device
// inventory (devices seeded into the database as onboarding would leave them), tags, tasks
// with their per-type permissions, groups and jobs.
#include "support/device_seed.h"
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

class DevicesApi : public TenantTest {
 protected:
  std::string Db() { return server_dir() + "/kanri.db"; }
  std::string server_dir() { return server().data_dir(); }
  std::string Seed(DeviceSeed s) { return SeedDevice(Db(), company_a_id(), s); }
  std::vector<std::string> Serials(const std::string& path, int limit = 100) {
    std::vector<std::string> out;
    for (const auto& d : ListAll(admin_a(), path, limit)) out.push_back(Str(d, "serial_number"));
    return out;
  }
  // A general account of ACME holding `roles`, logged in.
  std::unique_ptr<HttpsClient> Staff(const std::string& login, const std::vector<std::string>& roles) {
    auto account = CreateAccount(admin_a(), login, "general", "Gt7-river-Cedar-93");
    json::array r;
    for (const auto& role : roles) r.emplace_back(role);
    auto patch = admin_a().Patch("/api/v1/accounts/" + Str(account, "id"),
                                 json::serialize(json::object{{"roles", std::move(r)}}));
    if (patch.status != 200) throw std::runtime_error("roles: " + patch.Describe());
    return LoginAs(kCompanyACode, login, "Gt7-river-Cedar-93");
  }
  std::size_t Count(const std::string& sql) { return std::stoul(QueryColumn(Db(), sql).at(0)); }
};

constexpr char kProfile[] = R"({"name":"東京支店","match":{"oui":"00d09e","serials":["SN1","SN2"]},
  "device_auth":{"mode":"rotate","username":"boot","password":"Boot-s3cret-77"},
  "periodic_inform_interval":300,"parameters":{"Device.ManagementServer.PeriodicInformEnable":"true"}})";

TEST_F(DevicesApi, DEV_1_ProfilesCrudNeverShowThePassword) {
  auto created = admin_a().Post("/api/v1/profiles", kProfile);
  ASSERT_EQ(created.status, 201) << created.Describe();
  const json::value p = created.Json();
  const std::string id = Str(p, "id");
  EXPECT_EQ(Str(Member(p, "match"), "oui"), "00D09E");
  EXPECT_TRUE(Member(Member(p, "device_auth"), "password_set").as_bool());
  EXPECT_EQ(created.body.find("Boot-s3cret-77"), std::string::npos);
  EXPECT_FALSE(Str(p, "created_at_jst").empty());
  auto got = admin_a().Get("/api/v1/profiles/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("Boot-s3cret-77"), std::string::npos);
  EXPECT_TRUE(FilesContaining(server_dir(), "Boot-s3cret-77").empty()) << "sealed at rest, not in logs";

  auto patched =
      admin_a().Patch("/api/v1/profiles/" + id, R"({"name":"大阪支店","periodic_inform_interval":null})");
  ASSERT_EQ(patched.status, 200) << patched.Describe();
  EXPECT_TRUE(Member(patched.Json(), "periodic_inform_interval").is_null());
  EXPECT_TRUE(Member(Member(patched.Json(), "device_auth"), "password_set").as_bool());
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/profiles").size(), 1u);

  // The operation history knows the profile but not its password.
  auto history = admin_a().Get("/api/v1/audit?target_id=" + id);
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(Member(history.Json(), "items").as_array().size(), 3u);
  EXPECT_EQ(history.body.find("Boot-s3cret-77"), std::string::npos);

  ASSERT_EQ(admin_a().Delete("/api/v1/profiles/" + id).status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/profiles/" + id).status, 404);
}

TEST_F(DevicesApi, DEV_1_BadProfilesAreRefusedWithTheirFieldAndChangeNothing) {
  struct Case {
    std::string body, field;
  };
  const std::vector<Case> cases{
      {R"({"name":"x","match":{}})", "match"},
      {R"({"name":"x","match":{"oui":"00D09"}})", "match.oui"},
      {R"({"name":"x","match":{"oui":"00D09E","color":"red"}})", "match.color"},
      {R"({"name":"x","match":{"oui":"00D09E"},"device_auth":{"mode":"rotate","username":"u"}})",
       "device_auth.password"},
      {R"({"name":"x","match":{"oui":"00D09E"},"device_auth":{"mode":"open"}})", "device_auth.mode"},
      {R"({"name":"x","match":{"oui":"00D09E"},"device_auth":{"mode":"none"},"periodic_inform_interval":10})",
       "periodic_inform_interval"},
      {R"({"name":"x","match":{"oui":"00D09E"},"device_auth":{"mode":"none"},"parameters":{"Device.WiFi.":"1"}})",
       "parameters"},
      {R"({"name":"x","match":{"oui":"00D09E"},"device_auth":{"mode":"none"},"colour":1})", "colour"},
  };
  for (const auto& c : cases) {
    auto r = admin_a().Post("/api/v1/profiles", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " " << r.Describe();
    EXPECT_EQ(ProblemField(r), c.field) << c.body;
  }
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/profiles").size(), 0u);
  ASSERT_EQ(admin_a().Post("/api/v1/profiles", kProfile).status, 201);
  EXPECT_EQ(admin_a().Post("/api/v1/profiles", kProfile).status, 409) << "names are unique per company";
}

TEST_F(DevicesApi, DEV_2_ListSearchesFiltersSortsAndPages) {
  const long long t0 = 1'743'465'600'000;
  Seed({.serial = "AB_100",
        .model = "Home 5G",
        .software_version = "2.1",
        .tags = {"東京"},
        .last_contact_ms = t0});
  Seed({.serial = "ABX100",
        .model = "Office",
        .software_version = "2.0",
        .online = false,
        .last_contact_ms = t0 + 2});
  Seed({.serial = "C-300",
        .model = "Office",
        .software_version = "2.1",
        .tags = {"lab"},
        .last_contact_ms = t0 + 1});
  Seed({.serial = "D-400", .model = "Home 5G", .software_version = "1.9", .last_contact_ms = t0 + 3});

  EXPECT_EQ(Serials("/api/v1/devices", 1), (std::vector<std::string>{"ABX100", "AB_100", "C-300", "D-400"}))
      << "serial order (binary: X before _), one per page, each once";
  EXPECT_EQ(Serials("/api/v1/devices?sort=-last_contact_at", 3),
            (std::vector<std::string>{"D-400", "ABX100", "C-300", "AB_100"}));
  EXPECT_EQ(Serials("/api/v1/devices?q=ab_"), std::vector<std::string>{"AB_100"}) << "_ is no wildcard";
  EXPECT_EQ(Serials("/api/v1/devices?q=%E6%9D%B1%E4%BA%AC"), std::vector<std::string>{"AB_100"})
      << "tag 東京";
  EXPECT_EQ(Serials("/api/v1/devices?online=false"), std::vector<std::string>{"ABX100"});
  EXPECT_EQ(Serials("/api/v1/devices?model=Office&sort=-serial_number"),
            (std::vector<std::string>{"C-300", "ABX100"}));
  EXPECT_EQ(Serials("/api/v1/devices?software_version=2.1&tag=lab"), std::vector<std::string>{"C-300"});
  EXPECT_EQ(ProblemField(admin_a().Get("/api/v1/devices?sort=wan_ip")), "sort");
  EXPECT_EQ(ProblemField(admin_a().Get("/api/v1/devices?online=maybe")), "online");

  auto summary = admin_a().Get("/api/v1/devices/summary");
  ASSERT_EQ(summary.status, 200);
  EXPECT_EQ(Member(summary.Json(), "total").as_int64(), 4);
  EXPECT_EQ(Member(summary.Json(), "offline").as_int64(), 1);
}

TEST_F(DevicesApi, DEV_2_CsvExportIsExcelReadyAndNeutralisesFormulas) {
  Seed({.serial = "SN-1", .model = "=HYPERLINK(\"http://evil\")", .tags = {"東京"}});
  Seed({.serial = "SN-2", .model = "Office", .online = false});
  auto csv = admin_a().Get("/api/v1/devices?format=csv&sort=serial_number");
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_EQ(csv.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 BOM";
  EXPECT_NE(csv.body.find("\r\n"), std::string::npos);
  EXPECT_NE(csv.body.find("'=HYPERLINK"), std::string::npos);
  EXPECT_NE(csv.body.find("東京"), std::string::npos);
  EXPECT_NE(csv.body.find(" JST"), std::string::npos);
  EXPECT_LT(csv.body.find("SN-1"), csv.body.find("SN-2"));
  auto filtered = admin_a().Get("/api/v1/devices?format=csv&online=false");
  EXPECT_EQ(filtered.body.find("SN-1"), std::string::npos);
}

TEST_F(DevicesApi, DEV_2_DeviceRecordParametersAndTags) {
  const std::string id = Seed({.serial = "SN-9", .auth_mode = "none"});
  auto d = admin_a().Get("/api/v1/devices/" + id);
  ASSERT_EQ(d.status, 200) << d.Describe();
  const json::value dev = d.Json();
  EXPECT_TRUE(Member(dev, "online").as_bool());
  EXPECT_TRUE(Member(dev, "insecure").as_bool());
  EXPECT_EQ(Str(dev, "credential_state"), "none");
  EXPECT_NE(Str(dev, "last_contact_at_jst").find("JST"), std::string::npos);
  EXPECT_TRUE(ParseApiTime(Str(dev, "last_contact_at")));

  auto wifi = admin_a().Get("/api/v1/devices/" + id + "/parameters?prefix=Device.WiFi.");
  ASSERT_EQ(wifi.status, 200);
  const json::value wifi_body = wifi.Json();
  const auto& items = Member(wifi_body, "items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(Str(items[0], "path"), "Device.WiFi.Radio.1.Channel");
  EXPECT_TRUE(Member(items[0], "writable").is_null());
  EXPECT_EQ(Str(items[1], "value"), "home");
  EXPECT_TRUE(Member(items[1], "writable").as_bool());

  auto tagged = admin_a().Put("/api/v1/devices/" + id + "/tags/%E6%9D%B1%E4%BA%AC-1F", "");
  ASSERT_EQ(tagged.status, 200) << tagged.Describe();
  EXPECT_EQ(Member(tagged.Json(), "tags").as_array().at(0).as_string(), "東京-1F");
  EXPECT_EQ(Serials("/api/v1/devices?tag=%E6%9D%B1%E4%BA%AC-1F"), std::vector<std::string>{"SN-9"});
  auto bad = admin_a().Put("/api/v1/devices/" + id + "/tags/a%2Cb", "");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ProblemField(bad), "tag");
  ASSERT_EQ(admin_a().Delete("/api/v1/devices/" + id + "/tags/%E6%9D%B1%E4%BA%AC-1F").status, 200);
  EXPECT_EQ(admin_a().Delete("/api/v1/devices/" + id + "/tags/%E6%9D%B1%E4%BA%AC-1F").status, 404);

  auto viewer = Staff("vera", {"builtin.viewer"});
  EXPECT_EQ(viewer->Get("/api/v1/devices/" + id).status, 200);
  EXPECT_EQ(viewer->Put("/api/v1/devices/" + id + "/tags/x", "").status, 403)
      << "tags need devices.configure";
  EXPECT_EQ(viewer->Delete("/api/v1/devices/" + id).status, 403);
  ASSERT_EQ(admin_a().Delete("/api/v1/devices/" + id).status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/devices/" + id).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_parameters"), 0u);
}

TEST_F(DevicesApi, SEC_5_EachTaskTypeNeedsItsPermission) {
  const std::string id = Seed({.serial = "SN-P"});
  const std::string tasks = "/api/v1/devices/" + id + "/tasks";
  const std::string read = R"({"type":"getParameterValues","names":["Device.DeviceInfo."]})";
  const std::string reboot = R"({"type":"reboot"})";
  const std::string set = R"({"type":"setParameterValues","values":{"Device.WiFi.SSID.1.SSID":"x"}})";
  const std::string download =
      R"({"type":"download","file_id":")" + SeedFirmware(Db(), company_a_id()) + R"("})";

  auto viewer = Staff("vera", {"builtin.viewer"});  // devices.read
  EXPECT_EQ(viewer->Post(tasks, read).status, 201) << "reading parameters is devices.read";
  for (const auto& body : {reboot, set, download}) {
    auto r = viewer->Post(tasks, body);
    EXPECT_EQ(r.status, 403) << body;
    EXPECT_EQ(ProblemCode(r), "forbidden");
  }
  auto operator_ = Staff("otto", {"builtin.operator"});
  for (const auto& body : {read, reboot, set, download})
    EXPECT_EQ(operator_->Post(tasks, body).status, 201) << body;

  auto support = admin_a().Post("/api/v1/roles", R"({"name":"Rebooter","permissions":["devices.reboot"]})");
  ASSERT_EQ(support.status, 201);
  auto rebooter = Staff("rita", {Str(support.Json(), "id")});
  EXPECT_EQ(rebooter->Post(tasks, reboot).status, 201);
  // A factory reset erases the settings: its own permission since issue 18, not the reboot's.
  EXPECT_EQ(rebooter->Post(tasks, R"({"type":"factoryReset"})").status, 403);
  EXPECT_EQ(rebooter->Post(tasks, read).status, 403);
  EXPECT_EQ(rebooter->Get(tasks).status, 403) << "listing tasks is devices.read";
  auto nobody = Staff("nina", {});
  EXPECT_EQ(nobody->Post(tasks, read).status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 6u) << "refusals create nothing";

  // Every refusal and creation is in the history.
  auto denied = admin_a().Get("/api/v1/audit?action=tasks.create&outcome=denied");
  ASSERT_EQ(denied.status, 200);
  EXPECT_EQ(Member(denied.Json(), "items").as_array().size(), 6u);
}

TEST_F(DevicesApi, DEV_3_TasksAreQueuedListedReadAndCancelled) {
  const std::string id = Seed({.serial = "SN-T"});
  const std::string tasks = "/api/v1/devices/" + id + "/tasks";
  const std::string firmware = SeedFirmware(Db(), company_a_id());
  const std::vector<std::string> bodies{
      R"({"type":"getParameterValues","names":["Device.DeviceInfo."]})",
      R"({"type":"setParameterValues","values":{"Device.WiFi.SSID.1.SSID":"guest","Device.WiFi.Radio.1.Channel":11}})",
      R"({"type":"getParameterNames","path":"Device.WiFi.","next_level":true})",
      R"({"type":"addObject","object":"Device.NAT.PortMapping."})",
      R"({"type":"deleteObject","object":"Device.NAT.PortMapping.3."})",
      R"({"type":"reboot","now":true})",
      R"({"type":"factoryReset"})",
      R"({"type":"download","file_id":")" + firmware + R"("})"};
  std::vector<std::string> ids;
  for (const auto& body : bodies) {
    auto r = admin_a().Post(tasks, body);
    ASSERT_EQ(r.status, 201) << body << " " << r.Describe();
    EXPECT_EQ(Str(r.Json(), "state"), "queued");
    EXPECT_EQ(Str(Member(r.Json(), "created_by"), "login"), kAdminALogin);
    ids.push_back(Str(r.Json(), "id"));
  }
  auto set = admin_a().Get("/api/v1/tasks/" + ids[1]);
  ASSERT_EQ(set.status, 200);
  EXPECT_EQ(
      Member(Member(Member(set.Json(), "request"), "values"), "Device.WiFi.Radio.1.Channel").as_string(),
      "11");
  EXPECT_TRUE(Member(set.Json(), "result").is_null());

  // Bad requests are refused with their field.
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"type":"teleport"})", "type"},
           {R"({"type":"getParameterValues","names":[]})", "names"},
           {R"({"type":"deleteObject","object":"Device.NAT.PortMapping."})", "object"},
           {R"({"type":"download","file_id":"nope"})", "file_id"},
           {R"({"type":"reboot","delay":5})", "delay"},
       }) {
    auto r = admin_a().Post(tasks, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(ProblemField(r), field) << body;
  }
  auto list = ListAll(admin_a(), tasks, 3);
  ASSERT_EQ(list.size(), ids.size());
  EXPECT_EQ(Str(list.front(), "id"), ids.back()) << "newest first";

  auto cancelled = admin_a().Post("/api/v1/tasks/" + ids[0] + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200) << cancelled.Describe();
  EXPECT_EQ(Str(cancelled.Json(), "state"), "cancelled");
  EXPECT_EQ(admin_a().Post("/api/v1/tasks/" + ids[0] + "/cancel", "").status, 409);

  // A failed task shows the CPE fault with its meaning.
  ExecSql(Db(),
          "UPDATE tasks SET state = 'failed', fault_code = 9005, fault_string = 'no such parameter', "
          "finished_at = started_at WHERE id = " +
              SqlText(ids[1]));
  auto failed = admin_a().Get("/api/v1/tasks/" + ids[1]);
  const json::value fault = Member(failed.Json(), "fault");
  EXPECT_EQ(Member(fault, "code").as_int64(), 9005);
  EXPECT_EQ(Str(fault, "meaning"), "Invalid parameter name");
  EXPECT_EQ(admin_a().Post("/api/v1/tasks/" + ids[1] + "/cancel", "").status, 409);

  // SEC-6: the creation is recorded with its device and task.
  auto history = admin_a().Get("/api/v1/audit?action=tasks.create&target_id=" + id);
  ASSERT_EQ(history.status, 200);
  const json::value history_body = history.Json();
  const auto& records = Member(history_body, "items").as_array();
  ASSERT_EQ(records.size(), bodies.size() + 5);
  bool found = false;
  for (const auto& rec : records) {
    const auto* task = Member(rec, "details").as_object().if_contains("task_id");
    found = found || (task && *task == json::value(ids[5]) && Str(rec, "target_type") == "device");
  }
  EXPECT_TRUE(found);
}

TEST_F(DevicesApi, DEV_3_GroupsCreateJobsWithPerDeviceProgress) {
  const std::string d1 = Seed({.serial = "G-1", .software_version = "1.0"});
  const std::string d2 = Seed({.serial = "G-2", .software_version = "1.0"});
  Seed({.serial = "G-3", .software_version = "2.0"});

  auto bad =
      admin_a().Post("/api/v1/device-groups", R"({"name":"本社","device_ids":[")" + d1 + R"(","nope"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ProblemField(bad), "device_ids");
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/device-groups").size(), 0u);

  auto fixed = admin_a().Post("/api/v1/device-groups", R"({"name":"本社","device_ids":[")" + d1 + R"("]})");
  ASSERT_EQ(fixed.status, 201) << fixed.Describe();
  const std::string fixed_id = Str(fixed.Json(), "id");
  auto replaced = admin_a().Put("/api/v1/device-groups/" + fixed_id + "/devices",
                                R"({"device_ids":[")" + d1 + R"(",")" + d2 + R"("]})");
  ASSERT_EQ(replaced.status, 200) << replaced.Describe();
  EXPECT_EQ(Member(replaced.Json(), "device_count").as_int64(), 2);
  EXPECT_EQ(Serials("/api/v1/devices?group_id=" + fixed_id), (std::vector<std::string>{"G-1", "G-2"}));

  auto old = admin_a().Post("/api/v1/device-groups",
                            R"({"name":"Old firmware","kind":"filter","filter":{"software_version":"1.0"}})");
  ASSERT_EQ(old.status, 201) << old.Describe();
  EXPECT_EQ(Member(old.Json(), "device_count").as_int64(), 2);
  EXPECT_EQ(ProblemField(admin_a().Post("/api/v1/device-groups",
                                        R"({"name":"x","kind":"filter","filter":{"colour":"red"}})")),
            "filter.colour");

  auto job = admin_a().Post("/api/v1/device-groups/" + Str(old.Json(), "id") + "/tasks",
                            R"({"type":"getParameterValues","names":["Device.DeviceInfo.SoftwareVersion"]})");
  ASSERT_EQ(job.status, 201) << job.Describe();
  const std::string job_id = Str(job.Json(), "id");
  EXPECT_EQ(Member(Member(job.Json(), "progress"), "total").as_int64(), 2);
  ExecSql(Db(),
          "UPDATE tasks SET state = 'done', result = '{\"values\":{}}' WHERE device_id = " + SqlText(d1));
  auto progress = admin_a().Get("/api/v1/jobs/" + job_id + "?limit=1");
  ASSERT_EQ(progress.status, 200) << progress.Describe();
  const json::value p = progress.Json();
  EXPECT_EQ(Member(Member(p, "progress"), "done").as_int64(), 1);
  EXPECT_EQ(Member(Member(p, "progress"), "queued").as_int64(), 1);
  EXPECT_EQ(Member(Member(p, "tasks"), "items").as_array().size(), 1u);
  EXPECT_FALSE(Member(Member(p, "tasks"), "next_cursor").is_null());
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/devices/" + d1 + "/tasks").size(), 1u);

  auto viewer = Staff("vera", {"builtin.viewer"});
  EXPECT_EQ(viewer->Post("/api/v1/device-groups/" + fixed_id + "/tasks", R"({"type":"reboot"})").status, 403);
  EXPECT_EQ(viewer->Post("/api/v1/device-groups", R"({"name":"mine"})").status, 403);
  ASSERT_EQ(admin_a().Delete("/api/v1/device-groups/" + fixed_id).status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/jobs/" + job_id).status, 200) << "jobs outlive groups";
}

TEST_F(DevicesApi, DEV_1_RefusedDevicesAreForTheProviderOnly) {
  ExecSql(Db(),
          "INSERT INTO refused_devices (id, oui, product_class, serial_number, source_ip, reason, attempts, "
          "first_at, last_at) VALUES ('r1', '00D09E', 'IGD', 'LOST-1', '203.0.113.9', 'unallocated', 3, 0, "
          "CAST(strftime('%s', 'now') AS INTEGER) * 1000)");
  auto r = site_admin().Get("/api/v1/refused-devices");
  ASSERT_EQ(r.status, 200) << r.Describe();
  const json::value body = r.Json();
  const auto& items = Member(body, "items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Str(items[0], "serial_number"), "LOST-1");
  EXPECT_EQ(Str(items[0], "reason"), "unallocated");
  EXPECT_EQ(admin_a().Get("/api/v1/refused-devices").status, 403);
  EXPECT_EQ(site_admin().Get("/api/v1/devices").status, 403)
      << "the provider does not read a company's devices";
}

}  // namespace
}  // namespace kanri::testing
