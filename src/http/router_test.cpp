#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace kanri::http {
namespace {

namespace asio = boost::asio;

asio::awaitable<HttpResponse> Ok(RequestContext& ctx) {
  HttpResponse r = JsonResponse(200, "{\"id\":\"" + (ctx.params.count("id") ? ctx.Param("id") : std::string()) + "\"}");
  co_return r;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    RouteTable t;
    t.Add({.method = "GET", .path = "/healthz", .access = Access::kPublic, .action = "health", .handler = Ok});
    t.Add({.method = "GET", .path = "/api/v1/things/{id}", .access = Access::kAuthenticated, .action = "things.get",
           .handler = Ok});
    t.Add({.method = "POST", .path = "/api/v1/things", .access = Access::kCompanyAdmin, .action = "things.create",
           .handler = Ok});
    t.Add({.method = "GET", .path = "/api/v1/provider", .access = Access::kSiteAdmin, .action = "p", .handler = Ok});
    router_ = std::make_unique<Router>(std::move(t), [this](std::string token, bool op) -> asio::awaitable<identity::SessionStore::Resolved> {
      last_was_operation_ = op;
      identity::SessionStore::Resolved r;
      if (token == "good") {
        identity::SessionActor a;
        a.account.kind = kind_;
        a.account.must_change_password = must_change_;
        r.actor = a;
      } else if (token == "old") {
        r.end = identity::SessionEnd::kIdle;
      } else {
        r.end = identity::SessionEnd::kUnknown;
      }
      co_return r;
    });
  }

  HttpResponse Run(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.target = req.path;
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

  std::unique_ptr<Router> router_;
  identity::AccountKind kind_ = identity::AccountKind::kAdmin;
  bool must_change_ = false;
  bool last_was_operation_ = false;
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
  (void)Run("GET", "/api/v1/things/x", h);
  EXPECT_FALSE(last_was_operation_);
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

TEST_F(RouterTest, AccessKindsAreEnforced) {
  kind_ = identity::AccountKind::kGeneral;
  EXPECT_EQ(Run("POST", "/api/v1/things", Session("good", true)).status, 403);
  EXPECT_EQ(Run("GET", "/api/v1/provider", Session("good")).status, 403);
  kind_ = identity::AccountKind::kSiteAdmin;
  EXPECT_EQ(Run("GET", "/api/v1/provider", Session("good")).status, 200);
  EXPECT_EQ(Run("POST", "/api/v1/things", Session("good", true)).status, 403);
}

TEST_F(RouterTest, PendingPasswordChangeBlocksOtherRoutes) {
  must_change_ = true;
  auto r = Run("GET", "/api/v1/things/x", Session("good"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("password_change_required"), std::string::npos);
}

}  // namespace
}  // namespace kanri::http
