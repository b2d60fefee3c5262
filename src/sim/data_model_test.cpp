// Tests of the simulated CPE's data model operations (TR-069 Amendment 6, A.3.2).
#include "sim/data_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/models.h"

namespace kanri::sim {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;

DeviceIdentity Identity() {
  DeviceIdentity id;
  id.serial_number = "P000007";
  id.index = 7;
  id.acs_url = "https://acs.example:7547/";
  id.acs_username = "cpe";
  id.acs_password = "secret";
  return id;
}

std::vector<std::string> Names(const std::vector<cwmp::ParameterInfo>& infos) {
  std::vector<std::string> names;
  for (const auto& i : infos) names.push_back(i.name);
  return names;
}

TEST(DataModel, BothModelsHaveARealisticNumberOfParameters) {
  for (ModelKind kind : {ModelKind::kTr181, ModelKind::kTr098}) {
    const DataModel m = BuildDefaultModel(kind, Identity());
    EXPECT_GE(m.parameter_count(), 80u);
    EXPECT_LE(m.parameter_count(), 200u);
    for (Param p : {Param::kSoftwareVersion, Param::kAcsUrl, Param::kAcsPassword,
                    Param::kConnectionRequestUrl, Param::kWanIpAddress, Param::kParameterKey,
                    Param::kPeriodicInformInterval, Param::kRemoteAccessEnable, Param::kRemoteAccessPort}) {
      EXPECT_NE(m.Find(ParameterPath(kind, p)), nullptr) << ParameterPath(kind, p);
    }
    for (const std::string& name : InformParameterNames(kind)) EXPECT_NE(m.Find(name), nullptr) << name;
  }
}

TEST(DataModel, GetValuesExpandsPartialPathsAndHidesPasswords) {
  const DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  const std::vector<std::string> names = {"Device.ManagementServer.", "Device.DeviceInfo.SerialNumber"};
  auto values = m.GetValues(names);
  ASSERT_TRUE(values);
  EXPECT_GT(values->size(), 10u);
  EXPECT_TRUE(std::all_of(values->begin(), values->end() - 1,
                          [](const auto& v) { return v.name.starts_with("Device.ManagementServer."); }));
  EXPECT_EQ(values->back().name, "Device.DeviceInfo.SerialNumber");
  EXPECT_EQ(values->back().value, "P000007");
  const auto password = std::find_if(values->begin(), values->end(), [](const auto& v) {
    return v.name == "Device.ManagementServer.Password";
  });
  ASSERT_NE(password, values->end());
  EXPECT_EQ(password->value, "");  // TR-181: passwords read back empty
  const auto interval = std::find_if(values->begin(), values->end(), [](const auto& v) {
    return v.name == "Device.ManagementServer.PeriodicInformInterval";
  });
  EXPECT_EQ(interval->type, "unsignedInt");
}

TEST(DataModel, GetValuesOfAnUnknownNameFaults9005_DEV3) {
  const DataModel m = BuildDefaultModel(ModelKind::kTr098, Identity());
  for (std::string bad :
       {"InternetGatewayDevice.NoSuch", "InternetGatewayDevice.NoSuch.", "Device.DeviceInfo."}) {
    const std::vector<std::string> names = {bad};
    auto values = m.GetValues(names);
    ASSERT_FALSE(values) << bad;
    EXPECT_EQ(values.fault().fault_code, 9005);
  }
}

TEST(DataModel, SetValuesIsAllOrNothingWithOneFaultPerBadParameter_DEV3) {
  DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  const std::vector<cwmp::ParameterValue> values = {
      {"Device.WiFi.SSID.1.SSID", "changed", "string"},                           // fine
      {"Device.NoSuch.Thing", "1", "string"},                                     // 9005
      {"Device.DeviceInfo.SoftwareVersion", "9.9.9", "string"},                   // 9008
      {"Device.ManagementServer.PeriodicInformInterval", "soon", "unsignedInt"},  // 9007
      {"Device.NAT.PortMapping.", "x", "string"},                                 // an object: 9005
  };
  auto r = m.SetValues(values);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.fault().fault_code, 9003);
  EXPECT_EQ(r.fault().soap_fault_code, "Client");
  using F = cwmp::SetParameterValuesFault;
  EXPECT_THAT(r.fault().set_parameter_values_faults,
              ElementsAre(Field(&F::fault_code, 9005), Field(&F::fault_code, 9008),
                          Field(&F::fault_code, 9007), Field(&F::fault_code, 9005)));
  EXPECT_EQ(r.fault().set_parameter_values_faults[1].parameter_name, "Device.DeviceInfo.SoftwareVersion");
  EXPECT_NE(m.Value("Device.WiFi.SSID.1.SSID"), "changed");  // nothing applied
}

