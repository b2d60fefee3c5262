#include "jobs/login_alarms.h"

#include "identity/accounts.h"
#include "mail/messages.h"

namespace kanri::jobs {

namespace {

// Only rows of the partial index audit_records_failed_logins: the condition is repeated
// literally so that both engines use it.
constexpr const char* kFailedLogins =
    " FROM audit_records WHERE action = 'session.login' AND outcome <> 'success' AND recorded_at > :from "
    "AND "
    "recorded_at <= :to";

struct Burst {
  std::string cause;
  std::string subject;
  std::string label;
  std::int64_t failures = 0;
  std::int64_t threshold = 0;
  Timestamp first_failure;
};

}  // namespace

std::vector<LoginAlarm> LoginAlarms::Scan(Timestamp now) {
  const long long to = ToUnixMillis(now);
  const long long from = to - settings_.window.count();
  std::vector<Burst> bursts;
  {
    auto lease = db_.Acquire();
    const long long per_account = settings_.per_account, per_address = settings_.per_address;
    // Per account: failures of a known account (wrong password, locked), with its login and company.
    soci::rowset<soci::row> accounts =
        (lease.sql().prepare << std::string(
                                    "SELECT r.actor_id, MAX(r.actor_login), MAX(c.code), COUNT(*), "
                                    "MIN(r.recorded_at) FROM (SELECT actor_id, actor_login, company_id, "
                                    "recorded_at") +
                                    kFailedLogins +
                                    " AND actor_id <> '') r LEFT JOIN companies c ON c.id = r.company_id "
                                    "GROUP BY r.actor_id HAVING COUNT(*) >= :th",
         soci::use(from), soci::use(to), soci::use(per_account));
    for (const auto& r : accounts) {
      const std::string code = r.get_indicator(2) == soci::i_null ? "" : r.get<std::string>(2);
      bursts.push_back({"account", r.get<std::string>(0),
                        r.get<std::string>(1) + (code.empty() ? "" : " (" + code + ")"), db::RowInteger(r, 3),
                        settings_.per_account, FromUnixMillis(db::RowInteger(r, 4))});
    }
    soci::rowset<soci::row> addresses =
        (lease.sql().prepare << std::string("SELECT source_ip, COUNT(*), MIN(recorded_at)") + kFailedLogins +
                                    " GROUP BY source_ip HAVING COUNT(*) >= :th",
         soci::use(from), soci::use(to), soci::use(per_address));
    for (const auto& r : addresses)
      bursts.push_back({"address", r.get<std::string>(0), r.get<std::string>(0), db::RowInteger(r, 1),
                        settings_.per_address, FromUnixMillis(db::RowInteger(r, 2))});
    long long total = 0;
    soci::indicator first_ind = soci::i_null;
    long long first = 0;
    lease.sql() << std::string("SELECT COUNT(*), MIN(recorded_at)") + kFailedLogins, soci::use(from),
        soci::use(to), soci::into(total), soci::into(first, first_ind);
    if (total >= settings_.service_wide && first_ind != soci::i_null)
      bursts.push_back({"service", "", "", total, settings_.service_wide, FromUnixMillis(first)});
  }

  std::vector<LoginAlarm> raised;
  for (const auto& b : bursts) {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    // One alarm per cause and subject per window.
    int recent = 0;
    lease.sql()
        << "SELECT COUNT(*) FROM login_alarms WHERE cause = :c AND subject = :s AND raised_at > :since",
        soci::use(b.cause), soci::use(b.subject), soci::use(from), soci::into(recent);
    if (recent) continue;
    LoginAlarm a{GenerateOpaqueId(), b.cause,    b.subject,   b.label, FromUnixMillis(from),
                 b.first_failure,    b.failures, b.threshold, now};
    const long long first = ToUnixMillis(a.first_failure_at);
    lease.sql()
        << "INSERT INTO login_alarms (id, cause, subject, label, window_start, first_failure_at, failures, "
           "threshold, raised_at) VALUES (:id, :c, :s, :l, :w, :f, :n, :th, :t)",
        soci::use(a.id), soci::use(a.cause), soci::use(a.subject), soci::use(a.label), soci::use(from),
        soci::use(first), soci::use(a.failures), soci::use(a.threshold), soci::use(to);
    const mail::LoginAlarmFacts facts{
        a.cause, a.label, a.failures, a.threshold, settings_.window, a.first_failure_at, now};
    for (const auto& admin : identity::ActiveSiteAdministrators(lease))
      (void)outbox_.Enqueue(lease, {.address = admin.email, .language = admin.language, .account = admin.id},
                            "security.login_alarm", mail::LoginAlarm(admin.language, facts));
    tx.Commit();
    raised.push_back(std::move(a));
  }
  return raised;
}

Page<LoginAlarm> LoginAlarms::List(const ProviderScope&, const PageRequest& page) {
  const auto [before_t, before_id] = NewestFirstCursor(page.after);
  const int limit = static_cast<int>(page.limit) + 1;
  auto lease = db_.Acquire();
  std::vector<LoginAlarm> rows;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare
           << "SELECT id, cause, subject, label, window_start, first_failure_at, failures, threshold, "
              "raised_at FROM login_alarms WHERE raised_at < :t1 OR (raised_at = :t2 AND id < :id) "
              "ORDER BY raised_at DESC, id DESC LIMIT :n",
       soci::use(before_t), soci::use(before_t), soci::use(before_id), soci::use(limit));
  for (const auto& r : rs)
    rows.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                    r.get<std::string>(3), FromUnixMillis(db::RowInteger(r, 4)),
                    FromUnixMillis(db::RowInteger(r, 5)), db::RowInteger(r, 6), db::RowInteger(r, 7),
                    FromUnixMillis(db::RowInteger(r, 8))});
  return MakePage(std::move(rows), page.limit,
                  [](const LoginAlarm& a) { return NewestFirstKey(ToUnixMillis(a.raised_at), a.id); });
}

}  // namespace kanri::jobs
