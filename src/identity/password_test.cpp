#include <gtest/gtest.h>
#include <sodium.h>

#include "identity/password_hasher.h"
#include "identity/password_policy.h"

namespace kanri::identity {
namespace {

TEST(PasswordHasher, DATA_3_Argon2idPhcAtOwaspMinimum) {
  PasswordHasher hasher;
  std::string h = hasher.Hash("correct horse battery staple");
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_EQ(h.find("correct horse"), std::string::npos);
  EXPECT_TRUE(hasher.Verify(h, "correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(h, "correct horse battery stapler"));
  EXPECT_NE(hasher.Hash("same"), hasher.Hash("same")) << "hashes must be salted";
}

TEST(PasswordHasher, DATA_3_RaisedParametersAskForRehash) {
  PasswordHasher weak{{.ops_limit = 2, .mem_limit_bytes = 19 * 1024 * 1024}};
  PasswordHasher strong{{.ops_limit = 3, .mem_limit_bytes = 19 * 1024 * 1024}};
  std::string h = weak.Hash("a long enough password");
  EXPECT_FALSE(weak.NeedsRehash(h));
  EXPECT_TRUE(strong.NeedsRehash(h));
  EXPECT_TRUE(strong.Verify(h, "a long enough password"));
}

TEST(PasswordHasher, DATA_3_BelowMinimumRefused) {
  EXPECT_THROW(PasswordHasher({.ops_limit = 0, .mem_limit_bytes = 1024}), std::invalid_argument);
}

TEST(PasswordPolicy, DATA_3_LengthEightTo128CodePoints) {
  PasswordPolicy p;
  EXPECT_FALSE(p.Check("Xq7!abc", "", "password"));
  EXPECT_TRUE(p.Check("Xq7!abcd", "", "password"));
  EXPECT_TRUE(p.Check(std::string(128, 'z'), "", "password"));
  EXPECT_FALSE(p.Check(std::string(129, 'z'), "", "password"));
  // Eight Japanese characters are eight characters, not 24 bytes.
  EXPECT_TRUE(p.Check("いろはにほへとち", "", "password"));
  EXPECT_FALSE(p.Check("いろはにほへ", "", "password"));
  EXPECT_FALSE(p.Check("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "", "password"));
}

TEST(PasswordPolicy, DATA_3_CommonPasswordsRefusedWhateverTheCase) {
  PasswordPolicy p;
  EXPECT_GT(PasswordPolicy::CommonListSize(), 9000u);
  for (const char* pw : {"password", "12345678", "PASSWORD1", "qwertyuiop", "iloveyou"}) {
    auto s = p.Check(pw, "", "new");
    ASSERT_FALSE(s) << pw;
    EXPECT_EQ(s.error().field, "new");
  }
  EXPECT_TRUE(p.Check("tsubame-kanri-2025", "", "password"));
}

TEST(PasswordPolicy, DATA_3_NoCompositionRulesButNotTheLogin) {
  PasswordPolicy p;
  EXPECT_TRUE(p.Check("alllowercaseletters", "", "password"));
  EXPECT_FALSE(p.Check("Yamada.Taro", "yamada.taro", "password"));
}

}  // namespace
}  // namespace kanri::identity
