// Issue 18, the device side, end to end: the real `kanri serve` and a `kanri sim` fleet.
// Values are checked against the types the devices reported before anything is queued (DEV-3);
// the device list counts, finds devices by WAN IP and MAC address, name and note; static groups
// take serial numbers; a filter becomes a job; CSV headers follow the console's language.
#include <gtest/gtest.h>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

constexpr char kInterval[] = "Device.ManagementServer.PeriodicInformInterval";

class DeviceList : public Devices {
 protected:
  void SetUpLab() {
    CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  }
  std::size_t TaskCount(const std::string& device_id) {
    return Member(admin_a().Get("/api/v1/devices/" + device_id + "/tasks").Json(), "items").as_array().size();
  }
  Response SetValues(const std::string& device_id, const std::string& values) {
    return admin_a().Post("/api/v1/devices/" + device_id + "/tasks",
                          R"({"type":"setParameterValues","now":true,"values":)" + values + "}");
  }
};

TEST_F(DeviceList, DEV_3_ValuesAreCheckedAgainstTheReportedTypeBeforeTheyAreQueued) {
  SetUpLab();
  auto sim = StartSim("VAL", 1, "00D09E");
  const std::string id = Str(WaitForProvisionedDevice("VAL000001"), "id");
  const std::size_t tasks_before = TaskCount(id);
  const std::string interval_before = ParameterValue(id, kInterval);

  // `abc` for the unsignedInt the device reported: refused at once, naming the parameter.
  auto bad = SetValues(id, R"({")" + std::string(kInterval) + R"(":"abc"})");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  EXPECT_EQ(ProblemCode(bad), "invalid_parameter_value");
  EXPECT_EQ(ProblemField(bad), kInterval);
  EXPECT_NE(bad.body.find("unsignedInt"), std::string::npos) << bad.body;
  // Out of range, a boolean that is not one, a read-only parameter: each refused the same way.
  EXPECT_EQ(ProblemCode(SetValues(id, R"({")" + std::string(kInterval) + R"(":"-1"})")),
            "invalid_parameter_value");
  EXPECT_EQ(ProblemCode(SetValues(id, R"({"Device.WiFi.SSID.1.Enable":"yes"})")), "invalid_parameter_value");
  auto read_only = SetValues(id, R"({"Device.DeviceInfo.SerialNumber":"x"})");
  EXPECT_EQ(ProblemCode(read_only), "parameter_not_writable");
  EXPECT_EQ(ProblemField(read_only), "Device.DeviceInfo.SerialNumber");
  // One bad value among good ones: nothing of the request is queued.
  EXPECT_EQ(ProblemCode(SetValues(id, R"({"Device.WiFi.SSID.1.SSID":"fine",")" + std::string(kInterval) +
                                          R"(":"4294967296"})")),
            "invalid_parameter_value");
  EXPECT_EQ(TaskCount(id), tasks_before) << "a refused request queues nothing";
  EXPECT_EQ(ParameterValue(id, kInterval), interval_before);

  // A valid value (a JSON number too) goes through and reaches the device.
  auto t = RunTask(id, R"({"type":"setParameterValues","now":true,"values":{")" + std::string(kInterval) +
                           R"(":900,"Device.WiFi.SSID.1.Enable":"false"}})");
  EXPECT_EQ(Str(t, "state"), "done") << json::serialize(t);
  EXPECT_EQ(ParameterValue(id, kInterval), "900");
  // A parameter the device never reported is not blocked: the device has the last word (9005).
  t = RunTask(id, R"({"type":"setParameterValues","values":{"Device.X_Vendor.Knob":"abc"},"now":true})");
  EXPECT_EQ(Str(t, "state"), "failed");
  EXPECT_NE(json::serialize(t).find("9005"), std::string::npos) << json::serialize(t);

  // A job over the filter is checked the same way, and queues nothing when refused.
  auto job = admin_a().Post("/api/v1/devices/jobs", R"({"filter":{"q":"VAL"},"type":"setParameterValues",)"
                                                    R"("values":{")" +
                                                        std::string(kInterval) + R"(":"abc"}})");
  EXPECT_EQ(ProblemCode(job), "invalid_parameter_value") << job.Describe();
  EXPECT_EQ(TaskCount(id), tasks_before + 2);
}

