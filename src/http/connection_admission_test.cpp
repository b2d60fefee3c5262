#include "http/connection_admission.h"

#include <gtest/gtest.h>

namespace kanri::http {
namespace {

namespace ip = boost::asio::ip;

const ip::address kA = ip::make_address("192.0.2.1");
const ip::address kB = ip::make_address("192.0.2.2");
const ip::address kC = ip::make_address("2001:db8::1");

TEST(ConnectionAdmission, OPS_4_OneAddressHoldsAtMostItsShare) {
  ConnectionAdmission admission{{.max_connections = 100, .max_per_address = 3, .reserve = 0}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admission.Admit(kA), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(kA), Admission::kAddressFull);
  // The same address written as IPv4-mapped IPv6 is the same address.
  EXPECT_EQ(admission.Admit(ip::make_address("::ffff:192.0.2.1")), Admission::kAddressFull);
  EXPECT_EQ(admission.Admit(kB), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(kC), Admission::kAdmitted);
  admission.Release(kA);
  EXPECT_EQ(admission.Admit(kA), Admission::kAdmitted);
  EXPECT_EQ(admission.active(), 5u);
}

TEST(ConnectionAdmission, OPS_4_TheReserveIsOnlyForAddressesWithoutAConnection) {
  ConnectionAdmission admission{{.max_connections = 4, .max_per_address = 10, .reserve = 2}};
  EXPECT_EQ(admission.Admit(kA), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(kA), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(kA), Admission::kAddressFull);  // the last two slots are the reserve
  EXPECT_EQ(admission.Admit(kB), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(kC), Admission::kAdmitted);
  EXPECT_EQ(admission.Admit(ip::make_address("192.0.2.9")), Admission::kListenerFull);
  for (int i = 0; i < 4; ++i) admission.Release(i < 2 ? kA : (i == 2 ? kB : kC));
  EXPECT_EQ(admission.active(), 0u);
  EXPECT_EQ(admission.Admit(kA), Admission::kAdmitted);
}

TEST(ConnectionAdmission, OPS_4_RefusalsAreLoggedAtABoundedRateWithTheCountLeftOut) {
  using namespace std::chrono_literals;
  ConnectionAdmission admission{
      {.max_connections = 1, .max_per_address = 1, .reserve = 0, .refusal_log_interval = 5s}};
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_EQ(admission.LogTurn(Admission::kAddressFull, t0), 0u);
  EXPECT_EQ(admission.LogTurn(Admission::kAddressFull, t0 + 1s), std::nullopt);
  EXPECT_EQ(admission.LogTurn(Admission::kAddressFull, t0 + 2s), std::nullopt);
  // Each kind has its own turn.
  EXPECT_EQ(admission.LogTurn(Admission::kListenerFull, t0 + 2s), 0u);
  EXPECT_EQ(admission.LogTurn(Admission::kAddressFull, t0 + 5s), 2u);
  EXPECT_EQ(admission.LogTurn(Admission::kAddressFull, t0 + 6s), std::nullopt);
}

}  // namespace
}  // namespace kanri::http
