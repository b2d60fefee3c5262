#include "devices/profiles.h"

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class ProfilesTest : public DevicesTest {
 protected:
  NewProfile Valid(std::string name = "東京支店") {
    NewProfile p;
    p.name = std::move(name);
    p.match.oui = "00d09e";
    p.auth_username = "boot";
    p.auth_password = "s3cret-boot";
    p.periodic_inform_interval = 300;
    p.parameters = {{"Device.ManagementServer.PeriodicInformEnable", "true"}};
    return p;
  }
  DeviceSecrets secrets_ = DeviceSecrets::FromKey(std::string(32, 'k'));
  ProfileRepository profiles_{tdb_.db(), clock_, secrets_};
};

TEST_F(ProfilesTest, DEV_1_CreateNormalisesAndSealsThePassword) {
  auto p = profiles_.Create(acme_, Valid());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->match.oui, std::optional<std::string>("00D09E"));
  auto stored = Count("SELECT COUNT(*) FROM device_profiles WHERE auth_password_enc LIKE '%s3cret%'");
  EXPECT_EQ(stored, 0) << "the password is stored sealed";
  auto got = profiles_.Get(acme_, p->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->auth_password, "") << "Get never opens the password";
  EXPECT_EQ(got->parameters.size(), 1u);
  EXPECT_EQ(profiles_.Create(acme_, Valid("東京支店")).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(profiles_.Create(beta_, Valid("東京支店"))) << "names are per company";
}

TEST_F(ProfilesTest, DEV_1_BadInputIsRefusedWithItsField) {
  auto expect_field = [&](NewProfile p, const std::string& field) {
    auto r = profiles_.Create(acme_, p);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().field, field);
  };
  auto p = Valid();
  p.name = "";
  expect_field(p, "name");
  p = Valid();
  p.match = {};
  expect_field(p, "match");
  p = Valid();
  p.match.oui = "00D09";
  expect_field(p, "match.oui");
  p.match.oui = "00D09G";
  expect_field(p, "match.oui");
  p = Valid();
  p.auth_password = "";
  expect_field(p, "device_auth.password");
  p = Valid();
  p.auth_mode = AuthMode::kNone;
  expect_field(p, "device_auth");
  p = Valid();
  p.periodic_inform_interval = 29;
  expect_field(p, "periodic_inform_interval");
  p.periodic_inform_interval = 86401;
  expect_field(p, "periodic_inform_interval");
  for (std::string path : {"Device.WiFi.", "Other.X", "Device..X", "Device.X Y"}) {
    p = Valid();
    p.parameters = {{path, "1"}};
    expect_field(p, "parameters");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_profiles"), 0) << "bad input changes nothing";
}

TEST_F(ProfilesTest, DEV_1_MatchingWithinTheCompanyMostSpecificFirst) {
  ASSERT_TRUE(
      companies_.Update(ProviderScope::ForCommandLine(), acme_, {.allow_unauthenticated_devices = true}));
  auto rule = Valid("rule");
  rule.match = {.oui = "00D09E", .product_class = "IGD"};
  auto listed = Valid("listed");
  listed.match = {.serials = {"SN2", "SN1"}};
  auto prefix = Valid("prefix");
  prefix.match = {.serial_prefix = "SN"};
  auto other = Valid("other");
  other.match = {.oui = "AABBCC"};
  auto none = Valid("none");
  none.auth_mode = AuthMode::kNone;
  none.auth_username = none.auth_password = "";
  none.match = {.product_class = "Lab"};
  ASSERT_TRUE(profiles_.Create(acme_, rule));
  ASSERT_TRUE(profiles_.Create(beta_, listed));
  ASSERT_TRUE(profiles_.Create(acme_, prefix));
  ASSERT_TRUE(profiles_.Create(acme_, other));
  ASSERT_TRUE(profiles_.Create(acme_, none));

  auto lease = tdb_.db().Acquire();
  auto m = profiles_.MatchingProfiles(lease, acme_, "00d09e", "IGD", "SN1");
  ASSERT_EQ(m.size(), 2u) << "only the company's own profiles";
  EXPECT_EQ(m[0].name, "prefix") << "a prefix beats a product class";
  EXPECT_EQ(m[0].auth_password, "s3cret-boot") << "the engine gets the opened password";
  EXPECT_EQ(m[1].name, "rule");
  auto b = profiles_.MatchingProfiles(lease, beta_, "00D09E", "IGD", "SN1");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].name, "listed");
  EXPECT_EQ(profiles_.MatchingProfiles(lease, acme_, "00D09E", "IGD", "XX1").size(), 1u);
  EXPECT_EQ(profiles_.MatchingProfiles(lease, acme_, "112233", "Other", "XX1").size(), 0u);
  auto lab = profiles_.MatchingProfiles(lease, acme_, "112233", "Lab", "any");
  ASSERT_EQ(lab.size(), 1u);
  EXPECT_EQ(lab[0].auth_mode, AuthMode::kNone);
}

