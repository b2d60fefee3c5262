// The load generators' HTTP client pieces, shared by the benchmarks that drive `kanri serve`:
// one request and its answer on an open connection, a coroutine sleep, latency percentiles,
// the client TLS context, and the machine's load for the report's first line.
#pragma once

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_process.h"

namespace kanri::bench {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);
inline constexpr std::chrono::seconds kIoTimeout{30};  // one request and its answer

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using Request = boost::beast::http::request<boost::beast::http::string_body>;

struct Reply {
  unsigned status = 0;
  bool keep_alive = false;
  std::string set_cookie;
  std::string body;
};

// One request and its answer on an open connection (plain or TLS); nullopt on a transport
// error, with the reason in `error`.
template <typename Stream>
boost::asio::awaitable<std::optional<Reply>> Exchange(Stream& stream, boost::beast::flat_buffer& buffer,
                                                      const Request& request, std::string& error) {
  namespace bhttp = boost::beast::http;
  boost::beast::get_lowest_layer(stream).expires_after(kIoTimeout);
  auto [write_ec, written] = co_await bhttp::async_write(stream, request, kTuple);
  (void)written;
  if (write_ec) {
    error = "write: " + write_ec.message();
    co_return std::nullopt;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  (void)read;
  if (read_ec) {
    error = "read: " + read_ec.message();
    co_return std::nullopt;
  }
  auto& response = parser.get();
  co_return Reply{response.result_int(), response.keep_alive(),
                  std::string(response[bhttp::field::set_cookie]), std::move(response.body())};
}

inline boost::asio::awaitable<void> Sleep(std::chrono::steady_clock::duration d) {
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, d};
  co_await timer.async_wait(kTuple);
}

// The q-quantile (0..1) of latencies in microseconds, sorted ascending, in milliseconds.
inline double Percentile(const std::vector<std::uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1] / 1000.0;
}

inline std::chrono::microseconds Seconds(double s) {
  return std::chrono::microseconds{static_cast<std::int64_t>(s * 1e6)};
}

// TLS 1.2 and later, no certificate check: the server's certificate is self-signed.
inline boost::asio::ssl::context ClientTls() {
  namespace ssl = boost::asio::ssl;
  ssl::context tls{ssl::context::tls_client};
  tls.set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                  ssl::context::no_tlsv1_1);
  tls.set_verify_mode(ssl::verify_none);
  return tls;
}

// The 1-minute load average, as /proc/loadavg gives it.
inline std::string LoadAverage() {
  const std::string load = ReadFile("/proc/loadavg");
  return load.substr(0, load.find(' '));
}

}  // namespace kanri::bench
