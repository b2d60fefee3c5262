#include "identity/accounts.h"

#include "base/text.h"

namespace kanri::identity {

const char* const kAccountColumns =
    "a.id, a.company_id, a.login, a.name, a.email, a.kind, a.status, a.must_change_password, "
    "a.failed_logins, "
    "a.locked_until, a.last_login_at, a.created_at, a.updated_at, a.language, a.lock_reason, a.locked_at, "
    "a.inactivity_reminded_at, a.totp_enabled_at";

namespace {

constexpr long kMaxNameLength = 100;
constexpr std::size_t kMaxEmailLength = 254;

std::optional<Account> SelectOne(db::Lease& lease, const std::string& where, const std::string& a,
                                 const std::string& b = {}) {
  std::string q = std::string("SELECT ") + kAccountColumns + " FROM accounts a " + where;
  auto run = [&](soci::rowset<soci::row> rows) -> std::optional<Account> {
    for (const auto& r : rows) return ReadAccount(r);
    return std::nullopt;
  };
  if (b.empty()) return run((lease.sql().prepare << q, soci::use(a)));
  return run((lease.sql().prepare << q, soci::use(a), soci::use(b)));
}

Status ValidateName(std::string_view name) {
  long n = Utf8Length(name);
  if (n < 1 || n > kMaxNameLength)
    return InvalidArgument("name", "name must be 1-100 characters of UTF-8 text");
  return Ok{};
}

Status ValidateEmail(std::string_view email) {
  auto at = email.find('@');
  bool ok = email.size() <= kMaxEmailLength && at != std::string_view::npos && at > 0 &&
            at + 1 < email.size() && email.find('@', at + 1) == std::string_view::npos &&
            email.find_first_of(" \t\r\n<>,;\"") == std::string_view::npos &&
            email.substr(at + 1).find('.') != std::string_view::npos && Utf8Length(email) > 0;
  if (!ok) return InvalidArgument("email", "email must be an address like name@example.co.jp");
  return Ok{};
}

int CountAdministrators(db::Lease& lease, const CompanyId& company) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id = :c AND kind = 'admin'",
      soci::use(company.value()), soci::into(n);
  return n;
}

}  // namespace

void EndAccountSessions(db::Lease& lease, const AccountId& id) {
  lease.sql() << "DELETE FROM sessions WHERE account_id = :id", soci::use(id.value());
}

Account ReadAccount(const soci::row& r, std::size_t f) {
  Account a;
  a.id = AccountId{r.get<std::string>(f + 0)};
  if (r.get_indicator(f + 1) != soci::i_null) a.company_id = CompanyId{r.get<std::string>(f + 1)};
  a.login = r.get<std::string>(f + 2);
  a.name = r.get<std::string>(f + 3);
  a.email = r.get<std::string>(f + 4);
  const std::string kind = r.get<std::string>(f + 5);
  a.kind = kind == "site_admin" ? AccountKind::kSiteAdmin
           : kind == "admin"    ? AccountKind::kAdmin
                                : AccountKind::kGeneral;
  a.status = ParseAccountStatus(r.get<std::string>(f + 6)).value_or(AccountStatus::kDisabled);
  a.must_change_password = r.get<int>(f + 7) != 0;
  a.failed_logins = r.get<int>(f + 8);
  a.locked_until = db::RowTime(r, f + 9);
  a.last_login_at = db::RowTime(r, f + 10);
  a.created_at = FromUnixMillis(r.get<long long>(f + 11));
  a.updated_at = FromUnixMillis(r.get<long long>(f + 12));
  a.language = r.get<std::string>(f + 13);
  if (r.get_indicator(f + 14) != soci::i_null)
    a.lock_reason =
        r.get<std::string>(f + 14) == "inactivity" ? LockReason::kInactivity : LockReason::kAdministrator;
  a.locked_at = db::RowTime(r, f + 15);
  a.inactivity_reminded_at = db::RowTime(r, f + 16);
  a.totp_enabled_at = db::RowTime(r, f + 17);
  return a;
}

