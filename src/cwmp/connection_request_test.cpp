#include "cwmp/connection_request.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <future>
#include <thread>

#include "base/crypto.h"
#include "http/digest.h"

namespace kanri::cwmp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Status CheckWith(const std::vector<std::string>& nets, bool loopback, const std::string& addr) {
  auto policy = AddressPolicy::Make(nets, loopback);
  EXPECT_TRUE(policy);
  return policy->Check(asio::ip::make_address(addr));
}

// Judged without connecting: the policy alone (the tests send traffic to loopback only).
TEST(AddressPolicy, DEV_4_DefaultRefusesPrivateRangesAndAllowsPublic) {
  ConnectionRequestSettings d;
  auto policy = ConnectionRequestPolicy(d);
  ASSERT_TRUE(policy);
  for (const char* ok : {"203.0.114.7", "8.8.8.8", "2400:cb00::1", "::ffff:8.8.4.4"})
    EXPECT_TRUE(policy->Check(asio::ip::make_address(ok))) << ok;
  for (const char* refused :
       {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.254",
        "fd12:3456::1", "fc00::1", "::ffff:10.0.0.1", "::ffff:192.168.0.1", "169.254.169.254", "fe80::1",
        "198.18.0.1", "192.0.0.8"}) {
    auto r = policy->Check(asio::ip::make_address(refused));
    EXPECT_FALSE(r) << refused;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << refused;
    }
  }
}

TEST(AddressPolicy, DEV_4_ProviderAllowsPrivateNetworksOneByOne) {
  ConnectionRequestSettings s;
  s.allowed_private = {"100.64.0.0/10", "fd12:3456::/32"};
  auto policy = ConnectionRequestPolicy(s);
  ASSERT_TRUE(policy);
  for (const char* ok : {"100.70.1.1", "::ffff:100.70.1.1", "fd12:3456:1::9", "8.8.8.8"})
    EXPECT_TRUE(policy->Check(asio::ip::make_address(ok))) << ok;
  // Only what is listed: the other private ranges stay refused, and link-local, loopback and
  // the metadata addresses cannot be allowed at all.
  for (const char* refused : {"10.0.0.1", "192.168.1.1", "fd00:1::1", "127.0.0.1", "169.254.169.254"})
    EXPECT_FALSE(policy->Check(asio::ip::make_address(refused))) << refused;
  ConnectionRequestSettings link_local;
  link_local.allowed_private = {"169.254.0.0/16", "fe80::/10"};
  auto still = ConnectionRequestPolicy(link_local);
  ASSERT_TRUE(still);
  EXPECT_FALSE(still->Check(asio::ip::make_address("169.254.169.254")));
  EXPECT_FALSE(still->Check(asio::ip::make_address("fe80::1")));
  // A CIDR only: `public` or a name is no private network.
  ConnectionRequestSettings bad;
  bad.allowed_private = {"public"};
  EXPECT_FALSE(ConnectionRequestPolicy(bad));
  bad.allowed_private = {"intranet.example"};
  EXPECT_THROW(ConnectionRequester{bad}, std::invalid_argument);
}

TEST(AddressPolicy, DEV_4_OperatorsSeeOnlyTheCoarseOutcome) {
  ConnectionRequestOutcome delivered;
  EXPECT_EQ(ToString(Coarse(delivered)), "delivered");
  auto with = [](ConnectionRequestFailure f) {
    ConnectionRequestOutcome o;
    o.failure = f;
    return std::string(ToString(Coarse(o)));
  };
  EXPECT_EQ(with(ConnectionRequestFailure::kAddressRefused), "refused_by_policy");
  EXPECT_EQ(with(ConnectionRequestFailure::kTimeout), "timeout");
  EXPECT_EQ(with(ConnectionRequestFailure::kAuthRejected), "auth_failed");
  EXPECT_EQ(with(ConnectionRequestFailure::kBusy), "busy");
  for (auto f : {ConnectionRequestFailure::kBadUrl, ConnectionRequestFailure::kResolveFailed,
                 ConnectionRequestFailure::kConnectFailed, ConnectionRequestFailure::kUnexpectedStatus,
                 ConnectionRequestFailure::kBadResponse})
    EXPECT_EQ(with(f), "unreachable") << ToString(f);
}

