// OPS-1 and OPS-2: what the provider tells its customers. Maintenance windows (announced at
// least 3 business days ahead unless an emergency, reminded one business day before, their
// changes and cancellation mailed) and incidents (a draft until a site administrator
// publishes it; updates; resolved). Both reach the administrators of the companies in their
// audience through the mail outbox, in the transaction that changes them.
//
//   ops::Maintenance maintenance(db, clock, outbox, *BusinessCalendar::Parse("12-29..01-03"));
//   auto w = maintenance.Announce(scope, {.starts_at = …, .ends_at = …, .texts = …}, "admin");
//   maintenance.SendReminders(clock.Now());   // the maintenance-reminders job
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/page.h"
#include "base/result.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"
#include "mail/outbox.h"
#include "ops/business_days.h"

namespace kanri::ops {

// Who a notice is for: every company, or the listed ones.
struct Audience {
  bool all = true;
  std::vector<CompanyId> companies;  // sorted, unique; empty when `all`
  bool Includes(const CompanyId& company) const;
};

// The site administrator's text, in both languages the console speaks.
struct Texts {
  std::string title_ja;
  std::string title_en;
  std::string body_ja;
  std::string body_en;
  const std::string& Title(std::string_view language) const;
  const std::string& Body(std::string_view language) const;
};
// Titles 1–200 characters, bodies 0–4000, no control characters but line breaks in bodies.
Status ValidateTexts(const Texts& t);

// ---- OPS-1: maintenance ----

enum class MaintenanceState { kScheduled, kInProgress, kEnded, kCancelled };
std::string_view ToString(MaintenanceState s);
std::optional<MaintenanceState> ParseMaintenanceState(std::string_view s);

struct MaintenanceWindow {
  std::string id;
  Timestamp starts_at;
  Timestamp ends_at;
  Audience audience;
  bool emergency = false;
  Texts texts;
  Timestamp announced_at;
  std::optional<Timestamp> remind_at;
  std::optional<Timestamp> reminded_at;
  std::optional<Timestamp> cancelled_at;
  std::string created_by_login;
  Timestamp updated_at;
  MaintenanceState State(Timestamp now) const;
};

struct NewMaintenance {
  Timestamp starts_at;
  Timestamp ends_at;
  Audience audience;
  bool emergency = false;
  Texts texts;
};

struct MaintenancePatch {
  std::optional<Timestamp> starts_at;
  std::optional<Timestamp> ends_at;
  std::optional<Audience> audience;
  std::optional<Texts> texts;
};

struct MaintenanceSettings {
  int notice_business_days = 3;  // OPS-1
  int reminder_hour_jst = 9;     // the reminder goes at this hour of the business day before
  Millis longest = std::chrono::days{7};
};

class Maintenance {
 public:
  Maintenance(db::Database& db, const Clock& clock, mail::Outbox& outbox, BusinessCalendar calendar,
              MaintenanceSettings settings = {})
      : db_(db), clock_(clock), outbox_(outbox), calendar_(std::move(calendar)), settings_(settings) {}

  // Announces a window and mails every administrator in its audience. A planned window that
  // starts before EarliestStart(now) is refused with `notice_too_short`; an unknown company
  // with `unknown_company`.
  Result<MaintenanceWindow> Announce(const ProviderScope& scope, const NewMaintenance& input,
                                     const std::string& login);
  // Changes a window that has not ended and mails its audience (old and new) again. Moving a
  // planned window's start earlier, or adding companies to it, needs the notice again.
  Result<MaintenanceWindow> Change(const ProviderScope& scope, const std::string& id,
                                   const MaintenancePatch& patch);
  // Cancels a window that has not ended, and mails its audience.
  Result<MaintenanceWindow> Cancel(const ProviderScope& scope, const std::string& id);
  Result<MaintenanceWindow> Get(const ProviderScope& scope, const std::string& id);
  // Newest start first; optionally one state.
  Page<MaintenanceWindow> List(const ProviderScope& scope, std::optional<MaintenanceState> state,
                               const PageRequest& page);
  // Windows not cancelled that end after `from`, soonest first: for everyone (`company`
  // empty: those for all companies only) or as `company` sees them (its own and all).
  std::vector<MaintenanceWindow> Upcoming(const std::optional<CompanyId>& company, Timestamp from);
  // Planned windows for all companies that overlap [from, to): the minutes OPS-3 excludes.
  std::vector<std::pair<Timestamp, Timestamp>> PlannedForAll(Timestamp from, Timestamp to);
  // The maintenance-reminders job: queues the reminder of each window whose time has come.
  std::size_t SendReminders(Timestamp now);

