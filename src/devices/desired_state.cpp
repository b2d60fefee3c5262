#include "devices/desired_state.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/xsd_value.h"
#include "devices/parameter_store.h"

namespace kanri::devices {
namespace {

constexpr std::array<std::string_view, 3> kPlaceholders = {"{serial_number}", "{oui}", "{product_class}"};

bool IsBoolean(std::string_view v) {
  return v == "0" || v == "1" || v == "true" || v == "false";
}

// Equal as the device means them: booleans and whole numbers by value, the rest as text.
bool SameValue(std::string_view type, std::string_view reported, std::string_view desired) {
  if (reported == desired) return true;
  if (type == "boolean" && IsBoolean(reported) && IsBoolean(desired))
    return (reported == "1" || reported == "true") == (desired == "1" || desired == "true");
  if (type == "unsignedInt" || type == "unsignedLong") {
    auto a = XsdInteger<std::uint64_t>(reported), b = XsdInteger<std::uint64_t>(desired);
    return a && b && *a == *b;
  }
  if (type == "int" || type == "long") {
    auto a = XsdInteger<std::int64_t>(reported), b = XsdInteger<std::int64_t>(desired);
    return a && b && *a == *b;
  }
  return false;
}

// A fault that says the device will not take this value whatever the day (invalid arguments,
// name, type or value, not writable): sending it again changes nothing.
bool IsRefusal(const std::optional<int>& fault) {
  return fault && (*fault == 9003 || *fault == 9005 || *fault == 9006 || *fault == 9007 || *fault == 9008);
}

}  // namespace

Status ValidateValueTemplate(std::string_view value, const std::string& field) {
  for (std::size_t at = value.find('{'); at != std::string_view::npos; at = value.find('{', at + 1)) {
    const bool known = std::any_of(kPlaceholders.begin(), kPlaceholders.end(),
                                   [&](std::string_view p) { return value.substr(at, p.size()) == p; });
    if (!known)
      return InvalidArgument(field, "a value may contain {serial_number}, {oui} and {product_class} only");
  }
  return Ok{};
}

std::string ExpandValueTemplate(std::string_view value, const DeviceFacts& facts) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    if (value[i] == '{') {
      const std::string* with = nullptr;
      std::size_t length = 0;
      if (value.substr(i, kPlaceholders[0].size()) == kPlaceholders[0]) {
        with = &facts.serial_number;
        length = kPlaceholders[0].size();
      } else if (value.substr(i, kPlaceholders[1].size()) == kPlaceholders[1]) {
        with = &facts.oui;
        length = kPlaceholders[1].size();
      } else if (value.substr(i, kPlaceholders[2].size()) == kPlaceholders[2]) {
        with = &facts.product_class;
        length = kPlaceholders[2].size();
      }
      if (with) {
        out += *with;
        i += length;
        continue;
      }
    }
    out += value[i++];
  }
  return out;
}

std::vector<DesiredValue> DesiredValues(const std::map<std::string, std::string>& profile_parameters,
                                        std::optional<std::uint32_t> inform_interval,
                                        const std::map<std::string, std::string>& overrides,
                                        const DeviceFacts& facts) {
  const std::string root = RootOf(facts.model);
  std::map<std::string, DesiredValue> by_path;
  const auto put = [&](const std::string& path, std::string_view value, bool overridden) {
    if (!path.starts_with(root)) return;  // the other data model's set
    by_path[path] = {path, ExpandValueTemplate(value, facts), overridden};
  };
  for (const auto& [path, value] : profile_parameters) put(path, value, false);
  if (inform_interval) {
    put(root + "ManagementServer.PeriodicInformEnable", "true", false);
    put(root + "ManagementServer.PeriodicInformInterval", std::to_string(*inform_interval), false);
  }
  for (const auto& [path, value] : overrides) put(path, value, true);
  std::vector<DesiredValue> out;
  out.reserve(by_path.size());
  for (auto& [path, v] : by_path) out.push_back(std::move(v));
  return out;
}

