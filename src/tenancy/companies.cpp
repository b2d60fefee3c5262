#include "tenancy/companies.h"

#include <algorithm>

#include "base/text.h"

namespace kanri::tenancy {
namespace {

constexpr std::size_t kMaxCodeLength = 32;
constexpr long kMaxNameLength = 200;

constexpr const char* kSelectColumns =
    "SELECT id, code, name, contract_start, contract_end, status, created_at, updated_at, "
    "allow_unauthenticated_devices, deletion_stage FROM companies ";

Company ReadCompany(const soci::row& r) {
  Company c;
  c.id = CompanyId{r.get<std::string>(0)};
  c.code = r.get<std::string>(1);
  c.name = r.get<std::string>(2);
  c.contract_start = *Date::Parse(r.get<std::string>(3));
  if (r.get_indicator(4) != soci::i_null) c.contract_end = Date::Parse(r.get<std::string>(4));
  c.status = ParseCompanyStatus(r.get<std::string>(5)).value_or(CompanyStatus::kSuspended);
  c.created_at = FromUnixMillis(r.get<long long>(6));
  c.updated_at = FromUnixMillis(r.get<long long>(7));
  c.allow_unauthenticated_devices = r.get<int>(8) != 0;
  c.deletion_stage = static_cast<int>(db::RowInteger(r, 9));
  return c;
}

std::optional<Company> SelectOne(db::Lease& lease, const std::string& where, const std::string& value) {
  soci::rowset<soci::row> rows = (lease.sql().prepare << (kSelectColumns + where), soci::use(value));
  for (const auto& r : rows) return ReadCompany(r);
  return std::nullopt;
}

Status ValidateContract(const Date& start, const std::optional<Date>& end) {
  if (end && *end < start)
    return InvalidArgument("contract_end", "contract_end must not be before contract_start");
  return Ok{};
}

}  // namespace

std::string_view ToString(CompanyStatus s) {
  switch (s) {
    case CompanyStatus::kActive:
      return "active";
    case CompanyStatus::kSuspended:
      return "suspended";
    case CompanyStatus::kEnded:
      return "ended";
  }
  return "suspended";
}

std::optional<CompanyStatus> ParseCompanyStatus(std::string_view s) {
  if (s == "active") return CompanyStatus::kActive;
  if (s == "suspended") return CompanyStatus::kSuspended;
  if (s == "ended") return CompanyStatus::kEnded;
  return std::nullopt;
}

bool Company::InService(Date today) const {
  if (status != CompanyStatus::kActive) return false;
  if (today < contract_start) return false;
  return !contract_end || !(*contract_end < today);
}

bool Company::ContractEnded(Date today) const {
  return status == CompanyStatus::kEnded || (contract_end && *contract_end < today);
}

std::optional<DeletionSchedule> DeletionScheduleOf(const Company& company, Millis grace) {
  if (!company.contract_end) return std::nullopt;
  const Timestamp ended = company.contract_end->StartJst() + std::chrono::days{1};
  return DeletionSchedule{ended, ended + grace / 3, ended + grace * 2 / 3, ended + grace};
}

Status ValidateCompanyCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxCodeLength || !IsAsciiWord(code, "-_"))
    return InvalidArgument("code", "code must be 1-32 characters of A-Z, a-z, 0-9, '-' and '_'");
  return Ok{};
}

Status ValidateCompanyName(std::string_view name) {
  long n = Utf8Length(name);
  if (n < 1 || n > kMaxNameLength)
    return InvalidArgument("name", "name must be 1-200 characters of UTF-8 text");
  return Ok{};
}