TEST_F(DeviceList, DEV_2_TheListCountsAndFindsDevicesByWanAddressNameAndNote) {
  SetUpLab();
  auto sim = StartSim("LST", 3, "00D09E");
  const json::value first = WaitForProvisionedDevice("LST000001");
  WaitForProvisionedDevice("LST000002");
  WaitForProvisionedDevice("LST000003");
  const std::string id = Str(first, "id");

  auto count = admin_a().Get("/api/v1/devices/count?q=lst");
  ASSERT_EQ(count.status, 200) << count.Describe();
  EXPECT_EQ(Member(count.Json(), "total").as_int64(), 3);
  EXPECT_EQ(Member(admin_a().Get("/api/v1/devices/count?q=lst000002").Json(), "total").as_int64(), 1);

  // The WAN addresses the device reported find it: the IP, the MAC as shown and without colons.
  const std::string wan_ip = Str(first, "wan_ip");
  const json::value reported =
      PollUntil("/api/v1/devices/" + id, [](const json::value& d) { return !Str(d, "wan_mac").empty(); });
  const std::string mac = Str(reported, "wan_mac");
  std::string compact;
  for (char c : mac)
    if (c != ':') compact += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& q : {wan_ip, mac, compact}) {
    auto found = Member(admin_a().Get("/api/v1/devices?q=" + q).Json(), "items").as_array();
    ASSERT_EQ(found.size(), 1u) << q;
    EXPECT_EQ(Str(found.at(0), "id"), id) << q;
  }

  // A name and a note: set, shown, searched, exported.
  auto named = admin_a().Patch("/api/v1/devices/" + id,
                               R"({"name":"  本社 3F ルーター ","note":"受付の棚\n電源は赤いタップ"})");
  ASSERT_EQ(named.status, 200) << named.Describe();
  EXPECT_EQ(Str(named.Json(), "name"), "本社 3F ルーター");
  EXPECT_EQ(Str(named.Json(), "note"), "受付の棚\n電源は赤いタップ");
  for (const std::string& q :
       {std::string("%E6%9C%AC%E7%A4%BE"), std::string("%E8%B5%A4%E3%81%84")}) {  // 本社, 赤い
    auto found = Member(admin_a().Get("/api/v1/devices?q=" + q).Json(), "items").as_array();
    ASSERT_EQ(found.size(), 1u) << q;
  }
  EXPECT_EQ(ProblemField(admin_a().Patch("/api/v1/devices/" + id, R"({"name":"two\nlines"})")), "name");
  EXPECT_EQ(ProblemField(
                admin_a().Patch("/api/v1/devices/" + id, R"({"note":")" + std::string(501, 'x') + R"("})")),
            "note");
  EXPECT_EQ(ProblemCode(admin_a().Patch("/api/v1/devices/" + id, R"({"owner":"x"})")), "unknown_field");
  EXPECT_EQ(Str(admin_a().Get("/api/v1/devices/" + id).Json(), "name"), "本社 3F ルーター")
      << "refusals changed nothing";
  // Operators who only read cannot write a name.
  (void)CreateAccount(admin_a(), "viewer1", "general", "Vw7-harbor-Maple-31");
  auto viewer = LoginAs(kCompanyACode, "viewer1", "Vw7-harbor-Maple-31");
  EXPECT_EQ(viewer->Patch("/api/v1/devices/" + id, R"({"name":"x"})").status, 403);

  // CSV: English keys by default (scripts), Japanese headers for the Japanese console, both UTF-8 with a BOM.
  auto en = admin_a().Get("/api/v1/devices?format=csv&q=lst000001");
  ASSERT_EQ(en.status, 200);
  EXPECT_EQ(en.body.rfind("\xEF\xBB\xBF\"serial_number\",\"name\"", 0), 0u) << en.body.substr(0, 60);
  EXPECT_NE(en.body.find("本社 3F ルーター"), std::string::npos);
  EXPECT_NE(en.body.find(mac), std::string::npos);
  EXPECT_NE(en.body.find("電源は赤いタップ"), std::string::npos);
  auto ja = admin_a().Get("/api/v1/devices?format=csv&lang=ja&q=lst000001");
  EXPECT_EQ(ja.body.rfind("\xEF\xBB\xBF\"シリアル番号\",\"名前\"", 0), 0u) << ja.body.substr(0, 60);
  auto history = admin_a().Get("/api/v1/audit?format=csv&lang=ja");
  EXPECT_EQ(history.body.rfind("\xEF\xBB\xBF\"連番\",\"日時（JST）\"", 0), 0u) << history.body.substr(0, 60);
  EXPECT_EQ(ProblemField(admin_a().Get("/api/v1/devices?format=csv&lang=fr")), "lang");
}