std::string_view ToString(AccountKind k) {
  switch (k) {
    case AccountKind::kSiteAdmin:
      return "site_admin";
    case AccountKind::kAdmin:
      return "admin";
    case AccountKind::kGeneral:
      return "general";
  }
  return "general";
}

std::string_view ToString(AccountStatus s) {
  switch (s) {
    case AccountStatus::kActive:
      return "active";
    case AccountStatus::kLocked:
      return "locked";
    case AccountStatus::kDisabled:
      return "disabled";
  }
  return "disabled";
}

std::string_view ToString(LockReason r) {
  return r == LockReason::kInactivity ? "inactivity" : "administrator";
}

bool IsSupportedLanguage(std::string_view language) {
  return language == "ja" || language == "en";
}

std::optional<AccountKind> ParseCompanyAccountKind(std::string_view s) {
  if (s == "admin") return AccountKind::kAdmin;
  if (s == "general") return AccountKind::kGeneral;
  return std::nullopt;
}

std::optional<AccountStatus> ParseAccountStatus(std::string_view s) {
  if (s == "active") return AccountStatus::kActive;
  if (s == "locked") return AccountStatus::kLocked;
  if (s == "disabled") return AccountStatus::kDisabled;
  return std::nullopt;
}

Status ValidateLogin(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginLength || !IsAsciiWord(login, "._@-"))
    return InvalidArgument("login", "login must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-'");
  return Ok{};
}

Status ValidateNewAccount(const NewAccount& a) {
  if (auto s = ValidateLogin(a.login); !s) return s;
  if (auto s = ValidateName(a.name); !s) return s;
  return ValidateEmail(a.email);
}

Result<Account> AccountRepository::Insert(db::Lease& lease, const std::optional<CompanyId>& company,
                                          const NewAccount& input, const std::string& password_hash,
                                          bool temporary) {
  if (auto s = ValidateNewAccount(input); !s) return s.error();
  const std::string key = AsciiLower(input.login);
  int taken = 0;
  if (company) {
    lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id = :c AND login_key = :k",
        soci::use(company->value()), soci::use(key), soci::into(taken);
  } else {
    lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id IS NULL AND login_key = :k",
        soci::use(key), soci::into(taken);
  }
  if (taken)
    return Error{ErrorCode::kConflict, "an account with this login ID already exists", "login",
                 "login_taken"};

  Account a;
  a.id = AccountId::Generate();
  a.company_id = company;
  a.login = input.login;
  a.name = input.name;
  a.email = input.email;
  a.kind = input.kind;
  a.must_change_password = temporary;
  a.created_at = a.updated_at = clock_.Now();
  std::optional<std::string> company_value = company ? std::optional(company->value()) : std::nullopt;
  std::string kind{ToString(a.kind)}, status{ToString(a.status)};
  long long now = ToUnixMillis(a.created_at);
  const int must_change = temporary ? 1 : 0;
  lease.sql()
      << "INSERT INTO accounts (id, company_id, login, login_key, name, email, kind, status, password_hash, "
         "must_change_password, failed_logins, password_changed_at, created_at, updated_at) VALUES (:id, :c, "
         ":login, :key, :name, :email, :kind, :status, :hash, :must, 0, :t1, :t2, :t3)",
      soci::use(a.id.value()), soci::use(company_value), soci::use(a.login), soci::use(key),
      soci::use(a.name), soci::use(a.email), soci::use(kind), soci::use(status), soci::use(password_hash),
      soci::use(must_change), soci::use(now), soci::use(now), soci::use(now);
  return a;
}

Result<Account> AccountRepository::Create(const CompanyId& company, const NewAccount& input,
                                          const std::string& password_hash) {
  if (input.kind == AccountKind::kSiteAdmin)
    return InvalidArgument("kind", "kind must be 'admin' or 'general'");
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto a = Insert(lease, company, input, password_hash, true);
  if (a) tx.Commit();
  return a;
}

Result<Account> AccountRepository::Get(const CompanyId& company, const AccountId& id) {
  auto lease = db_.Acquire();
  auto a = SelectOne(lease, "WHERE a.company_id = :c AND a.id = :id", company.value(), id.value());
  if (!a) return NotFound("account not found");
  return *a;
}

