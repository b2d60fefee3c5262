// The REST API as data: every tests/http/*.http transcript (format in tests/http/README.md) is
// played against a fresh `kanri serve`, request by request, and each answer must have the
// expected status, headers and JSON body, no key more. The server starts as TenantTest leaves
// it: a site administrator, company ACME and its administrator alice, none of them logged in
// on the transcript's clients.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "support/device_seed.h"
#include "support/http_transcript.h"
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

std::filesystem::path TranscriptDir() {
  if (const char* source = std::getenv("KANRI_SOURCE_DIR"); source != nullptr && *source != '\0')
    return std::filesystem::path(source) / "tests" / "http";
  return KANRI_HTTP_TRANSCRIPTS_DIR;
}

// The transcripts' names (file names without .http), sorted.
std::vector<std::string> TranscriptNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(TranscriptDir(), ec))
    if (entry.path().extension() == ".http") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string TestName(const std::string& file) {
  std::string name = file;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// "61m", "30s", "2h", "1d" (with an optional leading +).
std::chrono::milliseconds ParseDuration(std::string text) {
  if (text.starts_with("+")) text.erase(0, 1);
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) throw std::runtime_error("not a duration: " + text);
  const long long n = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "s") return std::chrono::seconds{n};
  if (unit == "m") return std::chrono::minutes{n};
  if (unit == "h") return std::chrono::hours{n};
  if (unit == "d") return std::chrono::hours{24 * n};
  throw std::runtime_error("not a duration (s, m, h, d): " + text);
}

