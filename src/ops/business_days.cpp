#include "ops/business_days.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <utility>

#include "base/text.h"

namespace kanri::ops {
namespace {

namespace chrono = std::chrono;
using chrono::sys_days;

sys_days ToDays(Date date) {
  return chrono::year{date.year} / chrono::month{date.month} / chrono::day{date.day};
}

Date ToDate(sys_days days) {
  const chrono::year_month_day ymd{days};
  return Date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
              static_cast<unsigned>(ymd.day())};
}

bool IsSunday(sys_days day) {
  return chrono::weekday{day} == chrono::Sunday;
}

// --- National holidays (OPS-1) ------------------------------------------------------------------
//
// The Act on National Holidays (国民の祝日に関する法律, 1948) and its amendments, read as one
// rule per holiday and period. A rule's date is a fixed day, the n-th Monday of a month (the
// "Happy Monday" amendments of 1998 and 2001) or an equinox.

// The Act took effect on 1948-07-20; nothing before is a national holiday in its sense.
constexpr Date kActInForce{1948, 7, 20};
// The 1973 amendment: a holiday on a Sunday gives the Monday off (振替休日).
constexpr Date kSubstituteHolidaysFrom{1973, 4, 12};
// The 2005 amendment, in force 2007: the substitute is the next day that is no holiday.
constexpr int kSubstituteIsNextNonHolidayFrom = 2007;
// The 1985 amendment: a day between two holidays is a holiday too (国民の休日).
constexpr Date kCitizensHolidaysFrom{1985, 12, 27};
// A rule that still applies.
constexpr int kNoEnd = 9999;

constexpr std::string_view kSubstituteHoliday = "振替休日";
constexpr std::string_view kCitizensHoliday = "国民の休日";

enum class Season { kVernal, kAutumnal };

// How a rule finds its day in a year.
enum class Kind { kFixedDay, kNthMonday, kEquinox };

struct HolidayRule {
  std::string_view name;
  int first_year;
  int last_year;
  Kind kind;
  unsigned month = 0;
  unsigned day = 0;                 // kFixedDay
  unsigned monday = 0;              // kNthMonday: 2 for the second Monday
  Season season = Season::kVernal;  // kEquinox
};

constexpr HolidayRule Fixed(std::string_view name, int first_year, int last_year, unsigned month,
                            unsigned day) {
  return {name, first_year, last_year, Kind::kFixedDay, month, day};
}
constexpr HolidayRule NthMonday(std::string_view name, int first_year, int last_year, unsigned month,
                                unsigned monday) {
  return {name, first_year, last_year, Kind::kNthMonday, month, 0, monday};
}
constexpr HolidayRule Equinox(std::string_view name, int first_year, Season season) {
  return {name, first_year, kNoEnd, Kind::kEquinox, 0, 0, 0, season};
}

// In calendar order. The nine holidays of 1948 start in 1948 (kActInForce cuts off those that
// fell before 20 July).
constexpr HolidayRule kHolidayRules[] = {
    Fixed("元日", 1948, kNoEnd, 1, 1),
    Fixed("成人の日", 1948, 1999, 1, 15),
    NthMonday("成人の日", 2000, kNoEnd, 1, 2),
    Fixed("建国記念の日", 1967, kNoEnd, 2, 11),
    Fixed("天皇誕生日", 2020, kNoEnd, 2, 23),  // Emperor Naruhito; 2019 had no 天皇誕生日
    Equinox("春分の日", 1948, Season::kVernal),
    Fixed("天皇誕生日", 1948, 1988, 4, 29),  // Emperor Showa
    Fixed("みどりの日", 1989, 2006, 4, 29),
    Fixed("昭和の日", 2007, kNoEnd, 4, 29),
    Fixed("憲法記念日", 1948, kNoEnd, 5, 3),
    Fixed("みどりの日", 2007, kNoEnd, 5, 4),
    Fixed("こどもの日", 1948, kNoEnd, 5, 5),
    Fixed("海の日", 1996, 2002, 7, 20),
    NthMonday("海の日", 2003, kNoEnd, 7, 3),
    Fixed("山の日", 2016, kNoEnd, 8, 11),
    Fixed("敬老の日", 1966, 2002, 9, 15),
    NthMonday("敬老の日", 2003, kNoEnd, 9, 3),
    Equinox("秋分の日", 1948, Season::kAutumnal),
    Fixed("体育の日", 1966, 1999, 10, 10),
    NthMonday("体育の日", 2000, 2019, 10, 2),
    NthMonday("スポーツの日", 2020, kNoEnd, 10, 2),  // 体育の日 renamed
    Fixed("文化の日", 1948, kNoEnd, 11, 3),
    Fixed("勤労感謝の日", 1948, kNoEnd, 11, 23),
    Fixed("天皇誕生日", 1989, 2018, 12, 23),  // Emperor Akihito
};

struct DatedHoliday {
  std::string_view name;
  Date date;
};

// The Tokyo Olympics (the special measures acts of 2018 and 2020): in these years the rule's
// holiday of the same name is on this date instead.
constexpr DatedHoliday kOlympicMoves[] = {
    {"海の日", {2020, 7, 23}}, {"スポーツの日", {2020, 7, 24}}, {"山の日", {2020, 8, 10}},
    {"海の日", {2021, 7, 22}}, {"スポーツの日", {2021, 7, 23}}, {"山の日", {2021, 8, 8}},
};

// Holidays of one day, each by its own law, counted as national holidays (they make the days
// around them 国民の休日, as 2019-04-30 and 2019-05-02).
constexpr DatedHoliday kOneOffHolidays[] = {
    {"結婚の儀", {1959, 4, 10}},                     // the Crown Prince Akihito's wedding
    {"大喪の礼", {1989, 2, 24}},                     // the state funeral of Emperor Showa
    {"即位礼正殿の儀", {1990, 11, 12}},              // the enthronement of Emperor Akihito
    {"結婚の儀", {1993, 6, 9}},                      // the Crown Prince Naruhito's wedding
    {"天皇の即位の日", {2019, 5, 1}},                // the accession of Emperor Naruhito
    {"即位礼正殿の儀の行われる日", {2019, 10, 22}},  // his enthronement ceremony
};

// The usual approximation of the equinox day: day = floor(base + kYearDrift * (y - 1980)) -
// floor((y - 1980) / 4), in March (vernal) or September (autumnal), the leap days absorbing
// the drift of 0.242194 days a year. (Its form for 1900-1979, with int((y - 1983) / 4) rounded
// toward zero, counts the same leap days.) In millionths of a day to keep it exact in integers.
struct EquinoxCoefficients {
  int from_year;
  std::int64_t vernal_base;
  std::int64_t autumnal_base;
};
constexpr EquinoxCoefficients kEquinoxCoefficients[] = {
    {1900, 20'835'700, 23'258'800},
    {1980, 20'843'100, 23'248'800},
    {2100, 21'851'000, 24'248'800},  // published up to 2150
};
constexpr std::int64_t kYearDrift = 242'194;
constexpr std::int64_t kMicrosPerDay = 1'000'000;
constexpr int kEquinoxEpoch = 1980;
constexpr std::int64_t kYearsPerLeapDay = 4;
constexpr unsigned kVernalMonth = 3;
constexpr unsigned kAutumnalMonth = 9;

constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

sys_days EquinoxDay(int year, Season season) {
  const EquinoxCoefficients* c = &kEquinoxCoefficients[0];
  for (const auto& candidate : kEquinoxCoefficients)
    if (year >= candidate.from_year) c = &candidate;
  const std::int64_t years = year - kEquinoxEpoch;
  const std::int64_t base = season == Season::kVernal ? c->vernal_base : c->autumnal_base;
  const auto day = FloorDiv(base + kYearDrift * years, kMicrosPerDay) - FloorDiv(years, kYearsPerLeapDay);
  const unsigned month = season == Season::kVernal ? kVernalMonth : kAutumnalMonth;
  return chrono::year{year} / chrono::month{month} / chrono::day{static_cast<unsigned>(day)};
}

// The day of `rule` in `year`, if it applies that year.
std::optional<sys_days> DayOf(const HolidayRule& rule, int year) {
  if (year < rule.first_year || year > rule.last_year) return std::nullopt;
  for (const auto& moved : kOlympicMoves)
    if (moved.name == rule.name && moved.date.year == year) return ToDays(moved.date);
  switch (rule.kind) {
    case Kind::kFixedDay:
      return chrono::year{year} / chrono::month{rule.month} / chrono::day{rule.day};
    case Kind::kNthMonday:
      return chrono::year{year} / chrono::month{rule.month} / chrono::Monday[rule.monday];
    case Kind::kEquinox:
      return EquinoxDay(year, rule.season);
  }
  return std::nullopt;
}

// A national holiday proper (国民の祝日): by a rule or a one-off law, not a substitute or a
// citizens' holiday.
std::optional<std::string_view> NationalHoliday(sys_days day) {
  const Date date = ToDate(day);
  if (date < kActInForce) return std::nullopt;
  for (const auto& one_off : kOneOffHolidays)
    if (one_off.date == date) return one_off.name;
  for (const auto& rule : kHolidayRules)
    if (DayOf(rule, date.year) == day) return rule.name;
  return std::nullopt;
}

// 振替休日: before 2007 the Monday after a holiday on a Sunday; from 2007 the first day after it
// that is no holiday (so a Sunday 5/3 moves to 5/6). `day` is no national holiday itself.
bool IsSubstituteHoliday(sys_days day) {
  const Date date = ToDate(day);
  if (date < kSubstituteHolidaysFrom) return false;
  const sys_days yesterday = day - chrono::days{1};
  if (date.year < kSubstituteIsNextNonHolidayFrom) return IsSunday(yesterday) && NationalHoliday(yesterday);
  for (sys_days d = yesterday; NationalHoliday(d); d -= chrono::days{1})
    if (IsSunday(d)) return true;
  return false;
}

// 国民の休日: a day between two national holidays, unless it is a Sunday. `day` is neither a
// national holiday nor a substitute holiday itself (the 1985 amendment left those out).
bool IsCitizensHoliday(sys_days day) {
  if (ToDate(day) < kCitizensHolidaysFrom || IsSunday(day)) return false;
  return NationalHoliday(day - chrono::days{1}) && NationalHoliday(day + chrono::days{1});
}

std::optional<std::string_view> HolidayName(sys_days day) {
  if (auto name = NationalHoliday(day)) return name;
  if (IsSubstituteHoliday(day)) return kSubstituteHoliday;
  if (IsCitizensHoliday(day)) return kCitizensHoliday;
  return std::nullopt;
}

// --- Closing days -------------------------------------------------------------------------------

constexpr std::string_view kClosedDaysField = "closed_days";
constexpr std::string_view kRangeSeparator = "..";
// How much of a bad range an error message quotes.
constexpr std::size_t kMaxQuoted = 64;
// A leap year, to accept 02-29 and to walk every month-day once.
constexpr int kLeapYear = 2000;

// "MM-DD" of a real date (02-29 included), read as Date::Parse reads the end of a date.
std::optional<Date> ParseMonthDay(std::string_view text) {
  return Date::Parse(fmt::format("{:04}-{}", kLeapYear, text));
}

Result<BusinessCalendar::Closed> ParseRange(std::string_view range) {
  if (range.empty())
    return InvalidArgument(std::string(kClosedDaysField),
                           "closing days: an empty range (a comma too many?); expected MM-DD..MM-DD");
  const std::string quoted = ClipUtf8(range, kMaxQuoted);
  const auto separator = range.find(kRangeSeparator);
  if (separator == std::string_view::npos)
    return InvalidArgument(std::string(kClosedDaysField),
                           fmt::format("closing days: \"{}\" is not a range MM-DD..MM-DD", quoted));
  const std::string_view from_text = range.substr(0, separator);
  const std::string_view to_text = range.substr(separator + kRangeSeparator.size());
  const auto not_a_month_day = [&](std::string_view part) {
    return InvalidArgument(std::string(kClosedDaysField),
                           fmt::format("closing days: in \"{}\", \"{}\" is not a month and day MM-DD", quoted,
                                       ClipUtf8(part, kMaxQuoted)));
  };
  const auto from = ParseMonthDay(from_text);
  if (!from) return not_a_month_day(from_text);
  const auto to = ParseMonthDay(to_text);
  if (!to) return not_a_month_day(to_text);
  return BusinessCalendar::Closed{from->month, from->day, to->month, to->day};
}

bool Covers(const BusinessCalendar::Closed& range, unsigned month, unsigned day) {
  const std::pair from{range.from_month, range.from_day};
  const std::pair to{range.to_month, range.to_day};
  const std::pair date{month, day};
  if (from <= to) return from <= date && date <= to;
  return date >= from || date <= to;  // wraps across the year end
}

bool IsClosed(const std::vector<BusinessCalendar::Closed>& closed, unsigned month, unsigned day) {
  for (const auto& range : closed)
    if (Covers(range, month, day)) return true;
  return false;
}

}  // namespace