Result<Company> CompanyRepository::Create(const ProviderScope&, const NewCompany& input) {
  if (auto s = ValidateCompanyCode(input.code); !s) return s.error();
  if (auto s = ValidateCompanyName(input.name); !s) return s.error();
  if (auto s = ValidateContract(input.contract_start, input.contract_end); !s) return s.error();

  const Timestamp created = clock_.Now();  // read once: created_at and updated_at are equal
  Company c{CompanyId::Generate(),  input.code, input.name, input.contract_start, input.contract_end,
            CompanyStatus::kActive, created,    created};
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const std::string key = AsciiLower(c.code);
  int taken = 0;
  lease.sql() << "SELECT COUNT(*) FROM companies WHERE code_key = :k", soci::use(key), soci::into(taken);
  if (taken)
    return Error{ErrorCode::kConflict, "a company with this code already exists", "code",
                 "company_code_taken"};
  std::optional<std::string> end = c.contract_end ? std::optional(c.contract_end->ToString()) : std::nullopt;
  std::string start = c.contract_start.ToString(), status{ToString(c.status)};
  long long now = ToUnixMillis(c.created_at);
  lease.sql()
      << "INSERT INTO companies (id, code, code_key, name, contract_start, contract_end, status, created_at, "
         "updated_at) VALUES (:id, :code, :key, :name, :start, :end, :status, :now, :now2)",
      soci::use(c.id.value()), soci::use(c.code), soci::use(key), soci::use(c.name), soci::use(start),
      soci::use(end), soci::use(status), soci::use(now), soci::use(now);
  tx.Commit();
  return c;
}

Result<Company> CompanyRepository::Get(const ProviderScope&, const CompanyId& id) {
  return GetOwn(id);
}

Result<Company> CompanyRepository::GetOwn(const CompanyId& own) {
  auto lease = db_.Acquire();
  auto c = SelectOne(lease, "WHERE id = :id", own.value());
  if (!c) return NotFound("company not found");
  return *c;
}

std::optional<Company> CompanyRepository::FindByCode(std::string_view code) {
  auto lease = db_.Acquire();
  return SelectOne(lease, "WHERE code_key = :k", AsciiLower(code));
}

Page<Company> CompanyRepository::List(const ProviderScope&, const PageRequest& page) {
  auto lease = db_.Acquire();
  std::vector<Company> rows;
  const std::string after = page.after.value_or("");
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare << std::string(kSelectColumns) +
                                  "WHERE code_key > :after ORDER BY code_key LIMIT :lim",
       soci::use(after), soci::use(limit));
  for (const auto& r : rs) rows.push_back(ReadCompany(r));
  return MakePage(std::move(rows), page.limit, [](const Company& c) { return AsciiLower(c.code); });
}

std::vector<Company> CompanyRepository::PastContractEnd(const ProviderScope&, Date today) {
  auto lease = db_.Acquire();
  std::vector<Company> out;
  const std::string day = today.ToString();
  // Dates are stored as YYYY-MM-DD, so text order is date order.
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << std::string(kSelectColumns) +
                  "WHERE contract_end IS NOT NULL AND contract_end < :today ORDER BY contract_end, id",
       soci::use(day));
  for (const auto& r : rows) out.push_back(ReadCompany(r));
  return out;
}

void CompanyRepository::SetDeletionStage(db::Lease& lease, const CompanyId& id, ContractEndStage stage) {
  const int s = stage;
  lease.sql() << "UPDATE companies SET deletion_stage = :s WHERE id = :id", soci::use(s),
      soci::use(id.value());
}

void CompanyRepository::DeleteRow(db::Lease& lease, const CompanyId& id) {
  lease.sql() << "DELETE FROM companies WHERE id = :id", soci::use(id.value());
}