TEST_F(ProfilesTest, DEV_1_ModeNoneOnlyWhereTheProviderAllowsUnauthenticatedDevices) {
  auto none = Valid("lab");
  none.auth_mode = AuthMode::kNone;
  none.auth_username = none.auth_password = "";
  auto refused = profiles_.Create(acme_, none);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().problem, "unauthenticated_devices_not_allowed");
  EXPECT_EQ(refused.error().field, "device_auth.mode");
  auto p = *profiles_.Create(acme_, Valid());
  ProfilePatch to_none;
  to_none.auth_mode = AuthMode::kNone;
  to_none.auth_username = "";
  to_none.auth_password = "";
  EXPECT_EQ(profiles_.Update(acme_, p.id, to_none).error().problem, "unauthenticated_devices_not_allowed");
  ASSERT_TRUE(
      companies_.Update(ProviderScope::ForCommandLine(), acme_, {.allow_unauthenticated_devices = true}));
  EXPECT_TRUE(profiles_.Create(acme_, none));
  EXPECT_TRUE(profiles_.Update(acme_, p.id, to_none));
}

TEST_F(ProfilesTest, DEV_1_AProfileOverTheCompanysLimitIsRefused) {
  ProfileRepository limited{tdb_.db(), clock_, secrets_, {.max_profiles = 2}};
  ASSERT_TRUE(limited.Create(acme_, Valid("a")));
  ASSERT_TRUE(limited.Create(acme_, Valid("b")));
  auto third = limited.Create(acme_, Valid("c"));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(third.error().problem, "too_many_profiles");
  EXPECT_TRUE(limited.Create(beta_, Valid("c"))) << "the limit is per company";
}

TEST_F(ProfilesTest, DEV_1_UpdateKeepsThePasswordUnlessGiven) {
  auto p = *profiles_.Create(acme_, Valid());
  ProfilePatch patch;
  patch.auth_mode = AuthMode::kShared;
  patch.auth_username = "shared-user";
  auto u = profiles_.Update(acme_, p.id, patch);
  ASSERT_TRUE(u) << u.error().message;
  auto lease = tdb_.db().Acquire();
  auto m = profiles_.MatchingProfiles(lease, acme_, "00D09E", "IGD", "X");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].auth_password, "s3cret-boot");
  EXPECT_EQ(m[0].auth_mode, AuthMode::kShared);
  ProfilePatch bad;
  bad.periodic_inform_interval = std::optional<std::uint32_t>(5);
  EXPECT_EQ(profiles_.Update(acme_, p.id, bad).error().field, "periodic_inform_interval");
  EXPECT_EQ(profiles_.Update(beta_, p.id, {}).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(profiles_.Delete(acme_, p.id));
  EXPECT_EQ(profiles_.Get(acme_, p.id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kanri::devices
