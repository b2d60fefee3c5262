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

// The name (Japanese, as the Cabinet Office lists it) of the national holiday on `date`, or
// nothing. Covers 1948-07-20 (the Act on National Holidays) onwards.
std::optional<std::string> JapaneseHoliday(Date date);

class BusinessCalendar {
 public:
  // A month-day range per closing period, comma-separated: "12-29..01-03,08-13..08-15"
  // (a range may wrap across the year end); "" for none.
  static Result<BusinessCalendar> Parse(std::string_view closed_days);

  bool IsBusinessDay(Date date) const;
  // The n-th business day after `date` (n >= 1), not counting `date` itself.
  Date AddBusinessDays(Date date, int n) const;
  // The last business day strictly before `date`.
  Date PreviousBusinessDay(Date date) const;
  // The earliest start of a window announced at `announced_at` with `notice` full business days
  // between: the end (24:00 JST) of the `notice`-th business day after the announcement's day.
  Timestamp EarliestStart(Timestamp announced_at, int notice) const;

  struct Closed {
    unsigned from_month, from_day, to_month, to_day;
  };
  const std::vector<Closed>& closed() const { return closed_; }

 private:
  std::vector<Closed> closed_;
};

}  // namespace kanri::ops
