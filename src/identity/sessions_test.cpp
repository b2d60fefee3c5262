#include "identity/sessions.h"

#include <fstream>
#include <sstream>

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

using SessionsTest = IdentityTest;

constexpr std::string_view kAddress = "192.0.2.10";

TEST_F(SessionsTest, SEC_3_SixtyMinutesWithoutAnOperationEndsTheSession) {
  auto out = Login("taro", kPassword);
  ASSERT_TRUE(out.session);
  const std::string token = out.session->token;
  clock_.Advance(minutes{59} + seconds{59});
  EXPECT_TRUE(sessions_.Resolve(token, /*is_operation=*/false, kAddress).actor) << "alive at 59:59";
  clock_.Advance(seconds{1});
  auto r = sessions_.Resolve(token, false, kAddress);
  EXPECT_FALSE(r.actor) << "ended at 60:00";
  EXPECT_EQ(r.end, SessionEnd::kIdle);
  EXPECT_EQ(sessions_.Resolve(token, true, kAddress).end, SessionEnd::kUnknown) << "an ended session is gone";
}

TEST_F(SessionsTest, SEC_3_OperationsKeepTheSessionAliveButBackgroundPollsDoNot) {
  auto out = Login("taro", kPassword);
  const std::string token = out.session->token;
  clock_.Advance(minutes{30});
  ASSERT_TRUE(sessions_.Resolve(token, true, kAddress).actor);  // an operation at 30:00
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(minutes{5});
    ASSERT_TRUE(sessions_.Resolve(token, false, kAddress).actor);  // polls up to 80:00
  }
  clock_.Set(out.session->actor.created_at + minutes{89} + seconds{59});
  EXPECT_TRUE(sessions_.Resolve(token, false, kAddress).actor);
  clock_.Set(out.session->actor.created_at + minutes{90});
  EXPECT_EQ(sessions_.Resolve(token, false, kAddress).end, SessionEnd::kIdle)
      << "60 minutes after the last operation";
}

TEST_F(SessionsTest, SEC_3_AbsoluteLifetimeEndsEvenABusySession) {
  auto out = Login("taro", kPassword);
  const std::string token = out.session->token;
  for (int i = 0; i < 23; ++i) {
    clock_.Advance(minutes{30});
    ASSERT_TRUE(sessions_.Resolve(token, true, kAddress).actor) << i;
  }
  clock_.Advance(minutes{30});  // 12 h
  EXPECT_EQ(sessions_.Resolve(token, true, kAddress).end, SessionEnd::kLifetime);
}

TEST_F(SessionsTest, SEC_3_DisablingOrLockingEndsSessionsAtOnce) {
  auto hana = accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral},
                               hasher_.Hash(kPassword));
  auto s1 = Login("hana", kPassword);
  ASSERT_TRUE(s1.session);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kLocked}, taro_.id));
  EXPECT_FALSE(sessions_.Resolve(s1.session->token, true, kAddress).actor);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kActive}, taro_.id));
  auto s2 = Login("hana", kPassword);
  ASSERT_TRUE(s2.session);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kDisabled}, taro_.id));
  EXPECT_FALSE(sessions_.Resolve(s2.session->token, true, kAddress).actor);
}

TEST_F(SessionsTest, SEC_1_LockoutEndsTheAccountsSessions) {
  auto s = Login("taro", kPassword);
  ASSERT_TRUE(s.session);
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, kAddress).actor);
}

TEST_F(SessionsTest, SuspendingTheCompanyEndsItsSessions) {
  auto s = Login("taro", kPassword);
  tenancy::CompanyPatch patch;
  patch.status = tenancy::CompanyStatus::kSuspended;
  ASSERT_TRUE(companies_.Update(provider_, company_, patch));
  EXPECT_EQ(sessions_.Resolve(s.session->token, true, kAddress).end, SessionEnd::kAccountInactive);
}

// SEC-4: with the company's restriction on, a session works only from an allowed address; it
// is refused (not ended) elsewhere, and a site administrator's session is never restricted.
TEST_F(SessionsTest, SEC_4_ASessionIsRefusedOutsideTheCompanysAllowList) {
  auto s = Login("taro", kPassword, "acme", "192.0.2.10");
  ASSERT_TRUE(s.session);
  tenancy::SignInPolicyPatch on{.ip_restriction_enabled = true,
                                .ip_allowlist = *tenancy::ParseAllowlist({"192.0.2.0/28", "2001:db8::/32"})};
  ASSERT_TRUE(companies_.UpdateSignIn(company_, on, std::nullopt));
  auto refused = sessions_.Resolve(s.session->token, true, "192.0.2.16");
  ASSERT_TRUE(refused.actor) << "the session is known, so the refusal is recorded with its account";
  EXPECT_TRUE(refused.address_refused);
  EXPECT_TRUE(sessions_.Resolve(s.session->token, true, "unknown").address_refused);
  EXPECT_TRUE(sessions_.Resolve(s.session->token, true, "").address_refused);
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, "192.0.2.15").address_refused);
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, "::ffff:192.0.2.1").address_refused);
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, "2001:db8::77").address_refused);
  ASSERT_TRUE(companies_.UpdateSignIn(company_, {.ip_restriction_enabled = false}, std::nullopt));
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, "203.0.113.1").address_refused);
  // On with nothing listed would lock everybody out: refused.
  auto empty = companies_.UpdateSignIn(
      company_, {.ip_restriction_enabled = true, .ip_allowlist = std::vector<IpNetwork>{}}, std::nullopt);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().problem, "allowlist_empty");
}

