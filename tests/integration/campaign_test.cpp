// DEV-6, end to end against the real binary and `kanri sim`: a firmware campaign over 30
// simulated routers of two models, with one download in five of one model made to fail
// (`--fault Download=9010@20%`): the other model is skipped with its reason and never sent the
// file, the campaign pauses by itself once a wave's failures pass the threshold, an operator
// resumes it, and it finishes with every router of the right model but the failing ones on the
// new version. Another company sees none of it; a viewer cannot start or stop one.
#include <gtest/gtest.h>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

class Campaigns : public Devices {
 protected:
  // A failed download is not tried again by itself, so that the failures stay failures.
  Campaigns() : Devices({"--task-retries", "0"}) {}

  std::unique_ptr<SimProcess> StartRouters(const std::string& prefix, int n, const std::string& model,
                                           const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--devices",  std::to_string(n),    "--acs",      AcsUrl(),
                                  "--insecure", "--serial-prefix",    prefix,       "--oui",
                                  "00D09E",     "--product-class",    "SimGateway", "--model-name",
                                  model,        "--software-version", "1.0.0",      "--inform-interval",
                                  "3600",       "--ramp-up",          "0",          "--reboot-seconds",
                                  "1",          "--cr-listen",        "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<SimProcess>(server().data_dir(), args);
  }

  // Waits until the company has `n` devices that finished their first-contact tasks.
  void WaitForDevices(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto devices = ListAll(admin_a(), "/api/v1/devices");
      std::size_t ready = 0;
      for (const auto& d : devices) ready += Str(d, "software_version") == "1.0.0" ? 1 : 0;
      if (ready == n) {
        // Their first-contact reads are over (no task of Kanri's own queued or running).
        bool busy = false;
        for (const auto& d : devices) {
          auto tasks = Member(admin_a().Get("/api/v1/devices/" + Str(d, "id") + "/tasks").Json(), "items");
          for (const auto& t : tasks.as_array())
            busy = busy || Str(t, "state") == "queued" || Str(t, "state") == "running";
        }
        if (!busy) return;
      }
      std::this_thread::sleep_for(500ms);
    }
    throw std::runtime_error("the routers did not all finish their first contact");
  }

  json::value Campaign(const std::string& id) { return admin_a().Get("/api/v1/campaigns/" + id).Json(); }
  std::int64_t CountOf(const json::value& c, const char* state) {
    return Member(Member(c, "counts"), state).as_int64();
  }
};

