// HTTP Digest access authentication (RFC 7616; MD5 with qop=auth) for both ends of TR-069:
// the ACS challenges CPEs on a plain-HTTP lab listener (issue 4), and Kanri answers the
// challenge of a CPE's connection-request server (DEV-4). The simulator uses both sides.
//
// Server side. Nonces are stateless, so any node verifies any other node's nonce: a nonce
// is the issue time plus an HMAC-SHA-256 of it under a server key, valid for a bounded
// lifetime; an expired but genuine nonce answers `stale=true` so the client retries
// without asking the user. There is no nonce-count tracking (that would need shared
// state), so a captured request can be replayed within the nonce lifetime: keep it short
// and prefer TLS, where Digest is not needed at all.
//
//   DigestAuthenticator digest{key, "kanri"};
//   auto creds = ParseDigestAuthorization(*request.Header("authorization"));
//   if (!creds) → 401 with WWW-Authenticate: digest.Challenge(clock.Now())
//   switch (digest.Verify(*creds, request.method, request.target, password_of(creds->username), now))
//     kStale → 401 with digest.Challenge(now, /*stale=*/true)
//
// Client side. Parse the server's WWW-Authenticate headers, pick Digest (else Basic) and
// compute the Authorization value; a DigestClient counts nc across requests on its nonce.
//
//   auto challenges = ParseAuthChallenges(www_authenticate);
//   auto client = DigestClient::FromChallenges(challenges, "user", "pass");
//   request.set(authorization, client->Authorization("GET", "/cr"));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace kanri::http {

// One challenge (WWW-Authenticate) or credentials (Authorization): a scheme and its
// auth-params. Scheme lower-case; parameter names lower-case; values unquoted/unescaped.
struct AuthChallenge {
  std::string scheme;  // "digest", "basic", …
  std::vector<std::pair<std::string, std::string>> params;

  std::optional<std::string_view> Param(std::string_view lower_name) const;
};

// Parses one header value that may hold several challenges ("Digest realm=…, nonce=…,
// Basic realm=…"). Fails on malformed input (unterminated quotes, a parameter before any
// scheme, duplicate parameters, over-long input); never throws.
Result<std::vector<AuthChallenge>> ParseAuthChallenges(std::string_view header_value);
// The same for several WWW-Authenticate header lines: the challenges of all of them, in
// order; lines that do not parse are skipped.
std::vector<AuthChallenge> ParseAuthChallenges(const std::vector<std::string>& header_values);

enum class DigestAlgorithm { kMd5, kMd5Sess, kSha256, kSha256Sess };
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view text);  // case-insensitive
std::string_view ToString(DigestAlgorithm algorithm);

// The fields of an `Authorization: Digest …` header.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;  // hex
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  std::string qop;  // "auth", or empty (RFC 2069)
  std::string cnonce;
  std::string nc;  // 8 hex digits
  std::string opaque;
};

// Parses `Digest username="…", realm="…", …` in any order, quoted or not. Missing required
// fields, unknown algorithms, a qop without cnonce/nc → error.
Result<DigestCredentials> ParseDigestAuthorization(std::string_view header_value);

// The response value of RFC 7616 section 3.4.1 (hex): what client and server both compute.
// `qop` empty gives RFC 2069's H(HA1:nonce:HA2); "auth-int" hashes `entity_body`.
std::string DigestResponse(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                           std::string_view password, std::string_view method, std::string_view uri,
                           std::string_view nonce, std::string_view nc, std::string_view cnonce,
                           std::string_view qop, std::string_view entity_body = {});

// ---------------------------------------------------------------------------------------------
// Server side

struct DigestServerSettings {
  std::string realm = "kanri";
  // How long a nonce is accepted; after that the client gets stale=true and retries.
  Millis nonce_lifetime = std::chrono::minutes{5};
  // Tolerated clock difference between nodes (a nonce issued "in the future").
  Millis clock_skew = std::chrono::seconds{30};
};

class DigestAuthenticator {
 public:
  // `key`: secret bytes (at least 16) shared by every node that must verify the nonces.
  DigestAuthenticator(std::string key, DigestServerSettings settings = {});

  // The WWW-Authenticate value: Digest realm="…", qop="auth", nonce="…", opaque="…",
  // algorithm=MD5[, stale=true].
  std::string Challenge(Timestamp now, bool stale = false) const;

  enum class Verdict { kOk, kStale, kInvalid };
  // Checks realm, opaque, nonce (genuine and fresh), qop=auth and the response against
  // `password` in constant time. `request_target` is the request line's target: the digest
  // uri must name it (RFC 7616 section 3.4.6).
  Verdict Verify(const DigestCredentials& credentials, std::string_view method,
                 std::string_view request_target, std::string_view password, Timestamp now) const;

  const std::string& realm() const { return settings_.realm; }

 private:
  std::string NonceMac(std::int64_t issued_ms) const;
  std::string key_;
  DigestServerSettings settings_;
  std::string opaque_;
};

// ---------------------------------------------------------------------------------------------
// Client side

// `Basic base64(user:password)`.
std::string BasicAuthorization(std::string_view username, std::string_view password);
// The user and password of such a header value (RFC 7617); nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header_value);

// Answers one server's Digest challenge; keeps the nonce count. Not thread-safe.
class DigestClient {
 public:
  // From a Digest challenge (realm, nonce required; qop with "auth" or "auth-int", or absent
  // for RFC 2069). Fails on a challenge it cannot answer (unknown algorithm, no nonce).
  static Result<DigestClient> FromChallenge(const AuthChallenge& challenge, std::string username,
                                            std::string password);

  // The Authorization header value for the next request (nc counts up).
  std::string Authorization(std::string_view method, std::string_view uri, std::string_view entity_body = {});

 private:
  DigestClient() = default;
  std::string username_, password_, realm_, nonce_, opaque_, qop_;
  DigestAlgorithm algorithm_ = DigestAlgorithm::kMd5;
  bool algorithm_sent_ = false;
  std::uint32_t nc_ = 0;
};

// Picks how to answer a set of challenges: Digest when offered (the first one this client
// can answer), else Basic, else nothing. For Digest, call DigestClient::Authorization.
struct ClientAuthorization {
  std::optional<DigestClient> digest;
  std::optional<std::string> basic;  // the complete header value
};
Result<ClientAuthorization> AnswerChallenges(const std::vector<AuthChallenge>& challenges,
                                             const std::string& username, const std::string& password);

}  // namespace kanri::http
