// The web interface of one simulated CPE, what the ACS's "remote login" opens (DEV-5). The ACS
// adds a user (Device.Users.User.{i}. / InternetGatewayDevice.User.{i}.), sets its Username,
// Password, Enable and RemoteAccessCapable, and sets UserInterface.RemoteAccess.Enable; the
// person then opens https://<host of ConnectionRequestURL>:<RemoteAccess.Port>/.
//
// - While RemoteAccess.Enable is true the device listens with TLS (a self-signed certificate for
//   localhost, 127.0.0.1 and ::1) on the fleet's address, the one its ConnectionRequestURL
//   names, at RemoteAccess.Port. When Enable becomes false, the port changes or the device
//   stops, the listener and every open connection close. A port that cannot be bound is logged
//   ("remote access not listening") and the device runs on without its web interface.
// - `GET /` with HTTP Basic credentials of a user instance whose Enable and RemoteAccessCapable
//   are true (and whose Username and Password are set) answers 200 and a small HTML page naming
//   the device (model, serial). Anything else (no credentials, a wrong password, a disabled or
//   deleted user, the local admin who is not remote-access capable) answers 401 with
//   `WWW-Authenticate: Basic realm="<serial>"`.
//   Credentials are checked on every request, so a deleted user is refused at once, even on a
//   connection kept alive.
// - Ports: each device of a fleet has its own default RemoteAccess.Port (simulator.h,
//   `remote_access_port_base`); the ACS reads the parameter and may set another.
// - Threads: the server runs on the device's strand; the device calls Apply() there after every
//   RPC that may have changed the settings, so a change takes effect when it is applied.
//
//   auto server = std::make_shared<RemoteAccessServer>(strand, tls, address);
//   server->Apply(RemoteAccessConfigOf(kind, model));   // opens, moves or closes the listener
//   server->Close();                                    // the device stops
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/data_model.h"
#include "sim/http_client.h"
#include "sim/models.h"

namespace kanri::sim {

// Limits of one device's web interface: it serves a person or two, never a crowd.
struct RemoteAccessSettings {
  std::chrono::seconds read_timeout{10};  // the TLS handshake, and each request
  std::size_t max_request_bytes = 8 * 1024;
  std::size_t max_connections = 4;  // more are closed as soon as they are accepted
};

struct RemoteLogin {
  std::string username;
  std::string password;
  bool operator==(const RemoteLogin&) const = default;
};

// What the web interface does, as the data model says.
struct RemoteAccessConfig {
  bool enabled = false;  // UserInterface.RemoteAccess.Enable
  std::uint16_t port = 0;
  // The users with Enable and RemoteAccessCapable true and a non-empty Username and Password.
  std::vector<RemoteLogin> logins;
  std::string serial;      // the realm, and the page
  std::string model_name;  // the page
  bool operator==(const RemoteAccessConfig&) const = default;
};
RemoteAccessConfig RemoteAccessConfigOf(ModelKind kind, const DataModel& model);

// The web interfaces' TLS server context (TLS 1.2+, http/tls.h): a self-signed certificate kept
// in <state_dir>/tls/ so that devices keep theirs across restarts, or made for this run only
// when `state_dir` is empty. Throws std::runtime_error.
boost::asio::ssl::context MakeRemoteAccessTlsContext(const std::filesystem::path& state_dir);

class RemoteAccessServer : public std::enable_shared_from_this<RemoteAccessServer> {
 public:
  // `executor`: the device's strand; `tls` must outlive the server.
  RemoteAccessServer(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls,
                     boost::asio::ip::address address, RemoteAccessSettings settings = {});

  // Call on the executor. Opens the listener when the config enables it, closes it (and its
  // connections) when it no longer does, rebinds when the port changes; new logins apply to the
  // next request. A bind that failed is retried with the next change of Enable or Port.
  void Apply(RemoteAccessConfig config);
  // Call on the executor; Apply() may open it again.
  void Close();

  // The port listened on, if any (call on the executor).
  std::optional<std::uint16_t> listening_port() const;

  // Answers one request under the last applied config (public for tests without sockets).
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  void Listen();
  static boost::asio::awaitable<void> Accept(std::shared_ptr<RemoteAccessServer> self,
                                             std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor);
  static boost::asio::awaitable<void> Serve(std::shared_ptr<RemoteAccessServer> self,
                                            boost::asio::ip::tcp::socket socket);
  const RemoteLogin* Authenticate(const HttpRequest& request) const;

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context& tls_;
  boost::asio::ip::address address_;
  RemoteAccessSettings settings_;
  RemoteAccessConfig config_;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::map<std::uint64_t, Stream*> connections_;  // the open ones, to cut them on Close()
  std::uint64_t next_connection_ = 0;
};

}  // namespace kanri::sim