class HttpTranscript : public TenantTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    TenantTest::SetUp();
    vars_ = {{"SITE_LOGIN", kSiteAdminLogin}, {"SITE_PASSWORD", kSiteAdminPassword},
             {"ACME_CODE", kCompanyACode},    {"ACME_ID", company_a_id()},
             {"ALICE_LOGIN", kAdminALogin},   {"ALICE_PASSWORD", kAdminPassword},
             {"ALICE_ID", admin_a_id()}};
  }

  void Play(const Transcript& transcript) {
    for (const auto& step : transcript.steps) {
      const std::string at = transcript.path + ":" + std::to_string(step.line);
      try {
        if (step.kind == TranscriptStep::Kind::kDirective) {
          Directive(step);
        } else if (!Exchange(step, transcript.path)) {
          return;  // later steps build on this one
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << at << ": " << e.what();
        return;
      }
    }
  }

 private:
  HttpsClient& Client(const std::string& name) {
    auto& client = clients_[name];
    if (!client) client = NewClient();
    return *client;
  }

  // `=== device {{=NAME}} company=ID serial=SN [model=M] [software_version=V] [product_class=P]
  //  [oui=O] [tags=a,b] [online=false]`, `=== clock +61m`.
  void Directive(const TranscriptStep& step) {
    const auto& w = step.words;
    if (w[0] == "clock" && w.size() == 2) {
      server().AdvanceClock(ParseDuration(w[1]));
      return;
    }
    if (w[0] == "device" && w.size() >= 2) {
      if (!w[1].starts_with("{{=") || !w[1].ends_with("}}"))
        throw std::runtime_error("=== device {{=NAME}} …: the device's id is remembered as NAME");
      const std::string name = w[1].substr(3, w[1].size() - 5);
      DeviceSeed seed;
      std::string company;
      for (std::size_t i = 2; i < w.size(); ++i) {
        const std::size_t eq = w[i].find('=');
        if (eq == std::string::npos) throw std::runtime_error("expected key=value, got " + w[i]);
        const std::string key = w[i].substr(0, eq);
        const std::string value = Substitute(w[i].substr(eq + 1), vars_, Substitution::kRequestText);
        if (key == "company") {
          company = value;
        } else if (key == "serial") {
          seed.serial = value;
        } else if (key == "model") {
          seed.model = value;
        } else if (key == "software_version") {
          seed.software_version = value;
        } else if (key == "product_class") {
          seed.product_class = value;
        } else if (key == "oui") {
          seed.oui = value;
        } else if (key == "online") {
          seed.online = value != "false";
        } else if (key == "tags") {
          for (std::size_t start = 0; start <= value.size();) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            if (comma > start) seed.tags.push_back(value.substr(start, comma - start));
            start = comma + 1;
          }
        } else {
          throw std::runtime_error("unknown device field " + key);
        }
      }
      if (company.empty()) throw std::runtime_error("=== device needs company=ID");
      vars_[name] = SeedDevice(server().data_dir() + "/kanri.db", company, seed);
      return;
    }
    throw std::runtime_error("unknown directive (=== device …, === clock +DURATION)");
  }

  // Sends the request and checks the answer; false (after a failure) when it does not match.
  bool Exchange(const TranscriptStep& step, const std::string& path) {
    const std::string target = Substitute(step.target, vars_, Substitution::kRequestText);
    Headers headers;
    for (const auto& [name, value] : step.request_headers)
      headers.emplace_back(name, Substitute(value, vars_, Substitution::kRequestText));
    const std::string body = Substitute(step.request_body, vars_, Substitution::kRequestJson);
    const Response r = Client(step.client).Request(step.method, target, body, headers);

    const std::string at = path + ":" + std::to_string(step.response_line) + ": " + step.method + " " +
                           target + " (" + step.client + ")";
    if (r.status != step.expected_status) {
      ADD_FAILURE() << at << ": expected status " << step.expected_status << ", got " << r.Describe();
      return false;
    }
    for (const auto& [name, value] : step.expected_headers) {
      const std::string pattern = Substitute(value, vars_, Substitution::kExpectedText);
      bool found = false;
      for (const auto& got : r.HeaderValues(name)) found = found || MatchText(pattern, got, vars_);
      if (!found) {
        std::string got;
        for (const auto& v : r.HeaderValues(name)) got += "\n  " + name + ": " + v;
        ADD_FAILURE() << at << ": expected header " << name << ": " << pattern
                      << (got.empty() ? std::string("\n  (no such header)") : got);
        return false;
      }
    }
    if (step.expected_body.empty()) {
      if (!r.body.empty()) {
        ADD_FAILURE() << at << ": expected no body, got " << r.body;
        return false;
      }
      return true;
    }
    boost::system::error_code ec;
    const boost::json::value expected =
        boost::json::parse(Substitute(step.expected_body, vars_, Substitution::kExpectedJson), ec);
    if (ec) {
      ADD_FAILURE() << path << ":" << step.response_line
                    << ": the expected body is not JSON: " << ec.message();
      return false;
    }
    const boost::json::value actual = boost::json::parse(r.body, ec);
    if (ec) {
      ADD_FAILURE() << at << ": the answer is not JSON: " << r.Describe();
      return false;
    }
    if (std::string why = MatchJson(expected, actual, vars_); !why.empty()) {
      ADD_FAILURE() << at << ": " << why << "\n  whole answer: " << r.body;
      return false;
    }
    return true;
  }

  Variables vars_;
  std::map<std::string, std::unique_ptr<HttpsClient>> clients_;
};

TEST_P(HttpTranscript, Plays) {
  const std::string shown = "tests/http/" + GetParam() + ".http";
  const Transcript transcript =
      ParseTranscript(shown, ReadFile((TranscriptDir() / (GetParam() + ".http")).string()));
  Play(transcript);
}

INSTANTIATE_TEST_SUITE_P(Api, HttpTranscript, ::testing::ValuesIn(TranscriptNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return TestName(info.param);
                         });

// The format itself, without a server: each rule can fail.

TEST(HttpTranscriptFormat, TheRequiredTranscriptsExist) {
  const auto names = TranscriptNames();
  for (const char* required : {"session", "accounts", "devices"})
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end())
        << TranscriptDir() << " has no " << required << ".http";
}

boost::json::value J(std::string_view text) {
  return boost::json::parse(text);
}

