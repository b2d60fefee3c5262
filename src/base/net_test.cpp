#include "base/net.h"

#include <gtest/gtest.h>

#include <vector>

namespace kanri {
namespace {

TEST(Net, ParsesNetworksAndHosts) {
  struct Case {
    const char* text;
    const char* canonical;  // nullptr: refused
    bool is_canonical;
  };
  const std::vector<Case> cases = {
      {"192.0.2.0/24", "192.0.2.0/24", true},
      {"192.0.2.7", "192.0.2.7/32", true},
      {"192.0.2.7/24", "192.0.2.7/24", false},
      {"0.0.0.0/0", "0.0.0.0/0", true},
      {"2001:db8::/32", "2001:db8::/32", true},
      {"2001:db8::1/64", "2001:db8::1/64", false},
      {"::ffff:192.0.2.1", "192.0.2.1/32", true},  // IPv4-mapped: judged as IPv4
      {"192.0.2.0/33", nullptr, false},
      {"2001:db8::/129", nullptr, false},
      {"192.0.2.0/", nullptr, false},
      {"192.0.2.0/+8", nullptr, false},
      {"192.0.2.0/-8", nullptr, false},
      {"192.0.2.0/8x", nullptr, false},
      {"192.0.2.0/0008", nullptr, false},
      {"fe80::1%eth0/64", nullptr, false},
      {"example.com/24", nullptr, false},
      {"", nullptr, false},
      {"192.0.2.256", nullptr, false},
  };
  for (const auto& c : cases) {
    auto n = ParseNetwork(c.text, "ip_allowlist");
    if (!c.canonical) {
      ASSERT_FALSE(n) << c.text;
      EXPECT_EQ(n.error().field, "ip_allowlist") << c.text;
      continue;
    }
    ASSERT_TRUE(n) << c.text << ": " << n.error().message;
    EXPECT_EQ(n->ToString(), c.canonical) << c.text;
    EXPECT_EQ(n->Canonical(), c.is_canonical) << c.text;
  }
}

TEST(Net, ContainsByPrefixAcrossMappedAddresses) {
  const auto v4 = *ParseNetwork("198.51.100.0/22");
  EXPECT_TRUE(v4.Contains(*ParseAddress("198.51.103.255")));
  EXPECT_FALSE(v4.Contains(*ParseAddress("198.51.104.0")));
  EXPECT_TRUE(v4.Contains(boost::asio::ip::make_address("::ffff:198.51.100.9")));
  EXPECT_FALSE(v4.Contains(*ParseAddress("2001:db8::1")));
  const auto v6 = *ParseNetwork("2001:db8:abcd::/48");
  EXPECT_TRUE(v6.Contains(*ParseAddress("2001:db8:abcd:ffff::1")));
  EXPECT_FALSE(v6.Contains(*ParseAddress("2001:db8:abce::1")));
  EXPECT_FALSE(v6.Contains(*ParseAddress("198.51.100.1")));
  EXPECT_TRUE(ParseNetwork("0.0.0.0/0")->Contains(*ParseAddress("203.0.113.5")));
}

TEST(Net, AnyContainsRefusesWhatIsNoAddress) {
  const std::vector<IpNetwork> list = {*ParseNetwork("0.0.0.0/0"), *ParseNetwork("::/0")};
  EXPECT_TRUE(AnyContains(list, "192.0.2.1"));
  EXPECT_TRUE(AnyContains(list, "2001:db8::1"));
  EXPECT_FALSE(AnyContains(list, "unknown"));
  EXPECT_FALSE(AnyContains(list, ""));
  EXPECT_FALSE(AnyContains(list, "fe80::1%eth0"));
  EXPECT_FALSE(AnyContains({}, "192.0.2.1"));
}

}  // namespace
}  // namespace kanri
