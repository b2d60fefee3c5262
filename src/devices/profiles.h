// Profiles (仕向け情報, DEV-1): which devices belong to a company (by OUI, product class,
// serial prefix and/or a registered serial list), how they authenticate, and the settings
// they receive on first contact. Company administrators manage them over the API; the
// CWMP session engine matches every Inform against all companies' profiles.
//
//   ProfileRepository profiles{db, clock, secrets};
//   NewProfile p{.name = "東京支店", .match = {.oui = "00d09e"}};
//   p.auth_username = "bootstrap"; p.auth_password = "s3cret";
//   Result<Profile> created = profiles.Create(company, p);   // oui stored as "00D09E"
//   auto candidates = profiles.MatchingProfiles("00D09E", "IGD", "AB1234");
//
// The bootstrap / shared password is stored sealed with DeviceSecrets (DATA-2) and is never
// read back through the API: List and Get leave Profile::auth_password empty.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"
#include "devices/secrets.h"

namespace kanri::devices {

// Limits of a profile (named so the API and its tests share them).
//
// A profile says how a company's devices authenticate and what they receive; which devices are
// the company's is the provider's allocation (allocations.h), never a profile's match. Mode
// `none` is refused unless the provider set allow_unauthenticated_devices on the company.
struct ProfileLimits {
  long max_name = 64;                      // code points
  std::size_t max_serials = 10'000;        // registered serial list
  std::size_t max_match_text = 64;         // product class, serial, serial prefix (bytes)
  std::size_t max_credential = 256;        // username / password (bytes)
  std::uint32_t min_inform_interval = 30;  // seconds
  std::uint32_t max_inform_interval = 86'400;
  std::size_t max_parameters = 1'000;
  std::size_t max_parameter_path = 256;
  std::size_t max_parameter_value = 4'096;
  std::size_t max_profiles = 200;  // per company
};

struct NewProfile {
  std::string name;
  ProfileMatch match;
  AuthMode auth_mode = AuthMode::kRotate;
  std::string auth_username;
  std::string auth_password;  // required for rotate / shared; must be empty for none
  std::optional<std::uint32_t> periodic_inform_interval;
  std::map<std::string, std::string> parameters;
  std::optional<std::string> firmware_version;  // 1-128 characters, no control characters
};

// Every present field replaces the profile's whole field. When `auth_mode` is given for
// rotate / shared without a password, the stored password is kept (if there is one).
struct ProfilePatch {
  std::optional<std::string> name;
  std::optional<ProfileMatch> match;
  std::optional<AuthMode> auth_mode;
  std::optional<std::string> auth_username;
  std::optional<std::string> auth_password;
  std::optional<std::optional<std::uint32_t>> periodic_inform_interval;  // {nullopt}: clear
  std::optional<std::map<std::string, std::string>> parameters;
  std::optional<std::optional<std::string>> firmware_version;  // {nullopt}: clear
};

// Checks a parameter path a company may write: it starts with "Device." or
// "InternetGatewayDevice." and names a parameter (does not end with '.').
Status ValidateParameterPath(std::string_view path, const std::string& field);
// DEV-7: desired parameters (a profile's, a device's overrides): at most max_parameters, each a
// parameter path with a value of at most max_parameter_value bytes of text whose placeholders
// are known (desired_state.h).
Status ValidateParameterMap(const std::map<std::string, std::string>& parameters, const std::string& field,
                            const ProfileLimits& limits);
// Desired parameters as stored (a JSON object path -> value); unreadable text reads as none.
std::string ParameterMapJson(const std::map<std::string, std::string>& parameters);
std::map<std::string, std::string> ParseParameterMap(std::string_view text);

class ProfileRepository {
 public:
  ProfileRepository(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
                    ProfileLimits limits = {})
      : db_(db), clock_(clock), secrets_(secrets), limits_(limits) {}

  // By name. Passwords are not opened (auth_password is empty); see password_set.
  Page<Profile> List(const CompanyId& company, const PageRequest& page);
  Result<Profile> Get(const CompanyId& company, const ProfileId& id);
  // Validates everything before writing; a name is unique per company (case-insensitive).
  Result<Profile> Create(const CompanyId& company, const NewProfile& input);
  Result<Profile> Update(const CompanyId& company, const ProfileId& id, const ProfilePatch& patch);
  // Devices attached through the profile keep their company and credentials; they only lose
  // the link (profile_id becomes NULL).
  Status Delete(const CompanyId& company, const ProfileId& id);
  // Whether a password is stored for the profile (the API shows "password_set").
  static bool PasswordSet(const Profile& p) { return p.auth_mode != AuthMode::kNone; }

  // For the CWMP session engine (DEV-1): the profiles of `company` (the one the provider's
  // allocation gives the device to) that match the device's identity, with auth_password
  // opened. A profile matches when each of its criteria that is set holds: OUI
  // (case-insensitive), product class (exact), serial prefix, and the registered serial list
  // (when not empty) contains the serial. Ordered most specific first (a registered serial,
  // then more criteria), then oldest first. Reads on the caller's connection.
  std::vector<Profile> MatchingProfiles(db::Lease& lease, const CompanyId& company, std::string_view oui,
                                        std::string_view product_class, std::string_view serial) const;
  // How specific a match is: the engine refuses a device whose two best matches are equal.
  static int Specificity(const ProfileMatch& match);

 private:
  Status Validate(const NewProfile& p) const;
  // Mode none only where the provider allows unauthenticated devices for the company.
  static Status CheckAuthModeAllowed(db::Lease& lease, const CompanyId& company, AuthMode mode);
  db::Database& db_;
  const Clock& clock_;
  const DeviceSecrets& secrets_;
  ProfileLimits limits_;
};

}  // namespace kanri::devices
