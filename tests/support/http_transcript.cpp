#include "support/http_transcript.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <functional>
#include <stdexcept>

namespace kanri::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kRequestMarker = ">>>";
constexpr std::string_view kResponseMarker = "<<<";
constexpr std::string_view kDirectiveMarker = "===";
constexpr std::string_view kAnyValue = "{{*}}";
constexpr std::string_view kMore = "{{...}}";

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

bool IsMarker(std::string_view line, std::string_view marker) {
  return line.starts_with(marker) && (line.size() == marker.size() || line[marker.size()] == ' ');
}
bool IsAnyMarker(std::string_view line) {
  return IsMarker(line, kRequestMarker) || IsMarker(line, kResponseMarker) ||
         IsMarker(line, kDirectiveMarker);
}
bool IsComment(std::string_view line) {
  return TrimView(line).starts_with('#');
}

// "Name: value" (a header line right after a marker), else false.
bool ParseHeader(std::string_view line, Headers& headers) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (char c : line.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  headers.emplace_back(std::string(line.substr(0, colon)), std::string(TrimView(line.substr(colon + 1))));
  return true;
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

class Parser {
 public:
  Parser(std::string path, std::string_view text) : path_(std::move(path)) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      lines_.emplace_back(line);
      start = end + 1;
    }
  }

  Transcript Parse() {
    Transcript t{path_, {}};
    while (i_ < lines_.size()) {
      const std::string& line = lines_[i_];
      if (TrimView(line).empty() || IsComment(line)) {
        ++i_;
      } else if (IsMarker(line, kRequestMarker)) {
        t.steps.push_back(Exchange());
      } else if (IsMarker(line, kDirectiveMarker)) {
        TranscriptStep step{.kind = TranscriptStep::Kind::kDirective, .line = Line()};
        step.words = Words(std::string_view(line).substr(kDirectiveMarker.size()));
        if (step.words.empty()) Fail("a directive needs a name (=== device …, === clock …)");
        t.steps.push_back(std::move(step));
        ++i_;
      } else if (IsMarker(line, kResponseMarker)) {
        Fail("an answer (<<<) without a request (>>>) before it");
      } else {
        Fail("expected a request (>>> CLIENT METHOD TARGET), a directive (=== …) or a comment (#)");
      }
    }
    if (t.steps.empty()) throw std::runtime_error(path_ + ": no requests");
    return t;
  }

 private:
  int Line() const { return static_cast<int>(i_) + 1; }
  [[noreturn]] void Fail(const std::string& why) const {
    throw std::runtime_error(path_ + ":" + std::to_string(Line()) + ": " + why);
  }

  TranscriptStep Exchange() {
    TranscriptStep step{.kind = TranscriptStep::Kind::kExchange, .line = Line()};
    const auto words = Words(std::string_view(lines_[i_]).substr(kRequestMarker.size()));
    if (words.size() != 3) Fail("a request line is `>>> CLIENT METHOD TARGET`");
    step.client = words[0];
    step.method = words[1];
    step.target = words[2];
    if (!IsName(step.client)) Fail("a client is named with letters, digits and _");
    if (!step.target.starts_with("/")) Fail("the target is a path starting with /");
    ++i_;
    step.request_body = Block(step.request_headers);
    if (i_ >= lines_.size() || !IsMarker(lines_[i_], kResponseMarker)) {
      i_ = static_cast<std::size_t>(step.line - 1);
      Fail("this request has no answer (<<< STATUS) after it");
    }
    step.response_line = Line();
    const auto status = Words(std::string_view(lines_[i_]).substr(kResponseMarker.size()));
    if (status.size() != 1 || status[0].size() != 3 ||
        !std::all_of(status[0].begin(), status[0].end(), [](char c) { return c >= '0' && c <= '9'; }))
      Fail("an answer line is `<<< STATUS` (three digits)");
    step.expected_status = std::stoi(status[0]);
    ++i_;
    step.expected_body = Block(step.expected_headers);
    return step;
  }

  // Header lines (until a blank or other line), then the body up to the next marker; comments
  // are skipped. Returns the body, trimmed.
  std::string Block(Headers& headers) {
    while (i_ < lines_.size() && !IsAnyMarker(lines_[i_]) &&
           (IsComment(lines_[i_]) || ParseHeader(lines_[i_], headers)))
      ++i_;
    std::string body;
    while (i_ < lines_.size() && !IsAnyMarker(lines_[i_])) {
      if (!IsComment(lines_[i_])) body += lines_[i_] + "\n";
      ++i_;
    }
    return std::string(TrimView(body));
  }

  std::string path_;
  std::vector<std::string> lines_;
  std::size_t i_ = 0;
};

