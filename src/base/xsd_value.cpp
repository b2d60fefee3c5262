#include "base/xsd_value.h"

#include <algorithm>
#include <cstdint>

namespace kanri {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool IsXsdDateTime(std::string_view s) {
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

bool IsXsdBase64(std::string_view s) {
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

bool IsXsdHexBinary(std::string_view s) {
  return s.size() % 2 == 0 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool IsValidXsdValue(std::string_view type, std::string_view value) {
  if (type == "int") return XsdInteger<std::int32_t>(value).has_value();
  if (type == "unsignedInt") return XsdInteger<std::uint32_t>(value).has_value();
  if (type == "long") return XsdInteger<std::int64_t>(value).has_value();
  if (type == "unsignedLong") return XsdInteger<std::uint64_t>(value).has_value();
  if (type == "boolean") return value == "0" || value == "1" || value == "true" || value == "false";
  if (type == "dateTime") return IsXsdDateTime(value);
  if (type == "base64" || type == "base64Binary") return IsXsdBase64(value);
  if (type == "hexBinary") return IsXsdHexBinary(value);
  return true;  // string, or a type with no lexical form to check
}

}  // namespace kanri
