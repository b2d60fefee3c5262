// DATA-3 over the real binary: passwords only as argon2id hashes, nowhere in plain text (database
// files, logs), the password policy, resets and bootstrap.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "support/kanri_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

struct Argon2Parameters {
  long memory_kib = 0;
  long iterations = 0;
};

// Reads "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"; nullopt for anything else.
std::optional<Argon2Parameters> ParsePhc(const std::string& phc) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$m=";
  if (!phc.starts_with(kPrefix)) return std::nullopt;
  Argon2Parameters p;
  char tail[8] = {};
  long parallelism = 0;
  int consumed = 0;
  if (std::sscanf(phc.c_str() + kPrefix.size(), "%ld,t=%ld,p=%ld%1[$]%n", &p.memory_kib, &p.iterations,
                  &parallelism, tail, &consumed) != 4) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(phc).substr(kPrefix.size() + static_cast<std::size_t>(consumed));
  std::size_t dollar = rest.find('$');
  // A salt and a hash, both non-empty base64.
  if (dollar == std::string_view::npos || dollar == 0 || dollar + 1 >= rest.size()) return std::nullopt;
  auto base64 = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    });
  };
  if (!base64(rest.substr(0, dollar)) || !base64(rest.substr(dollar + 1))) return std::nullopt;
  return p;
}

class Passwords : public TenantTest {
 protected:
  std::string AccountBody(const std::string& login, const std::string& password,
                          const std::string& kind = "general") {
    return json::serialize(json::object{{"login", login},
                                        {"name", "N " + login},
                                        {"email", login + "@example.com"},
                                        {"kind", kind},
                                        {"password", password}});
  }
  std::vector<std::string> AccountLogins(HttpsClient& admin) {
    std::vector<std::string> logins;
    for (const auto& a : ListAll(admin, "/api/v1/accounts")) logins.push_back(Str(a, "login"));
    std::sort(logins.begin(), logins.end());
    return logins;
  }
  std::string PasswordChange(const std::string& current, const std::string& next) {
    return json::serialize(json::object{{"current", current}, {"new", next}});
  }
};

TEST_F(Passwords, DATA_3_PlaintextPasswordsAppearNowhere) {
  // Distinctive passwords that went through every path: create, login, failed login, change,
  // reset (temporary password) and bootstrap.
  const std::string created = "Zebra-Plaintext-Probe-0001";
  const std::string wrong = "Zebra-Plaintext-Probe-0002";
  const std::string changed = "Zebra-Plaintext-Probe-0003";
  const std::string second_admin = "Zebra-Plaintext-Probe-0004";
  json::object dave = CreateAccount(admin_a(), "dave", "admin", created);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "dave", wrong).status, 401);
  auto dave_client = LoginAs(kCompanyACode, "dave", created);
  Response change = dave_client->Put("/api/v1/session/password", PasswordChange(created, changed));
  ASSERT_EQ(change.status, 204) << change.Describe();
  Response reset = admin_a().Post("/api/v1/accounts/" + Str(dave, "id") + "/password-reset", "");
  ASSERT_EQ(reset.status, 200) << reset.Describe();
  std::string temporary = Str(reset.Json(), "temporary_password");
  ASSERT_GE(temporary.size(), 8u);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "dave", temporary).status, 200);
  json::object globex = CreateCompany("GLOBEX", "Globex");
  CreateCompanyAdmin(Str(globex, "id"), "gadmin", second_admin);

  const std::vector<std::string> secrets = {created,   wrong,          changed,           second_admin,
                                            temporary, kAdminPassword, kSiteAdminPassword};
  auto check = [&](const std::string& when) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(FilesContaining(server().data_dir(), secret), std::vector<std::string>{})
          << "password " << secret << " found in plain text " << when;
    }
  };
  check("while running (database, WAL, logs)");
  EXPECT_TRUE(std::filesystem::exists(server().data_dir() + "/kanri.db"));
  ASSERT_EQ(server().Stop(), 0);
  check("after shutdown");
  for (const auto& secret : secrets) EXPECT_EQ(server().Logs().find(secret), std::string::npos) << secret;

  // What is stored is an argon2id PHC string at or above OWASP's minimum, salted per account.
  std::vector<std::string> hashes =
      QueryColumn(server().data_dir() + "/kanri.db", "SELECT password_hash FROM accounts");
  ASSERT_GE(hashes.size(), 4u);
  for (const auto& hash : hashes) {
    std::optional<Argon2Parameters> params = ParsePhc(hash);
    ASSERT_TRUE(params.has_value()) << hash;
    EXPECT_GE(params->memory_kib, 19456) << hash;
    EXPECT_GE(params->iterations, 2) << hash;
  }
  std::set<std::string> distinct(hashes.begin(), hashes.end());
  EXPECT_EQ(distinct.size(), hashes.size());
}

