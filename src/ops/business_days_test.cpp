#include "ops/business_days.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace kanri::ops {
namespace {

// The holidays of the npm package @holiday-jp/holiday_jp (web/package.json), which takes them
// from the Cabinet Office's list (syukujitsu.csv) and extends to 2050.
// lib/holidays.js is one object literal, an entry per holiday:
//
//     "1970-01-01": {
//         date: "1970-01-01",
//         ...
//         name: "元日",
constexpr std::string_view kPackageHolidays = "web/node_modules/@holiday-jp/holiday_jp/lib/holidays.js";

Date D(std::string_view text) {
  auto date = Date::Parse(text);
  EXPECT_TRUE(date) << text;
  return date.value_or(Date{});
}

std::string Name(Date date) {
  return JapaneseHoliday(date).value_or("");
}

// The quoted text after `key` at the start of `line` (leading spaces skipped), or nothing.
std::optional<std::string> QuotedValue(std::string_view line, std::string_view key) {
  const auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos || line.substr(start, key.size()) != key) return std::nullopt;
  const auto open = start + key.size();
  const auto close = line.find('"', open);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(line.substr(open, close - open));
}

// Reads the package's holidays; fails the test (with how to install it) when it is missing.
std::map<Date, std::string> LoadPackageHolidays() {
  const char* source_dir = std::getenv("KANRI_SOURCE_DIR");
  if (source_dir == nullptr) {
    ADD_FAILURE() << "KANRI_SOURCE_DIR is not set (ctest sets it; by hand: KANRI_SOURCE_DIR=/path/to/kanri "
                     "kanri_ops_test)";
    return {};
  }
  const std::filesystem::path path = std::filesystem::path(source_dir) / kPackageHolidays;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << path << " not found: the npm package @holiday-jp/holiday_jp (a devDependency of web/) "
                  << "is not installed; run `npm --prefix web ci` (scripts/install-deps.sh --test does)";
    return {};
  }
  std::map<Date, std::string> holidays;
  std::optional<Date> date;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (auto text = QuotedValue(line, "date: \"")) {
      date = Date::Parse(*text);
      EXPECT_TRUE(date) << path << ":" << line_number << ": not a date: " << line;
    } else if (auto name = QuotedValue(line, "name: \"")) {
      EXPECT_TRUE(date) << path << ":" << line_number << ": a name without a date before it: " << line;
      if (date) holidays.emplace(*date, *name);
      date.reset();
    }
  }
  EXPECT_GT(holidays.size(), 1000u) << path << ": its format is not the one this test reads";
  return holidays;
}

// Whether the package's `listed` name is `ours` in this calendar's form. The package writes a
// substitute holiday as "<holiday> 振替休日" and a citizens' holiday as "休日" (the Cabinet
// Office's CSV says "休日" for both), the one-off holidays of 2019 as "休日（祝日扱い）", and
// 2019's 体育の日 as "体育の日（スポーツの日）" (renamed from 2020).
bool SameHoliday(std::string_view listed, std::string_view ours) {
  constexpr std::string_view kSubstituteSuffix = " 振替休日";
  if (listed.ends_with(kSubstituteSuffix)) return ours == "振替休日";
  if (listed == "休日") return ours == "国民の休日";
  if (listed == "休日（祝日扱い）") return ours == "天皇の即位の日" || ours == "即位礼正殿の儀の行われる日";
  if (listed == "体育の日（スポーツの日）") return ours == "体育の日";
  return listed == ours;
}

struct Comparison {
  int dates = 0;
  int holidays = 0;
  std::vector<std::string> mismatches;
};

