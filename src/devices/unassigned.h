// DATA-6: devices of a company that was deleted after its contract ended. A device that still
// contacts the service keeps its information here, out of every company's reach; the provider
// lists them; one silent for --device-retention is deleted (jobs/device_retention.h). Its
// Informs are refused as `unassigned`, and touch its last contact through the refused-device
// writer (refused.h), so no write happens on the CWMP path.
//
//   auto moved = DetachCompanyDevices(lease, company, "acme", now);  // in the caller's transaction
//   auto page = unassigned.List(ProviderScope::ForSiteAdministrator(actor), {.limit = 50});
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/page.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::devices {

struct UnassignedDevice {
  std::string id;  // the device's id while it belonged to its company
  std::string oui, product_class, serial_number;
  std::string former_company_id, former_company_code;
  std::string manufacturer, model, hardware_version, software_version, data_model;
  std::string source_ip;
  Timestamp first_contact_at, last_contact_at, detached_at;
};

// Moves every device of `company` (with its parameter tree) into the unassigned list and
// deletes its rows, group memberships and tasks, in the caller's transaction; returns how many.
std::int64_t DetachCompanyDevices(db::Lease& lease, const CompanyId& company, std::string_view company_code,
                                  Timestamp now);

class UnassignedDeviceRepository {
 public:
  explicit UnassignedDeviceRepository(db::Database& db) : db_(db) {}

  // Most recent contact first.
  Page<UnassignedDevice> List(const ProviderScope& scope, const PageRequest& page);
  // Deletes (at most `limit`) devices silent since before `cutoff`; returns them.
  std::vector<UnassignedDevice> DeleteSilent(const ProviderScope& scope, Timestamp cutoff, std::size_t limit);

 private:
  db::Database& db_;
};

}  // namespace kanri::devices
