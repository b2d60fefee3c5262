// Logging in, with the account lock of SEC-1.
//
// A login runs in three steps so that the slow password check happens on its own worker
// pool between two short database steps:
//
//   LoginAttempt attempt = login.Begin(request);                 // database pool
//   bool ok = hasher.Verify(attempt.hash_to_check, password);    // hashing pool
//   LoginOutcome outcome = login.Complete(attempt, ok);          // database pool
//
// Begin claims one of the account's remaining attempts atomically (an UPDATE guarded by the
// lock), so 50 parallel wrong passwords lock the account exactly once, and once the limit is
// reached no password of that account is checked at all. An unknown account, a
// locked or disabled one and a wrong password all take the same path through the hasher
// (a dummy hash stands in) and get the same answer; they also do the same database work
// (SEC-1: the same statements, the claim's write transaction included, run against no row),
// so that neither the answer nor its timing tells whether the account exists.
//
// Changing one's own password checks the current one the same way (BeginPasswordCheck): a
// wrong one counts toward the lock like a failed login, and a locked account cannot change
// its password.
//
// A temporary password (set by an administrator's reset) expires after
// TemporaryPasswordSettings::lifetime; a login with it afterwards fails with
// kTemporaryPasswordExpired, which is told only once the password was verified correct.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "identity/accounts.h"
#include "identity/hashing_admission.h"
#include "identity/password_hasher.h"
#include "identity/sessions.h"
#include "identity/totp.h"
#include "tenancy/companies.h"

namespace kanri::identity {

struct LockoutSettings {
  int max_failures = 5;                             // SEC-1: consecutive failures before the lock
  Millis lock_duration = std::chrono::minutes{30};  // SEC-1
};

struct TemporaryPasswordSettings {
  Millis lifetime = std::chrono::hours{72};  // a reset's temporary password works this long
};

struct LoginRequest {
  std::optional<std::string> company_code;  // empty: a site administrator
  std::string login;
  std::string client_ip;
};

// Why a login failed: for the operation history only, never for the client.
enum class LoginFailure {
  kNone,
  kUnknownAccount,
  kWrongPassword,
  kLocked,
  kDisabled,
  kCompanyNotInService,
  kTemporaryPasswordExpired,  // the right password, but a temporary one past its lifetime
  kBusy,                      // refused by the HashingAdmission before any check (429)
  kAddressNotAllowed,         // SEC-4: the right password, from outside the company's allow-list
  kSecondFactorRequired,      // SEC-9: the right password; now the challenge and a TOTP code
  kWrongCode,                 // SEC-9: a wrong or reused code for the challenge
};
std::string_view ToString(LoginFailure f);

struct LoginAttempt {
  LoginRequest request;
  std::optional<Account> account;              // found, whatever its state
  std::optional<CompanyId> company;            // found by code
  bool claimed = false;                        // the account may log in and an attempt was reserved
  int claim_number = 0;                        // which consecutive attempt this is (1 = first since success)
  LoginFailure refusal = LoginFailure::kNone;  // known before the password check
  std::string hash_to_check;                   // the account's hash, or the dummy hash
  bool password_change = false;                // BeginPasswordCheck: no session on success
  std::optional<Timestamp> temporary_since;    // set when the password is a temporary one
  bool address_admitted = true;                // SEC-4: the company admits request.client_ip
  std::string challenge;                       // SEC-9: BeginSecondFactor's challenge
  HashingAdmission::Ticket hashing;            // this attempt's place in the hashing queue
  HashingAdmission::Verdict admission = HashingAdmission::Verdict::kAdmitted;
};

struct LoginOutcome {
  std::optional<IssuedSession> session;  // set on success
  LoginFailure failure = LoginFailure::kNone;
  std::optional<Account> account;
  std::optional<CompanyId> company;
  bool locked_now = false;  // this failure started a SEC-1 lockout
  std::string challenge;    // kSecondFactorRequired: answer it with a code (CompleteSecondFactor)
};

class LoginService {
 public:
  // `totp`: the second factor of accounts that enrolled one (SEC-9); without it such an account
  // cannot log in.
  LoginService(db::Database& db, const Clock& clock, const PasswordHasher& hasher, SessionStore& sessions,
               LockoutSettings settings, TemporaryPasswordSettings temporary = {}, Totp* totp = nullptr)
      : db_(db),
        clock_(clock),
        hasher_(hasher),
        sessions_(sessions),
        settings_(settings),
        temporary_(temporary),
        totp_(totp) {}

  // With `admission`, the attempt also takes its place in the hashing queue, keyed by the
  // account (refused: failure kBusy, nothing claimed or counted).
  LoginAttempt Begin(const LoginRequest& request, HashingAdmission* admission = nullptr);
  // The logged-in account `self` proving its current password (PUT /api/v1/session/password).
  LoginAttempt BeginPasswordCheck(const AccountId& self, const std::string& client_ip,
                                  HashingAdmission* admission = nullptr);
  // For a password check, success creates no session and only resets the failure count.
  LoginOutcome Complete(const LoginAttempt& attempt, bool password_ok);

  // SEC-9, the second step of a login whose account has a TOTP factor: the challenge Complete
  // answered (kSecondFactorRequired) and a code or recovery code. The step claims an attempt
  // like a password (a wrong code counts toward the SEC-1 lock; the password step's claim is
  // only cleared by the right code), and opens the session.
  LoginAttempt BeginSecondFactor(const std::string& challenge, const std::string& client_ip);
  LoginOutcome CompleteSecondFactor(const LoginAttempt& attempt, std::string_view code);

  const LockoutSettings& settings() const { return settings_; }

 private:
  // Takes the attempt's place in the hashing queue (when `admission` is given), then claims one
  // of the account's attempts; an attempt that may not claim runs the same statements against
  // no row.
  void Claim(db::Lease& lease, LoginAttempt& attempt, const std::string& hash,
             const std::string& admission_key, HashingAdmission* admission, Timestamp now);
  // A claimed attempt that failed: the lock it may have started ends the account's sessions.
  void Failed(const LoginAttempt& attempt, LoginOutcome& out, LoginFailure why);
  // The right credentials: the failure count cleared, the login recorded, a session (in `tx`).
  void OpenSession(db::Lease& lease, const LoginAttempt& attempt, LoginOutcome& out);
  db::Database& db_;
  const Clock& clock_;
  const PasswordHasher& hasher_;
  SessionStore& sessions_;
  LockoutSettings settings_;
  TemporaryPasswordSettings temporary_;
  Totp* totp_;
};

// A per-source-address brake on failed logins, so that one address cannot lock out every
// account of a company by guessing (SEC-1). Counts failures in fixed windows; in memory, per
// node.
struct LoginThrottleSettings {
  int max_failures_per_address = 100;
  Millis window = std::chrono::minutes{10};
};

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, LoginThrottleSettings settings) : clock_(clock), settings_(settings) {}
  // False when `address` has used up its failures for the current window.
  bool Allows(const std::string& address);
  void RecordFailure(const std::string& address);

 private:
  struct Window {
    Timestamp start;
    int failures = 0;
  };
  void Sweep(Timestamp now);
  const Clock& clock_;
  LoginThrottleSettings settings_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  Timestamp last_sweep_{};
};

}  // namespace kanri::identity
