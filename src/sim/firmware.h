// The simulated firmware image format. A file is a valid image for the simulator when its first
// line is
//
//   KANRI-SIM-FIRMWARE version=X.Y.Z [model=NAME]
//
// (a trailing "\r" is ignored); after the Download the device then reports SoftwareVersion
// X.Y.Z. Anything else is a corrupted image: TransferComplete carries fault 9018 (DEV-6).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kanri::sim {

struct FirmwareImage {
  std::string version;
  std::string model;  // "" when the header names none
};

std::optional<FirmwareImage> ParseFirmwareImage(std::string_view content);

// The header line for an image of `version` (for tests and for making images by hand).
std::string FirmwareHeader(std::string_view version, std::string_view model = {});

}  // namespace kanri::sim
