// The process around the API: graceful shutdown, restarts keep data, migrations with checksums,
// and DATA-1 (times in UTC from the clock, whatever the host's time zone).
#include <latch>
#include <thread>

#include "support/kanri_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

class Lifecycle : public TenantTest {};

TEST_F(Lifecycle, OPS_3_SigtermDrainsInFlightRequestsAndExitsZero) {
  constexpr int kClients = 4;
  // One account each: a second concurrent password check of one account is refused (429), so
  // that one account cannot fill the hashing queue (SEC-1).
  std::vector<std::string> logins{kAdminALogin};
  for (int i = 1; i < kClients; ++i) {
    logins.push_back("drain-" + std::to_string(i));
    CreateAccount(admin_a(), logins.back(), "general", kAdminPassword);
  }
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(NewClient());
    ASSERT_EQ(clients.back()->Get("/healthz").status, 200);
  }
  // Logins hash a password on the worker pool: slow enough to be in flight at SIGTERM.
  std::vector<int> statuses(kClients, 0);
  std::vector<std::string> errors(kClients);
  std::latch sent{kClients};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      sent.count_down();
      try {
        statuses[i] = TryLogin(*clients[i], kCompanyACode, logins[i], kAdminPassword).status;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  sent.wait();
  std::this_thread::sleep_for(15ms);
  int exit_code = server().Stop();
  for (auto& t : threads) t.join();
  EXPECT_EQ(exit_code, 0) << server().Logs();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(errors[i], "") << "request " << i << " was cut off by the shutdown";
    EXPECT_EQ(statuses[i], 200) << "request " << i;
  }
}

TEST_F(Lifecycle, OPS_3_RestartKeepsCompaniesAccountsAndSessions) {
  auto carol = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);
  ASSERT_EQ(server().Stop(), 0);
  server().Start(server_args());
  // The port may differ after a restart: a new client, with the old cookie and token.
  auto resumed = NewClient();
  resumed->SetCookie("__Host-kanri_session", carol->Cookie("__Host-kanri_session").value_or(""));
  EXPECT_EQ(resumed->Get("/api/v1/session").status, 200);
  auto site = LoginAs("", kSiteAdminLogin, kSiteAdminPassword);
  std::vector<json::value> companies = ListAll(*site, "/api/v1/companies");
  ASSERT_EQ(companies.size(), 1u);
  EXPECT_EQ(Str(companies[0], "code"), kCompanyACode);
}

TEST_F(Lifecycle, DATA_1_TimesAreUtcFromTheClockWhateverTheTimeZone) {
  // The host says Tokyo; stored and returned times must still be UTC.
  ASSERT_EQ(server().Stop(), 0);
  server().AddEnvironment("TZ=Asia/Tokyo");
  server().SetClockOffset(std::chrono::hours{1});
  server().Start(server_args());
  auto site = LoginAs("", kSiteAdminLogin, kSiteAdminPassword);

  auto real_now = [] {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  auto before = real_now();
  // (The fixture's clients talk to the old port: use a new one.)
  Response created =
      site->Post("/api/v1/companies", R"({"code":"TIMECO","name":"Time Co","contract_start":"2025-01-01"})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  json::value company = created.Json();
  Response session = site->Get("/api/v1/session");
  auto after = real_now();
  ASSERT_EQ(session.status, 200);

  std::vector<std::string> times = {Str(company, "created_at"), Str(company, "updated_at"),
                                    Str(Member(session.Json(), "account"), "last_login_at")};
  for (const auto& text : times) {
    auto t = ParseApiTime(text);
    ASSERT_TRUE(t.has_value()) << "not YYYY-MM-DDTHH:MM:SS.mmmZ: " << text;
    // One hour ahead (the test clock), not nine (JST) or ten.
    EXPECT_GE(*t, before + 1h - 2s) << text;
    EXPECT_LE(*t, after + 1h + 2s) << text;
  }

  // The expiry of the session follows the same clock: idle timeout after its last use.
  auto expires = ParseApiTime(Str(session.Json(), "expires_at"));
  ASSERT_TRUE(expires.has_value());
  EXPECT_GT(*expires, before + 1h);
  EXPECT_LE(*expires, after + 1h + 12h + 2s);
}

class Migrations : public ServerTest {};

TEST_F(Migrations, AnEditedAppliedMigrationStopsStartUp) {
  ASSERT_EQ(server().Stop(), 0);
  // `kanri migrate` on an up-to-date database has nothing to do and succeeds.
  CliResult migrate = server().RunCli({"migrate"});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.Describe();

  ExecSql(server().data_dir() + "/kanri.db", "UPDATE schema_migrations SET checksum='x' WHERE version=1");
  int code = server().StartExpectingFailure(server_args());
  EXPECT_NE(code, 0);
  EXPECT_NE(server().ServerStderr().find("was changed after it was applied"), std::string::npos)
      << server().Logs();

  CliResult again = server().RunCli({"migrate"});
  EXPECT_NE(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.err.find("was changed after it was applied"), std::string::npos) << again.Describe();
}

TEST_F(Migrations, MigrateCreatesAFreshDatabase) {
  KanriProcess fresh;
  CliResult migrate = fresh.RunCli({"migrate"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.Describe();
  std::vector<std::string> versions =
      QueryColumn(fresh.data_dir() + "/kanri.db", "SELECT version FROM schema_migrations");
  EXPECT_FALSE(versions.empty());
  fresh.Start();
  HttpsClient client{"127.0.0.1", fresh.api_port()};
  EXPECT_EQ(client.Get("/readyz").status, 200);
  EXPECT_EQ(fresh.Stop(), 0);
}

}  // namespace
}  // namespace kanri::testing
