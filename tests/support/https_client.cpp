#include "support/https_client.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <strings.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <stdexcept>

namespace kanri::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::size_t kMaxResponseBody = 64 * 1024 * 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Runs the asynchronous operation started by `start` to completion on `ioc` and returns its
// error. The operation's deadline comes from the tcp_stream's expiry.
template <typename Start>
beast::error_code RunToCompletion(asio::io_context& ioc, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

std::string DescribeError(const beast::error_code& ec) {
  std::string text = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    char buf[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), buf, sizeof buf);
    text += " (";
    text += buf;
    text += ")";
  }
  return text;
}

}  // namespace

std::string ColonHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ':';
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

std::vector<std::string> Response::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) out.push_back(value);
  }
  return out;
}

bool Response::HasHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

boost::json::value Response::Json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("response body is not JSON (" + ec.message() + "): " + Describe());
  return v;
}

std::string Response::Describe() const {
  constexpr std::size_t kMaxShown = 2000;
  std::string shown = body.size() > kMaxShown ? body.substr(0, kMaxShown) + "..." : body;
  return std::to_string(status) + " " + shown;
}

struct HttpsClient::Connection {
  Connection() : ctx(ssl::context::tls_client), stream(ioc, ctx) {}
  asio::io_context ioc;
  ssl::context ctx;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

HttpsClient::HttpsClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpsClient::~HttpsClient() = default;

void HttpsClient::Close() {
  if (!connection_) return;
  beast::error_code ignored;
  beast::get_lowest_layer(connection_->stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(connection_->stream).close();
  connection_.reset();
}

void HttpsClient::Connect() {
  auto c = std::make_unique<Connection>();
  // The server under test presents a self-signed certificate: the tests check its fingerprint
  // instead of a chain.
  c->ctx.set_verify_mode(ssl::verify_none);
  auto& tcp_layer = beast::get_lowest_layer(c->stream);
  tcp::endpoint endpoint{asio::ip::make_address(host_), port_};
  if (!local_address_.empty()) {
    tcp_layer.socket().open(endpoint.protocol());
    tcp_layer.socket().bind(tcp::endpoint{asio::ip::make_address(local_address_), 0});
  }
  tcp_layer.expires_after(timeout_);
  beast::error_code ec =
      RunToCompletion(c->ioc, [&](auto handler) { tcp_layer.async_connect(endpoint, std::move(handler)); });
  if (ec) throw std::runtime_error("connect to " + host_ + ":" + std::to_string(port_) + ": " + ec.message());
  tcp_layer.socket().set_option(tcp::no_delay(true));
  tcp_layer.expires_after(timeout_);
  ec = RunToCompletion(
      c->ioc, [&](auto handler) { c->stream.async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (ec)
    throw std::runtime_error("TLS handshake with " + host_ + ":" + std::to_string(port_) + ": " +
                             DescribeError(ec));

  peer_sha256_.clear();
  peer_pem_.clear();
  if (X509* cert = SSL_get1_peer_certificate(c->stream.native_handle())) {
    unsigned char* der = nullptr;
    int der_len = i2d_X509(cert, &der);
    if (der_len > 0) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int digest_len = 0;
      EVP_Digest(der, static_cast<std::size_t>(der_len), digest, &digest_len, EVP_sha256(), nullptr);
      peer_sha256_ = ColonHex(std::string_view(reinterpret_cast<const char*>(digest), digest_len));
      OPENSSL_free(der);
    }
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    peer_pem_.assign(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    X509_free(cert);
  }
  connection_ = std::move(c);
  ++connections_opened_;
}

void HttpsClient::SetDefaultHeader(std::string name, std::string value) {
  RemoveDefaultHeader(name);
  default_headers_.emplace_back(std::move(name), std::move(value));
}

void HttpsClient::RemoveDefaultHeader(std::string_view name) {
  std::erase_if(default_headers_, [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

std::optional<std::string> HttpsClient::Cookie(std::string_view name) const {
  auto it = cookies_.find(std::string(name));
  if (it == cookies_.end()) return std::nullopt;
  return it->second;
}

void HttpsClient::SetCookie(std::string name, std::string value) {
  cookies_[std::move(name)] = std::move(value);
}

void HttpsClient::ClearCookies() {
  cookies_.clear();
}

std::string HttpsClient::CookieHeader() const {
  std::string out;
  for (const auto& [name, value] : cookies_) {
    if (!out.empty()) out += "; ";
    out += name + "=" + value;
  }
  return out;
}

void HttpsClient::StoreCookies(const Response& response) {
  for (const std::string& set_cookie : response.HeaderValues("Set-Cookie")) {
    std::string_view rest = set_cookie;
    std::size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = Trim(pair.substr(0, eq));
    std::string value = Trim(pair.substr(eq + 1));
    bool expired = value.empty();
    while (semi != std::string_view::npos) {
      rest.remove_prefix(semi + 1);
      semi = rest.find(';');
      std::string attribute = Trim(rest.substr(0, semi));
      if (attribute.size() > 8 && EqualsIgnoreCase(std::string_view(attribute).substr(0, 8), "Max-Age=")) {
        try {
          if (std::stoll(attribute.substr(8)) <= 0) expired = true;
        } catch (const std::exception&) {
        }
      }
      if (attribute.size() > 8 && EqualsIgnoreCase(std::string_view(attribute).substr(0, 8), "Expires=") &&
          attribute.find("1970") != std::string::npos) {
        expired = true;
      }
    }
    if (expired) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
}

Response HttpsClient::Request(std::string_view method, std::string_view target, std::string_view body,
                              const Headers& headers) {
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, "kanri-integration-test");
  auto has = [&](std::string_view name) {
    for (const auto& h : headers) {
      if (EqualsIgnoreCase(h.first, name)) return true;
    }
    return false;
  };
  for (const auto& [name, value] : default_headers_) {
    if (!has(name)) req.set(name, value);
  }
  for (const auto& [name, value] : headers) req.insert(name, value);
  if (!has("Cookie") && !cookies_.empty()) req.set(http::field::cookie, CookieHeader());
  if (!body.empty() && !has("Content-Type")) req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    bool reused = connection_ != nullptr;
    if (!connection_) Connect();
    Connection& c = *connection_;
    auto& tcp_layer = beast::get_lowest_layer(c.stream);

    tcp_layer.expires_after(timeout_);
    beast::error_code write_ec =
        RunToCompletion(c.ioc, [&](auto handler) { http::async_write(c.stream, req, std::move(handler)); });
    // A server may answer (413, 400) and stop reading before the whole body is written: read
    // the response anyway when the write failed on a fresh connection.
    if (write_ec && reused && attempt == 0) {
      Close();
      continue;
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    tcp_layer.expires_after(timeout_);
    beast::error_code read_ec = RunToCompletion(
        c.ioc, [&](auto handler) { http::async_read(c.stream, c.buffer, parser, std::move(handler)); });
    if (read_ec) {
      bool nothing_received = !parser.got_some();
      Close();
      if (reused && nothing_received && attempt == 0) continue;  // the server closed an idle keep-alive
      std::string what = std::string(method) + " " + std::string(target) + ": ";
      if (write_ec) what += "write failed (" + DescribeError(write_ec) + "), then ";
      throw std::runtime_error(what + "reading the response failed: " + DescribeError(read_ec));
    }

    auto& res = parser.get();
    Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res)
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = std::move(res.body());
    bool keep_alive = res.keep_alive();
    if (write_ec || !keep_alive) Close();
    StoreCookies(out);
    return out;
  }
}

std::string SendRawTcp(const std::string& host, std::uint16_t port, std::string_view bytes,
                       std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  beast::error_code ec =
      RunToCompletion(ioc, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); });
  if (ec) throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
  stream.expires_after(timeout);
  ec = RunToCompletion(
      ioc, [&](auto handler) { asio::async_write(stream, asio::buffer(bytes), std::move(handler)); });
  std::string received;
  if (ec) return received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    char buf[4096];
    std::size_t n = 0;
    stream.expires_at(deadline);
    beast::error_code read_ec = asio::error::would_block;
    stream.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t got) {
      read_ec = e;
      n = got;
    });
    ioc.restart();
    ioc.run();
    received.append(buf, n);
    if (read_ec) break;
  }
  return received;
}

HandshakeResult TryTlsHandshake(const std::string& host, std::uint16_t port, int min_version, int max_version,
                                std::chrono::milliseconds timeout) {
  HandshakeResult result;
  asio::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX* native = ctx.native_handle();
  // Let the client offer old protocols and ciphers, so that a refusal is the server's doing.
  SSL_CTX_set_security_level(native, 0);
  SSL_CTX_set_cipher_list(native, "ALL:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(native, min_version);
  SSL_CTX_set_max_proto_version(native, max_version);
  ctx.set_verify_mode(ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(timeout);
  tcp::endpoint endpoint{asio::ip::make_address(host), port};
  beast::error_code ec =
      RunToCompletion(ioc, [&](auto handler) { tcp_layer.async_connect(endpoint, std::move(handler)); });
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  tcp_layer.expires_after(timeout);
  ERR_clear_error();
  ec = RunToCompletion(
      ioc, [&](auto handler) { stream.async_handshake(ssl::stream_base::client, std::move(handler)); });
  if (ec) {
    result.error = DescribeError(ec);
    std::string more = OpenSslErrors();
    if (!more.empty()) result.error += "; " + more;
    return result;
  }
  result.ok = true;
  result.version = SSL_get_version(stream.native_handle());
  beast::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace kanri::testing
