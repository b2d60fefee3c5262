#include "devices/profiles.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <stdexcept>

#include "base/text.h"
#include "devices/desired_state.h"
#include "devices/device_query.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;

constexpr const char* kProfileColumns =
    "id, company_id, name, match_oui, match_product_class, match_serial_prefix, match_serials, auth_mode, "
    "auth_username, auth_password_enc, periodic_inform_interval, parameters, created_at, updated_at, "
    "firmware_version";

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Text fields of a match: printable, no control characters, bounded.
bool PlainText(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max || Utf8Length(s) < 0) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string SerialsJson(const std::vector<std::string>& serials) {
  json::array a;
  for (const auto& s : serials) a.emplace_back(s);
  return json::serialize(a);
}

std::optional<std::string> OptionalText(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<std::string>(i);
}

// Reads a profile row; the password stays sealed unless `secrets` is given.
Profile ReadProfile(const soci::row& r, const DeviceSecrets* secrets) {
  Profile p;
  p.id = ProfileId{r.get<std::string>(0)};
  p.company_id = CompanyId{r.get<std::string>(1)};
  p.name = r.get<std::string>(2);
  p.match.oui = OptionalText(r, 3);
  p.match.product_class = OptionalText(r, 4);
  p.match.serial_prefix = OptionalText(r, 5);
  p.match.serials = detail::StringArray(r.get<std::string>(6));
  p.auth_mode = ParseAuthMode(r.get<std::string>(7)).value_or(AuthMode::kRotate);
  p.auth_username = r.get<std::string>(8);
  if (secrets && p.auth_mode != AuthMode::kNone) {
    auto plain = secrets->Open(r.get<std::string>(9));
    if (!plain) throw std::runtime_error("profile " + p.id.value() + ": " + plain.error().message);
    p.auth_password = *plain;
  }
  if (r.get_indicator(10) != soci::i_null)
    p.periodic_inform_interval = static_cast<std::uint32_t>(db::RowInteger(r, 10));
  p.parameters = ParseParameterMap(r.get<std::string>(11));
  p.created_at = FromUnixMillis(db::RowInteger(r, 12));
  p.updated_at = FromUnixMillis(db::RowInteger(r, 13));
  p.firmware_version = OptionalText(r, 14);
  return p;
}

std::optional<Profile> SelectProfile(db::Lease& lease, const CompanyId& company, const ProfileId& id,
                                     std::string* sealed_password = nullptr) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kProfileColumns +
                                  " FROM device_profiles WHERE company_id = :c AND id = :id",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& r : rows) {
    if (sealed_password) *sealed_password = r.get<std::string>(9);
    return ReadProfile(r, nullptr);
  }
  return std::nullopt;
}

bool NameTaken(db::Lease& lease, const CompanyId& company, const std::string& name,
               const std::string& except_id) {
  const std::string key = AsciiLower(name);
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_profiles WHERE company_id = :c AND name_key = :k AND id <> :id",
      soci::use(company.value()), soci::use(key), soci::use(except_id), soci::into(n);
  return n > 0;
}

// Normalises a match in place (OUI upper-case, serial list sorted and unique).
Status NormalizeMatch(ProfileMatch& m, const ProfileLimits& limits) {
  if (m.oui) {
    if (m.oui->size() != 6 || !IsHex(*m.oui))
      return InvalidArgument("match.oui", "oui must be 6 hexadecimal characters (e.g. 00D09E)");
    m.oui = Upper(*m.oui);
  }
  if (m.product_class && !PlainText(*m.product_class, limits.max_match_text))
    return InvalidArgument("match.product_class", "product_class must be 1-64 characters of text");
  if (m.serial_prefix && !PlainText(*m.serial_prefix, limits.max_match_text))
    return InvalidArgument("match.serial_prefix", "serial_prefix must be 1-64 characters of text");
  if (m.serials.size() > limits.max_serials)
    return InvalidArgument("match.serials", "at most 10000 serial numbers per profile");
  for (const auto& s : m.serials)
    if (!PlainText(s, limits.max_match_text))
      return InvalidArgument("match.serials", "every serial number must be 1-64 characters of text");
  std::sort(m.serials.begin(), m.serials.end());
  m.serials.erase(std::unique(m.serials.begin(), m.serials.end()), m.serials.end());
  if (!m.oui && !m.product_class && !m.serial_prefix && m.serials.empty())
    return InvalidArgument("match", "match needs at least one of oui, product_class, serial_prefix, serials");
  return Ok{};
}

}  // namespace