TEST_F(Passwords, DATA_3_EqualPasswordsGetDifferentSalts) {
  CreateAccount(admin_a(), "twin-one", "general", "Same-password-for-twins");
  CreateAccount(admin_a(), "twin-two", "general", "Same-password-for-twins");
  ASSERT_EQ(server().Stop(), 0);
  std::vector<std::string> hashes =
      QueryColumn(server().data_dir() + "/kanri.db",
                  "SELECT password_hash FROM accounts WHERE login IN ('twin-one','twin-two')");
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_NE(hashes[0], hashes[1]);
}

TEST_F(Passwords, DATA_3_PolicyRefusesShortCommonAndLoginEqualPasswords) {
  HttpsClient& alice = admin_a();
  std::vector<std::string> before = AccountLogins(alice);
  struct Case {
    std::string what;
    std::string login;
    std::string password;
  };
  const std::vector<Case> refused = {
      {"7 characters", "weak-one", "Zq4-p9L"},
      {"129 characters", "weak-two", std::string(129, 'k')},
      {"common", "weak-three", "password123"},
      {"common", "weak-four", "qwertyuiop"},
      {"equal to the login", "Weak-Five-Login-Name", "Weak-Five-Login-Name"},
      {"empty", "weak-six", ""},
  };
  for (const auto& c : refused) {
    Response r = alice.Post("/api/v1/accounts", AccountBody(c.login, c.password));
    EXPECT_EQ(r.status, 400) << c.what << ": " << r.Describe();
    EXPECT_EQ(ProblemCode(r), "invalid_request") << c.what << ": " << r.Describe();
    EXPECT_EQ(ProblemField(r), "password") << c.what << ": " << r.Describe();
  }
  EXPECT_EQ(AccountLogins(alice), before) << "refused accounts must not exist";

  // The bounds themselves are fine: 8 and 128 characters, no composition rules.
  EXPECT_EQ(alice.Post("/api/v1/accounts", AccountBody("eight", "Zq4-p9Lm")).status, 201);
  EXPECT_EQ(alice.Post("/api/v1/accounts", AccountBody("long", std::string(128, 'k'))).status, 201);
  EXPECT_EQ(alice.Post("/api/v1/accounts", AccountBody("lowercase", "onlylowercaseletters")).status, 201);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "long", std::string(128, 'k')).status, 200);

  // The same policy guards the first administrator and password changes.
  Response admin = site_admin().Post(
      "/api/v1/companies/" + Str(CreateCompany("GLOBEX", "Globex"), "id") + "/administrators",
      json::serialize(json::object{
          {"login", "gadmin"}, {"name", "G"}, {"email", "g@example.com"}, {"password", "password123"}}));
  EXPECT_EQ(admin.status, 400) << admin.Describe();
  EXPECT_EQ(ProblemField(admin), "password") << admin.Describe();
  Response change = alice.Put("/api/v1/session/password", PasswordChange(kAdminPassword, "password123"));
  EXPECT_EQ(change.status, 400) << change.Describe();
  EXPECT_EQ(ProblemField(change), "new") << change.Describe();
  Response as_login =
      alice.Put("/api/v1/session/password", PasswordChange(kAdminPassword, kAdminALogin + std::string("")));
  EXPECT_EQ(as_login.status, 400) << as_login.Describe();
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 200)
      << "refused changes leave the password as it was";
}

TEST_F(Passwords, DATA_3_ChangingOwnPasswordNeedsTheCurrentOne) {
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  Response wrong =
      alice->Put("/api/v1/session/password", PasswordChange("Not-my-password-1", "Brand-new-pw-8812"));
  EXPECT_EQ(wrong.status, 403) << wrong.Describe();
  EXPECT_EQ(ProblemCode(wrong), "wrong_password") << wrong.Describe();
  Response ok = alice->Put("/api/v1/session/password", PasswordChange(kAdminPassword, "Brand-new-pw-8812"));
  EXPECT_EQ(ok.status, 204) << ok.Describe();
  EXPECT_EQ(alice->Get("/api/v1/session").status, 200) << "the session that changed the password lives on";
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, kAdminPassword).status, 401);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, kAdminALogin, "Brand-new-pw-8812").status, 200);
}

