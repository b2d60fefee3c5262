#include "devices/inventory.h"

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class InventoryTest : public DevicesTest {
 protected:
  std::vector<std::string> Serials(const Page<Device>& page) {
    std::vector<std::string> out;
    for (const auto& d : page.items) out.push_back(d.serial_number);
    return out;
  }
  std::vector<std::string> AllSerials(const DeviceFilter& filter, const std::string& sort,
                                      std::size_t limit = 2) {
    std::vector<std::string> out;
    PageRequest page{.limit = limit};
    for (int guard = 0; guard < 100; ++guard) {
      auto p = devices_.List(acme_, filter, *ParseDeviceSort(sort), page);
      EXPECT_TRUE(p);
      if (!p) break;
      for (auto& s : Serials(*p)) out.push_back(s);
      if (!p->next_after) break;
      page.after = p->next_after;
    }
    return out;
  }
  DeviceRepository devices_{tdb_.db(), clock_};
};

TEST_F(InventoryTest, DEV_2_ListSortsAndPagesStablyWithTies) {
  const long long t0 = 1'743'465'600'000;
  Seed(acme_, {.serial = "C3", .model = "M1", .last_contact_ms = t0 + 1});
  Seed(acme_, {.serial = "A1", .model = "M2", .last_contact_ms = t0 + 3});
  Seed(acme_, {.serial = "B2", .model = "M1", .last_contact_ms = t0 + 3});
  Seed(acme_, {.serial = "D4", .model = "M1", .last_contact_ms = t0 + 2});
  Seed(beta_, {.serial = "A0", .model = "M1"});
  EXPECT_EQ(AllSerials({}, "serial_number"), (std::vector<std::string>{"A1", "B2", "C3", "D4"}));
  EXPECT_EQ(AllSerials({}, "-serial_number"), (std::vector<std::string>{"D4", "C3", "B2", "A1"}));
  auto by_contact = AllSerials({}, "-last_contact_at", 1);
  ASSERT_EQ(by_contact.size(), 4u);
  EXPECT_EQ(by_contact[2], "D4");
  EXPECT_EQ(by_contact[3], "C3");
  auto by_model = AllSerials({}, "model", 1);
  ASSERT_EQ(by_model.size(), 4u) << "ties on the model are broken by id without loss or repeat";
  EXPECT_EQ(by_model.back(), "A1");
  // A cursor of one sort is refused by another.
  auto first = devices_.List(acme_, {}, *ParseDeviceSort("model"), {.limit = 1});
  ASSERT_TRUE(first && first->next_after);
  auto other =
      devices_.List(acme_, {}, *ParseDeviceSort("serial_number"), {.limit = 1, .after = first->next_after});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().field, "cursor");
  EXPECT_FALSE(ParseDeviceSort("wan_ip"));
}

TEST_F(InventoryTest, DEV_2_SearchAndFilters) {
  const long long now = ToUnixMillis(clock_.Now());
  Seed(acme_, {.serial = "AB_100",
               .model = "Home 5G",
               .software_version = "2.1",
               .tags = {"東京"},
               .online_until_ms = now + 1000});
  Seed(acme_, {.serial = "ABX100", .model = "Office", .software_version = "2.0", .online_until_ms = now - 1});
  Seed(acme_, {.serial = "zz-9",
               .model = "Office",
               .software_version = "2.1%",
               .tags = {"lab"},
               .online_until_ms = now - 1000});
  EXPECT_EQ(AllSerials({.search = "ab_"}, "serial_number"), std::vector<std::string>{"AB_100"})
      << "_ is literal, not a wildcard";
  EXPECT_EQ(AllSerials({.search = "1%"}, "serial_number"), std::vector<std::string>{"zz-9"});
  EXPECT_EQ(AllSerials({.search = "HOME"}, "serial_number"), std::vector<std::string>{"AB_100"});
  EXPECT_EQ(AllSerials({.search = "東京"}, "serial_number"), std::vector<std::string>{"AB_100"});
  EXPECT_EQ(AllSerials({.online = true}, "serial_number"), std::vector<std::string>{"AB_100"});
  EXPECT_EQ(AllSerials({.online = false}, "serial_number").size(), 2u);
  EXPECT_EQ(AllSerials({.model = "Office"}, "serial_number").size(), 2u);
  EXPECT_EQ(AllSerials({.software_version = "2.1"}, "serial_number"), std::vector<std::string>{"AB_100"});
  EXPECT_EQ(AllSerials({.tag = "lab"}, "serial_number"), std::vector<std::string>{"zz-9"});
  EXPECT_EQ(AllSerials({.tag = "la"}, "serial_number").size(), 0u) << "tags match whole";
  auto unknown_group = devices_.List(acme_, {.group_id = GroupId{"nope"}}, {}, {});
  ASSERT_FALSE(unknown_group);
  EXPECT_EQ(unknown_group.error().field, "group_id");
  auto summary = devices_.Summary(acme_);
  EXPECT_EQ(summary.total, 3u);
  EXPECT_EQ(summary.online, 1u);
  EXPECT_EQ(summary.offline, 2u);
}

