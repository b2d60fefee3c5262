// The simulated firmware image format: see firmware.h.
#include "sim/firmware.h"

#include <algorithm>

namespace kanri::sim {
namespace {

constexpr std::string_view kMagic = "KANRI-SIM-FIRMWARE";
constexpr std::size_t kMaxVersionLength = 64;

// X.Y.Z: dot-separated non-empty runs of digits, letters, '-' or '_' (e.g. "2.1.0-rc1").
bool IsVersion(std::string_view v) {
  if (v.empty() || v.size() > kMaxVersionLength || v.front() == '.' || v.back() == '.') return false;
  if (v.find("..") != std::string_view::npos) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '-' || c == '_';
  });
}

}  // namespace

std::optional<FirmwareImage> ParseFirmwareImage(std::string_view content) {
  std::string_view line = content.substr(0, content.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (!line.starts_with(kMagic)) return std::nullopt;
  line.remove_prefix(kMagic.size());
  FirmwareImage image;
  bool has_version = false;
  while (!line.empty()) {
    if (line.front() != ' ') return std::nullopt;
    line.remove_prefix(line.find_first_not_of(' ') == std::string_view::npos ? line.size()
                                                                             : line.find_first_not_of(' '));
    if (line.empty()) break;
    const std::string_view field = line.substr(0, line.find(' '));
    line.remove_prefix(field.size());
    const auto eq = field.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = field.substr(0, eq);
    const std::string_view value = field.substr(eq + 1);
    if (key == "version") {
      if (!IsVersion(value)) return std::nullopt;
      image.version = std::string(value);
      has_version = true;
    } else if (key == "model") {
      image.model = std::string(value);
    }  // other keys: for later formats, ignored
  }
  if (!has_version) return std::nullopt;
  return image;
}

std::string FirmwareHeader(std::string_view version, std::string_view model) {
  std::string line = std::string(kMagic) + " version=" + std::string(version);
  if (!model.empty()) line += " model=" + std::string(model);
  return line + "\n";
}

}  // namespace kanri::sim