TEST_F(Passwords, DATA_3_ResetGivesATemporaryPasswordThatMustBeChanged) {
  json::object frank = CreateAccount(admin_a(), "frank", "admin", "Frank-first-pw-1234");
  const std::string frank_id = Str(frank, "id");
  Response reset = admin_a().Post("/api/v1/accounts/" + frank_id + "/password-reset", "");
  ASSERT_EQ(reset.status, 200) << reset.Describe();
  std::string temporary = Str(reset.Json(), "temporary_password");
  EXPECT_GE(temporary.size(), 12u);
  EXPECT_EQ(Member(Member(reset.Json(), "account"), "must_change_password"), json::value(true));

  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "frank", "Frank-first-pw-1234").status, 401)
      << "the old password no longer works";
  auto client = NewClient();
  Response login = TryLogin(*client, kCompanyACode, "frank", temporary);
  ASSERT_EQ(login.status, 200) << login.Describe();
  EXPECT_EQ(Member(Member(login.Json(), "account"), "must_change_password"), json::value(true));
  client->SetDefaultHeader("X-CSRF-Token", Str(login.Json(), "csrf_token"));

  // Until the change, only the session itself answers.
  EXPECT_EQ(client->Get("/api/v1/session").status, 200);
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/accounts"},
                                                        {"GET", "/api/v1/accounts/" + frank_id},
                                                        {"POST", "/api/v1/accounts"}}) {
    Response r =
        client->Request(method, target, method == "POST" ? AccountBody("sneaky", "Sneaky-pw-12345") : "");
    EXPECT_EQ(r.status, 403) << method << " " << target << ": " << r.Describe();
    EXPECT_EQ(ProblemCode(r), "password_change_required") << r.Describe();
  }
  Response change =
      client->Put("/api/v1/session/password", PasswordChange(temporary, "Frank-chosen-pw-5678"));
  ASSERT_EQ(change.status, 204) << change.Describe();
  EXPECT_EQ(client->Get("/api/v1/accounts").status, 200);

  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "frank", temporary).status, 401);
  Response again = TryLogin(*NewClient(), kCompanyACode, "frank", "Frank-chosen-pw-5678");
  ASSERT_EQ(again.status, 200) << again.Describe();
  EXPECT_EQ(Member(Member(again.Json(), "account"), "must_change_password"), json::value(false));
  std::vector<std::string> logins = AccountLogins(admin_a());
  EXPECT_EQ(std::count(logins.begin(), logins.end(), "sneaky"), 0);
}

TEST_F(Passwords, SEC_1_TemporaryPasswordExpiresAfter72Hours) {
  json::object hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  Response reset = admin_a().Post("/api/v1/accounts/" + Str(hana, "id") + "/password-reset", "");
  ASSERT_EQ(reset.status, 200) << reset.Describe();
  const std::string temporary = Str(reset.Json(), "temporary_password");

  server().AdvanceClock(71h);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "hana", temporary).status, 200) << "valid for 72 hours";
  server().AdvanceClock(1h);
  Response wrong = TryLogin(*NewClient(), kCompanyACode, "hana", "Not-the-temporary-1");
  EXPECT_EQ(ProblemCode(wrong), "login_failed") << "only the right password learns it expired";
  Response expired = TryLogin(*NewClient(), kCompanyACode, "hana", temporary);
  EXPECT_EQ(expired.status, 401) << expired.Describe();
  EXPECT_EQ(ProblemCode(expired), "temporary_password_expired") << expired.Describe();

  // A new reset gives a fresh 72 hours (alice's session has long ended: she logs in again).
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  Response again = alice->Post("/api/v1/accounts/" + Str(hana, "id") + "/password-reset", "");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "hana", Str(again.Json(), "temporary_password")).status,
            200);
}

// A small hashing queue, so that one source could fill it without a fair share.
class PasswordFlood : public TenantTest {
 protected:
  PasswordFlood()
      : TenantTest(
            {"--hash-queue", "6", "--hash-queue-per-address", "3", "--login-ip-max-failures", "100000"}) {}
};

