#include "ops/notices.h"

#include <algorithm>

#include "base/text.h"
#include "identity/accounts.h"
#include "mail/messages.h"

namespace kanri::ops {

namespace {

constexpr long kMaxTitle = 200;
constexpr long kMaxBody = 4000;

// UTF-8 text of at most `max` characters (and not blank when `required`), without control
// characters but line breaks when `multiline`.
bool ValidText(std::string_view s, long max, bool multiline, bool required) {
  const long n = Utf8Length(s);
  if (n < 0 || n > max || (required && Trim(s).empty())) return false;
  return std::none_of(s.begin(), s.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (multiline && (c == '\n' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

std::optional<long long> OptionalMillis(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return static_cast<long long>(ToUnixMillis(*t));
}

std::optional<Timestamp> OptionalTime(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return FromUnixMillis(db::RowInteger(r, i));
}

}  // namespace

bool Audience::Includes(const CompanyId& company) const {
  return all || std::binary_search(companies.begin(), companies.end(), company);
}

const std::string& Texts::Title(std::string_view language) const {
  return mail::IsEnglish(language) ? title_en : title_ja;
}
const std::string& Texts::Body(std::string_view language) const {
  return mail::IsEnglish(language) ? body_en : body_ja;
}

Status ValidateTexts(const Texts& t) {
  for (const auto& [field, value] : {std::pair{"title_ja", &t.title_ja}, {"title_en", &t.title_en}}) {
    if (!ValidText(*value, kMaxTitle, false, true))
      return InvalidArgument(field, "a title is UTF-8 text of 1 to 200 characters on one line");
  }
  for (const auto& [field, value] : {std::pair{"body_ja", &t.body_ja}, {"body_en", &t.body_en}}) {
    if (!ValidText(*value, kMaxBody, true, false))
      return InvalidArgument(field, "a body is UTF-8 text of at most 4000 characters");
  }
  return Ok{};
}

// ---- audiences ----

namespace {

// The companies of a notice, in its link table (`table`: maintenance_companies or
// incident_companies, `key`: its id column).
void WriteAudience(db::Lease& lease, const char* table, const char* key, const std::string& id,
                   const Audience& audience) {
  lease.sql() << std::string("DELETE FROM ") + table + " WHERE " + key + " = :id", soci::use(id);
  for (const auto& c : audience.companies) {
    const std::string company = c.value();
    lease.sql() << std::string("INSERT INTO ") + table + " (" + key + ", company_id) VALUES (:id, :c)",
        soci::use(id), soci::use(company);
  }
}

Audience ReadAudience(db::Lease& lease, const char* table, const char* key, const std::string& id, bool all) {
  Audience a{.all = all, .companies = {}};
  if (all) return a;
  soci::rowset<std::string> rows = (lease.sql().prepare << std::string("SELECT company_id FROM ") + table +
                                                               " WHERE " + key + " = :id ORDER BY company_id",
                                    soci::use(id));
  for (const auto& c : rows) a.companies.emplace_back(c);
  return a;
}

// Every listed company exists (and is not being deleted); sorts and de-duplicates the list.
Status CheckAudience(db::Lease& lease, Audience& audience, const char* field) {
  if (audience.all) {
    audience.companies.clear();
    return Ok{};
  }
  std::sort(audience.companies.begin(), audience.companies.end());
  audience.companies.erase(std::unique(audience.companies.begin(), audience.companies.end()),
                           audience.companies.end());
  if (audience.companies.empty()) return InvalidArgument(field, "scope is \"all\" or a list of company IDs");
  if (audience.companies.size() > 1000) return InvalidArgument(field, "at most 1000 companies");
  for (const auto& c : audience.companies) {
    int n = 0;
    const std::string id = c.value();
    lease.sql() << "SELECT COUNT(*) FROM companies WHERE id = :id", soci::use(id), soci::into(n);
    if (n == 0) {
      Error e = InvalidArgument(field, "no company has the ID " + ClipUtf8(id, 64));
      e.problem = "unknown_company";
      return e;
    }
  }
  return Ok{};
}

std::vector<CompanyId> CompaniesInService(db::Lease& lease) {
  std::vector<CompanyId> out;
  soci::rowset<std::string> rows =
      (lease.sql().prepare << "SELECT id FROM companies WHERE status = 'active' ORDER BY id");
  for (const auto& id : rows) out.emplace_back(id);
  return out;
}

// The audience of either notice, with its own table and id.
struct NoticeTable {
  const char* table;
  const char* key;
};
constexpr NoticeTable kMaintenanceCompanies{"maintenance_companies", "window_id"};
constexpr NoticeTable kIncidentCompanies{"incident_companies", "incident_id"};

// A visibility condition for `company` (or for everyone): "scope_all = 1 OR id IN (…)".
std::string VisibleTo(const std::optional<CompanyId>& company, const NoticeTable& t, const char* id_column) {
  if (!company) return "scope_all = 1";
  return std::string("(scope_all = 1 OR ") + id_column + " IN (SELECT " + t.key + " FROM " + t.table +
         " WHERE company_id = :company))";
}

}  // namespace

std::vector<mail::Recipient> AudienceRecipients(db::Lease& lease, const Audience& audience) {
  std::vector<mail::Recipient> out;
  const auto companies = audience.all ? CompaniesInService(lease) : audience.companies;
  for (const auto& company : companies)
    for (const auto& admin : identity::ActiveAdministrators(lease, company))
      if (!admin.email.empty())
        out.push_back(
            {.address = admin.email, .language = admin.language, .company = company, .account = admin.id});
  return out;
}

// ---- OPS-1: maintenance ----

std::string_view ToString(MaintenanceState s) {
  switch (s) {
    case MaintenanceState::kScheduled:
      return "scheduled";
    case MaintenanceState::kInProgress:
      return "in_progress";
    case MaintenanceState::kEnded:
      return "ended";
    case MaintenanceState::kCancelled:
      return "cancelled";
  }
  return "scheduled";
}

std::optional<MaintenanceState> ParseMaintenanceState(std::string_view s) {
  for (auto st : {MaintenanceState::kScheduled, MaintenanceState::kInProgress, MaintenanceState::kEnded,
                  MaintenanceState::kCancelled})
    if (ToString(st) == s) return st;
  return std::nullopt;
}

MaintenanceState MaintenanceWindow::State(Timestamp now) const {
  if (cancelled_at) return MaintenanceState::kCancelled;
  if (now >= ends_at) return MaintenanceState::kEnded;
  if (now >= starts_at) return MaintenanceState::kInProgress;
  return MaintenanceState::kScheduled;
}

namespace {

constexpr const char* kWindowColumns =
    "id, starts_at, ends_at, scope_all, emergency, title_ja, title_en, body_ja, body_en, announced_at, "
    "remind_at, reminded_at, cancelled_at, created_by_login, updated_at";

std::vector<MaintenanceWindow> ReadWindows(db::Lease& lease, soci::rowset<soci::row>& rows) {
  // The audience is read with the same connection: finish the rowset first.
  std::vector<MaintenanceWindow> out;
  std::vector<std::pair<MaintenanceWindow, bool>> partial;
  for (const auto& r : rows) {
    MaintenanceWindow w;
    w.id = r.get<std::string>(0);
    w.starts_at = FromUnixMillis(db::RowInteger(r, 1));
    w.ends_at = FromUnixMillis(db::RowInteger(r, 2));
    const bool all = db::RowInteger(r, 3) != 0;
    w.emergency = db::RowInteger(r, 4) != 0;
    w.texts = {r.get<std::string>(5), r.get<std::string>(6), r.get<std::string>(7), r.get<std::string>(8)};
    w.announced_at = FromUnixMillis(db::RowInteger(r, 9));
    w.remind_at = OptionalTime(r, 10);
    w.reminded_at = OptionalTime(r, 11);
    w.cancelled_at = OptionalTime(r, 12);
    w.created_by_login = r.get<std::string>(13);
    w.updated_at = FromUnixMillis(db::RowInteger(r, 14));
    partial.emplace_back(std::move(w), all);
  }
  for (auto& [w, all] : partial) {
    w.audience = ReadAudience(lease, kMaintenanceCompanies.table, kMaintenanceCompanies.key, w.id, all);
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<MaintenanceWindow> FindWindow(db::Lease& lease, const std::string& id) {
  soci::rowset<soci::row> rows = (lease.sql().prepare << std::string("SELECT ") + kWindowColumns +
                                                             " FROM maintenance_windows WHERE id = :id",
                                  soci::use(id));
  auto list = ReadWindows(lease, rows);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

void MailWindow(db::Lease& lease, mail::Outbox& outbox, const MaintenanceWindow& w, const Audience& audience,
                mail::MaintenanceNotice notice) {
  for (const auto& to : AudienceRecipients(lease, audience)) {
    const mail::MaintenanceFacts facts{.title = w.texts.Title(to.language),
                                       .body = w.texts.Body(to.language),
                                       .starts_at = w.starts_at,
                                       .ends_at = w.ends_at,
                                       .emergency = w.emergency};
    (void)outbox.Enqueue(lease, to, "maintenance.notice", mail::Maintenance(to.language, notice, facts));
  }
}

Error NoticeTooShort(Timestamp earliest) {
  return Error{ErrorCode::kLimitExceeded,
               "a planned maintenance window starts at least 3 business days after it is announced: "
               "the earliest start now is " +
                   FormatJst(earliest),
               "starts_at", "notice_too_short"};
}

Status CheckPeriod(Timestamp starts_at, Timestamp ends_at, Millis longest) {
  if (ends_at <= starts_at) return InvalidArgument("ends_at", "the window ends after it starts");
  if (ends_at - starts_at > longest) return InvalidArgument("ends_at", "a window lasts at most 7 days");
  return Ok{};
}

}  // namespace

std::optional<Timestamp> Maintenance::RemindAt(Timestamp starts_at, Timestamp now, bool emergency) const {
  if (emergency) return std::nullopt;
  const Date day = calendar_.PreviousBusinessDay(Date::FromTimestampJst(starts_at));
  const Timestamp at = day.StartJst() + std::chrono::hours{settings_.reminder_hour_jst};
  if (at <= now || at >= starts_at) return std::nullopt;
  return at;
}

Result<MaintenanceWindow> Maintenance::Announce(const ProviderScope&, const NewMaintenance& input,
                                                const std::string& login) {
  if (auto ok = ValidateTexts(input.texts); !ok) return ok.error();
  if (auto ok = CheckPeriod(input.starts_at, input.ends_at, settings_.longest); !ok) return ok.error();
  const Timestamp now = clock_.Now();
  if (input.ends_at <= now) return InvalidArgument("ends_at", "the window has already ended");
  if (!input.emergency && input.starts_at < EarliestStart(now)) return NoticeTooShort(EarliestStart(now));
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  MaintenanceWindow w{.id = GenerateOpaqueId(),
                      .starts_at = input.starts_at,
                      .ends_at = input.ends_at,
                      .audience = input.audience,
                      .emergency = input.emergency,
                      .texts = input.texts,
                      .announced_at = now,
                      .remind_at = RemindAt(input.starts_at, now, input.emergency),
                      .reminded_at = std::nullopt,
                      .cancelled_at = std::nullopt,
                      .created_by_login = login,
                      .updated_at = now};
  if (auto ok = CheckAudience(lease, w.audience, "scope"); !ok) return ok.error();
  const long long starts = ToUnixMillis(w.starts_at), ends = ToUnixMillis(w.ends_at), t = ToUnixMillis(now);
  const int all = w.audience.all ? 1 : 0, emergency = w.emergency ? 1 : 0;
  const std::optional<long long> remind = OptionalMillis(w.remind_at);
  lease.sql() << "INSERT INTO maintenance_windows (id, starts_at, ends_at, scope_all, emergency, title_ja, "
                 "title_en, body_ja, body_en, announced_at, remind_at, created_by_login, updated_at) VALUES "
                 "(:id, :s, :e, :a, :em, :tj, :te, :bj, :be, :t, :r, :l, :t2)",
      soci::use(w.id), soci::use(starts), soci::use(ends), soci::use(all), soci::use(emergency),
      soci::use(w.texts.title_ja), soci::use(w.texts.title_en), soci::use(w.texts.body_ja),
      soci::use(w.texts.body_en), soci::use(t), soci::use(remind), soci::use(w.created_by_login),
      soci::use(t);
  WriteAudience(lease, kMaintenanceCompanies.table, kMaintenanceCompanies.key, w.id, w.audience);
  MailWindow(lease, outbox_, w, w.audience, mail::MaintenanceNotice::kAnnounced);
  tx.Commit();
  return w;
}

Result<MaintenanceWindow> Maintenance::Change(const ProviderScope&, const std::string& id,
                                              const MaintenancePatch& patch) {
  if (patch.texts)
    if (auto ok = ValidateTexts(*patch.texts); !ok) return ok.error();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindWindow(lease, id);
  if (!found) return NotFound("no such maintenance window");
  const MaintenanceWindow before = *found;
  if (before.State(now) == MaintenanceState::kCancelled)
    return Conflict("the maintenance window was cancelled", "maintenance_cancelled");
  if (before.State(now) == MaintenanceState::kEnded)
    return Conflict("the maintenance window has ended", "maintenance_ended");
  MaintenanceWindow w = before;
  if (patch.starts_at) w.starts_at = *patch.starts_at;
  if (patch.ends_at) w.ends_at = *patch.ends_at;
  if (patch.texts) w.texts = *patch.texts;
  if (patch.audience) {
    w.audience = *patch.audience;
    if (auto ok = CheckAudience(lease, w.audience, "scope"); !ok) return ok.error();
  }
  if (auto ok = CheckPeriod(w.starts_at, w.ends_at, settings_.longest); !ok) return ok.error();
  if (w.ends_at <= now) return InvalidArgument("ends_at", "the window would have ended already");
  if (before.State(now) == MaintenanceState::kInProgress && w.starts_at != before.starts_at)
    return Conflict("the window has started: only its end and texts can change", "maintenance_in_progress");
  // Whoever learns of the window (or of its earlier start) now is owed the full notice.
  const bool earlier = w.starts_at < before.starts_at;
  const bool wider = (w.audience.all && !before.audience.all) ||
                     std::any_of(w.audience.companies.begin(), w.audience.companies.end(),
                                 [&](const CompanyId& c) { return !before.audience.Includes(c); });
  if (!w.emergency && (earlier || wider) && w.starts_at < EarliestStart(now))
    return NoticeTooShort(EarliestStart(now));
  if (w.starts_at != before.starts_at) {
    w.remind_at = RemindAt(w.starts_at, now, w.emergency);
    w.reminded_at.reset();
  }
  w.updated_at = now;
  const long long starts = ToUnixMillis(w.starts_at), ends = ToUnixMillis(w.ends_at), t = ToUnixMillis(now);
  const int all = w.audience.all ? 1 : 0;
  const std::optional<long long> remind = OptionalMillis(w.remind_at);
  const std::optional<long long> reminded = OptionalMillis(w.reminded_at);
  lease.sql()
      << "UPDATE maintenance_windows SET starts_at = :s, ends_at = :e, scope_all = :a, title_ja = :tj, "
         "title_en = :te, body_ja = :bj, body_en = :be, remind_at = :r, reminded_at = :rd, "
         "updated_at = :t WHERE id = :id",
      soci::use(starts), soci::use(ends), soci::use(all), soci::use(w.texts.title_ja),
      soci::use(w.texts.title_en), soci::use(w.texts.body_ja), soci::use(w.texts.body_en), soci::use(remind),
      soci::use(reminded), soci::use(t), soci::use(w.id);
  WriteAudience(lease, kMaintenanceCompanies.table, kMaintenanceCompanies.key, w.id, w.audience);
  // Both the companies still in it and those taken out are told.
  Audience told = w.audience;
  if (!told.all) {
    if (before.audience.all) {
      told = before.audience;
    } else {
      told.companies.insert(told.companies.end(), before.audience.companies.begin(),
                            before.audience.companies.end());
      std::sort(told.companies.begin(), told.companies.end());
      told.companies.erase(std::unique(told.companies.begin(), told.companies.end()), told.companies.end());
    }
  }
  MailWindow(lease, outbox_, w, told, mail::MaintenanceNotice::kChanged);
  tx.Commit();
  return w;
}

Result<MaintenanceWindow> Maintenance::Cancel(const ProviderScope&, const std::string& id) {
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindWindow(lease, id);
  if (!found) return NotFound("no such maintenance window");
  MaintenanceWindow w = *found;
  if (w.State(now) == MaintenanceState::kCancelled)
    return Conflict("the maintenance window was cancelled already", "maintenance_cancelled");
  if (w.State(now) == MaintenanceState::kEnded)
    return Conflict("the maintenance window has ended", "maintenance_ended");
  const long long t = ToUnixMillis(now);
  lease.sql() << "UPDATE maintenance_windows SET cancelled_at = :t, updated_at = :t2 WHERE id = :id",
      soci::use(t), soci::use(t), soci::use(w.id);
  w.cancelled_at = now;
  w.updated_at = now;
  MailWindow(lease, outbox_, w, w.audience, mail::MaintenanceNotice::kCancelled);
  tx.Commit();
  return w;
}

Result<MaintenanceWindow> Maintenance::Get(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  auto w = FindWindow(lease, id);
  if (!w) return NotFound("no such maintenance window");
  return std::move(*w);
}

Page<MaintenanceWindow> Maintenance::List(const ProviderScope&, std::optional<MaintenanceState> state,
                                          const PageRequest& page) {
  const long long t = ToUnixMillis(clock_.Now());
  const std::string state_text = state ? std::string(ToString(*state)) : "";
  const auto [before_t, before_id] = NewestFirstCursor(page.after);
  const int limit = static_cast<int>(page.limit) + 1;
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << std::string("SELECT ") + kWindowColumns +
                  " FROM maintenance_windows WHERE (:s1 = '' "
                  "OR (:s2 = 'cancelled' AND cancelled_at IS NOT NULL) "
                  "OR (:s3 = 'ended' AND cancelled_at IS NULL AND ends_at <= :t1) "
                  "OR (:s4 = 'in_progress' AND cancelled_at IS NULL AND starts_at <= :t2 AND ends_at > :t3) "
                  "OR (:s5 = 'scheduled' AND cancelled_at IS NULL AND starts_at > :t4)) "
                  "AND (starts_at < :bt OR (starts_at = :bt2 AND id < :bid)) "
                  "ORDER BY starts_at DESC, id DESC LIMIT :n",
       soci::use(state_text), soci::use(state_text), soci::use(state_text), soci::use(t),
       soci::use(state_text), soci::use(t), soci::use(t), soci::use(state_text), soci::use(t),
       soci::use(before_t), soci::use(before_t), soci::use(before_id), soci::use(limit));
  auto rows = ReadWindows(lease, rs);
  return MakePage(std::move(rows), page.limit,
                  [](const MaintenanceWindow& w) { return NewestFirstKey(ToUnixMillis(w.starts_at), w.id); });
}

std::vector<MaintenanceWindow> Maintenance::Upcoming(const std::optional<CompanyId>& company,
                                                     Timestamp from) {
  const long long t = ToUnixMillis(from);
  const std::string sql = std::string("SELECT ") + kWindowColumns +
                          " FROM maintenance_windows WHERE cancelled_at IS NULL AND ends_at > :t AND " +
                          VisibleTo(company, kMaintenanceCompanies, "id") +
                          " ORDER BY starts_at, id LIMIT 50";
  auto lease = db_.Acquire();
  if (company) {
    const std::string c = company->value();
    soci::rowset<soci::row> rs = (lease.sql().prepare << sql, soci::use(t), soci::use(c));
    return ReadWindows(lease, rs);
  }
  soci::rowset<soci::row> rs = (lease.sql().prepare << sql, soci::use(t));
  return ReadWindows(lease, rs);
}

std::vector<std::pair<Timestamp, Timestamp>> Maintenance::PlannedForAll(Timestamp from, Timestamp to) {
  const long long a = ToUnixMillis(from), b = ToUnixMillis(to);
  auto lease = db_.Acquire();
  std::vector<std::pair<Timestamp, Timestamp>> out;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << "SELECT starts_at, ends_at FROM maintenance_windows WHERE cancelled_at IS NULL AND "
              "emergency = 0 AND scope_all = 1 AND starts_at < :b AND ends_at > :a ORDER BY starts_at",
       soci::use(b), soci::use(a));
  for (const auto& r : rs)
    out.emplace_back(std::max(from, FromUnixMillis(db::RowInteger(r, 0))),
                     std::min(to, FromUnixMillis(db::RowInteger(r, 1))));
  return out;
}

std::size_t Maintenance::SendReminders(Timestamp now) {
  const long long t = ToUnixMillis(now);
  auto lease = db_.Acquire();
  std::vector<std::string> due;
  {
    soci::rowset<std::string> rs =
        (lease.sql().prepare
             << "SELECT id FROM maintenance_windows WHERE remind_at IS NOT NULL AND remind_at <= :t "
                "AND reminded_at IS NULL AND cancelled_at IS NULL AND starts_at > :t2",
         soci::use(t), soci::use(t));
    for (const auto& id : rs) due.push_back(id);
  }
  std::size_t sent = 0;
  for (const auto& id : due) {
    db::WriteTransaction tx(lease);
    // Only the process that marks it sends it.
    soci::statement st =
        (lease.sql().prepare << "UPDATE maintenance_windows SET reminded_at = :t WHERE id = :id "
                                "AND reminded_at IS NULL AND cancelled_at IS NULL",
         soci::use(t), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() != 1) continue;
    if (auto w = FindWindow(lease, id)) {
      MailWindow(lease, outbox_, *w, w->audience, mail::MaintenanceNotice::kReminder);
      ++sent;
    }
    tx.Commit();
  }
  return sent;
}

// ---- OPS-2: incidents ----

std::string_view ToString(IncidentState s) {
  switch (s) {
    case IncidentState::kDraft:
      return "draft";
    case IncidentState::kPublished:
      return "published";
    case IncidentState::kResolved:
      return "resolved";
  }
  return "draft";
}

std::optional<IncidentState> ParseIncidentState(std::string_view s) {
  for (auto st : {IncidentState::kDraft, IncidentState::kPublished, IncidentState::kResolved})
    if (ToString(st) == s) return st;
  return std::nullopt;
}

bool ValidSeverity(std::string_view severity) {
  return severity == "minor" || severity == "major" || severity == "critical";
}

namespace {

constexpr const char* kIncidentColumns =
    "id, state, scope_all, severity, title_ja, title_en, body_ja, body_en, check_name, detected_at, "
    "published_at, resolved_at, created_by_login, created_at, updated_at";

std::vector<Incident> ReadIncidents(db::Lease& lease, soci::rowset<soci::row>& rows) {
  std::vector<std::pair<Incident, bool>> partial;
  for (const auto& r : rows) {
    Incident i;
    i.id = r.get<std::string>(0);
    i.state = ParseIncidentState(r.get<std::string>(1)).value_or(IncidentState::kDraft);
    const bool all = db::RowInteger(r, 2) != 0;
    i.severity = r.get<std::string>(3);
    i.texts = {r.get<std::string>(4), r.get<std::string>(5), r.get<std::string>(6), r.get<std::string>(7)};
    i.check_name = r.get<std::string>(8);
    i.detected_at = FromUnixMillis(db::RowInteger(r, 9));
    i.published_at = OptionalTime(r, 10);
    i.resolved_at = OptionalTime(r, 11);
    i.created_by_login = r.get<std::string>(12);
    i.created_at = FromUnixMillis(db::RowInteger(r, 13));
    i.updated_at = FromUnixMillis(db::RowInteger(r, 14));
    partial.emplace_back(std::move(i), all);
  }
  std::vector<Incident> out;
  for (auto& [i, all] : partial) {
    i.audience = ReadAudience(lease, kIncidentCompanies.table, kIncidentCompanies.key, i.id, all);
    soci::rowset<soci::row> us =
        (lease.sql().prepare
             << "SELECT id, at, body_ja, body_en FROM incident_updates WHERE incident_id = :id "
                "ORDER BY at, id",
         soci::use(i.id));
    for (const auto& u : us)
      i.updates.push_back({u.get<std::string>(0), FromUnixMillis(db::RowInteger(u, 1)), u.get<std::string>(2),
                           u.get<std::string>(3)});
    out.push_back(std::move(i));
  }
  return out;
}

std::optional<Incident> FindIncident(db::Lease& lease, const std::string& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE id = :id",
       soci::use(id));
  auto list = ReadIncidents(lease, rows);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

void MailIncident(db::Lease& lease, mail::Outbox& outbox, const Incident& i, mail::IncidentNotice notice) {
  for (const auto& to : AudienceRecipients(lease, i.audience)) {
    const bool en = mail::IsEnglish(to.language);
    mail::IncidentFacts facts{.title = i.texts.Title(to.language),
                              .body = i.texts.Body(to.language),
                              .severity = i.severity,
                              .detected_at = i.detected_at,
                              .update = {},
                              .resolved_at = i.resolved_at};
    if (notice != mail::IncidentNotice::kPublished && !i.updates.empty())
      facts.update = en ? i.updates.back().body_en : i.updates.back().body_ja;
    (void)outbox.Enqueue(lease, to, "incident.notice", mail::Incident(to.language, notice, facts));
  }
}

void StoreIncident(db::Lease& lease, const Incident& i, bool insert) {
  const long long detected = ToUnixMillis(i.detected_at), created = ToUnixMillis(i.created_at),
                  updated = ToUnixMillis(i.updated_at);
  const std::optional<long long> published = OptionalMillis(i.published_at);
  const std::optional<long long> resolved = OptionalMillis(i.resolved_at);
  const std::string state(ToString(i.state));
  const int all = i.audience.all ? 1 : 0;
  if (insert)
    lease.sql()
        << "INSERT INTO incidents (id, state, scope_all, severity, title_ja, title_en, body_ja, body_en, "
           "check_name, detected_at, published_at, resolved_at, created_by_login, created_at, updated_at) "
           "VALUES (:id, :st, :a, :sv, :tj, :te, :bj, :be, :c, :d, :p, :r, :l, :ct, :u)",
        soci::use(i.id), soci::use(state), soci::use(all), soci::use(i.severity), soci::use(i.texts.title_ja),
        soci::use(i.texts.title_en), soci::use(i.texts.body_ja), soci::use(i.texts.body_en),
        soci::use(i.check_name), soci::use(detected), soci::use(published), soci::use(resolved),
        soci::use(i.created_by_login), soci::use(created), soci::use(updated);
  else
    lease.sql() << "UPDATE incidents SET state = :st, scope_all = :a, severity = :sv, title_ja = :tj, "
                   "title_en = :te, body_ja = :bj, body_en = :be, published_at = :p, resolved_at = :r, "
                   "updated_at = :u WHERE id = :id",
        soci::use(state), soci::use(all), soci::use(i.severity), soci::use(i.texts.title_ja),
        soci::use(i.texts.title_en), soci::use(i.texts.body_ja), soci::use(i.texts.body_en),
        soci::use(published), soci::use(resolved), soci::use(updated), soci::use(i.id);
  WriteAudience(lease, kIncidentCompanies.table, kIncidentCompanies.key, i.id, i.audience);
}

}  // namespace

Result<Incident> Incidents::Open(const ProviderScope&, const NewIncident& input, const std::string& login) {
  if (auto ok = ValidateTexts(input.texts); !ok) return ok.error();
  if (!ValidSeverity(input.severity))
    return InvalidArgument("severity", "severity is minor, major or critical");
  const Timestamp now = clock_.Now();
  const Timestamp detected = input.detected_at.value_or(now);
  if (detected > now) return InvalidArgument("detected_at", "an incident cannot be detected in the future");
  if (now - detected > std::chrono::days{90})
    return InvalidArgument("detected_at", "an incident is opened within 90 days of its detection");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  Incident i{.id = GenerateOpaqueId(),
             .state = input.publish ? IncidentState::kPublished : IncidentState::kDraft,
             .audience = input.audience,
             .severity = input.severity,
             .texts = input.texts,
             .check_name = "",
             .detected_at = detected,
             .published_at = input.publish ? std::optional(now) : std::nullopt,
             .resolved_at = std::nullopt,
             .created_by_login = login,
             .created_at = now,
             .updated_at = now,
             .updates = {}};
  if (auto ok = CheckAudience(lease, i.audience, "scope"); !ok) return ok.error();
  StoreIncident(lease, i, true);
  if (input.publish) MailIncident(lease, outbox_, i, mail::IncidentNotice::kPublished);
  tx.Commit();
  return i;
}

Result<Incident> Incidents::Change(const ProviderScope&, const std::string& id, const IncidentPatch& patch) {
  if (patch.texts)
    if (auto ok = ValidateTexts(*patch.texts); !ok) return ok.error();
  if (patch.severity && !ValidSeverity(*patch.severity))
    return InvalidArgument("severity", "severity is minor, major or critical");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindIncident(lease, id);
  if (!found) return NotFound("no such incident");
  Incident i = std::move(*found);
  if (i.state == IncidentState::kResolved) return Conflict("the incident is resolved", "incident_resolved");
  if (i.state != IncidentState::kDraft && (patch.audience || patch.severity))
    return Conflict("a published incident's scope and severity stay; add an update instead",
                    "incident_published");
  if (patch.audience) {
    i.audience = *patch.audience;
    if (auto ok = CheckAudience(lease, i.audience, "scope"); !ok) return ok.error();
  }
  if (patch.severity) i.severity = *patch.severity;
  if (patch.texts) i.texts = *patch.texts;
  i.updated_at = clock_.Now();
  StoreIncident(lease, i, false);
  tx.Commit();
  return i;
}

Result<Incident> Incidents::Publish(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindIncident(lease, id);
  if (!found) return NotFound("no such incident");
  Incident i = std::move(*found);
  if (i.state != IncidentState::kDraft)
    return Conflict("the incident is published already", "incident_published");
  const Timestamp now = clock_.Now();
  i.state = IncidentState::kPublished;
  i.published_at = now;
  i.updated_at = now;
  StoreIncident(lease, i, false);
  MailIncident(lease, outbox_, i, mail::IncidentNotice::kPublished);
  tx.Commit();
  return i;
}

Result<Incident> Incidents::AddUpdate(const ProviderScope&, const std::string& id, const std::string& body_ja,
                                      const std::string& body_en, bool resolve) {
  for (const auto& [field, value] : {std::pair{"body_ja", &body_ja}, {"body_en", &body_en}}) {
    if (!ValidText(*value, kMaxBody, true, true))
      return InvalidArgument(field, "an update is UTF-8 text of 1 to 4000 characters");
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindIncident(lease, id);
  if (!found) return NotFound("no such incident");
  Incident i = std::move(*found);
  if (i.state == IncidentState::kResolved) return Conflict("the incident is resolved", "incident_resolved");
  if (i.updates.size() >= 100)
    return LimitExceeded("too_many_updates", "an incident has at most 100 updates");
  const Timestamp now = clock_.Now();
  IncidentUpdate u{GenerateOpaqueId(), now, body_ja, body_en};
  const long long at = ToUnixMillis(now);
  lease.sql() << "INSERT INTO incident_updates (id, incident_id, at, body_ja, body_en) VALUES (:id, :i, :at, "
                 ":bj, :be)",
      soci::use(u.id), soci::use(i.id), soci::use(at), soci::use(u.body_ja), soci::use(u.body_en);
  i.updates.push_back(std::move(u));
  const bool was_published = i.state == IncidentState::kPublished;
  if (resolve) {
    i.state = IncidentState::kResolved;
    i.resolved_at = now;
  }
  i.updated_at = now;
  StoreIncident(lease, i, false);
  if (was_published)
    MailIncident(lease, outbox_, i,
                 resolve ? mail::IncidentNotice::kResolved : mail::IncidentNotice::kUpdated);
  tx.Commit();
  return i;
}

Status Incidents::Discard(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto found = FindIncident(lease, id);
  if (!found) return NotFound("no such incident");
  if (found->state != IncidentState::kDraft || found->published_at)
    return Conflict("only a draft that was never published can be discarded", "incident_published");
  lease.sql() << "DELETE FROM incident_updates WHERE incident_id = :id", soci::use(id);
  lease.sql() << "DELETE FROM incident_companies WHERE incident_id = :id", soci::use(id);
  lease.sql() << "DELETE FROM incidents WHERE id = :id", soci::use(id);
  tx.Commit();
  return Ok{};
}

Result<Incident> Incidents::Get(const ProviderScope&, const std::string& id) {
  auto lease = db_.Acquire();
  auto i = FindIncident(lease, id);
  if (!i) return NotFound("no such incident");
  return std::move(*i);
}

Page<Incident> Incidents::List(const ProviderScope&, std::optional<IncidentState> state,
                               const PageRequest& page) {
  const auto [before_t, before_id] = NewestFirstCursor(page.after);
  const std::string state_text = state ? std::string(ToString(*state)) : "";
  const int limit = static_cast<int>(page.limit) + 1;
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << std::string("SELECT ") + kIncidentColumns +
                  " FROM incidents WHERE (:s = '' OR state = :s2) AND (detected_at < :bt OR "
                  "(detected_at = :bt2 AND id < :bid)) ORDER BY detected_at DESC, id DESC LIMIT :n",
       soci::use(state_text), soci::use(state_text), soci::use(before_t), soci::use(before_t),
       soci::use(before_id), soci::use(limit));
  auto rows = ReadIncidents(lease, rs);
  return MakePage(std::move(rows), page.limit,
                  [](const Incident& i) { return NewestFirstKey(ToUnixMillis(i.detected_at), i.id); });
}

std::vector<Incident> Incidents::Visible(const std::optional<CompanyId>& company, Timestamp since) {
  const long long t = ToUnixMillis(since);
  const std::string sql =
      std::string("SELECT ") + kIncidentColumns +
      " FROM incidents WHERE state <> 'draft' AND (resolved_at IS NULL OR detected_at >= :t) AND " +
      VisibleTo(company, kIncidentCompanies, "id") + " ORDER BY detected_at DESC, id DESC LIMIT 200";
  auto lease = db_.Acquire();
  if (company) {
    const std::string c = company->value();
    soci::rowset<soci::row> rs = (lease.sql().prepare << sql, soci::use(t), soci::use(c));
    return ReadIncidents(lease, rs);
  }
  soci::rowset<soci::row> rs = (lease.sql().prepare << sql, soci::use(t));
  return ReadIncidents(lease, rs);
}

std::optional<std::string> Incidents::OpenDraftForCheck(db::Lease& lease, const std::string& check,
                                                        Timestamp detected_at, Timestamp now) {
  int open = 0;
  lease.sql() << "SELECT COUNT(*) FROM incidents WHERE check_name = :c AND state <> 'resolved'",
      soci::use(check), soci::into(open);
  if (open > 0) return std::nullopt;
  Incident i{.id = GenerateOpaqueId(),
             .state = IncidentState::kDraft,
             .audience = {},
             .severity = "major",
             // What companies and the public will read once it is published: no internal detail
             // (the check's name stays the provider's; its detail is in the alarm mail and log).
             .texts = {"サービスの一部に障害が発生しています", "Part of the service is failing",
                       "サービスの一部で障害を検知しました。原因を調査しています。",
                       "We detected a failure in part of the service and are investigating."},
             .check_name = check,
             .detected_at = detected_at,
             .published_at = std::nullopt,
             .resolved_at = std::nullopt,
             .created_by_login = "",
             .created_at = now,
             .updated_at = now,
             .updates = {}};
  StoreIncident(lease, i, true);
  return i.id;
}

}  // namespace kanri::ops
