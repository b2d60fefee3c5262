#include "access/api_tokens.h"

#include <algorithm>

#include "base/crypto.h"
#include "base/text.h"
#include "tenancy/companies.h"

namespace kanri::access {
namespace {

constexpr std::size_t kSecretBytes = 32;  // 256 bits
// Longer than any secret this code issues: a longer "token" is refused before it is hashed.
constexpr std::size_t kMaxSecretLength = 128;
// The last use is written at most this often per token (unless the address changes), so a busy
// integration costs one write a minute.
constexpr Millis kUseWriteInterval = std::chrono::minutes{1};

constexpr const char* kColumns =
    "t.id, t.company_id, t.name, t.permissions, t.created_by, t.created_by_login, t.created_at, "
    "t.expires_at, "
    "t.last_used_at, t.last_used_ip";
constexpr std::size_t kColumnCount = 10;

std::vector<std::string> SplitNames(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view rest = text; !rest.empty();) {
    const auto space = rest.find(' ');
    if (space != 0) out.emplace_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return out;
}

ApiToken ReadToken(const soci::row& r) {
  ApiToken t;
  t.id = r.get<std::string>(0);
  if (r.get_indicator(1) != soci::i_null) t.company_id = CompanyId{r.get<std::string>(1)};
  t.name = r.get<std::string>(2);
  t.permissions = PermissionSet::FromNames(SplitNames(r.get<std::string>(3)));
  t.created_by = r.get<std::string>(4);
  t.created_by_login = r.get<std::string>(5);
  t.created_at = FromUnixMillis(db::RowInteger(r, 6));
  t.expires_at = FromUnixMillis(db::RowInteger(r, 7));
  if (r.get_indicator(8) != soci::i_null) t.last_used_at = FromUnixMillis(db::RowInteger(r, 8));
  if (r.get_indicator(9) != soci::i_null) t.last_used_ip = r.get<std::string>(9);
  return t;
}

// The owner as a WHERE condition on t.company_id, with its bound value (":o").
std::string OwnerCondition(const TokenOwner& owner) {
  return owner ? "t.company_id = :o" : "t.company_id IS NULL AND :o = ''";
}
std::string OwnerValue(const TokenOwner& owner) {
  return owner ? owner->value() : std::string();
}

// Managing tokens is for people: a token never holds the permission that creates tokens.
bool ManagesTokens(std::string_view permission) {
  return permission == "tokens.write" || permission == "provider.tokens";
}

Status ValidateTokenName(std::string_view name) {
  const long n = Utf8Length(name);
  if (n < 1 || n > static_cast<long>(kMaxTokenNameLength) || Trim(name).empty() ||
      std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return InvalidArgument("name", "name must be 1-100 characters of text, without control characters");
  return Ok{};
}

}  // namespace

identity::SessionActor TokenActor(const ApiToken& token) {
  identity::SessionActor a;
  a.session_id = SessionId{token.id};
  a.account.id = AccountId{token.id};
  a.account.company_id = token.company_id;
  a.account.login = "token:" + token.name;
  a.account.name = token.name;
  a.account.kind = token.company_id ? identity::AccountKind::kGeneral : identity::AccountKind::kSiteAdmin;
  a.account.status = identity::AccountStatus::kActive;
  a.created_at = token.created_at;
  a.expires_at = token.expires_at;
  return a;
}

Result<IssuedApiToken> ApiTokenRepository::Create(const TokenOwner& owner, const NewApiToken& input,
                                                  const Grantor& creator, const std::string& creator_login) {
  if (auto st = ValidateTokenName(input.name); !st) return st.error();
  if (input.permissions.empty())
    return InvalidArgument("permissions", "a token needs at least one permission");
  const PermissionScope scope = owner ? PermissionScope::kCompany : PermissionScope::kProvider;
  for (const auto& name : input.permissions) {
    const auto index = PermissionIndex(name);
    if (!index || Catalog()[*index].scope != scope)
      return InvalidArgument("permissions", "'" + ClipUtf8(name, 64) + "' is not a permission a " +
                                                (owner ? "company" : "provider") + " token can hold");
    if (ManagesTokens(name))
      return InvalidArgument("permissions",
                             "a token cannot hold '" + name + "': tokens are managed by people");
  }
  const PermissionSet wanted = PermissionSet::FromNames(input.permissions);
  if (const PermissionSet beyond = wanted.Without(creator.held); !beyond.empty())
    return Error{ErrorCode::kPermissionDenied, "you do not hold every permission you ask for the token",
                 "permissions", kGrantExceedsOwnPermissions};
  const Timestamp now = clock_.Now();
  if (input.expires_at <= now) return InvalidArgument("expires_at", "expires_at must be in the future");
  if (input.expires_at > now + kMaxTokenLifetime)
    return InvalidArgument("expires_at", "a token may live at most one year");

  IssuedApiToken out;
  out.secret = std::string(kTokenPrefix) + RandomToken(kSecretBytes);
  ApiToken& t = out.token;
  t.id = GenerateOpaqueId();
  t.company_id = owner;
  t.name = input.name;
  t.permissions = wanted;
  t.created_by = creator.id.value();
  t.created_by_login = creator_login;
  t.created_at = now;
  t.expires_at = input.expires_at;

  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const std::string owner_value = OwnerValue(owner);
  const long long t_now = ToUnixMillis(now);
  long long live = 0, rows = 0;
  lease.sql() << "SELECT COALESCE(SUM(CASE WHEN t.expires_at > :now THEN 1 ELSE 0 END), 0), COUNT(*) "
                 "FROM api_tokens t WHERE " +
                     OwnerCondition(owner),
      soci::use(t_now), soci::use(owner_value), soci::into(live), soci::into(rows);
  if (live >= static_cast<long long>(kMaxTokensPerOwner) ||
      rows >= static_cast<long long>(kMaxTokenRowsPerOwner))
    return LimitExceeded("too_many_tokens", "at most " + std::to_string(kMaxTokensPerOwner) +
                                                " unexpired tokens (and " +
                                                std::to_string(kMaxTokenRowsPerOwner) +
                                                " with the expired ones still listed); delete one first");
  std::string permissions;
  for (const auto& p : wanted.Names()) permissions += (permissions.empty() ? "" : " ") + p;
  const std::string hash = Sha256Hex(out.secret);
  const std::optional<std::string> company = owner ? std::optional(owner->value()) : std::nullopt;
  const long long expires = ToUnixMillis(t.expires_at);
  lease.sql()
      << "INSERT INTO api_tokens (id, company_id, name, token_hash, permissions, created_by, "
         "created_by_login, created_at, expires_at) VALUES (:id, :c, :n, :h, :p, :by, :login, :t, :e)",
      soci::use(t.id), soci::use(company), soci::use(t.name), soci::use(hash), soci::use(permissions),
      soci::use(t.created_by), soci::use(t.created_by_login), soci::use(t_now), soci::use(expires);
  tx.Commit();
  return out;
}

std::vector<ApiToken> ApiTokenRepository::List(const TokenOwner& owner) {
  auto lease = db_.Acquire();
  const std::string owner_value = OwnerValue(owner);
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kColumns + " FROM api_tokens t WHERE " +
                                  OwnerCondition(owner) + " ORDER BY t.created_at DESC, t.id",
       soci::use(owner_value));
  std::vector<ApiToken> out;
  for (const auto& r : rows) out.push_back(ReadToken(r));
  return out;
}

Result<ApiToken> ApiTokenRepository::Revoke(const TokenOwner& owner, const std::string& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  const std::string owner_value = OwnerValue(owner);
  std::optional<ApiToken> found;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT ") + kColumns +
                                    " FROM api_tokens t WHERE t.id = :id AND " + OwnerCondition(owner),
         soci::use(id), soci::use(owner_value));
    for (const auto& r : rows) found = ReadToken(r);
  }
  if (!found) return NotFound("token not found");
  lease.sql() << "DELETE FROM api_tokens WHERE id = :id", soci::use(id);
  tx.Commit();
  return *found;
}

