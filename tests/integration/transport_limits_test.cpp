// OPS-4 (hardening) and DATA-2 against the real listeners: what a hostile client on the
// network can do before it has logged in. Memory per request is bounded by the header and body
// limits, one source address cannot take every connection slot, request framing that could
// smuggle a second request is refused, the plain-HTTP redirect never points elsewhere, and a
// CWMP message without a session is small.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

// The resident memory of a process in kB (VmRSS of /proc/<pid>/status).
long ResidentKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

// One client connection under the test's full control, plain TCP or TLS, from a chosen
// loopback source address: it writes raw bytes and reads whatever comes back.
class RawConnection {
 public:
  enum class Mode { kTcp, kTls };

  RawConnection(std::uint16_t port, Mode mode, const std::string& source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
      throw std::runtime_error("bind to " + source + " failed");
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SetTimeout(10s);
    if (mode == Mode::kTls) {
      ctx_ = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
      ssl_ = SSL_new(ctx_);
      SSL_set_fd(ssl_, fd_);
      if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
    }
  }
  ~RawConnection() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void SetTimeout(std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>(t.count() % 1000 * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // Writes all of `bytes`; false when the connection failed first (closed, reset, timed out).
  bool Write(std::string_view bytes) {
    // A closed connection must fail the write, not kill the test with SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    bool ok = true;
    while (!bytes.empty()) {
      const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20));
      const long n =
          ssl_ ? SSL_write(ssl_, bytes.data(), chunk) : ::send(fd_, bytes.data(), chunk, MSG_NOSIGNAL);
      if (n <= 0) {
        ok = false;
        break;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    ERR_clear_error();
    ::sigaction(SIGPIPE, &previous, nullptr);
    return ok;
  }

  // Tells the server that nothing more comes (TCP half-close), so it need not wait for more.
  void FinishWriting() { ::shutdown(fd_, SHUT_WR); }

  // Reads until the server closes the connection (true) or `timeout` passes (false), keeping
  // what arrived in received().
  bool ReadUntilClosed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      if (!ssl_ || SSL_pending(ssl_) == 0) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      }
      char buf[16 * 1024];
      const long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        ERR_clear_error();
        return true;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
  }

  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string received_;
};

// How many HTTP responses `bytes` holds (status lines at the start of a response).
// Status lines in what the server sent ("HTTP/1.1 200 "): a response follows the previous one's
// body directly, and none of this server's bodies holds such text.
int ResponseCount(const std::string& bytes) {
  int n = 0;
  for (std::size_t at = bytes.find("HTTP/1.1 "); at != std::string::npos;
       at = bytes.find("HTTP/1.1 ", at + 1))
    if (at + 13 <= bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[at + 9])) &&
        std::isdigit(static_cast<unsigned char>(bytes[at + 10])) &&
        std::isdigit(static_cast<unsigned char>(bytes[at + 11])) && bytes[at + 12] == ' ')
      ++n;
  return n;
}

// Stderr lines of the server with "msg" == msg.
std::size_t LogLines(const KanriProcess& server, std::string_view msg) {
  const std::string needle = "\"msg\":\"" + std::string(msg) + "\"";
  std::size_t n = 0;
  for (std::size_t at = server.ServerStderr().find(needle); at != std::string::npos;
       at = server.ServerStderr().find(needle, at + 1))
    ++n;
  return n;
}

class TransportLimits : public ServerTest {
 protected:
  using ServerTest::ServerTest;
  std::vector<std::pair<std::string, std::uint16_t>> Listeners() {
    return {{"api", server().api_port()}, {"cwmp", server().cwmp_port()}};
  }
};

