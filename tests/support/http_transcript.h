// REST API transcripts (tests/http/*.http, format in tests/http/README.md): requests and the
// answers they must get, as data files that read without C++. This is the parser and the
// matcher; tests/integration/http_transcripts_test.cpp plays the files against the real binary.
//
//   Transcript t = ParseTranscript("tests/http/session.http", text);   // throws "file:line: why"
//   Variables vars{{"ACME", company_id}};
//   std::string target = Substitute(step.target, vars, Substitution::kRequestText);
//   std::string why = MatchJson(expected, actual, vars);                // "" when it matches
//
// In an expected answer, a string "{{*}}" matches any value, "{{=NAME}}" matches any value
// and remembers it as NAME, "{{NAME}}" (substituted before parsing) is a value remembered
// earlier, and "{{...}}" allows further object keys (as a key) or array elements (as the last
// element). Anything else must be equal; objects compare without regard to key order, and an
// object with a key the expected one lacks does not match.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "support/https_client.h"

namespace kanri::testing {

// One request and its expected answer, or one `=== directive`.
struct TranscriptStep {
  enum class Kind { kExchange, kDirective };
  Kind kind = Kind::kExchange;
  int line = 0;  // of its `>>>` or `===` line

  // kExchange: `>>> CLIENT METHOD TARGET`, headers, body; `<<< STATUS`, headers, body.
  std::string client;
  std::string method;
  std::string target;
  Headers request_headers;
  std::string request_body;
  int response_line = 0;  // of its `<<<` line
  int expected_status = 0;
  Headers expected_headers;
  std::string expected_body;  // "" when the answer must have no body

  // kDirective: the words after `===`.
  std::vector<std::string> words;
};

struct Transcript {
  std::string path;
  std::vector<TranscriptStep> steps;
};

// Throws std::runtime_error("PATH:LINE: why") when the text does not follow the format.
Transcript ParseTranscript(const std::string& path, std::string_view text);

using Variables = std::map<std::string, std::string>;

enum class Substitution {
  kRequestText,   // a request's target or header value: values as they are
  kRequestJson,   // a request's body: values escaped as the inside of a JSON string
  kExpectedText,  // an expected header value: like kRequestText, and the patterns stay for MatchText
  kExpectedJson,  // an expected body: like kRequestJson, and the patterns stay for MatchJson
};
// Replaces every {{NAME}} with its value. Throws std::runtime_error on an unknown NAME, and on a
// pattern ({{*}}, {{=NAME}}, {{...}}) outside an expected answer.
std::string Substitute(std::string_view text, const Variables& vars, Substitution mode);

// "" when `actual` matches `expected` (with its patterns), else the first difference, e.g.
// `$.account.kind: expected "admin", got "general"`. Values of {{=NAME}} go into `captures`.
std::string MatchJson(const boost::json::value& expected, const boost::json::value& actual,
                      Variables& captures, const std::string& where = "$");
// The same for one text (a header value): literal text with {{*}} and {{=NAME}} patterns.
bool MatchText(std::string_view pattern, std::string_view actual, Variables& captures);

}  // namespace kanri::testing
