// The simulator's HTTP client: see http_client.h.
#include "sim/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Error Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message), {}};
}

template <typename Stream>
asio::awaitable<Result<HttpResponse>> ExchangeOn(Stream& stream, const HttpRequest& request,
                                                 std::size_t max_response_bytes) {
  auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
  if (write_ec) co_return Unavailable("send: " + write_ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  // A HEAD-less client: every response we read has a body or a Content-Length.
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (read_ec) co_return Unavailable("receive: " + read_ec.message());
  co_return parser.release();
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return InvalidArgument("url", "not a URL: " + std::string(text));
  const auto& u = *parsed;
  HttpUrl url;
  if (u.scheme() == "https") {
    url.tls = true;
  } else if (u.scheme() != "http") {
    return InvalidArgument("url", "only http:// and https:// URLs are supported: " + std::string(text));
  }
  url.host = u.host_address();
  if (url.host.empty()) return InvalidArgument("url", "no host in " + std::string(text));
  url.port = u.has_port() ? std::string(u.port()) : (url.tls ? "443" : "80");
  url.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) url.target += "?" + std::string(u.encoded_query());
  url.host_header = u.encoded_host_and_port();
  return url;
}

HttpClient::HttpClient(asio::any_io_executor executor, asio::ssl::context* tls, HttpUrl origin,
                       HttpClientSettings settings, TlsSessionCache* session_cache)
    : executor_(std::move(executor)),
      tls_(tls),
      origin_(std::move(origin)),
      settings_(settings),
      session_cache_(session_cache) {}

HttpClient::~HttpClient() = default;

beast::tcp_stream& HttpClient::Lowest() {
  return tls_stream_ ? beast::get_lowest_layer(*tls_stream_) : *tcp_;
}

asio::awaitable<Status> HttpClient::Connect() {
  tcp::resolver resolver(executor_);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(origin_.host, origin_.port, kTuple);
  if (resolve_ec) co_return Unavailable("resolve " + origin_.host + ": " + resolve_ec.message());
  if (!origin_.tls) {
    tcp_ = std::make_unique<beast::tcp_stream>(executor_);
    tcp_->expires_after(settings_.connect_timeout);
    auto [ec, endpoint] = co_await tcp_->async_connect(endpoints, kTuple);
    if (ec) {
      tcp_.reset();
      co_return Unavailable("connect " + origin_.host_header + ": " + ec.message());
    }
    co_return Ok{};
  }
  if (!tls_) co_return Unavailable("https:// needs a TLS context");
  tls_stream_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor_, *tls_);
  SSL* ssl = tls_stream_->native_handle();
  boost::system::error_code not_ip;
  asio::ip::make_address(origin_.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(ssl, origin_.host.c_str());  // SNI: host names only
  if (SSL_CTX_get_verify_mode(tls_->native_handle()) & SSL_VERIFY_PEER) {
    tls_stream_->set_verify_callback(asio::ssl::host_name_verification(origin_.host));
  }
  if (session_cache_ && session_cache_->session) SSL_set_session(ssl, session_cache_->session.get());
  beast::tcp_stream& lowest = beast::get_lowest_layer(*tls_stream_);
  lowest.expires_after(settings_.connect_timeout);
  auto [connect_ec, endpoint] = co_await lowest.async_connect(endpoints, kTuple);
  if (connect_ec) {
    tls_stream_.reset();
    co_return Unavailable("connect " + origin_.host_header + ": " + connect_ec.message());
  }
  auto [handshake_ec] = co_await tls_stream_->async_handshake(asio::ssl::stream_base::client, kTuple);
  if (handshake_ec) {
    tls_stream_.reset();
    co_return Unavailable("TLS handshake with " + origin_.host_header + ": " + handshake_ec.message());
  }
  co_return Ok{};
}

asio::awaitable<Result<HttpResponse>> HttpClient::Exchange(const HttpRequest& request) {
  Lowest().expires_after(settings_.io_timeout);
  if (tls_stream_) co_return co_await ExchangeOn(*tls_stream_, request, settings_.max_response_bytes);
  co_return co_await ExchangeOn(*tcp_, request, settings_.max_response_bytes);
}

asio::awaitable<Result<HttpResponse>> HttpClient::Send(HttpRequest request) {
  request.set(http::field::host, origin_.host_header);
  request.prepare_payload();
  bool reused = connected();
  if (!reused) {
    if (Status connected_now = co_await Connect(); !connected_now) co_return connected_now.error();
  }
  Result<HttpResponse> response = co_await Exchange(request);
  if (!response && reused) {
    // The server may have closed the idle connection: try once on a new one.
    Drop();
    if (Status connected_now = co_await Connect(); !connected_now) co_return connected_now.error();
    response = co_await Exchange(request);
  }
  if (!response) {
    Drop();
    co_return response;
  }
  if (tls_stream_ && session_cache_) {
    if (SSL_SESSION* session = SSL_get1_session(tls_stream_->native_handle())) {
      session_cache_->session.reset(session, SSL_SESSION_free);
    }
  }
  if (!response->keep_alive()) Drop();
  co_return response;
}

asio::awaitable<void> HttpClient::Shutdown() {
  if (tls_stream_) {
    beast::get_lowest_layer(*tls_stream_).expires_after(settings_.io_timeout);
    auto [ec] = co_await tls_stream_->async_shutdown(kTuple);
    (void)ec;  // the server may close first; either way the connection is done
  } else if (tcp_) {
    boost::system::error_code ec;
    tcp_->socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  Drop();
}

void HttpClient::Cancel() {
  // Only closes: a coroutine may be suspended in an operation on the stream.
  if (tls_stream_) beast::get_lowest_layer(*tls_stream_).close();
  if (tcp_) tcp_->close();
}

void HttpClient::Drop() {
  Cancel();
  tls_stream_.reset();
  tcp_.reset();
}

}  // namespace kanri::sim
