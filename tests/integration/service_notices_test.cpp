// Issue 15 end to end, against the real binary and a real SMTP server: OPS-1 maintenance
// notices (refused without 3 business days, mailed, reminded, cancelled), OPS-2 a database that
// stops taking writes detected, alarmed and drafted as an incident, then published to the
// companies and the public status page, OPS-3 a month's availability with a known outage, and
// DATA-7 the data's residency and retention as configured.
#include <chrono>
#include <ctime>
#include <thread>

#include "support/mail_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

using namespace std::chrono_literals;

const std::string kSiteAdminMail = std::string(kSiteAdminLogin) + "@kanri.invalid";
const std::string kAliceMail = std::string(kAdminALogin) + "@example.com";

// "2026-05-01T15:00:00Z" (UTC, whole seconds), as the API reads times.
std::string Iso(std::chrono::sys_time<std::chrono::milliseconds> t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

class ServiceNotices : public MailTest {
 protected:
  ServiceNotices() : MailTest({"--health-interval", "1s", "--health-alarm-after", "3s"}) {}

  std::string db_path() { return server().data_dir() + "/kanri.db"; }

  // Waits up to `limit` for `pred`.
  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(200ms);
    }
    return pred();
  }
};

TEST_F(ServiceNotices, OPS_1_PlannedMaintenanceNeedsThreeBusinessDaysAndIsMailedRemindedAndCancelled) {
  smtp_->Start();
  auto calendar = fresh_site_admin().Get("/api/v1/maintenance/calendar?days=14");
  ASSERT_EQ(calendar.status, 200) << calendar.body;
  const std::string earliest = Str(calendar.Json(), "earliest_start");
  const auto earliest_t = *ParseApiTime(earliest);
  ASSERT_EQ(Member(calendar.Json(), "days").as_array().size(), 14u);

  const auto body = [](const std::string& from, const std::string& to, const std::string& scope) {
    return R"({"starts_at":")" + from + R"(","ends_at":")" + to + R"(","scope":)" + scope +
           R"(,"title_ja":"データベースの更新","title_en":"Database upgrade","body_ja":"数分間、接続が切れます。","body_en":"Connections drop for a few minutes."})";
  };
  // One minute too early: refused with the earliest allowed start, nothing mailed.
  auto early = fresh_site_admin().Post("/api/v1/maintenance",
                                       body(Iso(earliest_t - 1min), Iso(earliest_t + 2h), R"("all")"));
  ASSERT_EQ(early.status, 422) << early.body;
  EXPECT_EQ(ProblemCode(early), "notice_too_short");
  EXPECT_EQ(Str(early.Json(), "earliest_start"), earliest);
  EXPECT_NE(Str(early.Json(), "earliest_start_jst").find("JST"), std::string::npos);
  // Bad input: a clear error, nothing stored.
  EXPECT_EQ(
      fresh_site_admin().Post("/api/v1/maintenance", body("tomorrow", Iso(earliest_t), R"("all")")).status,
      400);
  EXPECT_EQ(ProblemCode(fresh_site_admin().Post("/api/v1/maintenance",
                                                body(Iso(earliest_t), Iso(earliest_t + 1h), R"(["nope"])"))),
            "unknown_company");
  // A company's administrator cannot announce maintenance.
  EXPECT_EQ(
      admin_a().Post("/api/v1/maintenance", body(Iso(earliest_t), Iso(earliest_t + 2h), R"("all")")).status,
      403);

  auto created =
      fresh_site_admin().Post("/api/v1/maintenance", body(Iso(earliest_t), Iso(earliest_t + 2h), R"("all")"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Str(created.Json(), "id");
  EXPECT_EQ(Str(created.Json(), "state"), "scheduled");
  WaitForMailTo(kAliceMail, 1);
  const auto notice = MailsTo(kAliceMail)[0];
  EXPECT_NE(notice.Subject().find("計画メンテナンス"), std::string::npos) << notice.Subject();
  EXPECT_NE(notice.Body().find("数分間、接続が切れます。"), std::string::npos);
  EXPECT_NE(notice.Body().find(Str(created.Json(), "starts_at_jst").substr(0, 16)), std::string::npos)
      << notice.Body();
  // The company sees it in its notices (the console's banner).
  auto notices = admin_a().Get("/api/v1/notices");
  ASSERT_EQ(notices.status, 200);
  ASSERT_EQ(Member(notices.Json(), "maintenance").as_array().size(), 1u);
  EXPECT_FALSE(Member(notices.Json(), "maintenance").as_array()[0].as_object().contains("scope_companies"));

  // The reminder, on the business day before (09:00 JST), once.
  const auto remind_at = *ParseApiTime(Str(created.Json(), "remind_at"));
  server().AdvanceClock(std::chrono::duration_cast<std::chrono::milliseconds>(
      remind_at - std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) -
      server().clock_offset() + 1min));
  WaitForMailTo(kAliceMail, 2);
  EXPECT_NE(MailsTo(kAliceMail)[1].Subject().find("再送"), std::string::npos)
      << MailsTo(kAliceMail)[1].Subject();

  auto cancelled = fresh_site_admin().Post("/api/v1/maintenance/" + id + "/cancel", "{}");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Str(cancelled.Json(), "state"), "cancelled");
  WaitForMailTo(kAliceMail, 3);
  EXPECT_NE(MailsTo(kAliceMail)[2].Subject().find("中止"), std::string::npos);
  EXPECT_EQ(fresh_site_admin().Post("/api/v1/maintenance/" + id + "/cancel", "{}").status, 409);
  auto alice = LoginAs(kCompanyACode, kAdminALogin, kAdminPassword);  // the clock moved days
  EXPECT_TRUE(Member(alice->Get("/api/v1/notices").Json(), "maintenance").as_array().empty());
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(MailsTo(kAliceMail).size(), 3u) << "no second reminder";
}

