// Password hashing (DATA-3): argon2id through libsodium, stored as the PHC string
// ("$argon2id$v=19$m=19456,t=2,p=1$…"). Plain text is never stored or logged.
//
// Hashing is deliberately slow and memory-hungry: call it on the dedicated hashing worker
// pool, never on an I/O thread or the database pool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kanri::identity {

struct PasswordHashSettings {
  // OWASP's minimum for argon2id is m = 19 MiB, t = 2, p = 1 (libsodium always uses p = 1).
  unsigned long long ops_limit = 2;
  std::size_t mem_limit_bytes = 19 * 1024 * 1024;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashSettings settings = {});

  std::string Hash(std::string_view password) const;
  bool Verify(std::string_view phc_hash, std::string_view password) const;
  // True when `phc_hash` was made with weaker parameters than the current ones.
  bool NeedsRehash(std::string_view phc_hash) const;
  // A hash of a random password, checked instead of a real one when the account does not
  // exist or may not log in, so that every failure costs the same time (SEC-1).
  const std::string& dummy_hash() const { return dummy_hash_; }

 private:
  PasswordHashSettings settings_;
  std::string dummy_hash_;
};

}  // namespace kanri::identity
