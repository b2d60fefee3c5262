#include "support/device_seed.h"

#include <chrono>

#include "db/database.h"
#include "devices/test_devices.h"

namespace kanri::testing {

std::string SeedDevice(const std::string& db_path, const std::string& company_id, const DeviceSeed& s) {
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  devices::testing::SeedDevice row;
  row.serial = s.serial;
  row.model = s.model;
  row.software_version = s.software_version;
  row.oui = s.oui;
  row.product_class = s.product_class;
  row.tags = s.tags;
  row.last_contact_ms = s.last_contact_ms ? s.last_contact_ms : now;
  // Online for a day, or offline since a second ago.
  row.online_until_ms = s.online ? now + 86'400'000 : now - 1000;
  row.auth_mode = s.auth_mode;
  row.tree = s.tree;
  auto db = db::Database::Open({.url = "sqlite://" + db_path, .pool_size = 1});
  return devices::testing::InsertDevice(*db, CompanyId{company_id}, row).value();
}

}  // namespace kanri::testing
