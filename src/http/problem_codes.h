// Every problem code the API can answer (the `code` of an RFC 9457 problem), with what it means.
//
// The OpenAPI document lists them as the enum of Problem.code, so the console's types hold the
// union and the console cannot lack a Japanese or English message for one (issue 18). A code
// that is not here is a bug: the server built with test hooks stops at the first answer that
// carries one (SetStrictProblemCodes), so every test that reaches it fails.
#pragma once

#include <span>
#include <string_view>

namespace kanri::http {

struct ProblemCodeInfo {
  std::string_view code;
  std::string_view meaning;  // English, for the API document; the console has its own texts
};

std::span<const ProblemCodeInfo> ProblemCodes();
bool IsKnownProblemCode(std::string_view code);

// Makes ProblemResponse abort on an unknown code (the kanri binary in test-hooks builds).
void SetStrictProblemCodes(bool strict);
bool StrictProblemCodes();

}  // namespace kanri::http
