#include "base/crypto.h"

#include <gtest/gtest.h>

#include <set>

#include "base/ids.h"

namespace kanri {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  InitCrypto();
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64UrlRoundTrip) {
  InitCrypto();
  std::string bytes = RandomBytes(33);
  auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, bytes);
  EXPECT_FALSE(Base64UrlDecode("not base64!"));
}

TEST(Crypto, RandomTokenHasAtLeast128Bits) {
  InitCrypto();
  std::string t = RandomToken(32);
  EXPECT_EQ(Base64UrlDecode(t)->size(), 32u);
  EXPECT_NE(RandomToken(32), t);
}

TEST(Ids, OpaqueAndUnique) {
  InitCrypto();
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = CompanyId::Generate();
    EXPECT_EQ(id.value().size(), 26u);
    EXPECT_EQ(id.value().find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
    seen.insert(id.value());
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace kanri