TEST_F(DeviceList, DEV_3_GroupsTakeSerialNumbersAndFiltersBecomeJobs) {
  SetUpLab();
  auto sim = StartSim("GRP", 3, "00D09E");
  for (const char* serial : {"GRP000001", "GRP000002", "GRP000003"}) WaitForProvisionedDevice(serial);

  // Serial numbers as pasted from a shipping list; an unknown one refuses the whole change.
  auto group = admin_a().Post("/api/v1/device-groups",
                              R"({"name":"出荷 12月","serials":["GRP000001"," GRP000002 "]})");
  ASSERT_EQ(group.status, 201) << group.Describe();
  const std::string group_id = Str(group.Json(), "id");
  EXPECT_EQ(Member(group.Json(), "device_count").as_int64(), 2);
  auto unknown = admin_a().Post("/api/v1/device-groups/" + group_id + "/devices",
                                R"({"serials":["GRP000003","NOPE-9"]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ProblemField(unknown), "serials");
  EXPECT_EQ(ProblemCode(unknown), "unknown_serials");
  const auto unknown_items = Member(unknown.Json(), "items").as_array();
  ASSERT_EQ(unknown_items.size(), 1U) << unknown.Describe();
  EXPECT_EQ(unknown_items[0].as_string(), "NOPE-9");
  EXPECT_EQ(Member(admin_a().Get("/api/v1/device-groups/" + group_id).Json(), "device_count").as_int64(), 2);
  // Added by the device list's filter ("add to group" on all matching), then renamed.
  auto added = admin_a().Post("/api/v1/device-groups/" + group_id + "/devices", R"({"filter":{"q":"grp"}})");
  ASSERT_EQ(added.status, 200) << added.Describe();
  EXPECT_EQ(Member(added.Json(), "device_count").as_int64(), 3);
  auto renamed = admin_a().Patch("/api/v1/device-groups/" + group_id, R"({"name":"出荷 12月（全数）"})");
  EXPECT_EQ(Str(renamed.Json(), "name"), "出荷 12月（全数）");

  // "Select all 3 matching" → one job on the filter, run by every device.
  auto job = admin_a().Post("/api/v1/devices/jobs", R"({"filter":{"q":"GRP"},"type":"getParameterValues",)"
                                                    R"("names":["Device.DeviceInfo.UpTime"],"now":true})");
  ASSERT_EQ(job.status, 201) << job.Describe();
  EXPECT_TRUE(Member(job.Json(), "group_id").is_null());
  EXPECT_EQ(Member(Member(job.Json(), "progress"), "total").as_int64(), 3);
  PollUntil(
      "/api/v1/jobs/" + Str(job.Json(), "id"),
      [](const json::value& j) { return Member(Member(j, "progress"), "done").as_int64() == 3; }, 60s);
  // An account without the type's permission is refused, as for one device.
  (void)CreateAccount(admin_a(), "viewer2", "general", "Vw7-harbor-Maple-32");
  auto viewer = LoginAs(kCompanyACode, "viewer2", "Vw7-harbor-Maple-32");
  auto denied = viewer->Post("/api/v1/devices/jobs", R"({"filter":{},"type":"reboot"})");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ProblemCode(admin_a().Post("/api/v1/devices/jobs", R"({"type":"reboot"})")), "invalid_request");
  EXPECT_EQ(
      admin_a().Post("/api/v1/devices/jobs", R"({"filter":{"q":"nothing-matches"},"type":"reboot"})").status,
      409);
}

}  // namespace
}  // namespace kanri::testing
