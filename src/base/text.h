// Small text helpers shared by validation code.
#pragma once

#include <string>
#include <string_view>

namespace kanri {

std::string AsciiLower(std::string_view s);
// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view Trim(std::string_view s);
// Number of Unicode code points, or -1 when `s` is not valid UTF-8.
long Utf8Length(std::string_view s);
// True when every byte is in [A-Za-z0-9] or in `extra`.
bool IsAsciiWord(std::string_view s, std::string_view extra);
// At most `max` bytes of `s`, cut at a UTF-8 character boundary: for text a client sent that
// ends up in a log line, an error message or a record.
std::string ClipUtf8(std::string_view s, std::size_t max);

}  // namespace kanri
