// SEC-4 (IP restriction per company, client address behind trusted proxies) and SEC-9 (API
// tokens) against the real binary. Loopback holds all of 127.0.0.0/8, so clients leave from
// 127.0.0.2 to act as another address and 127.0.0.3 acts as the trusted proxy.
#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

constexpr char kOutside[] = "127.0.0.2";
constexpr char kProxy[] = "127.0.0.3";

class SignIn : public TenantTest {
 protected:
  SignIn() : TenantTest({"--trusted-proxy", std::string(kProxy) + "/32"}) {}

  std::unique_ptr<HttpsClient> ClientFrom(const std::string& address) {
    auto c = NewClient();
    c->SetLocalAddress(address);
    return c;
  }

  Response Restrict(HttpsClient& admin, const std::string& list, bool enabled = true) {
    return admin.Patch("/api/v1/company/settings", R"({"ip_restriction_enabled":)" +
                                                       std::string(enabled ? "true" : "false") +
                                                       R"(,"ip_allowlist":)" + list + "}");
  }

  // The company's history records of `action` (newest first).
  json::array History(HttpsClient& reader, const std::string& action) {
    return Member(reader.Get("/api/v1/audit?action=" + action).Json(), "items").as_array();
  }
};

TEST_F(SignIn, SEC_4_TheLockOutGuardRefusesAListWithoutTheCallersAddress) {
  Response r = Restrict(admin_a(), R"(["127.0.0.2/32"])");
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_EQ(ProblemCode(r), "would_lock_out_caller");
  Response now = admin_a().Get("/api/v1/company/settings");
  ASSERT_EQ(now.status, 200) << now.Describe();
  EXPECT_FALSE(Member(now.Json(), "ip_restriction_enabled").as_bool()) << "nothing changed";
  EXPECT_EQ(Str(now.Json(), "your_address"), "127.0.0.1");
  // Bad entries are refused with the field named, and change nothing either.
  Response bad = Restrict(admin_a(), R"(["127.0.0.1/33"])");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  EXPECT_EQ(ProblemField(bad), "ip_allowlist");
  Response host_bits = Restrict(admin_a(), R"(["127.0.0.1/8"])");
  EXPECT_EQ(ProblemField(host_bits), "ip_allowlist") << host_bits.Describe();
  EXPECT_EQ(Member(admin_a().Get("/api/v1/company/settings").Json(), "ip_allowlist").as_array().size(), 0u);
}

TEST_F(SignIn, SEC_4_LoginsAndSessionsFromOutsideTheListAreRefusedAndRecorded) {
  const std::string cookie = *admin_a().Cookie("__Host-kanri_session");
  Response on = Restrict(admin_a(), R"(["127.0.0.1/32", "2001:db8::/32"])");
  ASSERT_EQ(on.status, 200) << on.Describe();
  EXPECT_EQ(Member(on.Json(), "ip_allowlist").as_array().size(), 2u);

  // The right password from outside gets exactly the answer of a wrong one.
  auto outside = ClientFrom(kOutside);
  Response right = TryLogin(*outside, kCompanyACode, kAdminALogin, kAdminPassword);
  Response wrong = TryLogin(*outside, kCompanyACode, kAdminALogin, "Not-the-password-1");
  EXPECT_EQ(right.status, 401) << right.Describe();
  EXPECT_EQ(right.status, wrong.status);
  EXPECT_EQ(right.body, wrong.body);
  EXPECT_EQ(TryLogin(*ClientFrom("127.0.0.1"), kCompanyACode, kAdminALogin, kAdminPassword).status, 200);

  // alice's own session, used from outside: refused, and the session still works from inside.
  outside->SetCookie("__Host-kanri_session", cookie);
  Response stolen = outside->Get("/api/v1/devices");
  EXPECT_EQ(stolen.status, 403) << stolen.Describe();
  EXPECT_EQ(ProblemCode(stolen), "ip_not_allowed");
  EXPECT_EQ(admin_a().Get("/api/v1/devices").status, 200);

  // Both refusals are in the history with the address.
  bool login_recorded = false;
  for (const auto& rec : History(admin_a(), "session.login"))
    login_recorded |= Str(rec, "source_ip") == kOutside && Str(rec, "outcome") == "failed" &&
                      Str(Member(rec, "details"), "reason") == "address_not_allowed";
  EXPECT_TRUE(login_recorded);
  auto denied = History(admin_a(), "devices.list");
  bool session_recorded = false;
  for (const auto& rec : denied)
    session_recorded |= Str(rec, "source_ip") == kOutside && Str(rec, "error_code") == "ip_not_allowed" &&
                        Str(rec, "actor_login") == kAdminALogin;
  EXPECT_TRUE(session_recorded);
}

