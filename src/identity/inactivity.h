// SEC-7: inactive accounts. An account of a company that has not logged in for
// `reminder_after` (180 days) is reminded by mail; `lock_after` (30 days) after the reminder
// without a login it is locked for inactivity (only a site administrator lifts that lock);
// `delete_after` (90 days) after that lock a general account is deleted. A company
// administrator is never deleted by this rule: it stays locked until the contract ends.
//
// Site administrators are the provider's own staff and are not subject to the rule. An account
// that never logged in counts from its creation.
//
//   InactivityRules rules{db, {}};
//   rules.Apply(now, [&](db::Lease& lease, const InactivityStep& step) {
//     outbox.Enqueue(lease, …);  // in the same transaction as the step
//   });
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/time.h"
#include "db/database.h"
#include "identity/accounts.h"

namespace kanri::identity {

struct InactivityPolicy {
  Millis reminder_after = std::chrono::days{180};
  Millis lock_after = std::chrono::days{30};
  Millis delete_after = std::chrono::days{90};
};

enum class InactivityAction { kReminded, kLocked, kDeleted };
std::string_view ToString(InactivityAction a);

struct InactivityStep {
  InactivityAction action;
  Account account;           // as it was before the step
  std::string company_code;  // for the mail and the history
  Timestamp last_activity;   // last login, or creation
  // kReminded: when the lock follows without a login; kLocked: when a general account is deleted.
  std::optional<Timestamp> next_step_at;
};

class InactivityRules {
 public:
  InactivityRules(db::Database& db, InactivityPolicy policy) : db_(db), policy_(policy) {}

  // Takes every step due at `now`, each in its own write transaction with `in_transaction`
  // called inside it (mail to queue with the step); returns the steps taken. At most `limit`
  // accounts per action per call, so that one run stays bounded; the next run takes the rest.
  std::vector<InactivityStep> Apply(
      Timestamp now, const std::function<void(db::Lease&, const InactivityStep&)>& in_transaction,
      std::size_t limit = 1000);

  const InactivityPolicy& policy() const { return policy_; }

 private:
  db::Database& db_;
  InactivityPolicy policy_;
};

}  // namespace kanri::identity
