#include "webhooks/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/crypto.h"

namespace kanri::webhooks {

std::string NewSecret() {
  return std::string(kSecretPrefix) + Base64Encode(RandomBytes(32));
}

Result<std::string> SecretKey(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix))
    return InvalidArgument("secret", "a secret is \"whsec_\" followed by base64 of 24 to 64 bytes");
  auto key = Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!key || key->size() < 24 || key->size() > 64)
    return InvalidArgument("secret", "a secret is \"whsec_\" followed by base64 of 24 to 64 bytes");
  return *key;
}

std::string Sign(std::string_view key, std::string_view message_id, std::int64_t timestamp_s,
                 std::string_view body) {
  std::string content;
  content.reserve(message_id.size() + body.size() + 24);
  content.append(message_id).append(".").append(std::to_string(timestamp_s)).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

}  // namespace kanri::webhooks
