// DATA-6: the device side of a company deleted after its contract ended
// (jobs/contract_end.h): its configuration goes in one step, its devices are detached into the
// unassigned list (unassigned.h), its firmware files go with the company (FirmwareRepository).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/ids.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::devices {

struct RemovedConfiguration {
  std::int64_t devices_detached = 0, profiles = 0, allocations = 0, groups = 0, jobs = 0;
};

// Detaches the company's devices, then deletes its profiles, allocations, groups and jobs, in
// the caller's transaction.
RemovedConfiguration RemoveCompanyConfiguration(db::Lease& lease, const CompanyId& company,
                                                std::string_view company_code, Timestamp now);

}  // namespace kanri::devices
