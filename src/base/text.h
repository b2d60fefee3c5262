// Small text helpers shared by validation code.
#pragma once

#include <string>
#include <string_view>

namespace kanri {

std::string AsciiLower(std::string_view s);
// Number of Unicode code points, or -1 when `s` is not valid UTF-8.
long Utf8Length(std::string_view s);
// True when every byte is in [A-Za-z0-9] or in `extra`.
bool IsAsciiWord(std::string_view s, std::string_view extra);

}  // namespace kanri