TEST_F(SignIn, SEC_4_OnlyATrustedProxyNamesTheClient) {
  ASSERT_EQ(Restrict(admin_a(), R"(["127.0.0.1/32"])").status, 200);
  // Through the trusted proxy, the address it names counts, read from the right.
  auto proxy = ClientFrom(kProxy);
  Response via_allowed =
      proxy->Post("/api/v1/session", LoginBody(kCompanyACode, kAdminALogin, kAdminPassword),
                  {{"X-Forwarded-For", "127.0.0.1"}});
  EXPECT_EQ(via_allowed.status, 200) << via_allowed.Describe();
  proxy->ClearCookies();
  Response spoofed_left =
      proxy->Post("/api/v1/session", LoginBody(kCompanyACode, kAdminALogin, kAdminPassword),
                  {{"X-Forwarded-For", "127.0.0.1, 127.0.0.2"}});
  EXPECT_EQ(spoofed_left.status, 401)
      << "the proxy saw 127.0.0.2; what 127.0.0.2 claimed before it is ignored";
  Response forwarded = proxy->Post("/api/v1/session", LoginBody(kCompanyACode, kAdminALogin, kAdminPassword),
                                   {{"Forwarded", "for=127.0.0.1;proto=https"}});
  EXPECT_EQ(forwarded.status, 200) << forwarded.Describe();
  // From an untrusted peer, a forwarding header changes nothing.
  auto outside = ClientFrom(kOutside);
  Response spoof = outside->Post("/api/v1/session", LoginBody(kCompanyACode, kAdminALogin, kAdminPassword),
                                 {{"X-Forwarded-For", "127.0.0.1"}, {"Forwarded", "for=127.0.0.1"}});
  EXPECT_EQ(spoof.status, 401) << spoof.Describe();
  bool recorded_as_itself = false;
  for (const auto& rec : History(admin_a(), "session.login"))
    recorded_as_itself |= Str(rec, "source_ip") == kOutside;
  EXPECT_TRUE(recorded_as_itself) << "the history names the real peer, not the spoofed address";
}

TEST_F(SignIn, SEC_4_TheSiteAdministratorSetsAnyCompanysRestrictionAndTheCompanySeesIt) {
  const std::string path = "/api/v1/companies/" + company_a_id() + "/settings";
  ASSERT_EQ(admin_a().Get("/api/v1/devices").status, 200);
  // No lock-out guard for the provider: its own address is not the company's.
  Response on = site_admin().Patch(path, R"({"ip_restriction_enabled":true,"ip_allowlist":["127.0.0.5"]})");
  ASSERT_EQ(on.status, 200) << on.Describe();
  EXPECT_EQ(Member(on.Json(), "ip_allowlist").as_array().at(0).as_string(), "127.0.0.5/32");
  Response refused = admin_a().Get("/api/v1/devices");
  EXPECT_EQ(ProblemCode(refused), "ip_not_allowed") << refused.Describe();
  EXPECT_EQ(site_admin().Get("/api/v1/companies").status, 200) << "site administrators are not restricted";
  // Another company's administrator cannot read or change ACME's settings by any route.
  CreateCompany("BETA", "Beta");
  Response other = admin_a().Get(path);
  EXPECT_EQ(other.status, 403);
  ASSERT_EQ(site_admin().Patch(path, R"({"ip_restriction_enabled":false})").status, 200);
  auto events = History(admin_a(), "company.settings_changed");
  ASSERT_EQ(events.size(), 2u) << "the company sees both changes in its own history";
  EXPECT_EQ(Str(events.at(0), "actor_login"), kSiteAdminLogin);
}

