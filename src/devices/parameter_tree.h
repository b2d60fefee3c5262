// The parameter tree of a device as last reported (DEV-2), kept as one compact value per
// device (ARCHITECTURE.md, "Device data at scale"): a JSON object
//   {"Device.DeviceInfo.SoftwareVersion": ["1.2.3", "string", 0], ...}
// with [value, type, writable] per path; writable is 1, 0 or null when not known yet. A secret
// (IsSecretParameter) is kept as ["", type, writable, 1]: its value is never stored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/model.h"

namespace kanri::devices {

class ParameterTree {
 public:
  static ParameterTree Parse(std::string_view json);  // "" or invalid -> empty tree
  std::string Serialize() const;

  // Sets value and type (type kept when `type` is empty); returns whether anything changed.
  // A secret's value is dropped and the entry marked redacted.
  bool SetValue(const std::string& path, std::string value, std::string type);
  bool SetWritable(const std::string& path, bool writable);
  // Removes `prefix` and everything under it ("Device.NAT.PortMapping.3.").
  bool RemoveSubtree(std::string_view prefix);

  std::optional<Parameter> Find(const std::string& path) const;
  // Entries whose path starts with `prefix` (all when empty), in path order.
  std::vector<Parameter> List(std::string_view prefix) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string value;
    std::string type;
    std::optional<bool> writable;
    bool redacted = false;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kanri::devices
