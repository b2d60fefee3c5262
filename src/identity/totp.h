// SEC-9: a TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock
// skew either way), computed by liboath. Each account enrols itself:
//
//   auto e = totp.BeginEnrolment(account, "ACME");      // secret, otpauth:// URI, QR code (SVG)
//   auto codes = totp.ConfirmEnrolment(account.id, "123456");  // on; 10 recovery codes, shown once
//
// The seed is stored sealed (base/secret_box.h, keys/account-secrets.key); recovery codes (80
// random bits each) only as SHA-256. A code is accepted once: the step it belongs to is kept, and
// a code of that step or an earlier one is refused afterwards. A recovery code works once.
//
// Logging in with the factor on takes two steps (identity/login.h): the password answers a
// short-lived challenge (IssueChallenge), and the challenge with a code opens the session.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "base/secret_box.h"
#include "base/time.h"
#include "db/database.h"
#include "identity/accounts.h"

namespace kanri::identity {

inline constexpr int kRecoveryCodeCount = 10;
inline constexpr Millis kChallengeLifetime = std::chrono::minutes{5};

struct TotpEnrolment {
  std::string secret_base32;
  std::string otpauth_uri;
  std::string qr_svg;  // the URI as a QR code, an SVG document
};

class Totp {
 public:
  Totp(db::Database& db, const Clock& clock, SecretBox box, std::string issuer = "Kanri")
      : db_(db), clock_(clock), box_(std::move(box)), issuer_(std::move(issuer)) {}

  // Begins (or begins again) the enrolment of `account`; 409 totp_already_enabled while on.
  // `company_code` names the account in the authenticator app ("ACME/taro").
  Result<TotpEnrolment> BeginEnrolment(const Account& account, std::string_view company_code);
  // A current code from the app confirms the enrolment: the factor is on, and the answer holds
  // the recovery codes (their only showing). 400 wrong_code; 409 no_enrolment.
  Result<std::vector<std::string>> ConfirmEnrolment(const AccountId& id, std::string_view code);
  // Off, proved by a current code or a recovery code (400 wrong_code).
  Status Disable(const AccountId& id, std::string_view code);
  // New recovery codes in place of all the old ones (used or not), proved by a current code or
  // a recovery code; their only showing. 409 totp_not_enabled; 400 wrong_code.
  Result<std::vector<std::string>> RegenerateRecoveryCodes(const AccountId& id, std::string_view code);
  // Off without a code (an administrator's reset), in the caller's transaction.
  static void Reset(db::Lease& lease, const AccountId& id);

  // A current code, or an unused recovery code, of `id`, in the caller's write transaction: the
  // code's step is recorded, the recovery code used up. False for anything else.
  bool Verify(db::Lease& lease, const AccountId& id, std::string_view code);

  // The second step of a login: a random challenge for `id` (only its hash is kept), valid for
  // kChallengeLifetime; its account while it is valid; ended once it opened a session.
  std::string IssueChallenge(db::Lease& lease, const AccountId& id);
  std::optional<AccountId> ChallengeAccount(db::Lease& lease, std::string_view challenge);
  static void EndChallenge(db::Lease& lease, std::string_view challenge);

  // The code of `secret_base32` at `t` (tests, and the simulator of an authenticator app).
  static std::string CodeAt(std::string_view secret_base32, Timestamp t);

 private:
  // Replaces the account's recovery codes, in the caller's transaction; the new ones, formatted.
  static std::vector<std::string> NewRecoveryCodes(db::Lease& lease, const AccountId& id);

  db::Database& db_;
  const Clock& clock_;
  SecretBox box_;
  std::string issuer_;
};

}  // namespace kanri::identity
