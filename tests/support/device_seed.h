// Devices put straight into the server's SQLite file, as the CWMP session engine would after
// an Inform, for end-to-end tests of the API that need devices without running a CPE.
//
//   std::string id = SeedDevice(Db(), company_a_id(), {.serial = "AB1", .model = "Home"});
//
// SQLite in WAL mode lets this run while the server is up (the file waits for its lock).
#pragma once

#include <random>
#include <string>
#include <vector>

#include "support/sqlite_file.h"

namespace kanri::testing {

struct DeviceSeed {
  std::string serial = "SN0001";
  std::string model = "Router X";
  std::string software_version = "1.0.0";
  std::string oui = "00D09E";
  std::string product_class = "IGD";
  std::vector<std::string> tags;  // sorted, valid tags
  bool online = true;
  long long last_contact_ms = 0;  // 0: now (real time)
  std::string auth_mode = "rotate";
  std::string tree = R"({"Device.DeviceInfo.SoftwareVersion":["1.0.0","string",0],
"Device.WiFi.SSID.1.SSID":["home","string",1],"Device.WiFi.Radio.1.Channel":["6","unsignedInt",null]})";
};

// 26 random lower-case base32 characters, like the server's own IDs.
inline std::string SeedId() {
  static std::mt19937_64 rng{std::random_device{}()};
  const char* alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id;
  for (int i = 0; i < 26; ++i) id += alphabet[rng() % 32];
  return id;
}

inline std::string SqlText(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Inserts a device (and its parameter tree) for `company_id` with the service's own row writer
// (devices/device_rows.h); returns its id.
std::string SeedDevice(const std::string& db, const std::string& company_id, const DeviceSeed& s);

// A firmware file row for `company_id` (the file itself is not needed to queue a download).
inline std::string SeedFirmware(const std::string& db, const std::string& company_id) {
  std::string id = SeedId();
  ExecSql(db,
          "INSERT INTO firmware_files (id, company_id, name, version, model, models, size, sha256, "
          "created_by_login, created_at) VALUES (" +
              SqlText(id) + ", " + SqlText(company_id) +
              ", 'fw.bin', '2.0.0', '', '[\"Router X\"]', 4, 'ab', 'seed', 0)");
  return id;
}

}  // namespace kanri::testing
