#include "http/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <stdexcept>

#include "base/crypto.h"
#include "base/text.h"

namespace kanri::http {

namespace {

// Bounds on what the parser accepts; the server's header limit bounds it as well.
constexpr std::size_t kMaxHeaderValue = 8 * 1024;
constexpr std::size_t kMaxChallenges = 16;
constexpr std::size_t kNonceMacBytes = 16;

bool IsTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool IsToken68Char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~+/").find(c) != std::string_view::npos;
}
bool IsOws(char c) {
  return c == ' ' || c == '\t';
}

Error Malformed(std::string message) {
  return InvalidArgument("authorization", std::move(message));
}

// A small cursor over one header value.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return s_[i_]; }
  void SkipOws() {
    while (!AtEnd() && IsOws(s_[i_])) ++i_;
  }
  void SkipOwsAndCommas() {
    while (!AtEnd() && (IsOws(s_[i_]) || s_[i_] == ',')) ++i_;
  }
  std::string_view Token() {
    std::size_t start = i_;
    while (!AtEnd() && IsTchar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  // token68 followed by OWS and then the end or a comma; restores the position otherwise.
  std::optional<std::string_view> Token68() {
    std::size_t start = i_;
    while (!AtEnd() && IsToken68Char(s_[i_])) ++i_;
    std::size_t body_end = i_;
    while (!AtEnd() && s_[i_] == '=') ++i_;
    std::size_t end = i_;
    SkipOws();
    if (body_end > start && (AtEnd() || Peek() == ',')) return s_.substr(start, end - start);
    i_ = start;
    return std::nullopt;
  }
  // A quoted-string (escapes removed) or an unquoted value up to OWS or a comma. Lenient
  // about unquoted values: CPEs send uri=/path unquoted although '/' is no tchar.
  Result<std::string> Value() {
    std::string out;
    if (!AtEnd() && Peek() == '"') {
      ++i_;
      for (;;) {
        if (AtEnd()) return Malformed("unterminated quoted string");
        char c = s_[i_++];
        if (c == '"') return out;
        if (c == '\\') {
          if (AtEnd()) return Malformed("unterminated quoted string");
          c = s_[i_++];
        }
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
          return Malformed("control character in a quoted string");
        out.push_back(c);
      }
    }
    while (!AtEnd() && !IsOws(Peek()) && Peek() != ',') {
      char c = s_[i_++];
      if (c == '"' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return Malformed("invalid character in a value");
      out.push_back(c);
    }
    if (out.empty()) return Malformed("empty value");
    return out;
  }
  bool Consume(char c) {
    if (!AtEnd() && Peek() == c) {
      ++i_;
      return true;
    }
    return false;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string HashHex(DigestAlgorithm algorithm, std::string_view data) {
  const EVP_MD* md = (algorithm == DigestAlgorithm::kMd5 || algorithm == DigestAlgorithm::kMd5Sess)
                         ? EVP_md5()
                         : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1)
    throw std::runtime_error("digest hash failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw std::runtime_error("HMAC failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

// The path-and-query of an absolute URI ("http://host/x?y" → "/x?y"); the text otherwise.
std::string_view PathOf(std::string_view uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return uri;
  auto slash = uri.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view("/") : uri.substr(slash);
}

}  // namespace

std::optional<std::string_view> AuthChallenge::Param(std::string_view lower_name) const {
  for (const auto& [k, v] : params)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

Result<std::vector<AuthChallenge>> ParseAuthChallenges(std::string_view header_value) {
  if (header_value.size() > kMaxHeaderValue) return Malformed("header too long");
  std::vector<AuthChallenge> out;
  Lexer lex(header_value);
  for (;;) {
    lex.SkipOwsAndCommas();
    if (lex.AtEnd()) break;
    std::string_view name = lex.Token();
    if (name.empty()) return Malformed("expected a scheme or a parameter name");
    lex.SkipOws();
    if (lex.Consume('=')) {
      if (out.empty()) return Malformed("parameter before any scheme");
      lex.SkipOws();
      auto value = lex.Value();
      if (!value) return value.error();
      std::string key = AsciiLower(name);
      if (out.back().Param(key)) return Malformed("duplicate parameter '" + key + "'");
      out.back().params.emplace_back(std::move(key), std::move(*value));
      lex.SkipOws();
      if (!lex.AtEnd() && lex.Peek() != ',') return Malformed("expected a comma after a parameter");
      continue;
    }
    // A new challenge: scheme, then optionally a token68 or parameters.
    if (out.size() == kMaxChallenges) return Malformed("too many challenges");
    out.push_back(AuthChallenge{AsciiLower(name), {}});
    if (!lex.AtEnd() && lex.Peek() != ',') {
      if (auto t68 = lex.Token68()) out.back().params.emplace_back("token68", std::string(*t68));
    }
  }
  if (out.empty()) return Malformed("no challenge");
  return out;
}

std::vector<AuthChallenge> ParseAuthChallenges(const std::vector<std::string>& header_values) {
  std::vector<AuthChallenge> out;
  for (const auto& value : header_values) {
    auto parsed = ParseAuthChallenges(std::string_view(value));
    if (!parsed) continue;
    for (auto& c : *parsed) out.push_back(std::move(c));
  }
  return out;
}

std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view text) {
  std::string lower = AsciiLower(text);
  if (lower == "md5") return DigestAlgorithm::kMd5;
  if (lower == "md5-sess") return DigestAlgorithm::kMd5Sess;
  if (lower == "sha-256") return DigestAlgorithm::kSha256;
  if (lower == "sha-256-sess") return DigestAlgorithm::kSha256Sess;
  return std::nullopt;
}

std::string_view ToString(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5:
      return "MD5";
    case DigestAlgorithm::kMd5Sess:
      return "MD5-sess";
    case DigestAlgorithm::kSha256:
      return "SHA-256";
    case DigestAlgorithm::kSha256Sess:
      return "SHA-256-sess";
  }
  return "MD5";
}

Result<DigestCredentials> ParseDigestAuthorization(std::string_view header_value) {
  auto parsed = ParseAuthChallenges(header_value);
  if (!parsed) return parsed.error();
  if (parsed->size() != 1 || (*parsed)[0].scheme != "digest") return Malformed("not Digest credentials");
  const AuthChallenge& c = (*parsed)[0];
  DigestCredentials out;
  auto required = [&](std::string_view name, std::string& into) -> bool {
    auto v = c.Param(name);
    if (!v) return false;
    into = std::string(*v);
    return true;
  };
  if (!required("username", out.username) || !required("realm", out.realm) || !required("nonce", out.nonce) ||
      !required("uri", out.uri) || !required("response", out.response))
    return Malformed("Digest credentials lack username, realm, nonce, uri or response");
  if (auto a = c.Param("algorithm")) {
    auto algorithm = ParseDigestAlgorithm(*a);
    if (!algorithm) return Malformed("unknown Digest algorithm");
    out.algorithm = *algorithm;
  }
  if (auto qop = c.Param("qop")) {
    out.qop = AsciiLower(*qop);
    if (out.qop != "auth" && out.qop != "auth-int") return Malformed("unknown qop");
    if (!required("cnonce", out.cnonce) || !required("nc", out.nc))
      return Malformed("qop requires cnonce and nc");
    if (out.nc.size() != 8 || !IsAsciiWord(out.nc, "")) return Malformed("nc must be 8 hex digits");
  }
  if (auto opaque = c.Param("opaque")) out.opaque = std::string(*opaque);
  return out;
}

std::string DigestResponse(DigestAlgorithm algorithm, std::string_view username, std::string_view realm,
                           std::string_view password, std::string_view method, std::string_view uri,
                           std::string_view nonce, std::string_view nc, std::string_view cnonce,
                           std::string_view qop, std::string_view entity_body) {
  auto join = [](std::initializer_list<std::string_view> parts) {
    std::string s;
    bool first = true;
    for (auto p : parts) {
      if (!first) s.push_back(':');
      first = false;
      s.append(p);
    }
    return s;
  };
  std::string ha1 = HashHex(algorithm, join({username, realm, password}));
  if (algorithm == DigestAlgorithm::kMd5Sess || algorithm == DigestAlgorithm::kSha256Sess)
    ha1 = HashHex(algorithm, join({ha1, nonce, cnonce}));
  std::string ha2 = qop == "auth-int"
                        ? HashHex(algorithm, join({method, uri, HashHex(algorithm, entity_body)}))
                        : HashHex(algorithm, join({method, uri}));
  if (qop.empty()) return HashHex(algorithm, join({ha1, nonce, ha2}));
  return HashHex(algorithm, join({ha1, nonce, nc, cnonce, qop, ha2}));
}

// ---------------------------------------------------------------------------------------------
// Server side

DigestAuthenticator::DigestAuthenticator(std::string key, DigestServerSettings settings)
    : key_(std::move(key)), settings_(std::move(settings)) {
  if (key_.size() < 16) throw std::invalid_argument("Digest nonce key must have at least 16 bytes");
  opaque_ = HexEncode(HmacSha256(key_, "opaque:" + settings_.realm)).substr(0, 32);
}

std::string DigestAuthenticator::NonceMac(std::int64_t issued_ms) const {
  return HmacSha256(key_, "nonce:" + std::to_string(issued_ms) + ":" + settings_.realm)
      .substr(0, kNonceMacBytes);
}

std::string DigestAuthenticator::Challenge(Timestamp now, bool stale) const {
  std::int64_t issued = ToUnixMillis(now);
  std::string raw(8, '\0');
  for (int i = 0; i < 8; ++i)
    raw[i] = static_cast<char>((static_cast<std::uint64_t>(issued) >> (56 - 8 * i)) & 0xff);
  std::string nonce = Base64UrlEncode(raw + NonceMac(issued));
  std::string out = "Digest realm=" + Quote(settings_.realm) + ", qop=\"auth\", nonce=" + Quote(nonce) +
                    ", opaque=" + Quote(opaque_) + ", algorithm=MD5";
  if (stale) out += ", stale=true";
  return out;
}

DigestAuthenticator::Verdict DigestAuthenticator::Verify(const DigestCredentials& c, std::string_view method,
                                                         std::string_view request_target,
                                                         std::string_view password, Timestamp now) const {
  if (c.realm != settings_.realm || c.qop != "auth" || c.algorithm != DigestAlgorithm::kMd5)
    return Verdict::kInvalid;
  if (!c.opaque.empty() && !ConstantTimeEquals(c.opaque, opaque_)) return Verdict::kInvalid;
  if (c.uri != request_target && PathOf(c.uri) != request_target) return Verdict::kInvalid;

  auto raw = Base64UrlDecode(c.nonce);
  if (!raw || raw->size() != 8 + kNonceMacBytes) return Verdict::kInvalid;
  std::uint64_t issued_u = 0;
  for (int i = 0; i < 8; ++i) issued_u = (issued_u << 8) | static_cast<unsigned char>((*raw)[i]);
  const auto issued = static_cast<std::int64_t>(issued_u);
  if (!ConstantTimeEquals(raw->substr(8), NonceMac(issued))) return Verdict::kInvalid;
  const std::int64_t now_ms = ToUnixMillis(now);
  if (issued > now_ms + settings_.clock_skew.count()) return Verdict::kInvalid;

  std::string expected = DigestResponse(c.algorithm, c.username, c.realm, password, method, c.uri, c.nonce,
                                        c.nc, c.cnonce, c.qop);
  if (!ConstantTimeEquals(AsciiLower(c.response), expected)) return Verdict::kInvalid;
  // A genuine but old nonce with the right password: the client retries with a fresh one.
  if (now_ms - issued > settings_.nonce_lifetime.count()) return Verdict::kStale;
  return Verdict::kOk;
}

// ---------------------------------------------------------------------------------------------
// Client side

std::string BasicAuthorization(std::string_view username, std::string_view password) {
  std::string pair;
  pair.append(username).append(":").append(password);
  return "Basic " + Base64Encode(pair);
}

std::optional<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header_value) {
  if (header_value.size() < 6 || AsciiLower(header_value.substr(0, 6)) != "basic ") return std::nullopt;
  const std::optional<std::string> decoded = Base64Decode(Trim(header_value.substr(6)));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

Result<DigestClient> DigestClient::FromChallenge(const AuthChallenge& challenge, std::string username,
                                                 std::string password) {
  if (challenge.scheme != "digest") return InvalidArgument("www-authenticate", "not a Digest challenge");
  auto realm = challenge.Param("realm");
  auto nonce = challenge.Param("nonce");
  if (!realm || !nonce) return InvalidArgument("www-authenticate", "Digest challenge without realm or nonce");
  DigestClient client;
  if (auto a = challenge.Param("algorithm")) {
    auto algorithm = ParseDigestAlgorithm(*a);
    if (!algorithm) return InvalidArgument("www-authenticate", "unsupported Digest algorithm");
    client.algorithm_ = *algorithm;
    client.algorithm_sent_ = true;
  }
  if (auto qop = challenge.Param("qop")) {
    bool auth = false, auth_int = false;
    std::string_view rest = *qop;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string option = AsciiLower(Trim(rest.substr(0, comma)));
      auth = auth || option == "auth";
      auth_int = auth_int || option == "auth-int";
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    if (auth) {
      client.qop_ = "auth";
    } else if (auth_int) {
      client.qop_ = "auth-int";
    } else {
      return InvalidArgument("www-authenticate", "unsupported Digest qop");
    }
  }
  client.username_ = std::move(username);
  client.password_ = std::move(password);
  client.realm_ = std::string(*realm);
  client.nonce_ = std::string(*nonce);
  if (auto opaque = challenge.Param("opaque")) client.opaque_ = std::string(*opaque);
  return client;
}

std::string DigestClient::Authorization(std::string_view method, std::string_view uri,
                                        std::string_view entity_body) {
  std::string nc, cnonce;
  if (!qop_.empty()) {
    ++nc_;
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", nc_);
    nc = buf;
    cnonce = HexEncode(RandomBytes(16));
  }
  std::string response = DigestResponse(algorithm_, username_, realm_, password_, method, uri, nonce_, nc,
                                        cnonce, qop_, entity_body);
  std::string out = "Digest username=" + Quote(username_) + ", realm=" + Quote(realm_) +
                    ", nonce=" + Quote(nonce_) + ", uri=" + Quote(uri);
  if (algorithm_sent_) out += ", algorithm=" + std::string(ToString(algorithm_));
  out += ", response=" + Quote(response);
  if (!qop_.empty()) out += ", qop=" + qop_ + ", nc=" + nc + ", cnonce=" + Quote(cnonce);
  if (!opaque_.empty()) out += ", opaque=" + Quote(opaque_);
  return out;
}

Result<ClientAuthorization> AnswerChallenges(const std::vector<AuthChallenge>& challenges,
                                             const std::string& username, const std::string& password) {
  for (const auto& c : challenges) {
    if (c.scheme != "digest") continue;
    auto client = DigestClient::FromChallenge(c, username, password);
    if (client) return ClientAuthorization{std::move(*client), std::nullopt};
  }
  for (const auto& c : challenges) {
    if (c.scheme == "basic") return ClientAuthorization{std::nullopt, BasicAuthorization(username, password)};
  }
  return InvalidArgument("www-authenticate", "no supported authentication challenge (Digest or Basic)");
}

}  // namespace kanri::http