// Every date of [from, to] both ways: each listed holiday is ours under the same name, and each
// of ours is listed.
Comparison CompareWithPackage(const std::map<Date, std::string>& listed, Date from, Date to) {
  Comparison result;
  const std::chrono::sys_days last = std::chrono::year{to.year} / to.month / to.day;
  for (std::chrono::sys_days day = std::chrono::year{from.year} / from.month / from.day; day <= last;
       day += std::chrono::days{1}) {
    const std::chrono::year_month_day ymd{day};
    const Date date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                    static_cast<unsigned>(ymd.day())};
    ++result.dates;
    const auto ours = JapaneseHoliday(date);
    const auto it = listed.find(date);
    if (it != listed.end()) ++result.holidays;
    if (it == listed.end() && !ours) continue;
    if (it != listed.end() && ours && SameHoliday(it->second, *ours)) continue;
    result.mismatches.push_back(date.ToString() + ": ours " + ours.value_or("(none)") + ", listed " +
                                (it == listed.end() ? "(none)" : it->second));
  }
  return result;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "\n  " + line;
  return out;
}

TEST(BusinessDaysTest, OPS_1_HolidaysMatchCabinetOfficeList2000To2030) {
  const auto listed = LoadPackageHolidays();
  ASSERT_FALSE(listed.empty());
  const auto result = CompareWithPackage(listed, D("2000-01-01"), D("2030-12-31"));
  EXPECT_EQ(result.dates, 11323);       // 31 years, 8 of them leap years
  EXPECT_GT(result.holidays, 31 * 15);  // at least 15 a year: the file was read
  EXPECT_TRUE(result.mismatches.empty())
      << result.mismatches.size() << " dates differ:" << Lines(result.mismatches);
  std::cout << "OPS-1: " << result.dates << " dates of 2000-2030 compared, " << result.holidays
            << " holidays listed, " << result.mismatches.size() << " differ\n";
}

// The package also covers 1970-1999 and, as its projection of today's law, 2031-2050.
TEST(BusinessDaysTest, OPS_1_HolidaysMatchPackageOutside2000To2030) {
  const auto listed = LoadPackageHolidays();
  ASSERT_FALSE(listed.empty());
  for (const auto& [from, to] :
       {std::pair{D("1970-01-01"), D("1999-12-31")}, std::pair{D("2031-01-01"), D("2050-12-31")}}) {
    const auto result = CompareWithPackage(listed, from, to);
    EXPECT_GT(result.holidays, 15 * 20);
    EXPECT_TRUE(result.mismatches.empty())
        << from.ToString() << ".." << to.ToString() << ": " << result.mismatches.size()
        << " dates differ:" << Lines(result.mismatches);
  }
}

// Dates at the changes of the law, written out by hand; "" for a day that is no holiday.
TEST(BusinessDaysTest, OPS_1_HolidayRulesAtTheirChanges) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"1948-05-03", ""},  // before the Act (1948-07-20)
      {"1948-09-23", "秋分の日"},
      {"1948-11-23", "勤労感謝の日"},
      {"1949-01-15", "成人の日"},
      {"1959-04-10", "結婚の儀"},
      {"1966-02-11", ""},
      {"1966-09-15", "敬老の日"},
      {"1966-10-10", "体育の日"},
      {"1967-02-11", "建国記念の日"},
      {"1973-02-12", ""},  // 2/11 was a Sunday, before substitute holidays (1973-04-12)
      {"1973-04-30", "振替休日"},
      {"1986-05-04", ""},          // a Sunday between two holidays
      {"1987-05-04", "振替休日"},  // 5/3 was a Sunday: a substitute, not a citizens' holiday
      {"1988-04-29", "天皇誕生日"},
      {"1988-05-04", "国民の休日"},
      {"1989-02-24", "大喪の礼"},
      {"1989-04-29", "みどりの日"},
      {"1989-12-23", "天皇誕生日"},
      {"1990-11-12", "即位礼正殿の儀"},
      {"1993-06-09", "結婚の儀"},
      {"1995-07-20", ""},
      {"1996-07-20", "海の日"},
      {"1999-01-15", "成人の日"},
      {"2000-01-10", "成人の日"},  // the second Monday
      {"2000-01-15", ""},
      {"2006-04-29", "みどりの日"},
      {"2007-04-29", "昭和の日"},
      {"2007-04-30", "振替休日"},
      {"2008-05-06", "振替休日"},  // 5/4 (Sunday) moves past 5/5 to the next day that is no holiday
      {"2015-08-11", ""},
      {"2016-08-11", "山の日"},
      {"2018-12-23", "天皇誕生日"},
      {"2018-12-24", "振替休日"},
      {"2019-02-23", ""},
      {"2019-04-29", "昭和の日"},
      {"2019-04-30", "国民の休日"},
      {"2019-05-01", "天皇の即位の日"},
      {"2019-05-02", "国民の休日"},
      {"2019-05-06", "振替休日"},
      {"2019-10-14", "体育の日"},
      {"2019-10-21", ""},  // 10/20 is a Sunday, no holiday
      {"2019-10-22", "即位礼正殿の儀の行われる日"},
      {"2019-12-23", ""},
      {"2020-02-23", "天皇誕生日"},
      {"2020-02-24", "振替休日"},
      {"2020-07-20", ""},
      {"2020-07-23", "海の日"},
      {"2020-07-24", "スポーツの日"},
      {"2020-08-10", "山の日"},
      {"2020-08-11", ""},
      {"2020-10-12", ""},
      {"2021-07-19", ""},
      {"2021-07-22", "海の日"},
      {"2021-07-23", "スポーツの日"},
      {"2021-08-08", "山の日"},
      {"2021-08-09", "振替休日"},
      {"2021-10-11", ""},
      {"2022-10-10", "スポーツの日"},
      {"2050-03-20", "春分の日"},  // the equinoxes as the formula gives them
      {"2050-03-21", "振替休日"},  // 3/20 is a Sunday
      {"2050-09-23", "秋分の日"},
  };
  for (const auto& [date, name] : cases) EXPECT_EQ(Name(D(date)), name) << date;
}