TEST(AddressPolicy, DEV_4_AlwaysRefusesLoopbackLinkLocalMetadataAndSpecial) {
  ConnectionRequestSettings d;
  std::vector<std::string> everything = {"0.0.0.0/0", "::/0", "public"};
  for (const char* bad :
       {"127.0.0.1", "127.255.0.9", "::1", "169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254",
        "0.0.0.0", "::", "0.1.2.3", "224.0.0.1", "239.255.255.250", "ff02::1", "255.255.255.255", "240.0.0.1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1"}) {
    auto r = CheckWith(everything, false, bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    }
    EXPECT_FALSE(CheckWith(d.allowed_networks, false, bad)) << bad;
  }
  // allow_loopback lets loopback through, nothing else.
  EXPECT_TRUE(CheckWith(d.allowed_networks, true, "127.0.0.1"));
  EXPECT_TRUE(CheckWith(d.allowed_networks, true, "::1"));
  EXPECT_TRUE(CheckWith(d.allowed_networks, true, "::ffff:127.0.0.1"));
  EXPECT_FALSE(CheckWith(d.allowed_networks, true, "169.254.169.254"));
  EXPECT_FALSE(CheckWith(d.allowed_networks, true, "fe80::1"));
  EXPECT_FALSE(CheckWith(d.allowed_networks, true, "fd00:ec2::254"));
}

TEST(AddressPolicy, DEV_4_OperatorListRestrictsToItsNetworks) {
  std::vector<std::string> mgmt = {"100.64.0.0/10", "2001:db8:100::/48"};
  EXPECT_TRUE(CheckWith(mgmt, false, "100.70.1.1"));
  EXPECT_TRUE(CheckWith(mgmt, false, "::ffff:100.70.1.1"));
  EXPECT_TRUE(CheckWith(mgmt, false, "2001:db8:100:5::1"));
  EXPECT_FALSE(CheckWith(mgmt, false, "2001:db8:101::1"));
  EXPECT_FALSE(CheckWith(mgmt, false, "8.8.8.8"));
  EXPECT_FALSE(CheckWith(mgmt, false, "192.168.1.1"));
  // Documentation and 6to4 ranges are not "public".
  EXPECT_FALSE(CheckWith({"public"}, false, "192.0.2.1"));
  EXPECT_FALSE(CheckWith({"public"}, false, "2001:db8::1"));
  EXPECT_FALSE(CheckWith({"public"}, false, "2002:a9fe:a9fe::1"));
  EXPECT_FALSE(CheckWith({"public"}, false, "10.0.0.1"));
}

TEST(ConnectionRequestTarget, DEV_4_UrlsAreParsedIntoWhatIsSent) {
  auto t = ParseConnectionRequestTarget("http://192.0.2.7:7547/cr?x=1");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->address, boost::asio::ip::make_address("192.0.2.7"));
  EXPECT_TRUE(t->host_name.empty());
  EXPECT_EQ(t->port, 7547);
  EXPECT_EQ(t->target, "/cr?x=1");
  EXPECT_EQ(t->host_header, "192.0.2.7:7547");

  t = ParseConnectionRequestTarget("https://cpe.example");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->host_name, "cpe.example");
  EXPECT_FALSE(t->address);
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(t->target, "/");

  t = ParseConnectionRequestTarget("http://[2001:db8::7]/");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->address, boost::asio::ip::make_address("2001:db8::7"));
  EXPECT_EQ(t->port, 80);

  for (const char* bad :
       {"", "cr", "/cr", "ftp://192.0.2.7/", "http://user:pw@192.0.2.7/", "http://192.0.2.7:0/",
        "http://192.0.2.7:65536/", "http://192.0.2.7:12a/", "http:///x", "http://[v1.x]/"}) {
    auto r = ParseConnectionRequestTarget(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().field, "url") << bad;
    }
  }
}

