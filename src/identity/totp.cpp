#include "identity/totp.h"

#include <liboath/oath.h>
#include <qrencode.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "base/crypto.h"
#include "base/text.h"

namespace kanri::identity {
namespace {

constexpr std::size_t kSeedBytes = 20;  // 160 bits, RFC 4226's recommendation
constexpr unsigned kStepSeconds = 30;
constexpr unsigned kDigits = 6;
constexpr std::size_t kSkewSteps = 1;
constexpr std::size_t kRecoveryCodeBytes = 10;  // 80 bits

void InitOath() {
  static const int ok = oath_init();
  if (ok != OATH_OK) throw std::runtime_error("liboath failed to initialise");
}

std::string Base32(std::string_view bytes) {
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &len) != OATH_OK)
    throw std::runtime_error("base32 encoding failed");
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  std::string text(out, len);
  text.erase(std::remove(text.begin(), text.end(), '='), text.end());
  return text;
}

std::optional<std::string> FromBase32(std::string_view text) {
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_decode(text.data(), text.size(), &out, &len) != OATH_OK) return std::nullopt;
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  return std::string(out, len);
}

// Percent-encodes for an otpauth:// label or parameter.
std::string UriEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The URI as a QR code: black modules as one path, a quiet zone of 4, no styles (the console's
// CSP allows no inline style).
std::string QrSvg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) throw std::runtime_error("the QR code could not be made");
  const int w = qr->width, size = w + 8;
  std::string path;
  for (int y = 0; y < w; ++y)
    for (int x = 0; x < w; ++x)
      if (qr->data[y * w + x] & 1)
        path += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h1v1h-1z";
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"" + std::to_string(size) +
         "\" height=\"" + std::to_string(size) + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path +
         "\"/></svg>";
}

// What people type of a recovery code: case, spaces and dashes do not matter.
std::string NormalisedRecoveryCode(std::string_view typed) {
  std::string out;
  for (char c : typed)
    if (c != '-' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSixDigits(std::string_view code) {
  return code.size() == kDigits &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error WrongCode() {
  return Error{ErrorCode::kInvalidArgument, "the code is not correct or was already used", "code",
               "wrong_code"};
}

}  // namespace

std::string Totp::CodeAt(std::string_view secret_base32, Timestamp t) {
  InitOath();
  const auto seed = FromBase32(secret_base32);
  if (!seed) throw std::invalid_argument("not a base32 secret");
  char out[kDigits + 1] = {};
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  if (oath_totp_generate(seed->data(), seed->size(), static_cast<time_t>(seconds), kStepSeconds, 0, kDigits,
                         out) != OATH_OK)
    throw std::runtime_error("TOTP generation failed");
  return out;
}

Result<TotpEnrolment> Totp::BeginEnrolment(const Account& account, std::string_view company_code) {
  InitOath();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  soci::indicator on = soci::i_null;
  long long enabled_at = 0;
  lease.sql() << "SELECT totp_enabled_at FROM accounts WHERE id = :id", soci::use(account.id.value()),
      soci::into(enabled_at, on);
  if (!lease.sql().got_data()) return NotFound("account not found");
  if (on != soci::i_null)
    return Conflict("the second factor is already on; switch it off first", "totp_already_enabled");
  const std::string seed = RandomBytes(kSeedBytes);
  const std::string sealed = box_.Seal(seed);
  const long long now = ToUnixMillis(clock_.Now());
  lease.sql() << "DELETE FROM totp_enrolments WHERE account_id = :id", soci::use(account.id.value());
  lease.sql() << "INSERT INTO totp_enrolments (account_id, secret_enc, created_at) VALUES (:id, :s, :t)",
      soci::use(account.id.value()), soci::use(sealed), soci::use(now);
  tx.Commit();
  TotpEnrolment out;
  out.secret_base32 = Base32(seed);
  const std::string label =
      company_code.empty() ? account.login : std::string(company_code) + "/" + account.login;
  out.otpauth_uri = "otpauth://totp/" + UriEncode(issuer_) + ":" + UriEncode(label) +
                    "?secret=" + out.secret_base32 + "&issuer=" + UriEncode(issuer_) +
                    "&algorithm=SHA1&digits=6&period=30";
  out.qr_svg = QrSvg(out.otpauth_uri);
  return out;
}

Result<std::vector<std::string>> Totp::ConfirmEnrolment(const AccountId& id, std::string_view code) {
  InitOath();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::string sealed;
  lease.sql() << "SELECT secret_enc FROM totp_enrolments WHERE account_id = :id", soci::use(id.value()),
      soci::into(sealed);
  if (!lease.sql().got_data()) return Conflict("no enrolment was begun", "no_enrolment");
  auto seed = box_.Open(sealed);
  if (!seed) return seed.error();
  int pos = 0;
  uint64_t step = 0;
  const std::string otp(code);
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  if (!IsSixDigits(code) || oath_totp_validate3(seed->data(), seed->size(), static_cast<time_t>(now_s),
                                                kStepSeconds, 0, kSkewSteps, &pos, &step, otp.c_str()) < 0)
    return WrongCode();
  const long long now = ToUnixMillis(clock_.Now());
  const long long last = static_cast<long long>(step);
  lease.sql()
      << "UPDATE accounts SET totp_secret_enc = :s, totp_enabled_at = :t, totp_last_step = :l WHERE id = :id",
      soci::use(sealed), soci::use(now), soci::use(last), soci::use(id.value());
  lease.sql() << "DELETE FROM totp_enrolments WHERE account_id = :id", soci::use(id.value());
  auto codes = NewRecoveryCodes(lease, id);
  tx.Commit();
  return codes;
}

std::vector<std::string> Totp::NewRecoveryCodes(db::Lease& lease, const AccountId& id) {
  lease.sql() << "DELETE FROM totp_recovery_codes WHERE account_id = :id", soci::use(id.value());
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    const std::string raw = AsciiLower(Base32(RandomBytes(kRecoveryCodeBytes)));  // 16 characters
    const std::string hash = Sha256Hex(raw);
    lease.sql() << "INSERT INTO totp_recovery_codes (account_id, code_hash) VALUES (:id, :h)",
        soci::use(id.value()), soci::use(hash);
    codes.push_back(raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4) + "-" +
                    raw.substr(12, 4));
  }
  return codes;
}