TEST(HttpTranscriptFormat, KeysMatchInAnyOrderAndAnExtraKeyFails) {
  Variables v;
  EXPECT_EQ(MatchJson(J(R"({"a":1,"b":"x"})"), J(R"({"b":"x","a":1.0})"), v), "");
  EXPECT_EQ(
      MatchJson(J(R"({"a":1})"), J(R"({"a":1,"new":true})"), v),
      "$: unexpected key \"new\" (true); add it to the transcript, or \"{{...}}\": \"{{*}}\" to allow any");
  EXPECT_EQ(MatchJson(J(R"({"a":1,"{{...}}":"{{*}}"})"), J(R"({"a":1,"new":true})"), v), "");
  EXPECT_EQ(MatchJson(J(R"({"a":{"b":[1,2]}})"), J(R"({"a":{"b":[1,3]}})"), v),
            "$.a.b[1]: expected 2, got 3");
  EXPECT_EQ(MatchJson(J(R"({"a":1,"b":2})"), J(R"({"a":1})"), v), "$: missing key \"b\" in {\"a\":1}");
}

TEST(HttpTranscriptFormat, PatternsMatchAnyValueCaptureAndAreReused) {
  Variables v;
  EXPECT_EQ(
      MatchJson(J(R"({"id":"{{=ID}}","at":"{{*}}","n":"{{*}}"})"), J(R"({"id":"abc","at":"t","n":null})"), v),
      "");
  EXPECT_EQ(v.at("ID"), "abc");
  EXPECT_EQ(Substitute(R"({"path":"/x/{{ID}}","any":"{{*}}"})", v, Substitution::kExpectedJson),
            R"({"path":"/x/abc","any":"{{*}}"})");
  EXPECT_THROW(Substitute("/x/{{NOPE}}", v, Substitution::kRequestText), std::runtime_error);
  EXPECT_THROW(Substitute("/x/{{*}}", v, Substitution::kRequestText), std::runtime_error);
  EXPECT_TRUE(MatchText("__Host-s={{=S}}; Path=/; {{*}}", "__Host-s=t0k; Path=/; Secure", v));
  EXPECT_EQ(v.at("S"), "t0k");
  EXPECT_FALSE(MatchText("a.c", "abc", v)) << "literal text is not a regular expression";
  EXPECT_NE(MatchJson(J(R"(["{{*}}"])"), J("[1,2]"), v), "");
  EXPECT_EQ(MatchJson(J(R"([1,"{{...}}"])"), J("[1,2,3]"), v), "");
}

TEST(HttpTranscriptFormat, ParsesExchangesAndDirectivesAndNamesTheLineOfAnError) {
  const Transcript t = ParseTranscript("t.http", R"(# a comment
=== clock +5m
>>> a POST /api/v1/session
X-Test: 1

{"login": "x"}
<<< 401
Content-Type: application/problem+json

{"code": "login_failed"}

>>> a DELETE /api/v1/session
<<< 204
)");
  ASSERT_EQ(t.steps.size(), 3u);
  EXPECT_EQ(t.steps[0].words, (std::vector<std::string>{"clock", "+5m"}));
  EXPECT_EQ(t.steps[1].request_headers, (Headers{{"X-Test", "1"}}));
  EXPECT_EQ(t.steps[1].request_body, R"({"login": "x"})");
  EXPECT_EQ(t.steps[1].expected_status, 401);
  EXPECT_EQ(t.steps[1].response_line, 7);
  EXPECT_EQ(t.steps[1].expected_headers, (Headers{{"Content-Type", "application/problem+json"}}));
  EXPECT_EQ(t.steps[2].expected_body, "");
  try {
    ParseTranscript("t.http", ">>> a GET /x\n\n>>> a GET /y\n<<< 200\n");
    ADD_FAILURE() << "a request without an answer parsed";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "t.http:1: this request has no answer (<<< STATUS) after it");
  }
}

}  // namespace
}  // namespace kanri::testing