TEST(AddressPolicy, BadNetworksAreRejected) {
  for (const char* bad :
       {"10.0.0.0/33", "fc00::/129", "10.0.0.0/", "10.0.0.0/x", "host.example", "10.0.0/8", ""})
    EXPECT_FALSE(AddressPolicy::Make({bad}, false)) << bad;
  EXPECT_THROW(ConnectionRequester({.allowed_networks = {"nonsense"}}), std::invalid_argument);
  auto host = ParseNetwork("192.0.2.7");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix, 32u);
}

// A device's connection-request server on loopback: answers each request through `respond`.
class FakeDevice {
 public:
  using Respond =
      std::function<bhttp::response<bhttp::string_body>(const bhttp::request<bhttp::string_body>&)>;
  explicit FakeDevice(Respond respond, bool silent = false)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        respond_(std::move(respond)),
        silent_(silent) {
    asio::co_spawn(io_, Accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeDevice() {
    io_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path = "/cr") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  std::atomic<int> requests{0};
  std::atomic<int> connections{0};

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec) co_return;
      ++connections;
      asio::co_spawn(io_, Serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(socket, buffer, req, kTuple);
      if (ec) co_return;
      ++requests;
      if (silent_) {
        asio::steady_timer t(io_, std::chrono::seconds{30});
        co_await t.async_wait(kTuple);
        co_return;
      }
      auto res = respond_(req);
      res.version(11);
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(socket, res, kTuple);
      if (wec || !res.keep_alive()) co_return;
    }
  }
  asio::io_context io_;
  tcp::acceptor acceptor_;
  Respond respond_;
  bool silent_;
  std::thread thread_;
};

class ConnectionRequesterTest : public ::testing::Test {
 protected:
  ConnectionRequesterTest() { InitCrypto(); }
  ConnectionRequestOutcome Send(ConnectionRequester& r, const std::string& url,
                                const std::string& user = "cr", const std::string& pass = "secret") {
    asio::io_context io;
    auto f = asio::co_spawn(io, r.Send(CompanyId{"company-a"}, url, user, pass), asio::use_future);
    io.run();
    return f.get();
  }
  ConnectionRequestSettings Lab() {
    ConnectionRequestSettings s;
    s.allow_loopback = true;
    s.timeout = std::chrono::seconds{5};
    return s;
  }
};

// A CPE that demands Digest (what the simulator and real devices do).
FakeDevice::Respond DigestDevice(http::DigestAuthenticator& auth, bool keep_alive = true) {
  return [&auth, keep_alive](const bhttp::request<bhttp::string_body>& req) {
    bhttp::response<bhttp::string_body> res;
    res.keep_alive(keep_alive);
    auto header = req[bhttp::field::authorization];
    if (!header.empty()) {
      auto creds = http::ParseDigestAuthorization(header);
      if (creds && creds->username == "cr" &&
          auth.Verify(*creds, "GET", req.target(), "secret", SystemClock().Now()) ==
              http::DigestAuthenticator::Verdict::kOk) {
        res.result(bhttp::status::no_content);
        return res;
      }
    }
    res.result(bhttp::status::unauthorized);
    res.set(bhttp::field::www_authenticate, "Basic realm=\"cpe\"");
    res.insert(bhttp::field::www_authenticate, auth.Challenge(SystemClock().Now()));
    res.body() = "unauthorized";
    return res;
  };
}

TEST_F(ConnectionRequesterTest, DEV_4_AnswersDigestChallengeAndDelivers) {
  http::DigestAuthenticator auth(std::string(32, 'c'), {.realm = "cpe"});
  FakeDevice device(DigestDevice(auth));
  ConnectionRequester requester(Lab());
  auto out = Send(requester, device.Url("/cr?x=1"));
  EXPECT_TRUE(out.delivered()) << out.detail;
  EXPECT_EQ(out.http_status, 204);
  EXPECT_EQ(out.auth, "digest");
  EXPECT_EQ(out.address, "127.0.0.1");
  EXPECT_EQ(device.requests.load(), 2);
  EXPECT_EQ(device.connections.load(), 1);  // the second GET reused the connection
  EXPECT_EQ(requester.in_flight(), 0u);

  auto wrong = Send(requester, device.Url(), "cr", "wrong");
  EXPECT_EQ(wrong.failure, ConnectionRequestFailure::kAuthRejected);
  EXPECT_EQ(wrong.http_status, 401);
}

