// Tests of the simulated firmware image format (DEV-6: a corrupted image is refused).
#include "sim/firmware.h"

#include <gtest/gtest.h>

namespace kanri::sim {
namespace {

TEST(Firmware, AHeaderLineMakesAValidImage_DEV6) {
  auto image = ParseFirmwareImage("KANRI-SIM-FIRMWARE version=2.1.0 model=KS-1000\r\nbinary...\x01\x02");
  ASSERT_TRUE(image);
  EXPECT_EQ(image->version, "2.1.0");
  EXPECT_EQ(image->model, "KS-1000");
  auto bare = ParseFirmwareImage("KANRI-SIM-FIRMWARE version=3.0.0-rc1");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->version, "3.0.0-rc1");
  EXPECT_EQ(bare->model, "");
  EXPECT_EQ(ParseFirmwareImage(FirmwareHeader("1.2.3", "X"))->version, "1.2.3");
}

TEST(Firmware, AnythingElseIsCorrupted_DEV6) {
  for (std::string_view bad : {"", "hello", "KANRI-SIM-FIRMWARE", "KANRI-SIM-FIRMWARE model=X",
                               "KANRI-SIM-FIRMWARE version=", "KANRI-SIM-FIRMWARE version=1..2",
                               "KANRI-SIM-FIRMWAREversion=1.0", "KANRI-SIM-FIRMWARE version=1.0;rm",
                               "\nKANRI-SIM-FIRMWARE version=1.0.0", "KANRI-SIM-FIRMWARE junk"}) {
    EXPECT_FALSE(ParseFirmwareImage(bad)) << bad;
  }
}

}  // namespace
}  // namespace kanri::sim