// SEC-4: the right password from outside the list fails like a wrong one and counts toward the
// lock; from inside it logs in.
TEST_F(SessionsTest, SEC_4_ALoginFromOutsideTheAllowListFailsEvenWithTheRightPassword) {
  ASSERT_TRUE(companies_.UpdateSignIn(
      company_, {.ip_restriction_enabled = true, .ip_allowlist = *tenancy::ParseAllowlist({"192.0.2.1"})},
      std::nullopt));
  auto outside = Login("taro", kPassword, "acme", "192.0.2.2");
  EXPECT_FALSE(outside.session);
  EXPECT_EQ(outside.failure, LoginFailure::kAddressNotAllowed);
  EXPECT_EQ(accounts_.Get(company_, taro_.id)->failed_logins, 1);
  EXPECT_TRUE(Login("taro", kPassword, "acme", "192.0.2.1").session);
  for (int i = 0; i < 5; ++i) (void)Login("taro", kPassword, "acme", "198.51.100.1");
  EXPECT_EQ(Login("taro", kPassword, "acme", "192.0.2.1").failure, LoginFailure::kLocked)
      << "five refusals lock the account like five wrong passwords";
}

// SEC-4: a company's own administrator cannot enable the restriction, or change the list, so
// that it excludes the address they are using; nothing changes then.
TEST_F(SessionsTest, SEC_4_TheLockOutGuardRefusesAndChangesNothing) {
  const std::optional<std::string> caller = "192.0.2.10";
  auto r = companies_.UpdateSignIn(
      company_,
      {.ip_restriction_enabled = true, .ip_allowlist = *tenancy::ParseAllowlist({"198.51.100.0/24"})},
      caller);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().problem, "would_lock_out_caller");
  auto now = companies_.SignIn(company_);
  EXPECT_FALSE(now->ip_restriction_enabled);
  EXPECT_TRUE(now->ip_allowlist.empty());
  // A list that holds the caller is accepted; then dropping the caller's entry is refused.
  ASSERT_TRUE(
      companies_.UpdateSignIn(company_,
                              {.ip_restriction_enabled = true,
                               .ip_allowlist = *tenancy::ParseAllowlist({"192.0.2.10", "198.51.100.0/24"})},
                              caller));
  EXPECT_FALSE(companies_.UpdateSignIn(
      company_, {.ip_allowlist = *tenancy::ParseAllowlist({"198.51.100.0/24"})}, caller));
  // Without a caller address of the company (the provider's site administrator), no guard.
  EXPECT_TRUE(companies_.UpdateSignIn(
      company_, {.ip_allowlist = *tenancy::ParseAllowlist({"198.51.100.0/24"})}, std::nullopt));
}

TEST_F(SessionsTest, SEC_4_AllowListEntriesAreCheckedAndBounded) {
  EXPECT_TRUE(tenancy::ParseAllowlist({"192.0.2.0/24", "2001:db8::/48", "203.0.113.5"}));
  auto host_bits = tenancy::ParseAllowlist({"192.0.2.7/24"});
  ASSERT_FALSE(host_bits);
  EXPECT_NE(host_bits.error().message.find("192.0.2.0/24"), std::string::npos) << host_bits.error().message;
  EXPECT_NE(host_bits.error().message.find("192.0.2.7/32"), std::string::npos) << host_bits.error().message;
  EXPECT_FALSE(tenancy::ParseAllowlist({"192.0.2.0/24", "192.0.2.0/24"}));
  EXPECT_FALSE(tenancy::ParseAllowlist({"intranet"}));
  std::vector<std::string> many;
  for (int i = 0; i < 101; ++i) many.push_back("10.0." + std::to_string(i) + ".0/24");
  EXPECT_FALSE(tenancy::ParseAllowlist(many));
  many.pop_back();
  EXPECT_TRUE(tenancy::ParseAllowlist(many));
}

TEST_F(SessionsTest, TokenIsStoredOnlyAsAHash) {
  auto s = Login("taro", kPassword);
  ASSERT_GE(s.session->token.size(), 43u);  // 256 bits, base64url
  auto lease = tdb_.db().Acquire();
  std::string stored;
  lease.sql() << "SELECT token_hash FROM sessions", soci::into(stored);
  EXPECT_NE(stored, s.session->token);
  EXPECT_EQ(stored.size(), 64u);
  lease.sql() << "PRAGMA wal_checkpoint(TRUNCATE)";
  std::ifstream f(tdb_.file(), std::ios::binary);
  std::stringstream content;
  content << f.rdbuf();
  EXPECT_EQ(content.str().find(s.session->token), std::string::npos);
  EXPECT_EQ(content.str().find(kPassword), std::string::npos);
}

TEST_F(SessionsTest, CsrfTokenIsBoundToTheSession) {
  auto a = Login("taro", kPassword);
  auto b = Login("taro", kPassword);
  EXPECT_EQ(a.session->csrf_token, SessionStore::CsrfTokenFor(a.session->token));
  EXPECT_NE(a.session->csrf_token, b.session->csrf_token);
}

}  // namespace
}  // namespace kanri::identity

namespace kanri::identity {
namespace {

TEST_F(SessionsTest, ReusedStatementAnswersEachTokenForItself) {
  auto hana = accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral},
                               hasher_.Hash(kPassword));
  ASSERT_TRUE(hana);
  auto a = Login("taro", kPassword);
  auto b = Login("hana", kPassword);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(sessions_.Resolve(a.session->token, true, kAddress).actor->account.login, "taro");
    EXPECT_EQ(sessions_.Resolve(b.session->token, true, kAddress).actor->account.login, "hana");
    EXPECT_EQ(sessions_.Resolve("no-such-token", true, kAddress).end, SessionEnd::kUnknown);
  }
}

}  // namespace
}  // namespace kanri::identity
