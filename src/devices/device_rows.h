// The device row (devices, with its device_parameters tree) written in one place: admission
// inserts a device at its first contact with it, and the tests' and benchmarks' seeders use it
// too, so that what they seed is what the service writes.
//
//   DeviceRow row;
//   row.device.id = DeviceId::Generate();
//   row.device.company_id = company;
//   row.device.oui = "00D09E"; ...
//   InsertDevice(lease, row);
#pragma once

#include <string>

#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

struct DeviceRow {
  Device device;  // what the inventory shows; search_text is computed from it
  std::string inform_digest;
  std::string cwmp_username;
  std::string cwmp_password_enc;  // sealed (DeviceSecrets)
  std::string cr_username;
  std::string cr_password_enc;  // sealed
  bool provisioned = true;
  std::string tree = "{}";  // device_parameters.tree (ParameterTree's JSON)
};

// Inserts the row and its parameter tree; one statement each, prepared once per connection.
void InsertDevice(db::Lease& lease, const DeviceRow& row);

}  // namespace kanri::devices