Status ValidateParameterPath(std::string_view path, const std::string& field) {
  const bool rooted = path.rfind("Device.", 0) == 0 || path.rfind("InternetGatewayDevice.", 0) == 0;
  if (!rooted || path.back() == '.' || path.size() > 256 || !IsAsciiWord(path, "._-"))
    return InvalidArgument(field, "'" + std::string(path) +
                                      "' is not a parameter path (Device.… or InternetGatewayDevice.…, "
                                      "not ending with '.')");
  if (path.find("..") != std::string_view::npos)
    return InvalidArgument(field, "'" + std::string(path) + "' has an empty path segment");
  return Ok{};
}

std::string ParameterMapJson(const std::map<std::string, std::string>& parameters) {
  json::object o;
  for (const auto& [k, v] : parameters) o[k] = v;
  return json::serialize(o);
}

std::map<std::string, std::string> ParseParameterMap(std::string_view text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& kv : v.as_object())
    if (kv.value().is_string()) out[std::string(kv.key())] = std::string(kv.value().as_string());
  return out;
}

Status ValidateParameterMap(const std::map<std::string, std::string>& parameters, const std::string& field,
                            const ProfileLimits& limits) {
  if (parameters.size() > limits.max_parameters)
    return InvalidArgument(field, "at most " + std::to_string(limits.max_parameters) + " parameters");
  for (const auto& [path, value] : parameters) {
    if (auto st = ValidateParameterPath(path, field); !st) return st;
    if (value.size() > limits.max_parameter_value || Utf8Length(value) < 0)
      return InvalidArgument(field, "the value of " + path + " must be at most 4096 bytes of text");
    if (auto st = ValidateValueTemplate(value, field); !st) return st;
  }
  return Ok{};
}

int ProfileRepository::Specificity(const ProfileMatch& m) {
  // A registered serial beats a prefix beats a product class beats an OUI alone.
  return (m.serials.empty() ? 0 : 8) + (m.serial_prefix ? 4 : 0) + (m.product_class ? 2 : 0) +
         (m.oui ? 1 : 0);
}

Status ProfileRepository::CheckAuthModeAllowed(db::Lease& lease, const CompanyId& company, AuthMode mode) {
  if (mode != AuthMode::kNone) return Ok{};
  int allowed = 0;
  lease.sql() << "SELECT allow_unauthenticated_devices FROM companies WHERE id = :c",
      soci::use(company.value()), soci::into(allowed);
  if (allowed) return Ok{};
  return Error{ErrorCode::kInvalidArgument,
               "device_auth.mode none (devices without a credential) is a lab setting the provider has not "
               "allowed for this company",
               "device_auth.mode", "unauthenticated_devices_not_allowed"};
}

Status ProfileRepository::Validate(const NewProfile& p) const {
  const long n = Utf8Length(p.name);
  if (n < 1 || n > limits_.max_name)
    return InvalidArgument("name", "name must be 1-64 characters of UTF-8 text");
  if (p.auth_mode == AuthMode::kNone) {
    if (!p.auth_username.empty() || !p.auth_password.empty())
      return InvalidArgument("device_auth", "mode none takes no username or password");
  } else {
    if (p.auth_username.empty() || p.auth_username.size() > limits_.max_credential ||
        Utf8Length(p.auth_username) < 0)
      return InvalidArgument("device_auth.username",
                             "username is required (1-256 bytes) for rotate and shared");
    if (p.auth_password.empty() || p.auth_password.size() > limits_.max_credential ||
        Utf8Length(p.auth_password) < 0)
      return InvalidArgument("device_auth.password",
                             "password is required (1-256 bytes) for rotate and shared");
  }
  if (p.periodic_inform_interval && (*p.periodic_inform_interval < limits_.min_inform_interval ||
                                     *p.periodic_inform_interval > limits_.max_inform_interval))
    return InvalidArgument("periodic_inform_interval", "periodic_inform_interval must be 30-86400 seconds");
  if (p.firmware_version && (!PlainText(*p.firmware_version, 512) || Utf8Length(*p.firmware_version) > 128))
    return InvalidArgument("firmware_version",
                           "firmware_version must be 1-128 characters without control characters");
  return ValidateParameterMap(p.parameters, "parameters", limits_);
}

Page<Profile> ProfileRepository::List(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  const std::string after = page.after.value_or("");
  const int limit = static_cast<int>(page.limit) + 1;
  // The page key is name_key + "\n" + id: names are unique per company, the id is a safeguard.
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kProfileColumns +
                                  " FROM device_profiles WHERE company_id = :c AND name_key > :after "
                                  "ORDER BY name_key LIMIT :lim",
       soci::use(company.value()), soci::use(after), soci::use(limit));
  std::vector<Profile> out;
  for (const auto& r : rows) out.push_back(ReadProfile(r, nullptr));
  return MakePage(std::move(out), page.limit, [](const Profile& p) { return AsciiLower(p.name); });
}

