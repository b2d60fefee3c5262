// The `contract-end` job (DATA-6): deletes, step by step over --contract-end-grace, the
// companies whose contract ended (tenancy::DeletionScheduleOf):
//   a third of the way: the accounts, with their sessions, grants and the company's own roles;
//   two thirds: the configuration (profiles, allocations, groups, jobs and tasks); the devices
//     are detached into the provider's unassigned list (devices/unassigned.h);
//   at the end: the firmware files and the company itself.
// Each step is one transaction and one record in the company's chain and in the provider's; the
// company's chain is checkpointed after its last record, and kept for SEC-6's retention. A run
// that finds several steps due (the server was down) takes them in order.
#pragma once

#include "audit/operation_history.h"
#include "audit/signing_key.h"
#include "devices/firmware.h"
#include "jobs/scheduler.h"
#include "tenancy/companies.h"

namespace kanri::jobs {

Counts RunContractEnd(db::Database& db, tenancy::CompanyRepository& companies,
                      devices::FirmwareRepository& firmware, audit::OperationHistory& history,
                      const audit::SigningKey& key, Millis grace, Timestamp now);

}  // namespace kanri::jobs
