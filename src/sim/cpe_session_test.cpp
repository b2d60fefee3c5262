// End-to-end tests of one simulated CPE over real sockets: a small scripted ACS (plain HTTP
// with Digest, the ACS's own SOAP codec) hands out requests, and the test checks what the
// device sent. Also the connection-request listener's Digest authentication (DEV-4), and the
// device's web interface that a remote login opens and closes (DEV-5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "base/crypto.h"
#include "http/digest.h"
#include "sim/cpe.h"
#include "sim/cr_listener.h"
#include "sim/firmware.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// An ACS that authenticates each session's Inform with Digest, sets a cookie, answers Inform and
// TransferComplete, and hands out the scripted requests one per CPE message until it has none.
class ScriptedAcs {
 public:
  explicit ScriptedAcs(asio::io_context& io) : io_(io), acceptor_(io, tcp::endpoint(tcp::v4(), 0)) {
    asio::co_spawn(io, Accept(), asio::detached);
  }
  std::string Url(std::string_view path = "/acs") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + std::string(path);
  }
  void Close() {
    asio::post(io_, [this] { acceptor_.close(); });
  }

  std::mutex mutex;
  std::string username = "cpe";
  std::string password = "strap";
  std::string password_after_spv;  // what the device's password becomes with a SetParameterValues
  std::deque<std::string> script;
  // Requests queued when the Nth Inform (from 1) arrives, after `script`.
  std::map<std::size_t, std::deque<std::string>> session_scripts;
  bool hold_requests = false;  // cwmp:HoldRequests in every InformResponse
  std::vector<cwmp::Inform> informs;
  std::vector<cwmp::TransferComplete> transfers;
  std::vector<std::size_t> answers_before_transfer;  // answers.size() when each transfer came
  std::vector<cwmp::Rpc> answers;
  std::vector<std::string> cookies;  // the Cookie header of every non-Inform POST
  std::map<std::string, std::string> files;
  int refused = 0;

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec) co_return;
      asio::co_spawn(io_, Serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      HttpRequest request;
      auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, request, kTuple);
      if (read_ec) co_return;
      HttpResponse response = Handle(request);
      response.prepare_payload();
      auto [write_ec, written] = co_await bhttp::async_write(stream, response, kTuple);
      if (write_ec) co_return;
    }
  }
  HttpResponse Next() {
    if (script.empty()) return HttpResponse{bhttp::status::no_content, 11};
    HttpResponse response{bhttp::status::ok, 11};
    response.body() = script.front();
    script.pop_front();
    return response;
  }
  HttpResponse Handle(const HttpRequest& request) {
    std::lock_guard lock(mutex);
    if (request.method() == bhttp::verb::get) {
      const auto file = files.find(std::string(request.target()));
      if (file == files.end()) return HttpResponse{bhttp::status::not_found, 11};
      HttpResponse response{bhttp::status::ok, 11};
      response.body() = file->second;
      return response;
    }
    auto decoded = cwmp::DecodeEnvelope(request.body(), cwmp::DecodeLimits{});
    if (!decoded) return HttpResponse{bhttp::status::bad_request, 11};
    const cwmp::HeaderOut header{.id = decoded->id.value_or(""), .version = {1, 2}};
    if (const auto* inform = std::get_if<cwmp::Inform>(&decoded->rpc)) {
      const auto authorization = request.find(bhttp::field::authorization);
      auto credentials = authorization == request.end()
                             ? Result<http::DigestCredentials>(NotFound())
                             : http::ParseDigestAuthorization(authorization->value());
      if (!credentials || credentials->username != username ||
          digest_.Verify(*credentials, "POST", request.target(), password, SystemClock{}.Now()) !=
              http::DigestAuthenticator::Verdict::kOk) {
        ++refused;
        HttpResponse challenge{bhttp::status::unauthorized, 11};
        challenge.set(bhttp::field::www_authenticate, digest_.Challenge(SystemClock{}.Now()));
        return challenge;
      }
      informs.push_back(*inform);
      if (auto more = session_scripts.find(informs.size()); more != session_scripts.end())
        script.insert(script.end(), more->second.begin(), more->second.end());
      HttpResponse response{bhttp::status::ok, 11};
      response.set(bhttp::field::set_cookie,
                   "acs_session=s" + std::to_string(informs.size()) + "; Path=/; HttpOnly");
      cwmp::HeaderOut inform_header = header;
      inform_header.hold_requests = hold_requests;
      response.body() = cwmp::EncodeInformResponse(inform_header);
      return response;
    }
    cookies.emplace_back(request[bhttp::field::cookie]);
    if (const auto* transfer = std::get_if<cwmp::TransferComplete>(&decoded->rpc)) {
      transfers.push_back(*transfer);
      answers_before_transfer.push_back(answers.size());
      HttpResponse response{bhttp::status::ok, 11};
      response.body() = cwmp::EncodeTransferCompleteResponse(header);
      return response;
    }
    if (std::holds_alternative<cwmp::SetParameterValuesResponse>(decoded->rpc) &&
        !password_after_spv.empty()) {
      password = password_after_spv;
    }
    if (!std::holds_alternative<cwmp::EmptyPost>(decoded->rpc)) answers.push_back(decoded->rpc);
    return Next();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  http::DigestAuthenticator digest_{std::string(32, 'k'), {.realm = "acs"}};
};