std::string EscapeForJsonString(const std::string& value) {
  std::string quoted = json::serialize(json::string(value));
  return quoted.substr(1, quoted.size() - 2);
}

std::string Show(const json::value& v) {
  std::string s = json::serialize(v);
  constexpr std::size_t kMax = 200;
  return s.size() > kMax ? s.substr(0, kMax) + "…" : s;
}

bool IsPattern(std::string_view s) {
  return s.find(kAnyValue) != std::string_view::npos || s.find("{{=") != std::string_view::npos;
}

// "NAME" of a whole-value "{{=NAME}}", else "".
std::string CaptureName(std::string_view s) {
  if (!s.starts_with("{{=") || !s.ends_with("}}")) return "";
  std::string_view name = s.substr(3, s.size() - 5);
  return IsName(name) ? std::string(name) : "";
}

bool EqualNumbers(const json::value& a, const json::value& b) {
  if (a.is_int64() && b.is_int64()) return a.as_int64() == b.as_int64();
  if (a.is_uint64() && b.is_uint64()) return a.as_uint64() == b.as_uint64();
  boost::system::error_code ea, eb;
  const double x = a.to_number<double>(ea), y = b.to_number<double>(eb);
  return !ea && !eb && x == y;
}

}  // namespace

Transcript ParseTranscript(const std::string& path, std::string_view text) {
  return Parser(path, text).Parse();
}

std::string Substitute(std::string_view text, const Variables& vars, Substitution mode) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) throw std::runtime_error("unclosed {{ in: " + std::string(text));
    out += text.substr(pos, open - pos);
    const std::string_view inner = text.substr(open + 2, close - open - 2);
    const std::string_view whole = text.substr(open, close + 2 - open);
    if (inner == "*" || inner == "..." || inner.starts_with("=")) {
      if (mode != Substitution::kExpectedText && mode != Substitution::kExpectedJson)
        throw std::runtime_error(std::string(whole) + " belongs in an expected answer, not in a request");
      if (inner.starts_with("=") && !IsName(inner.substr(1)))
        throw std::runtime_error("a capture is {{=NAME}} (letters, digits, _): " + std::string(whole));
      out += whole;
    } else {
      const auto it = vars.find(std::string(inner));
      if (it == vars.end()) throw std::runtime_error("unknown variable " + std::string(whole));
      const bool json_text = mode == Substitution::kRequestJson || mode == Substitution::kExpectedJson;
      out += json_text ? EscapeForJsonString(it->second) : it->second;
    }
    pos = close + 2;
  }
  out += text.substr(pos);
  return out;
}