TEST_F(InventoryTest, DEV_2_TagsAreValidatedSortedAndSearchable) {
  auto id = Seed(acme_, {.serial = "T1"});
  EXPECT_TRUE(devices_.SetTag(acme_, id, "b-2"));
  auto d = devices_.SetTag(acme_, id, "東京:1F-a_b.c");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->tags, (std::vector<std::string>{"b-2", "東京:1F-a_b.c"}));
  EXPECT_TRUE(devices_.SetTag(acme_, id, "b-2")) << "idempotent";
  for (const std::string& bad : std::vector<std::string>{"", "a b", "a,b", "a\"b", "東京　1F", "x、y", "a/b",
                                                         std::string(65, 'a'), "\xff"}) {
    auto r = devices_.SetTag(acme_, id, bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "tag");
  }
  EXPECT_EQ(AllSerials({.search = "東京:1f"}, "serial_number"), std::vector<std::string>{"T1"});
  ASSERT_TRUE(devices_.RemoveTag(acme_, id, "b-2"));
  EXPECT_EQ(devices_.RemoveTag(acme_, id, "b-2").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(AllSerials({.search = "b-2"}, "serial_number").size(), 0u);
  for (int i = 0; i < 31; ++i) ASSERT_TRUE(devices_.SetTag(acme_, id, "t" + std::to_string(i)));
  EXPECT_EQ(devices_.SetTag(acme_, id, "one-too-many").error().code, ErrorCode::kConflict);
}

TEST_F(InventoryTest, SEC_8_AnotherCompanysDeviceIsNotFound) {
  auto id = Seed(beta_, {.serial = "B1", .tree = R"({"Device.X":["1","int",1]})"});
  EXPECT_EQ(devices_.Get(acme_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(devices_.Parameters(acme_, id, "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(devices_.SetTag(acme_, id, "x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(devices_.Delete(acme_, id, std::chrono::days{90}).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(devices_.Get(beta_, id));
  EXPECT_EQ(devices_.Summary(acme_).total, 0u);
}

TEST_F(InventoryTest, DEV_2_ParametersByPrefix) {
  auto id = Seed(acme_, {.tree = R"({"Device.WiFi.SSID.1.SSID":["home","string",1],
      "Device.DeviceInfo.SoftwareVersion":["1.0","string",0],"Device.WiFi.Radio.1.Channel":["6","unsignedInt",null]})"});
  auto all = devices_.Parameters(acme_, id, "");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].path, "Device.DeviceInfo.SoftwareVersion");
  EXPECT_EQ((*all)[0].writable, std::optional<bool>(false));
  auto wifi = devices_.Parameters(acme_, id, "Device.WiFi.");
  ASSERT_TRUE(wifi);
  ASSERT_EQ(wifi->size(), 2u);
  EXPECT_EQ((*wifi)[0].type, "unsignedInt");
  EXPECT_FALSE((*wifi)[0].writable);
  auto fresh = Seed(acme_, {.serial = "new", .tree = ""});
  EXPECT_EQ(devices_.Parameters(acme_, fresh, "")->size(), 0u);
}

TEST_F(InventoryTest, DEV_2_DeleteRemovesTheDeviceWithItsTreeAndTasks) {
  auto id = Seed(acme_, {.serial = "D1", .tree = R"({"Device.X":["1","int",1]})"});
  {
    auto lease = tdb_.db().Acquire();
    lease.sql()
        << "INSERT INTO tasks (id, company_id, device_id, seq, type, request, state, command_key, internal, "
           "created_by_login, created_at, expires_at) VALUES ('t1', :c, :d, 1, 'reboot', '{}', 'queued', "
           "'k', 0, 'x', 0, 1)",
        soci::use(acme_.value()), soci::use(id.value());
  }
  ASSERT_TRUE(devices_.Delete(acme_, id, std::chrono::days{90}));
  EXPECT_EQ(devices_.Get(acme_, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_parameters"), 0);
}

}  // namespace
}  // namespace kanri::devices
