// Sessions over the real API: the cookie, CSRF, logout, SEC-3 idle and absolute timeouts.
#include <algorithm>
#include <cctype>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kCookie[] = "__Host-kanri_session";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The attributes of a Set-Cookie value, lowercased and trimmed ("path=/", "secure", ...).
std::vector<std::string> CookieAttributes(const std::string& set_cookie) {
  std::vector<std::string> out;
  std::size_t start = set_cookie.find(';');
  while (start != std::string::npos) {
    std::size_t end = set_cookie.find(';', start + 1);
    std::string a =
        set_cookie.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
    a.erase(0, a.find_first_not_of(' '));
    a.erase(a.find_last_not_of(' ') + 1);
    out.push_back(Lower(a));
    start = end;
  }
  return out;
}

class Sessions : public TenantTest {
 protected:
  int SessionStatus(HttpsClient& client, const Headers& headers = {}) {
    return client.Get("/api/v1/session", headers).status;
  }
  std::vector<std::string> AccountLogins(HttpsClient& admin) {
    std::vector<std::string> logins;
    for (const auto& a : ListAll(admin, "/api/v1/accounts")) logins.push_back(Str(a, "login"));
    std::sort(logins.begin(), logins.end());
    return logins;
  }
  std::string NewAccountBody(const std::string& login) {
    return json::serialize(json::object{{"login", login},
                                        {"name", "N " + login},
                                        {"email", login + "@example.com"},
                                        {"kind", "general"},
                                        {"password", "Gen-pass-" + login + "-42"}});
  }
};

TEST_F(Sessions, SEC_3_LoginSetsAHardenedSessionCookie) {
  auto client = NewClient();
  Response r = TryLogin(*client, kCompanyACode, kAdminALogin, kAdminPassword);
  ASSERT_EQ(r.status, 200) << r.Describe();
  std::vector<std::string> set_cookies = r.HeaderValues("Set-Cookie");
  ASSERT_EQ(set_cookies.size(), 1u);
  const std::string& set_cookie = set_cookies.front();
  EXPECT_TRUE(set_cookie.starts_with(std::string(kCookie) + "=")) << set_cookie;
  std::vector<std::string> attributes = CookieAttributes(set_cookie);
  auto has = [&](const std::string& a) {
    return std::find(attributes.begin(), attributes.end(), a) != attributes.end();
  };
  EXPECT_TRUE(has("path=/")) << set_cookie;
  EXPECT_TRUE(has("secure")) << set_cookie;
  EXPECT_TRUE(has("httponly")) << set_cookie;
  EXPECT_TRUE(has("samesite=strict")) << set_cookie;
  for (const auto& a : attributes) EXPECT_FALSE(a.starts_with("domain=")) << "__Host- cookies have no Domain";

  // At least 128 random bits: 22 characters of base64url, 32 of hex.
  std::string token = client->Cookie(kCookie).value_or("");
  EXPECT_GE(token.size(), 22u) << token;
  // Stored only as a hash: the token itself is nowhere in the data dir.
  EXPECT_EQ(FilesContaining(server().data_dir(), token), std::vector<std::string>{});

  json::value body = r.Json();
  EXPECT_EQ(Str(Member(body, "account"), "login"), kAdminALogin);
  EXPECT_FALSE(Str(body, "csrf_token").empty());
  EXPECT_EQ(Member(body, "account").as_object().if_contains("password_hash"), nullptr);
}