Result<std::vector<std::string>> Totp::RegenerateRecoveryCodes(const AccountId& id, std::string_view code) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  soci::indicator enabled = soci::i_null;
  long long at = 0;
  lease.sql() << "SELECT totp_enabled_at FROM accounts WHERE id = :id", soci::use(id.value()),
      soci::into(at, enabled);
  if (!lease.sql().got_data() || enabled == soci::i_null)
    return Conflict("the second factor is not on", "totp_not_enabled");
  if (!Verify(lease, id, code)) return WrongCode();
  auto codes = NewRecoveryCodes(lease, id);
  tx.Commit();
  return codes;
}

Status Totp::Disable(const AccountId& id, std::string_view code) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!Verify(lease, id, code)) return WrongCode();
  Reset(lease, id);
  tx.Commit();
  return Ok{};
}

void Totp::Reset(db::Lease& lease, const AccountId& id) {
  lease.sql() << "UPDATE accounts SET totp_secret_enc = NULL, totp_enabled_at = NULL, totp_last_step = NULL "
                 "WHERE id = :id",
      soci::use(id.value());
  lease.sql() << "DELETE FROM totp_recovery_codes WHERE account_id = :id", soci::use(id.value());
  lease.sql() << "DELETE FROM totp_enrolments WHERE account_id = :id", soci::use(id.value());
  lease.sql() << "DELETE FROM login_challenges WHERE account_id = :id", soci::use(id.value());
}

bool Totp::Verify(db::Lease& lease, const AccountId& id, std::string_view code) {
  InitOath();
  std::string sealed;
  soci::indicator sealed_ind = soci::i_null, last_ind = soci::i_null;
  long long last = 0;
  lease.sql() << "SELECT totp_secret_enc, totp_last_step FROM accounts WHERE id = :id AND totp_enabled_at IS "
                 "NOT NULL",
      soci::use(id.value()), soci::into(sealed, sealed_ind), soci::into(last, last_ind);
  if (!lease.sql().got_data() || sealed_ind == soci::i_null) return false;
  if (IsSixDigits(code)) {
    auto seed = box_.Open(sealed);
    if (!seed) return false;
    int pos = 0;
    uint64_t step = 0;
    const std::string otp(code);
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    if (oath_totp_validate3(seed->data(), seed->size(), static_cast<time_t>(now_s), kStepSeconds, 0,
                            kSkewSteps, &pos, &step, otp.c_str()) < 0)
      return false;
    // Replays: a code of the step last accepted, or of an earlier one, is refused. The
    // conditional UPDATE makes two requests with one code accept it once.
    const long long s = static_cast<long long>(step);
    soci::statement st = (lease.sql().prepare << "UPDATE accounts SET totp_last_step = :s WHERE id = :id AND "
                                                 "(totp_last_step IS NULL OR totp_last_step < :s2)",
                          soci::use(s), soci::use(id.value()), soci::use(s));
    st.execute(true);
    return db::AffectedRows(st) == 1;
  }
  const std::string normalised = NormalisedRecoveryCode(code);
  if (normalised.size() != 16) return false;
  const std::string hash = Sha256Hex(normalised);
  const long long now = ToUnixMillis(clock_.Now());
  soci::statement st =
      (lease.sql().prepare << "UPDATE totp_recovery_codes SET used_at = :t WHERE account_id = :id "
                              "AND code_hash = :h AND used_at IS NULL",
       soci::use(now), soci::use(id.value()), soci::use(hash));
  st.execute(true);
  return db::AffectedRows(st) == 1;
}

std::string Totp::IssueChallenge(db::Lease& lease, const AccountId& id) {
  std::string challenge = RandomToken(32);
  const std::string hash = Sha256Hex(challenge);
  const long long now = ToUnixMillis(clock_.Now());
  const long long expires = ToUnixMillis(clock_.Now() + kChallengeLifetime);
  lease.sql() << "DELETE FROM login_challenges WHERE expires_at <= :t", soci::use(now);
  lease.sql() << "INSERT INTO login_challenges (challenge_hash, account_id, created_at, expires_at) "
                 "VALUES (:h, :a, :t, :e)",
      soci::use(hash), soci::use(id.value()), soci::use(now), soci::use(expires);
  return challenge;
}

std::optional<AccountId> Totp::ChallengeAccount(db::Lease& lease, std::string_view challenge) {
  if (challenge.empty() || challenge.size() > 128) return std::nullopt;
  const std::string hash = Sha256Hex(challenge);
  const long long now = ToUnixMillis(clock_.Now());
  std::string account;
  lease.sql() << "SELECT account_id FROM login_challenges WHERE challenge_hash = :h AND expires_at > :t",
      soci::use(hash), soci::use(now), soci::into(account);
  if (!lease.sql().got_data()) return std::nullopt;
  return AccountId{account};
}

void Totp::EndChallenge(db::Lease& lease, std::string_view challenge) {
  const std::string hash = Sha256Hex(challenge);
  lease.sql() << "DELETE FROM login_challenges WHERE challenge_hash = :h", soci::use(hash);
}

}  // namespace kanri::identity
