#include "audit/signing_key.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "base/crypto.h"

namespace kanri::audit {

SigningKey SigningKey::Generate() {
  InitCrypto();
  SigningKey k;
  k.public_.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.public_.data()),
                      reinterpret_cast<unsigned char*>(k.secret_.data()));
  return k;
}

SigningKey SigningKey::LoadOrCreate(const std::filesystem::path& dir) {
  const auto path = dir / "audit-signing.key";
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::string text;
    in >> text;
    auto secret = Base64Decode(text);
    if (!secret || secret->size() != crypto_sign_SECRETKEYBYTES)
      throw std::runtime_error(path.string() + " does not hold an Ed25519 secret key");
    SigningKey k;
    k.secret_ = *secret;
    k.public_.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(k.public_.data()),
                                 reinterpret_cast<const unsigned char*>(k.secret_.data()));
    return k;
  }
  std::filesystem::create_directories(dir);
  SigningKey k = Generate();
  const mode_t old_mask = umask(077);
  {
    std::ofstream out(path);
    out << Base64Encode(k.secret_) << "\n";
    if (!out) {
      umask(old_mask);
      throw std::runtime_error("cannot write " + path.string());
    }
  }
  umask(old_mask);
  std::ofstream(dir / "audit-signing.pub") << Base64Encode(k.public_) << "\n";
  return k;
}

std::string SigningKey::Sign(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_.data()));
  return Base64Encode(sig);
}

bool SigningKey::Verify(std::string_view message, std::string_view signature_b64) const {
  auto sig = Base64Decode(signature_b64);
  if (!sig || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(public_.data())) == 0;
}

std::string SigningKey::public_key_b64() const {
  return Base64Encode(public_);
}

}  // namespace kanri::audit
