#include "access/api_tokens.h"

#include <gtest/gtest.h>

#include "db/test_database.h"
#include "tenancy/companies.h"

namespace kanri::access {
namespace {

using std::chrono::days;
using std::chrono::minutes;

class ApiTokens : public ::testing::Test {
 protected:
  void SetUp() override {
    acme_ = companies_.Create(provider_, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})->id;
    other_ = companies_.Create(provider_, {"other", "Other", *Date::Parse("2025-01-01"), std::nullopt})->id;
  }

  Result<IssuedApiToken> Create(const TokenOwner& owner, std::vector<std::string> permissions,
                                const Grantor& creator, Millis lifetime = days{30}) {
    return tokens_.Create(owner, {"order system", std::move(permissions), clock_.Now() + lifetime}, creator,
                          "taro");
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  ApiTokenRepository tokens_{tdb_.db(), clock_};
  CompanyId acme_, other_;
  Grantor admin_{AccountId{"admin"}, identity::AccountKind::kAdmin,
                 PermissionSet::AllOf(PermissionScope::kCompany)};
  Grantor reader_{AccountId{"reader"}, identity::AccountKind::kGeneral,
                  PermissionSet::FromNames({"devices.read", "tokens.write"})};
  Grantor site_admin_{AccountId{"site"}, identity::AccountKind::kSiteAdmin,
                      PermissionSet::AllOf(PermissionScope::kProvider)};
};

TEST_F(ApiTokens, SEC_9_ATokenIsShownOnceAndStoredOnlyAsAHash) {
  auto issued = Create(acme_, {"devices.read"}, admin_);
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_TRUE(issued->secret.starts_with("kanri_"));
  EXPECT_GE(issued->secret.size(), 6u + 43u) << "256 bits";
  auto lease = tdb_.db().Acquire();
  long long plain = -1;
  lease.sql() << "SELECT COUNT(*) FROM api_tokens WHERE token_hash = :s OR name = :s",
      soci::use(issued->secret), soci::into(plain);
  EXPECT_EQ(plain, 0);
  auto who = tokens_.Resolve(issued->secret, "192.0.2.1");
  ASSERT_TRUE(who.token);
  EXPECT_EQ(who.token->id, issued->token.id);
  EXPECT_TRUE(who.token->permissions.Has("devices.read"));
  EXPECT_FALSE(who.token->permissions.Has("devices.configure"));
  EXPECT_FALSE(tokens_.Resolve(issued->secret + "x", "192.0.2.1").token);
  EXPECT_FALSE(tokens_.Resolve("kanri_", "192.0.2.1").token);
  EXPECT_FALSE(tokens_.Resolve(std::string(10'000, 'k'), "192.0.2.1").token);
}

TEST_F(ApiTokens, SEC_9_PermissionsAreASubsetOfTheCreatorsAndOfTheOwnersScope) {
  EXPECT_TRUE(Create(acme_, {"devices.read"}, reader_));
  auto beyond = Create(acme_, {"devices.read", "devices.reboot"}, reader_);
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().problem, kGrantExceedsOwnPermissions);
  EXPECT_EQ(Create(acme_, {"provider.companies"}, admin_).error().field, "permissions");
  EXPECT_EQ(Create(acme_, {"no.such"}, admin_).error().field, "permissions");
  EXPECT_EQ(Create(acme_, {}, admin_).error().field, "permissions");
  EXPECT_EQ(Create(acme_, {"tokens.write"}, admin_).error().field, "permissions")
      << "tokens never mint tokens";
  EXPECT_EQ(Create(std::nullopt, {"devices.read"}, site_admin_).error().field, "permissions");
  EXPECT_TRUE(Create(std::nullopt, {"provider.companies"}, site_admin_));
  EXPECT_EQ(Create(std::nullopt, {"provider.tokens"}, site_admin_).error().field, "permissions");
}

TEST_F(ApiTokens, SEC_9_ExpiryIsRequiredWithinAYearAndEnforced) {
  EXPECT_EQ(Create(acme_, {"devices.read"}, admin_, Millis{0}).error().field, "expires_at");
  EXPECT_EQ(Create(acme_, {"devices.read"}, admin_, days{367}).error().field, "expires_at");
  auto t = Create(acme_, {"devices.read"}, admin_, days{1});
  ASSERT_TRUE(t);
  EXPECT_TRUE(tokens_.Resolve(t->secret, "192.0.2.1").token);
  clock_.Advance(days{1});
  EXPECT_FALSE(tokens_.Resolve(t->secret, "192.0.2.1").token) << "expired";
  EXPECT_EQ(tokens_.List(acme_).size(), 1u) << "still listed, as expired";
  clock_.Advance(days{91});
  EXPECT_EQ(tokens_.PurgeExpired(days{90}), 1u);
  EXPECT_TRUE(tokens_.List(acme_).empty());
}

TEST_F(ApiTokens, SEC_9_NamesAreTextAndTheCountIsBounded) {
  EXPECT_EQ(
      tokens_.Create(acme_, {"", {"devices.read"}, clock_.Now() + days{1}}, admin_, "taro").error().field,
      "name");
  EXPECT_EQ(
      tokens_.Create(acme_, {"a\nb", {"devices.read"}, clock_.Now() + days{1}}, admin_, "taro").error().field,
      "name");
  EXPECT_EQ(
      tokens_.Create(acme_, {std::string(101, 'x'), {"devices.read"}, clock_.Now() + days{1}}, admin_, "taro")
          .error()
          .field,
      "name");
  for (std::size_t i = 0; i < kMaxTokensPerOwner; ++i) ASSERT_TRUE(Create(acme_, {"devices.read"}, admin_));
  auto over = Create(acme_, {"devices.read"}, admin_);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().problem, "too_many_tokens");
  EXPECT_TRUE(Create(other_, {"devices.read"}, admin_)) << "the bound is per company";
  // Expired tokens stay listed, so they count toward a bound of all rows too.
  clock_.Advance(days{31});
  for (std::size_t i = 0; i < kMaxTokenRowsPerOwner - kMaxTokensPerOwner; ++i)
    ASSERT_TRUE(Create(acme_, {"devices.read"}, admin_, days{1}));
  clock_.Advance(days{2});  // none unexpired now, 200 rows
  EXPECT_EQ(Create(acme_, {"devices.read"}, admin_).error().problem, "too_many_tokens");
}

// SEC-8: one company neither lists nor revokes another's tokens; the provider's are apart.
TEST_F(ApiTokens, SEC_8_TokensStayInsideTheirOwner) {
  auto mine = Create(acme_, {"devices.read"}, admin_);
  auto theirs = Create(other_, {"devices.read"}, admin_);
  auto provider = Create(std::nullopt, {"provider.audit"}, site_admin_);
  ASSERT_TRUE(mine && theirs && provider);
  ASSERT_EQ(tokens_.List(acme_).size(), 1u);
  EXPECT_EQ(tokens_.List(acme_)[0].id, mine->token.id);
  ASSERT_EQ(tokens_.List(std::nullopt).size(), 1u);
  EXPECT_EQ(tokens_.List(std::nullopt)[0].id, provider->token.id);
  EXPECT_EQ(tokens_.Revoke(acme_, theirs->token.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tokens_.Revoke(acme_, provider->token.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tokens_.Revoke(std::nullopt, mine->token.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(tokens_.Resolve(theirs->secret, "192.0.2.1").token);
  ASSERT_TRUE(tokens_.Revoke(acme_, mine->token.id));
  EXPECT_FALSE(tokens_.Resolve(mine->secret, "192.0.2.1").token) << "revoked: refused at once";
}

// A suspended company's tokens stop at once; its SEC-4 restriction applies to them.
TEST_F(ApiTokens, SEC_4_SEC_9_CompanyStateAndAddressRestrictionApply) {
  auto t = Create(acme_, {"devices.read"}, admin_);
  ASSERT_TRUE(t);
  ASSERT_TRUE(companies_.UpdateSignIn(
      acme_, {.ip_restriction_enabled = true, .ip_allowlist = *tenancy::ParseAllowlist({"192.0.2.0/24"})},
      std::nullopt));
  EXPECT_FALSE(tokens_.Resolve(t->secret, "192.0.2.9").address_refused);
  auto outside = tokens_.Resolve(t->secret, "198.51.100.9");
  ASSERT_TRUE(outside.token) << "known, so the refusal is recorded with the token as actor";
  EXPECT_TRUE(outside.address_refused);
  tenancy::CompanyPatch suspend;
  suspend.status = tenancy::CompanyStatus::kSuspended;
  ASSERT_TRUE(companies_.Update(provider_, acme_, suspend));
  EXPECT_FALSE(tokens_.Resolve(t->secret, "192.0.2.9").token);
}

TEST_F(ApiTokens, SEC_9_LastUseIsRecordedAtMostOnceAMinute) {
  auto t = Create(acme_, {"devices.read"}, admin_);
  ASSERT_TRUE(tokens_.Resolve(t->secret, "192.0.2.1").token);
  clock_.Advance(std::chrono::seconds{30});
  ASSERT_TRUE(tokens_.Resolve(t->secret, "192.0.2.1").token);
  auto listed = tokens_.List(acme_).at(0);
  EXPECT_EQ(listed.last_used_at, clock_.Now() - std::chrono::seconds{30});
  EXPECT_EQ(listed.last_used_ip, "192.0.2.1");
  ASSERT_TRUE(tokens_.Resolve(t->secret, "192.0.2.2").token);
  EXPECT_EQ(tokens_.List(acme_).at(0).last_used_ip, "192.0.2.2") << "a new address is written at once";
  clock_.Advance(minutes{1});
  ASSERT_TRUE(tokens_.Resolve(t->secret, "192.0.2.2").token);
  EXPECT_EQ(tokens_.List(acme_).at(0).last_used_at, clock_.Now());
}

TEST_F(ApiTokens, TheActorIsTheTokenNeverAnAdministrator) {
  auto t = Create(acme_, {"devices.read"}, admin_);
  const auto actor = TokenActor(t->token);
  EXPECT_EQ(actor.account.id.value(), t->token.id);
  EXPECT_EQ(actor.account.login, "token:order system");
  EXPECT_EQ(actor.account.kind, identity::AccountKind::kGeneral);
  EXPECT_EQ(actor.account.company_id, acme_);
  EXPECT_FALSE(actor.account.must_change_password);
}

}  // namespace
}  // namespace kanri::access