TEST_F(PasswordFlood, SEC_1_WrongPasswordChangesLockTheAccountAndSpareOtherLogins) {
  CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  CreateAccount(admin_a(), "bob", "general", "Bw2-island-Cedar-84");
  auto hana = LoginAs(kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  const std::string cookie = hana->Cookie("__Host-kanri_session").value();
  const std::string csrf = Str(hana->Get("/api/v1/session").Json(), "csrf_token");

  // Eight clients on hana's session, each trying wrong current passwords as fast as it can
  // until the account is locked (at most kMaxTries each, since a busy answer costs nothing and
  // how many come back busy depends on the machine), with failed logins of unknown accounts in
  // between; meanwhile bob logs in from another address (127.0.0.2).
  constexpr int kClients = 8, kMaxTries = 400;
  std::mutex mu;
  std::map<std::string, int> answers, login_answers;  // "403 wrong_password" -> count
  std::vector<std::thread> flood;
  for (int c = 0; c < kClients; ++c) {
    flood.emplace_back([&, c] {
      auto client = NewClient();
      client->SetCookie("__Host-kanri_session", cookie);
      client->SetDefaultHeader("X-CSRF-Token", csrf);
      for (int i = 0; i < kMaxTries; ++i) {
        const std::string change = json::serialize(json::object{
            {"current", "Wrong-current-" + std::to_string(c * 1000 + i)}, {"new", "Hn9-new-Pass-4410"}});
        Response r = client->Put("/api/v1/session/password", change);
        Response l =
            TryLogin(*client, kCompanyACode, "ghost-" + std::to_string(c), "Wrong-pw-" + std::to_string(i));
        const std::string answer = std::to_string(r.status) + " " + ProblemCode(r);
        std::lock_guard lock(mu);
        ++answers[answer];
        ++login_answers[std::to_string(l.status) + " " + ProblemCode(l)];
        if (answer == "403 account_locked" || r.status == 401) break;  // locked, or the session ended
      }
    });
  }
  std::vector<int> bob_logins;
  for (int i = 0; i < 3; ++i) {
    HttpsClient bob{"127.0.0.1", server().api_port()};
    bob.SetLocalAddress("127.0.0.2");
    bob_logins.push_back(TryLogin(bob, kCompanyACode, "bob", "Bw2-island-Cedar-84").status);
  }
  for (auto& t : flood) t.join();

  std::string summary;
  for (const auto& [answer, n] : answers) summary += answer + " x" + std::to_string(n) + "; ";
  std::string login_summary;
  for (const auto& [answer, n] : login_answers) login_summary += answer + " x" + std::to_string(n) + "; ";
  std::cout << "[ flood    ] password-change answers: " << summary << "\n"
            << "[ flood    ] flood login answers: " << login_summary << "\n";
  EXPECT_EQ(login_answers["503 overloaded"], 0) << login_summary;
  EXPECT_EQ(answers["403 wrong_password"], 5) << "exactly five wrong passwords are checked: " << summary;
  EXPECT_EQ(answers["503 overloaded"], 0) << summary;
  for (const auto& [answer, n] : answers)
    EXPECT_TRUE(n == 0 || answer == "403 wrong_password" || answer == "403 account_locked" ||
                answer == "401 unauthenticated" || answer == "429 password_check_busy")
        << summary;
  for (int status : bob_logins) EXPECT_EQ(status, 200) << "bob's logins from another address still work";

  // hana is locked: even her right password is refused, and her session ended.
  EXPECT_EQ(TryLogin(*NewClient(), kCompanyACode, "hana", "Hq5-garden-Pearl-30").status, 401);
  EXPECT_EQ(hana->Get("/api/v1/session").status, 401);
  HttpsClient bob{"127.0.0.1", server().api_port()};
  bob.SetLocalAddress("127.0.0.2");
  EXPECT_EQ(TryLogin(bob, kCompanyACode, "bob", "Bw2-island-Cedar-84").status, 200);
}

class Bootstrap : public ServerTest {};

TEST_F(Bootstrap, DATA_3_GeneratedPasswordIsPrintedOnceAndWorks) {
  CliResult boot = server().RunCli({"admin", "bootstrap", "--login", "operator"});
  ASSERT_EQ(boot.exit_code, 0) << boot.Describe();
  constexpr std::string_view kLine = "Generated password: ";
  std::size_t at = boot.out.find(kLine);
  ASSERT_NE(at, std::string::npos) << boot.Describe();
  std::size_t start = at + kLine.size();
  std::string password = boot.out.substr(start, boot.out.find_first_of(" \r\n", start) - start);
  EXPECT_GE(password.size(), 12u);
  auto client = NewClient();
  Response r = TryLogin(*client, "", "operator", password);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(Str(Member(r.Json(), "account"), "kind"), "site_admin");
  // Printed to the operator, but never logged or stored by the server.
  EXPECT_EQ(boot.err.find(password), std::string::npos);
  EXPECT_EQ(server().ServerStderr().find(password), std::string::npos);
  EXPECT_EQ(server().ServerStdout().find(password), std::string::npos);
  for (const auto& file : FilesContaining(server().data_dir(), password)) {
    EXPECT_NE(file.find("/cli-"), std::string::npos) << "password stored in " << file;
  }
}

TEST_F(Bootstrap, DATA_3_RefusesWeakPasswords) {
  for (const std::string weak : {"password123", "short", "operator"}) {
    CliResult boot = server().Bootstrap("operator", weak);
    EXPECT_NE(boot.exit_code, 0) << weak << ": " << boot.Describe();
    EXPECT_NE(TryLogin(*NewClient(), "", "operator", weak).status, 200) << weak;
  }
  CliResult boot = server().Bootstrap("operator", kSiteAdminPassword);
  EXPECT_EQ(boot.exit_code, 0) << boot.Describe();
  EXPECT_EQ(TryLogin(*NewClient(), "", "operator", kSiteAdminPassword).status, 200);
}

}  // namespace
}  // namespace kanri::testing
