#include "identity/totp.h"

#include <gtest/gtest.h>

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using std::chrono::seconds;

class TotpTest : public IdentityTest {
 protected:
  // taro enrolled: returns the secret and sets recovery_codes_.
  std::string Enrol() {
    auto e = totp_.BeginEnrolment(taro_, "ACME");
    EXPECT_TRUE(e);
    auto codes = totp_.ConfirmEnrolment(taro_.id, Totp::CodeAt(e->secret_base32, clock_.Now()));
    EXPECT_TRUE(codes) << codes.error().message;
    recovery_codes_ = *codes;
    clock_.Advance(seconds{30});  // the code used to confirm is spent; the next step's is fresh
    return e->secret_base32;
  }
  LoginOutcome Second(const std::string& challenge, const std::string& code) {
    auto attempt = login_.BeginSecondFactor(challenge, "192.0.2.1");
    return login_.CompleteSecondFactor(attempt, code);
  }
  std::vector<std::string> recovery_codes_;
};

TEST_F(TotpTest, SEC_9_EnrolmentGivesASecretAUriAndAQrCodeAndNeedsACodeToSwitchOn) {
  auto e = totp_.BeginEnrolment(taro_, "ACME");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->secret_base32.size(), 32u) << "160 bits in base32";
  EXPECT_TRUE(e->otpauth_uri.starts_with("otpauth://totp/Kanri:ACME%2Ftaro?secret=" + e->secret_base32));
  EXPECT_TRUE(e->qr_svg.starts_with("<svg ")) << e->qr_svg.substr(0, 40);
  EXPECT_EQ(e->qr_svg.find("style"), std::string::npos) << "no inline style under the CSP";
  EXPECT_FALSE(accounts_.Get(company_, taro_.id)->totp_enabled_at) << "not on before a code";
  const std::string right = Totp::CodeAt(e->secret_base32, clock_.Now());
  EXPECT_EQ(totp_.ConfirmEnrolment(taro_.id, right == "000000" ? "111111" : "000000").error().problem,
            "wrong_code");
  auto codes = totp_.ConfirmEnrolment(taro_.id, right);
  ASSERT_TRUE(codes);
  EXPECT_EQ(codes->size(), 10u);
  EXPECT_TRUE(accounts_.Get(company_, taro_.id)->totp_enabled_at);
  EXPECT_EQ(totp_.BeginEnrolment(taro_, "ACME").error().problem, "totp_already_enabled");
  // The seed is stored sealed, the recovery codes only hashed.
  auto lease = tdb_.db().Acquire();
  std::string sealed;
  lease.sql() << "SELECT totp_secret_enc FROM accounts WHERE id = :id", soci::use(taro_.id.value()),
      soci::into(sealed);
  EXPECT_EQ(sealed.find(e->secret_base32), std::string::npos);
  long long plain = 0;
  const std::string first = codes->at(0);
  lease.sql() << "SELECT COUNT(*) FROM totp_recovery_codes WHERE code_hash = :c", soci::use(first),
      soci::into(plain);
  EXPECT_EQ(plain, 0);
}

TEST_F(TotpTest, SEC_9_LoginTakesTwoStepsAndACodeWorksOnce) {
  const std::string secret = Enrol();
  auto first = Login("taro", kPassword);
  ASSERT_FALSE(first.session) << "the password alone opens nothing";
  ASSERT_EQ(first.failure, LoginFailure::kSecondFactorRequired);
  ASSERT_FALSE(first.challenge.empty());
  const std::string code = Totp::CodeAt(secret, clock_.Now());
  auto ok = Second(first.challenge, code);
  ASSERT_TRUE(ok.session) << ToString(ok.failure);
  EXPECT_EQ(accounts_.Get(company_, taro_.id)->failed_logins, 0);
  // The same code again, even with a new challenge: refused (replay).
  auto again = Login("taro", kPassword);
  EXPECT_EQ(Second(again.challenge, code).failure, LoginFailure::kWrongCode);
  // One step of skew either way is accepted; two are not.
  clock_.Advance(seconds{30});
  auto skew = Login("taro", kPassword);
  EXPECT_TRUE(Second(skew.challenge, Totp::CodeAt(secret, clock_.Now() + seconds{30})).session);
  clock_.Advance(seconds{60});
  auto far = Login("taro", kPassword);
  EXPECT_EQ(Second(far.challenge, Totp::CodeAt(secret, clock_.Now() + seconds{60})).failure,
            LoginFailure::kWrongCode);
  // A challenge is used once, and expires.
  EXPECT_EQ(Second(first.challenge, Totp::CodeAt(secret, clock_.Now())).failure,
            LoginFailure::kUnknownAccount);
  auto late = Login("taro", kPassword);
  clock_.Advance(kChallengeLifetime);
  EXPECT_EQ(Second(late.challenge, Totp::CodeAt(secret, clock_.Now())).failure,
            LoginFailure::kUnknownAccount);
}

