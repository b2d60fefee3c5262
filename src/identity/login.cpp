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
  }
  return "none";
}

LoginAttempt LoginService::Begin(const LoginRequest& request) {
  LoginAttempt attempt;
  attempt.request = request;
  attempt.hash_to_check = hasher_.dummy_hash();
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();

  std::optional<std::string> company_status, start, end;
  std::string company_id;
  if (request.company_code) {
    const std::string key = AsciiLower(*request.company_code);
    soci::indicator end_ind = soci::i_ok;
    std::string s, st, en;
    lease.sql() << "SELECT id, status, contract_start, contract_end FROM companies WHERE code_key = :k",
        soci::use(key), soci::into(company_id), soci::into(s), soci::into(st), soci::into(en, end_ind);
    if (!lease.sql().got_data()) {
      attempt.refusal = LoginFailure::kUnknownAccount;
      return attempt;
    }
    attempt.company = CompanyId{company_id};
    tenancy::Company company;
    company.status = tenancy::ParseCompanyStatus(s).value_or(tenancy::CompanyStatus::kSuspended);
    company.contract_start = Date::Parse(st).value_or(Date{9999, 12, 31});
    if (end_ind != soci::i_null) company.contract_end = Date::Parse(en);
    if (!company.InService(Date::FromTimestampJst(now))) attempt.refusal = LoginFailure::kCompanyNotInService;
  }

  const std::string login_key = AsciiLower(request.login);
  std::string hash;
  {
    std::string q = std::string("SELECT ") + kAccountColumns + ", a.password_hash FROM accounts a WHERE " +
                    (request.company_code ? "a.company_id = :c AND " : "a.company_id IS NULL AND ") +
                    "a.login_key = :k";
    std::optional<soci::rowset<soci::row>> rows;
    if (request.company_code) {
      rows.emplace((lease.sql().prepare << q, soci::use(company_id), soci::use(login_key)));
    } else {
      rows.emplace((lease.sql().prepare << q, soci::use(login_key)));
    }
    for (const auto& r : *rows) {
      attempt.account = ReadAccount(r);
      hash = r.get<std::string>(kAccountColumnCount);
      break;
    }
  }
  if (!attempt.account) {
    attempt.refusal = LoginFailure::kUnknownAccount;
    return attempt;
  }
  if (attempt.refusal != LoginFailure::kNone) return attempt;
  if (attempt.account->status == AccountStatus::kDisabled) {
    attempt.refusal = LoginFailure::kDisabled;
    return attempt;
  }
  if (attempt.account->status == AccountStatus::kLocked) {
    attempt.refusal = LoginFailure::kLocked;
    return attempt;
  }

  // Claim an attempt: count it as a failure up front, while the account is not locked. The
  // claim that reaches the limit also sets the lock, so from then on no password of this
  // account is checked; if that last password turns out right, Complete lifts the lock again.
  // An expired lock starts a fresh count.
  const long long t = ToUnixMillis(now);
  const long long until = ToUnixMillis(now + settings_.lock_duration);
  const std::string& id = attempt.account->id.value();
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
  if (db::AffectedRows(st) != 1) {
    attempt.refusal = LoginFailure::kLocked;
    return attempt;
  }
  lease.sql() << "SELECT failed_logins FROM accounts WHERE id = :id", soci::use(id),
      soci::into(attempt.claim_number);
  tx.Commit();
  attempt.claimed = true;
  attempt.hash_to_check = hash;
  return attempt;
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
  if (!password_ok) {
    // The claim already counted this failure; the claim that reached the limit set the lock.
    out.failure = LoginFailure::kWrongPassword;
    if (attempt.claim_number == settings_.max_failures) {
      out.locked_now = true;
      auto lease = db_.Acquire();
      lease.sql() << "DELETE FROM sessions WHERE account_id = :id",
          soci::use(id);  // a locked account's sessions end
    }
    return out;
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const long long t = ToUnixMillis(now);
  lease.sql()
      << "UPDATE accounts SET failed_logins = 0, locked_until = NULL, last_login_at = :t WHERE id = :id",
      soci::use(t), soci::use(id);
  Account account = *attempt.account;
  account.failed_logins = 0;
  account.locked_until.reset();
  account.last_login_at = now;
  out.session = sessions_.Create(lease, account, attempt.request.client_ip);
  out.account = account;
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
