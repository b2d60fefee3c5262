// DEV-6: the wave planner and firmware targeting as data-driven cases (campaign_plan.h).
#include "devices/campaign_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kanri::devices {
namespace {

std::vector<CampaignDevice> Fleet(std::size_t n, const std::string& model = "HG-5",
                                  const std::string& sw = "2.0") {
  std::vector<CampaignDevice> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string id = std::to_string(i);
    id = "dev" + std::string(3 - std::min<std::size_t>(id.size(), 3), '0') + id;
    out.push_back({DeviceId{id}, "IGD", model, "hw1", sw});
  }
  return out;
}

TEST(CampaignPlanTest, DEV_6_AFileIsSentOnlyToTheDevicesItIsFor) {
  const FirmwareTarget t{"IGD", {"HG-5", "HG-5s"}, {"hw1"}, "2.1"};
  struct Case {
    CampaignDevice device;
    Eligibility expected;
  };
  const std::vector<Case> cases = {
      {{DeviceId{"a"}, "IGD", "HG-5", "hw1", "2.0"}, Eligibility::kEligible},
      {{DeviceId{"b"}, "IGD", "HG-5s", "hw1", "1.9"}, Eligibility::kEligible},
      {{DeviceId{"c"}, "IGD", "HG-5", "hw1", "2.1"}, Eligibility::kAlreadyCurrent},
      {{DeviceId{"d"}, "CPE", "HG-5", "hw1", "2.0"}, Eligibility::kOtherProductClass},
      {{DeviceId{"e"}, "IGD", "HG-9", "hw1", "2.0"}, Eligibility::kOtherModel},
      {{DeviceId{"f"}, "IGD", "HG-5", "hw2", "2.0"}, Eligibility::kOtherHardware},
      {{DeviceId{"g"}, "IGD", "hg-5", "hw1", "2.0"}, Eligibility::kOtherModel},  // exact
  };
  for (const auto& c : cases)
    EXPECT_EQ(ToString(CheckEligibility(t, c.device)), ToString(c.expected)) << c.device.id.value();
  // A file that names nothing is for every device; the version alone decides.
  EXPECT_EQ(CheckEligibility({std::nullopt, {}, {}, "2.0"}, cases[0].device), Eligibility::kAlreadyCurrent);
  EXPECT_EQ(CheckEligibility({std::nullopt, {}, {}, "3.0"}, cases[3].device), Eligibility::kEligible);
}

struct WaveCase {
  const char* name;
  std::size_t devices;
  std::vector<WaveSpec> waves;
  std::vector<std::size_t> sizes;
};