TEST(DataModel, SetValuesChecksTypesRangesAndEnumerations) {
  DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  const auto one = [&](std::string name, std::string value) {
    const std::vector<cwmp::ParameterValue> v = {{std::move(name), std::move(value), ""}};
    auto r = m.SetValues(v);
    return r ? 0 : r.fault().set_parameter_values_faults.at(0).fault_code;
  };
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformInterval", "60"), 0);
  EXPECT_EQ(m.Value("Device.ManagementServer.PeriodicInformInterval"), "60");
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformInterval", "0"), 9007);
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformInterval", "-5"), 9007);
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformEnable", "yes"), 9007);
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformEnable", "false"), 0);
  EXPECT_EQ(one("Device.WiFi.SSID.1.SSID", std::string(33, 'x')), 9007);
  EXPECT_EQ(one("Device.WiFi.AccessPoint.1.Security.ModeEnabled", "WEP"), 9007);
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformTime", "2025-03-10T00:00:00Z"), 0);
  EXPECT_EQ(one("Device.ManagementServer.PeriodicInformTime", "tomorrow"), 9007);
  EXPECT_EQ(one("Device.ManagementServer.ParameterKey", "k"), 9008);
}

TEST(DataModel, SetValuesNamingAParameterTwiceFaults9003) {
  DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  const std::vector<cwmp::ParameterValue> values = {{"Device.WiFi.SSID.1.SSID", "a", ""},
                                                    {"Device.WiFi.SSID.1.SSID", "b", ""}};
  auto r = m.SetValues(values);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.fault().set_parameter_values_faults.at(0).fault_code, 9003);
}

TEST(DataModel, GetNamesNextLevelListsOnlyDirectChildren) {
  const DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  auto children = m.GetNames("Device.WiFi.", /*next_level=*/true);
  ASSERT_TRUE(children);
  EXPECT_THAT(Names(*children),
              ElementsAre("Device.WiFi.AccessPoint.", "Device.WiFi.AccessPointNumberOfEntries",
                          "Device.WiFi.Radio.", "Device.WiFi.RadioNumberOfEntries", "Device.WiFi.SSID.",
                          "Device.WiFi.SSIDNumberOfEntries"));
  auto root = m.GetNames("", /*next_level=*/true);
  ASSERT_TRUE(root);
  EXPECT_THAT(Names(*root), ElementsAre("Device."));
}

TEST(DataModel, GetNamesWithoutNextLevelListsThePathAndEverythingBelow) {
  const DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  auto all = m.GetNames("Device.WiFi.SSID.", /*next_level=*/false);
  ASSERT_TRUE(all);
  const std::vector<std::string> names = Names(*all);
  EXPECT_EQ(names.front(), "Device.WiFi.SSID.");
  EXPECT_THAT(names, Contains("Device.WiFi.SSID.2."));
  EXPECT_THAT(names, Contains("Device.WiFi.SSID.2.SSID"));
  EXPECT_THAT(names, Not(Contains("Device.WiFi.SSIDNumberOfEntries")));
  const auto ssid = std::find_if(all->begin(), all->end(),
                                 [](const auto& i) { return i.name == "Device.WiFi.SSID.1.SSID"; });
  EXPECT_TRUE(ssid->writable);
  auto everything = m.GetNames("", /*next_level=*/false);
  ASSERT_TRUE(everything);
  EXPECT_GT(everything->size(), m.parameter_count());  // objects too
}

