#include "jobs/account_lifecycle.h"

#include <boost/json.hpp>

#include "mail/messages.h"

namespace kanri::jobs {

namespace json = boost::json;

namespace {

void QueueMail(db::Lease& lease, mail::Outbox& outbox, const identity::InactivityStep& step) {
  const auto& a = step.account;
  const mail::InactivityFacts facts{a.login, a.name, step.company_code, step.last_activity,
                                    step.next_step_at};
  const mail::Recipient self{
      .address = a.email, .language = a.language, .company = a.company_id, .account = a.id};
  std::vector<identity::Account> admins;
  if (step.action != identity::InactivityAction::kDeleted)
    for (auto& admin : identity::ActiveAdministrators(lease, *a.company_id))
      if (admin.id != a.id) admins.push_back(std::move(admin));
  auto to_admin = [&](const identity::Account& admin) {
    return mail::Recipient{
        .address = admin.email, .language = admin.language, .company = admin.company_id, .account = admin.id};
  };
  // An address the outbox refuses (it could not be sent) does not stop the step.
  switch (step.action) {
    case identity::InactivityAction::kReminded:
      (void)outbox.Enqueue(lease, self, "account.inactivity_reminder",
                           mail::InactivityReminder(a.language, facts));
      for (const auto& admin : admins)
        (void)outbox.Enqueue(lease, to_admin(admin), "account.inactivity_reminder",
                             mail::InactivityReminderForAdministrator(admin.language, facts));
      break;
    case identity::InactivityAction::kLocked:
      (void)outbox.Enqueue(lease, self, "account.inactivity_locked",
                           mail::InactivityLocked(a.language, facts));
      for (const auto& admin : admins)
        (void)outbox.Enqueue(lease, to_admin(admin), "account.inactivity_locked",
                             mail::InactivityLocked(admin.language, facts));
      break;
    case identity::InactivityAction::kDeleted:
      break;
  }
}

}  // namespace

Counts RunAccountLifecycle(identity::InactivityRules& rules, mail::Outbox& outbox,
                           audit::OperationHistory& history, Timestamp now) {
  const auto steps = rules.Apply(
      now, [&](db::Lease& lease, const identity::InactivityStep& step) { QueueMail(lease, outbox, step); });
  std::int64_t reminded = 0, locked = 0, deleted = 0;
  std::vector<audit::OperationRecord> records;
  for (const auto& step : steps) {
    const auto& a = step.account;
    audit::OperationRecord r;
    r.time = now;
    r.company = a.company_id;
    r.actor_login = "system";
    r.target_type = "account";
    r.target_id = a.id.value();
    json::object details{{"job", "account-lifecycle"},
                         {"login", a.login},
                         {"kind", identity::ToString(a.kind)},
                         {"last_activity_at", FormatUtc(step.last_activity)}};
    if (step.next_step_at) details["next_step_at"] = FormatUtc(*step.next_step_at);
    switch (step.action) {
      case identity::InactivityAction::kReminded:
        r.action = "account.inactivity_reminded";
        ++reminded;
        break;
      case identity::InactivityAction::kLocked:
        r.action = "account.inactivity_locked";
        ++locked;
        break;
      case identity::InactivityAction::kDeleted:
        r.action = "account.inactivity_deleted";
        ++deleted;
        break;
    }
    r.details = json::serialize(details);
    records.push_back(std::move(r));
  }
  if (!records.empty()) history.AppendBatch(records);
  return {{"reminded", reminded}, {"locked", locked}, {"deleted", deleted}};
}

}  // namespace kanri::jobs
