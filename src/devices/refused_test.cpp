#include "devices/refused.h"

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class RefusedTest : public DevicesTest {
 protected:
  RefusedDeviceRepository refused_{tdb_.db()};
};

TEST_F(RefusedTest, DEV_1_RefusalsAreRecordedOncePerMinutePerIdentity) {
  const auto t0 = clock_.Now();
  for (int i = 0; i < 5; ++i)
    refused_.Record("00D09E", "IGD", "SN1", "203.0.113.9", "unmatched", t0 + Millis{i});
  refused_.Record("00D09E", "IGD", "SN2", "203.0.113.10", "ambiguous", t0 + Millis{10});
  auto page = refused_.List(ProviderScope::ForCommandLine(), {.limit = 10});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].serial_number, "SN2") << "newest first";
  EXPECT_EQ(page.items[1].attempts, 1) << "one write in the first minute";
  refused_.Record("00D09E", "IGD", "SN1", "203.0.113.11", "bad_credentials", t0 + std::chrono::minutes{1});
  page = refused_.List(ProviderScope::ForCommandLine(), {.limit = 1});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].serial_number, "SN1");
  EXPECT_EQ(page.items[0].attempts, 6) << "the refusals counted in memory are added";
  EXPECT_EQ(page.items[0].reason, "bad_credentials");
  EXPECT_EQ(page.items[0].source_ip, "203.0.113.11");
  ASSERT_TRUE(page.next_after);
  auto next = refused_.List(ProviderScope::ForCommandLine(), {.limit = 1, .after = page.next_after});
  ASSERT_EQ(next.items.size(), 1u);
  EXPECT_EQ(next.items[0].serial_number, "SN2");
  // Long identities from the network are cut.
  refused_.Record("00D09E", "IGD", std::string(500, 'x'), "ip", "unmatched", t0);
  EXPECT_EQ(Count("SELECT MAX(LENGTH(serial_number)) FROM refused_devices"), 64);
}

}  // namespace
}  // namespace kanri::devices
