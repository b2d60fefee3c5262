// SEC-6 over the real binary: every call anyone makes shows up in the history with its result,
// and `kanri audit verify` catches any edit of the stored history in the SQLite file.
#include <filesystem>
#include <iostream>

#include "support/kanri_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

class History : public TenantTest {
 protected:
  std::string Db() const { return const_cast<History*>(this)->server().data_dir() + "/kanri.db"; }
  CliResult Verify() { return server().RunCli({"audit", "verify"}); }
  // Items of A's history, newest first.
  json::array Records(const std::string& query = "") {
    auto r = admin_a().Get("/api/v1/audit?limit=200" + query);
    if (r.status != 200) throw std::runtime_error(r.Describe());
    return Member(r.Json(), "items").as_array();
  }
  static bool Has(const json::array& items, const std::string& action, const std::string& outcome) {
    for (const auto& i : items)
      if (Str(i, "action") == action && Str(i, "outcome") == outcome) return true;
    return false;
  }
};

TEST_F(History, SEC_6_EveryCallIsRecordedWithWhoWhatWhenWhereAndResult) {
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  auto hana_client = LoginAs(kCompanyACode, "hana", "Hq5-garden-Pearl-30");
  EXPECT_EQ(hana_client->Get("/api/v1/accounts").status, 403);  // no role yet
  auto bad = NewClient();
  EXPECT_EQ(TryLogin(*bad, kCompanyACode, "hana", "not-her-password-1").status, 401);
  EXPECT_EQ(hana_client->Delete("/api/v1/session").status, 204);

  auto items = Records();
  EXPECT_TRUE(Has(items, "accounts.create", "success"));
  EXPECT_TRUE(Has(items, "session.login", "success"));
  EXPECT_TRUE(Has(items, "accounts.list", "denied"));
  EXPECT_TRUE(Has(items, "session.login", "failed"));
  EXPECT_TRUE(Has(items, "session.logout", "success"));
  for (const auto& i : items) {
    if (Str(i, "action") != "accounts.list" || Str(i, "outcome") != "denied") continue;
    EXPECT_EQ(Str(i, "actor_login"), "hana");
    EXPECT_EQ(Str(i, "actor_id"), Str(hana, "id"));
    EXPECT_EQ(Str(i, "source_ip"), "127.0.0.1");
    EXPECT_EQ(Str(i, "error_code"), "forbidden");
    EXPECT_FALSE(Str(i, "request_id").empty());
    EXPECT_TRUE(Str(i, "time_jst").ends_with(" JST"));
  }
  // The failed login names the reason, never the password.
  const auto all = json::serialize(items);
  EXPECT_NE(all.find("wrong_password"), std::string::npos);
  EXPECT_EQ(all.find("not-her-password-1"), std::string::npos);
  EXPECT_EQ(all.find("Hq5-garden-Pearl-30"), std::string::npos);
}

TEST_F(History, SEC_6_LockAndUnlockAreRecorded) {
  auto hana = CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  for (int i = 0; i < 5; ++i) {
    auto c = NewClient();
    (void)TryLogin(*c, kCompanyACode, "hana", "wrong-password-" + std::to_string(i));
  }
  EXPECT_TRUE(Has(Records(), "account.locked", "success"));
  auto locked = site_admin().Get("/api/v1/locked-accounts");
  ASSERT_EQ(locked.status, 200);
  EXPECT_NE(locked.body.find(Str(hana, "id")), std::string::npos);
  EXPECT_EQ(site_admin().Post("/api/v1/locked-accounts/" + Str(hana, "id") + "/unlock", "").status, 200);
  auto provider = site_admin().Get("/api/v1/audit?action=provider.unlock_account");
  ASSERT_EQ(provider.status, 200);
  EXPECT_EQ(Member(provider.Json(), "items").as_array().size(), 1u);
  auto c = NewClient();
  EXPECT_EQ(TryLogin(*c, kCompanyACode, "hana", "Hq5-garden-Pearl-30").status, 200);
  // The company's own history shows the provider's unlock too.
  bool seen = false;
  for (const auto& r : Records("&action=account.unlocked"))
    seen = seen || (Str(r, "target_id") == Str(hana, "id") && Str(r, "actor_login") == kSiteAdminLogin);
  EXPECT_TRUE(seen);
}