ApiTokenRepository::Resolved ApiTokenRepository::Resolve(std::string_view secret,
                                                         std::string_view client_ip) {
  Resolved out;
  if (!secret.starts_with(kTokenPrefix) || secret.size() > kMaxSecretLength) return out;
  const std::string hash = Sha256Hex(secret);
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  std::optional<ApiToken> token;
  tenancy::CompanyAccess company;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT ") + kColumns + ", " + tenancy::CompanyAccess::kColumns +
                                    " FROM api_tokens t LEFT JOIN companies c ON c.id = t.company_id "
                                    "WHERE t.token_hash = :h",
         soci::use(hash));
    for (const auto& r : rows) {
      token = ReadToken(r);
      company = tenancy::CompanyAccess::Read(r, kColumnCount, Date::FromTimestampJst(now));
    }
  }
  if (!token || now >= token->expires_at) return out;
  if (token->company_id && !company.in_service) return out;  // suspended or ended: at once
  if (token->company_id && !company.sign_in.Admits(client_ip)) {
    out.address_refused = true;
    out.token = std::move(token);
    return out;
  }
  if (!token->last_used_at || now - *token->last_used_at >= kUseWriteInterval ||
      token->last_used_ip != client_ip) {
    const long long t = ToUnixMillis(now);
    const std::string ip(client_ip);
    lease.sql() << "UPDATE api_tokens SET last_used_at = :t, last_used_ip = :ip WHERE id = :id", soci::use(t),
        soci::use(ip), soci::use(token->id);
    token->last_used_at = now;
    token->last_used_ip = ip;
  }
  out.token = std::move(token);
  return out;
}

std::size_t ApiTokenRepository::PurgeExpired(Millis keep) {
  auto lease = db_.Acquire();
  const long long cutoff = ToUnixMillis(clock_.Now() - keep);
  soci::statement st =
      (lease.sql().prepare << "DELETE FROM api_tokens WHERE expires_at <= :c", soci::use(cutoff));
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

std::int64_t DeleteCompanyTokenRows(db::Lease& lease, const CompanyId& company) {
  soci::statement st =
      (lease.sql().prepare << "DELETE FROM api_tokens WHERE company_id = :c", soci::use(company.value()));
  st.execute(true);
  return db::AffectedRows(st);
}

}  // namespace kanri::access
