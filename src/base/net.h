// IP addresses and networks: the CIDR lists of the connection-request address policy (DEV-4),
// the trusted proxies whose forwarding headers name the client (SEC-4), and a company's login
// allow-list (SEC-4).
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

}  // namespace kanri