TEST_F(History, SEC_6_CsvExportOpensInExcelAndNeutralisesFormulas) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  // A login ID cannot start with '=', but a failed login's company code is recorded as typed.
  auto c = NewClient();
  (void)TryLogin(*c, kCompanyACode, "=HYPERLINK(\"x\")", "whatever-password");
  auto r = admin_a().Get("/api/v1/audit?format=csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("Content-Type").find("text/csv"), std::string::npos);
  ASSERT_GE(r.body.size(), 3u);
  EXPECT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(r.body.find(" JST\""), std::string::npos);
  EXPECT_EQ(r.body.find(",\"=HYPERLINK"), std::string::npos) << "a cell must never start with '='";
}

TEST_F(History, SEC_6_VerifyPassesOnAnIntactHistory) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  ASSERT_EQ(server().Stop(), 0);
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.Describe();
  EXPECT_NE(v.out.find("intact"), std::string::npos);
}

TEST_F(History, SEC_6_VerifyCatchesAnEditedRecord) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  ASSERT_EQ(server().Stop(), 0);
  ExecSql(Db(), "UPDATE audit_records SET details = '{\"forged\":true}' WHERE chain = '" + company_a_id() +
                    "' AND seq = 1");
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1) << v.Describe();
  EXPECT_NE(v.out.find("record 1 was altered"), std::string::npos) << v.out;
}

TEST_F(History, SEC_6_VerifyCatchesADeletedRecord) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  (void)admin_a().Get("/api/v1/accounts");
  ASSERT_EQ(server().Stop(), 0);
  ExecSql(Db(), "DELETE FROM audit_records WHERE chain = '" + company_a_id() + "' AND seq = 2");
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("record 2 is missing"), std::string::npos) << v.out;
}

TEST_F(History, SEC_6_VerifyCatchesReorderedRecords) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  (void)admin_a().Get("/api/v1/accounts");
  ASSERT_EQ(server().Stop(), 0);
  const std::string chain = "chain = '" + company_a_id() + "'";
  ExecSql(Db(), "UPDATE audit_records SET seq = -1 WHERE " + chain +
                    " AND seq = 1;"
                    "UPDATE audit_records SET seq = 1 WHERE " +
                    chain +
                    " AND seq = 2;"
                    "UPDATE audit_records SET seq = 2 WHERE " +
                    chain + " AND seq = -1;");
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("TAMPERED"), std::string::npos) << v.out;
}

TEST_F(History, SEC_6_VerifyCatchesATruncatedTail) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  (void)admin_a().Get("/api/v1/accounts");
  ASSERT_EQ(server().Stop(), 0);  // signs a checkpoint of every chain at shutdown
  const std::string chain = "chain = '" + company_a_id() + "'";
  auto max = QueryColumn(Db(), "SELECT MAX(seq) FROM audit_records WHERE " + chain);
  ExecSql(Db(), "DELETE FROM audit_records WHERE " + chain + " AND seq = " + max.at(0) +
                    ";"
                    "UPDATE audit_heads SET seq = seq - 1 WHERE " +
                    chain);
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("were removed"), std::string::npos) << v.out;
}

TEST_F(History, SEC_6_RetentionKeepsTheHistoryVerifiable) {
  (void)CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  ASSERT_EQ(server().Stop(), 0);
  const std::string chain = "chain = '" + company_a_id() + "'";
  const auto before = QueryColumn(Db(), "SELECT COUNT(*) FROM audit_records WHERE " + chain).at(0);
  auto job = server().RunCli({"jobs", "run", "audit-retention", "--now", "2099-01-01T00:00:00Z"});
  ASSERT_EQ(job.exit_code, 0) << job.Describe();
  const auto after = QueryColumn(Db(), "SELECT COUNT(*) FROM audit_records WHERE " + chain).at(0);
  EXPECT_LT(std::stoi(after), std::stoi(before));
  auto v = Verify();
  EXPECT_EQ(v.exit_code, 0) << v.Describe();
  // Records newer than the retention are kept.
  auto keep = server().RunCli({"jobs", "run", "audit-retention"});
  ASSERT_EQ(keep.exit_code, 0);
  EXPECT_NE(keep.out.find("\"removed\":0"), std::string::npos) << keep.out;
}

