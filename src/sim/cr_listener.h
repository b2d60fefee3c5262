// The fleet's connection-request server (TR-069 Amendment 6, 3.2.2; DEV-4): one HTTP listener
// for every simulated device, each at its own path http://HOST:PORT/cr/<serial>, which is what
// the device reports as ManagementServer.ConnectionRequestURL.
//
// A request must be a GET with HTTP Digest authentication (RFC 7616, MD5, qop=auth) under the
// device's current ConnectionRequestUsername/Password; then it is answered 200 and the device
// starts a session with "6 CONNECTION REQUEST" at once. Unknown paths get 404, missing or
// wrong credentials 401 with a fresh challenge, and more requests per device than the rate
// limit allows 503 (TR-069 lets a CPE refuse connection requests that come too often).
//
//   ConnectionRequestListener listener(io, endpoint, lookup, {});
//   listener.Start();  ...  listener.Stop();
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/time.h"
#include "http/digest.h"
#include "sim/http_client.h"

namespace kanri::sim {

// What the listener needs from a device; both calls are thread-safe.
class ConnectionRequestTarget {
 public:
  struct Credentials {
    std::string username;
    std::string password;
  };
  virtual ~ConnectionRequestTarget() = default;
  virtual Credentials ConnectionRequestCredentials() const = 0;
  virtual void RequestConnection() = 0;
};

struct ConnectionRequestSettings {
  std::string path_prefix = "/cr/";
  std::string realm = "kanri-sim";
  // Rate limit per device: at most this many accepted requests in the window.
  std::size_t max_requests_per_window = 30;
  std::chrono::seconds window{60};
  std::chrono::seconds read_timeout{10};
  std::size_t max_request_bytes = 16 * 1024;
};

class ConnectionRequestListener {
 public:
  using Lookup = std::function<std::shared_ptr<ConnectionRequestTarget>(std::string_view serial)>;

  // Binds at once (throws boost::system::system_error when the address is taken).
  ConnectionRequestListener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                            Lookup lookup, ConnectionRequestSettings settings = {},
                            const Clock* clock = nullptr);

  std::uint16_t port() const { return port_; }
  void Start();
  void Stop();  // thread-safe; open connections end with their read timeout

  // Answers one request (public for tests without sockets).
  HttpResponse Handle(const HttpRequest& request);

 private:
  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(boost::asio::ip::tcp::socket socket);
  bool TakeRateToken(const std::string& serial);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  Lookup lookup_;
  ConnectionRequestSettings settings_;
  SystemClock system_clock_;
  const Clock& clock_;
  http::DigestAuthenticator digest_;
  std::mutex rate_mutex_;
  std::map<std::string, std::deque<Timestamp>, std::less<>> accepted_;
};

}  // namespace kanri::sim
