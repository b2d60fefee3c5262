// IP addresses and networks: the address policy of every request Kanri sends to an address it
// was given (connection requests, DEV-4; webhooks, SEC-9), the trusted proxies whose
// forwarding headers name the client (SEC-4), and a company's login allow-list (SEC-4).
//
//   auto net = ParseNetwork("192.0.2.0/24", "ip_allowlist");   // Result<IpNetwork>
//   if (net && net->Contains(*ParseAddress(request.client_ip))) …
//
// An IPv4-mapped IPv6 address (::ffff:192.0.2.1, how a dual-stack socket reports an IPv4
// peer) is always handled as the IPv4 address it carries.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kanri {

// One network: an address and a prefix length.
struct IpNetwork {
  boost::asio::ip::address base;
  unsigned prefix = 0;

  bool Contains(const boost::asio::ip::address& a) const;
  // "192.0.2.0/24", "2001:db8::/32"; a host is written with its full prefix ("192.0.2.7/32").
  std::string ToString() const;
  // Whether `base` has no bit set past the prefix (192.0.2.0/24, not 192.0.2.7/24).
  bool Canonical() const { return *this == Masked(); }
  // The same network with those bits cleared (192.0.2.7/24 → 192.0.2.0/24).
  IpNetwork Masked() const;
  bool operator==(const IpNetwork&) const = default;
};

// "10.0.0.0/8", "fc00::/7", "192.0.2.1" (a host) → network; anything else is an error naming
// `field`. Host bits past the prefix are accepted here (they do not change Contains); callers
// that store what people typed check Canonical().
Result<IpNetwork> ParseNetwork(std::string_view text, std::string field = "network");

// A literal IPv4 or IPv6 address (no zone, no port, no brackets), IPv4-mapped IPv6 unmapped.
std::optional<boost::asio::ip::address> ParseAddress(std::string_view text);
// The IPv4 address an IPv4-mapped IPv6 address carries; any other address unchanged.
boost::asio::ip::address Unmapped(const boost::asio::ip::address& a);

// Whether one of `networks` holds the literal address `address` (false when it is none).
bool AnyContains(std::span<const IpNetwork> networks, std::string_view address);

// Which addresses Kanri may send a request to, when the address comes from data (a device's
// ConnectionRequestURL, a company's webhook URL): sending wherever data says is a server-side
// request forgery. `allowed_networks` lists CIDRs and the word `public` (every globally
// routable unicast address: none of the IANA special-purpose ranges, so not 10/8, 172.16/12,
// 192.168/16, 100.64/10 or fc00::/7). Whatever the list says, these are always refused:
// unspecified, loopback, link-local (which holds 169.254.169.254), the AWS IPv6 metadata
// address fd00:ec2::254, multicast, broadcast and the reserved 240/4 and 0/8, and deprecated
// IPv4-compatible IPv6. `allow_loopback` (labs, tests) lets loopback through, and nothing else.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry. Callers check every
// resolved address and connect to the checked address itself (never resolving twice).
class AddressPolicy {
 public:
  // Fails on an entry that is neither a CIDR nor `public`. `field` is what refusals name.
  static Result<AddressPolicy> Make(const std::vector<std::string>& allowed_networks, bool allow_loopback,
                                    std::string field = "url");
  // Ok, or a kPermissionDenied error saying why ("169.254.169.254 is link-local").
  Status Check(const boost::asio::ip::address& address) const;

 private:
  std::vector<IpNetwork> allowed_;
  bool allow_public_ = false;
  bool allow_loopback_ = false;
  std::string field_;
};

}  // namespace kanri
