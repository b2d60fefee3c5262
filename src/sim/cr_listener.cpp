// The fleet's connection-request server: see cr_listener.h.
#include "sim/cr_listener.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "base/crypto.h"
#include "base/log.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

HttpResponse Reply(const HttpRequest& request, bhttp::status status) {
  HttpResponse response{status, request.version()};
  response.set(bhttp::field::server, "kanri-sim");
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

}  // namespace

ConnectionRequestListener::ConnectionRequestListener(asio::io_context& io, const tcp::endpoint& endpoint,
                                                     Lookup lookup, ConnectionRequestSettings settings,
                                                     const Clock* clock)
    : io_(io),
      acceptor_(io, endpoint),
      lookup_(std::move(lookup)),
      settings_(std::move(settings)),
      clock_(clock ? *clock : system_clock_),
      digest_(RandomBytes(32), http::DigestServerSettings{.realm = settings_.realm}) {
  port_ = acceptor_.local_endpoint().port();
}

void ConnectionRequestListener::Start() {
  asio::co_spawn(acceptor_.get_executor(), Accept(), asio::detached);
}

void ConnectionRequestListener::Stop() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

asio::awaitable<void> ConnectionRequestListener::Accept() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      continue;  // e.g. too many open files: keep listening
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ConnectionRequestListener::Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings_.max_request_bytes));
    parser.body_limit(settings_.max_request_bytes);
    stream.expires_after(settings_.read_timeout);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (read_ec) break;
    HttpRequest request = parser.release();
    HttpResponse response = Handle(request);
    stream.expires_after(settings_.read_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) break;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

HttpResponse ConnectionRequestListener::Handle(const HttpRequest& request) {
  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  if (!target.starts_with(settings_.path_prefix)) return Reply(request, bhttp::status::not_found);
  const std::string serial(target.substr(settings_.path_prefix.size()));
  std::shared_ptr<ConnectionRequestTarget> device = lookup_(serial);
  if (!device) return Reply(request, bhttp::status::not_found);
  if (request.method() != bhttp::verb::get) {
    HttpResponse response = Reply(request, bhttp::status::method_not_allowed);
    response.set(bhttp::field::allow, "GET");
    return response;
  }

  const Timestamp now = clock_.Now();
  const auto challenge = [&](bool stale) {
    HttpResponse response = Reply(request, bhttp::status::unauthorized);
    response.set(bhttp::field::www_authenticate, digest_.Challenge(now, stale));
    return response;
  };
  const auto refuse = [&](std::string_view reason) {
    Log(LogLevel::kWarn, "connection request refused", {{"serial", serial}, {"reason", reason}});
    return challenge(false);
  };
  const auto authorization = request.find(bhttp::field::authorization);
  if (authorization == request.end()) {
    // The usual first leg of Digest: the ACS learns the nonce.
    Log(LogLevel::kDebug, "connection request challenged", {{"serial", serial}});
    return challenge(false);
  }
  auto credentials = http::ParseDigestAuthorization(authorization->value());
  if (!credentials) return refuse("not Digest credentials");
  const ConnectionRequestTarget::Credentials expected = device->ConnectionRequestCredentials();
  if (!ConstantTimeEquals(credentials->username, expected.username)) return refuse("bad credentials");
  switch (digest_.Verify(*credentials, request.method_string(), request.target(), expected.password, now)) {
    case http::DigestAuthenticator::Verdict::kOk:
      break;
    case http::DigestAuthenticator::Verdict::kStale:
      return challenge(true);
    case http::DigestAuthenticator::Verdict::kInvalid:
      return refuse("bad credentials");
  }
  if (!TakeRateToken(serial)) {
    Log(LogLevel::kWarn, "connection request refused", {{"serial", serial}, {"reason", "rate limited"}});
    HttpResponse response = Reply(request, bhttp::status::service_unavailable);
    response.set(bhttp::field::retry_after, std::to_string(settings_.window.count()));
    return response;
  }
  Log(LogLevel::kInfo, "connection request", {{"serial", serial}});
  device->RequestConnection();
  return Reply(request, bhttp::status::ok);
}

bool ConnectionRequestListener::TakeRateToken(const std::string& serial) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(rate_mutex_);
  std::deque<Timestamp>& times = accepted_[serial];
  while (!times.empty() && now - times.front() >= settings_.window) times.pop_front();
  if (times.size() >= settings_.max_requests_per_window) return false;
  times.push_back(now);
  return true;
}

}  // namespace kanri::sim
