#include "identity/password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "base/crypto.h"

namespace kanri::identity {

PasswordHasher::PasswordHasher(PasswordHashSettings settings) : settings_(settings) {
  InitCrypto();
  if (settings_.ops_limit < crypto_pwhash_OPSLIMIT_MIN ||
      settings_.mem_limit_bytes < crypto_pwhash_MEMLIMIT_MIN)
    throw std::invalid_argument("password hash parameters below libsodium's minimum");
  dummy_hash_ = Hash(RandomToken(16));
}

std::string PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), settings_.ops_limit,
                            settings_.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view phc_hash, std::string_view password) const {
  std::string h(phc_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view phc_hash) const {
  std::string h(phc_hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), settings_.ops_limit, settings_.mem_limit_bytes) != 0;
}

}  // namespace kanri::identity
