// Device secrets at rest (DEV-1): the credentials devices authenticate with, and those Kanri
// uses for connection requests, are stored encrypted with libsodium's secretbox
// (XSalsa20-Poly1305). The key is a file in the data directory's keys/ folder, outside the
// database, created on first use and readable by its owner only.
//
//   auto secrets = DeviceSecrets::LoadOrCreate(data_dir / "keys");
//   std::string stored = secrets.Seal("s3cret");         // base64 nonce + ciphertext
//   Result<std::string> plain = secrets.Open(stored);
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kanri::devices {

class DeviceSecrets {
 public:
  static DeviceSecrets LoadOrCreate(const std::filesystem::path& keys_dir);
  // For tests: a fixed key of 32 bytes.
  static DeviceSecrets FromKey(std::string key);

  std::string Seal(std::string_view plaintext) const;
  // Fails when the text was not sealed with this key or was altered.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit DeviceSecrets(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace kanri::devices
