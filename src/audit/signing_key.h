// The Ed25519 key that signs operation-history checkpoints (SEC-6). It lives in the data
// directory, outside the database, so that whoever can edit the database cannot re-sign a
// rewritten history. Created on first use, readable by its owner only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kanri::audit {

class SigningKey {
 public:
  // Loads <dir>/audit-signing.key, creating it (and the public half beside it) if missing.
  static SigningKey LoadOrCreate(const std::filesystem::path& dir);
  // For tests.
  static SigningKey Generate();

  std::string Sign(std::string_view message) const;  // base64 signature
  bool Verify(std::string_view message, std::string_view signature_b64) const;
  std::string public_key_b64() const;

 private:
  std::string secret_;  // 64 bytes (libsodium's seed + public key)
  std::string public_;  // 32 bytes
};

}  // namespace kanri::audit
