// Issue 18, end to end against the real binary and `kanri sim`: a deleted device comes back as
// new, a retired one is refused and its company sees why, a factory reset needs its own
// permission, a wake-up that did not reach the device stays on its task and the company's jobs
// are listed and can be cancelled, and a password someone else chose is changed at the first login.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

constexpr char kRotateProfile[] =
    R"({"name":"Sim gateways","match":{"oui":"00D09E","product_class":"SimGateway"},
    "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"},
    "periodic_inform_interval":3600})";

class DeviceLifecycle : public Devices {
 protected:
  // A fleet that keeps its state (its rotated credentials) in `state_dir` across restarts.
  std::unique_ptr<SimProcess> StartKeptSim(const std::string& prefix, int devices,
                                           const std::string& state_dir) {
    std::filesystem::create_directories(state_dir);
    return std::make_unique<SimProcess>(server().data_dir(),
                                        std::vector<std::string>{"--devices",   std::to_string(devices),
                                                                 "--acs",       AcsUrl(),
                                                                 "--insecure",  "--serial-prefix",
                                                                 prefix,        "--oui",
                                                                 "00D09E",      "--product-class",
                                                                 "SimGateway",  "--username",
                                                                 kBootUser,     "--password",
                                                                 kBootPassword, "--inform-interval",
                                                                 "3600",        "--ramp-up",
                                                                 "0",           "--cr-listen",
                                                                 "127.0.0.1:0", "--state-dir",
                                                                 state_dir});
  }

  json::array Refused(HttpsClient& client) {
    auto r = client.Get("/api/v1/devices/refused");
    if (r.status != 200) throw std::runtime_error("refused: " + r.Describe());
    return Member(r.Json(), "items").as_array();
  }
};

