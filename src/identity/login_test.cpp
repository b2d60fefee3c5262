#include "identity/login.h"

#include <soci/logger.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using LoginTest = IdentityTest;

// Every statement the database's pooled connections run, in order (SOCI's query logger).
class StatementLog {
 public:
  StatementLog(db::Database& db, std::size_t pool_size) {
    for (std::size_t i = 0; i < pool_size; ++i) db.pool().at(i).set_logger(new Recorder(this));
  }
  std::vector<std::string> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(statements_, {});
  }

 private:
  struct Recorder : soci::logger_impl {
    explicit Recorder(StatementLog* log) : log(log) {}
    void start_query(const std::string& query) override {
      std::lock_guard lock(log->mu_);
      log->statements_.push_back(query);
    }
    soci::logger_impl* do_clone() const override { return new Recorder(log); }
    StatementLog* log;
  };
  std::mutex mu_;
  std::vector<std::string> statements_;
};

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

TEST_F(LoginTest, SEC_1_EveryRefusedLoginDoesTheDatabaseWorkOfAWrongPassword) {
  auto hana = accounts_.Create(company_, {"hana", "Hana", "hana@example.jp", AccountKind::kGeneral},
                               hasher_.Hash(kPassword));
  ASSERT_TRUE(hana);
  ASSERT_TRUE(accounts_.Update(company_, hana->id, {.status = AccountStatus::kDisabled}, taro_.id));
  auto beta = companies_.Create(provider_, {"beta", "Beta", *Date::Parse("2026-01-01"), std::nullopt});
  ASSERT_TRUE(beta);  // its contract has not started on 2025-04-01
  ASSERT_TRUE(accounts_.Create(beta->id, {"jiro", "Jiro", "jiro@example.jp", AccountKind::kAdmin},
                               hasher_.Hash(kPassword)));
  ASSERT_TRUE(accounts_.CreateSiteAdministrator(provider_, {"root", "Root", "root@example.jp"},
                                                hasher_.Hash(kPassword)));

  StatementLog log(tdb_.db(), 4);
  auto work = [&](std::string company, std::string login, std::string_view password = "wrong-password") {
    (void)log.Take();
    auto out = Login(login, password, std::move(company));
    EXPECT_FALSE(out.session) << login;
    return log.Take();
  };
  const auto wrong = work("acme", "taro");
  auto count = [&](std::string_view prefix) {
    return std::count_if(wrong.begin(), wrong.end(),
                         [&](const std::string& q) { return q.starts_with(prefix); });
  };
  ASSERT_EQ(count("BEGIN"), 1) << "a wrong password writes its failure count in one write transaction";
  ASSERT_EQ(count("UPDATE accounts"), 1);
  ASSERT_EQ(count("COMMIT"), 1);

  EXPECT_EQ(work("acme", "nobody"), wrong) << "unknown account";
  EXPECT_EQ(work("nosuch", "taro"), wrong) << "unknown company";
  EXPECT_EQ(work("acme", "hana", kPassword), wrong) << "disabled account, right password";
  EXPECT_EQ(work("beta", "jiro", kPassword), wrong) << "company not in service, right password";
  EXPECT_EQ(work("acme", std::string(1 << 20, 'a')), wrong) << "a megabyte login ID";
  for (int i = 0; i < 4; ++i) (void)Login("taro", "wrong-password");  // the fifth failure locks
  EXPECT_EQ(work("acme", "taro", kPassword), wrong) << "locked account, right password";

  const auto site_wrong = work("", "root");
  EXPECT_EQ(work("", "nobody"), site_wrong) << "unknown site administrator";
  EXPECT_EQ(work("", "taro"), site_wrong) << "a company account without its company";
}

