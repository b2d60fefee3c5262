// Structured logs: one JSON object per line on stderr (on stdout for `kanri sim`, whose lines
// tests read), written whole and flushed at once, e.g.
//   {"ts":"2025-03-10T00:30:00.000Z","level":"info","msg":"request","request_id":"…","status":200}
//   {"ts":"…","level":"info","msg":"session done","serial":"P000001","events":["1 BOOT","M Reboot"]}
//
// Never log a secret: no passwords, tokens, cookies or one-time codes. Callers pass only the
// fields they mean to publish; request bodies and headers are never logged whole.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace kanri {

// A span of strings is written as a JSON array.
using LogValue = std::variant<std::string_view, std::int64_t, double, bool, std::span<const std::string>>;
struct LogField {
  std::string_view key;
  LogValue value;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
inline void LogInfo(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, msg, f);
}
inline void LogWarn(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, msg, f);
}
inline void LogError(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, msg, f);
}

void SetLogLevel(LogLevel level);
// Where the lines go; set once at start, before the first line.
enum class LogOutput { kStderr, kStdout };
void SetLogOutput(LogOutput output);

// Appends `s` to `out` as a JSON string literal (with quotes).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace kanri
