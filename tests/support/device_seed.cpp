#include "support/device_seed.h"

#include <chrono>

#include "db/database.h"
#include "devices/device_rows.h"

namespace kanri::testing {

std::string SeedDevice(const std::string& db_path, const std::string& company_id, const DeviceSeed& s) {
  const Timestamp now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  devices::DeviceRow row;
  devices::Device& d = row.device;
  d.id = DeviceId{SeedId()};
  d.company_id = CompanyId{company_id};
  d.oui = s.oui;
  d.product_class = s.product_class;
  d.serial_number = s.serial;
  d.manufacturer = "Acme";
  d.model = s.model;
  d.hardware_version = "hw1";
  d.software_version = s.software_version;
  d.first_contact_at = d.last_contact_at = d.created_at = d.updated_at =
      s.last_contact_ms ? FromUnixMillis(s.last_contact_ms) : now;
  d.last_events = {"2 PERIODIC"};
  d.periodic_inform_interval = 300;
  // Online for a day, or offline since a second ago.
  d.online_until = s.online ? now + std::chrono::hours{24} : now - std::chrono::seconds{1};
  d.wan_ip = d.source_ip = "198.51.100.7";
  d.connection_request_url = "http://198.51.100.7:7547/cr";
  d.tags = s.tags;
  d.auth_mode = devices::ParseAuthMode(s.auth_mode).value_or(devices::AuthMode::kRotate);
  d.credential_state = d.auth_mode == devices::AuthMode::kNone ? devices::CredentialState::kNone
                                                               : devices::CredentialState::kRotated;
  row.cwmp_username = "cpe";
  row.cr_username = "cr";
  row.tree = s.tree.empty() ? "{}" : s.tree;
  auto db = db::Database::Open({.url = "sqlite://" + db_path, .pool_size = 1});
  auto lease = db->Acquire();
  devices::InsertDevice(lease, row);
  return d.id.value();
}

}  // namespace kanri::testing
