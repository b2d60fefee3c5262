// What Kanri's mail says, in Japanese and English: one function per kind of mail, each
// rendering plain text from typed facts. Times are JST; no mail carries a secret or a link
// with a token in it (a reader who gets the mail learns nothing that lets them act).
//
//   Message m = InactivityReminder("ja", {.login = "taro", .company_code = "ACME", …});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace kanri::mail {

struct Message {
  std::string subject;
  std::string body;  // plain text, UTF-8, lines separated by "\n"
};

// "en" for English, anything else Japanese (the default).
bool IsEnglish(std::string_view language);

// `kanri mail test`.
Message TestMail(std::string_view language, Timestamp now, std::string_view service_name);

// SEC-7.
struct InactivityFacts {
  std::string login;
  std::string name;
  std::string company_code;
  Timestamp last_activity;             // last login (or creation)
  std::optional<Timestamp> next_step;  // the lock after a reminder, the deletion after a lock
};
// To the account: log in before the lock date.
Message InactivityReminder(std::string_view language, const InactivityFacts& f);
// To its company's administrators: the same, about one of their accounts.
Message InactivityReminderForAdministrator(std::string_view language, const InactivityFacts& f);
// To the account and its administrators: locked for inactivity, who can lift it, and when a
// general account is deleted.
Message InactivityLocked(std::string_view language, const InactivityFacts& f);

// SEC-2.
struct LoginAlarmFacts {
  std::string cause;    // "account" | "address" | "service"
  std::string subject;  // the login ID and company code, the address, or "" for the service
  std::int64_t failures = 0;
  std::int64_t threshold = 0;
  Millis window{};
  Timestamp first_failure;
  Timestamp raised_at;
};
Message LoginAlarm(std::string_view language, const LoginAlarmFacts& f);

// SEC-9: to a company's administrators, when Kanri disabled a webhook that failed for 24 hours.
struct WebhookDisabledFacts {
  std::string name;
  std::string url;
  Timestamp failing_since;
  Timestamp disabled_at;
};
Message WebhookDisabled(std::string_view language, const WebhookDisabledFacts& f);

// OPS-1: to the administrators of the companies a maintenance window affects. The title and
// body are the site administrator's text in the reader's language.
enum class MaintenanceNotice { kAnnounced, kReminder, kChanged, kCancelled };
struct MaintenanceFacts {
  std::string title;
  std::string body;
  Timestamp starts_at;
  Timestamp ends_at;
  bool emergency = false;
};
Message Maintenance(std::string_view language, MaintenanceNotice notice, const MaintenanceFacts& f);

// OPS-2: to the administrators of the companies an incident affects, when it is published,
// updated and resolved. `update` is the newest update's text (empty when published).
enum class IncidentNotice { kPublished, kUpdated, kResolved };
struct IncidentFacts {
  std::string title;
  std::string body;
  std::string severity;  // "minor" | "major" | "critical"
  Timestamp detected_at;
  std::string update;
  std::optional<Timestamp> resolved_at;
};
Message Incident(std::string_view language, IncidentNotice notice, const IncidentFacts& f);

// OPS-2: to the site administrators, when a health check has failed for the alarm delay, and
// when every check passes again.
struct HealthAlarmFacts {
  std::string node;
  std::string failing;  // "database: …\ncwmp: …", one check per line
  Timestamp since;
  Timestamp at;
  bool recovered = false;
};
Message HealthAlarm(std::string_view language, const HealthAlarmFacts& f);

}  // namespace kanri::mail
