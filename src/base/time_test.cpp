#include "base/time.h"

#include <gtest/gtest.h>

namespace kanri {
namespace {

TEST(Time, DATA_1_StoredAsUtcMillisShownInJst) {
  auto t = ParseUtc("2025-03-09T15:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(ToUnixMillis(*t), 1741534200000);
  EXPECT_EQ(FormatJst(*t), "2025-03-10 00:30:00 JST");
  EXPECT_EQ(FormatUtc(*t), "2025-03-09T15:30:00.000Z");
}

TEST(Time, DATA_1_JstIgnoresHostTimeZone) {
  setenv("TZ", "America/New_York", 1);
  tzset();
  auto t = ParseUtc("2025-12-31T23:59:59.999Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatJst(*t), "2026-01-01 08:59:59 JST");
  EXPECT_EQ(FormatUtc(*t), "2025-12-31T23:59:59.999Z");
  unsetenv("TZ");
  tzset();
}

TEST(Time, ParseUtcRejectsMalformed) {
  EXPECT_FALSE(ParseUtc(""));
  EXPECT_FALSE(ParseUtc("2025-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseUtc("2025-03-09T24:00:00Z"));
  EXPECT_FALSE(ParseUtc("2025-03-09 15:30:00Z"));
  EXPECT_FALSE(ParseUtc("2025-03-09T15:30:00+09:00"));
}

TEST(Date, ParsesAndValidates) {
  auto d = Date::Parse("2024-02-29");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ToString(), "2024-02-29");
  EXPECT_FALSE(Date::Parse("2023-02-29"));
  EXPECT_FALSE(Date::Parse("2023-13-01"));
  EXPECT_FALSE(Date::Parse("2023-1-01"));
  EXPECT_FALSE(Date::Parse("+023-01-01"));
  EXPECT_FALSE(Date::Parse("abcd-01-01"));
  EXPECT_LT(*Date::Parse("2023-12-31"), *Date::Parse("2024-01-01"));
}

TEST(Date, DATA_1_CalendarDayIsJapanese) {
  // 15:00 UTC is already the next day in Tokyo.
  EXPECT_EQ(Date::FromTimestampJst(*ParseUtc("2025-03-09T14:59:59Z")).ToString(), "2025-03-09");
  EXPECT_EQ(Date::FromTimestampJst(*ParseUtc("2025-03-09T15:00:00Z")).ToString(), "2025-03-10");
  // A day starts at 00:00 JST, 15:00 UTC the day before.
  EXPECT_EQ(FormatUtc(Date::Parse("2025-03-10")->StartJst()), "2025-03-09T15:00:00.000Z");
  EXPECT_EQ(Date::FromTimestampJst(Date::Parse("2024-02-29")->StartJst()).ToString(), "2024-02-29");
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock{*ParseUtc("2025-01-01T00:00:00Z")};
  auto before = clock.Now();
  clock.Advance(std::chrono::minutes{30});
  EXPECT_EQ(clock.Now() - before, std::chrono::minutes{30});
}

}  // namespace
}  // namespace kanri