Result<Profile> ProfileRepository::Get(const CompanyId& company, const ProfileId& id) {
  auto lease = db_.Acquire();
  auto p = SelectProfile(lease, company, id);
  if (!p) return NotFound("profile not found");
  return *p;
}

Result<Profile> ProfileRepository::Create(const CompanyId& company, const NewProfile& input) {
  NewProfile in = input;
  if (auto st = NormalizeMatch(in.match, limits_); !st) return st.error();
  if (auto st = Validate(in); !st) return st.error();
  Profile p;
  p.id = ProfileId::Generate();
  p.company_id = company;
  p.name = in.name;
  p.match = in.match;
  p.auth_mode = in.auth_mode;
  p.auth_username = in.auth_username;
  p.periodic_inform_interval = in.periodic_inform_interval;
  p.parameters = in.parameters;
  p.firmware_version = in.firmware_version;
  p.created_at = p.updated_at = clock_.Now();
  const std::string sealed = in.auth_mode == AuthMode::kNone ? "" : secrets_.Seal(in.auth_password);
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (auto st = CheckAuthModeAllowed(lease, company, p.auth_mode); !st) return st.error();
  long long count = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_profiles WHERE company_id = :c", soci::use(company.value()),
      soci::into(count);
  if (static_cast<std::size_t>(count) >= limits_.max_profiles)
    return LimitExceeded("too_many_profiles",
                         "a company has at most " + std::to_string(limits_.max_profiles) + " profiles");
  if (NameTaken(lease, company, p.name, p.id.value()))
    return Error{ErrorCode::kConflict, "a profile with this name already exists", "name",
                 "profile_name_taken"};
  const std::string key = AsciiLower(p.name), serials = SerialsJson(p.match.serials),
                    params = ParameterMapJson(p.parameters), mode(ToString(p.auth_mode));
  const std::optional<int> interval = p.periodic_inform_interval
                                          ? std::optional<int>(static_cast<int>(*p.periodic_inform_interval))
                                          : std::nullopt;
  const long long now = ToUnixMillis(p.created_at);
  lease.sql()
      << "INSERT INTO device_profiles (id, company_id, name, name_key, match_oui, match_product_class, "
         "match_serial_prefix, match_serials, auth_mode, auth_username, auth_password_enc, "
         "periodic_inform_interval, parameters, created_at, updated_at, firmware_version) VALUES (:id, :c, "
         ":n, "
         ":k, :oui, :pc, :sp, :ss, :m, :u, :pw, :pi, :pa, :t1, :t2, :fw)",
      soci::use(p.id.value()), soci::use(company.value()), soci::use(p.name), soci::use(key),
      soci::use(p.match.oui), soci::use(p.match.product_class), soci::use(p.match.serial_prefix),
      soci::use(serials), soci::use(mode), soci::use(p.auth_username), soci::use(sealed), soci::use(interval),
      soci::use(params), soci::use(now), soci::use(now), soci::use(p.firmware_version);
  tx.Commit();
  return p;
}

