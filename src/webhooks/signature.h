// Standard Webhooks signatures (https://www.standardwebhooks.com/, SEC-9): each request carries
// `webhook-id` (the event's id, the same on every attempt), `webhook-timestamp` (Unix seconds of
// this attempt) and `webhook-signature` ("v1," and the base64 HMAC-SHA256, keyed with the
// secret's bytes, of "<id>.<timestamp>.<body>"). A receiver verifies with any Standard Webhooks
// library and the secret "whsec_<base64>".
//
//   auto key = SecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");     // the bytes
//   std::string sig = Sign(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace kanri::webhooks {

inline constexpr std::string_view kSecretPrefix = "whsec_";

// A new secret: "whsec_" and base64 of 32 random bytes.
std::string NewSecret();
// The key bytes of a secret: "whsec_" and base64 of 24 to 64 bytes; InvalidArgument ("secret")
// otherwise.
Result<std::string> SecretKey(std::string_view secret);
// The `webhook-signature` value: "v1,<base64>".
std::string Sign(std::string_view key, std::string_view message_id, std::int64_t timestamp_s,
                 std::string_view body);

}  // namespace kanri::webhooks