TEST(DataModel, GetNamesOfAParameter) {
  const DataModel m = BuildDefaultModel(ModelKind::kTr098, Identity());
  auto one = m.GetNames("InternetGatewayDevice.DeviceInfo.SoftwareVersion", false);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_FALSE(one->front().writable);
  auto next = m.GetNames("InternetGatewayDevice.DeviceInfo.SoftwareVersion", true);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.fault().fault_code, 9003);
  auto unknown = m.GetNames("InternetGatewayDevice.Nope.", true);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.fault().fault_code, 9005);
}

TEST(DataModel, AddAndDeleteObjectOnPortMappings_DEV3) {
  DataModel m = BuildDefaultModel(ModelKind::kTr181, Identity());
  auto first = m.AddInstance("Device.NAT.PortMapping.");
  auto second = m.AddInstance("Device.NAT.PortMapping.");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, 1u);
  EXPECT_EQ(*second, 2u);
  EXPECT_EQ(m.Value("Device.NAT.PortMappingNumberOfEntries"), "2");
  EXPECT_EQ(m.Value("Device.NAT.PortMapping.2.Protocol"), "TCP");
  const std::vector<cwmp::ParameterValue> set = {
      {"Device.NAT.PortMapping.2.ExternalPort", "8080", "unsignedInt"}};
  EXPECT_TRUE(m.SetValues(set));

  EXPECT_TRUE(m.DeleteInstance("Device.NAT.PortMapping.1."));
  EXPECT_EQ(m.Find("Device.NAT.PortMapping.1.Enable"), nullptr);
  EXPECT_EQ(m.Value("Device.NAT.PortMappingNumberOfEntries"), "1");
  // Instance numbers are not reused.
  auto third = m.AddInstance("Device.NAT.PortMapping.");
  EXPECT_EQ(*third, 3u);

  for (std::string bad : {"Device.NAT.PortMapping.1.", "Device.NAT.PortMapping.", "Device.WiFi.SSID.1.",
                          "Device.Nope.1.", "Device.NAT.PortMapping.2.Enable"}) {
    auto r = m.DeleteInstance(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.fault().fault_code, 9005);
  }
  for (std::string bad : {"Device.WiFi.SSID.", "Device.NAT.", "Device.Nope.", "Device.NAT.PortMapping.2."}) {
    auto r = m.AddInstance(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.fault().fault_code, 9005);
  }
}

TEST(DataModel, SavedStateRestoresValuesAndInstances) {
  DataModel m = BuildDefaultModel(ModelKind::kTr098, Identity());
  const std::string table =
      "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.PortMapping.";
  ASSERT_TRUE(m.AddInstance(table));
  ASSERT_TRUE(m.AddInstance(table));
  ASSERT_TRUE(m.DeleteInstance(table + "1."));
  m.SetValue("InternetGatewayDevice.ManagementServer.Password", "rotated");
  m.SetValue(table + "2.ExternalPort", "2222");

  DataModel loaded = BuildDefaultModel(ModelKind::kTr098, Identity());
  ASSERT_TRUE(loaded.LoadState(m.SaveState()));
  EXPECT_EQ(loaded.Value("InternetGatewayDevice.ManagementServer.Password"), "rotated");
  EXPECT_EQ(loaded.Value(table + "2.ExternalPort"), "2222");
  EXPECT_EQ(loaded.Find(table + "1.ExternalPort"), nullptr);
  EXPECT_EQ(loaded.Value("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1."
                         "PortMappingNumberOfEntries"),
            "1");
  EXPECT_EQ(*loaded.AddInstance(table), 3u);
  EXPECT_FALSE(loaded.LoadState("not json"));
}

}  // namespace
}  // namespace kanri::sim