TEST_F(ServiceNotices, OPS_2_ADatabaseThatStopsTakingWritesIsAlarmedAndDraftedThenPublishedToTheCompanies) {
  smtp_->Start();
  const auto other = CreateCompany("BETA", "Beta");
  CreateCompanyAdmin(Str(other, "id"), "hana", "Rt7-canyon-Otter-19");
  // Let the monitor read the site administrators' addresses while the database answers.
  ASSERT_TRUE(
      WaitFor([&] { return fresh_site_admin().Get("/api/v1/operations/health").status == 200; }, 10s));
  std::this_thread::sleep_for(2s);

  const auto locked_at = std::chrono::system_clock::now() + server().clock_offset();
  {
    SqliteWriteLock lock{db_path()};
    // The alarm cannot go through the outbox (a write): it goes straight over SMTP.
    ASSERT_TRUE(WaitFor([&] { return !MailsTo(kSiteAdminMail).empty(); }, 90s)) << server().Logs();
    const auto alarm = MailsTo(kSiteAdminMail)[0];
    EXPECT_NE(alarm.Subject().find("警報"), std::string::npos) << alarm.Subject();
    EXPECT_NE(alarm.Body().find("database"), std::string::npos) << alarm.Body();
  }
  // Once the database takes writes again, the draft incident is stored, from the detection.
  json::value draft;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = fresh_site_admin().Get("/api/v1/incidents?state=draft");
        if (r.status != 200) return false;
        auto items = Member(r.Json(), "items").as_array();
        if (items.empty()) return false;
        draft = items[0];
        return true;
      },
      60s));
  EXPECT_EQ(Str(draft, "check_name"), "database");
  const auto detected = *ParseApiTime(Str(draft, "detected_at"));
  EXPECT_GE(detected, locked_at - 2s);
  EXPECT_LE(detected, locked_at + 20s);
  EXPECT_FALSE(Member(draft, "overdue").as_bool());
  EXPECT_TRUE(Member(draft, "minutes_to_publication").is_null());
  // The recovery is mailed as well (through the outbox this time).
  WaitForMailTo(kSiteAdminMail, 2);
  EXPECT_NE(MailsTo(kSiteAdminMail)[1].Subject().find("復旧"), std::string::npos);
  // Nothing reached the companies or the public before publication.
  EXPECT_TRUE(MailsTo(kAliceMail).empty());
  auto anonymous = NewClient();
  auto status = anonymous->Get("/api/v1/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_TRUE(Member(status.Json(), "incidents").as_array().empty());

  const std::string id = Str(draft, "id");
  auto published = fresh_site_admin().Post("/api/v1/incidents/" + id + "/publish", "{}");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_LE(Member(published.Json(), "minutes_to_publication").as_int64(), 60);
  WaitForMailTo(kAliceMail, 1);
  WaitForMailTo("hana@example.com", 1);
  EXPECT_NE(MailsTo(kAliceMail)[0].Subject().find("障害"), std::string::npos)
      << MailsTo(kAliceMail)[0].Subject();
  auto alice_notices = admin_a().Get("/api/v1/notices");
  ASSERT_EQ(Member(alice_notices.Json(), "incidents").as_array().size(), 1u);

  // An incident for Beta alone: Beta is told and sees it; ACME and the public do not.
  auto beta_only = fresh_site_admin().Post(
      "/api/v1/incidents",
      R"({"scope":[")" + Str(other, "id") +
          R"("],"severity":"minor","title_ja":"ベータ社の一部装置","title_en":"Some Beta devices","publish":true})");
  ASSERT_EQ(beta_only.status, 201) << beta_only.body;
  WaitForMailTo("hana@example.com", 2);
  auto hana = LoginAs("BETA", "hana", "Rt7-canyon-Otter-19");
  EXPECT_EQ(Member(hana->Get("/api/v1/notices").Json(), "incidents").as_array().size(), 2u);
  EXPECT_EQ(Member(admin_a().Get("/api/v1/notices").Json(), "incidents").as_array().size(), 1u);
  // The public page, without login: the incident for all, no company's name or ID, no check.
  server().AdvanceClock(31s);  // the status page is computed at most every 30 seconds
  status = anonymous->Get("/api/v1/status");
  ASSERT_EQ(status.status, 200);
  ASSERT_EQ(Member(status.Json(), "incidents").as_array().size(), 1u);
  EXPECT_EQ(Str(status.Json(), "state"), "degraded");
  for (const std::string& secret :
       std::vector<std::string>{"ACME", "BETA", "Beta", "database", company_a_id(), Str(other, "id")})
    EXPECT_EQ(status.body.find(secret), std::string::npos) << secret;
  EXPECT_EQ(Member(status.Json(), "days").as_array().size(), 90u);
  EXPECT_EQ(Member(status.Json(), "months").as_array().size(), 12u);

  // Resolved with a last update: mailed.
  auto resolved =
      fresh_site_admin().Post("/api/v1/incidents/" + id + "/updates",
                              R"({"body_ja":"復旧しました。","body_en":"Resolved.","resolve":true})");
  ASSERT_EQ(resolved.status, 201) << resolved.body;
  EXPECT_EQ(Str(resolved.Json(), "state"), "resolved");
  WaitForMailTo(kAliceMail, 2);
  EXPECT_NE(MailsTo(kAliceMail)[1].Body().find("復旧しました。"), std::string::npos);
  // A company's administrator has no access to the provider's side.
  EXPECT_EQ(admin_a().Get("/api/v1/incidents").status, 403);
  EXPECT_EQ(admin_a().Get("/api/v1/operations/health").status, 403);
}