BusinessCalendar Calendar(std::string_view closed_days) {
  auto calendar = BusinessCalendar::Parse(closed_days);
  EXPECT_TRUE(calendar) << closed_days << ": " << calendar.error().message;
  return calendar ? *calendar : BusinessCalendar{};
}

Timestamp Utc(std::string_view text) {
  auto t = ParseUtc(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(Timestamp{});
}

// announced_at (UTC), the closing days, notice, the earliest start (UTC; 24:00 JST is 15:00 UTC).
struct EarliestStartCase {
  std::string_view why;
  std::string_view announced_at;
  std::string_view closed_days;
  int notice;
  std::string_view earliest_start;
};

TEST(BusinessDaysTest, OPS_1_EarliestStartCountsThreeBusinessDays) {
  const EarliestStartCase cases[] = {
      // Tuesday 4/28; 4/29 昭和の日, 4/30 and 5/1 business days, 5/2-5/6 off (5/6 the substitute
      // for 5/3, a Sunday), 5/7 the third: the window may start at 5/8 00:00 JST.
      {"Golden Week", "2026-04-28T01:00:00Z", "12-29..01-03", 3, "2026-05-07T15:00:00.000Z"},
      {"Golden Week, last minute of 4/30 JST", "2026-04-30T14:59:00Z", "", 3, "2026-05-08T15:00:00.000Z"},
      {"Golden Week, first minute of 5/1 JST", "2026-04-30T15:00:00Z", "", 3, "2026-05-11T15:00:00.000Z"},
      // Friday 12/25: 12/28, then closed 12/29-1/3, then 1/4 and 1/5.
      {"year end, closed", "2026-12-25T03:00:00Z", "12-29..01-03", 3, "2027-01-05T15:00:00.000Z"},
      {"year end, open", "2026-12-25T03:00:00Z", "", 3, "2026-12-30T15:00:00.000Z"},
      // Thursday 6/11: Friday 6/12, Monday 6/15, Tuesday 6/16.
      {"weekend", "2026-06-11T00:00:00Z", "12-29..01-03", 3, "2026-06-16T15:00:00.000Z"},
      // The reminder's day: one business day.
      {"one day over a weekend", "2026-06-12T00:00:00Z", "", 1, "2026-06-15T15:00:00.000Z"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatUtc(Calendar(c.closed_days).EarliestStart(Utc(c.announced_at), c.notice)),
              c.earliest_start)
        << c.why;
  }
}

TEST(BusinessDaysTest, OPS_1_BusinessDaysSkipWeekendsHolidaysAndClosingDays) {
  const auto calendar = Calendar(kDefaultClosedDays);
  EXPECT_TRUE(calendar.IsBusinessDay(D("2026-12-28")));
  EXPECT_FALSE(calendar.IsBusinessDay(D("2026-12-29")));  // closed
  EXPECT_FALSE(calendar.IsBusinessDay(D("2026-12-31")));
  EXPECT_FALSE(calendar.IsBusinessDay(D("2027-01-01")));  // 元日
  EXPECT_TRUE(calendar.IsBusinessDay(D("2027-01-04")));
  EXPECT_FALSE(calendar.IsBusinessDay(D("2026-06-13")));  // Saturday
  EXPECT_FALSE(calendar.IsBusinessDay(D("2026-06-14")));  // Sunday
  EXPECT_FALSE(calendar.IsBusinessDay(D("2026-09-22")));  // 国民の休日
  EXPECT_TRUE(Calendar("").IsBusinessDay(D("2026-12-29")));
  EXPECT_EQ(calendar.AddBusinessDays(D("2026-12-25"), 2), D("2027-01-04"));
}

TEST(BusinessDaysTest, OPS_1_PreviousBusinessDayAcrossHolidays) {
  const auto calendar = Calendar(kDefaultClosedDays);
  // 9/19-9/23 of 2026: Saturday, Sunday, 敬老の日, 国民の休日, 秋分の日.
  EXPECT_EQ(calendar.PreviousBusinessDay(D("2026-09-24")), D("2026-09-18"));
  // 成人の日 on Monday 1/12.
  EXPECT_EQ(calendar.PreviousBusinessDay(D("2026-01-13")), D("2026-01-09"));
  // Back across the closing days and the year.
  EXPECT_EQ(calendar.PreviousBusinessDay(D("2027-01-04")), D("2026-12-28"));
  EXPECT_EQ(calendar.PreviousBusinessDay(D("2026-06-16")), D("2026-06-15"));
}

TEST(BusinessDaysTest, OPS_1_ParseClosedDays) {
  EXPECT_TRUE(Calendar("").closed().empty());
  EXPECT_TRUE(Calendar("  ").closed().empty());
  const auto year_end = Calendar("12-29..01-03").closed();
  ASSERT_EQ(year_end.size(), 1u);
  EXPECT_EQ(year_end[0].from_month, 12u);
  EXPECT_EQ(year_end[0].from_day, 29u);
  EXPECT_EQ(year_end[0].to_month, 1u);
  EXPECT_EQ(year_end[0].to_day, 3u);
  const auto two = Calendar("12-29..01-03, 08-13..08-15");
  ASSERT_EQ(two.closed().size(), 2u);
  EXPECT_FALSE(two.IsBusinessDay(D("2026-08-14")));
  EXPECT_TRUE(two.IsBusinessDay(D("2026-08-12")));
  EXPECT_FALSE(Calendar("02-29..02-29").IsBusinessDay(D("2028-02-29")));
}

TEST(BusinessDaysTest, OPS_1_ParseRejectsBadClosedDays) {
  // The input, and the part the message must quote.
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"02-30..03-01", "\"02-30\""},        {"12-29..13-01", "\"13-01\""},
      {"00-10..01-01", "\"00-10\""},        {"12-29-01-03", "\"12-29-01-03\" is not a range"},
      {"12-29..01-03,1-5..1-6", "\"1-5\""}, {"12-29..01-03..01-04", "\"01-03..01-04\""},
      {"garbage", "\"garbage\""},           {"12-29..01-03,", "empty range"},
      {",12-29..01-03", "empty range"},     {"01-01..12-31", "close every day"},
      {"07-01..06-30", "close every day"},
  };
  for (const auto& [input, quoted] : cases) {
    const auto calendar = BusinessCalendar::Parse(input);
    ASSERT_FALSE(calendar) << input;
    EXPECT_EQ(calendar.error().code, ErrorCode::kInvalidArgument) << input;
    EXPECT_EQ(calendar.error().field, "closed_days") << input;
    EXPECT_NE(calendar.error().message.find(quoted), std::string::npos)
        << input << ": " << calendar.error().message;
  }
}

}  // namespace
}  // namespace kanri::ops
