// Remote login end to end (DEV-5): the real `kanri serve` and a `kanri sim` router with its own
// HTTPS web interface. The one-time credentials Kanri answers open the device's web interface;
// they stop working when the operator ends the login or its lifetime passes (the device's user is
// removed and remote access switched off); they are never stored, shown again or recorded.
#include <openssl/evp.h>

#include <boost/url/parse.hpp>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

std::string Basic(const std::string& user, const std::string& password) {
  const std::string plain = user + ":" + password;
  std::string out(4 * ((plain.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                  reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  return "Basic " + out;
}

class RemoteLogin : public Devices {
 protected:
  // A lifetime shorter than the sessions' idle timeout, so that the test clock can pass it.
  RemoteLogin() : Devices({"--job-tick", "1s", "--remote-login-lifetime", "30m"}) {}

  void SetUp() override {
    Devices::SetUp();
    CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  }

  // GET / of the device's web interface with these credentials: the status, or 0 when nothing
  // listens (remote access switched off).
  static int WebInterface(const std::string& url, const std::string& user, const std::string& password) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) throw std::runtime_error("bad url " + url);
    try {
      HttpsClient web{std::string(parsed->host()), static_cast<std::uint16_t>(parsed->port_number()),
                      std::chrono::seconds{5}};
      return web.Get("/", {{"Authorization", Basic(user, password)}}).status;
    } catch (const std::runtime_error&) {
      return 0;
    }
  }

  json::value WaitForState(const std::string& device, const std::string& state) {
    return PollUntil("/api/v1/devices/" + device + "/remote-login",
                     [&](const json::value& v) { return Str(v, "state") == state; });
  }
};

TEST_F(RemoteLogin, DEV_5_OneTimeCredentialsOpenTheDeviceWebInterfaceUntilEnded) {
  auto sim = StartSim("RLG", 1, "00D09E");
  const std::string device = Str(WaitForProvisionedDevice("RLG000001"), "id");

  auto opened = admin_a().Post("/api/v1/devices/" + device + "/remote-login", "{}");
  ASSERT_EQ(opened.status, 201) << opened.Describe();
  const std::string url = Str(opened.Json(), "url"), user = Str(opened.Json(), "username"),
                    password = Str(opened.Json(), "password");
  EXPECT_TRUE(url.starts_with("https://127.0.0.1:")) << url;
  EXPECT_GE(password.size(), 16u);
  EXPECT_FALSE(Member(opened.Json(), "expires_at").is_null());

  auto active = WaitForState(device, "active");
  EXPECT_EQ(Str(active, "url"), url);
  EXPECT_FALSE(active.as_object().contains("password"));
  EXPECT_FALSE(active.as_object().contains("username"));
  EXPECT_EQ(Str(admin_a().Get("/api/v1/devices/" + device).Json(), "remote_login"), "active");

  EXPECT_EQ(WebInterface(url, user, password), 200);
  EXPECT_EQ(WebInterface(url, user, password + "x"), 401);
  EXPECT_EQ(WebInterface(url, "admin", password), 401);

  // A second one while this one is open.
  auto again = admin_a().Post("/api/v1/devices/" + device + "/remote-login", "{}");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ProblemCode(again), "remote_login_active");

  // The credentials are nowhere: not in the tasks, the parameter tree, the history or the data dir.
  for (const std::string& path : std::vector<std::string>{
           "/api/v1/devices/" + device + "/tasks?limit=200", "/api/v1/devices/" + device + "/parameters",
           "/api/v1/audit?limit=200", "/api/v1/devices/" + device + "/remote-login"}) {
    const auto body = admin_a().Get(path).body;
    EXPECT_EQ(body.find(password), std::string::npos) << path;
    EXPECT_EQ(body.find(user), std::string::npos) << path;
  }
  EXPECT_TRUE(FilesContaining(server().data_dir(), password).empty());

  auto closed = admin_a().Delete("/api/v1/devices/" + device + "/remote-login");
  ASSERT_EQ(closed.status, 202) << closed.Describe();
  WaitForState(device, "closed");
  EXPECT_EQ(WebInterface(url, user, password), 0) << "remote access is off again";
  EXPECT_EQ(ParameterValue(device, "Device.UserInterface.RemoteAccess.Enable"), "false");
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/devices/" + device).Json(), "remote_login").is_null());
}

TEST_F(RemoteLogin, DEV_5_TheLoginEndsAfterItsLifetimeAndTheUserIsRemoved) {
  auto sim = StartSim("RLT", 1, "00D09E");
  const std::string device = Str(WaitForProvisionedDevice("RLT000001"), "id");
  auto opened = admin_a().Post("/api/v1/devices/" + device + "/remote-login", "{}");
  ASSERT_EQ(opened.status, 201) << opened.Describe();
  const std::string url = Str(opened.Json(), "url"), user = Str(opened.Json(), "username"),
                    password = Str(opened.Json(), "password");
  WaitForState(device, "active");
  ASSERT_EQ(WebInterface(url, user, password), 200);

  server().AdvanceClock(std::chrono::minutes{31});
  auto closed = WaitForState(device, "closed");
  EXPECT_FALSE(Member(closed, "closed_at").is_null());
  EXPECT_EQ(WebInterface(url, user, password), 0);
  // The device's user is gone from its tree as well.
  const auto params =
      admin_a().Get("/api/v1/devices/" + device + "/parameters?prefix=Device.Users.User.").body;
  EXPECT_EQ(params.find(user), std::string::npos);
  // A new one can be opened.
  EXPECT_EQ(admin_a().Post("/api/v1/devices/" + device + "/remote-login", "{}").status, 201);
}

TEST_F(RemoteLogin, DEV_5_SEC_8_RefusedWhenSwitchedOffForOtherCompaniesAndWithoutThePermission) {
  auto sim = StartSim("RLR", 1, "00D09E");
  const std::string device = Str(WaitForProvisionedDevice("RLR000001"), "id");

  // The company's application form switched it off (the provider or its administrators).
  auto off = admin_a().Patch("/api/v1/company/settings", R"({"remote_login_enabled":false})");
  ASSERT_EQ(off.status, 200) << off.Describe();
  EXPECT_FALSE(Member(off.Json(), "remote_login_enabled").as_bool());
  auto refused = admin_a().Post("/api/v1/devices/" + device + "/remote-login", "{}");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(ProblemCode(refused), "remote_login_disabled");
  ASSERT_EQ(
      site_admin()
          .Patch("/api/v1/companies/" + company_a_id() + "/settings", R"({"remote_login_enabled":true})")
          .status,
      200);

  // A general account without devices.remote_login.
  CreateAccount(admin_a(), "viewer1", "general", kAdminPassword);
  auto viewer = LoginAs(kCompanyACode, "viewer1", kAdminPassword);
  EXPECT_EQ(viewer->Post("/api/v1/devices/" + device + "/remote-login", "{}").status, 403);

  // Another company's administrator: the device does not exist for it.
  const auto other = CreateCompany("OTHER", "Other Corp");
  CreateCompanyAdmin(Str(json::value(other), "id"), "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  EXPECT_EQ(olga->Post("/api/v1/devices/" + device + "/remote-login", "{}").status, 404);
  EXPECT_EQ(olga->Get("/api/v1/devices/" + device + "/remote-login").status, 404);
  EXPECT_EQ(olga->Delete("/api/v1/devices/" + device + "/remote-login").status, 404);
  EXPECT_EQ(admin_a().Get("/api/v1/devices/" + device + "/remote-login").status, 404) << "none was opened";
}

}  // namespace
}  // namespace kanri::testing
