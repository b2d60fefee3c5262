// A synchronous HTTPS client for the integration tests: it talks to the real `kanri` binary the
// way a browser or script would, over TLS on loopback.
//
//   HttpsClient client{"127.0.0.1", server.api_port()};
//   Response r = client.Post("/api/v1/session", R"({"login":"root","password":"..."})");
//   EXPECT_EQ(r.status, 200);
//   client.SetDefaultHeader("X-CSRF-Token", r.Json().at("csrf_token").as_string().c_str());
//
// The connection is kept alive between requests and re-opened when the server closes it.
// Cookies from Set-Cookie are stored in a jar and sent back on later requests. Peer verification
// is off (the server under test uses a self-signed certificate); PeerCertificateSha256() shows
// which certificate the server presented.
//
// Every operation has a deadline; a server that hangs fails the test instead of blocking it.
#pragma once

#include <openssl/ssl.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kanri::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  Headers headers;  // in the order received; names as sent by the server
  std::string body;

  // First value of header `name` (case-insensitive), or "" when absent.
  std::string Header(std::string_view name) const;
  // Every value of header `name` (case-insensitive), in order.
  std::vector<std::string> HeaderValues(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // The body parsed as JSON; throws std::runtime_error (with the body) when it is not JSON.
  boost::json::value Json() const;
  // "STATUS body" for assertion messages.
  std::string Describe() const;
};

class HttpsClient {
 public:
  HttpsClient(std::string host, std::uint16_t port,
              std::chrono::milliseconds timeout = std::chrono::seconds{30});
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Sends one request and reads its response. `method` is "GET", "POST", ...; the body is sent
  // with Content-Type: application/json unless `headers` sets another one (or it is empty).
  // Throws std::runtime_error on transport failures and timeouts.
  Response Request(std::string_view method, std::string_view target, std::string_view body = "",
                   const Headers& headers = {});
  Response Get(std::string_view target, const Headers& headers = {}) {
    return Request("GET", target, "", headers);
  }
  Response Post(std::string_view target, std::string_view body, const Headers& headers = {}) {
    return Request("POST", target, body, headers);
  }
  Response Put(std::string_view target, std::string_view body, const Headers& headers = {}) {
    return Request("PUT", target, body, headers);
  }
  Response Patch(std::string_view target, std::string_view body, const Headers& headers = {}) {
    return Request("PATCH", target, body, headers);
  }
  Response Delete(std::string_view target, const Headers& headers = {}) {
    return Request("DELETE", target, "", headers);
  }

  // Headers sent with every request (a per-request header of the same name wins).
  void SetDefaultHeader(std::string name, std::string value);
  void RemoveDefaultHeader(std::string_view name);

  // The cookie jar.
  std::optional<std::string> Cookie(std::string_view name) const;
  void SetCookie(std::string name, std::string value);
  void ClearCookies();

  // Connections of this client leave from `address` (another loopback address such as
  // "127.0.0.2", to act as a second source address); takes effect from the next connection.
  void SetLocalAddress(std::string address) { local_address_ = std::move(address); }

  // Closes the connection; the next request opens a new one.
  void Close();
  // SHA-256 of the DER certificate the server presented on the current (or last) connection,
  // as uppercase hex pairs joined by ':' ("AB:CD:..."); "" before the first connection.
  std::string PeerCertificateSha256() const { return peer_sha256_; }
  // The server certificate of the current (or last) connection, as PEM; "" before the first one.
  std::string PeerCertificatePem() const { return peer_pem_; }
  // How many TCP+TLS connections this client has opened (to check keep-alive).
  int connections_opened() const { return connections_opened_; }

 private:
  struct Connection;

  void Connect();
  void StoreCookies(const Response& response);
  std::string CookieHeader() const;

  std::string host_;
  std::uint16_t port_;
  std::string local_address_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> connection_;
  Headers default_headers_;
  std::map<std::string, std::string> cookies_;
  std::string peer_sha256_;
  std::string peer_pem_;
  int connections_opened_ = 0;
};

// Opens a plain TCP connection, writes `bytes`, and returns everything the server sends until it
// closes the connection or `timeout` passes (whatever arrived by then).
std::string SendRawTcp(const std::string& host, std::uint16_t port, std::string_view bytes,
                       std::chrono::milliseconds timeout = std::chrono::seconds{10});

struct HandshakeResult {
  bool ok = false;
  std::string error;    // why it failed ("" when ok)
  std::string version;  // negotiated protocol ("TLSv1.3") when ok
};
// Attempts a TLS handshake offering only protocol versions in [min_version, max_version]
// (OpenSSL constants such as TLS1_1_VERSION). The client side allows every legacy version and
// cipher (security level 0), so a refusal comes from the server.
HandshakeResult TryTlsHandshake(const std::string& host, std::uint16_t port, int min_version, int max_version,
                                std::chrono::milliseconds timeout = std::chrono::seconds{10});

// Formats raw bytes as uppercase hex pairs joined by ':'.
std::string ColonHex(std::string_view bytes);

}  // namespace kanri::testing