ComplianceEntry CompareFirmware(const std::string& baseline, const std::string& reported, DataModel model,
                                bool download_open) {
  ComplianceEntry e{
      .path = RootOf(model) + "DeviceInfo.SoftwareVersion", .desired = baseline, .reported = reported};
  if (reported == baseline) {
    e.state = ComplianceState::kInSync;
  } else if (download_open) {
    e.state = ComplianceState::kPending;
    e.reason = "download_open";
  } else {
    e.state = ComplianceState::kDrift;
    e.reason = "other_firmware";
  }
  return e;
}

std::string_view ToString(ComplianceState state) {
  switch (state) {
    case ComplianceState::kInSync:
      return "in_sync";
    case ComplianceState::kPending:
      return "pending";
    case ComplianceState::kDrift:
      return "drift";
    case ComplianceState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<ComplianceState> ParseComplianceState(std::string_view text) {
  for (auto s : {ComplianceState::kInSync, ComplianceState::kPending, ComplianceState::kDrift,
                 ComplianceState::kFailed})
    if (ToString(s) == text) return s;
  return std::nullopt;
}

std::vector<ComplianceEntry> Compare(const std::vector<DesiredValue>& desired, const ParameterTree& tree,
                                     const std::map<std::string, SetHistory>& history,
                                     const ComplianceLimits& limits) {
  std::vector<ComplianceEntry> out;
  out.reserve(desired.size());
  const bool read = tree.size() > 0;
  for (const auto& d : desired) {
    ComplianceEntry e{.path = d.path, .desired = d.value, .overridden = d.overridden};
    const auto found = history.find(d.path);
    const SetHistory* h = found == history.end() ? nullptr : &found->second;
    const bool tried_this_value = h && h->value == d.value;
    if (tried_this_value) e.fault = h->fault;
    const auto set = [&](ComplianceState state, std::string reason, bool send = false) {
      e.state = state;
      e.reason = std::move(reason);
      e.send = send;
    };
    const auto reported = read ? tree.Find(d.path) : std::nullopt;
    if (reported && !reported->redacted) e.reported = reported->value;
    if (!read) {
      set(ComplianceState::kPending, "not_read_yet");
    } else if (!reported) {
      set(ComplianceState::kFailed, "not_reported");
    } else if (reported->writable == false) {
      set(ComplianceState::kFailed, "not_writable");
    } else if (!IsValidXsdValue(reported->type, d.value)) {
      set(ComplianceState::kFailed, "invalid_value");
    } else if (reported->redacted ? (tried_this_value && h->succeeded)
                                  : SameValue(reported->type, reported->value, d.value)) {
      // A secret is never stored: it is in sync once the device accepted this value.
      set(ComplianceState::kInSync, "");
    } else if (tried_this_value && h->open) {
      set(ComplianceState::kPending, "queued");
    } else if (tried_this_value && IsRefusal(h->fault)) {
      set(ComplianceState::kFailed, "refused");
    } else if (tried_this_value && h->succeeded) {
      // Set, accepted, and reported otherwise since: the device changed it back.
      set(ComplianceState::kDrift, "changed_back", h->tries_today < limits.max_tries_per_day);
    } else if (tried_this_value && h->tries_today >= limits.max_tries_per_day) {
      set(ComplianceState::kFailed, "tries_exhausted");
    } else {
      set(ComplianceState::kPending, "to_send", true);
    }
    out.push_back(std::move(e));
  }
  return out;
}

ComplianceState Overall(const std::vector<ComplianceEntry>& entries) {
  ComplianceState worst = ComplianceState::kInSync;
  const auto rank = [](ComplianceState s) {
    switch (s) {
      case ComplianceState::kInSync:
        return 0;
      case ComplianceState::kPending:
        return 1;
      case ComplianceState::kDrift:
        return 2;
      case ComplianceState::kFailed:
        return 3;
    }
    return 0;
  };
  for (const auto& e : entries)
    if (rank(e.state) > rank(worst)) worst = e.state;
  return worst;
}

}  // namespace kanri::devices
