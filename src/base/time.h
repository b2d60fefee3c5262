// Time in Kanri (DATA-1): stored as UTC milliseconds since the Unix epoch, shown in JST.
//
// Every rule with a duration reads an injected Clock, so tests move time instead of sleeping:
//
//   ManualClock clock{ParseUtc("2025-03-10T00:00:00Z")};
//   clock.Advance(std::chrono::minutes{30});
//   FormatJst(clock.Now());  // "2025-03-10 09:30:00 JST"
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kanri {

using Millis = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<Millis>;

inline std::int64_t ToUnixMillis(Timestamp t) {
  return t.time_since_epoch().count();
}
inline Timestamp FromUnixMillis(std::int64_t ms) {
  return Timestamp{Millis{ms}};
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The host clock (kept synchronised by the host, DATA-1).
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that only moves when told to; for unit tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_ms_(ToUnixMillis(start)) {}
  Timestamp Now() const override { return FromUnixMillis(now_ms_.load()); }
  void Set(Timestamp t) { now_ms_.store(ToUnixMillis(t)); }
  void Advance(Millis d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

#ifdef KANRI_TEST_HOOKS
// Test builds only: the system clock shifted by an offset (milliseconds) read from a file, so
// an integration test can move the running binary's time. Production builds do not contain
// this class (CMake option KANRI_TEST_HOOKS).
class OffsetFileClock final : public Clock {
 public:
  explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}
  Timestamp Now() const override;

 private:
  std::string path_;
};
#endif

// "2025-03-10 09:30:00 JST" (UTC+9, no daylight saving), whatever the host's time zone.
std::string FormatJst(Timestamp t);
// "2025-03-10T00:30:00.000Z".
std::string FormatUtc(Timestamp t);
// Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; nullopt when malformed.
std::optional<Timestamp> ParseUtc(std::string_view text);

// A calendar date as the API exchanges it ("2025-03-10"); validated, ordered.
struct Date {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  auto operator<=>(const Date&) const = default;
  std::string ToString() const;
  static std::optional<Date> Parse(std::string_view text);
  // The date this timestamp falls on in JST (contracts are Japanese calendar dates).
  static Date FromTimestampJst(Timestamp t);
  // 00:00 JST at the start of this date.
  Timestamp StartJst() const;
};

}  // namespace kanri
