#include "base/net.h"

#include <algorithm>
#include <charconv>

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

}  // namespace kanri
