#include "devices/model.h"

#include <array>
#include <utility>

namespace kanri::devices {
namespace {

template <typename E, std::size_t N>
std::optional<E> Find(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
  for (const auto& [value, name] : table)
    if (name == text) return value;
  return std::nullopt;
}
template <typename E, std::size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "";
}

constexpr std::array<std::pair<AuthMode, std::string_view>, 3> kAuthModes{
    {{AuthMode::kRotate, "rotate"}, {AuthMode::kShared, "shared"}, {AuthMode::kNone, "none"}}};
constexpr std::array<std::pair<CredentialState, std::string_view>, 5> kCredentialStates{{
    {CredentialState::kBootstrap, "bootstrap"},
    {CredentialState::kRotating, "rotating"},
    {CredentialState::kRotated, "rotated"},
    {CredentialState::kShared, "shared"},
    {CredentialState::kNone, "none"},
}};
constexpr std::array<std::pair<TaskState, std::string_view>, 5> kTaskStates{{
    {TaskState::kQueued, "queued"},
    {TaskState::kRunning, "running"},
    {TaskState::kDone, "done"},
    {TaskState::kFailed, "failed"},
    {TaskState::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<AllocationKind, std::string_view>, 4> kAllocationKinds{{
    {AllocationKind::kSerials, "serials"},
    {AllocationKind::kPrefix, "prefix"},
    {AllocationKind::kRange, "range"},
    {AllocationKind::kOui, "oui"},
}};

}  // namespace

bool IsSecretParameter(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view name = dot == std::string_view::npos ? path : path.substr(dot + 1);
  for (std::string_view suffix : {"Password", "Passphrase", "PreSharedKey", "WEPKey", "Secret"})
    if (name.ends_with(suffix)) return true;
  return false;
}

std::string_view ToString(AllocationKind kind) {
  return Name(kAllocationKinds, kind);
}
std::optional<AllocationKind> ParseAllocationKind(std::string_view text) {
  return Find(kAllocationKinds, text);
}

bool Allocation::CoversRule(std::string_view product_class_of_device, std::string_view serial) const {
  if (product_class && *product_class != product_class_of_device) return false;
  return RuleCoversSerial(serial);
}

bool Allocation::RuleCoversSerial(std::string_view serial) const {
  switch (kind) {
    case AllocationKind::kSerials:
      return false;
    case AllocationKind::kPrefix:
      return serial.starts_with(*serial_prefix);
    case AllocationKind::kRange:
      return serial.size() == serial_range->first.size() && serial_range->first <= serial &&
             serial <= serial_range->second;
    case AllocationKind::kOui:
      return true;
  }
  return false;
}

std::string_view ToString(AuthMode mode) {
  return Name(kAuthModes, mode);
}
std::optional<AuthMode> ParseAuthMode(std::string_view text) {
  return Find(kAuthModes, text);
}
std::string_view ToString(CredentialState state) {
  return Name(kCredentialStates, state);
}
std::optional<CredentialState> ParseCredentialState(std::string_view text) {
  return Find(kCredentialStates, text);
}
CredentialState InitialCredentialState(AuthMode mode) {
  switch (mode) {
    case AuthMode::kRotate:
      return CredentialState::kBootstrap;
    case AuthMode::kShared:
      return CredentialState::kShared;
    case AuthMode::kNone:
      return CredentialState::kNone;
  }
  return CredentialState::kBootstrap;
}
std::string_view ToString(DataModel model) {
  return model == DataModel::kTr098 ? "tr098" : "tr181";
}
std::string_view ToString(TaskState state) {
  return Name(kTaskStates, state);
}
std::optional<TaskState> ParseTaskState(std::string_view text) {
  return Find(kTaskStates, text);
}

std::string SearchText(const Device& d) {
  std::string out;
  auto add = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    for (char c : part) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  };
  add(d.serial_number);
  add(d.model);
  add(d.software_version);
  for (const auto& t : d.tags) add(t);
  add(d.wan_ip);
  add(d.wan_mac);
  std::string compact_mac;  // "3c22fb000001" finds "3C:22:FB:00:00:01" too
  for (char c : d.wan_mac)
    if (c != ':' && c != '-') compact_mac += c;
  if (compact_mac != d.wan_mac) add(compact_mac);
  add(d.name);
  add(d.note);
  return out;
}

}  // namespace kanri::devices