Page<Account> AccountRepository::List(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  std::vector<Account> rows;
  const std::string after = page.after.value_or("");
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare << std::string("SELECT ") + kAccountColumns +
                                  " FROM accounts a WHERE a.company_id = :c AND a.login_key > :after "
                                  "ORDER BY a.login_key LIMIT :lim",
       soci::use(company.value()), soci::use(after), soci::use(limit));
  for (const auto& r : rs) rows.push_back(ReadAccount(r));
  return MakePage(std::move(rows), page.limit, [](const Account& a) { return AsciiLower(a.login); });
}

Result<Account> AccountRepository::Update(const CompanyId& company, const AccountId& id,
                                          const AccountPatch& patch, const AccountId& actor) {
  if (patch.name)
    if (auto s = ValidateName(*patch.name); !s) return s.error();
  if (patch.email)
    if (auto s = ValidateEmail(*patch.email); !s) return s.error();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectOne(lease, "WHERE a.company_id = :c AND a.id = :id", company.value(), id.value());
  if (!current) return NotFound("account not found");
  Account a = *current;
  if (patch.status && *patch.status != a.status && id == actor)
    return Conflict("an account cannot change its own status", "own_account");
  if (patch.kind && *patch.kind != a.kind && id == actor)
    return Conflict("an account cannot change its own kind", "own_account");
  if (patch.kind == AccountKind::kSiteAdmin)
    return InvalidArgument("kind", "kind must be 'admin' or 'general'");
  if (patch.language && !IsSupportedLanguage(*patch.language))
    return InvalidArgument("language", "language must be 'ja' or 'en'");
  // SEC-7: only a site administrator lifts an inactivity lock (POST /api/v1/locked-accounts/{id}/unlock).
  if (patch.status && *patch.status != a.status && a.lock_reason == LockReason::kInactivity)
    return Conflict("this account is locked for inactivity; only a site administrator can unlock it",
                    "inactivity_lock");
  if (patch.kind) a.kind = *patch.kind;
  if (patch.language) a.language = *patch.language;
  if (patch.name) a.name = *patch.name;
  if (patch.email) a.email = *patch.email;
  const bool status_changed = patch.status && *patch.status != a.status;
  if (patch.status) a.status = *patch.status;
  a.updated_at = clock_.Now();
  if (status_changed && a.status == AccountStatus::kActive) {
    // Unlocking also clears a SEC-1 lockout and its failure count.
    a.failed_logins = 0;
    a.locked_until.reset();
  }
  if (status_changed) {
    a.lock_reason =
        a.status == AccountStatus::kLocked ? std::optional(LockReason::kAdministrator) : std::nullopt;
    a.locked_at = a.status == AccountStatus::kLocked ? std::optional(a.updated_at) : std::nullopt;
  }
  std::string status{ToString(a.status)}, kind{ToString(a.kind)};
  long long now = ToUnixMillis(a.updated_at);
  std::optional<long long> locked_until =
      a.locked_until ? std::optional(ToUnixMillis(*a.locked_until)) : std::nullopt;
  std::optional<std::string> lock_reason =
      a.lock_reason ? std::optional(std::string(ToString(*a.lock_reason))) : std::nullopt;
  std::optional<long long> locked_at = a.locked_at ? std::optional(ToUnixMillis(*a.locked_at)) : std::nullopt;
  lease.sql()
      << "UPDATE accounts SET name = :name, email = :email, status = :status, kind = :kind, "
         "failed_logins = :f, locked_until = :lu, language = :lang, lock_reason = :lr, locked_at = :la, "
         "updated_at = :now WHERE company_id = :c AND id = :id",
      soci::use(a.name), soci::use(a.email), soci::use(status), soci::use(kind), soci::use(a.failed_logins),
      soci::use(locked_until), soci::use(a.language), soci::use(lock_reason), soci::use(locked_at),
      soci::use(now), soci::use(company.value()), soci::use(id.value());
  if (status_changed && a.status != AccountStatus::kActive) EndAccountSessions(lease, id);
  tx.Commit();
  return a;
}

