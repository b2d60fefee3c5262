// Issue 18: what operators write of a device (name, note) and what the list searches: the WAN
// IP and MAC addresses the device reported, the name and the note, within the company only.
#include "devices/devices_test_fixture.h"
#include "devices/inventory.h"
#include "devices/parameter_store.h"

namespace kanri::devices {
namespace {

class DeviceDetailsTest : public DevicesTest {
 protected:
  DeviceRepository devices_{tdb_.db(), clock_};
  ParameterStore store_{tdb_.db(), clock_};

  std::size_t Found(const CompanyId& company, std::string q) {
    DeviceFilter f;
    f.search = std::move(q);
    return *devices_.Count(company, f);
  }
};

TEST_F(DeviceDetailsTest, DEV_2_NameAndNoteAreKeptCheckedAndSearched) {
  auto id = Seed(acme_, {.serial = "SN-1"});
  Seed(beta_, {.serial = "SN-B"});
  auto d = devices_.SetDetails(acme_, id, {.name = "  本社 3F  ", .note = "受付の棚\nRed tap"});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->name, "本社 3F");
  EXPECT_EQ(d->note, "受付の棚\nRed tap");
  EXPECT_EQ(Found(acme_, "本社"), 1u);
  EXPECT_EQ(Found(acme_, "RED TAP"), 1u) << "ASCII case does not matter";
  EXPECT_EQ(Found(beta_, "本社"), 0u);

  // Only what is given changes; "" clears.
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.note = ""})->name, "本社 3F");
  EXPECT_EQ(Found(acme_, "red tap"), 0u);

  const std::string too_long_note(kMaxDeviceNote + 1, 'x');
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.note = too_long_note}).error().field, "note");
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.name = std::string(65, 'n')}).error().field, "name");
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.name = "two\nlines"}).error().field, "name");
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.note = "bell\a"}).error().field, "note");
  EXPECT_EQ(devices_.SetDetails(acme_, id, {.name = "\xff"}).error().field, "name");
  EXPECT_TRUE(devices_.SetDetails(acme_, id, {.name = std::string(64, 'n')}));
  // Another company's device answers like a missing one.
  EXPECT_EQ(devices_.SetDetails(beta_, id, {.name = "x"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(devices_.Get(acme_, id)->name, std::string(64, 'n'));
}

TEST_F(DeviceDetailsTest, DEV_2_TheWanMacAddressIsReadFromTheTreeAndSearched) {
  auto tr181 = Seed(acme_, {.serial = "SN-181"});
  auto tr098 = Seed(acme_, {.serial = "SN-098"});
  store_.MergeValues(tr181, {{"Device.Ethernet.Interface.1.MACAddress", "3C:22:FB:00:00:02", "string", {}},
                             {"Device.Ethernet.Interface.2.MACAddress", "3C:22:FB:00:00:01", "string", {}},
                             {"Device.Ethernet.Interface.2.Upstream", "true", "boolean", {}},
                             {"Device.IP.Interface.1.IPv4Address.1.IPAddress", "203.0.113.9", "string", {}}});
  store_.MergeValues(tr098, {{"InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1."
                              "MACAddress",
                              "00:11:22:AA:BB:CC",
                              "string",
                              {}}});
  EXPECT_EQ(devices_.Get(acme_, tr181)->wan_mac, "3C:22:FB:00:00:01") << "the upstream interface's";
  EXPECT_EQ(devices_.Get(acme_, tr181)->wan_ip, "203.0.113.9");
  EXPECT_EQ(devices_.Get(acme_, tr098)->wan_mac, "00:11:22:AA:BB:CC");
  EXPECT_EQ(Found(acme_, "3c:22:fb:00:00:01"), 1u);
  EXPECT_EQ(Found(acme_, "3C22FB000001"), 1u) << "without separators too";
  EXPECT_EQ(Found(acme_, "00:11:22:aa"), 1u);
  EXPECT_EQ(Found(acme_, "203.0.113.9"), 1u);
  EXPECT_EQ(Found(beta_, "203.0.113.9"), 0u);
  // Tags rewrite the search text without losing the addresses.
  ASSERT_TRUE(devices_.SetTag(acme_, tr181, "東京"));
  EXPECT_EQ(Found(acme_, "3c22fb000001"), 1u);
  EXPECT_EQ(Found(acme_, "東京"), 1u);
}

}  // namespace
}  // namespace kanri::devices
