// DEV-7: desired configuration (what GenieACS calls presets). A profile's parameters, its inform
// interval and a device's own overrides are the state every device it covers should be in, not
// a one-time push: Kanri compares them with what the device last reported and sets the
// differences, and tells parameter by parameter where each device stands. A profile's firmware
// baseline is compared too, but never set: a firmware campaign installs it.
//
//   DeviceFacts facts{DataModel::kTr181, "SN0001", "00D09E", "IGD"};
//   auto desired = DesiredValues(profile.parameters, profile.periodic_inform_interval, overrides, facts);
//   auto entries = Compare(desired, tree, history, {});
//   // entries[i].state: in_sync | pending | drift | failed; entries[i].send: set it now
//
// The rules, each a case of desired_state_test.cpp:
//   - Only the parameters of the device's data model apply (a profile covering TR-181 and
//     TR-098 routers holds both sets); an override wins over the profile for its device.
//   - {serial_number}, {oui} and {product_class} in a value are the device's own.
//   - Nothing is sent before the device's tree has been read (pending, "not_read_yet"); then a
//     parameter the device did not report, reported read-only, or whose value does not fit the
//     type it reported is failed and never sent, so one bad parameter never sinks the rest.
//   - Equal values are in sync (booleans and integers compared by value: "1" is "true").
//   - A different value is sent, as one SetParameterValues for all of the device's differences,
//     unless a task for it is still open (pending), the device refused that value with a
//     permanent fault (failed), or it was already tried max_tries_per_day times today: a value
//     the device keeps changing back after a successful set is drift, re-set at most that often.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "devices/model.h"
#include "devices/parameter_tree.h"

namespace kanri::devices {

// What a desired value may refer to of its device.
struct DeviceFacts {
  DataModel model = DataModel::kTr181;
  std::string serial_number;
  std::string oui;
  std::string product_class;
};

// A value's placeholders are {serial_number}, {oui} and {product_class}; any other '{' is
// refused (InvalidArgument on `field`), so that a typo is not sent to a whole fleet.
Status ValidateValueTemplate(std::string_view value, const std::string& field);
std::string ExpandValueTemplate(std::string_view value, const DeviceFacts& facts);

struct DesiredValue {
  std::string path;
  std::string value;  // expanded
  bool overridden = false;
};

// The device's desired values, by path: the profile's parameters of its data model, the inform
// interval (PeriodicInformEnable and PeriodicInformInterval) when the profile sets one, and the
// device's overrides of its data model over them.
std::vector<DesiredValue> DesiredValues(const std::map<std::string, std::string>& profile_parameters,
                                        std::optional<std::uint32_t> inform_interval,
                                        const std::map<std::string, std::string>& overrides,
                                        const DeviceFacts& facts);

// What Kanri did about one parameter of one device: the value it last tried to set, how that
// ended, and how often it tried today (JST).
struct SetHistory {
  std::string value;
  int tries_today = 0;
  bool open = false;       // its SetParameterValues is queued or running (retries included)
  bool succeeded = false;  // the device accepted it
  std::optional<int> fault;
  std::string error;  // "timeout", ... when not a CPE fault
};

enum class ComplianceState { kInSync, kPending, kDrift, kFailed };
std::string_view ToString(ComplianceState state);
std::optional<ComplianceState> ParseComplianceState(std::string_view text);

struct ComplianceEntry {
  std::string path;
  std::string desired;
  std::optional<std::string> reported;  // nullopt: not reported, or a secret (never stored)
  ComplianceState state = ComplianceState::kPending;
  // in_sync: ""; pending: not_read_yet | queued | to_send | download_open; drift: changed_back |
  // other_firmware;
  // failed: not_reported | not_writable | invalid_value | refused | tries_exhausted
  std::string reason;
  bool send = false;  // part of the SetParameterValues to queue now
  bool overridden = false;
  std::optional<int> fault;  // the fault that refused it (failed), or of the last try
};

struct ComplianceLimits {
  int max_tries_per_day = 3;
};

std::vector<ComplianceEntry> Compare(const std::vector<DesiredValue>& desired, const ParameterTree& tree,
                                     const std::map<std::string, SetHistory>& history,
                                     const ComplianceLimits& limits);

// A profile's firmware baseline for one device, as an entry of its DeviceInfo.SoftwareVersion:
// in sync when it runs that version; pending ("download_open") while a download of it is queued
// or running; else drift ("other_firmware"). Never sent: a firmware campaign installs it.
ComplianceEntry CompareFirmware(const std::string& baseline, const std::string& reported, DataModel model,
                                bool download_open);

// The device's overall state: failed, else drift, else pending, else in_sync (none desired:
// in_sync).
ComplianceState Overall(const std::vector<ComplianceEntry>& entries);

}  // namespace kanri::devices
