// DEV-6, the pure part of firmware campaigns: which devices a firmware file is for, how a
// campaign splits its devices into waves, and when its time window is open. The campaign engine
// that runs the waves is devices/campaigns.h.
//
//   FirmwareTarget t{.product_class = "IGD", .models = {"HG-5"}, .software_version = "2.1"};
//   auto plan = PlanWaves(devices, t, {{.percent = 5}, {.percent = 25}, {}});
//   // plan->devices[i].wave: 0, 1, 2 …, or -1 with the reason it is not in any wave
//
// The rules, each a case of campaign_plan_test.cpp:
//   - A device the file is not for (another product class, model or hardware version) is
//     skipped with that reason, never sent the file; one already on the version is done
//     without a download.
//   - The other devices are spread over the waves in a stable order (by device ID, so that the
//     same fleet gives the same plan): a wave takes `count` devices, or `percent` of the eligible
//     ones rounded up (at least one); the last wave takes whatever is left, so that every
//     eligible device is in a wave. Waves past the devices stay empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "devices/model.h"

namespace kanri::devices {

// What a firmware file is for and what it installs.
struct FirmwareTarget {
  std::optional<std::string> product_class;    // exact; nullopt: any
  std::vector<std::string> models;             // DeviceInfo.ModelName, exact; empty: any
  std::vector<std::string> hardware_versions;  // exact; empty: any
  std::string software_version;                // the version it installs
};

struct CampaignDevice {
  DeviceId id;
  std::string product_class;
  std::string model;
  std::string hardware_version;
  std::string software_version;
};

enum class Eligibility { kEligible, kAlreadyCurrent, kOtherProductClass, kOtherModel, kOtherHardware };
std::string_view ToString(Eligibility e);  // eligible, already_current, other_product_class, ...

Eligibility CheckEligibility(const FirmwareTarget& target, const CampaignDevice& device);

// One wave: exactly one of percent (of the eligible devices, above 0 and at most 100) and count.
struct WaveSpec {
  std::optional<double> percent;
  std::optional<std::size_t> count;
};

struct PlannedDevice {
  DeviceId id;
  Eligibility eligibility = Eligibility::kEligible;
  int wave = -1;  // -1: in no wave (not eligible)
};

struct WavePlan {
  std::vector<PlannedDevice> devices;   // in device ID order
  std::vector<std::size_t> wave_sizes;  // devices per wave
};

inline constexpr std::size_t kMaxWaves = 20;

// What a firmware file is for, as a campaign checks it.
FirmwareTarget TargetOf(const FirmwareFile& file);

// When downloads may start, in JST: on `days` (0 Sunday … 6 Saturday; empty: every day), from
// `from` to `to` (minutes after 00:00). A window whose `to` is not after `from` ends the next
// day (22:00-04:00): it belongs to the day it opens on.
struct CampaignWindow {
  std::vector<int> days;
  int from = 0;  // 0 … 1439
  int to = 0;    // 0 … 1439, not equal to from
};
bool InWindow(const CampaignWindow& window, Timestamp now);
// The first moment from `now` on when the window is open (`now` itself when it is open).
Timestamp NextOpening(const CampaignWindow& window, Timestamp now);

// InvalidArgument on "waves" for no wave, more than kMaxWaves, or a wave that is not exactly
// one of a percent in (0, 100] and a count of at least one.
Result<WavePlan> PlanWaves(std::vector<CampaignDevice> devices, const FirmwareTarget& target,
                           const std::vector<WaveSpec>& waves);

}  // namespace kanri::devices
