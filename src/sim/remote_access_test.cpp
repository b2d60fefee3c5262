// Tests of the simulated CPE's remote access (DEV-5) below a session: the user table and the
// RemoteAccess object of both data models as an ACS reads and writes them, what the web
// interface makes of them, its answers, its port scheme and a port that is taken. The whole
// remote login, over a CWMP session and HTTPS, is in cpe_session_test.cpp.
#include "sim/remote_access.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <set>

#include "http/digest.h"
#include "sim/cpe_agent.h"
#include "sim/simulator.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

const Timestamp kT0 = *ParseUtc("2025-03-10T00:00:00Z");
const cwmp::HeaderOut kAcs{.id = "acs-1", .version = {1, 2}};

DeviceIdentity Identity() {
  DeviceIdentity id;
  id.serial_number = "P000042";
  id.model_name = "KS-1000";
  id.remote_access_port = 40123;
  return id;
}

// The ACS's request, answered by the device; returns the CPE fault code (0: none).
int Send(CpeAgent& agent, const std::string& acs_xml) {
  auto request = DecodeAcsEnvelope(acs_xml, cwmp::DecodeLimits{});
  EXPECT_TRUE(request);
  return agent.Respond(*request, kT0).fault_code;
}

int Set(CpeAgent& agent, std::initializer_list<std::pair<std::string, std::string>> values) {
  std::vector<cwmp::ParameterSetting> settings;
  for (const auto& [name, value] : values) settings.push_back({name, value, cwmp::XsdType::kString});
  return Send(agent, cwmp::EncodeSetParameterValues(kAcs, settings, ""));
}

// GetParameterValues of a partial path, as the ACS sees it.
std::map<std::string, std::string> Read(const CpeAgent& agent, const std::string& path) {
  std::map<std::string, std::string> values;
  const std::vector<std::string> names{path};
  auto read = agent.model().GetValues(names);
  EXPECT_TRUE(read) << path;
  if (read) {
    for (const auto& v : *read) values[v.name] = v.value;
  }
  return values;
}

TEST(RemoteAccessModel, Tr181HasUsersAndRemoteAccessUnderTheStandardNames_DEV5) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  EXPECT_EQ(UserTablePath(ModelKind::kTr181), "Device.Users.User.");
  EXPECT_THAT(
      Read(agent, "Device.Users."),
      ElementsAre(Pair("Device.Users.User.1.Enable", "true"), Pair("Device.Users.User.1.Language", "en"),
                  Pair("Device.Users.User.1.Password", ""),  // write-only: never read back
                  Pair("Device.Users.User.1.RemoteAccessCapable", "false"),
                  Pair("Device.Users.User.1.Username", "admin"),
                  Pair("Device.Users.UserNumberOfEntries", "1")));
  EXPECT_THAT(Read(agent, "Device.UserInterface.RemoteAccess."),
              ElementsAre(Pair("Device.UserInterface.RemoteAccess.Enable", "false"),
                          Pair("Device.UserInterface.RemoteAccess.Port", "40123"),
                          Pair("Device.UserInterface.RemoteAccess.Protocol", "HTTPS"),
                          Pair("Device.UserInterface.RemoteAccess.SupportedProtocols", "HTTPS")));

  EXPECT_EQ(Send(agent, cwmp::EncodeAddObject(kAcs, "Device.Users.User.", "k")), 0);
  EXPECT_THAT(Read(agent, "Device.Users.User.2."),
              ElementsAre(Pair("Device.Users.User.2.Enable", "false"),
                          Pair("Device.Users.User.2.Language", ""), Pair("Device.Users.User.2.Password", ""),
                          Pair("Device.Users.User.2.RemoteAccessCapable", "false"),
                          Pair("Device.Users.User.2.Username", "")));
  EXPECT_EQ(Set(agent, {{"Device.Users.User.2.Password", "secret"}}), 0);
  EXPECT_EQ(Read(agent, "Device.Users.User.2.Password").at("Device.Users.User.2.Password"), "");
  EXPECT_EQ(Set(agent, {{"Device.Users.User.2.Username", std::string(65, 'u')}}), 9003);  // string(64)
  // The web interface speaks HTTPS only: HTTP is not a value Protocol takes.
  EXPECT_EQ(Set(agent, {{"Device.UserInterface.RemoteAccess.Protocol", "HTTP"}}), 9003);
  EXPECT_EQ(Set(agent, {{"Device.UserInterface.RemoteAccess.Port", "0"}}), 9003);
}