TEST_F(ConnectionRequesterTest, DEV_4_ReconnectsWhenTheDeviceClosesAfter401) {
  http::DigestAuthenticator auth(std::string(32, 'c'), {.realm = "cpe"});
  FakeDevice device(DigestDevice(auth, /*keep_alive=*/false));
  ConnectionRequester requester(Lab());
  auto out = Send(requester, device.Url());
  EXPECT_TRUE(out.delivered()) << out.detail;
  EXPECT_EQ(device.connections.load(), 2);
}

TEST_F(ConnectionRequesterTest, DEV_4_BasicWhenTheDeviceOnlyOffersBasic) {
  FakeDevice device([](const bhttp::request<bhttp::string_body>& req) {
    bhttp::response<bhttp::string_body> res;
    if (req[bhttp::field::authorization] == http::BasicAuthorization("cr", "secret")) {
      res.result(bhttp::status::ok);
    } else {
      res.result(bhttp::status::unauthorized);
      res.set(bhttp::field::www_authenticate, "Basic realm=\"cpe\"");
    }
    return res;
  });
  ConnectionRequester requester(Lab());
  auto out = Send(requester, device.Url());
  EXPECT_TRUE(out.delivered()) << out.detail;
  EXPECT_EQ(out.auth, "basic");
  EXPECT_EQ(out.http_status, 200);
}

TEST_F(ConnectionRequesterTest, DEV_4_RedirectIsNotFollowed) {
  FakeDevice device([](const bhttp::request<bhttp::string_body>&) {
    bhttp::response<bhttp::string_body> res{bhttp::status::found, 11};
    res.set(bhttp::field::location, "http://169.254.169.254/latest/meta-data/");
    return res;
  });
  ConnectionRequester requester(Lab());
  auto out = Send(requester, device.Url());
  EXPECT_EQ(out.failure, ConnectionRequestFailure::kUnexpectedStatus);
  EXPECT_EQ(out.http_status, 302);
  EXPECT_EQ(device.requests.load(), 1);
}

TEST_F(ConnectionRequesterTest, DEV_4_LoopbackRefusedWithoutTheLabSetting) {
  FakeDevice device([](const bhttp::request<bhttp::string_body>&) {
    return bhttp::response<bhttp::string_body>{bhttp::status::no_content, 11};
  });
  ConnectionRequester requester(ConnectionRequestSettings{});
  auto out = Send(requester, device.Url());
  EXPECT_EQ(out.failure, ConnectionRequestFailure::kAddressRefused);
  EXPECT_NE(out.detail.find("loopback"), std::string::npos);
  EXPECT_EQ(device.connections.load(), 0);
  // "localhost" resolves to loopback: refused as well, after resolution.
  auto by_name = Send(requester, "http://localhost:1/");
  EXPECT_EQ(by_name.failure, ConnectionRequestFailure::kAddressRefused);
}

TEST_F(ConnectionRequesterTest, DEV_4_BadUrls) {
  ConnectionRequester requester(Lab());
  for (const char* bad : {"", "not a url", "ftp://127.0.0.1/", "http:///x", "http://u:p@127.0.0.1/",
                          "http://127.0.0.1:99999/", "/relative"}) {
    EXPECT_EQ(Send(requester, bad).failure, ConnectionRequestFailure::kBadUrl) << bad;
  }
}

