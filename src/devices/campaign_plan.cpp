#include "devices/campaign_plan.h"

#include <algorithm>
#include <cmath>

namespace kanri::devices {
namespace {

bool Listed(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

constexpr long long kMinute = 60'000;
constexpr long long kDay = 24 * 60 * kMinute;
constexpr long long kJstOffset = 9 * 60 * kMinute;

bool OpensOn(const CampaignWindow& w, long long day) {
  // 1970-01-01 (day 0) was a Thursday (4).
  const int weekday = static_cast<int>(((day + 4) % 7 + 7) % 7);
  return w.days.empty() || std::find(w.days.begin(), w.days.end(), weekday) != w.days.end();
}

}  // namespace

FirmwareTarget TargetOf(const FirmwareFile& file) {
  return {file.product_class, file.models, file.hardware_versions, file.version};
}

bool InWindow(const CampaignWindow& w, Timestamp now) {
  const long long local = ToUnixMillis(now) + kJstOffset;
  const long long day = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
  const long long minute = (local - day * kDay) / kMinute;
  if (w.from < w.to) return OpensOn(w, day) && minute >= w.from && minute < w.to;
  // Past midnight: open from `from` on its day, and until `to` on the day after.
  return (OpensOn(w, day) && minute >= w.from) || (OpensOn(w, day - 1) && minute < w.to);
}

Timestamp NextOpening(const CampaignWindow& w, Timestamp now) {
  if (InWindow(w, now)) return now;
  const long long local = ToUnixMillis(now) + kJstOffset;
  const long long day = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
  // The window opens at `from` on one of the next 8 days (this one included).
  for (long long d = day; d <= day + 8; ++d) {
    const long long opening = d * kDay + w.from * kMinute;
    if (opening > local && OpensOn(w, d)) return FromUnixMillis(opening - kJstOffset);
  }
  return now;  // no day at all: the caller validated days
}

std::string_view ToString(Eligibility e) {
  switch (e) {
    case Eligibility::kEligible:
      return "eligible";
    case Eligibility::kAlreadyCurrent:
      return "already_current";
    case Eligibility::kOtherProductClass:
      return "other_product_class";
    case Eligibility::kOtherModel:
      return "other_model";
    case Eligibility::kOtherHardware:
      return "other_hardware";
  }
  return "eligible";
}

Eligibility CheckEligibility(const FirmwareTarget& target, const CampaignDevice& device) {
  if (target.product_class && *target.product_class != device.product_class)
    return Eligibility::kOtherProductClass;
  if (!Listed(target.models, device.model)) return Eligibility::kOtherModel;
  if (!Listed(target.hardware_versions, device.hardware_version)) return Eligibility::kOtherHardware;
  if (!target.software_version.empty() && device.software_version == target.software_version)
    return Eligibility::kAlreadyCurrent;
  return Eligibility::kEligible;
}

Result<WavePlan> PlanWaves(std::vector<CampaignDevice> devices, const FirmwareTarget& target,
                           const std::vector<WaveSpec>& waves) {
  if (waves.empty() || waves.size() > kMaxWaves)
    return InvalidArgument("waves", "a campaign has 1 to " + std::to_string(kMaxWaves) + " waves");
  for (const auto& w : waves) {
    const bool percent_ok = w.percent && *w.percent > 0 && *w.percent <= 100;
    const bool count_ok = w.count && *w.count >= 1;
    if (w.percent.has_value() == w.count.has_value() || !(percent_ok || count_ok))
      return InvalidArgument("waves",
                             "each wave is a percent (above 0, at most 100) or a count (at least 1)");
  }
  std::sort(devices.begin(), devices.end(),
            [](const CampaignDevice& a, const CampaignDevice& b) { return a.id.value() < b.id.value(); });
  WavePlan plan;
  plan.wave_sizes.assign(waves.size(), 0);
  std::size_t eligible = 0;
  for (const auto& d : devices) {
    const Eligibility e = CheckEligibility(target, d);
    plan.devices.push_back({d.id, e, -1});
    if (e == Eligibility::kEligible) ++eligible;
  }
  // How many each wave takes, in order; the last takes the rest.
  std::size_t left = eligible;
  for (std::size_t i = 0; i < waves.size() && left > 0; ++i) {
    std::size_t n =
        waves[i].count
            ? *waves[i].count
            : static_cast<std::size_t>(std::ceil(static_cast<double>(eligible) * *waves[i].percent / 100.0));
    n = std::max<std::size_t>(n, 1);
    if (i + 1 == waves.size()) n = left;
    n = std::min(n, left);
    plan.wave_sizes[i] = n;
    left -= n;
  }
  std::size_t wave = 0, taken = 0;
  for (auto& p : plan.devices) {
    if (p.eligibility != Eligibility::kEligible) continue;
    while (wave < plan.wave_sizes.size() && taken == plan.wave_sizes[wave]) {
      ++wave;
      taken = 0;
    }
    p.wave = static_cast<int>(wave);
    ++taken;
  }
  return plan;
}

}  // namespace kanri::devices