TEST_F(DeviceLifecycle, DEV_1_DeletedDeviceIsOnboardedAgainAndARetiredOneIsRefusedForItsCompanyToSee) {
  CreateProfile(kRotateProfile);
  const std::string state = server().data_dir() + "/sim-state";
  auto sim = StartKeptSim("LIF", 2, state);
  const json::value deleted = WaitForProvisionedDevice("LIF000001");
  const json::value retired = WaitForProvisionedDevice("LIF000002");
  ASSERT_EQ(Str(deleted, "credential_state"), "rotated");
  ASSERT_EQ(Str(retired, "credential_state"), "rotated");
  sim->Stop();

  // A company of its own, to check that nothing of ACME's refusals shows there.
  const std::string other_id = Str(CreateCompany("OTHER", "Other Ltd"), "id");
  CreateCompanyAdmin(other_id, "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  // Another company's device IDs answer as unknown ones (SEC-8).
  EXPECT_EQ(olga->Delete("/api/v1/devices/" + Str(deleted, "id")).status, 404);
  EXPECT_EQ(olga->Post("/api/v1/devices/" + Str(retired, "id") + "/retire", "").status, 404);

  ASSERT_EQ(admin_a().Delete("/api/v1/devices/" + Str(deleted, "id")).status, 204);
  ASSERT_EQ(admin_a().Post("/api/v1/devices/" + Str(retired, "id") + "/retire", "").status, 204);
  EXPECT_EQ(admin_a().Get("/api/v1/devices/" + Str(retired, "id")).status, 404);
  EXPECT_EQ(admin_a().Post("/api/v1/devices/" + Str(retired, "id") + "/retire", "").status, 404);

  // The routers contact the service again with the credentials they have (their own, rotated).
  sim = StartKeptSim("LIF", 2, state);
  const json::value back = WaitForProvisionedDevice("LIF000001");
  EXPECT_NE(Str(back, "id"), Str(deleted, "id")) << "onboarded as a new device";
  PollUntil("/api/v1/devices/" + Str(back, "id"),
            [](const json::value& d) { return Str(d, "credential_state") == "rotated"; });

  // The retired one is refused, and its company sees it with the reason; the provider too.
  json::value listed;
  PollUntil("/api/v1/devices/refused", [&](const json::value& v) {
    for (const auto& r : Member(v, "items").as_array())
      if (Str(r, "serial_number") == "LIF000002") {
        listed = r;
        return true;
      }
    return false;
  });
  EXPECT_EQ(Str(listed, "reason"), "retired");
  EXPECT_EQ(Str(listed, "oui"), "00D09E");
  bool provider_sees = false;
  const json::value provider_list = site_admin().Get("/api/v1/refused-devices").Json();
  for (const auto& r : Member(provider_list, "items").as_array())
    provider_sees |= Str(r, "serial_number") == "LIF000002" && Str(r, "reason") == "retired";
  EXPECT_TRUE(provider_sees);
  for (const auto& d : DevicesList()) EXPECT_NE(Str(d, "serial_number"), "LIF000002");
  EXPECT_TRUE(Refused(*olga).empty()) << "another company sees nothing of ACME's refusals";

  // In the history with the device's identity (the second attempt, refused as unknown, too).
  const json::value audit = admin_a().Get("/api/v1/audit?action=devices.retire").Json();
  std::size_t with_identity = 0;
  for (const auto& r : Member(audit, "items").as_array()) {
    const auto& details = Member(r, "details");
    with_identity += details.is_object() && details.as_object().contains("serial_number") &&
                     Str(details, "serial_number") == "LIF000002";
  }
  EXPECT_EQ(with_identity, 1u) << json::serialize(audit);
}

// A router with a wrong credential inside the company's own allocation: its company sees it
// (not only the provider), and an unallocated one stays the provider's alone.
TEST_F(DeviceLifecycle, DEV_1_TheCompanySeesItsOwnRoutersRefusedForAWrongCredential) {
  CreateProfile(kRotateProfile);
  auto impostor = StartSim("BAD", 1, "00D09E", "not-the-password");
  auto stranger = StartSim("ODD", 1, "AABBCC");
  impostor->WaitFor("auth refused", {{"serial", "BAD000001"}});
  stranger->WaitFor("auth refused", {{"serial", "ODD000001"}});
  json::value listed = PollUntil("/api/v1/devices/refused",
                                 [](const json::value& v) { return !Member(v, "items").as_array().empty(); });
  const auto& items = Member(listed, "items").as_array();
  ASSERT_EQ(items.size(), 1u) << json::serialize(listed);
  EXPECT_EQ(Str(items.at(0), "serial_number"), "BAD000001");
  EXPECT_EQ(Str(items.at(0), "reason"), "bad_credentials");
  // Reading it needs devices.read like the device list.
  CreateAccount(admin_a(), "nobody", "general", kAdminPassword);
  EXPECT_EQ(LoginAs(kCompanyACode, "nobody", kAdminPassword)->Get("/api/v1/devices/refused").status, 403);
}

// SEC-5: a factory reset erases a router's settings; the reboot permission no longer allows it.
TEST_F(DeviceLifecycle, SEC_5_FactoryResetNeedsItsOwnPermission) {
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  auto sim = StartSim("FRS", 1, "00D09E");
  const std::string id = Str(WaitForProvisionedDevice("FRS000001"), "id");

  const std::string oper_id = Str(CreateAccount(admin_a(), "oper", "general", kAdminPassword), "id");
  ASSERT_EQ(admin_a().Patch("/api/v1/accounts/" + oper_id, R"({"roles":["builtin.operator"]})").status, 200);
  auto oper = LoginAs(kCompanyACode, "oper", kAdminPassword);
  auto denied = oper->Post("/api/v1/devices/" + id + "/tasks", R"({"type":"factoryReset"})");
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(ProblemCode(denied), "forbidden");
  EXPECT_EQ(oper->Post("/api/v1/devices/" + id + "/tasks", R"({"type":"reboot"})").status, 201);

  auto role = admin_a().Post("/api/v1/roles", R"({"name":"Resetter","description":"",
      "permissions":["devices.read","devices.factory_reset"]})");
  ASSERT_EQ(role.status, 201) << role.body;
  ASSERT_EQ(admin_a()
                .Patch("/api/v1/accounts/" + oper_id,
                       R"({"roles":["builtin.operator",")" + Str(role.Json(), "id") + R"("]})")
                .status,
            200);
  oper = LoginAs(kCompanyACode, "oper", kAdminPassword);
  auto allowed = oper->Post("/api/v1/devices/" + id + "/tasks", R"({"type":"factoryReset"})");
  EXPECT_EQ(allowed.status, 201) << allowed.body;
  // The catalogue names it, for the roles screen.
  bool listed = false;
  const json::value catalogue = admin_a().Get("/api/v1/permissions").Json();
  for (const auto& p : Member(catalogue, "items").as_array())
    listed |= Str(p, "name") == "devices.factory_reset";
  EXPECT_TRUE(listed);
}

