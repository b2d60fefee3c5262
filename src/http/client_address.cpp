#include "http/client_address.h"

#include "base/text.h"

namespace kanri::http {
namespace {

// At most this many hops are read from the right: a longer chain is no deployment of ours,
// and the bound keeps a header of thousands of entries cheap.
constexpr std::size_t kMaxHops = 32;

// The address of one RFC 7239 node ("192.0.2.1", "\"192.0.2.1:80\"", "\"[2001:db8::1]:4711\"")
// or one X-Forwarded-For entry ("192.0.2.1", "2001:db8::1", "[2001:db8::1]:80").
std::string NodeAddress(std::string_view node) {
  node = Trim(node);
  if (node.size() >= 2 && node.front() == '"' && node.back() == '"') node = node.substr(1, node.size() - 2);
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::string(kUnknownClient);
    node = node.substr(1, close - 1);
  } else if (node.find(':') != std::string_view::npos && node.find(':') == node.rfind(':')) {
    node = node.substr(0, node.find(':'));  // IPv4 with a port
  }
  const auto a = ParseAddress(node);
  return a ? a->to_string() : std::string(kUnknownClient);
}

std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"') quoted = !quoted;
    if (i == text.size() || (text[i] == ',' && !quoted)) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// The `for=` address of each Forwarded element, left to right ("unknown" where there is none).
std::vector<std::string> ForwardedFor(std::string_view element_list) {
  std::vector<std::string> out;
  for (std::string_view element : SplitList(element_list)) {
    std::string address(kUnknownClient);
    std::size_t start = 0;
    while (start <= element.size()) {
      auto end = element.find(';', start);
      if (end == std::string_view::npos) end = element.size();
      std::string_view pair = Trim(element.substr(start, end - start));
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && AsciiLower(Trim(pair.substr(0, eq))) == "for")
        address = NodeAddress(pair.substr(eq + 1));
      start = end + 1;
    }
    out.push_back(std::move(address));
  }
  return out;
}

}  // namespace

std::string ClientAddress(std::string_view peer,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::span<const IpNetwork> trusted_proxies) {
  std::string peer_text = ParseAddress(peer) ? ParseAddress(peer)->to_string() : std::string(peer);
  if (!AnyContains(trusted_proxies, peer_text)) return peer_text;
  std::string forwarded, x_forwarded_for;
  bool has_forwarded = false;
  for (const auto& [name, value] : headers) {
    std::string* target = name == "forwarded"         ? &forwarded
                          : name == "x-forwarded-for" ? &x_forwarded_for
                                                      : nullptr;
    if (!target) continue;
    has_forwarded |= name == "forwarded";
    if (!target->empty()) *target += ',';
    *target += value;
  }
  std::vector<std::string> hops;
  if (has_forwarded) {
    hops = ForwardedFor(forwarded);
  } else if (!x_forwarded_for.empty()) {
    for (std::string_view entry : SplitList(x_forwarded_for)) hops.push_back(NodeAddress(entry));
  }
  // Right to left: the first hop that is not a trusted proxy is the client.
  std::string client = peer_text;
  for (std::size_t n = 0; n < hops.size() && n < kMaxHops; ++n) {
    client = std::move(hops[hops.size() - 1 - n]);
    if (!AnyContains(trusted_proxies, client)) return client;
  }
  // Every hop read was trusted (or there were none): the leftmost read is the client, unless
  // hops were left unread, which tells nothing about who sent them.
  if (hops.size() > kMaxHops) return std::string(kUnknownClient);
  return client;
}

}  // namespace kanri::http