Result<Company> CompanyRepository::Update(const ProviderScope&, const CompanyId& id,
                                          const CompanyPatch& patch) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto current = SelectOne(lease, "WHERE id = :id", id.value());
  if (!current) return NotFound("company not found");
  Company c = *current;
  // Deleted data cannot come back: a renewed contract is a new company.
  if (c.deletion_stage != kNothingDeleted)
    return Conflict("the company's data is being deleted after its contract ended", "deletion_in_progress");
  if (patch.name) {
    if (auto s = ValidateCompanyName(*patch.name); !s) return s.error();
    c.name = *patch.name;
  }
  if (patch.contract_start) c.contract_start = *patch.contract_start;
  if (patch.contract_end) c.contract_end = *patch.contract_end;
  if (patch.status) c.status = *patch.status;
  if (patch.allow_unauthenticated_devices)
    c.allow_unauthenticated_devices = *patch.allow_unauthenticated_devices;
  if (auto s = ValidateContract(c.contract_start, c.contract_end); !s) return s.error();
  c.updated_at = clock_.Now();
  std::optional<std::string> end = c.contract_end ? std::optional(c.contract_end->ToString()) : std::nullopt;
  std::string start = c.contract_start.ToString(), status{ToString(c.status)};
  long long now = ToUnixMillis(c.updated_at);
  const int allow = c.allow_unauthenticated_devices ? 1 : 0;
  lease.sql()
      << "UPDATE companies SET name = :name, contract_start = :start, contract_end = :end, status = :status, "
         "allow_unauthenticated_devices = :allow, updated_at = :now WHERE id = :id",
      soci::use(c.name), soci::use(start), soci::use(end), soci::use(status), soci::use(allow),
      soci::use(now), soci::use(id.value());
  tx.Commit();
  return c;
}

}  // namespace kanri::tenancy

