// Secrets that must be recoverable, at rest (DATA-2): device credentials (DEV-1) and TOTP
// seeds (SEC-9) are stored encrypted with libsodium's secretbox (XSalsa20-Poly1305). Each kind
// has its own key, a file in the data directory's keys/ folder, outside the database, created
// on first use and readable by its owner only.
//
//   auto box = SecretBox::LoadOrCreate(data_dir / "keys" / "account-secrets.key");
//   std::string stored = box.Seal("s3cret");           // base64 nonce + ciphertext
//   Result<std::string> plain = box.Open(stored);
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kanri {

class SecretBox {
 public:
  static SecretBox LoadOrCreate(const std::filesystem::path& key_file);
  // For tests: a fixed key of 32 bytes.
  static SecretBox FromKey(std::string key);

  std::string Seal(std::string_view plaintext) const;
  // Fails when the text was not sealed with this key or was altered.
  Result<std::string> Open(std::string_view sealed) const;

 protected:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}

 private:
  std::string key_;
};

}  // namespace kanri
