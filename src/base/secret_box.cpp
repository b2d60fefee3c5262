#include "base/secret_box.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "base/crypto.h"

namespace kanri {

SecretBox SecretBox::LoadOrCreate(const std::filesystem::path& path) {
  InitCrypto();
  const auto keys_dir = path.parent_path();
  std::filesystem::create_directories(keys_dir);
  ::chmod(keys_dir.c_str(), 0700);
  if (std::filesystem::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto key = Base64Decode(text);
    if (!key || key->size() != crypto_secretbox_KEYBYTES)
      throw std::runtime_error("the key " + path.string() + " is not valid");
    return SecretBox{std::move(*key)};
  }
  std::string key = RandomBytes(crypto_secretbox_KEYBYTES);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    ::chmod(tmp.c_str(), 0600);
    out << Base64Encode(key) << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
  return SecretBox{std::move(key)};
}

SecretBox SecretBox::FromKey(std::string key) {
  if (key.size() != crypto_secretbox_KEYBYTES) throw std::invalid_argument("a secretbox key is 32 bytes");
  return SecretBox{std::move(key)};
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out = RandomBytes(crypto_secretbox_NONCEBYTES);
  out.resize(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  auto* nonce = reinterpret_cast<const unsigned char*>(out.data());
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()) + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return Base64Encode(out);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  auto raw = Base64Decode(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return Error{ErrorCode::kInternal, "a stored secret is not valid", {}};
  std::string plain(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 bytes + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, bytes,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    return Error{ErrorCode::kInternal, "a stored secret does not open with this key", {}};
  return plain;
}

}  // namespace kanri
