// One simulated CPE's web interface: see remote_access.h.
#include "sim/remote_access.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "base/cleanup.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/text.h"
#include "http/digest.h"
#include "http/tls.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool IsTrue(std::string_view value) {
  return value == "true" || value == "1";
}

std::string HtmlEscaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

HttpResponse Reply(const HttpRequest& request, bhttp::status status) {
  HttpResponse response{status, request.version()};
  response.set(bhttp::field::server, "kanri-sim");
  response.set(bhttp::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  return response;
}

}  // namespace

RemoteAccessConfig RemoteAccessConfigOf(ModelKind kind, const DataModel& model) {
  RemoteAccessConfig config;
  config.enabled = IsTrue(model.Value(ParameterPath(kind, Param::kRemoteAccessEnable)));
  const std::string port = model.Value(ParameterPath(kind, Param::kRemoteAccessPort));
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), config.port);
  if (ec != std::errc{} || end != port.data() + port.size()) config.enabled = false;
  config.serial = model.Value(ParameterPath(kind, Param::kSerialNumber));
  config.model_name = model.Value(ParameterPath(kind, Param::kModelName));
  if (auto users = model.GetNames(UserTablePath(kind), /*next_level=*/true)) {
    for (const cwmp::ParameterInfo& user : *users) {  // "Device.Users.User.2."
      if (!IsTrue(model.Value(user.name + "Enable")) ||
          !IsTrue(model.Value(user.name + "RemoteAccessCapable")))
        continue;
      RemoteLogin login{model.Value(user.name + "Username"), model.Value(user.name + "Password")};
      // An account whose name or password the ACS has not set yet opens nothing.
      if (login.username.empty() || login.password.empty()) continue;
      config.logins.push_back(std::move(login));
    }
  }
  return config;
}

asio::ssl::context MakeRemoteAccessTlsContext(const std::filesystem::path& state_dir) {
  if (!state_dir.empty()) return http::MakeServerContext(http::EnsureCertificate(state_dir, "", ""));
  // A directory of this run's own, gone once the context has read the certificate and key.
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("kanri-sim-tls-" + RandomToken(12));
  Cleanup remove{[&] {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
  }};
  return http::MakeServerContext(http::EnsureCertificate(scratch, "", ""));
}

RemoteAccessServer::RemoteAccessServer(asio::any_io_executor executor, asio::ssl::context& tls,
                                       asio::ip::address address, RemoteAccessSettings settings)
    : executor_(std::move(executor)), tls_(tls), address_(std::move(address)), settings_(settings) {}

void RemoteAccessServer::Apply(RemoteAccessConfig config) {
  const bool reopen = config.enabled != config_.enabled || config.port != config_.port;
  config_ = std::move(config);
  if (!reopen) return;
  Close();
  if (config_.enabled) Listen();
}

void RemoteAccessServer::Close() {
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    acceptor_.reset();
    Log(LogLevel::kInfo, "remote access closed", {{"serial", config_.serial}});
  }
  // Their coroutines see the error, end, and take themselves off the list.
  for (const auto& [id, stream] : connections_) beast::get_lowest_layer(*stream).close();
}

std::optional<std::uint16_t> RemoteAccessServer::listening_port() const {
  if (!acceptor_) return std::nullopt;
  boost::system::error_code ec;
  const tcp::endpoint endpoint = acceptor_->local_endpoint(ec);
  if (ec) return std::nullopt;
  return endpoint.port();
}

void RemoteAccessServer::Listen() {
  auto acceptor = std::make_shared<tcp::acceptor>(executor_);
  const tcp::endpoint endpoint(address_, config_.port);
  boost::system::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  // Enabling again at once must not wait for the connections of the last time to leave TIME_WAIT.
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    Log(LogLevel::kWarn, "remote access not listening",
        {{"serial", config_.serial}, {"port", std::int64_t{config_.port}}, {"error", ec.message()}});
    return;
  }
  acceptor_ = acceptor;
  Log(LogLevel::kInfo, "remote access listening",
      {{"serial", config_.serial},
       {"host", address_.to_string()},
       {"port", std::int64_t{acceptor->local_endpoint().port()}}});
  asio::co_spawn(executor_, Accept(shared_from_this(), std::move(acceptor)), asio::detached);
}

