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

TEST_F(SessionsTest, SEC_3_SixtyMinutesWithoutAnOperationEndsTheSession) {
  auto out = Login("taro", kPassword);
  ASSERT_TRUE(out.session);
  const std::string token = out.session->token;
  clock_.Advance(minutes{59} + seconds{59});
  EXPECT_TRUE(sessions_.Resolve(token, /*is_operation=*/false).actor) << "alive at 59:59";
  clock_.Advance(seconds{1});
  auto r = sessions_.Resolve(token, false);
  EXPECT_FALSE(r.actor) << "ended at 60:00";
  EXPECT_EQ(r.end, SessionEnd::kIdle);
  EXPECT_EQ(sessions_.Resolve(token, true).end, SessionEnd::kUnknown) << "an ended session is gone";
}

TEST_F(SessionsTest, SEC_3_OperationsKeepTheSessionAliveButBackgroundPollsDoNot) {
  auto out = Login("taro", kPassword);
  const std::string token = out.session->token;
  clock_.Advance(minutes{30});
  ASSERT_TRUE(sessions_.Resolve(token, true).actor);  // an operation at 30:00
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(minutes{5});
    ASSERT_TRUE(sessions_.Resolve(token, false).actor);  // polls up to 80:00
  }
  clock_.Set(out.session->actor.created_at + minutes{89} + seconds{59});
  EXPECT_TRUE(sessions_.Resolve(token, false).actor);
  clock_.Set(out.session->actor.created_at + minutes{90});
  EXPECT_EQ(sessions_.Resolve(token, false).end, SessionEnd::kIdle) << "60 minutes after the last operation";
}

TEST_F(SessionsTest, SEC_3_AbsoluteLifetimeEndsEvenABusySession) {
  auto out = Login("taro", kPassword);
  const std::string token = out.session->token;
  for (int i = 0; i < 23; ++i) {
    clock_.Advance(minutes{30});
    ASSERT_TRUE(sessions_.Resolve(token, true).actor) << i;
  }
  clock_.Advance(minutes{30});  // 12 h
  EXPECT_EQ(sessions_.Resolve(token, true).end, SessionEnd::kLifetime);
}

TEST_F(SessionsTest, SEC_3_DisablingOrLockingEndsSessionsAtOnce) {
  auto hana = accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral},
                               hasher_.Hash(kPassword));
  auto s1 = Login("hana", kPassword);
  ASSERT_TRUE(s1.session);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kLocked}, taro_.id));
  EXPECT_FALSE(sessions_.Resolve(s1.session->token, true).actor);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kActive}, taro_.id));
  auto s2 = Login("hana", kPassword);
  ASSERT_TRUE(s2.session);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kDisabled}, taro_.id));
  EXPECT_FALSE(sessions_.Resolve(s2.session->token, true).actor);
}

TEST_F(SessionsTest, SEC_1_LockoutEndsTheAccountsSessions) {
  auto s = Login("taro", kPassword);
  ASSERT_TRUE(s.session);
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true).actor);
}

TEST_F(SessionsTest, SuspendingTheCompanyEndsItsSessions) {
  auto s = Login("taro", kPassword);
  tenancy::CompanyPatch patch;
  patch.status = tenancy::CompanyStatus::kSuspended;
  ASSERT_TRUE(companies_.Update(provider_, company_, patch));
  EXPECT_EQ(sessions_.Resolve(s.session->token, true).end, SessionEnd::kAccountInactive);
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
    EXPECT_EQ(sessions_.Resolve(a.session->token, true).actor->account.login, "taro");
    EXPECT_EQ(sessions_.Resolve(b.session->token, true).actor->account.login, "hana");
    EXPECT_EQ(sessions_.Resolve("no-such-token", true).end, SessionEnd::kUnknown);
  }
}

}  // namespace
}  // namespace kanri::identity
