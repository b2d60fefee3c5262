// Small cryptographic building blocks over libsodium. Call InitCrypto() once at start-up
// (it is idempotent and thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kanri {

void InitCrypto();

std::string RandomBytes(std::size_t n);
// n random bytes as unpadded base64url (for tokens and generated passwords).
std::string RandomToken(std::size_t n_bytes);

std::string Sha256(std::string_view data);  // raw 32 bytes
std::string Sha256Hex(std::string_view data);
std::string HexEncode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

// Comparison whose time does not depend on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kanri
