#include "identity/accounts.h"

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using AccountsTest = IdentityTest;

TEST_F(AccountsTest, CreateListAndLoginUniquePerCompany) {
  ASSERT_TRUE(accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral}, "h"));
  auto dup = accounts_.Create(company_, {"HANA", "Hana 2", "hana2@example.jp", AccountKind::kGeneral}, "h");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  auto other = companies_.Create(provider_, {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt});
  EXPECT_TRUE(accounts_.Create(other->id, {"hana", "Hana", "hana@beta.example", AccountKind::kGeneral}, "h"))
      << "the same login ID may exist in another company";

  auto page = accounts_.List(company_, {.limit = 10});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].login, "hana");
  EXPECT_EQ(page.items[1].login, "taro");
}

TEST_F(AccountsTest, SEC_8_AnotherCompanysAccountIsNotFound) {
  auto other = companies_.Create(provider_, {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt});
  auto jiro = accounts_.Create(other->id, {"jiro", "Jiro", "jiro@beta.example", AccountKind::kAdmin}, "h");
  ASSERT_TRUE(jiro);
  EXPECT_EQ(accounts_.Get(company_, jiro->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts_.Update(company_, jiro->id, {.name = "x"}, taro_.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts_.ResetPassword(company_, jiro->id, "h").error().code, ErrorCode::kNotFound);
  for (const auto& a : accounts_.List(company_, {}).items) EXPECT_NE(a.id, jiro->id);
  EXPECT_EQ(accounts_.GetSelf(jiro->id)->name, "Jiro");
}

TEST_F(AccountsTest, ValidationNamesTheField) {
  EXPECT_EQ(accounts_.Create(company_, {"bad login", "x", "x@example.jp"}, "h").error().field, "login");
  EXPECT_EQ(accounts_.Create(company_, {"ok", "", "x@example.jp"}, "h").error().field, "name");
  EXPECT_EQ(accounts_.Create(company_, {"ok", "x", "not-an-email"}, "h").error().field, "email");
  EXPECT_EQ(
      accounts_.Create(company_, {"ok", "x", "x@example.jp", AccountKind::kSiteAdmin}, "h").error().field,
      "kind");
  EXPECT_EQ(accounts_.List(company_, {}).items.size(), 1u);
}

TEST_F(AccountsTest, AnAccountCannotChangeItsOwnStatus) {
  auto r = accounts_.Update(company_, taro_.id, {.status = AccountStatus::kDisabled}, taro_.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(accounts_.Update(company_, taro_.id, {.name = "Taro Yamada"}, taro_.id));
}

TEST_F(AccountsTest, ResetPasswordForcesAChangeAndClearsTheLock) {
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  ASSERT_TRUE(accounts_.GetSelf(taro_.id)->IsLocked(clock_.Now()));
  auto r = accounts_.ResetPassword(company_, taro_.id, hasher_.Hash("temporary-pass-1"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->must_change_password);
  EXPECT_FALSE(r->IsLocked(clock_.Now()));
  auto s = Login("taro", "temporary-pass-1");
  ASSERT_TRUE(s.session);
  EXPECT_TRUE(s.session->actor.account.must_change_password);
}

TEST_F(AccountsTest, FirstAdministratorOnlyOnce) {
  auto c = companies_.Create(provider_, {"gamma", "Gamma", *Date::Parse("2025-01-01"), std::nullopt});
  auto first =
      accounts_.CreateFirstAdministrator(provider_, c->id, {"admin", "Admin", "a@gamma.example"}, "h");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, AccountKind::kAdmin);
  EXPECT_EQ(accounts_.CreateFirstAdministrator(provider_, c->id, {"admin2", "A2", "b@gamma.example"}, "h")
                .error()
                .code,
            ErrorCode::kConflict);
  EXPECT_EQ(
      accounts_.CreateFirstAdministrator(provider_, CompanyId{"missing"}, {"x", "X", "x@x.example"}, "h")
          .error()
          .code,
      ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kanri::identity
