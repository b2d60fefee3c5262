// TR-069 connection requests (DEV-4): an HTTP GET to the ConnectionRequestURL a device
// reported, so that it opens a session now instead of at its next periodic inform.
//
//   ConnectionRequester requester{settings};
//   ConnectionRequestOutcome out =
//       co_await requester.Send(company, device.connection_request_url, cr_user, cr_pass);
//   answer["outcome"] = ToString(CoarseOutcome(out));   // operators see only this
//   LogInfo("connection request", {{"detail", out.detail}, {"address", out.address}});  // server log
//
// The first GET carries no credentials; a 401 is answered once, with Digest when the device
// offers it (RFC 7616 / 2617 / 2069) and Basic otherwise, on the same connection when the
// device keeps it open. 200 or 204 means delivered (TR-069 section 3.2.2). Nothing else
// counts: redirects are not followed, bodies are read only up to a small limit.
//
// Bounded in every direction, because the URL is data from the network: one total timeout
// covers resolution, connecting, TLS and both exchanges; counters bound the requests in
// flight (over a bound → kBusy at once, no queueing); and the address policy below decides
// which resolved addresses may be contacted at all.
//
// Fair sharing (DEV-4): the process holds at most `max_concurrent` requests in flight, and one
// company at most `max_concurrent_per_company` of them. A request starts only when both counts
// are below their bound. So a company whose devices never answer ties up at most its own share
// for at most `timeout`; the other companies keep max_concurrent - max_concurrent_per_company
// slots (56 of 64 with the defaults), and it takes max_concurrent / max_concurrent_per_company
// companies (8) all at their cap before anybody else gets kBusy. The connection goes to the
// checked address itself: the name is never resolved a second time (DNS rebinding).
//
// Address policy. `allowed_networks` lists CIDRs and the word `public` (every globally
// routable unicast address, i.e. none of the IANA special-purpose ranges); `allowed_private`
// holds the CIDRs the provider allows on top of it (--connection-request-allow, repeatable).
// The default is `public` alone: the private ranges (10/8, 172.16/12, 192.168/16), CGNAT
// (100.64/10), IPv6 ULA (fc00::/7) and the other special-purpose ranges are refused, because
// a cloud ACS reaching into its own private networks for a device that merely *claims* such
// a URL is a server-side request forgery (SEC review, DEV-4). A provider whose CPEs do live in
// a management network allows exactly that network (`--connection-request-allow 100.64.0.0/10`). Whatever the
// list says, these are always refused: unspecified, loopback, link-local (which holds 169.254.169.254), the
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

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/net.h"
#include "base/result.h"
#include "base/time.h"

namespace kanri::cwmp {

struct ConnectionRequestSettings {
  Millis timeout = std::chrono::seconds{10};   // the whole attempt, both requests included
  std::size_t max_concurrent = 64;             // in flight across the process
  std::size_t max_concurrent_per_company = 8;  // in flight for one company (fair sharing, header)
  std::vector<std::string> allowed_networks = {"public"};
  std::vector<std::string> allowed_private;    // CIDRs the provider allows besides (private ranges)
  bool allow_loopback = false;                 // labs and tests only
  std::size_t max_response_bytes = 16 * 1024;  // header and body of the device's answer, each
};

// The settings' address policy (base/net.h): allowed_networks and allowed_private together.
Result<AddressPolicy> ConnectionRequestPolicy(const ConnectionRequestSettings& settings);

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

// What operators see of a connection request (API answers, task results, history details).
// Addresses, ports, timings and error texts describe the network behind the device's URL,
// which a company must not be able to probe through the ACS: they go to the server log only.
enum class CoarseOutcome { kDelivered, kUnreachable, kRefusedByPolicy, kAuthFailed, kTimeout, kBusy };
std::string_view ToString(CoarseOutcome outcome);  // "delivered", "unreachable", "refused_by_policy", …

struct ConnectionRequestOutcome {
  std::optional<ConnectionRequestFailure> failure;  // nullopt: delivered
  std::string detail;                               // human-readable; never a credential; log only
  int http_status = 0;                              // the device's last status, 0 when none
  std::string auth = "none";                        // none | digest | basic
  std::string address;                              // where it connected, when it did; log only
  Millis elapsed{0};

  bool delivered() const { return !failure; }
};
CoarseOutcome Coarse(const ConnectionRequestOutcome& outcome);

// Where a connection request goes (DEV-4), from the device's ConnectionRequestURL: an absolute
// http or https URL with a host (a name or a literal address) and no user info.
struct ConnectionRequestTarget {
  bool tls = false;
  std::string host_name;                            // a DNS name (also the TLS SNI); empty for an address
  std::optional<boost::asio::ip::address> address;  // a literal IPv4 or IPv6 host
  std::uint16_t port = 0;
  std::string target;       // path and query, "/" at least
  std::string host_header;  // as the URL spells host and port
};
// InvalidArgument (field "url") with the reason when the URL is not one to send to.
Result<ConnectionRequestTarget> ParseConnectionRequestTarget(std::string_view url);

class ConnectionRequester {
 public:
  // Throws std::invalid_argument on a bad allowed_networks entry (checked at start-up).
  explicit ConnectionRequester(ConnectionRequestSettings settings);

  // Never throws for network or input trouble: the outcome says what happened. Runs on a
  // strand of the calling coroutine's executor. `company` owns the device: its share of the
  // slots is what the request counts against (fair sharing, header).
  boost::asio::awaitable<ConnectionRequestOutcome> Send(CompanyId company, std::string url,
                                                        std::string username, std::string password);

  std::size_t in_flight() const;
  std::size_t in_flight(const CompanyId& company) const;
  const ConnectionRequestSettings& settings() const { return settings_; }

 private:
  class Slot;
  // The checked endpoints of a target, or why there are none.
  struct Endpoints {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    std::optional<ConnectionRequestOutcome> failure;
  };
  boost::asio::awaitable<Endpoints> Resolve(const ConnectionRequestTarget& target,
                                            std::chrono::steady_clock::time_point deadline);
  // The GET, answering one challenge (Digest or Basic) on the same connection when it stays open.
  boost::asio::awaitable<ConnectionRequestOutcome> Exchange(
      const ConnectionRequestTarget& target, const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
      const std::string& username, const std::string& password,
      std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<ConnectionRequestOutcome> SendOnStrand(std::string url, std::string username,
                                                                std::string password);
  ConnectionRequestSettings settings_;
  AddressPolicy policy_;
  mutable std::mutex mu_;
  std::size_t in_flight_ = 0;                               // guarded by mu_
  std::unordered_map<CompanyId, std::size_t> per_company_;  // guarded by mu_; no zero entries
};

}  // namespace kanri::cwmp
