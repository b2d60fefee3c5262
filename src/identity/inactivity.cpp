#include "identity/inactivity.h"

namespace kanri::identity {

std::string_view ToString(InactivityAction a) {
  switch (a) {
    case InactivityAction::kReminded:
      return "reminded";
    case InactivityAction::kLocked:
      return "locked";
    case InactivityAction::kDeleted:
      return "deleted";
  }
  return "reminded";
}

namespace {

// Accounts of companies matching `condition` (over accounts a), oldest activity first, with
// their company's code.
std::vector<std::pair<Account, std::string>> Candidates(db::Database& db, const std::string& condition,
                                                        long long cutoff, std::size_t limit) {
  auto lease = db.Acquire();
  std::vector<std::pair<Account, std::string>> out;
  const int n = static_cast<int>(limit);
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kAccountColumns +
                                  ", c.code FROM accounts a JOIN companies c ON c.id = a.company_id WHERE " +
                                  condition + " ORDER BY a.id LIMIT :n",
       soci::use(cutoff), soci::use(n));
  for (const auto& r : rows) out.emplace_back(ReadAccount(r), r.get<std::string>(kAccountColumnCount));
  return out;
}

Timestamp LastActivity(const Account& a) {
  return a.last_login_at.value_or(a.created_at);
}

}  // namespace

std::vector<InactivityStep> InactivityRules::Apply(
    Timestamp now, const std::function<void(db::Lease&, const InactivityStep&)>& in_transaction,
    std::size_t limit) {
  std::vector<InactivityStep> taken;
  const long long t = ToUnixMillis(now);
  // Each step re-checks its condition in its own transaction (a login may have come in
  // between), so a step is taken once whatever else runs.
  // `guard` runs the step's conditional UPDATE and says whether it still applied.
  auto take = [&](InactivityStep step, auto&& guard) {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    if (!guard(lease)) return;
    if (step.action == InactivityAction::kLocked) EndAccountSessions(lease, step.account.id);
    if (step.action == InactivityAction::kDeleted) DeleteAccountRows(lease, step.account.id);
    in_transaction(lease, step);
    tx.Commit();
    taken.push_back(std::move(step));
  };

  // 1. The reminder, after `reminder_after` without a login.
  const long long remind_cutoff = t - policy_.reminder_after.count();
  for (auto& [a, code] : Candidates(db_,
                                    "a.status = 'active' AND a.inactivity_reminded_at IS NULL AND "
                                    "COALESCE(a.last_login_at, a.created_at) <= :cutoff",
                                    remind_cutoff, limit)) {
    const std::string id = a.id.value();
    InactivityStep step{InactivityAction::kReminded, a, code, LastActivity(a), now + policy_.lock_after};
    take(std::move(step), [&](db::Lease& lease) {
      soci::statement st =
          (lease.sql().prepare << "UPDATE accounts SET inactivity_reminded_at = :t WHERE id = :id AND "
                                  "status = 'active' AND inactivity_reminded_at IS NULL AND "
                                  "COALESCE(last_login_at, created_at) <= :cutoff",
           soci::use(t), soci::use(id), soci::use(remind_cutoff));
      st.execute(true);
      return db::AffectedRows(st) == 1;
    });
  }

  // 2. The lock, `lock_after` after a reminder that no login answered.
  const long long lock_cutoff = t - policy_.lock_after.count();
  for (auto& [a, code] : Candidates(db_,
                                    "a.status = 'active' AND a.inactivity_reminded_at IS NOT NULL AND "
                                    "a.inactivity_reminded_at <= :cutoff",
                                    lock_cutoff, limit)) {
    const std::string id = a.id.value();
    std::optional<Timestamp> deletion;
    if (a.kind == AccountKind::kGeneral) deletion = now + policy_.delete_after;
    InactivityStep step{InactivityAction::kLocked, a, code, LastActivity(a), deletion};
    take(std::move(step), [&](db::Lease& lease) {
      soci::statement st =
          (lease.sql().prepare << "UPDATE accounts SET status = 'locked', lock_reason = 'inactivity', "
                                  "locked_at = :t, updated_at = :t2 WHERE id = :id AND status = 'active' AND "
                                  "inactivity_reminded_at IS NOT NULL AND inactivity_reminded_at <= :cutoff",
           soci::use(t), soci::use(t), soci::use(id), soci::use(lock_cutoff));
      st.execute(true);
      return db::AffectedRows(st) == 1;
    });
  }

  // 3. The deletion of a general account, `delete_after` after its inactivity lock.
  const long long delete_cutoff = t - policy_.delete_after.count();
  for (auto& [a, code] :
       Candidates(db_,
                  "a.kind = 'general' AND a.status = 'locked' AND a.lock_reason = 'inactivity' "
                  "AND a.locked_at <= :cutoff",
                  delete_cutoff, limit)) {
    const std::string id = a.id.value();
    InactivityStep step{InactivityAction::kDeleted, a, code, LastActivity(a), std::nullopt};
    // The guard only checks the row is still due; DeleteAccountRows removes it afterwards.
    take(std::move(step), [&](db::Lease& lease) {
      int due = 0;
      lease.sql()
          << "SELECT COUNT(*) FROM accounts WHERE id = :id AND kind = 'general' AND status = 'locked' "
             "AND lock_reason = 'inactivity' AND locked_at <= :cutoff",
          soci::use(id), soci::use(delete_cutoff), soci::into(due);
      return due == 1;
    });
  }
  return taken;
}

}  // namespace kanri::identity