TEST_F(LoginTest, SEC_1_TemporaryPasswordExpiresAfterItsLifetime) {
  ASSERT_TRUE(accounts_.ResetPassword(company_, taro_.id, hasher_.Hash("temporary-pw-1")));
  const Timestamp issued = clock_.Now();
  clock_.Set(issued + std::chrono::hours{72} - seconds{1});
  auto fresh = Login("taro", "temporary-pw-1");
  ASSERT_TRUE(fresh.session) << "valid for 72 hours";
  EXPECT_TRUE(fresh.session->actor.account.must_change_password);

  clock_.Set(issued + std::chrono::hours{72});
  EXPECT_EQ(Login("taro", "wrong-password").failure, LoginFailure::kWrongPassword)
      << "a wrong password does not learn that the temporary one expired";
  auto expired = Login("taro", "temporary-pw-1");
  EXPECT_FALSE(expired.session);
  EXPECT_EQ(expired.failure, LoginFailure::kTemporaryPasswordExpired);
  EXPECT_EQ(accounts_.GetSelf(taro_.id)->failed_logins, 0) << "the right password resets the count";

  // A password the account chose itself does not expire.
  ASSERT_TRUE(accounts_.ChangeOwnPassword(taro_.id, hasher_.Hash("chosen-pw-22"), SessionId{"none"}));
  clock_.Advance(std::chrono::hours{24 * 400});
  EXPECT_TRUE(Login("taro", "chosen-pw-22").session);
}

TEST_F(LoginTest, SEC_1_WrongCurrentPasswordCountsTowardTheLock) {
  auto check = [&](std::string_view password) {
    LoginAttempt a = login_.BeginPasswordCheck(taro_.id, "192.0.2.1");
    return login_.Complete(a, hasher_.Verify(a.hash_to_check, password));
  };
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(check("wrong-password").failure, LoginFailure::kWrongPassword);
  auto fifth = check("wrong-password");
  EXPECT_TRUE(fifth.locked_now);
  EXPECT_EQ(check(kPassword).failure, LoginFailure::kLocked) << "a locked account cannot change its password";
  EXPECT_FALSE(Login("taro", kPassword).session) << "and cannot log in";

  clock_.Advance(minutes{30});
  auto right = check(kPassword);
  EXPECT_EQ(right.failure, LoginFailure::kNone);
  EXPECT_FALSE(right.session) << "a password check opens no session";
  EXPECT_EQ(accounts_.GetSelf(taro_.id)->failed_logins, 0);
}

TEST(HashingAdmission, SEC_1_OneJobPerAccountAndAFairSharePerAddress) {
  HashingAdmission admission{{.max_per_address = 2}};
  auto [first, ticket] = admission.Admit("account:a", "192.0.2.1");
  EXPECT_EQ(first, HashingAdmission::Verdict::kAdmitted);
  EXPECT_EQ(admission.Admit("account:a", "192.0.2.9").first, HashingAdmission::Verdict::kAccountBusy)
      << "a second job of the same account, from anywhere";
  auto [second, ticket2] = admission.Admit("account:b", "192.0.2.1");
  EXPECT_EQ(second, HashingAdmission::Verdict::kAdmitted);
  EXPECT_EQ(admission.Admit("account:c", "192.0.2.1").first, HashingAdmission::Verdict::kAddressBusy);
  EXPECT_EQ(admission.Admit("account:c", "192.0.2.2").first, HashingAdmission::Verdict::kAdmitted)
      << "another address is not affected";
  ticket = {};
  EXPECT_EQ(admission.jobs_of("192.0.2.1"), 1u);
  EXPECT_EQ(admission.Admit("account:a", "192.0.2.1").first, HashingAdmission::Verdict::kAdmitted)
      << "a released place is free again";
}

TEST_F(LoginTest, SEC_1_ABusyAccountIsRefusedWithoutCountingAFailure) {
  HashingAdmission admission;
  LoginAttempt first = login_.Begin({std::string("acme"), "taro", "192.0.2.1"}, &admission);
  ASSERT_TRUE(first.claimed);
  LoginAttempt second = login_.Begin({std::string("acme"), "TARO", "192.0.2.2"}, &admission);
  EXPECT_EQ(second.refusal, LoginFailure::kBusy);
  EXPECT_FALSE(second.claimed);
  EXPECT_EQ(accounts_.GetSelf(taro_.id)->failed_logins, 1) << "only the admitted attempt counts";
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
