// Admission (DEV-1), case by case as data: what an Inform of a given identity and credential is
// answered, for each state of allocations, profiles, the company's lab setting and the device
// row. The whole session (RPCs, tasks) is cwmp/session_engine_test.cpp's.
#include "devices/admission.h"

#include "base/crypto.h"
#include "devices/devices_test_fixture.h"
#include "devices/profiles.h"
#include "devices/secrets.h"

namespace kanri::devices {
namespace {

// ChooseProfile is pure: the table of what decides a new device's profile.
TEST(ChooseProfile, DEV_1_DATA_6_AllocationDecidesTheCompanyAndOneMostSpecificProfileTheSettings) {
  auto profile = [](std::string name, ProfileMatch match, AuthMode mode = AuthMode::kRotate) {
    Profile p;
    p.name = std::move(name);
    p.match = std::move(match);
    p.auth_mode = mode;
    return p;
  };
  const Coverage none{}, one{Coverage::Kind::kOne, CompanyId{"acme"}, AllocationId{"a1"}},
      conflict{Coverage::Kind::kConflict, {}, {}};
  const Profile by_oui = profile("oui", {.oui = "00D09E"});
  const Profile by_oui_too = profile("oui too", {.oui = "00D09E"});
  const Profile by_prefix = profile("prefix", {.oui = "00D09E", .serial_prefix = "SN"});
  const Profile lab = profile("lab", {.oui = "00D09E", .serial_prefix = "SN"}, AuthMode::kNone);
  constexpr OwnerStanding kLab{.allow_unauthenticated = true};
  struct Case {
    const char* name;
    Coverage coverage;
    std::vector<Profile> profiles;  // most specific first, as MatchingProfiles returns them
    OwnerStanding standing;
    std::string want;  // the profile's name, or the refusal
  };
  const std::vector<Case> cases{
      {"no allocation", none, {by_oui}, kLab, "unallocated"},
      {"allocations of two companies", conflict, {by_oui}, kLab, "overlap"},
      {"allocated, no profile", one, {}, kLab, "no_profile"},
      {"one profile", one, {by_oui}, {}, "oui"},
      {"the more specific wins", one, {by_prefix, by_oui}, {}, "prefix"},
      {"two equally specific", one, {by_oui, by_oui_too}, {}, "ambiguous"},
      {"no credential, lab setting off", one, {lab, by_oui}, {}, "unauthenticated_not_allowed"},
      {"no credential, lab setting on", one, {lab, by_oui}, kLab, "lab"},
      // DATA-6
      {"the company's contract ended", one, {by_oui}, {.contract_ended = true}, "contract_ended"},
      {"detached from a deleted company", none, {}, {.unassigned = true}, "unassigned"},
      {"detached, then allocated again", one, {by_oui}, {.unassigned = true}, "oui"},
  };
  for (const auto& c : cases) {
    const ProfileChoice choice = ChooseProfile(c.coverage, c.profiles, c.standing);
    EXPECT_EQ(choice.profile ? choice.profile->name : choice.refusal, c.want) << c.name;
    EXPECT_NE(choice.profile.has_value(), !choice.refusal.empty()) << c.name;
  }
}

class AdmissionTest : public DevicesTest {
 protected:
  void SetUp() override {
    DevicesTest::SetUp();
    InitCrypto();
    ASSERT_TRUE(allocations_.Create(ProviderScope::ForCommandLine(),
                                    {.company_id = acme_, .oui = "00D09E", .serial_prefix = "SN"},
                                    "provider"));
  }
  void AddProfile(AuthMode mode) {
    NewProfile p;
    p.name = "routers";
    p.match.oui = "00D09E";
    p.auth_mode = mode;
    if (mode != AuthMode::kNone) {
      p.auth_username = "boot";
      p.auth_password = "bootstrap-secret";
    }
    ASSERT_TRUE(profiles_.Create(acme_, p));
  }
  void AllowUnauthenticated(bool allow) {
    ASSERT_TRUE(
        companies_.Update(ProviderScope::ForCommandLine(), acme_, {.allow_unauthenticated_devices = allow}));
  }
  static InformFacts Inform(std::string serial, std::vector<std::string> events) {
    InformFacts f{"00D09E", "IGD", std::move(serial), "Acme", {}, {}, "192.0.2.7"};
    for (auto& e : events) f.events.push_back({std::move(e), ""});
    f.parameters.push_back({"Device.DeviceInfo.SoftwareVersion", "1.0.0", "string", std::nullopt});
    return f;
  }
  static CredentialCheck Presenting(std::string user, std::string password) {
    return
        [user, password](const std::string& u, const std::string& p) { return u == user && p == password; };
  }

