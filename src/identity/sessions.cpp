#include "identity/sessions.h"

#include <sodium.h>

#include "base/cleanup.h"
#include "base/crypto.h"
#include "tenancy/companies.h"

namespace kanri::identity {
namespace {

constexpr std::size_t kTokenBytes = 32;  // 256 bits; SEC-3 asks for at least 128

std::string HashToken(std::string_view token) {
  return Sha256Hex(token);
}

}  // namespace

std::string SessionStore::CsrfTokenFor(std::string_view session_token) {
  static constexpr std::string_view kContext = "kanri-csrf-v1";
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kContext.data()),
                     kContext.size(), reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

IssuedSession SessionStore::Create(db::Lease& lease, const Account& account, const std::string& client_ip) {
  IssuedSession issued;
  issued.token = RandomToken(kTokenBytes);
  issued.csrf_token = CsrfTokenFor(issued.token);
  const Timestamp now = clock_.Now();
  issued.actor = SessionActor{SessionId::Generate(), account, now, now + settings_.absolute_lifetime};
  std::optional<std::string> company =
      account.company_id ? std::optional(account.company_id->value()) : std::nullopt;
  long long t = ToUnixMillis(now), expires = ToUnixMillis(issued.actor.expires_at);
  const std::string token_hash = HashToken(issued.token);  // SOCI binds by reference: keep it named
  lease.sql()
      << "INSERT INTO sessions (id, token_hash, account_id, company_id, created_at, last_activity_at, "
         "expires_at, client_ip) VALUES (:id, :h, :a, :c, :t1, :t2, :e, :ip)",
      soci::use(issued.actor.session_id.value()), soci::use(token_hash), soci::use(account.id.value()),
      soci::use(company), soci::use(t), soci::use(t), soci::use(expires), soci::use(client_ip);
  return issued;
}

SessionStore::Resolved SessionStore::Resolve(std::string_view token, bool is_operation,
                                             std::string_view client_ip) {
  Resolved out;
  const std::string hash = HashToken(token);
  auto lease = db_.Acquire();
  struct Row {
    SessionActor actor;
    Timestamp last_activity;
    bool company_in_service = true;
    bool address_admitted = true;
  };
  std::optional<Row> row;
  const Timestamp now = clock_.Now();
  {
    // The hottest query of the service (every authenticated request): prepared once per
    // connection. The company must still be in service: suspending or ending it ends its
    // sessions. SEC-4: its address restriction applies to every request.
    struct ResolveQuery : db::CachedStatement {
      std::string token_hash;
      soci::row row;
      soci::statement statement;
      explicit ResolveQuery(soci::session& sql)
          : statement(
                (sql.prepare << std::string("SELECT s.id, s.created_at, s.last_activity_at, s.expires_at, ") +
                                    tenancy::CompanyAccess::kColumns + ", " + kAccountColumns +
                                    " FROM sessions s JOIN accounts a ON a.id = s.account_id "
                                    "LEFT JOIN companies c ON c.id = s.company_id WHERE s.token_hash = :h",
                 soci::use(token_hash), soci::into(row))) {}
    };
    auto& q = lease.Cached<ResolveQuery>(
        "sessions.resolve", [](soci::session& sql) { return std::make_unique<ResolveQuery>(sql); });
    q.token_hash = hash;
    const bool found = q.statement.execute(true);
    Cleanup finish{[&] { db::FinishRead(lease.backend(), q.statement); }};
    if (found) {
      const soci::row& r = q.row;
      constexpr std::size_t kCompany = 4, kAccount = kCompany + tenancy::CompanyAccess::kColumnCount;
      Row x{SessionActor{SessionId{r.get<std::string>(0)}, ReadAccount(r, kAccount),
                         FromUnixMillis(r.get<long long>(1)), FromUnixMillis(r.get<long long>(3))},
            FromUnixMillis(r.get<long long>(2))};
      bool totp_required =
          x.actor.account.kind == AccountKind::kSiteAdmin && settings_.require_totp_for_site_admins;
      if (x.actor.account.company_id) {
        const auto company = tenancy::CompanyAccess::Read(r, kCompany, Date::FromTimestampJst(now));
        x.company_in_service = company.in_service;
        x.address_admitted = company.sign_in.Admits(client_ip);
        totp_required = company.sign_in.totp_required;
      }
      x.actor.totp_enrolment_required = totp_required && !x.actor.account.totp_enabled_at;
      row = std::move(x);
    }
  }
  if (!row) {
    out.end = SessionEnd::kUnknown;
    return out;
  }
  const Account& account = row->actor.account;
  if (now >= row->actor.expires_at) {
    out.end = SessionEnd::kLifetime;
  } else if (now - row->last_activity >= settings_.idle_timeout) {
    out.end = SessionEnd::kIdle;  // SEC-3: 60 minutes without an operation
  } else if (account.status != AccountStatus::kActive || account.IsLocked(now) || !row->company_in_service) {
    out.end = SessionEnd::kAccountInactive;
  }
  if (out.end != SessionEnd::kNone) {
    out.ended_account = account;
    lease.sql() << "DELETE FROM sessions WHERE id = :id", soci::use(row->actor.session_id.value());
    return out;
  }
  // SEC-4: refused from here, not ended: the same session works again from an allowed address.
  if (!row->address_admitted) {
    out.address_refused = true;
    out.actor = std::move(row->actor);
    return out;
  }
  if (is_operation && now - row->last_activity >= settings_.activity_write_interval) {
    long long t = ToUnixMillis(now);
    lease.sql() << "UPDATE sessions SET last_activity_at = :t WHERE id = :id", soci::use(t),
        soci::use(row->actor.session_id.value());
  }
  out.actor = std::move(row->actor);
  return out;
}

void SessionStore::Revoke(const SessionId& id) {
  auto lease = db_.Acquire();
  lease.sql() << "DELETE FROM sessions WHERE id = :id", soci::use(id.value());
}

std::size_t SessionStore::PurgeEnded(Timestamp now) {
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(now);
  const long long idle_cutoff = t - settings_.idle_timeout.count();
  soci::statement st =
      (lease.sql().prepare << "DELETE FROM sessions WHERE expires_at <= :t OR last_activity_at <= :i",
       soci::use(t), soci::use(idle_cutoff));
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

}  // namespace kanri::identity
