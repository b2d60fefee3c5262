#include "identity/login.h"

#include "base/text.h"

namespace kanri::identity {

std::string_view ToString(LoginFailure f) {
  switch (f) {
    case LoginFailure::kNone:
      return "none";
    case LoginFailure::kUnknownAccount:
      return "unknown_account";
    case LoginFailure::kWrongPassword:
      return "wrong_password";
    case LoginFailure::kLocked:
      return "locked";
    case LoginFailure::kDisabled:
      return "disabled";
    case LoginFailure::kCompanyNotInService:
      return "company_not_in_service";
    case LoginFailure::kTemporaryPasswordExpired:
      return "temporary_password_expired";
    case LoginFailure::kBusy:
      return "busy";
    case LoginFailure::kAddressNotAllowed:
      return "address_not_allowed";
    case LoginFailure::kSecondFactorRequired:
      return "second_factor_required";
    case LoginFailure::kWrongCode:
      return "wrong_code";
  }
  return "none";
}

namespace {

// No row has this id or company id: an attempt that may not claim runs the claim's statements
// against it, so that it costs the database what a wrong password costs (SEC-1).
const std::string kNoRow;
// Longer than any company code or login ID. Input is clipped to it before lookups: still too
// long to match anything, and a megabyte of it costs no more than a short one.
constexpr std::size_t kMaxLookupBytes = 256;

std::string LookupKey(std::string_view typed) {
  return AsciiLower(typed.substr(0, kMaxLookupBytes));
}

// Reads the account, its hash and, for a temporary password, when it was set.
const std::string kAccountWithHash = std::string("SELECT ") + kAccountColumns +
                                     ", a.password_hash, a.password_changed_at FROM accounts a WHERE ";

void ReadAccountWithHash(soci::rowset<soci::row> rows, LoginAttempt& attempt, std::string& hash) {
  for (const auto& r : rows) {
    attempt.account = ReadAccount(r);
    hash = r.get<std::string>(kAccountColumnCount);
    if (attempt.account->must_change_password)
      attempt.temporary_since = FromUnixMillis(r.get<long long>(kAccountColumnCount + 1));
    break;
  }
}

}  // namespace

LoginAttempt LoginService::Begin(const LoginRequest& request, HashingAdmission* admission) {
  LoginAttempt attempt;
  attempt.request = request;
  attempt.hash_to_check = hasher_.dummy_hash();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();

  // An unknown company still looks up the account (in no company), like a known one.
  std::string company_id = kNoRow, company_key;
  if (request.company_code) {
    company_key = LookupKey(*request.company_code);
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT c.id, ") + tenancy::CompanyAccess::kColumns +
                                    " FROM companies c WHERE c.code_key = :k",
         soci::use(company_key));
    for (const auto& r : rows) {
      company_id = r.get<std::string>(0);
      attempt.company = CompanyId{company_id};
      const auto company = tenancy::CompanyAccess::Read(r, 1, Date::FromTimestampJst(now));
      if (!company.in_service) attempt.refusal = LoginFailure::kCompanyNotInService;
      attempt.address_admitted = company.sign_in.Admits(request.client_ip);
    }
  }

  const std::string login_key = LookupKey(request.login);
  std::string hash;
  if (request.company_code) {
    ReadAccountWithHash((lease.sql().prepare << kAccountWithHash + "a.company_id = :c AND a.login_key = :k",
                         soci::use(company_id), soci::use(login_key)),
                        attempt, hash);
  } else {
    ReadAccountWithHash(
        (lease.sql().prepare << kAccountWithHash + "a.company_id IS NULL AND a.login_key = :k",
         soci::use(login_key)),
        attempt, hash);
  }
  if (!attempt.account) {
    attempt.refusal = LoginFailure::kUnknownAccount;
  } else if (attempt.refusal == LoginFailure::kNone && attempt.account->status == AccountStatus::kDisabled) {
    attempt.refusal = LoginFailure::kDisabled;
  } else if (attempt.refusal == LoginFailure::kNone && attempt.account->status == AccountStatus::kLocked) {
    attempt.refusal = LoginFailure::kLocked;
  }
  // An unknown account queues as the login ID typed, so that existence changes nothing here either.
  const std::string admission_key =
      attempt.account ? "account:" + attempt.account->id.value() : "login:" + company_key + "/" + login_key;
  Claim(lease, attempt, hash, admission_key, admission, now);
  return attempt;
}

