#include "base/net.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "base/text.h"

namespace kanri {

namespace asio = boost::asio;

asio::ip::address Unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

namespace {

// Whether the first `prefix` bits of x and y are equal.
template <typename Bytes>
bool SamePrefix(const Bytes& x, const Bytes& y, unsigned prefix) {
  unsigned bits = prefix;
  for (std::size_t i = 0; i < x.size() && bits > 0; ++i) {
    const unsigned take = std::min(bits, 8u);
    const auto mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((x[i] & mask) != (y[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

template <typename Bytes>
Bytes ClearedAfter(Bytes x, unsigned prefix) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    const unsigned first = static_cast<unsigned>(i) * 8;
    const unsigned keep = prefix > first ? std::min(prefix - first, 8u) : 0;
    x[i] = static_cast<unsigned char>(x[i] & static_cast<unsigned char>(0xff << (8 - keep)));
  }
  return x;
}

}  // namespace

bool IpNetwork::Contains(const asio::ip::address& raw) const {
  const asio::ip::address a = Unmapped(raw);
  if (a.is_v4() != base.is_v4()) return false;
  if (a.is_v4()) return SamePrefix(a.to_v4().to_bytes(), base.to_v4().to_bytes(), prefix);
  return SamePrefix(a.to_v6().to_bytes(), base.to_v6().to_bytes(), prefix);
}

IpNetwork IpNetwork::Masked() const {
  if (base.is_v4()) return {asio::ip::address_v4(ClearedAfter(base.to_v4().to_bytes(), prefix)), prefix};
  return {asio::ip::address_v6(ClearedAfter(base.to_v6().to_bytes(), prefix)), prefix};
}

std::string IpNetwork::ToString() const {
  return base.to_string() + "/" + std::to_string(prefix);
}

std::optional<asio::ip::address> ParseAddress(std::string_view text) {
  // make_address accepts a zone ("fe80::1%eth0"); an address from a header or a list has none.
  if (text.empty() || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return Unmapped(addr);
}

Result<IpNetwork> ParseNetwork(std::string_view text, std::string field) {
  const auto slash = text.find('/');
  auto addr = ParseAddress(text.substr(0, slash));
  if (!addr)
    return InvalidArgument(std::move(field), "'" + std::string(text) + "' is not an IP network (CIDR)");
  const unsigned max = addr->is_v4() ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (p.empty() || p.size() > 3 || ec != std::errc{} || end != p.data() + p.size() || prefix > max)
      return InvalidArgument(std::move(field), "'" + std::string(text) + "' has no valid prefix length");
  }
  return IpNetwork{*addr, prefix};
}

bool AnyContains(std::span<const IpNetwork> networks, std::string_view address) {
  const auto a = ParseAddress(address);
  if (!a) return false;
  return std::any_of(networks.begin(), networks.end(), [&](const IpNetwork& n) { return n.Contains(*a); });
}

namespace {

// The IANA special-purpose ranges that are never "public" (RFC 6890 and its registries).
constexpr std::array kSpecialV4 = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8",
                                   "169.254.0.0/16", "172.16.0.0/12",  "192.0.0.0/24",  "192.0.2.0/24",
                                   "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
                                   "203.0.113.0/24", "224.0.0.0/4",    "240.0.0.0/4"};
// Global unicast is 2000::/3; within it, documentation and 6to4 (which embeds IPv4) are not public.
constexpr std::array kNonPublicV6 = {"2001:db8::/32", "2002::/16"};

// The networks named above and in AlwaysRefused, parsed once.
const IpNetwork& Net(std::string_view text) {
  static const std::map<std::string_view, IpNetwork> kNets = [] {
    std::map<std::string_view, IpNetwork> m;
    auto add = [&m](std::string_view t) { m.emplace(t, *ParseNetwork(t)); };
    for (const char* n : kSpecialV4) add(n);
    for (const char* n : kNonPublicV6) add(n);
    add("2000::/3");
    add("::/96");
    return m;
  }();
  return kNets.at(text);
}

// Why an address is never contacted, or "" when it may be (subject to the allowed list).
std::string AlwaysRefused(const asio::ip::address& a) {
  if (a.is_unspecified()) return "unspecified";
  if (a.is_loopback()) return "loopback";
  if (a.is_multicast()) return "multicast";
  if (a.is_v4()) {
    if (Net("169.254.0.0/16").Contains(a)) return "link-local";
    if (Net("0.0.0.0/8").Contains(a)) return "reserved (this network)";
    if (Net("240.0.0.0/4").Contains(a)) return "reserved or broadcast";
    return "";
  }
  if (a.to_v6().is_link_local()) return "link-local";
  if (a == asio::ip::make_address("fd00:ec2::254")) return "a cloud metadata address";
  if (Net("::/96").Contains(a)) return "IPv4-compatible (deprecated)";
  return "";
}

bool IsPublic(const asio::ip::address& a) {
  if (a.is_v4()) {
    for (const char* n : kSpecialV4)
      if (Net(n).Contains(a)) return false;
    return true;
  }
  if (!Net("2000::/3").Contains(a)) return false;
  for (const char* n : kNonPublicV6)
    if (Net(n).Contains(a)) return false;
  return true;
}

}  // namespace

Result<AddressPolicy> AddressPolicy::Make(const std::vector<std::string>& allowed_networks,
                                          bool allow_loopback, std::string field) {
  AddressPolicy policy;
  policy.allow_loopback_ = allow_loopback;
  policy.field_ = std::move(field);
  for (const auto& entry : allowed_networks) {
    if (AsciiLower(entry) == "public") {
      policy.allow_public_ = true;
      continue;
    }
    auto net = ParseNetwork(entry, "allowed_networks");
    if (!net) return net.error();
    policy.allowed_.push_back(*net);
  }
  return policy;
}

Status AddressPolicy::Check(const asio::ip::address& raw) const {
  const asio::ip::address a = Unmapped(raw);
  const std::string text = a.to_string();
  if (a.is_loopback() && allow_loopback_) return Ok{};
  if (std::string why = AlwaysRefused(a); !why.empty())
    return Error{ErrorCode::kPermissionDenied, text + " is " + why + ": never contacted", field_};
  if (allow_public_ && IsPublic(a)) return Ok{};
  for (const auto& net : allowed_)
    if (net.Contains(a)) return Ok{};
  return Error{ErrorCode::kPermissionDenied, text + " is outside the allowed networks", field_};
}

}  // namespace kanri
