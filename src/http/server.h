// The HTTPS server: Boost.Beast over TLS, one coroutine per connection. It enforces the
// transport limits (header and body size, idle and request time, connection count),
// answers plain HTTP on the same port with a redirect to https (DATA-2), and drains on
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
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/time.h"
#include "http/message.h"

namespace kanri::http {

struct ServerSettings {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  Millis idle_connection_timeout = std::chrono::seconds{30};  // keep-alive wait for the next request
  Millis request_deadline = std::chrono::seconds{30};         // to receive a request and send its answer
  Millis tls_handshake_timeout = std::chrono::seconds{10};
  std::size_t max_connections = 1024;
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
};

using RequestHandler = std::function<boost::asio::awaitable<HttpResponse>(const HttpRequest&)>;
// Asked with the request head (no body yet): nullopt reads the body into memory within
// max_body_bytes as usual; a number spools it to a file in upload_dir within that many bytes
// (HttpRequest::spooled_body). Router::StreamedBodyLimit is the one to use.
using BodyStreamingPolicy =
    std::function<boost::asio::awaitable<std::optional<std::uint64_t>>(const HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, boost::asio::ssl::context& tls, ServerSettings settings,
             RequestHandler handler, std::string name);
  ~HttpServer();

  // Binds; port 0 picks a free one. Returns the bound endpoint. Throws on failure.
  boost::asio::ip::tcp::endpoint Listen(const std::string& host, std::uint16_t port);
  void Start();
  boost::asio::awaitable<void> Drain();

  std::size_t active_connections() const { return active_.load(); }

  // Called (on the connection's strand) when a connection ends, with the id its requests
  // carried in HttpRequest::connection_id. Set before Start().
  void OnConnectionClosed(std::function<void(std::uint64_t)> fn) { on_connection_closed_ = std::move(fn); }
  // Lets some requests stream their body to a file (needs settings.upload_dir). Set before Start().
  void StreamBodies(BodyStreamingPolicy policy) { body_streaming_ = std::move(policy); }

 private:
  struct Connection;
  struct RequestLoop;
  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket, std::shared_ptr<Connection> conn);

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  ServerSettings settings_;
  RequestHandler handler_;
  std::string name_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> active_{0};
  std::atomic<std::uint64_t> next_connection_id_{0};
  std::function<void(std::uint64_t)> on_connection_closed_;
  BodyStreamingPolicy body_streaming_;
  std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;
};

// Creates the upload_dir (owner-only) and removes uploads a previous run left behind.
void PrepareUploadDir(const std::filesystem::path& dir);

// "host:port" → parts; IPv6 as "[::1]:8443". Throws std::invalid_argument.
std::pair<std::string, std::uint16_t> ParseListenAddress(const std::string& text);

}  // namespace kanri::http
