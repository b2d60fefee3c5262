#include "base/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <stdexcept>

namespace kanri {

void InitCrypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string RandomBytes(std::size_t n) {
  // OpenSSL's DRBG (per thread, seeded from the kernel, reseeded as NIST SP 800-90A asks): no
  // system call per token, unlike libsodium's randombytes_buf (a getrandom() per call), and
  // every request draws some (its request id; a CWMP session its cookie).
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("the random number generator failed");
  return out;
}

std::string RandomToken(std::size_t n_bytes) {
  return Base64UrlEncode(RandomBytes(n_bytes));
}

std::string Sha256(std::string_view data) {
  // OpenSSL's SHA-256 uses the CPU's SHA extensions where there are some (libsodium's is
  // portable C, several times slower): every Inform's digest and every token look-up hash.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string out(crypto_hash_sha256_BYTES, '\0');
  unsigned int len = 0;
  if (!sha256 ||
      EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, sha256,
                 nullptr) != 1 ||
      len != out.size())
    throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string Sha256Hex(std::string_view data) {
  return HexEncode(Sha256(data));
}

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.pop_back();
  return out;
}

namespace {

std::string Encode(std::string_view bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> Decode(std::string_view text, int variant) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
std::string Base64Encode(std::string_view bytes) {
  return Encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}
std::optional<std::string> Base64Decode(std::string_view text) {
  return Decode(text, sodium_base64_VARIANT_ORIGINAL);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kanri
