#include "base/log.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "base/time.h"

namespace kanri {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogOutput> g_output{LogOutput::kStderr};

std::shared_ptr<spdlog::logger> Plain(std::shared_ptr<spdlog::logger> l) {
  l->set_pattern("%v");
  l->set_level(spdlog::level::trace);
  l->flush_on(spdlog::level::trace);
  return l;
}

spdlog::logger& Logger() {
  static auto err = Plain(spdlog::stderr_logger_mt("kanri"));
  static auto out = Plain(spdlog::stdout_logger_mt("kanri-stdout"));
  return g_output.load() == LogOutput::kStdout ? *out : *err;
}

const char* LevelName(LogLevel l) {
  switch (l) {
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

void SetLogLevel(LogLevel level) {
  g_level.store(level);
}

void SetLogOutput(LogOutput output) {
  g_output.store(output);
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (level < g_level.load()) return;
  std::string line = "{\"ts\":";
  AppendJsonString(line, FormatUtc(SystemClock{}.Now()));
  line += ",\"level\":\"";
  line += LevelName(level);
  line += "\",\"msg\":";
  AppendJsonString(line, msg);
  for (const auto& f : fields) {
    line.push_back(',');
    AppendJsonString(line, f.key);
    line.push_back(':');
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            AppendJsonString(line, v);
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else if constexpr (std::is_same_v<V, std::span<const std::string>>) {
            line.push_back('[');
            for (std::size_t i = 0; i < v.size(); ++i) {
              if (i > 0) line.push_back(',');
              AppendJsonString(line, v[i]);
            }
            line.push_back(']');
          } else {
            line += fmt::format("{}", v);
          }
        },
        f.value);
  }
  line.push_back('}');
  Logger().info(line);
}

}  // namespace kanri
