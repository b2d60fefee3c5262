#include "http/problem_codes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "http/message.h"

namespace kanri::http {
namespace {

bool IsSnakeCase(std::string_view s) {
  return !s.empty() && s.front() >= 'a' && s.front() <= 'z' && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

TEST(ProblemCodes, SortedUniqueAndDescribed) {
  const auto codes = ProblemCodes();
  ASSERT_FALSE(codes.empty());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    EXPECT_TRUE(IsSnakeCase(codes[i].code)) << codes[i].code;
    EXPECT_FALSE(codes[i].meaning.empty()) << codes[i].code;
    if (i > 0) {
      EXPECT_LT(codes[i - 1].code, codes[i].code) << "sorted and unique";
    }
  }
  EXPECT_TRUE(IsKnownProblemCode("login_taken"));
  EXPECT_TRUE(IsKnownProblemCode("invalid_request"));
  EXPECT_FALSE(IsKnownProblemCode("no_such_code"));
  EXPECT_FALSE(IsKnownProblemCode(""));
}

// Every default mapping of an error kind answers a registered code.
TEST(ProblemCodes, DefaultsAreRegistered) {
  for (ErrorCode code : {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated,
                         ErrorCode::kPermissionDenied, ErrorCode::kNotFound, ErrorCode::kConflict,
                         ErrorCode::kLimitExceeded, ErrorCode::kPasswordChangeRequired,
                         ErrorCode::kTooManyRequests, ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    const Problem p = ProblemFor(Error{code, "m"});
    EXPECT_TRUE(IsKnownProblemCode(p.code)) << p.code;
  }
  // A conflict on one field names it, so the console shows it on that field.
  EXPECT_EQ(ProblemFor(Error{ErrorCode::kConflict, "taken", "login", "login_taken"}).field, "login");
}

// The literal codes in the server's sources: `{409, "code"`, `LimitExceeded("code"`,
// `Conflict("…", "code")`, `.problem = "code"` and the last literal of `Error{ErrorCode::…}`.
// The strict mode of the test-hooks binary catches the rest (codes built at run time).
std::set<std::string> CodesInSource(const std::string& text) {
  std::set<std::string> found;
  // The literal whose opening quote is at `pos`; "" when it is only the start of a code built at
  // run time ("connection_request_" + word).
  auto literal_at = [&](std::size_t pos) -> std::string {
    const std::size_t end = text.find('"', pos + 1);
    if (end == std::string::npos || text.compare(end + 1, 2, " +") == 0) return {};
    return text.substr(pos + 1, end - pos - 1);
  };
  // The elements of a call or brace list starting at `open`, at its own depth: each a string
  // literal's content, or "" when the element is anything else.
  auto elements_in = [&](std::size_t open) {
    std::vector<std::string> out(1);
    int depth = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '(' || c == '{') ++depth;
      if (c == ')' || c == '}') {
        if (--depth == 0) break;
      }
      if (c == ',' && depth == 1) out.emplace_back();
      if (c == '"') {
        const std::size_t end = text.find('"', i + 1);
        if (end == std::string::npos) break;
        if (depth == 1) out.back() = literal_at(i);
        i = end;
      }
    }
    return out;
  };
  for (std::size_t pos = 0; (pos = text.find("LimitExceeded(\"", pos)) != std::string::npos; ++pos)
    found.insert(literal_at(pos + 14));
  for (std::size_t pos = 0; (pos = text.find("problem = \"", pos)) != std::string::npos; ++pos)
    found.insert(literal_at(pos + 10));
  // Conflict(message, problem) and Error{code, message, field, problem}.
  for (std::size_t pos = 0; (pos = text.find("Conflict(", pos)) != std::string::npos; ++pos) {
    const auto elements = elements_in(pos + 8);
    if (elements.size() >= 2) found.insert(elements[1]);
  }
  for (std::size_t pos = 0; (pos = text.find("Error{ErrorCode::", pos)) != std::string::npos; ++pos) {
    const auto elements = elements_in(pos + 5);
    if (elements.size() >= 4) found.insert(elements[3]);
  }
  // `{403, "code"` (a Problem's status and code) or `(403, "code"`, with any spacing.
  auto space = [&](std::size_t i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    return i;
  };
  for (std::size_t pos = 0; (pos = text.find_first_of("{(", pos)) != std::string::npos; ++pos) {
    std::size_t i = space(pos + 1);
    if (i + 3 >= text.size() || (text[i] != '4' && text[i] != '5') || !std::isdigit(text[i + 1]) ||
        !std::isdigit(text[i + 2]) || text[i + 3] != ',')
      continue;
    i = space(i + 4);
    if (i < text.size() && text[i] == '"') found.insert(literal_at(i));
  }
  // A problem written by hand: {"code", "x"} in a JSON object.
  for (std::size_t pos = 0; (pos = text.find("{\"code\", \"", pos)) != std::string::npos; ++pos)
    found.insert(literal_at(pos + 9));
  std::erase_if(found, [](const std::string& c) { return !IsSnakeCase(c); });
  return found;
}

TEST(ProblemCodes, EveryLiteralCodeInTheSourcesIsRegistered) {
  const char* source_dir = std::getenv("KANRI_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "KANRI_SOURCE_DIR is not set (ctest sets it)";
  std::size_t files = 0;
  std::set<std::string> seen;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::filesystem::path(source_dir) / "src")) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.ends_with("_test.cpp") ||
        !(name.ends_with(".cpp") || name.ends_with(".h")))
      continue;
    if (entry.path().parent_path().filename() == "sim") continue;  // the simulator answers as a device
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    for (const auto& code : CodesInSource(text.str())) {
      seen.insert(code);
      EXPECT_TRUE(IsKnownProblemCode(code))
          << code << " (in " << entry.path() << ") is not in problem_codes.cpp";
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(seen.size(), 40u) << "the scan finds the codes it is meant to";
}

TEST(ProblemCodes, TheScanFindsEachForm) {
  const std::string text = R"x(
    return Conflict("taken", "a_code");
    return Conflict("the group has more than " + std::to_string(n) + " devices",
                    "b_code");
    return Error{ErrorCode::kConflict, "x", "login", "c_code"};
    return Error{ErrorCode::kPermissionDenied, std::move(message), "a_field"};
    throw http::ApiError(http::Problem{502, "built_" + word, "", "", ""});
    return LimitExceeded("d_code", "too many");
    e.problem = "e_code";
    throw http::ApiError(http::Problem{403, "f_code", "", "no", ""});
    return http::ProblemResponse({503, "g_code", "", "busy", ""});
    return {
        429, "h_code", "", "x", ""};
    return TransportProblem(431, "j_code", "too large");
    json::object body{{"code", "i_code"}};
    return InvalidArgument("field_name", "message");
  )x";
  EXPECT_EQ(CodesInSource(text), (std::set<std::string>{"a_code", "b_code", "c_code", "d_code", "e_code",
                                                        "f_code", "g_code", "h_code", "i_code", "j_code"}));
}

}  // namespace
}  // namespace kanri::http
