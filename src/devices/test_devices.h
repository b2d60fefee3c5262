// For tests of this folder: devices put straight into the database, as the CWMP session
// engine would after an Inform, so the repositories can be tested without a CPE.
#pragma once

#include <string>
#include <vector>

#include "db/database.h"
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
  const DeviceId id = DeviceId::Generate();
  std::string tags = "[";
  for (std::size_t i = 0; i < s.tags.size(); ++i) tags += (i ? ",\"" : "\"") + s.tags[i] + "\"";
  tags += "]";
  const std::string search = SearchText(s.serial, s.model, s.software_version, s.tags);
  const std::optional<std::string> profile =
      s.profile_id ? std::optional(s.profile_id->value()) : std::nullopt;
  auto lease = db.Acquire();
  lease.sql()
      << "INSERT INTO devices (id, company_id, profile_id, oui, product_class, serial_number, manufacturer, "
         "model, hardware_version, software_version, data_model, first_contact_at, last_contact_at, "
         "last_boot_at, last_events, periodic_inform_interval, online_until, wan_ip, source_ip, "
         "connection_request_url, tags, search_text, inform_digest, auth_mode, credential_state, "
         "cwmp_username, cwmp_password_enc, cr_username, cr_password_enc, provisioned, session_owner, "
         "session_until, created_at, updated_at) VALUES (:id, :c, :p, :oui, :pc, :sn, 'Acme', :m, 'hw1', "
         ":sw, 'tr181', :t1, :t2, NULL, '[\"2 PERIODIC\"]', 300, :ou, '198.51.100.7', '198.51.100.7', "
         "'http://198.51.100.7:7547/cr', :tags, :st, '', :am, 'rotated', 'cpe', '', 'cr', '', 1, '', 0, "
         ":t3, :t4)",
      soci::use(id.value()), soci::use(company.value()), soci::use(profile), soci::use(s.oui),
      soci::use(s.product_class), soci::use(s.serial), soci::use(s.model), soci::use(s.software_version),
      soci::use(s.last_contact_ms), soci::use(s.last_contact_ms), soci::use(s.online_until_ms),
      soci::use(tags), soci::use(search), soci::use(s.auth_mode), soci::use(s.last_contact_ms),
      soci::use(s.last_contact_ms);
  if (!s.tree.empty())
    lease.sql()
        << "INSERT INTO device_parameters (device_id, company_id, tree, updated_at) VALUES (:d, :c, :t, 0)",
        soci::use(id.value()), soci::use(company.value()), soci::use(s.tree);
  return id;
}

}  // namespace kanri::devices::testing
