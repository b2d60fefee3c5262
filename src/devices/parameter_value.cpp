#include "devices/parameter_value.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace kanri::devices {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// xsd integers allow one leading sign ("+5", "-3") and leading zeros; no spaces.
template <typename T>
bool IsInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  }
  if (text.empty()) return false;
  if constexpr (std::is_unsigned_v<T>) {
    if (text == "-0") return true;
    if (text.front() == '-') return false;
  }
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

// xsd:dateTime as TR-069 uses it: YYYY-MM-DDTHH:MM:SS[.fraction][Z|(+|-)HH:MM].
bool IsDateTime(std::string_view s) {
  if (s.size() < 19) return false;
  const auto digits_at = [&](std::size_t pos, std::size_t n) { return IsDigits(s.substr(pos, n)); };
  if (!digits_at(0, 4) || s[4] != '-' || !digits_at(5, 2) || s[7] != '-' || !digits_at(8, 2) ||
      s[10] != 'T' || !digits_at(11, 2) || s[13] != ':' || !digits_at(14, 2) || s[16] != ':' ||
      !digits_at(17, 2))
    return false;
  const auto number = [&](std::size_t pos) { return (s[pos] - '0') * 10 + (s[pos + 1] - '0'); };
  if (number(5) < 1 || number(5) > 12 || number(8) < 1 || number(8) > 31 || number(11) > 24 ||
      number(14) > 59 || number(17) > 60)
    return false;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1) return false;
    rest.remove_prefix(n);
  }
  if (rest.empty() || rest == "Z") return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && IsDigits(rest.substr(1, 2)) &&
         rest[3] == ':' && IsDigits(rest.substr(4, 2));
}

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  const std::size_t pad = s.find('=');
  if (pad != std::string_view::npos &&
      (s.size() - pad > 2 || s.substr(pad).find_first_not_of('=') != std::string_view::npos))
    return false;
  const auto end = s.begin() + static_cast<std::ptrdiff_t>(std::min(pad, s.size()));
  return std::all_of(s.begin(), end, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  });
}

bool IsHexBinary(std::string_view s) {
  return s.size() % 2 == 0 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

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

bool IsValidXsdValue(std::string_view type, std::string_view value) {
  if (type == "int") return IsInteger<std::int32_t>(value);
  if (type == "unsignedInt") return IsInteger<std::uint32_t>(value);
  if (type == "long") return IsInteger<std::int64_t>(value);
  if (type == "unsignedLong") return IsInteger<std::uint64_t>(value);
  if (type == "boolean") return value == "0" || value == "1" || value == "true" || value == "false";
  if (type == "dateTime") return IsDateTime(value);
  if (type == "base64" || type == "base64Binary") return IsBase64(value);
  if (type == "hexBinary") return IsHexBinary(value);
  return true;  // string, or a type with no lexical form to check
}

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
