#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <iostream>
#include <map>

#include "db/test_database.h"

namespace kanri::http {
namespace {

namespace asio = boost::asio;

asio::awaitable<HttpResponse> Ok(RequestContext& ctx) {
  HttpResponse r =
      JsonResponse(200, "{\"id\":\"" + (ctx.params.count("id") ? ctx.Param("id") : std::string()) + "\"}");
  co_return r;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    RouteTable t;
    t.Add({.method = "GET",
           .path = "/healthz",
           .access = Public(),
           .action = "health",
           .handler = Ok,
           .audited = false});
    t.Add({.method = "GET",
           .path = "/api/v1/things/{id}",
           .access = LoggedIn(),
           .action = "things.get",
           .target_type = "thing",
           .handler = Ok});
    t.Add({.method = "POST",
           .path = "/api/v1/things",
           .access = Needs("accounts.write"),
           .action = "things.create",
           .handler = Ok});
    t.Add({.method = "PUT",
           .path = "/api/v1/counted/{id}",
           .access = LoggedIn(),
           .action = "counted.put",
           .handler = [this](RequestContext& c) {
             ++handled_;
             return Ok(c);
           }});
    t.Add({.method = "GET",
           .path = "/api/v1/provider",
           .access = Needs("provider.companies"),
           .action = "p",
           .handler = Ok});
    router_ = std::make_unique<Router>(
        std::move(t),
        [this](Credential credential, bool op, std::string client_ip) -> asio::awaitable<Authentication> {
          last_was_operation_ = op;
          last_client_ip_ = client_ip;
          last_credential_kind_ = credential.kind;
          const std::string& token = credential.secret;
          Authentication r;
          if (token == "good") {
            identity::SessionActor a;
            a.account.kind = kind_;
            a.account.id = AccountId{"acct"};
            a.account.login = "taro";
            if (kind_ != identity::AccountKind::kSiteAdmin) a.account.company_id = CompanyId{"acme"};
            a.account.must_change_password = must_change_;
            a.totp_enrolment_required = totp_enrolment_required_;
            r.session.actor = a;
            r.session.address_refused = address_refused_;
            r.permissions = access::PermissionSet::AllOf(kind_ == identity::AccountKind::kSiteAdmin
                                                             ? access::PermissionScope::kProvider
                                                             : access::PermissionScope::kCompany);
            if (kind_ == identity::AccountKind::kGeneral) r.permissions = {};
          } else if (token == "old") {
            r.session.end = identity::SessionEnd::kIdle;
            identity::Account gone;
            gone.id = AccountId{"gone"};
            gone.company_id = CompanyId{"acme"};
            r.session.ended_account = gone;
          } else {
            r.session.end = identity::SessionEnd::kUnknown;
          }
          co_return r;
        },
        [this](audit::OperationRecord r) -> asio::awaitable<void> {
          if (history_fails_) throw std::runtime_error("disk I/O error");
          records_.push_back(std::move(r));
          co_return;
        },
        clock_);
    router_->RefuseWritesWhile([this] { return history_down_; });
  }