TEST(RemoteAccessModel, Tr098HasTheSameUnderItsOwnNames_DEV5) {
  CpeAgent agent(ModelKind::kTr098, Identity(), "");
  EXPECT_EQ(UserTablePath(ModelKind::kTr098), "InternetGatewayDevice.User.");
  EXPECT_EQ(Send(agent, cwmp::EncodeAddObject(kAcs, "InternetGatewayDevice.User.", "k")), 0);
  EXPECT_THAT(Read(agent, "InternetGatewayDevice.User.2."),
              ElementsAre(Pair("InternetGatewayDevice.User.2.Enable", "false"),
                          Pair("InternetGatewayDevice.User.2.Language", ""),
                          Pair("InternetGatewayDevice.User.2.Password", ""),
                          Pair("InternetGatewayDevice.User.2.RemoteAccessCapable", "false"),
                          Pair("InternetGatewayDevice.User.2.Username", "")));
  EXPECT_EQ(Read(agent, "InternetGatewayDevice.UserNumberOfEntries")
                .at("InternetGatewayDevice.UserNumberOfEntries"),
            "2");
  EXPECT_THAT(
      Read(agent, "InternetGatewayDevice.UserInterface.RemoteAccess."),
      ElementsAre(Pair("InternetGatewayDevice.UserInterface.RemoteAccess.Enable", "false"),
                  Pair("InternetGatewayDevice.UserInterface.RemoteAccess.Port", "40123"),
                  Pair("InternetGatewayDevice.UserInterface.RemoteAccess.Protocol", "HTTPS"),
                  Pair("InternetGatewayDevice.UserInterface.RemoteAccess.SupportedProtocols", "HTTPS")));
  EXPECT_EQ(Send(agent, cwmp::EncodeDeleteObject(kAcs, "InternetGatewayDevice.User.2.", "k")), 0);
  EXPECT_EQ(Read(agent, "InternetGatewayDevice.UserNumberOfEntries")
                .at("InternetGatewayDevice.UserNumberOfEntries"),
            "1");
}