Result<Account> AccountRepository::Delete(const CompanyId& company, const AccountId& id,
                                          const AccountId& actor) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectOne(lease, "WHERE a.company_id = :c AND a.id = :id", company.value(), id.value());
  if (!current) return NotFound("account not found");
  if (id == actor) return Conflict("an account cannot delete itself", "own_account");
  if (current->kind == AccountKind::kAdmin) {
    if (CountAdministrators(lease, company) <= 1)
      return Conflict("the company's last administrator cannot be deleted", "last_administrator");
  }
  DeleteAccountRows(lease, id);
  tx.Commit();
  return *current;
}

void DeleteAccountRows(db::Lease& lease, const AccountId& id) {
  EndAccountSessions(lease, id);
  lease.sql() << "DELETE FROM account_roles WHERE account_id = :id", soci::use(id.value());
  lease.sql() << "DELETE FROM accounts WHERE id = :id", soci::use(id.value());
}

std::int64_t DeleteCompanyAccountRows(db::Lease& lease, const CompanyId& company) {
  long long n = 0;
  lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id = :c", soci::use(company.value()),
      soci::into(n);
  for (const char* sql :
       {"DELETE FROM sessions WHERE company_id = :c", "DELETE FROM account_roles WHERE company_id = :c",
        "DELETE FROM accounts WHERE company_id = :c"})
    lease.sql() << sql, soci::use(company.value());
  return n;
}

namespace {
std::vector<Account> SelectAccounts(db::Lease& lease, const std::string& where, const std::string& param) {
  std::vector<Account> out;
  const std::string q = std::string("SELECT ") + kAccountColumns + " FROM accounts a " + where;
  soci::rowset<soci::row> rows =
      param.empty() ? (lease.sql().prepare << q) : (lease.sql().prepare << q, soci::use(param));
  for (const auto& r : rows) out.push_back(ReadAccount(r));
  return out;
}
}  // namespace

std::vector<Account> ActiveAdministrators(db::Lease& lease, const CompanyId& company) {
  return SelectAccounts(
      lease, "WHERE a.company_id = :c AND a.kind = 'admin' AND a.status = 'active' ORDER BY a.login_key",
      company.value());
}

std::vector<Account> ActiveSiteAdministrators(db::Lease& lease) {
  return SelectAccounts(lease, "WHERE a.company_id IS NULL AND a.status = 'active' ORDER BY a.login_key", "");
}

Result<Account> AccountRepository::ResetPassword(const CompanyId& company, const AccountId& id,
                                                 const std::string& password_hash) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectOne(lease, "WHERE a.company_id = :c AND a.id = :id", company.value(), id.value());
  if (!current) return NotFound("account not found");
  long long now = ToUnixMillis(clock_.Now());
  lease.sql() << "UPDATE accounts SET password_hash = :h, must_change_password = 1, failed_logins = 0, "
                 "locked_until = NULL, password_changed_at = :t1, updated_at = :t2 WHERE company_id = :c AND "
                 "id = :id",
      soci::use(password_hash), soci::use(now), soci::use(now), soci::use(company.value()),
      soci::use(id.value());
  EndAccountSessions(lease, id);
  auto updated = SelectOne(lease, "WHERE a.id = :id", id.value());
  tx.Commit();
  return *updated;
}

Result<Account> AccountRepository::CreateSiteAdministrator(const ProviderScope&, const NewAccount& input,
                                                           const std::string& password_hash) {
  NewAccount a = input;
  a.kind = AccountKind::kSiteAdmin;
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto r = Insert(lease, std::nullopt, a, password_hash, false);
  if (r) tx.Commit();
  return r;
}