// DEV-4: a wake-up that did not reach the device is kept on its task, which says it waits for
// the device's next session until it expires; a group's job is listed with each device's
// outcome, and cancelling it stops what has not started.
TEST_F(DeviceLifecycle, DEV_4_AWakeUpThatFailedStaysOnTheTaskAndJobsAreListedAndCancelled) {
  CreateProfile(kRotateProfile);
  auto sim = StartSim("WAK", 2, "00D09E");
  const std::string one = Str(WaitForProvisionedDevice("WAK000001"), "id");
  const std::string two = Str(WaitForProvisionedDevice("WAK000002"), "id");
  sim->Stop();  // nobody listens for connection requests any more

  auto created = admin_a().Post("/api/v1/devices/" + one + "/tasks", R"({"type":"reboot","now":true})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string word = Str(created.Json(), "wakeup");
  EXPECT_TRUE(word == "unreachable" || word == "timeout") << created.body;
  const json::value task = admin_a().Get("/api/v1/tasks/" + Str(created.Json(), "id")).Json();
  EXPECT_EQ(Str(task, "wakeup"), word);
  EXPECT_EQ(Str(task, "state"), "queued");
  EXPECT_TRUE(ParseApiTime(Str(task, "wakeup_at")).has_value());
  EXPECT_TRUE(ParseApiTime(Str(task, "expires_at")).has_value());
  // Without "now" the device was not asked.
  auto quiet = admin_a().Post("/api/v1/devices/" + two + "/tasks", R"({"type":"reboot"})");
  EXPECT_TRUE(Member(quiet.Json(), "wakeup").is_null()) << quiet.body;

  auto group = admin_a().Post("/api/v1/device-groups",
                              R"({"name":"Both","device_ids":[")" + one + R"(",")" + two + R"("]})");
  ASSERT_EQ(group.status, 201) << group.body;
  const std::string group_id = Str(group.Json(), "id");
  auto job = admin_a().Post("/api/v1/device-groups/" + group_id + "/tasks",
                            R"({"type":"getParameterValues","names":["Device.DeviceInfo."],"now":true})");
  ASSERT_EQ(job.status, 201) << job.body;
  const std::string job_id = Str(job.Json(), "id");
  // Each device's wake-up outcome is on the job's page once tried.
  PollUntil("/api/v1/jobs/" + job_id, [](const json::value& j) {
    for (const auto& t : Member(Member(j, "tasks"), "items").as_array())
      if (Member(t, "wakeup").is_null()) return false;
    return true;
  });
  auto jobs = Member(admin_a().Get("/api/v1/jobs").Json(), "items").as_array();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(Str(jobs.at(0), "id"), job_id);
  EXPECT_EQ(Member(Member(jobs.at(0), "progress"), "queued").as_int64(), 2);

  // Another company neither sees nor cancels it.
  const std::string other_id = Str(CreateCompany("OTHER", "Other Ltd"), "id");
  CreateCompanyAdmin(other_id, "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  EXPECT_TRUE(Member(olga->Get("/api/v1/jobs").Json(), "items").as_array().empty());
  EXPECT_EQ(olga->Post("/api/v1/jobs/" + job_id + "/cancel", "").status, 404);

  auto cancelled = admin_a().Post("/api/v1/jobs/" + job_id + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Member(Member(cancelled.Json(), "progress"), "cancelled").as_int64(), 2);
  EXPECT_EQ(Member(Member(cancelled.Json(), "progress"), "queued").as_int64(), 0);
}

// An account created with a password an administrator chose must change it at its first login,
// as after a reset; and that password expires like a reset one.
TEST_F(DeviceLifecycle, SEC_5_APasswordChosenBySomeoneElseIsChangedAtTheFirstLogin) {
  const std::string initial = "Chosen-By-Admin-2026!";
  auto created =
      admin_a().Post("/api/v1/accounts", R"({"login":"newbie","name":"New Bie","email":"n@example.com",
      "kind":"admin","password":")" + initial +
                                             R"("})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(Member(created.Json(), "must_change_password").as_bool());

  auto client = NewClient();
  auto login = TryLogin(*client, kCompanyACode, "newbie", initial);
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(Member(Member(login.Json(), "account"), "must_change_password").as_bool());
  client->SetDefaultHeader("X-CSRF-Token", Str(login.Json(), "csrf_token"));
  auto blocked = client->Get("/api/v1/devices");
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(ProblemCode(blocked), "password_change_required");
  auto changed = client->Put("/api/v1/session/password",
                             R"({"current":")" + initial + R"(","new":"Only-Mine-Now-2026!"})");
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(client->Get("/api/v1/session").status, 200);
  EXPECT_FALSE(
      Member(admin_a().Get("/api/v1/accounts/" + Str(created.Json(), "id")).Json(), "must_change_password")
          .as_bool());

  // The provider's first administrator of a company too; unused past the temporary lifetime
  // (72 hours), the chosen password no longer logs in.
  const std::string late_id = Str(CreateCompany("LATE", "Late Ltd"), "id");
  auto admin = site_admin().Post(
      "/api/v1/companies/" + late_id + "/administrators",
      R"({"login":"lena","name":"Lena","email":"l@example.com","password":")" + initial + R"("})");
  ASSERT_EQ(admin.status, 201) << admin.body;
  EXPECT_TRUE(Member(admin.Json(), "must_change_password").as_bool());
  server().AdvanceClock(std::chrono::hours{73});
  auto expired = TryLogin(*NewClient(), "LATE", "lena", initial);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(ProblemCode(expired), "temporary_password_expired");
}

}  // namespace
}  // namespace kanri::testing
