#include "base/xsd_value.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kanri {
namespace {

// Each xsd type with values a device accepts and values it answers 9007 for.
struct ValueCase {
  const char* type;
  std::vector<const char*> valid;
  std::vector<const char*> invalid;
};

TEST(XsdValueTest, DEV_3_ValuesAreCheckedAgainstTheirXsdType) {
  const std::vector<ValueCase> cases = {
      {"unsignedInt",
       {"0", "300", "4294967295", "+7", "007"},
       {"abc", "-1", "4294967296", "", " 1", "1.5", "1e3"}},
      {"int", {"-2147483648", "2147483647", "0", "-1"}, {"2147483648", "x", "", "--1", "+-1"}},
      {"long", {"-9223372036854775808", "9223372036854775807"}, {"9223372036854775808", "1,000"}},
      {"unsignedLong", {"18446744073709551615", "0"}, {"18446744073709551616", "-5"}},
      {"boolean", {"true", "false", "0", "1"}, {"yes", "TRUE", "", "2"}},
      {"dateTime",
       {"2025-04-01T09:00:00Z", "2025-04-01T09:00:00", "2025-04-01T09:00:00.123+09:00",
        "0001-01-01T00:00:00Z"},
       {"2025-04-01", "2025-13-01T00:00:00Z", "2025-04-01 09:00:00", "tomorrow", "2025-04-01T09:00:00+0900"}},
      {"base64", {"", "QUJD", "QUI=", "QQ=="}, {"QUJ", "Q===", "QU*D"}},
      {"hexBinary", {"", "00ff", "A0b1"}, {"0", "zz", "0x00"}},
      {"string", {"", "anything at all", "東京"}, {}},
      {"", {"abc", "-1"}, {}},  // type not reported
  };
  for (const auto& c : cases) {
    for (const char* v : c.valid) EXPECT_TRUE(IsValidXsdValue(c.type, v)) << c.type << " '" << v << "'";
    for (const char* v : c.invalid) EXPECT_FALSE(IsValidXsdValue(c.type, v)) << c.type << " '" << v << "'";
  }
}

TEST(XsdValueTest, IntegersKeepTheirSignAndRange) {
  EXPECT_EQ(XsdInteger<std::uint32_t>("+42"), 42U);
  EXPECT_EQ(XsdInteger<std::uint32_t>("-0"), 0U);
  EXPECT_EQ(XsdInteger<std::int32_t>("-0042"), -42);
  EXPECT_FALSE(XsdInteger<std::uint32_t>("-1"));
  EXPECT_FALSE(XsdInteger<std::uint32_t>("+"));
  EXPECT_FALSE(XsdInteger<std::int64_t>("12 "));
}

}  // namespace
}  // namespace kanri