TEST_F(Sessions, SEC_3_GetSessionTellsWhoIsLoggedIn) {
  Response r = admin_a().Get("/api/v1/session");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json::value body = r.Json();
  const json::value& account = Member(body, "account");
  EXPECT_EQ(Str(account, "id"), admin_a_id());
  EXPECT_EQ(Str(account, "login"), kAdminALogin);
  EXPECT_EQ(Str(account, "company_id"), company_a_id());
  EXPECT_EQ(Str(account, "kind"), "admin");
  EXPECT_EQ(Str(account, "status"), "active");
  EXPECT_EQ(Member(account, "must_change_password"), json::value(false));
  EXPECT_TRUE(ParseApiTime(Str(account, "last_login_at")).has_value());
  EXPECT_FALSE(Str(body, "csrf_token").empty());
  EXPECT_TRUE(ParseApiTime(Str(body, "expires_at")).has_value()) << r.body;
  EXPECT_EQ(Member(body, "idle_timeout_seconds"), json::value(3600));

  Response site = site_admin().Get("/api/v1/session");
  ASSERT_EQ(site.status, 200) << site.Describe();
  EXPECT_TRUE(Member(Member(site.Json(), "account"), "company_id").is_null());
  EXPECT_EQ(Str(Member(site.Json(), "account"), "kind"), "site_admin");

  auto anonymous = NewClient();
  Response none = anonymous->Get("/api/v1/session");
  EXPECT_EQ(none.status, 401) << none.Describe();
  EXPECT_EQ(ProblemCode(none), "unauthenticated");
  anonymous->SetCookie(kCookie, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  Response forged = anonymous->Get("/api/v1/session");
  EXPECT_EQ(forged.status, 401) << forged.Describe();
  EXPECT_EQ(ProblemCode(forged), "unauthenticated");
}

TEST_F(Sessions, SEC_3_StateChangingRequestsNeedTheCsrfToken) {
  HttpsClient& alice = admin_a();
  std::vector<std::string> before = AccountLogins(alice);

  Response missing = alice.Post("/api/v1/accounts", NewAccountBody("no-token"), {{"X-CSRF-Token", ""}});
  // An empty header counts as missing; also try without the header at all.
  alice.RemoveDefaultHeader("X-CSRF-Token");
  Response absent = alice.Post("/api/v1/accounts", NewAccountBody("no-token"));
  Response wrong =
      alice.Post("/api/v1/accounts", NewAccountBody("no-token"), {{"X-CSRF-Token", "forged-token"}});
  for (const Response* r : {&missing, &absent, &wrong}) {
    EXPECT_EQ(r->status, 403) << r->Describe();
    EXPECT_EQ(ProblemCode(*r), "csrf_failed") << r->Describe();
  }
  EXPECT_EQ(AccountLogins(alice), before) << "a refused request must change nothing";

  // Other state-changing methods too.
  EXPECT_EQ(alice.Patch("/api/v1/accounts/" + admin_a_id(), R"({"name":"Changed"})").status, 403);
  EXPECT_EQ(alice
                .Put("/api/v1/session/password",
                     json::serialize(json::object{{"current", kAdminPassword}, {"new", "Brand-new-pw-8812"}}))
                .status,
            403);
  EXPECT_EQ(alice.Delete("/api/v1/session").status, 403);
  EXPECT_EQ(SessionStatus(alice), 200) << "a logout without the token must not log out";
  Response site_refused =
      site_admin().Post("/api/v1/companies", R"({"code":"NOTOKEN","name":"x","contract_start":"2025-01-01"})",
                        {{"X-CSRF-Token", "nope"}});
  EXPECT_EQ(site_refused.status, 403) << site_refused.Describe();

  // With the token the same request succeeds.
  auto fresh = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  Response ok = fresh->Post("/api/v1/accounts", NewAccountBody("with-token"));
  EXPECT_EQ(ok.status, 201) << ok.Describe();
  Response name = fresh->Get("/api/v1/accounts/" + admin_a_id());
  EXPECT_EQ(Str(name.Json(), "name"), "Admin alice") << "the refused PATCH must not have applied";
}

TEST_F(Sessions, SEC_3_LogoutKillsTheTokenOnTheServer) {
  ASSERT_EQ(SessionStatus(admin_a()), 200);  // another session of the same account
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  std::string token = alice->Cookie(kCookie).value_or("");
  ASSERT_FALSE(token.empty());
  Response bye = alice->Delete("/api/v1/session");
  EXPECT_EQ(bye.status, 204) << bye.Describe();
  EXPECT_EQ(SessionStatus(*alice), 401);

  // Replaying the old cookie on a new connection does not revive the session.
  auto replay = NewClient();
  replay->SetCookie(kCookie, token);
  Response r = replay->Get("/api/v1/session");
  EXPECT_EQ(r.status, 401) << r.Describe();
  EXPECT_EQ(ProblemCode(r), "unauthenticated");
  Response list = replay->Get("/api/v1/accounts");
  EXPECT_EQ(list.status, 401) << list.Describe();

  // Other sessions of the same account live on.
  EXPECT_EQ(SessionStatus(admin_a()), 200);
}

TEST_F(Sessions, SEC_3_SessionEndsAfterSixtyIdleMinutes) {
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  server().AdvanceClock(59min);
  EXPECT_EQ(SessionStatus(*alice), 200) << "59 idle minutes are fine";
  // That request was an operation: another 59 minutes are fine again.
  server().AdvanceClock(59min);
  EXPECT_EQ(SessionStatus(*alice), 200);
  server().AdvanceClock(60min);
  Response r = alice->Get("/api/v1/session");
  EXPECT_EQ(r.status, 401) << r.Describe();
  EXPECT_EQ(ProblemCode(r), "session_expired") << r.Describe();
  Response again = alice->Get("/api/v1/accounts");
  EXPECT_EQ(again.status, 401) << "the session stays ended";

  // Logging in again works.
  EXPECT_EQ(SessionStatus(*LoginAs(kCompanyACode, kAdminALogin, kAdminPassword)), 200);
}

TEST_F(Sessions, SEC_3_BackgroundPollingDoesNotCountAsAnOperation) {
  auto polling = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  auto working = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  const Headers background = {{"X-Kanri-Background", "1"}};
  // Issue 17: a background read is no history record; the same read by a person is one.
  const auto listed = [&] { return ListAll(*working, "/api/v1/audit?action=accounts.list").size(); };
  const std::size_t before = listed();
  EXPECT_EQ(polling->Get("/api/v1/accounts", background).status, 200);
  EXPECT_EQ(listed(), before);
  EXPECT_EQ(working->Get("/api/v1/accounts").status, 200);
  EXPECT_EQ(listed(), before + 1);
  server().AdvanceClock(20min);
  EXPECT_EQ(SessionStatus(*polling, background), 200);
  server().AdvanceClock(20min);
  EXPECT_EQ(SessionStatus(*polling, background), 200);
  EXPECT_EQ(polling->Get("/api/v1/accounts", background).status, 200);
  EXPECT_EQ(SessionStatus(*working), 200);  // a real operation at 40 minutes
  server().AdvanceClock(19min);
  EXPECT_EQ(SessionStatus(*polling, background), 200) << "59 minutes";
  server().AdvanceClock(1min);
  // 60 minutes since the last real operation: ended, though it polled all along.
  Response r = polling->Get("/api/v1/session", background);
  EXPECT_EQ(r.status, 401) << r.Describe();
  EXPECT_EQ(ProblemCode(r), "session_expired") << r.Describe();
  // The session that worked at 40 minutes is still alive.
  EXPECT_EQ(SessionStatus(*working), 200);
}

TEST_F(Sessions, SEC_3_SessionsEndAfterTheirAbsoluteLifetime) {
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  // Active every 50 minutes: alive until 12 hours after login, then ended.
  for (int i = 1; i <= 14; ++i) {
    server().AdvanceClock(50min);
    ASSERT_EQ(SessionStatus(*alice), 200) << "at " << 50 * i << " minutes";
  }
  server().AdvanceClock(50min);  // 750 minutes > 12 hours
  Response r = alice->Get("/api/v1/session");
  EXPECT_EQ(r.status, 401) << r.Describe();
  EXPECT_EQ(ProblemCode(r), "session_expired");
}

TEST_F(Sessions, SEC_3_DisablingAnAccountEndsItsSessionsAtOnce) {
  json::object carol = CreateAccount(admin_a(), "carol", "admin", "Carol-pass-7719");
  auto carol_client = LoginAs(kCompanyACode, "carol", "Carol-pass-7719");
  ASSERT_EQ(SessionStatus(*carol_client), 200);
  Response r = admin_a().Patch("/api/v1/accounts/" + Str(carol, "id"), R"({"status":"disabled"})");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(Str(r.Json(), "status"), "disabled");
  EXPECT_EQ(SessionStatus(*carol_client), 401);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "carol", "Carol-pass-7719").status, 401);

  // Re-enabled, carol can log in again (her old session stays dead).
  ASSERT_EQ(admin_a().Patch("/api/v1/accounts/" + Str(carol, "id"), R"({"status":"active"})").status, 200);
  EXPECT_EQ(SessionStatus(*carol_client), 401);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "carol", "Carol-pass-7719").status, 200);
}

TEST_F(Sessions, SEC_1_LockingAnAccountEndsItsSessions) {
  json::object carol = CreateAccount(admin_a(), "carol", "general", "Carol-pass-7719");
  auto carol_client = LoginAs(kCompanyACode, "carol", "Carol-pass-7719");
  ASSERT_EQ(SessionStatus(*carol_client), 200);
  auto attacker = NewClient();
  for (int i = 0; i < 5; ++i)
    TryLogin(*attacker, kCompanyACode, "carol", "Wrong-" + std::to_string(i) + "-pw");
  EXPECT_EQ(SessionStatus(*carol_client), 401) << "a locked account keeps no session";
}

}  // namespace
}  // namespace kanri::testing
