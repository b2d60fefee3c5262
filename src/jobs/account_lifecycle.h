// The `account-lifecycle` job (SEC-7): takes the inactivity steps that are due
// (identity/inactivity.h), queues their mail in the same transaction, and records each step in
// the company's history.
#pragma once

#include "audit/operation_history.h"
#include "identity/inactivity.h"
#include "jobs/scheduler.h"
#include "mail/outbox.h"

namespace kanri::jobs {

Counts RunAccountLifecycle(identity::InactivityRules& rules, mail::Outbox& outbox,
                           audit::OperationHistory& history, Timestamp now);

}  // namespace kanri::jobs