Result<Profile> ProfileRepository::Update(const CompanyId& company, const ProfileId& id,
                                          const ProfilePatch& patch) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::string sealed;
  auto current = SelectProfile(lease, company, id, &sealed);
  if (!current) return NotFound("profile not found");
  NewProfile in{current->name,
                current->match,
                current->auth_mode,
                current->auth_username,
                "",
                current->periodic_inform_interval,
                current->parameters,
                current->firmware_version};
  if (patch.name) in.name = *patch.name;
  if (patch.match) in.match = *patch.match;
  bool keep_password = false;
  if (patch.auth_mode) {
    in.auth_mode = *patch.auth_mode;
    in.auth_username = patch.auth_username.value_or("");
    in.auth_password = patch.auth_password.value_or("");
    // A new mode or username without a password keeps the stored one, if there is one.
    if (!patch.auth_password && in.auth_mode != AuthMode::kNone && current->auth_mode != AuthMode::kNone) {
      keep_password = true;
      in.auth_password = "(kept)";
    }
  } else if (patch.auth_username || patch.auth_password) {
    return InvalidArgument("device_auth.mode", "device_auth needs its mode");
  } else if (in.auth_mode != AuthMode::kNone) {
    keep_password = true;
    in.auth_password = "(kept)";
  }
  if (patch.periodic_inform_interval) in.periodic_inform_interval = *patch.periodic_inform_interval;
  if (patch.parameters) in.parameters = *patch.parameters;
  if (patch.firmware_version) in.firmware_version = *patch.firmware_version;
  if (patch.match)
    if (auto st = NormalizeMatch(in.match, limits_); !st) return st.error();
  if (auto st = Validate(in); !st) return st.error();
  if (in.auth_mode != current->auth_mode)
    if (auto st = CheckAuthModeAllowed(lease, company, in.auth_mode); !st) return st.error();
  if (patch.name && NameTaken(lease, company, in.name, id.value()))
    return Error{ErrorCode::kConflict, "a profile with this name already exists", "name",
                 "profile_name_taken"};
  if (!keep_password) sealed = in.auth_mode == AuthMode::kNone ? "" : secrets_.Seal(in.auth_password);

  Profile p = *current;
  p.name = in.name;
  p.match = in.match;
  p.auth_mode = in.auth_mode;
  p.auth_username = in.auth_username;
  p.periodic_inform_interval = in.periodic_inform_interval;
  p.parameters = in.parameters;
  p.firmware_version = in.firmware_version;
  p.updated_at = clock_.Now();
  const std::string key = AsciiLower(p.name), serials = SerialsJson(p.match.serials),
                    params = ParameterMapJson(p.parameters), mode(ToString(p.auth_mode));
  const std::optional<int> interval = p.periodic_inform_interval
                                          ? std::optional<int>(static_cast<int>(*p.periodic_inform_interval))
                                          : std::nullopt;
  const long long now = ToUnixMillis(p.updated_at);
  lease.sql()
      << "UPDATE device_profiles SET name = :n, name_key = :k, match_oui = :oui, match_product_class = :pc, "
         "match_serial_prefix = :sp, match_serials = :ss, auth_mode = :m, auth_username = :u, "
         "auth_password_enc = :pw, periodic_inform_interval = :pi, parameters = :pa, updated_at = :t, "
         "firmware_version = :fw WHERE company_id = :c AND id = :id",
      soci::use(p.name), soci::use(key), soci::use(p.match.oui), soci::use(p.match.product_class),
      soci::use(p.match.serial_prefix), soci::use(serials), soci::use(mode), soci::use(p.auth_username),
      soci::use(sealed), soci::use(interval), soci::use(params), soci::use(now),
      soci::use(p.firmware_version), soci::use(company.value()), soci::use(id.value());
  // DEV-7: the desired state changed: each device of the profile compares again at its next
  // session, and an online one is asked to connect (the device sweep).
  if (patch.parameters || patch.periodic_inform_interval || patch.firmware_version)
    lease.sql()
        << "UPDATE devices SET desired_dirty = 1, desired_wake = 1 WHERE company_id = :c AND profile_id = :p",
        soci::use(company.value()), soci::use(id.value());
  tx.Commit();
  return p;
}

Status ProfileRepository::Delete(const CompanyId& company, const ProfileId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!SelectProfile(lease, company, id)) return NotFound("profile not found");
  lease.sql() << "UPDATE devices SET profile_id = NULL WHERE company_id = :c AND profile_id = :id",
      soci::use(company.value()), soci::use(id.value());
  lease.sql() << "DELETE FROM device_profiles WHERE company_id = :c AND id = :id", soci::use(company.value()),
      soci::use(id.value());
  tx.Commit();
  return Ok{};
}

std::vector<Profile> ProfileRepository::MatchingProfiles(db::Lease& lease, const CompanyId& company,
                                                         std::string_view oui, std::string_view product_class,
                                                         std::string_view serial) const {
  const std::string oui_key = Upper(oui), pc(product_class), serial_text(serial);
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << std::string("SELECT ") + kProfileColumns +
                  " FROM device_profiles WHERE company_id = :c AND (match_oui IS NULL OR "
                  "match_oui = :o) AND (match_product_class IS NULL OR match_product_class = :pc)",
       soci::use(company.value()), soci::use(oui_key), soci::use(pc));
  std::vector<Profile> out;
  for (const auto& r : rows) {
    Profile p = ReadProfile(r, &secrets_);
    const auto& m = p.match;
    if (m.serial_prefix && serial_text.rfind(*m.serial_prefix, 0) != 0) continue;
    if (!m.serials.empty() && !std::binary_search(m.serials.begin(), m.serials.end(), serial_text)) continue;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const Profile& a, const Profile& b) {
    const int sa = Specificity(a.match), sb = Specificity(b.match);
    if (sa != sb) return sa > sb;
    return a.created_at < b.created_at;
  });
  return out;
}

}  // namespace kanri::devices