TEST_F(ServiceNotices, OPS_3_AMonthsAvailabilityCountsAKnownOutageAndExcludesAnnouncedMaintenance) {
  // January 2026 in JST: 2025-12-31T15:00Z to 2026-01-31T15:00Z, 44640 minutes. One node sampled
  // every minute; 120 minutes down on January 10 (from 10:00 JST), the first 60 of them inside
  // a planned maintenance window for all companies.
  const long long first = (std::chrono::sys_days{2025y / 12 / 31}.time_since_epoch() / 1min) + 15 * 60;
  const long long last = first + 44640;
  const long long outage = first + 9 * 1440 + 10 * 60;
  ExecSql(db_path(), "WITH RECURSIVE m(x) AS (SELECT " + std::to_string(first) +
                         " UNION ALL SELECT x + 1 FROM m "
                         "WHERE x + 1 < " +
                         std::to_string(last) +
                         ") INSERT INTO health_samples (minute, node, ok, failed) "
                         "SELECT x, 'test-node', CASE WHEN x >= " +
                         std::to_string(outage) + " AND x < " + std::to_string(outage + 120) +
                         " THEN 0 ELSE 1 END, '' FROM m");
  const long long window_start = outage * 60000, window_end = (outage + 60) * 60000;
  ExecSql(
      db_path(),
      "INSERT INTO maintenance_windows (id, starts_at, ends_at, scope_all, emergency, title_ja, title_en, "
      "body_ja, body_en, announced_at, created_by_login, updated_at) VALUES ('w1', " +
          std::to_string(window_start) + ", " + std::to_string(window_end) +
          ", 1, 0, 'メンテナンス', 'Maintenance', '', '', 0, 'test', 0)");
  auto r = fresh_site_admin().Get("/api/v1/availability?month=2026-01");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto a = r.Json();
  EXPECT_EQ(Member(a, "minutes").as_int64(), 44640);
  EXPECT_EQ(Member(a, "measured_minutes").as_int64(), 44640);
  EXPECT_EQ(Member(a, "maintenance_minutes").as_int64(), 60);
  EXPECT_EQ(Member(a, "available_minutes").as_int64(), 44640 - 120);
  EXPECT_EQ(Member(a, "unavailable_minutes").as_int64(), 60);
  EXPECT_NEAR(Member(a, "availability").as_double(), 44520.0 / 44580.0, 1e-9);
  EXPECT_DOUBLE_EQ(Member(a, "objective").as_double(), 0.995);
  EXPECT_TRUE(Member(a, "met").as_bool());
  EXPECT_EQ(Str(a, "from_jst").substr(0, 10), "2026-01-01");
  // A month before the first sample measured nothing.
  auto before = fresh_site_admin().Get("/api/v1/availability?month=2025-11");
  ASSERT_EQ(before.status, 200);
  EXPECT_TRUE(Member(before.Json(), "availability").is_null());
  // The last 12 months at once, oldest first.
  auto year = fresh_site_admin().Get("/api/v1/availability/months");
  ASSERT_EQ(year.status, 200);
  EXPECT_EQ(Member(year.Json(), "items").as_array().size(), 12u);
  // Bad months are refused; companies do not see the provider's figures.
  for (const std::string bad : {"2026-13", "2026-1", "next", "2999-01"})
    EXPECT_EQ(fresh_site_admin().Get("/api/v1/availability?month=" + bad).status, 400) << bad;
  EXPECT_EQ(admin_a().Get("/api/v1/availability?month=2026-01").status, 403);
  // The monitor of this server samples too: the current month counts its minutes.
  EXPECT_FALSE(
      QueryColumn(db_path(), "SELECT node FROM health_samples WHERE node <> 'test-node' LIMIT 1").empty());
}

class DataResidency : public TenantTest {
 protected:
  DataResidency()
      : TenantTest(
            {"--data-residency", "JP-Tokyo", "--device-retention", "45d", "--audit-retention", "400d"}) {}
};

TEST_F(DataResidency, DATA_7_WhereDataIsKeptAndForHowLongAsConfigured) {
  auto r = admin_a().Get("/api/v1/security-data");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.Json();
  EXPECT_EQ(Str(body, "data_residency"), "JP-Tokyo");
  const auto& retention = Member(body, "retention");
  EXPECT_EQ(Member(retention, "device_retention_days").as_int64(), 45);
  EXPECT_EQ(Member(retention, "history_days").as_int64(), 400);
  EXPECT_EQ(Member(retention, "backup_days").as_int64(), 7);
  EXPECT_EQ(Member(retention, "inactivity_lock_days").as_int64(), 210);
  EXPECT_EQ(NewClient()->Get("/api/v1/security-data").status, 401);
}

}  // namespace
}  // namespace kanri::testing