LoginAttempt LoginService::BeginPasswordCheck(const AccountId& self, const std::string& client_ip,
                                              HashingAdmission* admission) {
  LoginAttempt attempt;
  attempt.password_change = true;
  attempt.request.client_ip = client_ip;
  attempt.hash_to_check = hasher_.dummy_hash();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  std::string hash;
  ReadAccountWithHash((lease.sql().prepare << kAccountWithHash + "a.id = :id", soci::use(self.value())),
                      attempt, hash);
  if (!attempt.account) {
    attempt.refusal = LoginFailure::kUnknownAccount;  // deleted since its session was resolved
    return attempt;
  }
  attempt.request.login = attempt.account->login;
  attempt.company = attempt.account->company_id;
  if (attempt.account->status == AccountStatus::kDisabled) attempt.refusal = LoginFailure::kDisabled;
  if (attempt.account->status == AccountStatus::kLocked) attempt.refusal = LoginFailure::kLocked;
  Claim(lease, attempt, hash, "account:" + self.value(), admission, now);
  return attempt;
}

void LoginService::Claim(db::Lease& lease, LoginAttempt& attempt, const std::string& hash,
                         const std::string& admission_key, HashingAdmission* admission, Timestamp now) {
  if (admission) {
    auto [verdict, ticket] = admission->Admit(admission_key, attempt.request.client_ip);
    attempt.admission = verdict;
    if (verdict != HashingAdmission::Verdict::kAdmitted) {
      attempt.refusal = LoginFailure::kBusy;
      return;
    }
    attempt.hashing = std::move(ticket);
  }
  // Claim an attempt: count it as a failure up front, while the account is not locked. The
  // claim that reaches the limit also sets the lock, so from then on no password of this
  // account is checked; if that last password turns out right, Complete lifts the lock again.
  // An expired lock starts a fresh count. An attempt that may not claim (unknown, disabled,
  // out of service) runs the same statements against no row (SEC-1).
  const bool may_claim = attempt.account && attempt.refusal == LoginFailure::kNone;
  const std::string& id = may_claim ? attempt.account->id.value() : kNoRow;
  const long long t = ToUnixMillis(now);
  const long long until = ToUnixMillis(now + settings_.lock_duration);
  db::WriteTransaction tx(lease);
  soci::statement st =
      (lease.sql().prepare
           << "UPDATE accounts SET "
              "failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END, "
              "locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 "
              "ELSE failed_logins + 1 END) >= :max THEN CAST(:until AS BIGINT) ELSE NULL END "
              "WHERE id = :id AND status = 'active' AND (locked_until IS NULL OR locked_until <= :t)",
       soci::use(settings_.max_failures), soci::use(until), soci::use(id), soci::use(t));
  st.execute(true);
  const bool claimed = db::AffectedRows(st) == 1;
  lease.sql() << "SELECT failed_logins FROM accounts WHERE id = :id", soci::use(id),
      soci::into(attempt.claim_number);
  tx.Commit();
  if (!may_claim) return;
  if (!claimed) {
    attempt.refusal = LoginFailure::kLocked;
    return;
  }
  attempt.claimed = true;
  attempt.hash_to_check = hash;
}

