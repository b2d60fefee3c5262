#include "devices/contact_writer.h"

#include <thread>

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class ContactWriterTest : public DevicesTest {
 protected:
  std::string Text(const std::string& sql) {
    std::string s;
    auto lease = tdb_.db().Acquire();
    lease.sql() << sql, soci::into(s);
    return s;
  }
  long long ContactOf(const DeviceId& d) {
    return Count("SELECT last_contact_at FROM devices WHERE id = '" + d.value() + "'");
  }
  static constexpr long long kSeeded = 1'743'465'600'000;  // SeedDevice's last contact
};

TEST_F(ContactWriterTest, DEV_2_ContactsAreWrittenBehindInOneBatchTheLatestPerDeviceWinning) {
  const DeviceId a = Seed(acme_, {.serial = "A"}), b = Seed(beta_, {.serial = "B"});
  // An interval long enough that nothing is written unless asked.
  ContactWriter writer{tdb_.db(), {.interval = std::chrono::hours{1}}};
  writer.Record({a.value(), kSeeded + 1000, kSeeded + 9000, R"(["2 PERIODIC"])", "192.0.2.1"});
  writer.Record({a.value(), kSeeded + 3000, kSeeded + 9999, R"(["6 CONNECTION REQUEST"])", "192.0.2.2"});
  writer.Record({a.value(), kSeeded + 2000, kSeeded + 9500, R"(["2 PERIODIC"])", "192.0.2.3"});  // older
  writer.Record({b.value(), kSeeded + 500, kSeeded + 8000, R"(["2 PERIODIC"])", "198.51.100.9"});
  EXPECT_EQ(writer.pending(), 2u);
  EXPECT_EQ(ContactOf(a), kSeeded);  // not yet

  writer.Flush();
  EXPECT_EQ(writer.pending(), 0u);
  EXPECT_EQ(ContactOf(a), kSeeded + 3000);
  EXPECT_EQ(Count("SELECT online_until FROM devices WHERE id = '" + a.value() + "'"), kSeeded + 9999);
  EXPECT_EQ(Text("SELECT last_events FROM devices WHERE id = '" + a.value() + "'"),
            R"(["6 CONNECTION REQUEST"])");
  EXPECT_EQ(Text("SELECT source_ip FROM devices WHERE id = '" + a.value() + "'"), "192.0.2.2");
  EXPECT_EQ(ContactOf(b), kSeeded + 500);
  EXPECT_EQ(Text("SELECT source_ip FROM devices WHERE id = '" + b.value() + "'"), "198.51.100.9");
}

TEST_F(ContactWriterTest, DEV_2_AContactWrittenLateNeverMovesADeviceBackwards) {
  const DeviceId a = Seed(acme_, {.serial = "A"});
  ContactWriter writer{tdb_.db(), {.interval = std::chrono::hours{1}}};
  // A full Inform (its own transaction) recorded a later contact meanwhile.
  writer.Record({a.value(), kSeeded - 5000, kSeeded, R"(["2 PERIODIC"])", "192.0.2.1"});
  writer.Flush();
  EXPECT_EQ(ContactOf(a), kSeeded);
  EXPECT_EQ(Text("SELECT source_ip FROM devices WHERE id = '" + a.value() + "'"), "198.51.100.7");
  // A device deleted while its contact waited: nothing to write, nothing fails.
  writer.Record({"no-such-device", kSeeded, kSeeded, "[]", "192.0.2.1"});
  writer.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), 1);
}

TEST_F(ContactWriterTest, DEV_2_TheWriterWritesByItselfAndStopWritesWhatWaits) {
  const DeviceId a = Seed(acme_, {.serial = "A"}), b = Seed(acme_, {.serial = "B"});
  {
    ContactWriter writer{tdb_.db(), {.interval = std::chrono::milliseconds{20}}};
    writer.Record({a.value(), kSeeded + 1, kSeeded + 1, "[]", "192.0.2.1"});
    for (int i = 0; i < 500 && ContactOf(a) != kSeeded + 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    EXPECT_EQ(ContactOf(a), kSeeded + 1);

    ContactWriter slow{tdb_.db(), {.interval = std::chrono::hours{1}}};
    slow.Record({b.value(), kSeeded + 2, kSeeded + 2, "[]", "192.0.2.1"});
    slow.Stop();
    EXPECT_EQ(ContactOf(b), kSeeded + 2);
    // After Stop, a contact is written at once.
    slow.Record({b.value(), kSeeded + 3, kSeeded + 3, "[]", "192.0.2.1"});
    EXPECT_EQ(ContactOf(b), kSeeded + 3);
  }
}

TEST_F(ContactWriterTest, DEV_2_PendingContactsStayBoundedWhileTheWriterIsBehind) {
  std::vector<DeviceId> devices;
  for (int i = 0; i < 40; ++i) devices.push_back(Seed(acme_, {.serial = "S" + std::to_string(i)}));
  ContactWriter writer{tdb_.db(), {.interval = std::chrono::hours{1}, .batch = 4, .max_pending = 8}};
  std::size_t most = 0;
  for (int i = 0; i < 40; ++i) {
    writer.Record({devices[i].value(), kSeeded + 10, kSeeded + 10, "[]", "192.0.2.1"});
    most = std::max(most, writer.pending());
  }
  EXPECT_LE(most, 8u);
  writer.Flush();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE last_contact_at = " + std::to_string(kSeeded + 10)),
            40);
}

}  // namespace
}  // namespace kanri::devices
