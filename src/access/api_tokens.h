// API tokens (SEC-9): machine credentials for integrations, instead of people's sessions.
//
// A token belongs to a company (or, created by a site administrator, to the provider), holds a
// fixed set of permissions chosen at creation from those its creator held then, and expires at
// most a year later. Its secret, "kanri_" and 256 random bits in base64url, is shown once; the
// database keeps only its SHA-256, like session tokens. Requests send it as
// `Authorization: Bearer kanri_…`: no cookie, no CSRF token. It stops working when it is
// revoked, when it expires, and at once when its company is suspended or its contract ends; the
// company's SEC-4 address restriction applies to it as to sessions.
//
//   auto issued = tokens.Create(scope, {.name = "order system", .permissions = {"devices.read"},
//                                       .expires_at = t}, grantor);   // issued->secret, once
//   auto who = tokens.Resolve(secret, client_ip);                     // per request
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/grants.h"
#include "access/permissions.h"
#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "identity/sessions.h"

namespace kanri::access {

inline constexpr std::string_view kTokenPrefix = "kanri_";
inline constexpr std::size_t kMaxTokensPerOwner = 100;  // unexpired ones, per company or for the provider
// Expired tokens stay listed for 90 days; this bounds the rows one owner can hold in all.
inline constexpr std::size_t kMaxTokenRowsPerOwner = 200;
inline constexpr std::size_t kMaxTokenNameLength = 100;
inline constexpr Millis kMaxTokenLifetime = std::chrono::days{366};

struct ApiToken {
  std::string id;
  std::optional<CompanyId> company_id;  // nullopt: a provider token
  std::string name;
  PermissionSet permissions;
  std::string created_by;        // the account's id
  std::string created_by_login;  // as it was then
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> last_used_at;
  std::string last_used_ip;
};

struct NewApiToken {
  std::string name;
  std::vector<std::string> permissions;
  Timestamp expires_at;
};

struct IssuedApiToken {
  ApiToken token;
  std::string secret;  // "kanri_…": answered once, never stored
};

// Whose tokens: a company's (its accounts with tokens.write) or the provider's.
using TokenOwner = std::optional<CompanyId>;

class ApiTokenRepository {
 public:
  ApiTokenRepository(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The permissions must be known, of the owner's scope, held by `creator`, and not token
  // management itself; refusals are 422 (invalid) or 403 (grant_exceeds_own_permissions).
  Result<IssuedApiToken> Create(const TokenOwner& owner, const NewApiToken& input, const Grantor& creator,
                                const std::string& creator_login);
  std::vector<ApiToken> List(const TokenOwner& owner);
  // Deletes it; NotFound for another owner's token.
  Result<ApiToken> Revoke(const TokenOwner& owner, const std::string& id);

  struct Resolved {
    std::optional<ApiToken> token;
    bool address_refused = false;  // SEC-4: valid, but its company does not admit the address
  };
  // The token behind a secret, if it works now; records its use (at most once a minute, or when
  // the address changes).
  Resolved Resolve(std::string_view secret, std::string_view client_ip);

  // Tokens that expired more than `keep` ago (the session-purge job); returns how many.
  std::size_t PurgeExpired(Millis keep);

 private:
  db::Database& db_;
  const Clock& clock_;
};

// The request's actor for a token: the account the router and handlers see. Its id is the
// token's, its login "token:<name>" (what the history records as the actor), its kind general
// (a company token) or site administrator (a provider token), never an administrator's.
identity::SessionActor TokenActor(const ApiToken& token);

// DATA-6: a company's tokens, deleted with its accounts (in the caller's transaction).
std::int64_t DeleteCompanyTokenRows(db::Lease& lease, const CompanyId& company);

}  // namespace kanri::access
