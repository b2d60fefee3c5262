// Devices put straight into the server's SQLite file, as the CWMP session engine would after
// an Inform, for end-to-end tests of the API that need devices without running a CPE.
//
//   std::string id = SeedDevice(Db(), company_a_id(), {.serial = "AB1", .model = "Home"});
//
// SQLite in WAL mode lets this run while the server is up (the file waits for its lock).
#pragma once

#include <chrono>
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

// Inserts a device (and its parameter tree) for `company_id`; returns its id.
inline std::string SeedDevice(const std::string& db, const std::string& company_id, const DeviceSeed& s) {
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const long long contact = s.last_contact_ms ? s.last_contact_ms : now;
  // Online for a day, or offline since a second ago.
  const long long online_until = s.online ? now + 86'400'000 : now - 1000;
  std::string tags = "[", search;
  auto lower = [](std::string v) {
    for (auto& c : v) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return v;
  };
  search = lower(s.serial) + " " + lower(s.model) + " " + lower(s.software_version);
  for (std::size_t i = 0; i < s.tags.size(); ++i) {
    tags += (i ? ",\"" : "\"") + s.tags[i] + "\"";
    search += " " + lower(s.tags[i]);
  }
  tags += "]";
  std::string id = SeedId();
  const std::string c = std::to_string(contact);
  ExecSql(
      db,
      "INSERT INTO devices (id, company_id, profile_id, oui, product_class, serial_number, manufacturer, "
      "model, "
      "hardware_version, software_version, data_model, first_contact_at, last_contact_at, last_boot_at, "
      "last_events, periodic_inform_interval, online_until, wan_ip, source_ip, connection_request_url, tags, "
      "search_text, inform_digest, auth_mode, credential_state, cwmp_username, cwmp_password_enc, "
      "cr_username, "
      "cr_password_enc, provisioned, session_owner, session_until, created_at, updated_at) VALUES (" +
          SqlText(id) + ", " + SqlText(company_id) + ", NULL, " + SqlText(s.oui) + ", " +
          SqlText(s.product_class) + ", " + SqlText(s.serial) + ", 'Acme', " + SqlText(s.model) +
          ", 'hw1', " + SqlText(s.software_version) + ", 'tr181', " + c + ", " + c +
          ", NULL, '[\"2 PERIODIC\"]', 300, " + std::to_string(online_until) +
          ", '198.51.100.7', '198.51.100.7', 'http://198.51.100.7:7547/cr', " + SqlText(tags) + ", " +
          SqlText(search) + ", '', " + SqlText(s.auth_mode) + ", " +
          SqlText(s.auth_mode == "none" ? "none" : "rotated") + ", 'cpe', '', 'cr', '', 1, '', 0, " + c +
          ", " + c + ")");
  if (!s.tree.empty())
    ExecSql(db, "INSERT INTO device_parameters (device_id, company_id, tree, updated_at) VALUES (" +
                    SqlText(id) + ", " + SqlText(company_id) + ", " + SqlText(s.tree) + ", " + c + ")");
  return id;
}

// A firmware file row for `company_id` (the file itself is not needed to queue a download).
inline std::string SeedFirmware(const std::string& db, const std::string& company_id) {
  std::string id = SeedId();
  ExecSql(db,
          "INSERT INTO firmware_files (id, company_id, name, version, model, size, sha256, created_by_login, "
          "created_at) VALUES (" +
              SqlText(id) + ", " + SqlText(company_id) +
              ", 'fw.bin', '2.0.0', 'Router X', 4, 'ab', 'seed', 0)");
  return id;
}

}  // namespace kanri::testing
