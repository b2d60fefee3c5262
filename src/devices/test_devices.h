// For tests: devices put straight into the database with the service's own row writer
// (device_rows.h), as admission would after an Inform, so the repositories and the API can be
// tested without a CPE (the end-to-end seeder in tests/support uses it too).
#pragma once

#include <string>
#include <vector>

#include "db/database.h"
#include "devices/device_rows.h"
#include "devices/model.h"

namespace kanri::devices::testing {

struct SeedDevice {
  std::string serial = "SN0001";
  std::string model = "Router X";
  std::string software_version = "1.0.0";
  std::string oui = "00D09E";
  std::string product_class = "IGD";
  std::vector<std::string> tags;
  std::optional<ProfileId> profile_id;
  long long last_contact_ms = 1'743'465'600'000;  // 2025-04-01T00:00:00Z
  long long online_until_ms = 1'743'465'600'000 + 600'000;
  std::string auth_mode = "rotate";
  std::string tree = "{}";  // device_parameters.tree; "" for no row
};

inline DeviceId InsertDevice(db::Database& db, const CompanyId& company, const SeedDevice& s) {
  DeviceRow row;
  Device& d = row.device;
  d.id = DeviceId::Generate();
  d.company_id = company;
  d.profile_id = s.profile_id;
  d.oui = s.oui;
  d.product_class = s.product_class;
  d.serial_number = s.serial;
  d.manufacturer = "Acme";
  d.model = s.model;
  d.hardware_version = "hw1";
  d.software_version = s.software_version;
  d.first_contact_at = d.last_contact_at = d.created_at = d.updated_at = FromUnixMillis(s.last_contact_ms);
  d.last_events = {"2 PERIODIC"};
  d.periodic_inform_interval = 300;
  d.online_until = FromUnixMillis(s.online_until_ms);
  d.wan_ip = d.source_ip = "198.51.100.7";
  d.connection_request_url = "http://198.51.100.7:7547/cr";
  d.tags = s.tags;
  d.auth_mode = ParseAuthMode(s.auth_mode).value_or(AuthMode::kRotate);
  d.credential_state = d.auth_mode == AuthMode::kNone ? CredentialState::kNone : CredentialState::kRotated;
  row.cwmp_username = "cpe";
  row.cr_username = "cr";
  row.tree = s.tree;
  auto lease = db.Acquire();
  InsertDevice(lease, row);
  // No tree row at all, as a device written before device_parameters existed.
  if (s.tree.empty())
    lease.sql() << "DELETE FROM device_parameters WHERE device_id = :d", soci::use(d.id.value());
  return d.id;
}

}  // namespace kanri::devices::testing
