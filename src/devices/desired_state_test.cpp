// DEV-7: the compliance diff and the desired values as data-driven cases (desired_state.h).
#include "devices/desired_state.h"

#include <gtest/gtest.h>

namespace kanri::devices {
namespace {

const DeviceFacts kTr181{DataModel::kTr181, "SN0001", "00D09E", "IGD"};

ParameterTree Tree(std::initializer_list<Parameter> parameters) {
  ParameterTree tree;
  for (const auto& p : parameters) {
    tree.SetValue(p.path, p.value, p.type);
    if (p.writable) tree.SetWritable(p.path, *p.writable);
  }
  return tree;
}

TEST(DesiredStateTest, DEV_7_DesiredValuesTakeTheDeviceDataModelAndItsOverrides) {
  const std::map<std::string, std::string> profile = {
      {"Device.WiFi.SSID.1.SSID", "shop-{serial_number}"},
      {"Device.Time.NTPServer1", "ntp.example"},
      {"InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", "shop-{oui}-{product_class}"}};
  const std::map<std::string, std::string> overrides = {{"Device.Time.NTPServer1", "ntp.branch"},
                                                        {"InternetGatewayDevice.Time.NTPServer1", "x"}};
  auto tr181 = DesiredValues(profile, 600, overrides, kTr181);
  ASSERT_EQ(tr181.size(), 4U);
  EXPECT_EQ(tr181[0].path, "Device.ManagementServer.PeriodicInformEnable");
  EXPECT_EQ(tr181[1].path, "Device.ManagementServer.PeriodicInformInterval");
  EXPECT_EQ(tr181[1].value, "600");
  EXPECT_EQ(tr181[2].path, "Device.Time.NTPServer1");
  EXPECT_EQ(tr181[2].value, "ntp.branch");
  EXPECT_TRUE(tr181[2].overridden);
  EXPECT_EQ(tr181[3].value, "shop-SN0001");
  EXPECT_FALSE(tr181[3].overridden);

  auto tr098 =
      DesiredValues(profile, std::nullopt, overrides, {DataModel::kTr098, "SN0002", "001122", "HGW"});
  ASSERT_EQ(tr098.size(), 2U);
  EXPECT_EQ(tr098[0].path, "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID");
  EXPECT_EQ(tr098[0].value, "shop-001122-HGW");
  EXPECT_EQ(tr098[1].path, "InternetGatewayDevice.Time.NTPServer1");
}

TEST(DesiredStateTest, DEV_7_OnlyKnownPlaceholdersAreAccepted) {
  EXPECT_TRUE(ValidateValueTemplate("plain", "v"));
  EXPECT_TRUE(ValidateValueTemplate("{serial_number}-{oui}-{product_class}", "v"));
  EXPECT_FALSE(ValidateValueTemplate("{serial}", "v"));
  EXPECT_FALSE(ValidateValueTemplate("a{", "v"));
  EXPECT_EQ(ExpandValueTemplate("{serial_number}{serial_number}", kTr181), "SN0001SN0001");
  EXPECT_EQ(ExpandValueTemplate("{unknown}", kTr181), "{unknown}");
}

struct CompareCase {
  const char* name;
  std::string desired;
  std::optional<Parameter> reported;  // nullopt: not in the tree
  std::optional<SetHistory> history;
  ComplianceState state;
  std::string reason;
  bool send;
};

TEST(DesiredStateTest, DEV_7_TheComplianceDiff) {
  const std::string path = "Device.ManagementServer.PeriodicInformInterval";
  const auto uint = [&](std::string v, std::optional<bool> writable = true) {
    return Parameter{path, std::move(v), "unsignedInt", writable, false};
  };
  const auto tried = [](std::string value, bool open, bool ok, std::optional<int> fault, int tries) {
    return SetHistory{std::move(value), tries, open, ok, fault, ""};
  };
  const std::vector<CompareCase> cases = {
      {"equal", "600", uint("600"), std::nullopt, ComplianceState::kInSync, "", false},
      {"equal by value", "600", uint("0600"), std::nullopt, ComplianceState::kInSync, "", false},
      {"different, never tried", "600", uint("300"), std::nullopt, ComplianceState::kPending, "to_send",
       true},
      {"not reported", "600", std::nullopt, std::nullopt, ComplianceState::kFailed, "not_reported", false},
      {"read-only", "600", uint("300", false), std::nullopt, ComplianceState::kFailed, "not_writable", false},
      {"writability unknown", "600", uint("300", std::nullopt), std::nullopt, ComplianceState::kPending,
       "to_send", true},
      {"does not fit the type", "abc", uint("300"), std::nullopt, ComplianceState::kFailed, "invalid_value",
       false},
      {"its task is open", "600", uint("300"), tried("600", true, false, std::nullopt, 1),
       ComplianceState::kPending, "queued", false},
      {"refused (9007)", "600", uint("300"), tried("600", false, false, 9007, 1), ComplianceState::kFailed,
       "refused", false},
      {"refused an older value", "600", uint("300"), tried("900", false, false, 9007, 1),
       ComplianceState::kPending, "to_send", true},
      {"transient fault, tried again", "600", uint("300"), tried("600", false, false, 9002, 1),
       ComplianceState::kPending, "to_send", true},
      {"transient fault, 3 tries today", "600", uint("300"), tried("600", false, false, 9002, 3),
       ComplianceState::kFailed, "tries_exhausted", false},
      {"changed back", "600", uint("300"), tried("600", false, true, std::nullopt, 1),
       ComplianceState::kDrift, "changed_back", true},
      {"changed back 3 times today", "600", uint("300"), tried("600", false, true, std::nullopt, 3),
       ComplianceState::kDrift, "changed_back", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ParameterTree tree = Tree({{"Device.DeviceInfo.ModelName", "KS", "string", false, false}});
    if (c.reported) tree = Tree({*c.reported, {"Device.DeviceInfo.ModelName", "KS", "string", false, false}});
    std::map<std::string, SetHistory> history;
    if (c.history) history[path] = *c.history;
    auto entries = Compare({{path, c.desired, false}}, tree, history, {});
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(ToString(entries[0].state), ToString(c.state));
    EXPECT_EQ(entries[0].reason, c.reason);
    EXPECT_EQ(entries[0].send, c.send);
  }
}

TEST(DesiredStateTest, DEV_7_BooleansSecretsAndAnUnreadTree) {
  const std::string enable = "Device.ManagementServer.PeriodicInformEnable";
  const std::string key = "Device.WiFi.AccessPoint.1.Security.KeyPassphrase";
  ParameterTree tree = Tree({{enable, "1", "boolean", true, false}});
  tree.SetValue(key, "", "string");
  auto entries = Compare({{enable, "true", false}, {key, "s3cret-pass", false}}, tree, {}, {});
  EXPECT_EQ(entries[0].state, ComplianceState::kInSync) << "1 is true";
  // A secret the device never told: sent until the device accepted this value.
  EXPECT_TRUE(entries[1].send);
  std::map<std::string, SetHistory> accepted{{key, {"s3cret-pass", 1, false, true, std::nullopt, ""}}};
  ASSERT_TRUE(tree.Find(key)->redacted) << "the tree keeps no secret";
  auto again = Compare({{key, "s3cret-pass", false}}, tree, accepted, {});
  EXPECT_EQ(again[0].state, ComplianceState::kInSync);
  EXPECT_FALSE(again[0].reported);
  // Nothing is sent before the full read: the names and types are not known yet.
  auto unread = Compare({{enable, "true", false}}, ParameterTree{}, {}, {});
  EXPECT_EQ(unread[0].state, ComplianceState::kPending);
  EXPECT_EQ(unread[0].reason, "not_read_yet");
  EXPECT_FALSE(unread[0].send);
  EXPECT_EQ(Overall(unread), ComplianceState::kPending);
  EXPECT_EQ(Overall({}), ComplianceState::kInSync);
}

}  // namespace
TEST(DesiredStateTest, DEV_7_TheFirmwareBaselineIsComparedNeverSent) {
  struct Case {
    const char* reported;
    bool download_open;
    ComplianceState state;
    const char* reason;
  };
  for (const auto& c : std::vector<Case>{{"2.1", false, ComplianceState::kInSync, ""},
                                         {"2.0", true, ComplianceState::kPending, "download_open"},
                                         {"2.0", false, ComplianceState::kDrift, "other_firmware"}}) {
    const auto e = CompareFirmware("2.1", c.reported, DataModel::kTr098, c.download_open);
    EXPECT_EQ(e.path, "InternetGatewayDevice.DeviceInfo.SoftwareVersion");
    EXPECT_EQ(e.desired, "2.1");
    EXPECT_EQ(e.reported, c.reported);
    EXPECT_EQ(e.state, c.state) << c.reported << c.download_open;
    EXPECT_EQ(e.reason, c.reason);
    EXPECT_FALSE(e.send);
  }
  EXPECT_EQ(Overall({CompareFirmware("2.1", "2.0", DataModel::kTr181, false)}), ComplianceState::kDrift);
}

}  // namespace kanri::devices