  DeviceSecrets secrets_ = DeviceSecrets::FromKey(std::string(32, 'k'));
  AllocationRepository allocations_{tdb_.db(), clock_};
  ProfileRepository profiles_{tdb_.db(), clock_, secrets_};
  TaskFlow tasks_{tdb_.db(), clock_, secrets_};
  ParameterStore parameters_{tdb_.db(), clock_};
  std::vector<RefusedDevice> refused_;
  DeviceAdmission admission_{
      tdb_.db(), clock_,     secrets_,    allocations_,
      profiles_, tasks_,     parameters_, [this](const RefusedDevice& r) { refused_.push_back(r); },
      {},        "node-test"};
};

TEST_F(AdmissionTest, DEV_1_NewDevicesCaseByCase) {
  struct Case {
    const char* name;
    std::optional<AuthMode> profile;  // the company's one profile, if any
    bool allow_unauthenticated;
    std::string serial;
    std::optional<std::pair<std::string, std::string>> credential;
    AdmitResult want;
    std::string listed_as;  // the refused list's reason; "" when not listed
  };
  const std::vector<Case> cases{
      {"not allocated", AuthMode::kRotate, false, "XX1", std::pair{"boot", "bootstrap-secret"},
       AdmitResult::kRefused, "unallocated"},
      {"no profile", std::nullopt, false, "SN1", std::pair{"boot", "bootstrap-secret"}, AdmitResult::kRefused,
       "no_profile"},
      {"no credential: challenged, not listed", AuthMode::kRotate, false, "SN1", std::nullopt,
       AdmitResult::kUnauthenticated, ""},
      {"wrong credential", AuthMode::kRotate, false, "SN1", std::pair{"boot", "guess"},
       AdmitResult::kUnauthenticated, "bad_credentials"},
      {"bootstrap credential", AuthMode::kRotate, false, "SN1", std::pair{"boot", "bootstrap-secret"},
       AdmitResult::kAdmitted, ""},
      {"shared credential", AuthMode::kShared, false, "SN1", std::pair{"boot", "bootstrap-secret"},
       AdmitResult::kAdmitted, ""},
      {"none, lab setting off", AuthMode::kNone, false, "SN1", std::nullopt, AdmitResult::kRefused,
       "unauthenticated_not_allowed"},
      {"none, lab setting on", AuthMode::kNone, true, "SN1", std::nullopt, AdmitResult::kAdmitted, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    {
      auto lease = tdb_.db().Acquire();
      lease.sql() << "DELETE FROM tasks";
      lease.sql() << "DELETE FROM device_parameters";
      lease.sql() << "DELETE FROM devices";
      lease.sql() << "DELETE FROM device_profiles";
    }
    refused_.clear();
    // A profile without a credential needs the lab setting when it is created.
    AllowUnauthenticated(true);
    if (c.profile) AddProfile(*c.profile);
    AllowUnauthenticated(c.allow_unauthenticated);
    const CredentialCheck check =
        c.credential ? Presenting(c.credential->first, c.credential->second) : nullptr;
    const Admission a = admission_.Admit(Inform(c.serial, {"0 BOOTSTRAP", "1 BOOT"}), check);
    EXPECT_EQ(static_cast<int>(a.result), static_cast<int>(c.want)) << a.reason;
    EXPECT_EQ(refused_.empty() ? "" : refused_.front().reason, c.listed_as);
    EXPECT_EQ(a.onboarded, c.want == AdmitResult::kAdmitted);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM devices"), c.want == AdmitResult::kAdmitted ? 1 : 0);
    if (c.want == AdmitResult::kAdmitted) {
      // The provisioning is queued: the credential change first, the full read last.
      EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE internal = 1 AND state = 'queued'"), 2);
      EXPECT_TRUE(a.has_queued_tasks);
    }
  }
}

// DATA-6: a device detached from a deleted company is kept while it contacts the service; only
// its own credential counts, so that forged Informs for its identity cannot keep its data.
TEST_F(AdmissionTest, DATA_6_OnlyTheDetachedDevicesOwnCredentialKeepsItAsUnassigned) {
  {
    auto lease = tdb_.db().Acquire();
    const std::string sealed = secrets_.Seal("own-secret");
    lease.sql()
        << "INSERT INTO unassigned_devices (id, oui, product_class, serial_number, former_company_id, "
           "former_company_code, manufacturer, model, hardware_version, software_version, data_model, "
           "tree, cwmp_username, cwmp_password_enc, source_ip, first_contact_at, last_contact_at, "
           "detached_at) VALUES ('old-device', '00D09E', 'IGD', 'XX9', 'gone', 'GONE', 'Acme', 'R', "
           "'hw', '1.0', 'tr181', '{}', 'dev-XX9', :p, '192.0.2.1', 0, 0, 0)",
        soci::use(sealed);
  }
  struct Case {
    const char* name;
    CredentialCheck check;
    std::string listed_as;
  };
  const std::vector<Case> cases{
      {"its own credential", Presenting("dev-XX9", "own-secret"), "unassigned"},
      {"a wrong password", Presenting("dev-XX9", "guess"), "unallocated"},
      {"another device's name", Presenting("boot", "bootstrap-secret"), "unallocated"},
      {"no credential", nullptr, "unallocated"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    refused_.clear();
    const Admission a = admission_.Admit(Inform("XX9", {"2 PERIODIC"}), c.check);
    EXPECT_EQ(a.result, AdmitResult::kRefused);
    ASSERT_EQ(refused_.size(), 1u);
    EXPECT_EQ(refused_[0].reason, c.listed_as);
  }
}

TEST_F(AdmissionTest, DEV_1_KnownDevicesCaseByCase) {
  AddProfile(AuthMode::kRotate);
  const auto check = Presenting("boot", "bootstrap-secret");
  ASSERT_EQ(admission_.Admit(Inform("SN1", {"0 BOOTSTRAP"}), check).result, AdmitResult::kAdmitted);
  auto pending = tasks_.PendingCredentials(DeviceId{[&] {
    std::string id;
    auto lease = tdb_.db().Acquire();
    lease.sql() << "SELECT id FROM devices", soci::into(id);
    return id;
  }()});
  ASSERT_TRUE(pending);
  const std::string own = *pending->management_password;
  // In order: (case, password presented, whether it is admitted). Before the rotation is
  // confirmed the bootstrap one is accepted, and the pending one too (the confirmation was lost:
  // it is promoted); after it only the device's own.
  const std::vector<std::tuple<const char*, std::string, bool>> cases{
      {"bootstrap before rotation", "bootstrap-secret", true},
      {"wrong", "guess", false},
      {"pending one: promoted", own, true},
      {"own after rotation", own, true},
      {"bootstrap after rotation", "bootstrap-secret", false},
  };
  for (const auto& [name, password, admitted] : cases) {
    const Admission a = admission_.Admit(Inform("SN1", {"1 BOOT"}), Presenting("boot", password));
    EXPECT_EQ(a.result == AdmitResult::kAdmitted, admitted) << name;
    EXPECT_EQ(a.credentials_promoted, std::string_view(name) == "pending one: promoted") << name;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM devices WHERE credential_state = 'rotated'"), 1);
}

}  // namespace
}  // namespace kanri::devices