  HttpResponse Run(std::string method, std::string path,
                   std::vector<std::pair<std::string, std::string>> headers = {},
                   std::string client_ip = "192.0.2.10") {
    HttpRequest req;
    req.client_ip = std::move(client_ip);
    req.method = std::move(method);
    req.target = path;
    const auto question = path.find('?');
    req.path = path.substr(0, question);
    // Enough of a query for these tests: name=value pairs, nothing escaped.
    if (question != std::string::npos) {
      std::string_view rest = std::string_view(path).substr(question + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        req.query.emplace_back(std::string(pair.substr(0, eq)),
                               eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      }
    }
    req.headers = std::move(headers);
    req.request_id = "r1";
    asio::io_context io;
    auto f = asio::co_spawn(io, router_->Handle(req), asio::use_future);
    io.run();
    return f.get();
  }

  static std::vector<std::pair<std::string, std::string>> Session(std::string token, bool csrf = false) {
    std::vector<std::pair<std::string, std::string>> h{{"cookie", "x=1; __Host-kanri_session=" + token}};
    if (csrf) h.emplace_back("x-csrf-token", identity::SessionStore::CsrfTokenFor(token));
    return h;
  }

  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  std::vector<audit::OperationRecord> records_;
  std::unique_ptr<Router> router_;
  identity::AccountKind kind_ = identity::AccountKind::kAdmin;
  bool must_change_ = false;
  bool last_was_operation_ = false;
  std::string last_client_ip_;
  Credential::Kind last_credential_kind_ = Credential::Kind::kSessionCookie;
  bool address_refused_ = false;
  bool totp_enrolment_required_ = false;
  bool history_fails_ = false;
  bool history_down_ = false;
  int handled_ = 0;
};

TEST_F(RouterTest, MatchesPathParametersAnd404sAnd405s) {
  auto r = Run("GET", "/api/v1/things/abc", Session("good"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"id\":\"abc\"}");
  EXPECT_EQ(Run("GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(Run("DELETE", "/healthz").status, 405);
  EXPECT_EQ(Run("GET", "/api/v1/things/").status, 404);
  EXPECT_EQ(Run("GET", "/api/v1/things/a/b").status, 404);
}

// A literal segment wins over a parameter whatever the order the routes were added in.
TEST(RouteTable, TheMostSpecificPatternWins) {
  RouteTable t;
  t.Add({.method = "GET", .path = "/api/v1/devices/{id}", .action = "devices.get"});
  t.Add({.method = "DELETE", .path = "/api/v1/devices/{id}", .action = "devices.delete"});
  t.Add({.method = "GET", .path = "/api/v1/devices/refused", .action = "devices.refused"});
  auto literal = t.Find("GET", "/api/v1/devices/refused");
  ASSERT_NE(literal.route, nullptr);
  EXPECT_EQ(literal.route->action, "devices.refused");
  EXPECT_TRUE(literal.params.empty());
  auto param = t.Find("GET", "/api/v1/devices/abc");
  ASSERT_NE(param.route, nullptr);
  EXPECT_EQ(param.route->action, "devices.get");
  EXPECT_EQ(param.params.at("id"), "abc");
  // No DELETE of the literal: the parameter route takes it, as before.
  auto other_method = t.Find("DELETE", "/api/v1/devices/refused");
  ASSERT_NE(other_method.route, nullptr);
  EXPECT_EQ(other_method.route->action, "devices.delete");
}

TEST_F(RouterTest, OPS_4_SecurityHeadersOnEveryResponse) {
  for (const auto& r : {Run("GET", "/healthz"), Run("GET", "/nope"), Run("GET", "/api/v1/things/x")}) {
    auto has = [&](std::string_view name, std::string_view needle) {
      for (const auto& [k, v] : r.headers)
        if (k == name && v.find(needle) != std::string::npos) return true;
      return false;
    };
    EXPECT_TRUE(has("Strict-Transport-Security", "max-age=31536000"));
    EXPECT_TRUE(has("Content-Security-Policy", "frame-ancestors 'none'"));
    EXPECT_TRUE(has("X-Content-Type-Options", "nosniff"));
    EXPECT_TRUE(has("Referrer-Policy", "no-referrer"));
    EXPECT_TRUE(has("X-Request-Id", "r1"));
  }
}

TEST_F(RouterTest, SEC_3_LoginRequiredAndExpiryExplained) {
  EXPECT_EQ(Run("GET", "/api/v1/things/x").status, 401);
  auto bad = Run("GET", "/api/v1/things/x", Session("forged"));
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.body.find("\"code\":\"unauthenticated\""), std::string::npos);
  auto old = Run("GET", "/api/v1/things/x", Session("old"));
  EXPECT_EQ(old.status, 401);
  EXPECT_NE(old.body.find("\"code\":\"session_expired\""), std::string::npos);
}

TEST_F(RouterTest, SEC_3_BackgroundRequestsAreNotOperations) {
  auto h = Session("good");
  (void)Run("GET", "/api/v1/things/x", h);
  EXPECT_TRUE(last_was_operation_);
  h.emplace_back("x-kanri-background", "1");
  records_.clear();
  (void)Run("GET", "/api/v1/things/x", h);
  EXPECT_FALSE(last_was_operation_);
  // Issue 17: nor history records, when they are reads that succeed.
  EXPECT_TRUE(records_.empty()) << "a background read that succeeds is not recorded";
  // An export is recorded (?format=...), background or not.
  (void)Run("GET", "/api/v1/things/x?format=csv", h);
  ASSERT_EQ(records_.size(), 1U);
  records_.clear();
  // A write with the header is recorded (the header hides nothing), and so is a refused read.
  auto write = Session("good", true);
  write.emplace_back("x-kanri-background", "1");
  EXPECT_EQ(Run("POST", "/api/v1/things", write).status, 200);
  ASSERT_EQ(records_.size(), 1U);
  EXPECT_EQ(records_[0].action, "things.create");
  // An API token's read is a script's, recorded even when it says background.
  kind_ = identity::AccountKind::kSiteAdmin;
  records_.clear();
  EXPECT_EQ(
      Run("GET", "/api/v1/provider", {{"authorization", "Bearer good"}, {"x-kanri-background", "1"}}).status,
      200);
  ASSERT_EQ(records_.size(), 1U);
  kind_ = identity::AccountKind::kGeneral;
  records_.clear();
  EXPECT_EQ(Run("GET", "/api/v1/provider", h).status, 403);
  ASSERT_EQ(records_.size(), 1U);
  EXPECT_EQ(records_[0].outcome, audit::Outcome::kDenied);
}

TEST_F(RouterTest, CsrfHeaderRequiredForStateChanges) {
  auto r = Run("POST", "/api/v1/things", Session("good"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("csrf_failed"), std::string::npos);
  auto wrong = Session("good");
  wrong.emplace_back("x-csrf-token", identity::SessionStore::CsrfTokenFor("other"));
  EXPECT_EQ(Run("POST", "/api/v1/things", wrong).status, 403);
  EXPECT_EQ(Run("POST", "/api/v1/things", Session("good", true)).status, 200);
}

TEST_F(RouterTest, SEC_5_PermissionsAreEnforced) {
  kind_ = identity::AccountKind::kGeneral;
  EXPECT_EQ(Run("POST", "/api/v1/things", Session("good", true)).status, 403);
  EXPECT_EQ(Run("GET", "/api/v1/provider", Session("good")).status, 403);
  kind_ = identity::AccountKind::kSiteAdmin;
  EXPECT_EQ(Run("GET", "/api/v1/provider", Session("good")).status, 200);
  EXPECT_EQ(Run("POST", "/api/v1/things", Session("good", true)).status, 403);
}

TEST_F(RouterTest, SEC_4_ASessionFromAnAddressItsCompanyRefusesIsDeniedAndRecorded) {
  address_refused_ = true;
  auto r = Run("GET", "/api/v1/things/abc", Session("good"), "203.0.113.77");
  EXPECT_EQ(last_client_ip_, "203.0.113.77") << "the authenticator judges the request's address";
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.problem_code, "ip_not_allowed");
  EXPECT_EQ(handled_, 0);
  // Refused before the CSRF-free part of a write too, with the account and the address recorded.
  auto w = Run("POST", "/api/v1/things", Session("good", true), "203.0.113.77");
  EXPECT_EQ(w.problem_code, "ip_not_allowed");
  EXPECT_EQ(handled_, 0);
  ASSERT_EQ(records_.size(), 2u);
  for (const auto& rec : records_) {
    EXPECT_EQ(rec.outcome, audit::Outcome::kDenied);
    EXPECT_EQ(rec.error_code, "ip_not_allowed");
    EXPECT_EQ(rec.actor_login, "taro");
    EXPECT_EQ(rec.source_ip, "203.0.113.77");
  }
}

// SEC-9: an API token in Authorization: Bearer stands for the cookie, needs no CSRF token, and
// is refused on routes about a person's own session.
TEST_F(RouterTest, SEC_9_ABearerTokenAuthenticatesWithoutCookieOrCsrf) {
  auto r = Run("POST", "/api/v1/things", {{"authorization", "Bearer good"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(last_credential_kind_, Credential::Kind::kBearerToken);
  EXPECT_EQ(Run("POST", "/api/v1/things", {{"authorization", "bearer  good "}}).status, 200)
      << "the scheme is case-insensitive";
  // A bearer wins over a cookie that comes with it: an unknown token is refused even then.
  auto bad = Run("POST", "/api/v1/things",
                 {{"authorization", "Bearer nope"}, Session("good", true)[0], Session("good", true)[1]});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.problem_code, "invalid_token");
  EXPECT_EQ(Run("POST", "/api/v1/things", {{"authorization", "Basic Z29vZA=="}}).problem_code,
            "unauthenticated");
  // Routes open to any logged-in account are about the person's own session.
  auto own = Run("GET", "/api/v1/things/x", {{"authorization", "Bearer good"}});
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(own.problem_code, "token_not_allowed");
}

// SEC-9: an account that must enrol a second factor is sent to do so, before any permission.
TEST_F(RouterTest, SEC_9_APendingEnrolmentBlocksOtherRoutes) {
  totp_enrolment_required_ = true;
  kind_ = identity::AccountKind::kGeneral;  // holds no permission either
  auto r = Run("POST", "/api/v1/things", Session("good", true));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.problem_code, "totp_enrolment_required");
  EXPECT_EQ(Run("GET", "/api/v1/things/x", Session("good")).problem_code, "totp_enrolment_required");
}

TEST_F(RouterTest, PendingPasswordChangeBlocksOtherRoutes) {
  must_change_ = true;
  auto r = Run("GET", "/api/v1/things/x", Session("good"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("password_change_required"), std::string::npos);
}

}  // namespace
}  // namespace kanri::http

namespace kanri::http {
namespace {

TEST_F(RouterTest, SEC_6_EveryCallIsRecordedWithItsOutcome) {
  (void)Run("GET", "/api/v1/things/abc", Session("good"));
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].action, "things.get");
  EXPECT_EQ(records_[0].target_type, "thing");
  EXPECT_EQ(records_[0].target_id, "abc");
  EXPECT_EQ(records_[0].actor_login, "taro");
  EXPECT_EQ(records_[0].company, CompanyId{"acme"});
  EXPECT_EQ(records_[0].outcome, audit::Outcome::kSuccess);
  EXPECT_EQ(records_[0].time, clock_.Now());

  records_.clear();
  kind_ = identity::AccountKind::kGeneral;
  (void)Run("POST", "/api/v1/things", Session("good", true));
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].outcome, audit::Outcome::kDenied);
  EXPECT_EQ(records_[0].error_code, "forbidden");

  records_.clear();
  (void)Run("GET", "/healthz");
  EXPECT_TRUE(records_.empty()) << "probes are not operations";
}

TEST_F(RouterTest, SEC_6_SessionExpiryIsRecordedForItsAccount) {
  (void)Run("GET", "/api/v1/things/x", Session("old"));
  ASSERT_EQ(records_.size(), 2u);
  EXPECT_EQ(records_[0].outcome, audit::Outcome::kDenied);
  EXPECT_EQ(records_[0].error_code, "session_expired");
  EXPECT_EQ(records_[1].action, "session.expired");
  EXPECT_EQ(records_[1].actor_id, "gone");
  EXPECT_EQ(records_[1].company, CompanyId{"acme"});
}

TEST_F(RouterTest, SEC_6_AnonymousDenialsAreCountedPerAddressAndMinute) {
  auto from = [](std::string ip) {
    HttpRequest req;
    req.method = "GET";
    req.path = "/api/v1/things/" + std::string(5000, 'x');
    req.target = req.path;
    req.request_id = "r";
    req.client_ip = std::move(ip);
    return req;
  };
  auto run = [&](const HttpRequest& req) {
    asio::io_context io;
    auto f = asio::co_spawn(io, router_->Handle(req), asio::use_future);
    io.run();
    return f.get();
  };
  clock_.Set(*ParseUtc("2025-04-01T00:00:10Z"));
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(run(from("192.0.2.7")).status, 401);
  for (int i = 0; i < 3; ++i) (void)run(from("192.0.2.8"));
  EXPECT_TRUE(records_.empty()) << "nothing is written while the minute is open";

  clock_.Set(*ParseUtc("2025-04-01T00:01:00Z"));
  (void)run(from("192.0.2.7"));  // the first denial after the minute writes its counts
  ASSERT_EQ(records_.size(), 2u);
  std::map<std::string, std::string> details;
  for (const auto& r : records_) {
    EXPECT_EQ(r.action, "anonymous.denied");
    EXPECT_EQ(r.outcome, audit::Outcome::kDenied);
    EXPECT_EQ(r.error_code, "unauthenticated");
    EXPECT_FALSE(r.company) << "the provider's chain";
    EXPECT_LT(r.details.size(), 200u);
    details[r.source_ip] = r.details;
  }
  EXPECT_NE(details["192.0.2.7"].find("\"count\":2000"), std::string::npos) << details["192.0.2.7"];
  EXPECT_NE(details["192.0.2.8"].find("\"count\":3"), std::string::npos) << details["192.0.2.8"];
  EXPECT_NE(details["192.0.2.7"].find("\"window_start\":\"2025-04-01T00:00:00.000Z\""), std::string::npos);

  records_.clear();
  asio::io_context io;
  auto f = asio::co_spawn(io, router_->FlushAnonymousDenials(true), asio::use_future);
  io.run();
  f.get();
  ASSERT_EQ(records_.size(), 1u) << "shutdown writes the open minute";
  EXPECT_NE(records_[0].details.find("\"count\":1"), std::string::npos);
}

TEST_F(RouterTest, SEC_6_ClientChosenIdsAreClippedInRecords) {
  (void)Run("GET", "/api/v1/things/" + std::string(100'000, 'y'), Session("good"));
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].target_id, std::string(audit::kMaxRecordedIdBytes, 'y'));
}

// SEC-6 against a real history: what 2,000 requests without a session add to the stored
// records, next to what 2,000 refusals of a known account add (those are recorded one by one).
class StoredHistory : public ::testing::Test {
 protected:
  StoredHistory() {
    RouteTable t;
    t.Add({.method = "GET",
           .path = "/api/v1/accounts/{id}",
           .access = Needs("accounts.read"),
           .action = "accounts.get",
           .target_type = "account",
           .handler = Ok});
    router_ = std::make_unique<Router>(
        std::move(t),
        [](Credential credential, bool, std::string) -> asio::awaitable<Authentication> {
          const std::string& token = credential.secret;
          Authentication r;
          if (token == "clerk") {
            identity::SessionActor a;
            a.account.id = AccountId{"clerk"};
            a.account.login = "clerk";
            a.account.company_id = CompanyId{"acme"};
            r.session.actor = a;  // holds no permission
          }
          co_return r;
        },
        [this](audit::OperationRecord r) -> asio::awaitable<void> {
          history_.Append(r);
          co_return;
        },
        clock_);
  }
  struct Size {
    long long records = 0;
    long long bytes = 0;
  };
  Size Measure() {
    auto lease = tdb_.db().Acquire();
    Size s;
    lease.sql() << "SELECT COUNT(*), COALESCE(SUM(LENGTH(chain) + LENGTH(actor_id) + LENGTH(actor_login) + "
                   "LENGTH(source_ip) + LENGTH(action) + LENGTH(target_type) + LENGTH(target_id) + "
                   "LENGTH(outcome) + LENGTH(error_code) + LENGTH(request_id) + LENGTH(details) + "
                   "LENGTH(prev_hash) + LENGTH(hash)), 0) FROM audit_records",
        soci::into(s.records), soci::into(s.bytes);
    return s;
  }
  int Get(const std::string& path, const std::string& cookie = "") {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.target = path;
    req.request_id = "req-" + std::to_string(++requests_);
    req.client_ip = "192.0.2.7";
    if (!cookie.empty()) req.headers = {{"cookie", "__Host-kanri_session=" + cookie}};
    asio::io_context io;
    auto f = asio::co_spawn(io, router_->Handle(req), asio::use_future);
    io.run();
    return f.get().status;
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:10Z")};
  audit::OperationHistory history_{tdb_.db(), clock_, ""};
  std::unique_ptr<Router> router_;
  int requests_ = 0;
};

TEST_F(StoredHistory, SEC_6_TwoThousandAnonymousRequestsAddOneRecord) {
  const std::string path = "/api/v1/accounts/" + std::string(300, 'x');
  const Size start = Measure();
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(Get(path), 401);
  clock_.Advance(std::chrono::minutes{1});
  ASSERT_EQ(Get(path), 401);  // the first denial after the minute writes its count
  const Size anonymous = Measure();
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(Get(path, "clerk"), 403);
  const Size known = Measure();
  std::cout << "[ measured ] 2000 anonymous requests (300-byte IDs): " << start.records << " -> "
            << anonymous.records << " records, " << start.bytes << " -> " << anonymous.bytes << " bytes\n"
            << "[ measured ] 2000 refusals of a known account, recorded one by one: " << anonymous.records
            << " -> " << known.records << " records, " << anonymous.bytes << " -> " << known.bytes
            << " bytes\n";
  EXPECT_EQ(anonymous.records - start.records, 1);
  EXPECT_LT(anonymous.bytes - start.bytes, 600);
  EXPECT_EQ(known.records - anonymous.records, 2000) << "a known account's refusals stay individual";
  EXPECT_LT((known.bytes - anonymous.bytes) / 2000, 256 + 400) << "each with its ID clipped";
}

TEST(ClipClientText, SEC_6_CutsAtACharacterBoundary) {
  EXPECT_EQ(audit::ClipClientText("abc", 5), "abc");
  EXPECT_EQ(audit::ClipClientText("abcdef", 3), "abc");
  EXPECT_EQ(audit::ClipClientText("a\xE6\x97\xA5", 3), "a") << "a three-byte character is not cut in half";
  EXPECT_EQ(audit::ClipClientText("a\xE6\x97\xA5", 4), "a\xE6\x97\xA5");
}

TEST_F(RouterTest, SEC_6_AWriteWhoseRecordIsNotStoredIsAnswered503) {
  history_fails_ = true;
  auto write = Run("PUT", "/api/v1/counted/1", Session("good", true));
  EXPECT_EQ(write.status, 503);
  EXPECT_EQ(write.problem_code, "history_unavailable");
  auto has = [&](std::string_view name) {
    for (const auto& [k, v] : write.headers)
      if (k == name) return true;
    return false;
  };
  EXPECT_TRUE(has("Retry-After"));
  EXPECT_TRUE(has("Content-Security-Policy")) << "still a complete response";
  // A read keeps its answer: it changed nothing.
  EXPECT_EQ(Run("GET", "/api/v1/things/abc", Session("good")).status, 200);
}

TEST_F(RouterTest, SEC_6_WritesAreRefusedBeforeTheHandlerWhileTheHistoryIsDown) {
  history_down_ = true;
  auto write = Run("PUT", "/api/v1/counted/1", Session("good", true));
  EXPECT_EQ(write.status, 503);
  EXPECT_EQ(write.problem_code, "history_unavailable");
  EXPECT_EQ(handled_, 0) << "the handler must not run";
  EXPECT_EQ(Run("GET", "/api/v1/things/abc", Session("good")).status, 200);
  history_down_ = false;
  EXPECT_EQ(Run("PUT", "/api/v1/counted/1", Session("good", true)).status, 200);
  EXPECT_EQ(handled_, 1);
}

}  // namespace
}  // namespace kanri::http
