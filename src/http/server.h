// The HTTPS server: Boost.Beast over TLS, one coroutine per connection. It enforces the
// transport limits (header and body size, idle and request time, connection count, in all
// and per source address: OPS-4), refuses requests whose body length is ambiguous (RFC 9112
// section 6.3), answers plain HTTP on the same port with a redirect to https (DATA-2), and drains on
// shutdown: it stops accepting, closes idle keep-alive connections and lets requests in
// flight finish before it reports done.
//
//   HttpServer api{io, tls, settings, [&](const HttpRequest& r) { return router.Handle(r); }, "api"};
//   auto endpoint = api.Listen("0.0.0.0", 8443);
//   api.Start();
//   ...
//   co_await api.Drain();  // on SIGTERM
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/net.h"
#include "base/time.h"
#include "http/connection_admission.h"
#include "http/message.h"

namespace kanri::http {

struct ServerSettings {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  Millis idle_connection_timeout = std::chrono::seconds{30};  // keep-alive wait for the next request
  Millis request_deadline = std::chrono::seconds{30};         // to receive a request and send its answer
  // OPS-4: a new connection waits this long at most for the TLS handshake, and for its first
  // byte (before the ClientHello, and after the handshake before its first request), so that
  // silent connections do not hold slots.
  Millis tls_handshake_timeout = std::chrono::seconds{5};
  Millis first_byte_timeout = std::chrono::seconds{5};
  std::size_t max_connections = 1024;
  // OPS-4: one source address holds at most this many connections, and the last
  // connection_reserve of max_connections go only to addresses holding none yet, so no address
  // (nor a few) can lock the others out (ConnectionAdmission).
  std::size_t max_connections_per_address = 64;
  std::size_t connection_reserve = 64;
  // Refused connections are logged at most once per this interval and reason, with the number
  // left out.
  Millis refusal_log_interval = std::chrono::seconds{10};
  // DATA-2: plain HTTP is redirected to https://<public_host>:<the port it came to>; empty: to
  // the address the connection came to. Never to the request's Host.
  std::string public_host;
  Millis shutdown_grace = std::chrono::seconds{20};  // how long draining waits for requests in flight
  // After refusing a request whose body is still arriving (413, 431, 400), keep reading and
  // discarding this long before closing, so the client sees the answer instead of a reset
  // (RFC 9112 section 9.6).
  Millis lingering_close = std::chrono::seconds{2};
  // Plain HTTP instead of TLS: only for a lab's CWMP listener (--cwmp-insecure-http), never
  // for people. With TLS on, plain HTTP on the same port is answered with a redirect.
  bool tls = true;
  // Where request bodies that a route streams (see StreamBodies) are spooled; owner-only.
  std::filesystem::path upload_dir;
  // SEC-4: peers whose Forwarded / X-Forwarded-For headers name the client (client_address.h);
  // the connection limits above still count the peer itself.
  std::vector<IpNetwork> trusted_proxies;
};

// Asked with the request head (no body yet, connection_id and headers set) for a tighter body
// limit than max_body_bytes; nullopt keeps max_body_bytes. An answer of 413 is given before the
// body is read. SessionEngine::BodyLimitFor is the CWMP listener's.
using BodyLimitPolicy = std::function<std::optional<std::uint64_t>(const HttpRequest&)>;
using RequestHandler = std::function<boost::asio::awaitable<HttpResponse>(const HttpRequest&)>;
// Asked with the request head (no body yet): nullopt reads the body into memory within
// max_body_bytes as usual; a number spools it to a file in upload_dir within that many bytes
// (HttpRequest::spooled_body). Router::StreamedBodyLimit is the one to use.
using BodyStreamingPolicy =
    std::function<boost::asio::awaitable<std::optional<std::uint64_t>>(const HttpRequest&)>;

// A listening socket bound before its server exists, so that `kanri serve` can bind its ports
// and then give up root before it opens anything else (OPS-4, app/privileges.h). Move-only;
// closes a socket no server took.
class BoundListener {
 public:
  BoundListener(int fd, boost::asio::ip::tcp::endpoint endpoint) : fd_(fd), endpoint_(endpoint) {}
  BoundListener(BoundListener&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), endpoint_(other.endpoint_) {}
  BoundListener& operator=(BoundListener&&) = delete;
  ~BoundListener();
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }
  // The socket, now the caller's to close.
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

// Binds and listens; port 0 picks a free one. Throws on failure.
BoundListener BindListener(const std::string& host, std::uint16_t port);

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, boost::asio::ssl::context& tls, ServerSettings settings,
             RequestHandler handler, std::string name);
  ~HttpServer();

  // Binds; port 0 picks a free one. Returns the bound endpoint. Throws on failure.
  boost::asio::ip::tcp::endpoint Listen(const std::string& host, std::uint16_t port);
  // Serves on a socket BindListener bound earlier. Returns its endpoint.
  boost::asio::ip::tcp::endpoint Listen(BoundListener listener);
  void Start();
  // Stops accepting, closes idle connections and lets busy ones finish their request; resolves
  // when the last connection has left (the listener's gate), or after shutdown_grace, when
  // those still busy are closed.
  boost::asio::awaitable<void> Drain();

  std::size_t active_connections() const { return admission_.active(); }

  // Called (on the connection's strand) when a connection ends, with the id its requests
  // carried in HttpRequest::connection_id. Set before Start().
  void OnConnectionClosed(std::function<void(std::uint64_t)> fn) { on_connection_closed_ = std::move(fn); }
  // Lets some requests stream their body to a file (needs settings.upload_dir). Set before Start().
  void StreamBodies(BodyStreamingPolicy policy) { body_streaming_ = std::move(policy); }
  // Tightens the body limit of some requests (see BodyLimitPolicy). Set before Start().
  void LimitBodies(BodyLimitPolicy policy) { body_limit_ = std::move(policy); }

 private:
  struct Connection;
  struct RequestLoop;
  boost::asio::awaitable<void> Accept();
  // Cancels the idle connections' reads (all with busy_too); true when none is left.
  bool CloseConnections(bool busy_too);
  boost::asio::awaitable<void> AwaitGate();
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket, std::shared_ptr<Connection> conn);

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  ServerSettings settings_;
  RequestHandler handler_;
  std::string name_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::atomic<bool> draining_{false};
  ConnectionAdmission admission_;
  std::atomic<std::uint64_t> next_connection_id_{0};
  std::function<void(std::uint64_t)> on_connection_closed_;
  BodyStreamingPolicy body_streaming_;
  BodyLimitPolicy body_limit_;
  std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;
  // The gate: Drain waits on it until shutdown_grace; the last connection to leave a draining
  // listener cancels the wait (posted to gate_strand_, where Drain checks and starts waiting in
  // one step, so that the cancel cannot come between them).
  boost::asio::strand<boost::asio::io_context::executor_type> gate_strand_;
  boost::asio::steady_timer gate_;
};

// Creates the upload_dir (owner-only) and removes uploads a previous run left behind.
void PrepareUploadDir(const std::filesystem::path& dir);

// DATA-2: whether `host` may be ServerSettings::public_host: a DNS name, an IPv4 address, or an
// IPv6 address in brackets; no port.
bool ValidPublicHost(std::string_view host);

// "host:port" → parts; IPv6 as "[::1]:8443". Throws std::invalid_argument.
std::pair<std::string, std::uint16_t> ParseListenAddress(const std::string& text);

}  // namespace kanri::http
