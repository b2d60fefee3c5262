// Device secrets at rest (DEV-1): the credentials devices authenticate with, and those Kanri
// uses for connection requests, sealed (base/secret_box.h) with keys/device-secrets.key.
//
//   auto secrets = DeviceSecrets::LoadOrCreate(data_dir / "keys");
//   std::string stored = secrets.Seal("s3cret");
//   Result<std::string> plain = secrets.Open(stored);
#pragma once

#include <filesystem>
#include <string>

#include "base/secret_box.h"

namespace kanri::devices {

class DeviceSecrets : public SecretBox {
 public:
  static DeviceSecrets LoadOrCreate(const std::filesystem::path& keys_dir) {
    return DeviceSecrets{SecretBox::LoadOrCreate(keys_dir / "device-secrets.key")};
  }
  static DeviceSecrets FromKey(std::string key) { return DeviceSecrets{SecretBox::FromKey(std::move(key))}; }

 private:
  explicit DeviceSecrets(SecretBox box) : SecretBox(std::move(box)) {}
};

}  // namespace kanri::devices
