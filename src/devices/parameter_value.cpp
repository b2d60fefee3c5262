#include "devices/parameter_value.h"

#include <optional>

#include "base/xsd_value.h"

namespace kanri::devices {
namespace {

// What the operator should have written, for the message.
std::string_view Expected(std::string_view type) {
  if (type == "int") return "a whole number from -2147483648 to 2147483647";
  if (type == "unsignedInt") return "a whole number from 0 to 4294967295";
  if (type == "long") return "a whole number from -9223372036854775808 to 9223372036854775807";
  if (type == "unsignedLong") return "a whole number from 0 to 18446744073709551615";
  if (type == "boolean") return "true, false, 1 or 0";
  if (type == "dateTime") return "a time like 2025-04-01T09:00:00Z";
  if (type == "hexBinary") return "hexadecimal digits, two per byte";
  return "base64 text";
}

}  // namespace

Status CheckParameterValue(const std::string& path, const std::optional<Parameter>& reported,
                           std::string_view value) {
  if (!reported) return Ok{};
  if (reported->writable == false)
    return Error{ErrorCode::kInvalidArgument, path + " is read-only on this device", path,
                 std::string(kParameterNotWritable)};
  if (!IsValidXsdValue(reported->type, value))
    return Error{ErrorCode::kInvalidArgument,
                 path + " is " + reported->type + " on this device: the value must be " +
                     std::string(Expected(reported->type)),
                 path, std::string(kInvalidParameterValue)};
  return Ok{};
}

Status CheckParameterValues(const ParameterTree& tree,
                            const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [path, value] : values)
    if (auto st = CheckParameterValue(path, tree.Find(path), value); !st) return st;
  return Ok{};
}

}  // namespace kanri::devices
