// SEC-4: whose address a request comes from. The TCP peer, unless the peer is a trusted proxy
// (--trusted-proxy CIDR, repeatable): then the address that proxy names in `Forwarded`
// (RFC 7239 `for=`) or, when there is no `Forwarded`, in `X-Forwarded-For`, read from the right
// and skipping further trusted hops, so the first untrusted hop is the client. From anybody
// else the headers are ignored: a client cannot choose its own address by sending them.
//
// A trusted hop that names no usable address (`for=unknown`, an obfuscated `_name`, garbage)
// makes the client "unknown", which no allow-list contains: SEC-4 fails closed. When every
// hop is trusted, the leftmost one is the client. The same address serves SEC-4, the SEC-1
// throttle and the operation history (HttpServer sets HttpRequest::client_ip with it).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/net.h"

namespace kanri::http {

inline constexpr std::string_view kUnknownClient = "unknown";

// `headers` as HttpRequest holds them (names lower-case; a name may repeat, in order).
std::string ClientAddress(std::string_view peer,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::span<const IpNetwork> trusted_proxies);

}  // namespace kanri::http