// SEC-9: a token holds only what it was given, needs no cookie or CSRF token, sees only its
// company, cannot manage tokens, and stops when revoked or when its company is suspended.
TEST_F(SignIn, SEC_9_APITokensAreScopedRevocableAndRecorded) {
  Response created = admin_a().Post(
      "/api/v1/tokens",
      R"({"name":"inventory sync","permissions":["devices.read"],"expires_at":"2099-01-01T00:00:00Z"})");
  EXPECT_EQ(created.status, 400) << "more than a year ahead: " << created.Describe();
  EXPECT_EQ(ProblemField(created), "expires_at");
  const auto expiry = ApiTimeInDays(30);
  created = admin_a().Post(
      "/api/v1/tokens",
      R"({"name":"inventory sync","permissions":["devices.read"],"expires_at":")" + expiry + R"("})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  const std::string secret = Str(created.Json(), "token");
  const std::string id = Str(created.Json(), "id");
  ASSERT_TRUE(secret.starts_with("kanri_"));

  auto integration = NewClient();  // no cookie, no CSRF token
  const Headers bearer = {{"Authorization", "Bearer " + secret}};
  EXPECT_EQ(integration->Get("/api/v1/devices", bearer).status, 200);
  Response write = integration->Post("/api/v1/profiles", R"({"name":"x"})", bearer);
  EXPECT_EQ(write.status, 403) << write.Describe();
  EXPECT_EQ(ProblemCode(write), "forbidden");
  EXPECT_EQ(ProblemCode(integration->Get("/api/v1/session", bearer)), "token_not_allowed");
  EXPECT_EQ(ProblemCode(integration->Get("/api/v1/tokens", bearer)), "token_not_allowed");
  // Its scope is its company: another company's account is not found.
  CreateCompany("BETA", "Beta");
  EXPECT_EQ(integration->Get("/api/v1/accounts/" + admin_a_id(), bearer).status, 403) << "no accounts.read";

  // A write token needs no CSRF token, and the history names the token as the actor.
  const std::string writer_body =
      R"({"name":"provisioning","permissions":["profiles.write","profiles.read"],"expires_at":")" + expiry +
      R"("})";
  Response w = admin_a().Post("/api/v1/tokens", writer_body);
  ASSERT_EQ(w.status, 201) << w.Describe();
  const Headers writer = {{"Authorization", "Bearer " + Str(w.Json(), "token")}};
  Response profile = integration->Post(
      "/api/v1/profiles",
      R"({"name":"from-token","match":{"oui":"00D09E"},"device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})",
      writer);
  EXPECT_EQ(profile.status, 201) << profile.Describe();
  auto records = History(admin_a(), "profiles.create");
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(Str(records.at(0), "actor_login"), "token:provisioning");
  EXPECT_EQ(Str(records.at(0), "actor_id"), Str(w.Json(), "id"));

  // Listed with its last use; never with its secret.
  Response list = admin_a().Get("/api/v1/tokens");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  bool used = false;
  const json::value listed = list.Json();
  for (const auto& t : Member(listed, "items").as_array())
    used |= Str(t, "id") == id && Str(t, "last_used_ip") == "127.0.0.1";
  EXPECT_TRUE(used) << list.Describe();

  // The restriction of SEC-4 applies to tokens too.
  ASSERT_EQ(Restrict(admin_a(), R"(["127.0.0.1/32"])").status, 200);
  EXPECT_EQ(ProblemCode(ClientFrom(kOutside)->Get("/api/v1/devices", bearer)), "ip_not_allowed");
  ASSERT_EQ(Restrict(admin_a(), "[]", false).status, 200);

  // Revoked: refused at once.
  EXPECT_EQ(admin_a().Delete("/api/v1/tokens/" + id).status, 204);
  Response revoked = integration->Get("/api/v1/devices", bearer);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(ProblemCode(revoked), "invalid_token");
  // A suspended company's tokens stop at once.
  ASSERT_EQ(site_admin().Patch("/api/v1/companies/" + company_a_id(), R"({"status":"suspended"})").status,
            200);
  EXPECT_EQ(ProblemCode(integration->Get("/api/v1/profiles", writer)), "invalid_token");
}

// SEC-8: one company's token cannot see or revoke another company's tokens or data.
TEST_F(SignIn, SEC_8_SEC_9_AnotherCompanysTokenSeesNothingOfOurs) {
  auto beta = CreateCompany("BETA", "Beta");
  CreateCompanyAdmin(Str(beta, "id"), "bob", kAdminPassword);
  auto bob = LoginAs("BETA", "bob", kAdminPassword);
  const auto expiry = ApiTimeInDays(30);
  Response ours = admin_a().Post(
      "/api/v1/tokens", R"({"name":"a","permissions":["accounts.read"],"expires_at":")" + expiry + R"("})");
  Response theirs = bob->Post(
      "/api/v1/tokens", R"({"name":"b","permissions":["accounts.read"],"expires_at":")" + expiry + R"("})");
  ASSERT_EQ(ours.status, 201);
  ASSERT_EQ(theirs.status, 201);
  const Headers beta_token = {{"Authorization", "Bearer " + Str(theirs.Json(), "token")}};
  auto client = NewClient();
  EXPECT_EQ(client->Get("/api/v1/accounts/" + admin_a_id(), beta_token).status, 404);
  Response list = client->Get("/api/v1/accounts", beta_token);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(kAdminALogin), std::string::npos);
  EXPECT_EQ(bob->Delete("/api/v1/tokens/" + Str(ours.Json(), "id")).status, 404);
  EXPECT_EQ(bob->Get("/api/v1/tokens").body.find(Str(ours.Json(), "id")), std::string::npos);
  // The provider's tokens are the provider's: a provider token reads companies, not devices.
  Response provider = site_admin().Post(
      "/api/v1/tokens",
      R"({"name":"orders","permissions":["provider.companies"],"expires_at":")" + expiry + R"("})");
  ASSERT_EQ(provider.status, 201) << provider.Describe();
  const Headers provider_token = {{"Authorization", "Bearer " + Str(provider.Json(), "token")}};
  EXPECT_EQ(client->Get("/api/v1/companies", provider_token).status, 200);
  EXPECT_EQ(client->Get("/api/v1/devices", provider_token).status, 403);
}

