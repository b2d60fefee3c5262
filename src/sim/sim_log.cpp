// The simulator's JSON-lines log on stdout: see sim_log.h.
#include "sim/sim_log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "base/time.h"

namespace kanri::sim {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void SetSimLogLevel(LogLevel level) {
  g_level.store(level);
}

void SimLog(LogLevel level, std::string_view msg, std::initializer_list<SimLogField> fields) {
  if (level < g_level.load()) return;
  std::string line = "{\"ts\":";
  AppendJsonString(line, FormatUtc(SystemClock{}.Now()));
  line += ",\"level\":\"";
  line += LevelName(level);
  line += "\",\"msg\":";
  AppendJsonString(line, msg);
  for (const SimLogField& field : fields) {
    line.push_back(',');
    AppendJsonString(line, field.key);
    line.push_back(':');
    if (const auto* s = std::get_if<std::string_view>(&field.value)) {
      AppendJsonString(line, *s);
    } else if (const auto* n = std::get_if<std::int64_t>(&field.value)) {
      line += std::to_string(*n);
    } else if (const auto* b = std::get_if<bool>(&field.value)) {
      line += *b ? "true" : "false";
    } else {
      line.push_back('[');
      const auto& items = std::get<std::vector<std::string>>(field.value);
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) line.push_back(',');
        AppendJsonString(line, items[i]);
      }
      line.push_back(']');
    }
  }
  line += "}\n";
  // One write per line, whole lines only, flushed at once: tests read the pipe as it comes.
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace kanri::sim
