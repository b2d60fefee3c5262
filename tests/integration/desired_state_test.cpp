// DEV-7, end to end against the real binary and `kanri sim`: a profile's parameters are the
// desired state of TR-181 and TR-098 routers alike, each getting only its own; an edit reaches an
// online router within a minute and an offline one at its next Inform; an override wins; a value
// the router keeps changing back is reported as drift and not set again forever.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

constexpr char kNtp[] = "Device.Time.NTPServer1";
constexpr char kNtp098[] = "InternetGatewayDevice.Time.NTPServer1";

class DesiredState : public Devices {
 protected:
  std::unique_ptr<SimProcess> StartSimWith(const std::string& prefix, std::vector<std::string> extra) {
    std::vector<std::string> args{
        "--devices", "1",         "--acs",  AcsUrl(),          "--insecure", "--serial-prefix",
        prefix,      "--oui",     "00D09E", "--product-class", "SimGateway", "--inform-interval",
        "3600",      "--ramp-up", "0",      "--cr-listen",     "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<SimProcess>(server().data_dir(), args);
  }

  json::value Compliance(const std::string& device) {
    auto r = admin_a().Get("/api/v1/devices/" + device + "/compliance");
    if (r.status != 200) throw std::runtime_error("compliance: " + r.Describe());
    return r.Json();
  }

  json::value Entry(const std::string& device, const std::string& path) {
    const json::value compliance = Compliance(device);
    for (const auto& e : Member(compliance, "items").as_array())
      if (Str(e, "path") == path) return e;
    return nullptr;
  }

  // Polls the device's stored value until it is `value`; how long that took.
  std::chrono::milliseconds WaitForValue(const std::string& device, const std::string& path,
                                         const std::string& value, std::chrono::seconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < timeout) {
      if (ParameterValue(device, path) == value)
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                     start);
      std::this_thread::sleep_for(200ms);
    }
    throw std::runtime_error(path + " never became " + value + "; it is " + ParameterValue(device, path));
  }
};

TEST_F(DesiredState, DEV_7_AProfileEditReachesOnlineRoutersWithinAMinuteAndOfflineOnesAtTheirNextInform) {
  const json::value profile = CreateProfile(R"({"name":"Shops","match":{"oui":"00D09E"},
      "device_auth":{"mode":"none"},"periodic_inform_interval":3600,
      "parameters":{"Device.Time.NTPServer1":"ntp-{serial_number}.example",
                    "InternetGatewayDevice.Time.NTPServer1":"ntp-098.example",
                    "Device.Vendor.NotOnThisModel":"x"}})");
  const std::string profile_id = Str(profile, "id");
  auto tr181 = StartSim("DST", 1, "00D09E");
  auto tr098 = StartSim("DSO", 1, "00D09E", kBootPassword, "tr098");
  const std::string state = server().data_dir() + "/sim-offline";
  std::filesystem::create_directories(state);
  auto offline = StartSimWith("DSX", {"--state-dir", state});
  const std::string a = Str(WaitForProvisionedDevice("DST000001"), "id");
  const std::string b = Str(WaitForProvisionedDevice("DSO000001"), "id");
  const std::string x = Str(WaitForProvisionedDevice("DSX000001"), "id");

  // Each router got its own data model's values, checked against the names it reported: the
  // unknown parameter is failed and sank nothing, no task failed.
  EXPECT_EQ(ParameterValue(a, kNtp), "ntp-DST000001.example");
  EXPECT_EQ(ParameterValue(b, kNtp098), "ntp-098.example");
  EXPECT_EQ(ParameterValue(a, "Device.ManagementServer.PeriodicInformInterval"), "3600");
  EXPECT_EQ(Str(Entry(a, "Device.Vendor.NotOnThisModel"), "reason"), "not_reported");
  EXPECT_EQ(Str(Entry(a, kNtp), "state"), "in_sync");
  EXPECT_EQ(Str(Compliance(b), "state"), "in_sync") << json::serialize(Compliance(b));
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/faults").Json(), "items").as_array().empty());
  offline->Stop();

  // The edit: the online routers have it within a minute.
  auto edited = admin_a().Patch("/api/v1/profiles/" + profile_id,
                                R"({"parameters":{"Device.Time.NTPServer1":"ntp2-{serial_number}.example",
                                    "InternetGatewayDevice.Time.NTPServer1":"ntp2-098.example"}})");
  ASSERT_EQ(edited.status, 200) << edited.Describe();
  const auto took = WaitForValue(a, kNtp, "ntp2-DST000001.example", 60s);
  WaitForValue(b, kNtp098, "ntp2-098.example", 60s);
  std::printf("[ DEV-7 ] profile edit reached an online router in %lld ms\n",
              static_cast<long long>(took.count()));
  EXPECT_EQ(ParameterValue(x, kNtp), "ntp-DSX000001.example") << "the offline router has not had it yet";
  auto counts = admin_a().Get("/api/v1/profiles/" + profile_id + "/compliance").Json();
  EXPECT_EQ(Member(counts, "devices").as_int64(), 3);

  // The offline one gets it at its next Inform.
  offline = StartSimWith("DSX", {"--state-dir", state});
  WaitForValue(x, kNtp, "ntp2-DSX000001.example", 60s);

  // One job sets the whole mixed fleet: each router gets its own data model's values.
  auto job = admin_a().Post("/api/v1/devices/jobs", R"({"filter":{},"type":"setParameterValues","now":true,
      "values":{"Device.Time.LocalTimeZone":"JST-9-181","InternetGatewayDevice.Time.LocalTimeZone":"JST-9-098"}})");
  ASSERT_EQ(job.status, 201) << job.Describe();
  EXPECT_EQ(Member(Member(job.Json(), "progress"), "total").as_int64(), 3);
  WaitForValue(a, "Device.Time.LocalTimeZone", "JST-9-181", 60s);
  WaitForValue(b, "InternetGatewayDevice.Time.LocalTimeZone", "JST-9-098", 60s);
  // One router's task takes its own data model's paths only.
  auto wrong = admin_a().Post("/api/v1/devices/" + b + "/tasks",
                              R"({"type":"setParameterValues","values":{"Device.Time.LocalTimeZone":"x"}})");
  EXPECT_EQ(wrong.status, 400) << wrong.Describe();
  EXPECT_EQ(ProblemField(wrong), "Device.Time.LocalTimeZone");
}