TEST(CampaignPlanTest, DEV_6_WavesTakeTheirShareAndTheLastOneTheRest) {
  const FirmwareTarget t{"IGD", {}, {}, "2.1"};
  const std::vector<WaveCase> cases = {
      {"canary, then a quarter, then the rest",
       100,
       {{.percent = 5}, {.percent = 25}, {.percent = 100}},
       {5, 25, 70}},
      {"percent rounds up", 30, {{.percent = 10}, {.percent = 10}}, {3, 27}},
      {"at least one device", 10, {{.percent = 1}, {.count = 2}}, {1, 9}},
      {"counts", 10, {{.count = 1}, {.count = 3}, {.count = 3}}, {1, 3, 6}},
      {"one wave: everything", 7, {{.percent = 20}}, {7}},
      {"more waves than devices", 2, {{.count = 1}, {.count = 1}, {.count = 1}}, {1, 1, 0}},
      {"no devices", 0, {{.percent = 50}, {.percent = 50}}, {0, 0}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto plan = PlanWaves(Fleet(c.devices), t, c.waves);
    ASSERT_TRUE(plan) << plan.error().message;
    EXPECT_EQ(plan->wave_sizes, c.sizes);
    // Every eligible device in exactly one wave, waves in device ID order.
    std::vector<std::size_t> counted(c.waves.size(), 0);
    int last_wave = 0;
    for (const auto& d : plan->devices) {
      ASSERT_GE(d.wave, last_wave);
      last_wave = d.wave;
      ++counted.at(static_cast<std::size_t>(d.wave));
    }
    EXPECT_EQ(counted, c.sizes);
  }
}

TEST(CampaignPlanTest, DEV_6_SkippedDevicesAreInNoWaveAndThePlanIsStable) {
  auto fleet = Fleet(6);
  fleet[1].model = "HG-9";
  fleet[4].software_version = "2.1";
  std::reverse(fleet.begin(), fleet.end());
  auto plan = PlanWaves(fleet, {std::nullopt, {"HG-5"}, {}, "2.1"}, {{.count = 1}, {.percent = 100}});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->devices.size(), 6U);
  EXPECT_EQ(plan->devices[0].id.value(), "dev000") << "in device ID order whatever the input order";
  EXPECT_EQ(plan->devices[0].wave, 0);
  EXPECT_EQ(plan->devices[1].eligibility, Eligibility::kOtherModel);
  EXPECT_EQ(plan->devices[1].wave, -1);
  EXPECT_EQ(plan->devices[4].eligibility, Eligibility::kAlreadyCurrent);
  EXPECT_EQ(plan->devices[4].wave, -1);
  EXPECT_EQ(plan->wave_sizes, (std::vector<std::size_t>{1, 3}));
}

TEST(CampaignPlanTest, DEV_6_BadWavesAreRefused) {
  const FirmwareTarget t{std::nullopt, {}, {}, "2.1"};
  const std::vector<std::vector<WaveSpec>> bad = {
      {},
      {{.percent = 0}},
      {{.percent = 101}},
      {{.count = 0}},
      {{}},
      {{.percent = 10, .count = 2}},
      std::vector<WaveSpec>(kMaxWaves + 1, WaveSpec{.count = 1}),
  };
  for (const auto& waves : bad) {
    auto plan = PlanWaves(Fleet(3), t, waves);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().field, "waves");
  }
}

TEST(CampaignWindowTest, DEV_6_TheWindowIsReadInJst) {
  struct Case {
    CampaignWindow window;
    const char* utc;
    bool open;
    const char* next;  // NextOpening, UTC
  };
  // 2025-04-01 is a Tuesday; 00:00Z is 09:00 JST.
  const std::vector<Case> cases{
      {{{}, 9 * 60, 10 * 60}, "2025-04-01T00:00:00Z", true, "2025-04-01T00:00:00Z"},
      {{{}, 9 * 60, 10 * 60}, "2025-04-01T01:00:00Z", false, "2025-04-02T00:00:00Z"},
      {{{}, 10 * 60, 11 * 60}, "2025-04-01T00:59:00Z", false, "2025-04-01T01:00:00Z"},
      // 22:00-04:00 JST crosses midnight: open at 02:00 JST Wednesday (Tuesday's window).
      {{{2}, 22 * 60, 4 * 60}, "2025-04-01T17:00:00Z", true, "2025-04-01T17:00:00Z"},
      {{{2}, 22 * 60, 4 * 60}, "2025-04-01T19:30:00Z", false, "2025-04-08T13:00:00Z"},
      // Saturdays and Sundays only: from Tuesday, the next is Saturday 01:00 JST.
      {{{0, 6}, 60, 300}, "2025-04-01T00:00:00Z", false, "2025-04-04T16:00:00Z"},
      {{{0, 6}, 60, 300}, "2025-04-05T18:00:00Z", true, "2025-04-05T18:00:00Z"},
  };
  for (const auto& c : cases) {
    const Timestamp now = *ParseUtc(c.utc);
    EXPECT_EQ(InWindow(c.window, now), c.open) << c.utc;
    EXPECT_EQ(FormatUtc(NextOpening(c.window, now)), FormatUtc(*ParseUtc(c.next))) << c.utc;
  }
}

}  // namespace
}  // namespace kanri::devices