TEST_F(Campaigns, DEV_6_AStagedCampaignSkipsTheWrongModelPausesAtItsThresholdAndFinishes) {
  const std::string profile =
      Str(CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})"), "id");
  auto hg5 = StartRouters("HGA", 20, "HG-5", {"--fault", "Download=9010@20%"});
  auto hg9 = StartRouters("HGB", 10, "HG-9");
  WaitForDevices(30);

  // The file is for HG-5 only; its version comes from the vendor's file name.
  auto upload = admin_a().Post("/api/v1/firmware?name=HG-5_v2.0.0.bin&models=HG-5",
                               "KANRI-SIM-FIRMWARE version=2.0.0 model=HG-5\n" + std::string(50'000, 'x'),
                               {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(upload.status, 201) << upload.Describe();
  EXPECT_EQ(Str(upload.Json(), "version"), "2.0.0");
  const std::string file = Str(upload.Json(), "id");

  // Bad input changes nothing.
  for (
      const char* bad :
      {R"({"name":"x","firmware_id":"nope","target":{"filter":{}},"waves":[{"percent":100}]})",
       R"({"name":"x","firmware_id":"FILE","target":{},"waves":[{"percent":100}]})",
       R"({"name":"x","firmware_id":"FILE","target":{"filter":{}},"waves":[]})",
       R"({"name":"x","firmware_id":"FILE","target":{"filter":{}},"waves":[{"percent":100}],"window":{"from":"25:00","to":"01:00"}})",
       R"({"name":"x","firmware_id":"FILE","target":{"filter":{}},"waves":[{"percent":100}],"concurrency":0})"}) {
    std::string body = bad;
    if (auto at = body.find("FILE"); at != std::string::npos) body.replace(at, 4, file);
    auto r = admin_a().Post("/api/v1/campaigns", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.Describe();
  }
  EXPECT_TRUE(ListAll(admin_a(), "/api/v1/campaigns").empty());

  // A viewer may read campaigns but not start one.
  const std::string viewer_id = Str(CreateAccount(admin_a(), "viewer", "general", kAdminPassword), "id");
  ASSERT_EQ(admin_a().Patch("/api/v1/accounts/" + viewer_id, R"({"roles":["builtin.viewer"]})").status, 200);
  auto viewer = LoginAs(kCompanyACode, "viewer", kAdminPassword);
  const std::string body =
      R"({"name":"HG-5 2.0.0","firmware_id":")" + file +
      R"(","target":{"filter":{}},"waves":[{"count":2},{"percent":50},{"percent":100}],)"
      R"("failure_threshold_percent":10,"min_success_before_next_wave":1,"concurrency":5})";
  EXPECT_EQ(viewer->Post("/api/v1/campaigns", body).status, 403);

  auto created = admin_a().Post("/api/v1/campaigns", body);
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string id = Str(created.Json(), "id");
  {
    const json::value c = created.Json();
    EXPECT_EQ(CountOf(c, "total"), 30);
    EXPECT_EQ(CountOf(c, "skipped"), 10);
    EXPECT_EQ(Member(Member(c, "skipped_reasons"), "other_model").as_int64(), 10);
    const auto& waves = Member(c, "waves").as_array();
    ASSERT_EQ(waves.size(), 3U);
    EXPECT_EQ(Member(waves[0], "size").as_int64(), 2);
    EXPECT_EQ(Member(waves[1], "size").as_int64(), 10);
    EXPECT_EQ(Member(waves[2], "size").as_int64(), 8);
  }
  EXPECT_EQ(viewer->Get("/api/v1/campaigns/" + id).status, 200);
  EXPECT_EQ(viewer->Post("/api/v1/campaigns/" + id + "/pause", "").status, 403);

  // Another company sees nothing, the same as a campaign that does not exist.
  const std::string other = Str(CreateCompany("OTHER", "Other Ltd"), "id");
  CreateCompanyAdmin(other, "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  auto foreign = olga->Get("/api/v1/campaigns/" + id);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body, olga->Get("/api/v1/campaigns/no-such-campaign").body);
  EXPECT_EQ(olga->Post("/api/v1/campaigns/" + id + "/cancel", "").status, 404);
  EXPECT_EQ(olga->Get("/api/v1/campaigns/" + id + "/devices").status, 404);

  // Run to the end: each time the campaign pauses at its threshold, an operator resumes it.
  int pauses = 0;
  json::value c;
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (std::chrono::steady_clock::now() < deadline) {
    c = Campaign(id);
    if (Str(c, "state") == "finished") break;
    if (Str(c, "state") == "paused") {
      EXPECT_EQ(Str(c, "pause_reason"), "failure_threshold") << json::serialize(c);
      ++pauses;
      auto resumed = admin_a().Post("/api/v1/campaigns/" + id + "/resume", "");
      ASSERT_EQ(resumed.status, 200) << resumed.Describe();
    }
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_EQ(Str(c, "state"), "finished") << json::serialize(c) << hg5->Stdout();
  EXPECT_GE(pauses, 1);
  EXPECT_EQ(CountOf(c, "done"), 16) << json::serialize(c);
  EXPECT_EQ(CountOf(c, "failed"), 4);
  EXPECT_EQ(CountOf(c, "skipped"), 10);
  EXPECT_EQ(Member(Member(c, "failure_reasons"), "9010").as_int64(), 4);

  // The wrong model was never sent the file; the right one runs 2.0.0 unless its download failed.
  for (const auto& d : ListAll(admin_a(), "/api/v1/campaigns/" + id + "/devices")) {
    const std::string serial = Str(Member(d, "device"), "serial_number");
    if (serial.starts_with("HGB")) {
      EXPECT_EQ(Str(d, "state"), "skipped") << serial;
      EXPECT_EQ(Str(d, "reason"), "other_model");
      EXPECT_TRUE(Member(d, "task_id").is_null());
    } else {
      EXPECT_TRUE(Str(d, "state") == "done" || Str(d, "state") == "failed") << json::serialize(d);
    }
  }
  std::size_t upgraded = 0;
  for (const auto& d : ListAll(admin_a(), "/api/v1/devices")) {
    if (Str(d, "serial_number").starts_with("HGB")) {
      EXPECT_EQ(Str(d, "software_version"), "1.0.0");
    }
    if (Str(d, "software_version") == "2.0.0") ++upgraded;
  }
  EXPECT_EQ(upgraded, 16U);
  auto failed = ListAll(admin_a(), "/api/v1/campaigns/" + id + "/devices?state=failed");
  ASSERT_EQ(failed.size(), 4U);
  for (const auto& d : failed) EXPECT_EQ(Str(d, "reason"), "9010");

  // The history: the operator's start and resumes, the engine's pauses and waves (the refused
  // attempts above are in it too, as failures).
  auto history = [&](const std::string& action) {
    return ListAll(admin_a(), "/api/v1/audit?outcome=success&action=" + action);
  };
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/audit?outcome=failed&action=campaign.create").size(), 5U);
  EXPECT_EQ(ListAll(admin_a(), "/api/v1/audit?outcome=denied&action=campaign.create").size(), 1U);
  EXPECT_EQ(history("campaign.create").size(), 1U);
  EXPECT_EQ(history("campaign.resume").size(), static_cast<std::size_t>(pauses));
  auto paused = history("campaign.paused");
  ASSERT_EQ(paused.size(), static_cast<std::size_t>(pauses));
  EXPECT_EQ(Str(paused[0], "actor_login"), "system");
  EXPECT_EQ(history("campaign.finished").size(), 1U);
  EXPECT_TRUE(ListAll(*olga, "/api/v1/audit?action=campaign.paused").empty());

  // A finished campaign cannot be cancelled; its file can be deleted again.
  EXPECT_EQ(ProblemCode(admin_a().Post("/api/v1/campaigns/" + id + "/cancel", "")), "campaign_ended");

  // DEV-7: the profile's firmware baseline tells which routers run another version.
  auto patched = admin_a().Patch("/api/v1/profiles/" + profile, R"({"firmware_version":"2.0.0"})");
  ASSERT_EQ(patched.status, 200) << patched.Describe();
  EXPECT_EQ(Str(patched.Json(), "firmware_version"), "2.0.0");
  std::map<std::string, std::size_t> by_state;
  for (const auto& d : ListAll(admin_a(), "/api/v1/devices")) {
    auto compliance = admin_a().Get("/api/v1/devices/" + Str(d, "id") + "/compliance").Json();
    for (const auto& e : Member(compliance, "items").as_array()) {
      if (Str(e, "path") != "Device.DeviceInfo.SoftwareVersion") continue;
      EXPECT_EQ(Str(e, "desired"), "2.0.0");
      EXPECT_EQ(Str(e, "reported"), Str(d, "software_version"));
      ++by_state[Str(e, "state") + ":" + (Member(e, "reason").is_null() ? "" : Str(e, "reason"))];
    }
  }
  EXPECT_EQ(by_state["in_sync:"], 16U);
  EXPECT_EQ(by_state["drift:other_firmware"], 14U) << "4 failed downloads and the 10 HG-9";
  EXPECT_EQ(ProblemCode(admin_a().Patch("/api/v1/profiles/" + profile, R"({"firmware_version":""})")),
            "invalid_request");
}

TEST_F(Campaigns, DEV_6_AnOperatorPausesAndCancelsAndTheFileStaysWhileItRuns) {
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  auto sim = StartRouters("CXL", 3, "HG-5");
  WaitForDevices(3);
  auto upload = admin_a().Post("/api/v1/firmware?name=fw.bin&version=2.0.0",
                               std::string("KANRI-SIM-FIRMWARE version=2.0.0\n"),
                               {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(upload.status, 201) << upload.Describe();
  const std::string file = Str(upload.Json(), "id");
  // A one-minute window at 03:00 JST: closed while the test runs, almost always.
  auto created =
      admin_a().Post("/api/v1/campaigns", R"({"name":"Night","firmware_id":")" + file +
                                              R"(","target":{"filter":{}},"waves":[{"percent":100}],)"
                                              R"("window":{"days":[],"from":"03:00","to":"03:01"}})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string id = Str(created.Json(), "id");
  EXPECT_EQ(Str(Member(created.Json(), "window"), "from"), "03:00");
  EXPECT_EQ(ProblemCode(admin_a().Delete("/api/v1/firmware/" + file)), "firmware_in_use");

  auto paused = admin_a().Post("/api/v1/campaigns/" + id + "/pause", "");
  ASSERT_EQ(paused.status, 200) << paused.Describe();
  EXPECT_EQ(Str(paused.Json(), "pause_reason"), "operator");
  EXPECT_EQ(ProblemCode(admin_a().Post("/api/v1/campaigns/" + id + "/pause", "")), "campaign_not_running");
  auto cancelled = admin_a().Post("/api/v1/campaigns/" + id + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200) << cancelled.Describe();
  EXPECT_EQ(Str(cancelled.Json(), "state"), "cancelled");
  EXPECT_EQ(CountOf(cancelled.Json(), "pending"), 0) << "no download is left to start";
  EXPECT_EQ(admin_a().Delete("/api/v1/firmware/" + file).status, 204);
  EXPECT_EQ(Str(Campaign(id), "state"), "cancelled");
}

}  // namespace
}  // namespace kanri::testing