bool MatchText(std::string_view pattern, std::string_view actual, Variables& captures) {
  if (!IsPattern(pattern)) return pattern == actual;
  // The pattern as literal pieces and holes ({{*}}, or {{=NAME}} with its name).
  struct Piece {
    bool hole = false;
    std::string text;  // the literal, or the name of a capture ("" for {{*}})
  };
  std::vector<Piece> pieces;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    const std::size_t any = pattern.find(kAnyValue, pos);
    const std::size_t cap = pattern.find("{{=", pos);
    const std::size_t next = std::min(any, cap);
    if (next == std::string_view::npos) break;
    if (next > pos) pieces.push_back({false, std::string(pattern.substr(pos, next - pos))});
    if (next == any) {
      pieces.push_back({true, ""});
      pos = any + kAnyValue.size();
    } else {
      const std::size_t close = pattern.find("}}", cap);
      pieces.push_back({true, std::string(pattern.substr(cap + 3, close - cap - 3))});
      pos = close + 2;
    }
  }
  if (pos < pattern.size()) pieces.push_back({false, std::string(pattern.substr(pos))});
  // Backtracking, each hole as short as possible: the inputs are a header or a JSON string.
  Variables found;
  std::function<bool(std::size_t, std::size_t)> match = [&](std::size_t piece, std::size_t at) {
    if (piece == pieces.size()) return at == actual.size();
    const Piece& p = pieces[piece];
    if (!p.hole) return actual.substr(at).starts_with(p.text) && match(piece + 1, at + p.text.size());
    for (std::size_t end = at; end <= actual.size(); ++end) {
      if (match(piece + 1, end)) {
        if (!p.text.empty()) found[p.text] = std::string(actual.substr(at, end - at));
        return true;
      }
    }
    return false;
  };
  if (!match(0, 0)) return false;
  for (auto& [name, value] : found) captures[name] = std::move(value);
  return true;
}

std::string MatchJson(const json::value& expected, const json::value& actual, Variables& captures,
                      const std::string& where) {
  std::string differs = where + ": expected " + Show(expected) + ", got " + Show(actual);
  switch (expected.kind()) {
    case json::kind::string: {
      const std::string_view e = expected.get_string();
      if (e == kAnyValue) return "";
      if (const std::string name = CaptureName(e); !name.empty()) {
        captures[name] = actual.is_string() ? std::string(actual.get_string()) : json::serialize(actual);
        return "";
      }
      if (!actual.is_string()) return differs;
      return MatchText(e, actual.get_string(), captures) ? "" : differs;
    }
    case json::kind::object: {
      if (!actual.is_object()) return differs;
      const json::object& e = expected.get_object();
      const json::object& a = actual.get_object();
      for (const auto& [key, value] : e) {
        if (key == kMore) continue;
        const json::value* got = a.if_contains(key);
        if (got == nullptr) return where + ": missing key \"" + std::string(key) + "\" in " + Show(actual);
        if (std::string why = MatchJson(value, *got, captures, where + "." + std::string(key)); !why.empty())
          return why;
      }
      if (!e.contains(kMore)) {
        for (const auto& [key, value] : a)
          if (!e.contains(key))
            return where + ": unexpected key \"" + std::string(key) + "\" (" + Show(value) +
                   "); add it to the transcript, or \"{{...}}\": \"{{*}}\" to allow any";
      }
      return "";
    }
    case json::kind::array: {
      if (!actual.is_array()) return differs;
      const json::array& e = expected.get_array();
      const json::array& a = actual.get_array();
      const bool open = !e.empty() && e.back().is_string() && e.back().get_string() == kMore;
      const std::size_t n = open ? e.size() - 1 : e.size();
      if (open ? a.size() < n : a.size() != n)
        return where + ": expected " + (open ? "at least " : "") + std::to_string(n) + " elements, got " +
               std::to_string(a.size()) + ": " + Show(actual);
      for (std::size_t i = 0; i < n; ++i)
        if (std::string why = MatchJson(e[i], a[i], captures, where + "[" + std::to_string(i) + "]");
            !why.empty())
          return why;
      return "";
    }
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return actual.is_number() && EqualNumbers(expected, actual) ? "" : differs;
    case json::kind::bool_:
      return actual.is_bool() && actual.get_bool() == expected.get_bool() ? "" : differs;
    case json::kind::null:
      return actual.is_null() ? "" : differs;
  }
  return differs;
}

}  // namespace kanri::testing