Result<Account> AccountRepository::CreateFirstAdministrator(const ProviderScope&, const CompanyId& company,
                                                            const NewAccount& input,
                                                            const std::string& password_hash) {
  NewAccount a = input;
  a.kind = AccountKind::kAdmin;
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  int exists = 0;
  lease.sql() << "SELECT COUNT(*) FROM companies WHERE id = :c", soci::use(company.value()),
      soci::into(exists);
  if (!exists) return NotFound("company not found");
  if (CountAdministrators(lease, company) > 0)
    return Conflict("the company already has an administrator; further accounts are created by them",
                    "administrator_exists");
  auto r = Insert(lease, company, a, password_hash, true);
  if (r) tx.Commit();
  return r;
}

bool AccountRepository::AnySiteAdministrator(const ProviderScope&) {
  auto lease = db_.Acquire();
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM accounts WHERE company_id IS NULL", soci::into(n);
  return n > 0;
}

std::vector<std::pair<Account, std::string>> AccountRepository::ListLocked(const ProviderScope&,
                                                                           Timestamp now) {
  constexpr int kMaxListed = 1000;
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(now);
  std::vector<std::pair<Account, std::string>> out;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << std::string("SELECT ") + kAccountColumns +
                  ", c.code FROM accounts a JOIN companies c ON c.id = a.company_id "
                  "WHERE a.status = 'locked' OR (a.locked_until IS NOT NULL AND a.locked_until > :t) "
                  "ORDER BY c.code_key, a.login_key LIMIT :n",
       soci::use(t), soci::use(kMaxListed));
  for (const auto& r : rows) out.emplace_back(ReadAccount(r), r.get<std::string>(kAccountColumnCount));
  return out;
}

Result<Account> AccountRepository::Unlock(const ProviderScope&, const AccountId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectOne(lease, "WHERE a.id = :id AND a.company_id IS NOT NULL", id.value());
  if (!current) return NotFound("account not found");
  if (current->status == AccountStatus::kDisabled)
    return Conflict("a disabled account is not locked", "account_not_locked");
  const long long now = ToUnixMillis(clock_.Now());
  lease.sql()
      << "UPDATE accounts SET status = 'active', failed_logins = 0, locked_until = NULL, lock_reason = NULL, "
         "locked_at = NULL, inactivity_reminded_at = NULL, updated_at = :t WHERE id = :id",
      soci::use(now), soci::use(id.value());
  auto updated = SelectOne(lease, "WHERE a.id = :id", id.value());
  tx.Commit();
  return *updated;
}

Result<Account> AccountRepository::GetSelf(const AccountId& self) {
  auto lease = db_.Acquire();
  auto a = SelectOne(lease, "WHERE a.id = :id", self.value());
  if (!a) return NotFound("account not found");
  return *a;
}

std::optional<std::string> AccountRepository::GetPasswordHash(const AccountId& self) {
  auto lease = db_.Acquire();
  std::string hash;
  soci::indicator ind = soci::i_null;
  lease.sql() << "SELECT password_hash FROM accounts WHERE id = :id", soci::use(self.value()),
      soci::into(hash, ind);
  if (!lease.sql().got_data()) return std::nullopt;
  return hash;
}

Status AccountRepository::ChangeOwnPassword(const AccountId& self, const std::string& password_hash,
                                            const SessionId& keep_session) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  long long now = ToUnixMillis(clock_.Now());
  lease.sql()
      << "UPDATE accounts SET password_hash = :h, must_change_password = 0, password_changed_at = :t1, "
         "updated_at = :t2 WHERE id = :id",
      soci::use(password_hash), soci::use(now), soci::use(now), soci::use(self.value());
  lease.sql() << "DELETE FROM sessions WHERE account_id = :a AND id <> :s", soci::use(self.value()),
      soci::use(keep_session.value());
  tx.Commit();
  return Ok{};
}

void AccountRepository::ReplaceHash(const AccountId& self, const std::string& old_hash,
                                    const std::string& new_hash) {
  auto lease = db_.Acquire();
  // Only if nobody changed the password in between.
  lease.sql() << "UPDATE accounts SET password_hash = :n WHERE id = :id AND password_hash = :o",
      soci::use(new_hash), soci::use(self.value()), soci::use(old_hash);
}

}  // namespace kanri::identity