std::optional<std::string> JapaneseHoliday(Date date) {
  if (auto name = HolidayName(ToDays(date))) return std::string(*name);
  return std::nullopt;
}

Result<BusinessCalendar> BusinessCalendar::Parse(std::string_view closed_days) {
  BusinessCalendar calendar;
  if (Trim(closed_days).empty()) return calendar;
  for (std::size_t start = 0;;) {
    const auto comma = closed_days.find(',', start);
    auto range = ParseRange(Trim(closed_days.substr(start, comma - start)));
    if (!range) return range.error();
    calendar.closed_.push_back(*range);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // A year without a business day would leave AddBusinessDays searching forever.
  const sys_days first = chrono::year{kLeapYear} / chrono::January / 1;
  const sys_days last = chrono::year{kLeapYear} / chrono::December / 31;
  bool any_open = false;
  for (sys_days d = first; d <= last && !any_open; d += chrono::days{1}) {
    const Date date = ToDate(d);
    any_open = !IsClosed(calendar.closed_, date.month, date.day);
  }
  if (!any_open)
    return InvalidArgument(
        std::string(kClosedDaysField),
        fmt::format("closing days: \"{}\" close every day of the year", ClipUtf8(closed_days, kMaxQuoted)));
  return calendar;
}

bool BusinessCalendar::IsBusinessDay(Date date) const {
  const sys_days day = ToDays(date);
  const chrono::weekday weekday{day};
  if (weekday == chrono::Saturday || weekday == chrono::Sunday) return false;
  if (IsClosed(closed_, date.month, date.day)) return false;
  return !HolidayName(day);
}

Date BusinessCalendar::AddBusinessDays(Date date, int n) const {
  sys_days day = ToDays(date);
  for (int found = 0; found < n;) {
    day += chrono::days{1};
    if (IsBusinessDay(ToDate(day))) ++found;
  }
  return ToDate(day);
}

Date BusinessCalendar::PreviousBusinessDay(Date date) const {
  sys_days day = ToDays(date) - chrono::days{1};
  while (!IsBusinessDay(ToDate(day))) day -= chrono::days{1};
  return ToDate(day);
}

Timestamp BusinessCalendar::EarliestStart(Timestamp announced_at, int notice) const {
  const Date last_notice_day = AddBusinessDays(Date::FromTimestampJst(announced_at), notice);
  return ToDate(ToDays(last_notice_day) + chrono::days{1}).StartJst();
}

std::string EnglishHolidayName(std::string_view japanese) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"元日", "New Year's Day"},
      {"成人の日", "Coming of Age Day"},
      {"建国記念の日", "National Foundation Day"},
      {"天皇誕生日", "The Emperor's Birthday"},
      {"春分の日", "Vernal Equinox Day"},
      {"昭和の日", "Showa Day"},
      {"憲法記念日", "Constitution Memorial Day"},
      {"みどりの日", "Greenery Day"},
      {"こどもの日", "Children's Day"},
      {"海の日", "Marine Day"},
      {"山の日", "Mountain Day"},
      {"敬老の日", "Respect for the Aged Day"},
      {"秋分の日", "Autumnal Equinox Day"},
      {"体育の日", "Health and Sports Day"},
      {"スポーツの日", "Sports Day"},
      {"文化の日", "Culture Day"},
      {"勤労感謝の日", "Labour Thanksgiving Day"},
      {"振替休日", "Substitute Holiday"},
      {"国民の休日", "Citizens' Holiday"},
      {"大喪の礼", "The Funeral Ceremony of Emperor Showa"},
      {"即位礼正殿の儀", "The Ceremony of the Enthronement"},
      {"即位礼正殿の儀の行われる日", "The Ceremony of the Enthronement"},
      {"天皇の即位の日", "The Day of the Emperor's Enthronement"},
  };
  for (const auto& [ja, en] : kNames)
    if (ja == japanese) return std::string(en);
  if (japanese.find("結婚の儀") != std::string_view::npos) return "The Rite of Wedding of the Crown Prince";
  return std::string(japanese);
}

}  // namespace kanri::ops
