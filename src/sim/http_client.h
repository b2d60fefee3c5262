// A small HTTP/1.1 client for the simulator (Boost.Beast, C++20 coroutines): one connection to
// one origin, http:// or https://, kept alive between requests and reopened when the server
// closes it. TLS verifies the server against the context's trust store and the URL's host
// (unless the context was made with verification off), and resumes the previous TLS session
// when the caller keeps a TlsSessionCache (a real CPE reconnects every few minutes).
//
//   HttpClient client(executor, tls_context, *ParseHttpUrl(url), {}, &session_cache);
//   Result<HttpResponse> r = co_await client.Send(std::move(request));
//   co_await client.Shutdown();
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

struct ssl_session_st;

namespace kanri::sim {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // "443" when the URL names none
  std::string target;  // path and query, "/" when empty
  std::string host_header;
};
// http:// and https:// URLs only.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpClientSettings {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};
  std::size_t max_response_bytes = 8 * 1024 * 1024;
};

// The last TLS session of one device, for resumption on its next connection.
class TlsSessionCache {
 public:
  std::shared_ptr<ssl_session_st> session;
};

class HttpClient {
 public:
  // `tls` may be null for http:// origins; it must outlive the client.
  HttpClient(boost::asio::any_io_executor executor, boost::asio::ssl::context* tls, HttpUrl origin,
             HttpClientSettings settings, TlsSessionCache* session_cache = nullptr);
  ~HttpClient();

  // Sends one request (Host is set here) and reads its response. A connection the server
  // closed while idle is reopened once.
  boost::asio::awaitable<Result<HttpResponse>> Send(HttpRequest request);
  // Closes politely (TLS close_notify, bounded by the I/O timeout).
  boost::asio::awaitable<void> Shutdown();
  // Closes the socket at once; a pending operation ends with an error. Call on the client's
  // executor.
  void Cancel();

  const HttpUrl& origin() const { return origin_; }

 private:
  boost::asio::awaitable<Status> Connect();
  boost::asio::awaitable<Result<HttpResponse>> Exchange(const HttpRequest& request);
  boost::beast::tcp_stream& Lowest();
  void Drop();  // closes and forgets the connection (never while an operation is pending)
  bool connected() const { return tcp_ != nullptr || tls_stream_ != nullptr; }

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context* tls_;
  HttpUrl origin_;
  HttpClientSettings settings_;
  TlsSessionCache* session_cache_;
  std::unique_ptr<boost::beast::tcp_stream> tcp_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_stream_;
};

}  // namespace kanri::sim
