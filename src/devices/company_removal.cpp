#include "devices/company_removal.h"

#include "devices/campaigns.h"
#include "devices/unassigned.h"

namespace kanri::devices {
namespace {

// Deletes the company's rows of `table` and returns how many there were.
std::int64_t DeleteAll(db::Lease& lease, const char* table, const std::string& company) {
  soci::statement st = (lease.sql().prepare << std::string("DELETE FROM ") + table + " WHERE company_id = :c",
                        soci::use(company));
  st.execute(true);
  return static_cast<std::int64_t>(db::AffectedRows(st));
}

}  // namespace

RemovedConfiguration RemoveCompanyConfiguration(db::Lease& lease, const CompanyId& company,
                                                std::string_view company_code, Timestamp now) {
  const std::string c = company.value();
  RemovedConfiguration r;
  r.devices_detached = DetachCompanyDevices(lease, company, company_code, now);
  DeleteAll(lease, "device_group_members", c);
  DeleteAll(lease, "retained_device_credentials", c);
  // Its refused devices stay listed for the provider, no longer for the company.
  lease.sql() << "UPDATE refused_devices SET company_id = NULL WHERE company_id = :c", soci::use(c);
  r.groups = DeleteAll(lease, "device_groups", c);
  DeleteAll(lease, "tasks", c);
  CampaignRepository::DeleteAllOf(lease, company);
  r.jobs = DeleteAll(lease, "jobs", c);
  r.profiles = DeleteAll(lease, "device_profiles", c);
  DeleteAll(lease, "device_allocation_serials", c);
  r.allocations = DeleteAll(lease, "device_allocations", c);
  return r;
}

}  // namespace kanri::devices
