#include "devices/refused.h"

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class RefusedTest : public DevicesTest {
 protected:
  RefusedDeviceRepository refused_{tdb_.db(), clock_};
};

TEST_F(RefusedTest, DEV_1_RefusalsAreCoalescedInMemoryAndWrittenInOneTransaction) {
  const auto t0 = clock_.Now();
  const auto writes = tdb_.db().write_transactions();
  for (int i = 0; i < 5; ++i)
    refused_.Record("00D09E", "IGD", "SN1", "203.0.113.9", "unallocated", t0 + Millis{i});
  refused_.Record("00D09E", "IGD", "SN2", "203.0.113.10", "ambiguous", t0 + Millis{10});
  EXPECT_EQ(tdb_.db().write_transactions(), writes) << "recording a refusal writes nothing";
  EXPECT_EQ(refused_.Flush(), 2u);
  EXPECT_EQ(tdb_.db().write_transactions(), writes + 1);
  auto page = refused_.List(ProviderScope::ForCommandLine(), {.limit = 10});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].serial_number, "SN2") << "newest first";
  EXPECT_EQ(page.items[1].attempts, 5);
  refused_.Record("00D09E", "IGD", "SN1", "203.0.113.11", "bad_credentials", t0 + std::chrono::minutes{1});
  page = refused_.List(ProviderScope::ForCommandLine(), {.limit = 1});  // List writes what waits
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].serial_number, "SN1");
  EXPECT_EQ(page.items[0].attempts, 6);
  EXPECT_EQ(page.items[0].reason, "bad_credentials");
  EXPECT_EQ(page.items[0].source_ip, "203.0.113.11");
  ASSERT_TRUE(page.next_after);
  auto next = refused_.List(ProviderScope::ForCommandLine(), {.limit = 1, .after = page.next_after});
  ASSERT_EQ(next.items.size(), 1u);
  EXPECT_EQ(next.items[0].serial_number, "SN2");
  // Long identities from the network are cut.
  refused_.Record("00D09E", "IGD", std::string(500, 'x'), "ip", "unallocated", t0);
  refused_.Flush();
  EXPECT_EQ(Count("SELECT MAX(LENGTH(serial_number)) FROM refused_devices"), 64);
}

// Issue 18: a company lists the refusals of identities its allocation covered, and only those;
// the latest refusal decides (an allocation moved since lists it for the new company only).
TEST_F(RefusedTest, DEV_1_ACompanySeesOnlyTheRefusalsItsAllocationCovered) {
  const CompanyId acme{"acme"}, beta{"beta"};
  const auto t0 = clock_.Now();
  refused_.Record("00D09E", "IGD", "A1", "203.0.113.1", "bad_credentials", t0, acme);
  refused_.Record("00D09E", "IGD", "B1", "203.0.113.2", "no_profile", t0 + Millis{1}, beta);
  refused_.Record("AABBCC", "IGD", "X1", "203.0.113.3", "unallocated", t0 + Millis{2});
  auto mine = refused_.List(acme, {.limit = 10});
  ASSERT_EQ(mine.items.size(), 1u);
  EXPECT_EQ(mine.items[0].serial_number, "A1");
  EXPECT_EQ(mine.items[0].reason, "bad_credentials");
  EXPECT_EQ(refused_.List(beta, {.limit = 10}).items.size(), 1u);
  EXPECT_EQ(refused_.List(ProviderScope::ForCommandLine(), {.limit = 10}).items.size(), 3u);
  EXPECT_TRUE(refused_.List(CompanyId{"nobody"}, {.limit = 10}).items.empty());
  // The allocation of A1 moved to beta: its next refusal is beta's.
  refused_.Record("00D09E", "IGD", "A1", "203.0.113.1", "no_profile", t0 + Millis{3}, beta);
  EXPECT_TRUE(refused_.List(acme, {.limit = 10}).items.empty());
  EXPECT_EQ(refused_.List(beta, {.limit = 10}).items.size(), 2u);
}

TEST_F(RefusedTest, DEV_1_AFloodOfMadeUpIdentitiesIsBoundedAndExpires) {
  RefusedDeviceRepository small{tdb_.db(), clock_, {.max_pending = 50, .max_rows = 30}};
  for (int i = 0; i < 200; ++i)
    small.Record("00D09E", "IGD", "FAKE" + std::to_string(i), "198.51.100.1", "unallocated", clock_.Now());
  EXPECT_EQ(small.dropped(), 150u) << "memory is bounded";
  small.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refused_devices"), 30) << "the table is capped";
  // A listed identity keeps counting while the table is full.
  small.Record("00D09E", "IGD", "FAKE0", "198.51.100.1", "unallocated", clock_.Now());
  small.Flush();
  EXPECT_EQ(Count("SELECT attempts FROM refused_devices WHERE serial_number = 'FAKE0'"), 2);
  // Rows expire after 30 days.
  clock_.Advance(std::chrono::hours{24 * 30} + std::chrono::minutes{1});
  small.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refused_devices"), 0);
}

}  // namespace
}  // namespace kanri::devices
