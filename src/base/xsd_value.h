// The lexical forms of the xsd types CWMP parameters carry (TR-069 A.2.3 uses int, unsignedInt,
// long, unsignedLong, boolean, dateTime, base64 and hexBinary), checked in one place: by the
// server before it queues a value (devices/parameter_value.h) and by the simulated CPE before it
// accepts one (sim/data_model.h), so that both refuse exactly the same text.
//
//   XsdInteger<std::uint32_t>("+42")   // 42
//   XsdInteger<std::uint32_t>("-1")    // nullopt
//   IsValidXsdValue("dateTime", "2025-04-01T09:00:00+09:00")  // true
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <type_traits>

namespace kanri {

// An xsd integer: one optional leading sign ("+5", "-3", and "-0" for unsigned types), leading
// zeros allowed, no spaces, within T's range.
template <typename T>
std::optional<T> XsdInteger(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  if constexpr (std::is_unsigned_v<T>) {
    if (text == "-0") return T{0};
    if (text.front() == '-') return std::nullopt;
  }
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// xsd:dateTime as TR-069 uses it: YYYY-MM-DDTHH:MM:SS[.fraction][Z|(+|-)HH:MM], fields in range.
bool IsXsdDateTime(std::string_view s);
// base64Binary: the alphabet, a length that is a multiple of 4, at most two '=' at the end.
bool IsXsdBase64(std::string_view s);
// hexBinary: hexadecimal digits, two per byte.
bool IsXsdHexBinary(std::string_view s);

// Whether `value` is a valid lexical form of the xsd type named `type` (its local name:
// "unsignedInt"); true for an unknown type ("") and for types with no form to check (string).
bool IsValidXsdValue(std::string_view type, std::string_view value);

}  // namespace kanri