TEST_F(DesiredState, DEV_7_AnOverrideWinsAndAValueTheRouterKeepsChangingBackIsDrift) {
  CreateProfile(R"({"name":"Shops","match":{"oui":"00D09E"},"device_auth":{"mode":"none"},
      "parameters":{"Device.Time.NTPServer2":"pool.example"}})");
  // This router's own configuration tool puts NTPServer2 back to pool.ntp.org before each session.
  auto sim = StartSimWith("DRF", {"--revert", "Device.Time.NTPServer2=pool.ntp.org"});
  const std::string id = Str(WaitForProvisionedDevice("DRF000001"), "id");

  // The override wins over the profile (bad ones change nothing; another company cannot).
  EXPECT_EQ(
      admin_a().Put("/api/v1/devices/" + id + "/overrides", R"({"parameters":{"Device.Time.":"x"}})").status,
      400);
  EXPECT_EQ(admin_a()
                .Put("/api/v1/devices/" + id + "/overrides", R"({"parameters":{"Device.X":"{serial}"}})")
                .status,
            400);
  const std::string other = Str(CreateCompany("OTHER", "Other Ltd"), "id");
  CreateCompanyAdmin(other, "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  auto foreign = olga->Put("/api/v1/devices/" + id + "/overrides", R"({"parameters":{}})");
  auto missing = olga->Put("/api/v1/devices/no-such-device/overrides", R"({"parameters":{}})");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body, missing.body);
  EXPECT_EQ(olga->Get("/api/v1/devices/" + id + "/compliance").status, 404);
  auto put = admin_a().Put("/api/v1/devices/" + id + "/overrides",
                           R"({"parameters":{"Device.Time.NTPServer2":"ntp.branch-{serial_number}"}})");
  ASSERT_EQ(put.status, 200) << put.Describe();
  const json::value overrides = admin_a().Get("/api/v1/devices/" + id + "/overrides").Json();
  EXPECT_EQ(Str(Member(overrides, "parameters"), "Device.Time.NTPServer2"), "ntp.branch-{serial_number}");
  const std::string path = "Device.Time.NTPServer2";
  WaitForValue(id, path, "ntp.branch-DRF000001", 60s);
  EXPECT_EQ(Str(Entry(id, path), "source"), "override");

  // Read back three times: the router changed it back each time; Kanri sets it again twice
  // more (3 tries today), then leaves it as drift.
  for (int read = 1; read <= 3; ++read) {
    SCOPED_TRACE(read);
    const json::value task =
        RunTask(id, R"({"type":"getParameterValues","names":["Device.Time.NTPServer2"],"now":true})");
    ASSERT_EQ(Str(task, "state"), "done");
    PollUntil("/api/v1/devices/" + id + "/tasks", [](const json::value& v) {
      for (const auto& t : Member(v, "items").as_array())
        if (Str(t, "state") == "queued" || Str(t, "state") == "running") return false;
      return true;
    });
  }
  const json::value entry = Entry(id, path);
  EXPECT_EQ(Str(entry, "state"), "drift") << json::serialize(entry);
  EXPECT_EQ(Str(entry, "reason"), "changed_back");
  EXPECT_EQ(Str(entry, "reported"), "pool.ntp.org");
  EXPECT_EQ(Member(entry, "tries_today").as_int64(), 3);
  int sets = 0;
  const json::value tasks = admin_a().Get("/api/v1/devices/" + id + "/tasks?limit=100").Json();
  for (const auto& t : Member(tasks, "items").as_array())
    if (Str(t, "type") == "setParameterValues" && Member(t, "internal").as_bool()) {
      const auto* values = Member(t, "request").as_object().if_contains("values");
      const auto* value = values && values->is_object() ? values->as_object().if_contains(path) : nullptr;
      if (value && value->is_string() && value->as_string() == "ntp.branch-DRF000001") ++sets;
    }
  EXPECT_EQ(sets, 3) << "set once for the override, then twice more, never forever";
  auto drifting = admin_a().Get("/api/v1/devices?compliance=drift");
  ASSERT_EQ(drifting.status, 200) << drifting.Describe();
  ASSERT_EQ(Member(drifting.Json(), "items").as_array().size(), 1U);
  EXPECT_EQ(Str(Member(drifting.Json(), "items").as_array()[0], "serial_number"), "DRF000001");
  EXPECT_EQ(admin_a().Get("/api/v1/devices?compliance=sideways").status, 400);
}

}  // namespace
}  // namespace kanri::testing
