// The Japanese business-day calendar of OPS-1: a planned maintenance window is announced at
// least 3 business days ahead, and reminded one business day before. Business days exclude
// Saturdays, Sundays, Japanese national holidays (computed by rule for any year, with the
// legislated one-off exceptions) and the provider's closing days (`--closed-days`).
//
//   auto calendar = ops::BusinessCalendar::Parse("12-29..01-03");
//   Timestamp earliest = calendar->EarliestStart(now, 3);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace kanri::ops {

// The closing days the server uses when `--closed-days` is not given: the year-end holidays of
// Japanese businesses (29 December to 3 January).
inline constexpr std::string_view kDefaultClosedDays = "12-29..01-03";

// The name (Japanese, as the Cabinet Office lists it) of the national holiday on `date`, or
// nothing. Covers 1948-07-20 (the Act on National Holidays) onwards.
//
// Computed by rule, not from a list: each holiday with the years its date applied, the equinox
// days by the usual approximation formula (the Cabinet fixes them each February for the next
// year from the National Astronomical Observatory's ephemeris; the formula's coefficients are
// given up to 2150, and later years keep the last ones), "振替休日" (a substitute for a holiday on a Sunday,
// from 1973-04-12; from 2007 the next day that is no holiday), "国民の休日" (a weekday between two holidays,
// from 1985-12-27), and the one-off holidays and moves set by their own laws (the imperial ceremonies of
// 1959, 1989, 1990, 1993 and 2019; the Tokyo Olympics of 2020 and 2021).
std::optional<std::string> JapaneseHoliday(Date date);

// The English name of a holiday JapaneseHoliday named (as the Cabinet Office's English list
// names it); the Japanese name itself when it has none.
std::string EnglishHolidayName(std::string_view japanese);

class BusinessCalendar {
 public:
  // A month-day range per closing period, comma-separated: "12-29..01-03,08-13..08-15"
  // (a range may wrap across the year end; spaces around a range are ignored); "" for none.
  // Malformed text (a range without "..", a month-day that is not MM-DD of a real date such as
  // 02-30, an empty range) or ranges that close every day of the year answer kInvalidArgument
  // (field "closed_days") with a message quoting the bad part.
  static Result<BusinessCalendar> Parse(std::string_view closed_days);

  // Not a Saturday, a Sunday, a national holiday (JapaneseHoliday) or a closing day.
  bool IsBusinessDay(Date date) const;
  // The n-th business day after `date` (n >= 1), not counting `date` itself.
  Date AddBusinessDays(Date date, int n) const;
  // The last business day strictly before `date`.
  Date PreviousBusinessDay(Date date) const;
  // The earliest start of a window announced at `announced_at` with `notice` full business days
  // between: the end (24:00 JST) of the `notice`-th business day after the announcement's day.
  Timestamp EarliestStart(Timestamp announced_at, int notice) const;

  // One closing period, both ends included; from after to means it wraps across the year end.
  struct Closed {
    unsigned from_month, from_day, to_month, to_day;
  };
  const std::vector<Closed>& closed() const { return closed_; }

 private:
  std::vector<Closed> closed_;
};

}  // namespace kanri::ops