LoginOutcome LoginService::Complete(const LoginAttempt& attempt, bool password_ok) {
  LoginOutcome out;
  out.account = attempt.account;
  out.company = attempt.company;
  if (!attempt.claimed) {
    out.failure = attempt.refusal;
    return out;
  }
  const Timestamp now = clock_.Now();
  const std::string& id = attempt.account->id.value();
  // SEC-4: the right password from an address the company does not admit fails like a wrong
  // one (checked after the hash, so the answer and its timing are a wrong password's), and
  // stays counted toward the lock.
  if (!password_ok || !attempt.address_admitted) {
    // The claim already counted this failure; the claim that reached the limit set the lock.
    Failed(attempt, out, password_ok ? LoginFailure::kAddressNotAllowed : LoginFailure::kWrongPassword);
    return out;
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const bool expired = !attempt.password_change && attempt.temporary_since &&
                       now >= *attempt.temporary_since + temporary_.lifetime;
  // SEC-9: with a second factor the password earns only a challenge. The claim stays counted
  // until the right code, so that knowing the password gives no fresh run of code guesses.
  if (!expired && !attempt.password_change && attempt.account->totp_enabled_at) {
    if (!totp_) throw std::logic_error("an account with a second factor, and no TOTP service to check it");
    out.challenge = totp_->IssueChallenge(lease, attempt.account->id);
    tx.Commit();
    out.failure = LoginFailure::kSecondFactorRequired;
    return out;
  }
  // The right password resets the count. An expired temporary password, or a password check,
  // opens no session.
  if (expired || attempt.password_change) {
    Account account = *attempt.account;
    account.failed_logins = 0;
    account.locked_until.reset();
    out.account = account;
    lease.sql() << "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = :id", soci::use(id);
    tx.Commit();
    if (expired) out.failure = LoginFailure::kTemporaryPasswordExpired;
    return out;
  }
  OpenSession(lease, attempt, out);
  tx.Commit();
  return out;
}

void LoginService::Failed(const LoginAttempt& attempt, LoginOutcome& out, LoginFailure why) {
  out.failure = why;
  if (attempt.claim_number == settings_.max_failures) {
    out.locked_now = true;
    auto lease = db_.Acquire();
    EndAccountSessions(lease, attempt.account->id);  // a locked account's sessions end
  }
}

void LoginService::OpenSession(db::Lease& lease, const LoginAttempt& attempt, LoginOutcome& out) {
  const Timestamp now = clock_.Now();
  const long long t = ToUnixMillis(now);
  Account account = *attempt.account;
  account.failed_logins = 0;
  account.locked_until.reset();
  lease.sql() << "UPDATE accounts SET failed_logins = 0, locked_until = NULL, last_login_at = :t, "
                 "inactivity_reminded_at = NULL WHERE id = :id",
      soci::use(t), soci::use(account.id.value());
  account.last_login_at = now;
  out.session = sessions_.Create(lease, account, attempt.request.client_ip);
  out.account = account;
}

LoginAttempt LoginService::BeginSecondFactor(const std::string& challenge, const std::string& client_ip) {
  LoginAttempt attempt;
  attempt.challenge = challenge;
  attempt.request.client_ip = client_ip;
  attempt.hash_to_check = hasher_.dummy_hash();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  const auto id = totp_ ? totp_->ChallengeAccount(lease, challenge) : std::nullopt;
  if (!id) {
    attempt.refusal = LoginFailure::kUnknownAccount;  // unknown or expired: log in again
    return attempt;
  }
  std::string hash;
  ReadAccountWithHash((lease.sql().prepare << kAccountWithHash + "a.id = :id", soci::use(id->value())),
                      attempt, hash);
  if (!attempt.account) {
    attempt.refusal = LoginFailure::kUnknownAccount;
    return attempt;
  }
  attempt.request.login = attempt.account->login;
  attempt.company = attempt.account->company_id;
  if (attempt.company) {
    // The company may have been suspended, or have restricted addresses, since the password.
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT c.id, ") + tenancy::CompanyAccess::kColumns +
                                    " FROM companies c WHERE c.id = :id",
         soci::use(attempt.company->value()));
    bool found = false;
    for (const auto& r : rows) {
      found = true;
      const auto company = tenancy::CompanyAccess::Read(r, 1, Date::FromTimestampJst(now));
      if (!company.in_service) attempt.refusal = LoginFailure::kCompanyNotInService;
      attempt.address_admitted = company.sign_in.Admits(client_ip);
    }
    if (!found) attempt.refusal = LoginFailure::kCompanyNotInService;
  }
  if (attempt.refusal == LoginFailure::kNone && attempt.account->status == AccountStatus::kDisabled)
    attempt.refusal = LoginFailure::kDisabled;
  if (attempt.refusal == LoginFailure::kNone && attempt.account->status == AccountStatus::kLocked)
    attempt.refusal = LoginFailure::kLocked;
  Claim(lease, attempt, hash, "account:" + id->value(), nullptr, now);
  return attempt;
}

LoginOutcome LoginService::CompleteSecondFactor(const LoginAttempt& attempt, std::string_view code) {
  LoginOutcome out;
  out.account = attempt.account;
  out.company = attempt.company;
  if (!attempt.claimed) {
    out.failure = attempt.refusal;
    return out;
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const bool ok = totp_->Verify(lease, attempt.account->id, code);
  if (!ok || !attempt.address_admitted) {
    tx.Commit();  // a code that matched is used up, whatever else failed
    Failed(attempt, out, ok ? LoginFailure::kAddressNotAllowed : LoginFailure::kWrongCode);
    return out;
  }
  Totp::EndChallenge(lease, attempt.challenge);
  OpenSession(lease, attempt, out);
  tx.Commit();
  return out;
}

bool LoginThrottle::Allows(const std::string& address) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  auto it = windows_.find(address);
  if (it == windows_.end() || now - it->second.start >= settings_.window) return true;
  return it->second.failures < settings_.max_failures_per_address;
}

void LoginThrottle::RecordFailure(const std::string& address) {
  std::lock_guard lock(mu_);
  const Timestamp now = clock_.Now();
  Sweep(now);
  auto& w = windows_[address];
  if (w.failures == 0 || now - w.start >= settings_.window) w = Window{now, 0};
  ++w.failures;
}

void LoginThrottle::Sweep(Timestamp now) {
  if (now - last_sweep_ < settings_.window) return;
  last_sweep_ = now;
  std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= settings_.window; });
}

}  // namespace kanri::identity