TEST_F(TotpTest, SEC_9_ARecoveryCodeStandsForTheCodeOnce) {
  Enrol();
  auto first = Login("taro", kPassword);
  std::string typed = recovery_codes_.at(3);
  for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(Second(first.challenge, typed).session) << "case and dashes do not matter";
  auto second = Login("taro", kPassword);
  EXPECT_EQ(Second(second.challenge, recovery_codes_.at(3)).failure, LoginFailure::kWrongCode) << "used up";
  EXPECT_TRUE(Second(second.challenge, recovery_codes_.at(4)).session);
}

TEST_F(TotpTest, SEC_9_NewRecoveryCodesReplaceTheOldOnesWhenACodeProvesIt) {
  EXPECT_EQ(totp_.RegenerateRecoveryCodes(taro_.id, "123456").error().problem, "totp_not_enabled");
  const std::string secret = Enrol();
  EXPECT_EQ(totp_.RegenerateRecoveryCodes(taro_.id, "000000").error().problem, "wrong_code");
  auto fresh = totp_.RegenerateRecoveryCodes(taro_.id, Totp::CodeAt(secret, clock_.Now()));
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->size(), static_cast<std::size_t>(kRecoveryCodeCount));
  EXPECT_NE(fresh->at(0), recovery_codes_.at(0));
  auto login = Login("taro", kPassword);
  EXPECT_EQ(Second(login.challenge, recovery_codes_.at(0)).failure, LoginFailure::kWrongCode)
      << "the old codes are gone";
  EXPECT_TRUE(Second(login.challenge, fresh->at(0)).session);
}

// SEC-1: wrong codes count toward the lock like wrong passwords; the password step does not
// clear the count, so knowing the password buys no fresh run of guesses.
TEST_F(TotpTest, SEC_1_SEC_9_WrongCodesLockTheAccount) {
  const std::string secret = Enrol();
  auto first = Login("taro", kPassword);  // failure 1 (until the right code)
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Second(first.challenge, "000001").failure, LoginFailure::kWrongCode);
  auto relogin = Login("taro", kPassword);  // failure 5: the lock
  EXPECT_EQ(relogin.failure, LoginFailure::kSecondFactorRequired);
  auto last = Second(relogin.challenge, Totp::CodeAt(secret, clock_.Now()));
  EXPECT_EQ(last.failure, LoginFailure::kLocked) << "locked: not even the right code opens it";
  EXPECT_EQ(accounts_.Get(company_, taro_.id)->failed_logins, 5);
}

TEST_F(TotpTest, SEC_9_DisableNeedsACodeAndResetNeedsNone) {
  const std::string secret = Enrol();
  EXPECT_EQ(totp_.Disable(taro_.id, "123").error().problem, "wrong_code");
  ASSERT_TRUE(totp_.Disable(taro_.id, Totp::CodeAt(secret, clock_.Now())));
  EXPECT_FALSE(accounts_.Get(company_, taro_.id)->totp_enabled_at);
  EXPECT_TRUE(Login("taro", kPassword).session) << "one step again";
  Enrol();
  {
    auto lease = tdb_.db().Acquire();
    db::WriteTransaction tx(lease);
    Totp::Reset(lease, taro_.id);
    tx.Commit();
  }
  EXPECT_TRUE(Login("taro", kPassword).session);
}

TEST_F(TotpTest, SEC_9_ACompanyThatRequiresItConfinesSessionsToEnrolment) {
  ASSERT_TRUE(companies_.UpdateSignIn(company_, {.totp_required = true}, std::nullopt));
  auto s = Login("taro", kPassword);
  ASSERT_TRUE(s.session) << "logs in, to enrol";
  EXPECT_TRUE(sessions_.Resolve(s.session->token, true, "192.0.2.1").actor->totp_enrolment_required);
  Enrol();
  EXPECT_FALSE(sessions_.Resolve(s.session->token, true, "192.0.2.1").actor->totp_enrolment_required);
}

}  // namespace
}  // namespace kanri::identity