// Finding 1 of the issue 10 review: a chunk-size line that never ends was buffered whole.
TEST_F(TransportLimits, OPS_4_UnendingChunkSizeLineIsCutOffAndMemoryStaysBounded) {
  constexpr std::size_t kSent = 64u << 20;
  const std::string filler(1u << 20, 'a');
  for (const auto& [name, port] : Listeners()) {
    const long before_kb = ResidentKb(server().pid());
    RawConnection c{port, RawConnection::Mode::kTls};
    ASSERT_TRUE(c.Write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a="));
    std::size_t sent = 0;
    while (sent < kSent && c.Write(filler)) sent += filler.size();
    const bool closed = c.ReadUntilClosed(10s);
    const long after_kb = ResidentKb(server().pid());
    std::cout << name << ": sent " << sent / 1024 << " kB of one chunk-size line; server RSS " << before_kb
              << " kB before, " << after_kb << " kB after (+" << after_kb - before_kb << " kB)\n";
    EXPECT_LT(sent, kSent) << name << ": the server kept reading an unending chunk-size line";
    EXPECT_TRUE(closed) << name;
    if (!c.received().empty()) {
      EXPECT_TRUE(c.received().starts_with("HTTP/1.1 400 ")) << name << c.received();
    }
    // Buffered whole, 64 MiB would stay; cut off, what remains is TLS records and, under
    // AddressSanitizer, its quarantine of freed buffers.
    EXPECT_LT(after_kb - before_kb, 32 * 1024) << name << ": the server's memory grew with the line";
  }
  // Both listeners still serve.
  EXPECT_EQ(NewClient()->Get("/healthz").status, 200);
}

// Finding 3: a Transfer-Encoding whose last coding is not chunked, or one beside a
// Content-Length, leaves the body length undefined (RFC 9112 section 6.3): 400 and close,
// so the body is never read as a second request.
TEST_F(TransportLimits, OPS_4_AmbiguousRequestFramingIs400AndClosesTheConnection) {
  const std::vector<std::string> framings = {
      "Transfer-Encoding: chunked, identity\r\n",
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: gzip\r\nContent-Length: 0\r\n",
      "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
  };
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (const auto& [name, port] : Listeners()) {
    for (const std::string& framing : framings) {
      RawConnection c{port, RawConnection::Mode::kTls};
      ASSERT_TRUE(c.Write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + "\r\n" + smuggled));
      c.FinishWriting();
      EXPECT_TRUE(c.ReadUntilClosed(10s)) << name << " " << framing;
      EXPECT_TRUE(c.received().starts_with("HTTP/1.1 400 ")) << name << " " << framing << c.received();
      EXPECT_EQ(ResponseCount(c.received()), 1) << name << " " << framing << c.received();
    }
    // HTTP/1.0 has no Transfer-Encoding (RFC 9112 section 6.1).
    RawConnection old{port, RawConnection::Mode::kTls};
    ASSERT_TRUE(
        old.Write("POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    old.FinishWriting();
    EXPECT_TRUE(old.ReadUntilClosed(10s)) << name;
    EXPECT_TRUE(old.received().starts_with("HTTP/1.0 400 ") || old.received().starts_with("HTTP/1.1 400 "))
        << name << old.received();
  }
  // A well-framed chunked request is still served, and so is the next one on the connection.
  RawConnection good{server().api_port(), RawConnection::Mode::kTls};
  ASSERT_TRUE(
      good.Write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                 std::string("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")));
  EXPECT_TRUE(good.ReadUntilClosed(10s));
  EXPECT_EQ(ResponseCount(good.received()), 2) << good.received();
  EXPECT_NE(good.received().find("HTTP/1.1 200 "), std::string::npos) << good.received();
}

// Finding 4: the redirect of plain HTTP used the request's target and Host as they came.
TEST_F(TransportLimits, DATA_2_RedirectGoesOnlyToThisServersOwnPaths) {
  const std::string port = std::to_string(server().api_port());
  auto ask = [&](const std::string& target, const std::string& host) {
    return SendRawTcp("127.0.0.1", server().api_port(),
                      "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  };
  for (const std::string target : {"@evil.example/", "//evil.example/x", "http://evil.example/",
                                   "evil.example", "*", "/\\evil.example"}) {
    const std::string answer = ask(target, "127.0.0.1:" + port);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << target << "\n" << answer;
    EXPECT_EQ(answer.find("evil.example"), std::string::npos) << target << "\n" << answer;
  }
  // Host names only the client's opinion: the redirect goes to the listener's own address.
  const std::string answer = ask("/api/v1/session?x=1", "evil.example");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 308 ")) << answer;
  EXPECT_NE(answer.find("\r\nLocation: https://127.0.0.1:" + port + "/api/v1/session?x=1\r\n"),
            std::string::npos)
      << answer;
  EXPECT_EQ(answer.find("evil.example"), std::string::npos) << answer;
}

class PublicHost : public TransportLimits {
 protected:
  PublicHost() : TransportLimits({"--public-host", "kanri.example.net"}) {}
};

TEST_F(PublicHost, DATA_2_RedirectGoesToTheConfiguredPublicHost) {
  const std::string port = std::to_string(server().api_port());
  const std::string answer =
      SendRawTcp("127.0.0.1", server().api_port(),
                 "GET /login HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 308 ")) << answer;
  EXPECT_NE(answer.find("\r\nLocation: https://kanri.example.net:" + port + "/login\r\n"), std::string::npos)
      << answer;
}

// Finding 2: idle connections from one address took every slot of a listener.
class PerAddressCap : public TransportLimits {
 protected:
  PerAddressCap() : TransportLimits({"--max-connections-per-address", "4", "--first-byte-timeout", "60s"}) {}
};

TEST_F(PerAddressCap, OPS_4_OneAddressCannotTakeEveryConnection) {
  for (const auto& [name, port] : Listeners()) {
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 4; ++i)
      idle.push_back(std::make_unique<RawConnection>(port, RawConnection::Mode::kTcp, "127.0.0.1"));
    // The fifth and later ones from the same address are closed at once.
    for (int i = 0; i < 10; ++i) {
      RawConnection refused{port, RawConnection::Mode::kTcp, "127.0.0.1"};
      EXPECT_TRUE(refused.ReadUntilClosed(5s))
          << name << ": connection " << 5 + i << " from 127.0.0.1 was kept";
    }
    // Another address is served meanwhile.
    RawConnection other{port, RawConnection::Mode::kTls, "127.0.0.2"};
    ASSERT_TRUE(other.Write(name == "api"
                                ? "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                                : "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n"));
    EXPECT_TRUE(other.ReadUntilClosed(10s)) << name;
    EXPECT_TRUE(other.received().starts_with(name == "api" ? "HTTP/1.1 200 " : "HTTP/1.1 "))
        << name << other.received();
    // A slot freed by the address is its own again.
    idle.pop_back();
    std::this_thread::sleep_for(300ms);
    RawConnection again{port, RawConnection::Mode::kTls, "127.0.0.1"};
    ASSERT_TRUE(again.Write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    EXPECT_TRUE(again.ReadUntilClosed(10s)) << name;
    EXPECT_TRUE(again.received().starts_with("HTTP/1.1 ")) << name << again.received();
  }
  // Twenty refusals in a few seconds make at most one log line per listener, plus the
  // count of those left out.
  EXPECT_GE(LogLines(server(), "connection refused: too many from one address"), 1u) << server().Logs();
  EXPECT_LE(LogLines(server(), "connection refused: too many from one address"), 4u) << server().Logs();
}

class ConnectionReserve : public TransportLimits {
 protected:
  ConnectionReserve()
      : TransportLimits({"--max-connections", "8", "--connection-reserve", "2",
                         "--max-connections-per-address", "100", "--first-byte-timeout", "60s"}) {}
};

TEST_F(ConnectionReserve, OPS_4_TheLastSlotsAreLeftToOtherAddresses) {
  const std::uint16_t port = server().api_port();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 6; ++i)
    idle.push_back(std::make_unique<RawConnection>(port, RawConnection::Mode::kTcp, "127.0.0.1"));
  RawConnection refused{port, RawConnection::Mode::kTcp, "127.0.0.1"};
  EXPECT_TRUE(refused.ReadUntilClosed(5s)) << "127.0.0.1 took a reserved slot";
  RawConnection other{port, RawConnection::Mode::kTls, "127.0.0.2"};
  ASSERT_TRUE(other.Write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(other.ReadUntilClosed(10s));
  EXPECT_TRUE(other.received().starts_with("HTTP/1.1 200 ")) << other.received();
}

class ShortTimeouts : public TransportLimits {
 protected:
  ShortTimeouts() : TransportLimits({"--first-byte-timeout", "1s", "--tls-handshake-timeout", "1s"}) {}
};

TEST_F(ShortTimeouts, OPS_4_SilentConnectionsAreClosedSoon) {
  for (const auto& [name, port] : Listeners()) {
    const auto start = std::chrono::steady_clock::now();
    RawConnection silent{port, RawConnection::Mode::kTcp};
    RawConnection half_hello{port, RawConnection::Mode::kTcp};
    ASSERT_TRUE(half_hello.Write(std::string("\x16\x03\x01\x02\x00\x01", 6)));
    RawConnection no_request{port, RawConnection::Mode::kTls};
    EXPECT_TRUE(silent.ReadUntilClosed(5s)) << name;
    EXPECT_TRUE(half_hello.ReadUntilClosed(5s)) << name;
    EXPECT_TRUE(no_request.ReadUntilClosed(5s)) << name;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 4s) << name;
  }
}

// Finding 5: a CWMP message from a connection without a session is parsed only when small.
class CwmpPreAuthLimit : public TenantTest {};

TEST_F(CwmpPreAuthLimit, OPS_4_DEV_1_MessageWithoutASessionIsLimitedBeforeItIsParsed) {
  const std::string big(100 * 1024, ' ');
  HttpsClient cwmp{"127.0.0.1", server().cwmp_port()};
  auto r = cwmp.Post("/", "<soap:Envelope>" + big, {{"Content-Type", "text/xml"}});
  EXPECT_EQ(r.status, 413) << r.Describe();
  // Chunked, without a length to check up front: cut off as it arrives.
  RawConnection chunked{server().cwmp_port(), RawConnection::Mode::kTls};
  std::string body = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 25; ++i) body += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  body += "0\r\n\r\n";
  chunked.Write(body);
  chunked.FinishWriting();
  chunked.ReadUntilClosed(10s);
  EXPECT_TRUE(chunked.received().starts_with("HTTP/1.1 413 ")) << chunked.received();
  // The API listener keeps its own limit.
  EXPECT_NE(NewClient()->Post("/api/v1/session", std::string(100 * 1024, ' ')).status, 413);

  // A device's normal session still works (the provider allocated the sim's routers to ACME).
  auto allocation = site_admin().Post("/api/v1/allocations",
                                      R"({"company_id":")" + company_a_id() + R"(","oui":"00D09E"})");
  ASSERT_EQ(allocation.status, 201) << allocation.Describe();
  auto profile = admin_a().Post("/api/v1/profiles", R"({"name":"Sim gateways",
      "match":{"oui":"00D09E","product_class":"SimGateway"},
      "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"},
      "periodic_inform_interval":3600})");
  ASSERT_EQ(profile.status, 201) << profile.Describe();
  SimProcess sim{server().data_dir(),
                 {"--devices",
                  "1",
                  "--acs",
                  "https://127.0.0.1:" + std::to_string(server().cwmp_port()) + "/",
                  "--insecure",
                  "--serial-prefix",
                  "PRE",
                  "--oui",
                  "00D09E",
                  "--product-class",
                  "SimGateway",
                  "--username",
                  "bootstrap",
                  "--password",
                  "Boot-strap-Secret-42",
                  "--inform-interval",
                  "3600",
                  "--ramp-up",
                  "0",
                  "--cr-listen",
                  "127.0.0.1:0"}};
  sim.WaitFor("session done", {{"serial", "PRE000001"}});
}

}  // namespace
}  // namespace kanri::testing