TEST_F(ConnectionRequesterTest, DEV_4_TimeoutAndConcurrencyAreBounded) {
  FakeDevice silent({}, /*silent=*/true);
  auto settings = Lab();
  settings.timeout = std::chrono::milliseconds{300};
  settings.max_concurrent = 1;
  ConnectionRequester requester(settings);

  asio::io_context io;
  auto first =
      asio::co_spawn(io, requester.Send(CompanyId{"a"}, silent.Url(), "cr", "secret"), asio::use_future);
  std::optional<ConnectionRequestOutcome> second;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io, std::chrono::milliseconds{50});
        co_await t.async_wait(kTuple);
        second = co_await requester.Send(CompanyId{"b"}, silent.Url(), "cr", "secret");
      },
      asio::detached);
  const auto start = std::chrono::steady_clock::now();
  io.run();
  const auto took = std::chrono::steady_clock::now() - start;
  auto out = first.get();
  EXPECT_EQ(out.failure, ConnectionRequestFailure::kTimeout);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->failure, ConnectionRequestFailure::kBusy);
  EXPECT_LT(took, std::chrono::seconds{3});
  EXPECT_EQ(requester.in_flight(), 0u);
}

TEST_F(ConnectionRequesterTest, DEV_4_OversizedAnswerIsABadResponse) {
  FakeDevice device([](const bhttp::request<bhttp::string_body>&) {
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.body() = std::string(100 * 1024, 'x');
    return res;
  });
  ConnectionRequester requester(Lab());
  EXPECT_EQ(Send(requester, device.Url()).failure, ConnectionRequestFailure::kBadResponse);
}

// A port that takes connections (the kernel completes the handshake into the backlog) but
// whose server never accepts nor reads: a device that never answers.
class BlackHole {
 public:
  BlackHole() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/cr";
  }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
};

TEST_F(ConnectionRequesterTest, DEV_4_OneCompanysUnreachableDevicesDoNotStarveAnother) {
  BlackHole hole;
  FakeDevice answering([](const bhttp::request<bhttp::string_body>&) {
    return bhttp::response<bhttp::string_body>{bhttp::status::no_content, 11};
  });
  auto settings = Lab();
  settings.timeout = std::chrono::milliseconds{2000};
  settings.max_concurrent = 4;
  settings.max_concurrent_per_company = 2;
  ConnectionRequester requester(settings);
  const CompanyId a{"company-a"}, b{"company-b"};

  asio::io_context io;
  std::vector<std::future<ConnectionRequestOutcome>> from_a;
  for (std::size_t i = 0; i < settings.max_concurrent; ++i)
    from_a.push_back(asio::co_spawn(io, requester.Send(a, hole.Url(), "cr", "secret"), asio::use_future));
  std::optional<ConnectionRequestOutcome> from_b;
  std::size_t a_in_flight_meanwhile = 0;
  std::chrono::steady_clock::duration b_took{};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer t(io, std::chrono::milliseconds{200});  // A's requests hang by now
        co_await t.async_wait(kTuple);
        a_in_flight_meanwhile = requester.in_flight(a);
        const auto start = std::chrono::steady_clock::now();
        from_b = co_await requester.Send(b, answering.Url(), "cr", "secret");
        b_took = std::chrono::steady_clock::now() - start;
      },
      asio::detached);
  io.run();

  ASSERT_TRUE(from_b);
  EXPECT_TRUE(from_b->delivered()) << from_b->detail;
  EXPECT_LT(b_took, std::chrono::milliseconds{1000});
  EXPECT_EQ(a_in_flight_meanwhile, settings.max_concurrent_per_company);
  std::size_t timed_out = 0, busy = 0;
  for (auto& f : from_a) {
    auto out = f.get();
    timed_out += out.failure == ConnectionRequestFailure::kTimeout;
    busy += out.failure == ConnectionRequestFailure::kBusy;
  }
  EXPECT_EQ(timed_out, settings.max_concurrent_per_company);  // A got its share, no more
  EXPECT_EQ(busy, settings.max_concurrent - settings.max_concurrent_per_company);
  EXPECT_EQ(requester.in_flight(), 0u);
  EXPECT_EQ(requester.in_flight(a), 0u);
}

}  // namespace
}  // namespace kanri::cwmp