TEST(RemoteAccessConfigOf, OnlyEnabledRemoteCapableUsersWithCredentialsMayLogIn_DEV5) {
  CpeAgent agent(ModelKind::kTr181, Identity(), "");
  RemoteAccessConfig config = RemoteAccessConfigOf(ModelKind::kTr181, agent.model());
  EXPECT_FALSE(config.enabled);
  EXPECT_EQ(config.port, 40123);
  EXPECT_EQ(config.serial, "P000042");
  EXPECT_EQ(config.model_name, "KS-1000");
  EXPECT_THAT(config.logins, IsEmpty());  // the local admin is not remote-access capable

  ASSERT_EQ(Send(agent, cwmp::EncodeAddObject(kAcs, "Device.Users.User.", "k")), 0);
  const std::string user = "Device.Users.User.2.";
  ASSERT_EQ(Set(agent, {{user + "Enable", "true"},
                        {user + "RemoteAccessCapable", "1"},
                        {"Device.UserInterface.RemoteAccess.Enable", "true"}}),
            0);
  config = RemoteAccessConfigOf(ModelKind::kTr181, agent.model());
  EXPECT_TRUE(config.enabled);
  EXPECT_THAT(config.logins, IsEmpty());  // no name and password yet
  ASSERT_EQ(Set(agent, {{user + "Username", "support"}, {user + "Password", "pw"}}), 0);
  EXPECT_THAT(RemoteAccessConfigOf(ModelKind::kTr181, agent.model()).logins,
              ElementsAre(RemoteLogin{"support", "pw"}));
  ASSERT_EQ(Set(agent, {{user + "Enable", "false"}}), 0);
  EXPECT_THAT(RemoteAccessConfigOf(ModelKind::kTr181, agent.model()).logins, IsEmpty());
  ASSERT_EQ(Set(agent, {{user + "Enable", "true"}}), 0);

  // The user outlives a restart with --state-dir, and goes with a factory reset.
  CpeAgent restarted(ModelKind::kTr181, Identity(), "");
  ASSERT_TRUE(restarted.LoadState(agent.SaveState()));
  EXPECT_THAT(RemoteAccessConfigOf(ModelKind::kTr181, restarted.model()).logins,
              ElementsAre(RemoteLogin{"support", "pw"}));
  restarted.FactoryReset(kT0);
  EXPECT_THAT(RemoteAccessConfigOf(ModelKind::kTr181, restarted.model()).logins, IsEmpty());
  EXPECT_FALSE(RemoteAccessConfigOf(ModelKind::kTr181, restarted.model()).enabled);

  ASSERT_EQ(Send(agent, cwmp::EncodeDeleteObject(kAcs, user, "k")), 0);
  EXPECT_THAT(RemoteAccessConfigOf(ModelKind::kTr181, agent.model()).logins, IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// The server

class RemoteAccessServerTest : public ::testing::Test {
 protected:
  RemoteAccessServerTest()
      : tls_(MakeRemoteAccessTlsContext({})),
        server_(std::make_shared<RemoteAccessServer>(io_.get_executor(), tls_,
                                                     asio::ip::make_address("127.0.0.1"))) {}
  ~RemoteAccessServerTest() override { server_->Close(); }

  static RemoteAccessConfig Config(bool enabled, std::uint16_t port) {
    return {.enabled = enabled,
            .port = port,
            .logins = {{"support", "pw"}, {"second", "pw2"}},
            .serial = "P000042",
            .model_name = "KS<1000>"};
  }
  static HttpRequest Get(std::string target, std::optional<std::pair<std::string, std::string>> login) {
    HttpRequest request{bhttp::verb::get, target, 11};
    if (login)
      request.set(bhttp::field::authorization, http::BasicAuthorization(login->first, login->second));
    return request;
  }
  static std::uint16_t FreePort() {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return probe.local_endpoint().port();
  }

  asio::io_context io_;
  asio::ssl::context tls_;
  std::shared_ptr<RemoteAccessServer> server_;
};

TEST_F(RemoteAccessServerTest, AnswersThePageOnlyToTheLoginsOfTheConfig_DEV5) {
  server_->Apply(Config(false, 1));
  HttpResponse page = server_->Handle(Get("/", std::pair{"second", "pw2"}));
  EXPECT_EQ(page.result(), bhttp::status::ok);
  EXPECT_THAT(page.body(), HasSubstr("KS&lt;1000&gt;"));
  EXPECT_THAT(page.body(), HasSubstr("P000042"));
  EXPECT_EQ(page[bhttp::field::cache_control], "no-store");

  for (const auto& login : std::vector<std::optional<std::pair<std::string, std::string>>>{
           std::nullopt, std::pair{"support", "pw2"}, std::pair{"support", ""}, std::pair{"SUPPORT", "pw"},
           std::pair{"", ""}}) {
    HttpResponse refused = server_->Handle(Get("/", login));
    EXPECT_EQ(refused.result(), bhttp::status::unauthorized);
    EXPECT_EQ(refused[bhttp::field::www_authenticate], "Basic realm=\"P000042\"");
    EXPECT_THAT(refused.body(), IsEmpty());
  }
  HttpRequest digest = Get("/", std::nullopt);
  digest.set(bhttp::field::authorization, "Digest username=\"support\"");
  EXPECT_EQ(server_->Handle(digest).result(), bhttp::status::unauthorized);

  EXPECT_EQ(server_->Handle(Get("/admin", std::pair{"support", "pw"})).result(), bhttp::status::not_found);
  HttpRequest post = Get("/", std::pair{"support", "pw"});
  post.method(bhttp::verb::post);
  EXPECT_EQ(server_->Handle(post).result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(server_->Handle(Get("/", std::pair{"support", "pw"})).result(), bhttp::status::ok);

  RemoteAccessConfig without_support = Config(false, 1);
  without_support.logins.erase(without_support.logins.begin());
  server_->Apply(without_support);
  EXPECT_EQ(server_->Handle(Get("/", std::pair{"support", "pw"})).result(), bhttp::status::unauthorized);
}

TEST_F(RemoteAccessServerTest, ListensWhileEnabledAndSurvivesATakenPort_DEV5) {
  const std::uint16_t port = FreePort();
  server_->Apply(Config(true, port));
  EXPECT_EQ(server_->listening_port(), port);
  server_->Apply(Config(false, port));
  EXPECT_EQ(server_->listening_port(), std::nullopt);
  server_->Apply(Config(true, port));  // again at once
  EXPECT_EQ(server_->listening_port(), port);

  // Another program holds the next port: the device logs it and runs on without listening.
  tcp::acceptor squatter(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t taken = squatter.local_endpoint().port();
  server_->Apply(Config(true, taken));
  EXPECT_EQ(server_->listening_port(), std::nullopt);
  EXPECT_EQ(server_->Handle(Get("/", std::pair{"support", "pw"})).result(), bhttp::status::ok);
  const std::uint16_t other = FreePort();
  server_->Apply(Config(true, other));  // the ACS moves it
  EXPECT_EQ(server_->listening_port(), other);
}

TEST(DefaultRemoteAccessPort, EveryDeviceOfAFleetHasItsOwn_DEV5) {
  EXPECT_EQ(DefaultRemoteAccessPort(40001, 0), 40001);
  EXPECT_EQ(DefaultRemoteAccessPort(40001, 9), 40010);
  EXPECT_EQ(DefaultRemoteAccessPort(65535, 0), 65535);
  EXPECT_EQ(DefaultRemoteAccessPort(65535, 1), 1024);  // wraps round to the unprivileged ports
  EXPECT_EQ(DefaultRemoteAccessPort(65536, 0), 1024);  // a listener on 65535, plus one
  std::set<std::uint16_t> ports;
  for (std::size_t i = 0; i < 65536 - 1024; ++i) ports.insert(DefaultRemoteAccessPort(50000, i));
  EXPECT_EQ(ports.size(), 65536u - 1024u);
  EXPECT_EQ(*ports.begin(), 1024);
}

}  // namespace
}  // namespace kanri::sim
