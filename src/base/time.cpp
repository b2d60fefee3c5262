#include "base/time.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

namespace kanri {
namespace {

constexpr std::chrono::hours kJstOffset{9};

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

std::string FormatCivil(Timestamp t, const char* pattern_tail) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss hms{std::chrono::floor<Millis>(t - days)};
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), pattern_tail,
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

#ifdef KANRI_TEST_HOOKS
Timestamp OffsetFileClock::Now() const {
  std::int64_t offset = 0;
  std::ifstream in(path_);
  if (in) in >> offset;
  return SystemClock{}.Now() + Millis{offset};
}
#endif

std::string FormatJst(Timestamp t) {
  return FormatCivil(t + kJstOffset, " ") + " JST";
}

std::string FormatUtc(Timestamp t) {
  auto ms = ToUnixMillis(t) % 1000;
  if (ms < 0) ms += 1000;
  return FormatCivil(t, "T") + fmt::format(".{:03}Z", ms);
}

std::optional<Timestamp> ParseUtc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z
  if (text.size() != 20 && text.size() != 24) return std::nullopt;
  auto date = Date::Parse(text.substr(0, 10));
  if (!date || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z')
    return std::nullopt;
  int hh = 0, mm = 0, ss = 0, ms = 0;
  if (!ParseInt(text.substr(11, 2), hh) || !ParseInt(text.substr(14, 2), mm) ||
      !ParseInt(text.substr(17, 2), ss))
    return std::nullopt;
  if (text.size() == 24 && (text[19] != '.' || !ParseInt(text.substr(20, 3), ms))) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  std::chrono::sys_days days{std::chrono::year{date->year} / date->month / date->day};
  return Timestamp{days} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} +
         Millis{ms};
}

std::string Date::ToString() const {
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1900) return std::nullopt;
  return Date{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

Date Date::FromTimestampJst(Timestamp t) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t + kJstOffset)};
  return Date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
              static_cast<unsigned>(ymd.day())};
}

Timestamp Date::StartJst() const {
  const std::chrono::sys_days start{std::chrono::year{year} / std::chrono::month{month} /
                                    std::chrono::day{day}};
  return std::chrono::time_point_cast<Timestamp::duration>(start) - kJstOffset;
}

}  // namespace kanri
