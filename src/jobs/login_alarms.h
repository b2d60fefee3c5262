// SEC-2: alarms on bursts of failed logins. The `alarm-scan` job counts the failed logins of
// the last `window` in the operation history (every failure is recorded there, SEC-6) per
// account, per source address and service-wide; a count at or above its threshold raises an
// alarm, once per cause and subject per window, stored for the provider's console and mailed
// to every active site administrator (through the outbox, in the same transaction).
#pragma once

#include <string>
#include <vector>

#include "base/page.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"
#include "mail/outbox.h"

namespace kanri::jobs {

struct LoginAlarmSettings {
  Millis window = std::chrono::minutes{10};
  std::int64_t per_account = 20;
  std::int64_t per_address = 50;
  std::int64_t service_wide = 200;
};

struct LoginAlarm {
  std::string id;
  std::string cause;    // "account" | "address" | "service"
  std::string subject;  // account id, address, or ""
  std::string label;    // "taro (ACME)", "203.0.113.7", ""
  Timestamp window_start;
  Timestamp first_failure_at;
  std::int64_t failures = 0;
  std::int64_t threshold = 0;
  Timestamp raised_at;
};

class LoginAlarms {
 public:
  LoginAlarms(db::Database& db, mail::Outbox& outbox, LoginAlarmSettings settings)
      : db_(db), outbox_(outbox), settings_(settings) {}

  // Raises what is due at `now`; returns the alarms raised.
  std::vector<LoginAlarm> Scan(Timestamp now);
  // Newest first.
  Page<LoginAlarm> List(const ProviderScope& scope, const PageRequest& page);

 private:
  db::Database& db_;
  mail::Outbox& outbox_;
  LoginAlarmSettings settings_;
};

}  // namespace kanri::jobs