namespace kanri::tenancy {

SignInPolicy SignInPolicy::FromColumns(long long enabled, std::string_view allowlist,
                                       long long totp_required) {
  SignInPolicy p;
  p.ip_restriction_enabled = enabled != 0;
  p.totp_required = totp_required != 0;
  for (std::string_view rest = allowlist; !rest.empty();) {
    const auto space = rest.find(' ');
    const std::string_view entry = rest.substr(0, space);
    // Written only by AllowlistColumn; an entry that does not parse admits nobody.
    if (auto n = ParseNetwork(entry); n) p.ip_allowlist.push_back(*n);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return p;
}

CompanyAccess CompanyAccess::Read(const soci::row& r, std::size_t first, Date today) {
  CompanyAccess out;
  auto text = [&](std::size_t i) {
    return r.get_indicator(first + i) == soci::i_null ? std::optional<std::string>()
                                                      : std::optional(r.get<std::string>(first + i));
  };
  const auto status = text(0), start = text(1), end = text(2);
  if (!status || !start) return out;  // no company row
  Company c;
  c.status = ParseCompanyStatus(*status).value_or(CompanyStatus::kSuspended);
  c.contract_start = Date::Parse(*start).value_or(Date{9999, 12, 31});
  if (end) c.contract_end = Date::Parse(*end);
  out.in_service = c.InService(today);
  out.sign_in =
      SignInPolicy::FromColumns(db::RowInteger(r, first + 3), *text(4), db::RowInteger(r, first + 5));
  return out;
}

std::string SignInPolicy::AllowlistColumn() const {
  std::string out;
  for (const auto& n : ip_allowlist) out += (out.empty() ? "" : " ") + n.ToString();
  return out;
}

Result<std::vector<IpNetwork>> ParseAllowlist(const std::vector<std::string>& entries) {
  if (entries.size() > kMaxAllowlistEntries)
    return InvalidArgument("ip_allowlist", "at most " + std::to_string(kMaxAllowlistEntries) + " entries");
  std::vector<IpNetwork> out;
  for (const auto& entry : entries) {
    auto n = ParseNetwork(entry, "ip_allowlist");
    if (!n) return n.error();
    if (!n->Canonical()) {
      // 192.0.2.7/24: the network 192.0.2.0/24, or the host 192.0.2.7/32? Ask, do not guess.
      return InvalidArgument("ip_allowlist",
                             "'" + entry + "' has bits set past its prefix: write " + n->Masked().ToString() +
                                 " for the network or " + n->base.to_string() + "/" +
                                 std::to_string(n->base.is_v4() ? 32 : 128) + " for one address");
    }
    if (std::find(out.begin(), out.end(), *n) != out.end())
      return InvalidArgument("ip_allowlist", "'" + entry + "' is listed twice");
    out.push_back(*n);
  }
  return out;
}

namespace {

std::optional<SignInPolicy> ReadSignIn(db::Lease& lease, const CompanyId& id, int& deletion_stage) {
  long long enabled = 0, totp = 0;
  std::string allowlist;
  lease.sql() << "SELECT ip_restriction_enabled, ip_allowlist, totp_required, deletion_stage FROM companies "
                 "WHERE id = :id",
      soci::use(id.value()), soci::into(enabled), soci::into(allowlist), soci::into(totp),
      soci::into(deletion_stage);
  if (!lease.sql().got_data()) return std::nullopt;
  return SignInPolicy::FromColumns(enabled, allowlist, totp);
}

}  // namespace

Result<SignInPolicy> CompanyRepository::SignIn(const CompanyId& id) {
  auto lease = db_.Acquire();
  int stage = 0;
  auto p = ReadSignIn(lease, id, stage);
  if (!p) return NotFound("company not found");
  return *p;
}

Result<SignInPolicy> CompanyRepository::UpdateSignIn(const CompanyId& id, const SignInPolicyPatch& patch,
                                                     const std::optional<std::string>& caller_address) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  int stage = 0;
  auto current = ReadSignIn(lease, id, stage);
  if (!current) return NotFound("company not found");
  if (stage != kNothingDeleted)
    return Conflict("the company's data is being deleted after its contract ended", "deletion_in_progress");
  SignInPolicy p = *current;
  if (patch.ip_restriction_enabled) p.ip_restriction_enabled = *patch.ip_restriction_enabled;
  if (patch.ip_allowlist) p.ip_allowlist = *patch.ip_allowlist;
  if (patch.totp_required) p.totp_required = *patch.totp_required;
  // On with an empty list admits nobody: the whole company would be locked out.
  if (p.ip_restriction_enabled && p.ip_allowlist.empty())
    return Error{ErrorCode::kLimitExceeded, "the restriction needs at least one allowed address or network",
                 "ip_allowlist", "allowlist_empty"};
  if (caller_address && !p.Admits(*caller_address)) {
    return Error{ErrorCode::kLimitExceeded,
                 "your own address " + *caller_address +
                     " would be outside the list: add it first, or you are locked out",
                 "ip_allowlist", "would_lock_out_caller"};
  }
  const long long enabled = p.ip_restriction_enabled ? 1 : 0, totp = p.totp_required ? 1 : 0;
  const std::string allowlist = p.AllowlistColumn();
  const long long now = ToUnixMillis(clock_.Now());
  lease.sql() << "UPDATE companies SET ip_restriction_enabled = :e, ip_allowlist = :l, totp_required = :r, "
                 "updated_at = :now WHERE id = :id",
      soci::use(enabled), soci::use(allowlist), soci::use(totp), soci::use(now), soci::use(id.value());
  tx.Commit();
  return p;
}

Result<bool> CompanyRepository::RemoteLoginEnabled(const CompanyId& id) {
  auto lease = db_.Acquire();
  int enabled = 0;
  lease.sql() << "SELECT remote_login_enabled FROM companies WHERE id = :id", soci::use(id.value()),
      soci::into(enabled);
  if (!lease.sql().got_data()) return NotFound("company not found");
  return enabled != 0;
}

Result<bool> CompanyRepository::SetRemoteLoginEnabled(const CompanyId& id, bool enabled) {
  auto lease = db_.Acquire();
  const int value = enabled ? 1 : 0;
  const long long now = ToUnixMillis(clock_.Now());
  soci::statement st =
      (lease.sql().prepare << "UPDATE companies SET remote_login_enabled = :e, updated_at = :t "
                              "WHERE id = :id",
       soci::use(value), soci::use(now), soci::use(id.value()));
  st.execute(true);
  if (db::AffectedRows(st) != 1) return NotFound("company not found");
  return enabled;
}

}  // namespace kanri::tenancy