std::vector<std::string> Events(const cwmp::Inform& inform) {
  std::vector<std::string> codes;
  for (const auto& e : inform.events)
    codes.push_back(e.event_code + (e.command_key.empty() ? "" : ":" + e.command_key));
  return codes;
}

std::string InformValue(const cwmp::Inform& inform, std::string_view name) {
  for (const auto& p : inform.parameters) {
    if (p.name == name) return p.value;
  }
  return "<absent>";
}

class CpeSession : public ::testing::Test {
 protected:
  CpeSession() : acs_(io_), work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {
    fleet_.ramp_up = std::chrono::milliseconds{0};
    fleet_.reboot_delay = std::chrono::milliseconds{10};
  }
  ~CpeSession() override {
    if (cpe_) cpe_->Stop();
    for (int i = 0; i < 200 && cpe_ && cpe_->running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    acs_.Close();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  void StartDevice(ModelKind kind = ModelKind::kTr181) {
    DeviceIdentity id;
    id.serial_number = "T000001";
    id.acs_url = acs_.Url();
    id.acs_username = "cpe";
    id.acs_password = "strap";
    id.remote_access_port = remote_access_port_;
    CpeAgent agent(kind, id, "http://127.0.0.1:9/cr/T000001");
    agent.Boot(SystemClock{}.Now());
    cpe_ = std::make_shared<Cpe>(io_, fleet_, std::move(agent));
    cpe_->Start();
  }

  template <typename Predicate>
  bool WaitFor(Predicate predicate) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(acs_.mutex);
        if (predicate()) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    return false;
  }

  // The web interface's server context (DEV-5), declared before io_ so that it outlives every
  // connection still open when the device stops.
  std::optional<asio::ssl::context> remote_access_tls_;
  asio::io_context io_;
  ScriptedAcs acs_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
  FleetSettings fleet_;
  std::uint16_t remote_access_port_ = 8080;
  std::shared_ptr<Cpe> cpe_;
};

const cwmp::HeaderOut kAcsHeader{.id = "acs-1", .version = {1, 2}};

TEST_F(CpeSession, BootstrapSessionAnswersRequestsThenRebootsWithMReboot_DEV3) {
  const std::vector<cwmp::ParameterSetting> rotate = {
      {"Device.ManagementServer.Password", "rotated", cwmp::XsdType::kString}};
  const std::vector<std::string> names = {"Device.DeviceInfo.SoftwareVersion", "Device.NoSuch"};
  {
    std::lock_guard lock(acs_.mutex);
    acs_.script = {cwmp::EncodeSetParameterValues(kAcsHeader, rotate, "key-1"),
                   cwmp::EncodeGetParameterValues(kAcsHeader, names),
                   cwmp::EncodeAddObject(kAcsHeader, "Device.NAT.PortMapping.", "key-2"),
                   cwmp::EncodeReboot(kAcsHeader, "reboot-1")};
    acs_.password_after_spv = "rotated";  // the next session must authenticate with it
  }
  StartDevice();
  ASSERT_TRUE(WaitFor([&] { return acs_.informs.size() == 2; }));
  std::lock_guard lock(acs_.mutex);
  EXPECT_THAT(Events(acs_.informs[0]), ElementsAre("0 BOOTSTRAP", "1 BOOT"));
  EXPECT_EQ(acs_.informs[0].device_id.serial_number, "T000001");
  EXPECT_THAT(Events(acs_.informs[1]), ElementsAre("1 BOOT", "M Reboot:reboot-1"));
  EXPECT_EQ(InformValue(acs_.informs[1], "Device.ManagementServer.ParameterKey"), "key-2");
  ASSERT_EQ(acs_.answers.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<cwmp::SetParameterValuesResponse>(acs_.answers[0]));
  EXPECT_EQ(std::get<cwmp::CpeFault>(acs_.answers[1]).fault_code, 9005);  // one unknown name fails the GPV
  EXPECT_EQ(std::get<cwmp::AddObjectResponse>(acs_.answers[2]).instance_number, 1u);
  EXPECT_TRUE(std::holds_alternative<cwmp::RebootResponse>(acs_.answers[3]));
  // The cookie the ACS set came back on every later POST of the session.
  ASSERT_GE(acs_.cookies.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(acs_.cookies[i], "acs_session=s1");
}

TEST_F(CpeSession, DownloadFetchesTheImageReportsTransferCompleteAndRunsTheNewVersion_DEV6) {
  {
    std::lock_guard lock(acs_.mutex);
    acs_.files["/fw/good"] = FirmwareHeader("2.5.0") + "payload";
    acs_.script = {cwmp::EncodeDownload(kAcsHeader, {.command_key = "fw-1", .url = acs_.Url("/fw/good")})};
  }
  StartDevice(ModelKind::kTr098);
  ASSERT_TRUE(WaitFor([&] { return acs_.transfers.size() == 1; }));
  std::lock_guard lock(acs_.mutex);
  ASSERT_EQ(acs_.informs.size(), 2u);
  EXPECT_EQ(std::get<cwmp::DownloadResponse>(acs_.answers.at(0)).status, 1);
  EXPECT_THAT(Events(acs_.informs[1]), ElementsAre("1 BOOT", "7 TRANSFER COMPLETE", "M Download:fw-1"));
  EXPECT_EQ(InformValue(acs_.informs[1], "InternetGatewayDevice.DeviceInfo.SoftwareVersion"), "2.5.0");
  EXPECT_EQ(acs_.transfers[0].command_key, "fw-1");
  EXPECT_EQ(acs_.transfers[0].fault.fault_code, 0);
}

TEST_F(CpeSession, HeldRequestsWaitUntilTheAcsHasNothingMoreToAsk_DEV6) {
  {
    std::lock_guard lock(acs_.mutex);
    acs_.files["/fw/good"] = FirmwareHeader("2.5.0") + "payload";
    acs_.hold_requests = true;
    acs_.script = {cwmp::EncodeDownload(kAcsHeader, {.command_key = "fw-1", .url = acs_.Url("/fw/good")})};
    const std::vector<std::string> names{"Device.DeviceInfo.SoftwareVersion"};
    acs_.session_scripts[2] = {cwmp::EncodeGetParameterValues(kAcsHeader, names)};
  }
  StartDevice();
  ASSERT_TRUE(WaitFor([&] { return acs_.transfers.size() == 1; }));
  std::lock_guard lock(acs_.mutex);
  ASSERT_EQ(acs_.informs.size(), 2u);
  EXPECT_THAT(Events(acs_.informs[1]), ElementsAre("1 BOOT", "7 TRANSFER COMPLETE", "M Download:fw-1"));
  // The second session's InformResponse held the device's requests: it answered the ACS's
  // GetParameterValues first, and reported the transfer only after the ACS's empty answer.
  ASSERT_EQ(acs_.answers.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<cwmp::GetParameterValuesResponse>(acs_.answers[1]));
  EXPECT_EQ(acs_.answers_before_transfer.at(0), 2u);
  EXPECT_EQ(acs_.transfers[0].command_key, "fw-1");
}

TEST_F(CpeSession, ACorruptedOrMissingImageIsReportedWithItsFault_DEV6) {
  {
    std::lock_guard lock(acs_.mutex);
    acs_.files["/fw/bad"] = "MZ this is not firmware";
    acs_.script = {cwmp::EncodeDownload(kAcsHeader, {.command_key = "fw-bad", .url = acs_.Url("/fw/bad")})};
  }
  StartDevice();
  ASSERT_TRUE(WaitFor([&] { return acs_.transfers.size() == 1; }));
  {
    std::lock_guard lock(acs_.mutex);
    EXPECT_EQ(acs_.transfers[0].fault.fault_code, 9018);
    EXPECT_THAT(Events(acs_.informs[1]), ElementsAre("7 TRANSFER COMPLETE", "M Download:fw-bad"));
    EXPECT_EQ(InformValue(acs_.informs[1], "Device.DeviceInfo.SoftwareVersion"), "1.0.0");
  }
}

TEST_F(CpeSession, WrongCredentialsAreRefusedAndNoSessionHappens) {
  {
    std::lock_guard lock(acs_.mutex);
    acs_.password = "something else";
  }
  StartDevice();
  // The challenge, then the refused answer to it.
  ASSERT_TRUE(WaitFor([&] { return acs_.refused >= 2; }));
  std::lock_guard lock(acs_.mutex);
  EXPECT_TRUE(acs_.informs.empty());
}

// ---------------------------------------------------------------------------------------------
// Connection requests (DEV-4)

class FakeTarget : public ConnectionRequestTarget {
 public:
  Credentials ConnectionRequestCredentials() const override { return {"cr-user", "cr-pass"}; }
  void RequestConnection() override { ++requests; }
  int requests = 0;
};

HttpRequest Get(std::string target) {
  HttpRequest request{bhttp::verb::get, target, 11};
  return request;
}

TEST(ConnectionRequestListener, DigestWithTheDevicesCredentialsStartsASession_DEV4) {
  asio::io_context io;
  auto target = std::make_shared<FakeTarget>();
  ConnectionRequestListener listener(
      io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
      [&](std::string_view serial) -> std::shared_ptr<ConnectionRequestTarget> {
        return serial == "P000001" ? target : nullptr;
      });
  EXPECT_NE(listener.port(), 0);
  // No credentials: a Digest challenge.
  HttpResponse challenge = listener.Handle(Get("/cr/P000001"));
  ASSERT_EQ(challenge.result(), bhttp::status::unauthorized);
  auto challenges = http::ParseAuthChallenges(
      std::vector<std::string>{std::string(challenge[bhttp::field::www_authenticate])});
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "digest");
  EXPECT_EQ(challenges[0].Param("qop"), "auth");

  auto good = http::AnswerChallenges(challenges, "cr-user", "cr-pass");
  ASSERT_TRUE(good && good->digest);
  HttpRequest request = Get("/cr/P000001");
  request.set(bhttp::field::authorization, good->digest->Authorization("GET", "/cr/P000001"));
  EXPECT_EQ(listener.Handle(request).result(), bhttp::status::ok);
  EXPECT_EQ(target->requests, 1);

  auto bad = http::AnswerChallenges(challenges, "cr-user", "wrong");
  HttpRequest wrong = Get("/cr/P000001");
  wrong.set(bhttp::field::authorization, bad->digest->Authorization("GET", "/cr/P000001"));
  EXPECT_EQ(listener.Handle(wrong).result(), bhttp::status::unauthorized);
  HttpRequest basic = Get("/cr/P000001");
  basic.set(bhttp::field::authorization, http::BasicAuthorization("cr-user", "cr-pass"));
  EXPECT_EQ(listener.Handle(basic).result(), bhttp::status::unauthorized);  // Digest only
  EXPECT_EQ(target->requests, 1);

  EXPECT_EQ(listener.Handle(Get("/cr/P999999")).result(), bhttp::status::not_found);
  EXPECT_EQ(listener.Handle(Get("/other")).result(), bhttp::status::not_found);
}

TEST(ConnectionRequestListener, TooManyRequestsForOneDeviceAreRefusedWith503_DEV4) {
  asio::io_context io;
  auto target = std::make_shared<FakeTarget>();
  ConnectionRequestListener listener(
      io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
      [&](std::string_view) -> std::shared_ptr<ConnectionRequestTarget> { return target; },
      {.max_requests_per_window = 2});
  HttpResponse challenge = listener.Handle(Get("/cr/P000001"));
  auto answer = http::AnswerChallenges(http::ParseAuthChallenges(std::vector<std::string>{
                                           std::string(challenge[bhttp::field::www_authenticate])}),
                                       "cr-user", "cr-pass");
  std::vector<bhttp::status> statuses;
  for (int i = 0; i < 3; ++i) {
    HttpRequest request = Get("/cr/P000001");
    request.set(bhttp::field::authorization, answer->digest->Authorization("GET", "/cr/P000001"));
    statuses.push_back(listener.Handle(request).result());
  }
  EXPECT_THAT(statuses,
              ElementsAre(bhttp::status::ok, bhttp::status::ok, bhttp::status::service_unavailable));
  EXPECT_EQ(target->requests, 2);
}

TEST_F(CpeSession, AConnectionRequestStartsASessionWithEvent6_DEV4) {
  StartDevice();
  ASSERT_TRUE(WaitFor([&] { return acs_.informs.size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  cpe_->RequestConnection();
  ASSERT_TRUE(WaitFor([&] { return acs_.informs.size() == 2; }));
  std::lock_guard lock(acs_.mutex);
  EXPECT_THAT(Events(acs_.informs[1]), ElementsAre("6 CONNECTION REQUEST"));
}

// ---------------------------------------------------------------------------------------------
// Remote login (DEV-5): the ACS adds a user, gives it credentials and turns remote access on in
// one session; a person's browser then opens the device's web page with them. Deleting the user
// and turning remote access off close it again.

// A port nothing listens on now (the kernel's pick, released at once).
std::uint16_t FreePort() {
  asio::io_context io;
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

class RemoteLogin : public CpeSession {
 protected:
  RemoteLogin() : browser_tls_(asio::ssl::context::tls_client) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("kanri-remote-login-" + RandomToken(9));
    remote_access_tls_.emplace(MakeRemoteAccessTlsContext(dir));
    // The browser trusts the device's self-signed certificate, and checks that it names 127.0.0.1.
    browser_tls_.set_verify_mode(asio::ssl::verify_peer);
    browser_tls_.load_verify_file((dir / "tls" / "server.crt").string());
    std::filesystem::remove_all(dir);
    fleet_.remote_access_tls = &*remote_access_tls_;
    fleet_.remote_access_address = asio::ip::make_address("127.0.0.1");
    remote_access_port_ = FreePort();
  }

  // What a browser gets for https://127.0.0.1:<port>/ with these Basic credentials (none when
  // `username` is empty); nullopt, and the error in `browser_error_`, when it gets nothing.
  std::optional<HttpResponse> Open(const std::string& username, const std::string& password) {
    const std::string url = "https://127.0.0.1:" + std::to_string(remote_access_port_) + "/";
    auto exchange = [&]() -> asio::awaitable<std::optional<HttpResponse>> {
      HttpClient browser(co_await asio::this_coro::executor, &browser_tls_, *ParseHttpUrl(url), {});
      HttpRequest request{bhttp::verb::get, "/", 11};
      if (!username.empty())
        request.set(bhttp::field::authorization, http::BasicAuthorization(username, password));
      Result<HttpResponse> response = co_await browser.Send(std::move(request));
      co_await browser.Shutdown();
      if (!response) {
        browser_error_ = response.error().message;
        co_return std::nullopt;
      }
      co_return std::move(*response);
    };
    return asio::co_spawn(io_, exchange, asio::use_future).get();
  }
  int Status(const std::string& username, const std::string& password) {
    std::optional<HttpResponse> response = Open(username, password);
    return response ? response->result_int() : -1;
  }
  boost::system::error_code Connect() {
    asio::io_context io;
    tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), remote_access_port_), ec);
    return ec;
  }

  asio::ssl::context browser_tls_;
  std::string browser_error_;
};

std::vector<cwmp::ParameterSetting> Booleans(std::initializer_list<std::pair<std::string, bool>> values) {
  std::vector<cwmp::ParameterSetting> settings;
  for (const auto& [name, value] : values)
    settings.push_back({name, value ? "true" : "false", cwmp::XsdType::kBoolean});
  return settings;
}

TEST_F(RemoteLogin, TheAddedUsersCredentialsOpenTheWebInterfaceUntilDeletedAndDisabled_DEV5) {
  const std::string user = "Device.Users.User.2.";  // 1 is the local admin
  const std::string other = "Device.Users.User.3.";
  std::vector<cwmp::ParameterSetting> open = {{user + "Username", "support-7f3a", cwmp::XsdType::kString},
                                              {user + "Password", "Pw-9c1e2d", cwmp::XsdType::kString},
                                              {other + "Username", "viewer", cwmp::XsdType::kString},
                                              {other + "Password", "viewer-pass", cwmp::XsdType::kString}};
  for (auto& setting : Booleans({{user + "Enable", true},
                                 {user + "RemoteAccessCapable", true},
                                 {other + "Enable", true},  // a local user: not remote-access capable
                                 {"Device.UserInterface.RemoteAccess.Enable", true}})) {
    open.push_back(std::move(setting));
  }
  const std::vector<std::string> read_back = {"Device.UserInterface.RemoteAccess.Port",
                                              "Device.ManagementServer.ConnectionRequestURL",
                                              user + "Password", "Device.Users.UserNumberOfEntries"};
  {
    std::lock_guard lock(acs_.mutex);
    acs_.script = {cwmp::EncodeAddObject(kAcsHeader, "Device.Users.User.", "login-1"),
                   cwmp::EncodeAddObject(kAcsHeader, "Device.Users.User.", "login-1"),
                   cwmp::EncodeSetParameterValues(kAcsHeader, open, "login-1"),
                   cwmp::EncodeGetParameterValues(kAcsHeader, read_back)};
    acs_.session_scripts[2] = {cwmp::EncodeDeleteObject(kAcsHeader, user, "logout-1")};
    acs_.session_scripts[3] = {cwmp::EncodeSetParameterValues(
        kAcsHeader, Booleans({{"Device.UserInterface.RemoteAccess.Enable", false}}), "logout-1")};
  }
  EXPECT_EQ(Connect(), asio::error::connection_refused);  // off from the factory
  StartDevice();
  ASSERT_TRUE(WaitFor([&] { return acs_.answers.size() == 4; }));
  {
    std::lock_guard lock(acs_.mutex);
    EXPECT_EQ(std::get<cwmp::AddObjectResponse>(acs_.answers[0]).instance_number, 2u);
    EXPECT_EQ(std::get<cwmp::AddObjectResponse>(acs_.answers[1]).instance_number, 3u);
    EXPECT_TRUE(std::holds_alternative<cwmp::SetParameterValuesResponse>(acs_.answers[2]));
    const auto& values = std::get<cwmp::GetParameterValuesResponse>(acs_.answers[3]).parameters;
    ASSERT_EQ(values.size(), 4u);
    // What the ACS builds the URL from: https://<host of ConnectionRequestURL>:<Port>/.
    EXPECT_EQ(values[0].value, std::to_string(remote_access_port_));
    EXPECT_EQ(ParseHttpUrl(values[1].value)->host, "127.0.0.1");
    EXPECT_EQ(values[2].value, "");  // a password is never read back
    EXPECT_EQ(values[3].value, "3");
  }

  std::optional<HttpResponse> page = Open("support-7f3a", "Pw-9c1e2d");
  ASSERT_TRUE(page) << browser_error_;
  EXPECT_EQ(page->result(), bhttp::status::ok);
  EXPECT_THAT(std::string(page->at(bhttp::field::content_type)), HasSubstr("text/html"));
  EXPECT_THAT(page->body(), HasSubstr("T000001"));
  EXPECT_THAT(page->body(), HasSubstr("KS-1000"));

  std::optional<HttpResponse> refused = Open("support-7f3a", "Pw-9c1e2e");
  ASSERT_TRUE(refused) << browser_error_;
  EXPECT_EQ(refused->result(), bhttp::status::unauthorized);
  EXPECT_EQ(refused->at(bhttp::field::www_authenticate), "Basic realm=\"T000001\"");
  EXPECT_THAT(refused->body(), ::testing::Not(HasSubstr("T000001")));
  EXPECT_EQ(Status("viewer", "viewer-pass"), 401);       // enabled, but not remote-access capable
  EXPECT_EQ(Status("admin", "kanri-sim-T000001"), 401);  // the local admin neither
  EXPECT_EQ(Status("viewer", "Pw-9c1e2d"), 401);         // another user's password
  EXPECT_EQ(Status("", ""), 401);

  // DeleteObject of the user: its credentials stop working at once.
  cpe_->RequestConnection();
  ASSERT_TRUE(WaitFor([&] { return acs_.answers.size() == 5; }));
  {
    std::lock_guard lock(acs_.mutex);
    EXPECT_TRUE(std::holds_alternative<cwmp::DeleteObjectResponse>(acs_.answers[4]));
  }
  EXPECT_EQ(Status("support-7f3a", "Pw-9c1e2d"), 401);

  // RemoteAccess.Enable false: nothing listens any more.
  ASSERT_TRUE(WaitFor([&] { return acs_.informs.size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  cpe_->RequestConnection();
  ASSERT_TRUE(WaitFor([&] { return acs_.answers.size() == 6; }));
  EXPECT_EQ(Connect(), asio::error::connection_refused);
}

TEST_F(RemoteLogin, TheTr098UserTableOpensTheWebInterfaceToo_DEV5) {
  const std::string user = "InternetGatewayDevice.User.2.";
  std::vector<cwmp::ParameterSetting> open = {{user + "Username", "support", cwmp::XsdType::kString},
                                              {user + "Password", "tr098-pass", cwmp::XsdType::kString}};
  for (auto& setting : Booleans({{user + "Enable", true},
                                 {user + "RemoteAccessCapable", true},
                                 {"InternetGatewayDevice.UserInterface.RemoteAccess.Enable", true}})) {
    open.push_back(std::move(setting));
  }
  {
    std::lock_guard lock(acs_.mutex);
    acs_.script = {cwmp::EncodeAddObject(kAcsHeader, "InternetGatewayDevice.User.", "login-1"),
                   cwmp::EncodeSetParameterValues(kAcsHeader, open, "login-1")};
  }
  StartDevice(ModelKind::kTr098);
  ASSERT_TRUE(WaitFor([&] { return acs_.answers.size() == 2; }));
  EXPECT_EQ(Status("support", "tr098-pass"), 200);
  EXPECT_EQ(Status("support", "wrong"), 401);
}

}  // namespace
}  // namespace kanri::sim
