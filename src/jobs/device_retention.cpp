#include "jobs/device_retention.h"

#include <boost/json.hpp>

namespace kanri::jobs {

namespace json = boost::json;

Counts RunDeviceRetention(devices::DeviceRepository& devices, devices::UnassignedDeviceRepository& unassigned,
                          audit::OperationHistory& history, Millis retention, Timestamp now) {
  constexpr std::size_t kPerRun = 10'000;
  const auto deleted = devices.DeleteSilent(ProviderScope::ForCommandLine(), now - retention, kPerRun);
  const auto unassigned_deleted =
      unassigned.DeleteSilent(ProviderScope::ForCommandLine(), now - retention, kPerRun);
  // The credentials kept for deleted devices, and the marks of retired ones, past their time.
  const std::size_t credentials_forgotten = devices.PurgeRetained(now);
  std::vector<audit::OperationRecord> records;
  for (const auto& d : deleted) {
    audit::OperationRecord r;
    r.time = now;
    r.company = d.company;
    r.actor_login = "system";
    r.action = "device.retention_deleted";
    r.target_type = "device";
    r.target_id = d.id.value();
    r.details = json::serialize(json::object{{"job", "device-retention"},
                                             {"oui", d.oui},
                                             {"serial_number", d.serial_number},
                                             {"last_contact_at", FormatUtc(d.last_contact_at)}});
    records.push_back(std::move(r));
  }
  for (const auto& d : unassigned_deleted) {
    audit::OperationRecord r;
    r.time = now;
    r.actor_login = "system";
    r.action = "device.retention_deleted";
    r.target_type = "unassigned_device";
    r.target_id = d.id;
    r.details = json::serialize(json::object{{"job", "device-retention"},
                                             {"oui", d.oui},
                                             {"serial_number", d.serial_number},
                                             {"former_company_code", d.former_company_code},
                                             {"last_contact_at", FormatUtc(d.last_contact_at)}});
    records.push_back(std::move(r));
  }
  if (!records.empty()) history.AppendBatch(records);
  return {{"deleted", static_cast<std::int64_t>(deleted.size())},
          {"unassigned_deleted", static_cast<std::int64_t>(unassigned_deleted.size())},
          {"credentials_forgotten", static_cast<std::int64_t>(credentials_forgotten)}};
}

}  // namespace kanri::jobs
