#include "identity/login.h"

#include <atomic>
#include <thread>

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using LoginTest = IdentityTest;

TEST_F(LoginTest, RightPasswordLogsIn) {
  auto out = Login("TARO", kPassword);  // login IDs are case-insensitive
  ASSERT_TRUE(out.session);
  EXPECT_EQ(out.failure, LoginFailure::kNone);
  EXPECT_EQ(out.session->actor.account.id, taro_.id);
  EXPECT_EQ(accounts_.GetSelf(taro_.id)->last_login_at, clock_.Now());
}

TEST_F(LoginTest, SEC_1_FiveFailuresLockForThirtyMinutesEvenWithTheRightPassword) {
  for (int i = 1; i <= 4; ++i) {
    auto out = Login("taro", "wrong-password");
    EXPECT_EQ(out.failure, LoginFailure::kWrongPassword);
    EXPECT_FALSE(out.locked_now);
  }
  auto fifth = Login("taro", "wrong-password");
  EXPECT_TRUE(fifth.locked_now);
  const Timestamp locked_at = clock_.Now();

  auto right = Login("taro", kPassword);
  EXPECT_FALSE(right.session);
  EXPECT_EQ(right.failure, LoginFailure::kLocked);

  clock_.Set(locked_at + minutes{29} + seconds{59});
  EXPECT_FALSE(Login("taro", kPassword).session) << "still locked at 29:59";
  clock_.Set(locked_at + minutes{30});
  EXPECT_TRUE(Login("taro", kPassword).session) << "unlocked at 30:00";
}

TEST_F(LoginTest, SEC_1_LockedAccountPasswordIsNotChecked) {
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  LoginAttempt attempt = login_.Begin({std::string("acme"), "taro", "192.0.2.1"});
  EXPECT_FALSE(attempt.claimed);
  EXPECT_EQ(attempt.hash_to_check, hasher_.dummy_hash());
}

TEST_F(LoginTest, SEC_1_FailuresWhileLockedDoNotExtendTheLock) {
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  const Timestamp locked_at = clock_.Now();
  clock_.Set(locked_at + minutes{20});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Login("taro", "wrong-password").failure, LoginFailure::kLocked);
  clock_.Set(locked_at + minutes{30});
  EXPECT_TRUE(Login("taro", kPassword).session);
}

TEST_F(LoginTest, SEC_1_SuccessResetsTheCount) {
  for (int i = 0; i < 4; ++i) (void)Login("taro", "wrong-password");
  ASSERT_TRUE(Login("taro", kPassword).session);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(Login("taro", "wrong-password").locked_now);
  EXPECT_TRUE(Login("taro", kPassword).session);
}

TEST_F(LoginTest, SEC_1_AfterTheLockExpiresCountingStartsAgain) {
  for (int i = 0; i < 5; ++i) (void)Login("taro", "wrong-password");
  clock_.Advance(minutes{30});
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(Login("taro", "wrong-password").locked_now);
  EXPECT_TRUE(Login("taro", "wrong-password").locked_now);
}

TEST_F(LoginTest, SEC_1_FiftyParallelWrongAttemptsLockExactlyOnce) {
  std::atomic<int> locks{0}, claimed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      LoginAttempt a = login_.Begin({std::string("acme"), "taro", "192.0.2.1"});
      if (a.claimed) ++claimed;
      auto out = login_.Complete(a, hasher_.Verify(a.hash_to_check, "wrong-password"));
      if (out.locked_now) ++locks;
      EXPECT_FALSE(out.session);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(locks.load(), 1);
  EXPECT_EQ(claimed.load(), 5) << "only five passwords may be checked";
  EXPECT_TRUE(accounts_.GetSelf(taro_.id)->IsLocked(clock_.Now()));
}

TEST_F(LoginTest, SEC_1_UnknownAccountTakesTheSamePathAsAWrongPassword) {
  LoginAttempt unknown = login_.Begin({std::string("acme"), "nobody", "192.0.2.1"});
  EXPECT_FALSE(unknown.claimed);
  EXPECT_EQ(unknown.hash_to_check, hasher_.dummy_hash());
  EXPECT_EQ(login_.Complete(unknown, false).failure, LoginFailure::kUnknownAccount);
  LoginAttempt no_company = login_.Begin({std::string("nosuch"), "taro", "192.0.2.1"});
  EXPECT_EQ(no_company.hash_to_check, hasher_.dummy_hash());
}

TEST_F(LoginTest, DisabledAccountAndSuspendedCompanyCannotLogIn) {
  auto other = accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral},
                                hasher_.Hash(kPassword));
  ASSERT_TRUE(other);
  ASSERT_TRUE(accounts_.Update(company_, other->id, {.status = AccountStatus::kDisabled}, taro_.id));
  EXPECT_EQ(Login("hana", kPassword).failure, LoginFailure::kDisabled);

  tenancy::CompanyPatch patch;
  patch.status = tenancy::CompanyStatus::kSuspended;
  ASSERT_TRUE(companies_.Update(provider_, company_, patch));
  EXPECT_EQ(Login("taro", kPassword).failure, LoginFailure::kCompanyNotInService);
}

TEST_F(LoginTest, SiteAdministratorLogsInWithoutCompany) {
  ASSERT_TRUE(accounts_.CreateSiteAdministrator(provider_, {"root", "Root", "root@example.jp"},
                                                hasher_.Hash(kPassword)));
  EXPECT_TRUE(Login("root", kPassword, "").session);
  EXPECT_FALSE(Login("taro", kPassword, "").session) << "a company account is not a site administrator";
  EXPECT_FALSE(Login("root", kPassword, "acme").session);
}

TEST(LoginThrottle, SEC_1_OneAddressCannotLockEveryAccount) {
  ManualClock clock{*ParseUtc("2025-04-01T00:00:00Z")};
  LoginThrottle throttle{clock, {.max_failures_per_address = 3, .window = minutes{10}}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.Allows("198.51.100.7"));
    throttle.RecordFailure("198.51.100.7");
  }
  EXPECT_FALSE(throttle.Allows("198.51.100.7"));
  EXPECT_TRUE(throttle.Allows("198.51.100.8"));
  clock.Advance(minutes{10});
  EXPECT_TRUE(throttle.Allows("198.51.100.7"));
}

}  // namespace
}  // namespace kanri::identity