  Timestamp EarliestStart(Timestamp now) const {
    return calendar_.EarliestStart(now, settings_.notice_business_days);
  }
  const BusinessCalendar& calendar() const { return calendar_; }
  const MaintenanceSettings& settings() const { return settings_; }

 private:
  std::optional<Timestamp> RemindAt(Timestamp starts_at, Timestamp now, bool emergency) const;
  db::Database& db_;
  const Clock& clock_;
  mail::Outbox& outbox_;
  BusinessCalendar calendar_;
  MaintenanceSettings settings_;
};

// ---- OPS-2: incidents ----

enum class IncidentState { kDraft, kPublished, kResolved };
std::string_view ToString(IncidentState s);
std::optional<IncidentState> ParseIncidentState(std::string_view s);
bool ValidSeverity(std::string_view severity);  // "minor" | "major" | "critical"

struct IncidentUpdate {
  std::string id;
  Timestamp at;
  std::string body_ja;
  std::string body_en;
};

struct Incident {
  std::string id;
  IncidentState state = IncidentState::kDraft;
  Audience audience;
  std::string severity = "major";
  Texts texts;
  std::string check_name;  // the health check that opened it; "" when opened by hand
  Timestamp detected_at;
  std::optional<Timestamp> published_at;
  std::optional<Timestamp> resolved_at;
  std::string created_by_login;
  Timestamp created_at;
  Timestamp updated_at;
  std::vector<IncidentUpdate> updates;  // oldest first
};

struct NewIncident {
  Audience audience;
  std::string severity = "major";
  Texts texts;
  std::optional<Timestamp> detected_at;  // now when absent
  bool publish = false;
};

struct IncidentPatch {
  std::optional<Audience> audience;
  std::optional<std::string> severity;
  std::optional<Texts> texts;
};

class Incidents {
 public:
  Incidents(db::Database& db, const Clock& clock, mail::Outbox& outbox)
      : db_(db), clock_(clock), outbox_(outbox) {}

  Result<Incident> Open(const ProviderScope& scope, const NewIncident& input, const std::string& login);
  // A draft's audience, severity and texts; a published incident's texts (its updates say
  // what changed, so its audience stays).
  Result<Incident> Change(const ProviderScope& scope, const std::string& id, const IncidentPatch& patch);
  // Publishes a draft and mails its audience.
  Result<Incident> Publish(const ProviderScope& scope, const std::string& id);
  // Adds an update (mailed when published); `resolve` ends the incident.
  Result<Incident> AddUpdate(const ProviderScope& scope, const std::string& id, const std::string& body_ja,
                             const std::string& body_en, bool resolve);
  // Deletes a draft that was never published (a false alarm).
  Status Discard(const ProviderScope& scope, const std::string& id);
  Result<Incident> Get(const ProviderScope& scope, const std::string& id);
  // Newest detection first; optionally one state.
  Page<Incident> List(const ProviderScope& scope, std::optional<IncidentState> state,
                      const PageRequest& page);
  // Published incidents detected after `since` or not yet resolved, newest first: for everyone
  // (`company` empty: those for all companies only) or as `company` sees them.
  std::vector<Incident> Visible(const std::optional<CompanyId>& company, Timestamp since);

  // The health monitor: a draft for a failing check, unless one of that check is still a
  // draft or unresolved. Inside the caller's transaction; returns the new draft's id.
  static std::optional<std::string> OpenDraftForCheck(db::Lease& lease, const std::string& check,
                                                      Timestamp detected_at, Timestamp now);

 private:
  db::Database& db_;
  const Clock& clock_;
  mail::Outbox& outbox_;
};

// The administrators of the companies in `audience` (companies in service only), each with
// the language of their mail.
std::vector<mail::Recipient> AudienceRecipients(db::Lease& lease, const Audience& audience);

}  // namespace kanri::ops
