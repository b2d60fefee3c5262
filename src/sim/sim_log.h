// The simulator's log: one JSON object per line on standard output, in the shape of
// base/log.h ({"ts","level","msg",...}) plus string-array fields, e.g.
//
//   {"ts":"…","level":"info","msg":"session done","serial":"P000001","events":["1 BOOT","M Reboot"],"rpcs":2}
//
// End-to-end tests read these lines to observe the fleet, so messages and field names are part
// of the simulator's interface (listed in simulator.h). Never log a password.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/log.h"

namespace kanri::sim {

using SimLogValue = std::variant<std::string_view, std::int64_t, bool, std::vector<std::string>>;
struct SimLogField {
  std::string_view key;
  SimLogValue value;
};

void SetSimLogLevel(LogLevel level);
void SimLog(LogLevel level, std::string_view msg, std::initializer_list<SimLogField> fields = {});

}  // namespace kanri::sim