// SEC-9: enrolment with a QR code, a two-step login, a code accepted once, recovery codes used
// once, a company that requires the factor, and an administrator's reset.
TEST_F(SignIn, SEC_9_TotpEnrolmentTwoStepLoginReplayAndRecovery) {
  Response begun = admin_a().Post("/api/v1/session/totp/enrolment", "");
  ASSERT_EQ(begun.status, 200) << begun.Describe();
  const std::string secret = Str(begun.Json(), "secret");
  EXPECT_TRUE(
      Str(begun.Json(), "otpauth_uri").starts_with("otpauth://totp/Kanri:ACME%2Falice?secret=" + secret));
  EXPECT_TRUE(Str(begun.Json(), "qr_svg").starts_with("<svg"));
  const std::string now_code = TotpCode(secret);
  Response wrong =
      admin_a().Post("/api/v1/session/totp/enrolment/confirm",
                     R"({"code":")" + std::string(now_code == "123456" ? "654321" : "123456") + R"("})");
  EXPECT_EQ(ProblemCode(wrong), "wrong_code") << wrong.Describe();
  Response on = admin_a().Post("/api/v1/session/totp/enrolment/confirm", R"({"code":")" + now_code + R"("})");
  ASSERT_EQ(on.status, 200) << on.Describe();
  const json::value confirmed = on.Json();
  const auto& recovery = Member(confirmed, "recovery_codes").as_array();
  ASSERT_EQ(recovery.size(), 10u);
  EXPECT_TRUE(Member(admin_a().Get("/api/v1/accounts/" + admin_a_id()).Json(), "totp_enabled").as_bool());

  // The password alone earns a challenge; the challenge and a code open the session.
  auto phone = NewClient();
  Response first = TryLogin(*phone, kCompanyACode, kAdminALogin, kAdminPassword);
  ASSERT_EQ(first.status, 401) << first.Describe();
  ASSERT_EQ(ProblemCode(first), "totp_required");
  EXPECT_FALSE(phone->Cookie("__Host-kanri_session")) << "no session before the code";
  const std::string code = TotpCode(secret, 1);  // the enrolment used this step's code
  Response second = phone->Post("/api/v1/session/totp", R"({"challenge":")" + Str(first.Json(), "challenge") +
                                                            R"(","code":")" + code + R"("})");
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(phone->Get("/api/v1/session").status, 200);

  // The same code again, with a fresh challenge: refused. A recovery code works once.
  auto thief = NewClient();
  const std::string challenge =
      Str(TryLogin(*thief, kCompanyACode, kAdminALogin, kAdminPassword).Json(), "challenge");
  Response replay =
      thief->Post("/api/v1/session/totp", R"({"challenge":")" + challenge + R"(","code":")" + code + R"("})");
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(ProblemCode(replay), "totp_failed");
  Response unknown = thief->Post(
      "/api/v1/session/totp", R"({"challenge":"not-a-challenge","code":")" + TotpCode(secret, 1) + R"("})");
  EXPECT_EQ(ProblemCode(unknown), "challenge_expired");
  const std::string recovery_code(recovery.at(0).as_string());
  EXPECT_EQ(thief
                ->Post("/api/v1/session/totp",
                       R"({"challenge":")" + challenge + R"(","code":")" + recovery_code + R"("})")
                .status,
            200);
  auto again = NewClient();
  const std::string challenge2 =
      Str(TryLogin(*again, kCompanyACode, kAdminALogin, kAdminPassword).Json(), "challenge");
  EXPECT_EQ(again
                ->Post("/api/v1/session/totp",
                       R"({"challenge":")" + challenge2 + R"(","code":")" + recovery_code + R"("})")
                .status,
            401)
      << "a recovery code is used up";
  // New recovery codes replace the old ones, proved by a code (here a recovery code: the current
  // steps' codes are spent).
  const std::string spare(recovery.at(1).as_string());
  const std::string proof(recovery.at(2).as_string());
  phone->SetDefaultHeader("X-CSRF-Token", Str(second.Json(), "csrf_token"));
  Response renewed = phone->Post("/api/v1/session/totp/recovery-codes", R"({"code":")" + proof + R"("})");
  ASSERT_EQ(renewed.status, 200) << renewed.Describe();
  const std::string fresh(Member(renewed.Json(), "recovery_codes").as_array().at(0).as_string());
  const std::string challenge3 =
      Str(TryLogin(*again, kCompanyACode, kAdminALogin, kAdminPassword).Json(), "challenge");
  EXPECT_EQ(
      again
          ->Post("/api/v1/session/totp", R"({"challenge":")" + challenge3 + R"(","code":")" + spare + R"("})")
          .status,
      401)
      << "an old, unused recovery code no longer works";
  EXPECT_EQ(
      again
          ->Post("/api/v1/session/totp", R"({"challenge":")" + challenge3 + R"(","code":")" + fresh + R"("})")
          .status,
      200);
  bool recorded = false;
  for (const auto& rec : History(admin_a(), "session.login_second_factor"))
    recorded |= Str(rec, "outcome") == "failed" && Str(Member(rec, "details"), "reason") == "wrong_code";
  EXPECT_TRUE(recorded);

  // A company that requires the factor: a new account logs in only to enrol.
  ASSERT_EQ(site_admin()
                .Patch("/api/v1/companies/" + company_a_id() + "/settings", R"({"totp_required":true})")
                .status,
            200);
  auto hana_account = CreateAccount(admin_a(), "hana", "admin", "Hq5-garden-Pearl-30");
  auto hana_login = NewClient();
  Response hana_answer = TryLogin(*hana_login, kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  ASSERT_EQ(hana_answer.status, 200) << hana_answer.Describe();
  EXPECT_TRUE(Member(hana_answer.Json(), "totp_enrolment_required").as_bool())
      << "the login's answer says it";
  auto hana = LoginAs(kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  EXPECT_TRUE(Member(hana->Get("/api/v1/session").Json(), "totp_enrolment_required").as_bool());
  Response confined = hana->Get("/api/v1/devices");
  EXPECT_EQ(ProblemCode(confined), "totp_enrolment_required") << confined.Describe();
  Response hana_begun = hana->Post("/api/v1/session/totp/enrolment", "");
  ASSERT_EQ(hana_begun.status, 200) << hana_begun.Describe();
  ASSERT_EQ(hana->Post("/api/v1/session/totp/enrolment/confirm",
                       R"({"code":")" + TotpCode(Str(hana_begun.Json(), "secret")) + R"("})")
                .status,
            200);
  EXPECT_NE(hana->Get("/api/v1/devices").status, 403) << "enrolled: the session works";
  EXPECT_EQ(admin_a().Request("DELETE", "/api/v1/session/totp", "{}").status, 400) << "a code is required";
  Response keep =
      admin_a().Request("DELETE", "/api/v1/session/totp", R"({"code":")" + TotpCode(secret, 1) + R"("})");
  EXPECT_EQ(ProblemCode(keep), "totp_required_by_policy") << keep.Describe();

  // An administrator resets hana's factor (a lost phone): she logs in with her password and
  // must enrol again, since the company requires it.
  Response token =
      admin_a().Post("/api/v1/tokens", R"({"name":"hr","permissions":["accounts.write"],"expires_at":")" +
                                           ApiTimeInDays(1) + R"("})");
  ASSERT_EQ(token.status, 201) << token.Describe();
  EXPECT_EQ(ProblemCode(NewClient()->Post("/api/v1/accounts/" + Str(hana_account, "id") + "/totp-reset", "",
                                          {{"Authorization", "Bearer " + Str(token.Json(), "token")}})),
            "token_not_allowed")
      << "a token never takes a person's second factor off";
  EXPECT_EQ(admin_a().Post("/api/v1/accounts/" + Str(hana_account, "id") + "/totp-reset", "").status, 204);
  auto hana_again = NewClient();
  EXPECT_EQ(TryLogin(*hana_again, kCompanyACode, "hana", "Hq5-garden-Pearl-30").status, 200);
  EXPECT_EQ(ProblemCode(hana_again->Get("/api/v1/devices")), "totp_enrolment_required");
}

}  // namespace
}  // namespace kanri::testing
