#include "http/client_address.h"

#include <gtest/gtest.h>

#include <vector>

namespace kanri::http {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// SEC-4: forwarding headers count only from trusted proxies, read right to left.
TEST(ClientAddress, SEC_4_HeadersCountOnlyFromTrustedProxies) {
  const std::vector<IpNetwork> trusted = {*ParseNetwork("127.0.0.10/32"), *ParseNetwork("10.0.0.0/8"),
                                          *ParseNetwork("fd00::/8")};
  struct Case {
    const char* name;
    const char* peer;
    Headers headers;
    const char* client;
  };
  const std::vector<Case> cases = {
      {"no proxy, no header", "198.51.100.7", {}, "198.51.100.7"},
      {"untrusted peer's XFF ignored", "198.51.100.7", {{"x-forwarded-for", "127.0.0.10"}}, "198.51.100.7"},
      {"untrusted peer's Forwarded ignored", "198.51.100.7", {{"forwarded", "for=10.1.1.1"}}, "198.51.100.7"},
      {"mapped peer reads as IPv4", "::ffff:198.51.100.7", {}, "198.51.100.7"},
      {"trusted peer, one hop", "127.0.0.10", {{"x-forwarded-for", "203.0.113.9"}}, "203.0.113.9"},
      {"spoofed left part skipped",
       "127.0.0.10",
       {{"x-forwarded-for", "192.0.2.66, 203.0.113.9"}},
       "203.0.113.9"},
      {"trusted hops skipped", "127.0.0.10", {{"x-forwarded-for", "203.0.113.9, 10.2.3.4"}}, "203.0.113.9"},
      {"repeated header fields joined in order",
       "127.0.0.10",
       {{"x-forwarded-for", "192.0.2.66"}, {"x-forwarded-for", "203.0.113.9, 10.2.3.4"}},
       "203.0.113.9"},
      {"Forwarded wins over XFF",
       "127.0.0.10",
       {{"x-forwarded-for", "192.0.2.66"}, {"forwarded", "for=203.0.113.9;proto=https"}},
       "203.0.113.9"},
      {"Forwarded IPv6 with port",
       "127.0.0.10",
       {{"forwarded", "for=\"[2001:db8:cafe::17]:4711\""}},
       "2001:db8:cafe::17"},
      {"Forwarded IPv4 with port", "127.0.0.10", {{"forwarded", "For=\"203.0.113.9:1234\""}}, "203.0.113.9"},
      {"Forwarded chain",
       "127.0.0.10",
       {{"forwarded", "for=192.0.2.66, for=203.0.113.9;by=10.0.0.1, for=10.9.9.9"}},
       "203.0.113.9"},
      {"quoted comma does not split",
       "127.0.0.10",
       {{"forwarded", "for=\"_a,b\", for=203.0.113.9"}},
       "203.0.113.9"},
      {"trusted hop names unknown: fail closed", "127.0.0.10", {{"forwarded", "for=unknown"}}, "unknown"},
      {"obfuscated node: fail closed", "127.0.0.10", {{"x-forwarded-for", "_hidden"}}, "unknown"},
      {"garbage: fail closed", "127.0.0.10", {{"x-forwarded-for", "203.0.113.9 <script>"}}, "unknown"},
      {"zone: fail closed", "127.0.0.10", {{"x-forwarded-for", "fe80::1%eth0"}}, "unknown"},
      {"element without for", "127.0.0.10", {{"forwarded", "proto=https;by=10.0.0.1"}}, "unknown"},
      {"all hops trusted: leftmost", "127.0.0.10", {{"x-forwarded-for", "10.5.5.5, 10.2.3.4"}}, "10.5.5.5"},
      {"trusted peer without header is the client", "127.0.0.10", {}, "127.0.0.10"},
      {"IPv6 trusted peer", "fd00::1", {{"x-forwarded-for", "2001:db8::5"}}, "2001:db8::5"},
  };
  for (const auto& c : cases) EXPECT_EQ(ClientAddress(c.peer, c.headers, trusted), c.client) << c.name;
}

TEST(ClientAddress, SEC_4_NoTrustedProxiesMeansThePeer) {
  EXPECT_EQ(ClientAddress("127.0.0.1", {{"x-forwarded-for", "203.0.113.9"}}, {}), "127.0.0.1");
}

TEST(ClientAddress, SEC_4_ALongChainOfTrustedHopsIsUnknown) {
  const std::vector<IpNetwork> trusted = {*ParseNetwork("10.0.0.0/8")};
  std::string chain = "203.0.113.9";
  for (int i = 0; i < 40; ++i) chain += ", 10.0.0." + std::to_string(i);
  EXPECT_EQ(ClientAddress("10.0.0.1", {{"x-forwarded-for", chain}}, trusted), "unknown");
  // A long chain whose last untrusted hop is near the right is read as usual.
  std::string spoofed;
  for (int i = 0; i < 5000; ++i) spoofed += "192.0.2." + std::to_string(i % 250) + ", ";
  spoofed += "203.0.113.9";
  EXPECT_EQ(ClientAddress("10.0.0.1", {{"x-forwarded-for", spoofed}}, trusted), "203.0.113.9");
}

}  // namespace
}  // namespace kanri::http
