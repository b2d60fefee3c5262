// TR-069 connection requests (DEV-4): an HTTP GET to the ConnectionRequestURL a device
// reported, so that it opens a session now instead of at its next periodic inform.
//
//   ConnectionRequester requester{settings};
//   ConnectionRequestOutcome out = co_await requester.Send(device.connection_request_url, cr_user, cr_pass);
//   if (!out.delivered()) LogInfo("connection request failed", {{"reason", out.detail}});
//
// The first GET carries no credentials; a 401 is answered once, with Digest when the device
// offers it (RFC 7616 / 2617 / 2069) and Basic otherwise, on the same connection when the
// device keeps it open. 200 or 204 means delivered (TR-069 section 3.2.2). Nothing else
// counts: redirects are not followed, bodies are read only up to a small limit.
//
// Bounded in every direction, because the URL is data from the network: one total timeout
// covers resolution, connecting, TLS and both exchanges; a process-wide counter bounds the
// requests in flight (over it → kBusy at once, no queueing); and the address policy below
// decides which resolved addresses may be contacted at all. The connection goes to the
// checked address itself: the name is never resolved a second time (DNS rebinding).
//
// Address policy. `allowed_networks` lists CIDRs and the word `public` (every globally
// routable unicast address, i.e. none of the IANA special-purpose ranges). The default
// allows the private ranges (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10), IPv6 ULA
// (fc00::/7) and `public`: ISPs reach CPEs on all of these. An operator whose CPEs live
// only in a management network lists just that network. Whatever the list says, these are
// always refused: unspecified, loopback, link-local (which holds 169.254.169.254), the
// AWS IPv6 metadata address fd00:ec2::254, multicast, broadcast and the reserved 240/4,
// 0/8, and deprecated IPv4-compatible IPv6. `allow_loopback` (labs, tests) lets loopback
// through, and nothing else. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the
// IPv4 address they carry.
//
// TLS: https URLs are fetched without verifying the CPE's certificate — CPEs carry
// self-signed certificates — so Digest is what protects the credential; Basic is sent
// only when the device asks for it. The credential is per device and only lets its holder
// trigger a session, which the device then opens to the ACS it already trusts.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace kanri::cwmp {

struct ConnectionRequestSettings {
  Millis timeout = std::chrono::seconds{10};  // the whole attempt, both requests included
  std::size_t max_concurrent = 64;            // in flight across the process
  std::vector<std::string> allowed_networks = {"10.0.0.0/8",    "172.16.0.0/12", "192.168.0.0/16",
                                               "100.64.0.0/10", "fc00::/7",      "public"};
  bool allow_loopback = false;                 // labs and tests only
  std::size_t max_response_bytes = 16 * 1024;  // header and body of the device's answer, each
};

// One allowed network: an address and a prefix length.
struct IpNetwork {
  boost::asio::ip::address base;
  unsigned prefix = 0;
  bool Contains(const boost::asio::ip::address& a) const;
};
// "10.0.0.0/8", "fc00::/7", "192.0.2.1" (a host) → network; anything else is an error.
Result<IpNetwork> ParseNetwork(std::string_view text);

class AddressPolicy {
 public:
  // Fails on an entry that is neither a CIDR nor `public`.
  static Result<AddressPolicy> Make(const std::vector<std::string>& allowed_networks, bool allow_loopback);
  // Ok, or a kPermissionDenied error saying why ("169.254.169.254 is link-local").
  Status Check(const boost::asio::ip::address& address) const;

 private:
  std::vector<IpNetwork> allowed_;
  bool allow_public_ = false;
  bool allow_loopback_ = false;
};

enum class ConnectionRequestFailure {
  kBusy,              // max_concurrent requests already in flight
  kBadUrl,            // not an absolute http(s) URL with a host
  kAddressRefused,    // the address policy refused every resolved address
  kResolveFailed,     // the host name does not resolve
  kConnectFailed,     // TCP or TLS failed
  kTimeout,           // the total timeout passed
  kAuthRejected,      // 401 even with the credentials, or a challenge we cannot answer
  kUnexpectedStatus,  // another status, redirects included
  kBadResponse,       // not HTTP, or too large
};
std::string_view ToString(ConnectionRequestFailure failure);  // "busy", "bad_url", …

struct ConnectionRequestOutcome {
  std::optional<ConnectionRequestFailure> failure;  // nullopt: delivered
  std::string detail;                               // human-readable; never a credential
  int http_status = 0;                              // the device's last status, 0 when none
  std::string auth = "none";                        // none | digest | basic
  std::string address;                              // where it connected, when it did
  Millis elapsed{0};

  bool delivered() const { return !failure; }
};

class ConnectionRequester {
 public:
  // Throws std::invalid_argument on a bad allowed_networks entry (checked at start-up).
  explicit ConnectionRequester(ConnectionRequestSettings settings);

  // Never throws for network or input trouble: the outcome says what happened. Runs on a
  // strand of the calling coroutine's executor.
  boost::asio::awaitable<ConnectionRequestOutcome> Send(std::string url, std::string username,
                                                        std::string password);

  std::size_t in_flight() const { return in_flight_.load(); }
  const ConnectionRequestSettings& settings() const { return settings_; }

 private:
  boost::asio::awaitable<ConnectionRequestOutcome> SendOnStrand(std::string url, std::string username,
                                                                std::string password);
  ConnectionRequestSettings settings_;
  AddressPolicy policy_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace kanri::cwmp