asio::awaitable<void> RemoteAccessServer::Accept(std::shared_ptr<RemoteAccessServer> self,
                                                 std::shared_ptr<tcp::acceptor> acceptor) {
  while (acceptor->is_open()) {
    auto [ec, socket] = co_await acceptor->async_accept(kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) break;
      continue;  // e.g. too many open files: keep listening
    }
    if (self->connections_.size() >= self->settings_.max_connections) {
      boost::system::error_code close_ec;
      socket.close(close_ec);
      continue;
    }
    asio::co_spawn(self->executor_, Serve(self, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> RemoteAccessServer::Serve(std::shared_ptr<RemoteAccessServer> self,
                                                tcp::socket socket) {
  Stream stream(beast::tcp_stream(std::move(socket)), self->tls_);
  const std::uint64_t id = ++self->next_connection_;
  self->connections_.emplace(id, &stream);
  Cleanup forget{[&] { self->connections_.erase(id); }};
  beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
  const auto timeout = self->settings_.read_timeout;

  lowest.expires_after(timeout);
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (handshake_ec) co_return;
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(self->settings_.max_request_bytes));
    parser.body_limit(self->settings_.max_request_bytes);
    lowest.expires_after(timeout);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (read_ec) break;
    HttpResponse response = self->Handle(parser.get());
    lowest.expires_after(timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) break;
  }
  lowest.expires_after(timeout);
  auto [shutdown_ec] = co_await stream.async_shutdown(kTuple);
  (void)shutdown_ec;  // the peer may be gone already
}

const RemoteLogin* RemoteAccessServer::Authenticate(const HttpRequest& request) const {
  const auto authorization = request.find(bhttp::field::authorization);
  if (authorization == request.end()) return nullptr;
  const auto presented = http::ParseBasicAuthorization(authorization->value());
  if (!presented) return nullptr;
  for (const RemoteLogin& login : config_.logins) {
    if (ConstantTimeEquals(presented->first, login.username) &&
        ConstantTimeEquals(presented->second, login.password)) {
      return &login;
    }
  }
  return nullptr;
}

HttpResponse RemoteAccessServer::Handle(const HttpRequest& request) const {
  const RemoteLogin* login = Authenticate(request);
  if (!login) {
    const bool presented = request.find(bhttp::field::authorization) != request.end();
    // A browser's first request carries no credentials: only a refused attempt is worth a warning.
    Log(presented ? LogLevel::kWarn : LogLevel::kDebug, "remote login refused",
        {{"serial", config_.serial}, {"reason", presented ? "bad credentials" : "no credentials"}});
    HttpResponse response = Reply(request, bhttp::status::unauthorized);
    response.set(bhttp::field::www_authenticate, "Basic realm=\"" + config_.serial + "\"");
    response.prepare_payload();
    return response;
  }
  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  if (target != "/") {
    HttpResponse response = Reply(request, bhttp::status::not_found);
    response.prepare_payload();
    return response;
  }
  if (request.method() != bhttp::verb::get) {
    HttpResponse response = Reply(request, bhttp::status::method_not_allowed);
    response.set(bhttp::field::allow, "GET");
    response.prepare_payload();
    return response;
  }
  Log(LogLevel::kInfo, "remote login", {{"serial", config_.serial}, {"username", login->username}});
  const std::string model = HtmlEscaped(config_.model_name);
  const std::string serial = HtmlEscaped(config_.serial);
  HttpResponse response = Reply(request, bhttp::status::ok);
  response.set(bhttp::field::content_type, "text/html; charset=utf-8");
  response.body() = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + model + " " + serial +
                    "</title></head>\n<body><h1>" + model + "</h1>\n<p>Serial number: <span id=\"serial\">" +
                    serial + "</span></p>\n<p>Signed in as " + HtmlEscaped(login->username) +
                    ".</p></body></html>\n";
  response.prepare_payload();
  return response;
}

}  // namespace kanri::sim