// What the history holds: its records and the bytes of their text columns.
struct HistorySize {
  long long records = 0;
  long long bytes = 0;
};

HistorySize MeasureHistory(const std::string& db) {
  HistorySize s;
  s.records = std::stoll(QueryColumn(db, "SELECT COUNT(*) FROM audit_records").at(0));
  s.bytes =
      std::stoll(QueryColumn(db,
                             "SELECT COALESCE(SUM(LENGTH(chain) + LENGTH(actor_id) + LENGTH(actor_login) + "
                             "LENGTH(source_ip) + LENGTH(action) + LENGTH(target_type) + LENGTH(target_id) + "
                             "LENGTH(outcome) + LENGTH(error_code) + LENGTH(request_id) + LENGTH(details) + "
                             "LENGTH(prev_hash) + LENGTH(hash)), 0) FROM audit_records")
                     .at(0));
  return s;
}

long long FileBytes(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<long long>(n);
}

TEST_F(History, SEC_6_AnonymousRequestsCannotFloodTheHistory) {
  const HistorySize before = MeasureHistory(Db());
  const long long file_before = FileBytes(Db()) + FileBytes(Db() + "-wal");
  // 2,000 requests without a session, each naming a 300-byte ID in its path.
  auto anonymous = NewClient();
  const std::string path = "/api/v1/accounts/" + std::string(300, 'x');
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(anonymous->Get(path).status, 401);
  // The next denial after the minute writes the minute's count.
  server().AdvanceClock(std::chrono::seconds{61});
  ASSERT_EQ(anonymous->Get(path).status, 401);
  const HistorySize after = MeasureHistory(Db());
  const long long file_after = FileBytes(Db()) + FileBytes(Db() + "-wal");
  std::cout << "[ measured ] 2000 anonymous requests: history " << before.records << " -> " << after.records
            << " records, " << before.bytes << " -> " << after.bytes
            << " bytes of record text; database files " << file_before << " -> " << file_after << " bytes\n";
  EXPECT_LE(after.records - before.records, 3) << "one record per address and minute";
  EXPECT_LE(after.bytes - before.bytes, 3 * 600);

  // The counts add up to every request, and the site administrators see them.
  long long counted = 0;
  for (const auto& d :
       QueryColumn(Db(), "SELECT details FROM audit_records WHERE action = 'anonymous.denied'"))
    counted += json::parse(d).at("count").as_int64();
  EXPECT_EQ(counted, 2000);
  auto seen = site_admin().Get("/api/v1/audit?action=anonymous.denied");
  ASSERT_EQ(seen.status, 200);
  EXPECT_FALSE(Member(seen.Json(), "items").as_array().empty());
}

TEST_F(History, SEC_6_AMegabyteLoginIdIsStoredClipped) {
  const HistorySize before = MeasureHistory(Db());
  auto c = NewClient();
  Response r = TryLogin(*c, kCompanyACode, std::string(1'000'000, 'a'), "whatever-password");
  EXPECT_EQ(r.status, 401) << r.Describe().substr(0, 300);
  const HistorySize after = MeasureHistory(Db());
  std::cout << "[ measured ] failed login with a 1,000,000-byte login ID: history grew by "
            << after.records - before.records << " record(s), " << after.bytes - before.bytes << " bytes\n";
  EXPECT_LT(after.bytes - before.bytes, 2000);
  bool found = false;
  for (const auto& i : Records("&action=session.login")) {
    if (Str(i, "outcome") != "failed") continue;
    const json::value details =
        Member(i, "details").is_string() ? json::parse(Str(i, "details")) : Member(i, "details");
    EXPECT_EQ(Str(details, "login"), std::string(64, 'a'));
    found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace kanri::testing
