// SEC-6 fail closed over the real binary: while the operation history cannot store records
// (the test build's KANRI_TEST_HISTORY_FAIL_FILE hook makes every append fail while the file
// exists), no write stands unrecorded: writes answer 503, /readyz fails, devices are sent away
// with Retry-After; reads keep working. Once the store works again, writes do too, the chain
// shows the gap, and `kanri audit verify` passes.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/kanri_fixture.h"

namespace kanri::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HistoryFailClosed : public TenantTest {
 protected:
  void SetUp() override {
    // The server inherits this environment (KanriProcess copies it); the file does not exist yet.
    static std::atomic<int> counter{0};
    fail_file_ = (fs::temp_directory_path() /
                  ("kanri-history-fail-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
                     .string();
    fs::remove(fail_file_);
    setenv("KANRI_TEST_HISTORY_FAIL_FILE", fail_file_.c_str(), 1);
    TenantTest::SetUp();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove(fail_file_, ignored);
    TenantTest::TearDown();
    unsetenv("KANRI_TEST_HISTORY_FAIL_FILE");
  }
  void BreakHistory() { std::ofstream{fail_file_} << "fail\n"; }
  void RepairHistory() { fs::remove(fail_file_); }

  static std::string AccountBody(const std::string& login) {
    return json::serialize(json::object{{"login", login},
                                        {"name", "User " + login},
                                        {"email", login + "@example.com"},
                                        {"kind", "general"},
                                        {"password", "Hq5-garden-Pearl-30"}});
  }
  int Readyz() { return NewClient()->Get("/readyz").status; }
  bool AccountExists(const std::string& login) {
    for (const auto& a : ListAll(admin_a(), "/api/v1/accounts"))
      if (Str(a, "login") == login) return true;
    return false;
  }

  std::string fail_file_;
};

TEST_F(HistoryFailClosed, SEC_6_WritesFailClosedUntilTheHistoryStoresAgain) {
  (void)admin_a();  // logged in while the history works
  ASSERT_EQ(Readyz(), 200);

  BreakHistory();
  // The write whose record cannot be stored is not answered as done.
  auto first = admin_a().Post("/api/v1/accounts", AccountBody("hana"));
  EXPECT_EQ(first.status, 503) << first.Describe();
  EXPECT_EQ(ProblemCode(first), "history_unavailable");
  EXPECT_TRUE(first.HasHeader("Retry-After"));
  // From then on writes are refused before they run.
  auto second = admin_a().Post("/api/v1/accounts", AccountBody("kenji"));
  EXPECT_EQ(second.status, 503) << second.Describe();
  EXPECT_EQ(ProblemCode(second), "history_unavailable");
  auto login = NewClient();
  EXPECT_EQ(TryLogin(*login, kCompanyACode, kAdminALogin, kAdminPassword).status, 503);
  EXPECT_EQ(Readyz(), 503);
  // Reads keep working.
  EXPECT_EQ(admin_a().Get("/api/v1/accounts").status, 200);
  EXPECT_FALSE(AccountExists("kenji")) << "a refused write changed nothing";
  // Devices are sent away too, to come back later.
  HttpsClient device{"127.0.0.1", server().cwmp_port()};
  auto inform = device.Post("/", "<soap/>", {{"Content-Type", "text/xml"}});
  EXPECT_EQ(inform.status, 503) << inform.Describe();
  EXPECT_TRUE(inform.HasHeader("Retry-After"));

  RepairHistory();
  // The server finds out by itself (its probe), or at the latest on /readyz.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (Readyz() != 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(Readyz(), 200);
  auto again = admin_a().Post("/api/v1/accounts", AccountBody("kenji"));
  EXPECT_EQ(again.status, 201) << again.Describe();
  EXPECT_EQ(TryLogin(*login, kCompanyACode, kAdminALogin, kAdminPassword).status, 200);

  // The provider's chain says when the history was unavailable and how much went unrecorded.
  auto restored = site_admin().Get("/api/v1/audit?action=history.restored");
  ASSERT_EQ(restored.status, 200) << restored.Describe();
  const json::value restored_body = restored.Json();
  const auto& items = Member(restored_body, "items").as_array();
  ASSERT_EQ(items.size(), 1u) << restored.body;
  EXPECT_GE(Member(Member(items.at(0), "details"), "unrecorded_records").as_int64(), 2);
  // The lost records are in the server log in full, for reconciliation.
  EXPECT_NE(server().ServerStderr().find("operation history record not stored"), std::string::npos);

  auto verify = server().RunCli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.Describe();
  EXPECT_NE(verify.out.find("intact"), std::string::npos) << verify.Describe();
}

}  // namespace
}  // namespace kanri::testing
