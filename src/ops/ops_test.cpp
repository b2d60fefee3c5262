// OPS-1 maintenance notices, OPS-2 incidents and the health monitor, OPS-3 availability, on
// a real (SQLite) database.
#include <gtest/gtest.h>

#include "db/test_database.h"
#include "identity/accounts.h"
#include "ops/business_days.h"
#include "ops/health.h"
#include "ops/notices.h"
#include "tenancy/companies.h"

namespace kanri::ops {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

Timestamp At(const char* utc) {
  return *ParseUtc(utc);
}

TEST(HolidayNames, OPS_1_EveryHolidayFrom1948To2050HasAnEnglishName) {
  int holidays = 0;
  for (Timestamp t = Date{1948, 7, 20}.StartJst(); t < Date{2051, 1, 1}.StartJst(); t += days{1}) {
    const auto ja = JapaneseHoliday(Date::FromTimestampJst(t));
    if (!ja) continue;
    ++holidays;
    const std::string en = EnglishHolidayName(*ja);
    EXPECT_TRUE(
        std::all_of(en.begin(), en.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        << *ja << " on " << Date::FromTimestampJst(t).ToString() << " has no English name";
  }
  EXPECT_GT(holidays, 1500);
}

class OpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acme_ = companies_.Create(provider_, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})->id;
    beta_ = companies_.Create(provider_, {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt})->id;
    (void)*accounts_.Create(acme_, {"taro", "Taro", "taro@acme.example", identity::AccountKind::kAdmin}, "h");
    auto en =
        *accounts_.Create(acme_, {"anne", "Anne", "anne@acme.example", identity::AccountKind::kAdmin}, "h");
    (void)*accounts_.Create(acme_, {"gen", "Gen", "gen@acme.example", identity::AccountKind::kGeneral}, "h");
    (void)*accounts_.Create(beta_, {"hana", "Hana", "hana@beta.example", identity::AccountKind::kAdmin}, "h");
    (void)*accounts_.CreateSiteAdministrator(provider_, {"ops", "Ops", "ops@provider.example"}, "h");
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE accounts SET language = 'en' WHERE id = :id", soci::use(en.id.value());
  }
  std::vector<mail::OutboxEntry> Mails() {
    auto items = outbox_.List(provider_, std::nullopt, {.limit = 200}).items;
    std::reverse(items.begin(), items.end());  // oldest first
    return items;
  }
  std::vector<std::string> Recipients(std::string_view kind, std::size_t from = 0) {
    std::vector<std::string> out;
    auto mails = Mails();
    for (std::size_t i = from; i < mails.size(); ++i)
      if (mails[i].kind == kind) out.push_back(mails[i].recipient);
    std::sort(out.begin(), out.end());
    return out;
  }
  static Texts SomeTexts() {
    return {"定期メンテナンス", "Scheduled maintenance", "データベースを更新します。",
            "We upgrade the database."};
  }

  db::TestDatabase tdb_;
  // Monday 2026-04-27 10:00 JST.
  ManualClock clock_{At("2026-04-27T01:00:00Z")};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  identity::AccountRepository accounts_{tdb_.db(), clock_};
  mail::Outbox outbox_{tdb_.db(), clock_, "kanri.test"};
  Maintenance maintenance_{tdb_.db(), clock_, outbox_, *BusinessCalendar::Parse("12-29..01-03")};
  Incidents incidents_{tdb_.db(), clock_, outbox_};
  CompanyId acme_, beta_;
};

TEST_F(OpsTest, OPS_1_APlannedWindowNeedsThreeBusinessDaysOfNoticeAndIsMailedToEveryAdministrator) {
  // Announced Monday 2026-04-27: 4/28 is a business day, 4/29 a holiday (昭和の日), 4/30 and
  // 5/1 business days, so the earliest start is 5/2 00:00 JST (the end of 5/1).
  const Timestamp earliest = maintenance_.EarliestStart(clock_.Now());
  EXPECT_EQ(earliest, At("2026-05-01T15:00:00Z"));
  auto too_soon = maintenance_.Announce(
      provider_, {.starts_at = earliest - minutes{1}, .ends_at = earliest + hours{2}, .texts = SomeTexts()},
      "ops");
  ASSERT_FALSE(too_soon);
  EXPECT_EQ(too_soon.error().problem, "notice_too_short");
  EXPECT_NE(too_soon.error().message.find("2026-05-02 00:00:00 JST"), std::string::npos);
  EXPECT_TRUE(Mails().empty());

  auto w = maintenance_.Announce(
      provider_, {.starts_at = earliest, .ends_at = earliest + hours{2}, .texts = SomeTexts()}, "ops");
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->State(clock_.Now()), MaintenanceState::kScheduled);
  // Every administrator of every company in service, not general accounts nor the provider.
  EXPECT_EQ(Recipients("maintenance.notice"),
            (std::vector<std::string>{"anne@acme.example", "hana@beta.example", "taro@acme.example"}));
  for (const auto& m : Mails()) {
    if (m.recipient == "anne@acme.example") {
      EXPECT_NE(m.message.subject.find("Scheduled maintenance"), std::string::npos);
      EXPECT_NE(m.message.body.find("2026-05-02 00:00:00 JST"), std::string::npos);
    } else {
      EXPECT_NE(m.message.subject.find("定期メンテナンス"), std::string::npos);
      EXPECT_NE(m.message.body.find("データベースを更新します。"), std::string::npos);
    }
  }
  // The reminder: 09:00 JST of the last business day before 5/2, which is Friday 5/1.
  EXPECT_EQ(w->remind_at, At("2026-05-01T00:00:00Z"));
  const auto before = Mails().size();
  clock_.Set(At("2026-04-30T23:59:00Z"));
  EXPECT_EQ(maintenance_.SendReminders(clock_.Now()), 0u);
  clock_.Set(At("2026-05-01T00:05:00Z"));
  EXPECT_EQ(maintenance_.SendReminders(clock_.Now()), 1u);
  EXPECT_EQ(maintenance_.SendReminders(clock_.Now()), 0u);  // once
  const auto mails = Mails();
  ASSERT_EQ(mails.size(), before + 3);
  for (std::size_t i = before; i < mails.size(); ++i)
    EXPECT_NE(mails[i].message.subject.find(mails[i].recipient == "anne@acme.example" ? "Reminder" : "再送"),
              std::string::npos)
        << mails[i].message.subject;
}

TEST_F(OpsTest, OPS_1_AnEmergencyNeedsNoNoticeAndGetsNoReminder) {
  auto w = maintenance_.Announce(provider_,
                                 {.starts_at = clock_.Now(),
                                  .ends_at = clock_.Now() + hours{1},
                                  .audience = {.all = false, .companies = {beta_}},
                                  .emergency = true,
                                  .texts = SomeTexts()},
                                 "ops");
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->State(clock_.Now()), MaintenanceState::kInProgress);
  EXPECT_FALSE(w->remind_at);
  EXPECT_EQ(Recipients("maintenance.notice"), std::vector<std::string>{"hana@beta.example"});
  EXPECT_NE(Mails().back().message.subject.find("緊急"), std::string::npos);
  // Acme sees nothing of Beta's window; Beta and the provider's own view do.
  EXPECT_TRUE(maintenance_.Upcoming(acme_, clock_.Now()).empty());
  EXPECT_EQ(maintenance_.Upcoming(beta_, clock_.Now()).size(), 1u);
  EXPECT_TRUE(maintenance_.Upcoming(std::nullopt, clock_.Now()).empty());  // the public: "all" only
}

TEST_F(OpsTest, OPS_1_ChangesAndCancellationAreMailedAndNeedTheNoticeAgainWhenEarlierOrWider) {
  const Timestamp start = At("2026-05-11T15:00:00Z");  // 5/12 00:00 JST
  auto w = maintenance_.Announce(provider_,
                                 {.starts_at = start,
                                  .ends_at = start + hours{3},
                                  .audience = {.all = false, .companies = {acme_}},
                                  .texts = SomeTexts()},
                                 "ops");
  ASSERT_TRUE(w);
  clock_.Set(At("2026-05-08T01:00:00Z"));  // Friday 5/8: the earliest start is now 5/14 00:00 JST
  // Later is fine; earlier, or to more companies, needs the full notice from now.
  auto later = maintenance_.Change(provider_, w->id, {.starts_at = start + hours{1}});
  ASSERT_TRUE(later) << later.error().message;
  auto earlier = maintenance_.Change(provider_, w->id, {.starts_at = start - hours{1}});
  ASSERT_FALSE(earlier);
  EXPECT_EQ(earlier.error().problem, "notice_too_short");
  auto wider = maintenance_.Change(provider_, w->id, {.audience = Audience{.all = true, .companies = {}}});
  ASSERT_FALSE(wider);
  EXPECT_EQ(wider.error().problem, "notice_too_short");
  // Unknown company: refused, nothing changed.
  auto unknown = maintenance_.Change(provider_, w->id,
                                     {.audience = Audience{.all = false, .companies = {CompanyId{"nope"}}}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().problem, "unknown_company");
  // The change went to Acme's administrators; moving Acme out tells Acme too.
  const auto mails_before = Mails().size();
  auto moved = maintenance_.Change(provider_, w->id, {.audience = Audience{.all = false, .companies = {}}});
  ASSERT_FALSE(moved);  // an empty list is no audience
  clock_.Advance(minutes{1});
  auto cancelled = maintenance_.Cancel(provider_, w->id);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(Mails().size(), mails_before + 2);
  for (const auto& m : Mails()) {
    if (m.created_at != clock_.Now()) continue;
    EXPECT_NE(m.message.subject.find(m.recipient == "anne@acme.example" ? "cancelled" : "中止"),
              std::string::npos)
        << m.message.subject;
  }
  EXPECT_EQ(maintenance_.Cancel(provider_, w->id).error().problem, "maintenance_cancelled");
  EXPECT_EQ(maintenance_.SendReminders(At("2026-05-11T00:30:00Z")), 0u);  // no reminder of a cancelled one
  EXPECT_EQ(maintenance_.List(provider_, MaintenanceState::kCancelled, {}).items.size(), 1u);
  EXPECT_TRUE(maintenance_.List(provider_, MaintenanceState::kScheduled, {}).items.empty());
}

TEST_F(OpsTest, OPS_1_BadInputIsRefusedAndChangesNothing) {
  const Timestamp start = At("2026-05-11T15:00:00Z");
  auto backwards =
      maintenance_.Announce(provider_, {.starts_at = start, .ends_at = start, .texts = SomeTexts()}, "x");
  EXPECT_EQ(backwards.error().field, "ends_at");
  auto week = maintenance_.Announce(
      provider_, {.starts_at = start, .ends_at = start + days{8}, .texts = SomeTexts()}, "x");
  EXPECT_EQ(week.error().field, "ends_at");
  Texts t = SomeTexts();
  t.title_en = "two\nlines";
  EXPECT_EQ(
      maintenance_.Announce(provider_, {.starts_at = start, .ends_at = start + hours{1}, .texts = t}, "x")
          .error()
          .field,
      "title_en");
  t = SomeTexts();
  t.title_ja = std::string(201, 'a');
  EXPECT_FALSE(
      maintenance_.Announce(provider_, {.starts_at = start, .ends_at = start + hours{1}, .texts = t}, "x"));
  t.title_ja = std::string("\xff\xfe");
  EXPECT_FALSE(
      maintenance_.Announce(provider_, {.starts_at = start, .ends_at = start + hours{1}, .texts = t}, "x"));
  EXPECT_TRUE(maintenance_.List(provider_, std::nullopt, {}).items.empty());
  EXPECT_TRUE(Mails().empty());
}

TEST_F(OpsTest, OPS_2_AnIncidentIsADraftUntilPublishedThenItsUpdatesAndResolutionAreMailed) {
  auto i = incidents_.Open(provider_,
                           {.audience = {.all = false, .companies = {acme_}},
                            .severity = "critical",
                            .texts = {"一部の装置に接続できません", "Some devices cannot connect",
                                      "調査中です。", "Investigating."}},
                           "ops");
  ASSERT_TRUE(i) << i.error().message;
  EXPECT_EQ(i->state, IncidentState::kDraft);
  EXPECT_TRUE(Mails().empty());
  EXPECT_TRUE(incidents_.Visible(acme_, clock_.Now() - days{90}).empty());  // drafts are the provider's
  ASSERT_TRUE(incidents_.Publish(provider_, i->id));
  EXPECT_EQ(Recipients("incident.notice"),
            (std::vector<std::string>{"anne@acme.example", "taro@acme.example"}));
  EXPECT_EQ(incidents_.Publish(provider_, i->id).error().problem, "incident_published");
  EXPECT_EQ(incidents_.Change(provider_, i->id, {.severity = "minor"}).error().problem, "incident_published");
  EXPECT_EQ(incidents_.Discard(provider_, i->id).error().problem, "incident_published");
  // Acme sees it, Beta and the public do not.
  EXPECT_EQ(incidents_.Visible(acme_, clock_.Now() - days{90}).size(), 1u);
  EXPECT_TRUE(incidents_.Visible(beta_, clock_.Now() - days{90}).empty());
  EXPECT_TRUE(incidents_.Visible(std::nullopt, clock_.Now() - days{90}).empty());
  clock_.Advance(minutes{30});
  ASSERT_TRUE(incidents_.AddUpdate(provider_, i->id, "原因を特定しました。", "Cause found.", false));
  clock_.Advance(minutes{30});
  auto resolved = incidents_.AddUpdate(provider_, i->id, "復旧しました。", "Resolved.", true);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->state, IncidentState::kResolved);
  EXPECT_EQ(resolved->updates.size(), 2u);
  EXPECT_EQ(Recipients("incident.notice").size(), 6u);
  const auto last = Mails().back();
  EXPECT_NE(last.message.body.find(last.recipient == "anne@acme.example" ? "Resolved." : "復旧しました。"),
            std::string::npos);
  EXPECT_EQ(incidents_.AddUpdate(provider_, i->id, "a", "b", false).error().problem, "incident_resolved");
}

TEST_F(OpsTest, OPS_2_ADraftCanBeDiscardedAndBadInputIsRefused) {
  auto bad = incidents_.Open(provider_, {.severity = "apocalyptic", .texts = SomeTexts()}, "ops");
  EXPECT_EQ(bad.error().field, "severity");
  auto future =
      incidents_.Open(provider_, {.texts = SomeTexts(), .detected_at = clock_.Now() + hours{1}}, "ops");
  EXPECT_EQ(future.error().field, "detected_at");
  auto i = incidents_.Open(provider_, {.texts = SomeTexts()}, "ops");
  ASSERT_TRUE(i);
  EXPECT_FALSE(incidents_.AddUpdate(provider_, i->id, "", "x", false));
  ASSERT_TRUE(incidents_.Discard(provider_, i->id));
  EXPECT_EQ(incidents_.Get(provider_, i->id).error().code, ErrorCode::kNotFound);
}

// An alarm sink that remembers what it was asked, around the real one.
class RecordingSink : public AlarmSink {
 public:
  using AlarmSink::AlarmSink;
  bool Raise(const std::string& node, const std::vector<CheckResult>& failing, Timestamp since, Timestamp now,
             bool recovered) override {
    (recovered ? recoveries : alarms)++;
    return AlarmSink::Raise(node, failing, since, now, recovered);
  }
  int alarms = 0;
  int recoveries = 0;
};

TEST_F(OpsTest, OPS_2_AFailureLastingThreeMinutesAlarmsTheSiteAdministratorsOnceAndOpensOneDraft) {
  mail::SmtpSender smtp{{}};
  RecordingSink sink{tdb_.db(), outbox_, smtp, "kanri.test"};
  bool cwmp_ok = true;
  HealthMonitor monitor{
      tdb_.db(), clock_,
      "node-a",  {{"cwmp", [&] { return CheckResult{"cwmp", cwmp_ok, cwmp_ok ? "" : "no answer"}; }}},
      sink,      {.interval = minutes{1}, .alarm_after = minutes{3}}};
  monitor.RunOnce();
  cwmp_ok = false;
  for (int i = 0; i < 3; ++i) {  // failing at +1, +2, +3 minutes
    clock_.Advance(minutes{1});
    monitor.RunOnce();
    EXPECT_EQ(sink.alarms, 0) << "alarmed after " << i << " minutes";
  }
  clock_.Advance(minutes{1});
  monitor.RunOnce();  // 3 minutes after the first failing round
  EXPECT_EQ(sink.alarms, 1);
  EXPECT_EQ(Recipients("service.health_alarm"), std::vector<std::string>{"ops@provider.example"});
  EXPECT_NE(Mails().back().message.body.find("no answer"), std::string::npos);
  auto drafts = incidents_.List(provider_, IncidentState::kDraft, {}).items;
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].check_name, "cwmp");
  EXPECT_EQ(drafts[0].detected_at, At("2026-04-27T01:01:00Z"));
  EXPECT_TRUE(monitor.Current().alarmed);
  clock_.Advance(minutes{1});
  monitor.RunOnce();
  EXPECT_EQ(sink.alarms, 1);  // once per failure
  cwmp_ok = true;
  clock_.Advance(minutes{1});
  monitor.RunOnce();
  EXPECT_EQ(sink.recoveries, 1);
  EXPECT_FALSE(monitor.Current().failing_since);
  // The same check failing again while its draft is open: no second draft.
  cwmp_ok = false;
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(minutes{1});
    monitor.RunOnce();
  }
  EXPECT_EQ(sink.alarms, 2);
  EXPECT_EQ(incidents_.List(provider_, IncidentState::kDraft, {}).items.size(), 1u);
  // One sample per minute, failing minutes marked with the check's name.
  auto lease = tdb_.db().Acquire();
  int rows = 0, failed = 0;
  lease.sql() << "SELECT COUNT(*) FROM health_samples WHERE node = 'node-a'", soci::into(rows);
  lease.sql() << "SELECT COUNT(*) FROM health_samples WHERE ok = 0 AND failed = 'cwmp'", soci::into(failed);
  EXPECT_EQ(rows, 12);
  EXPECT_EQ(failed, 10);
}

TEST_F(OpsTest, OPS_2_AShortFlakeRaisesNothingButItsMinuteCountsAsDown) {
  mail::SmtpSender smtp{{}};
  RecordingSink sink{tdb_.db(), outbox_, smtp, "kanri.test"};
  int round = 0;
  HealthMonitor monitor{tdb_.db(), clock_,
                        "node-a",  {{"disk", [&] { return CheckResult{"disk", ++round != 2, "full"}; }}},
                        sink,      {}};
  for (int i = 0; i < 4; ++i) {
    monitor.RunOnce();
    clock_.Advance(std::chrono::seconds{20});  // three rounds in the first minute
  }
  EXPECT_EQ(sink.alarms, 0);
  auto lease = tdb_.db().Acquire();
  int ok = -1;
  const long long minute = ToUnixMillis(At("2026-04-27T01:00:00Z")) / 60000;
  lease.sql() << "SELECT ok FROM health_samples WHERE minute = :m", soci::use(minute), soci::into(ok);
  EXPECT_EQ(ok, 0);
}

TEST_F(OpsTest, OPS_3_AvailabilityCountsMinutesAnyNodeWasHealthyExcludingPlannedMaintenance) {
  // November 2026 (JST has no DST; months are measured in UTC minutes of the period given).
  const Timestamp from = At("2026-11-01T00:00:00Z"), to = At("2026-12-01T00:00:00Z");
  const long long first = ToUnixMillis(from) / 60000, last = ToUnixMillis(to) / 60000;
  {
    auto lease = tdb_.db().Acquire();
    db::WriteTransaction tx(lease);
    for (long long m = first; m < last; ++m) {
      // Node a is down 100 minutes at the start of day 3 (node b was not running then): an
      // outage. Node b is down 50 minutes on day 10 while a is up: no outage.
      const bool a_ok = !(m >= first + 2 * 1440 && m < first + 2 * 1440 + 100);
      lease.sql() << "INSERT INTO health_samples (minute, node, ok) VALUES (:m, 'a', :ok)", soci::use(m),
          soci::use(static_cast<int>(a_ok));
      if (m >= first + 9 * 1440 && m < first + 9 * 1440 + 50)
        lease.sql() << "INSERT INTO health_samples (minute, node, ok) VALUES (:m, 'b', 0)", soci::use(m);
    }
    // Day 20: 30 minutes with no sample at all (no node ran).
    const long long gap = first + 19 * 1440;
    lease.sql() << "DELETE FROM health_samples WHERE minute >= :a AND minute < :b", soci::use(gap),
        soci::use(gap + 30);
    tx.Commit();
  }
  const auto now = At("2026-12-05T00:00:00Z");
  auto a = MeasureAvailability(tdb_.db(), from, to, now, {});
  EXPECT_EQ(a.minutes, 30 * 1440);
  EXPECT_EQ(a.measured_minutes, 30 * 1440);
  EXPECT_EQ(a.available_minutes, 30 * 1440 - 130);
  ASSERT_TRUE(a.ratio);
  EXPECT_NEAR(*a.ratio, 1.0 - 130.0 / (30 * 1440), 1e-12);
  EXPECT_TRUE(a.Met());  // 99.70 %
  // A planned window over the first 60 minutes of the outage, and an overlapping one.
  const Timestamp outage = from + days{2};
  auto b =
      MeasureAvailability(tdb_.db(), from, to, now,
                          {{outage, outage + minutes{60}}, {outage + minutes{30}, outage + minutes{40}}});
  EXPECT_EQ(b.maintenance_minutes, 60);
  EXPECT_EQ(b.available_minutes, 30 * 1440 - 130 - 0);
  EXPECT_NEAR(*b.ratio, (30.0 * 1440 - 130) / (30 * 1440 - 60), 1e-12);
  EXPECT_NEAR(*b.ratio, 1.0 - 70.0 / (30 * 1440 - 60), 1e-12);
  // The current month counts up to now only; a month before the first sample measures nothing.
  auto partial = MeasureAvailability(tdb_.db(), from, to, At("2026-11-02T00:00:00Z"), {});
  EXPECT_EQ(partial.measured_minutes, 1440);
  auto before = MeasureAvailability(tdb_.db(), At("2026-10-01T00:00:00Z"), from, now, {});
  EXPECT_EQ(before.measured_minutes, 0);
  EXPECT_FALSE(before.ratio);
  // A month below the objective.
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE health_samples SET ok = 0 WHERE minute >= :a AND minute < :b", soci::use(first),
        soci::use(first + 300);
  }
  EXPECT_FALSE(MeasureAvailability(tdb_.db(), from, to, now, {}).Met());
  EXPECT_EQ(PurgeSamplesBefore(tdb_.db(), from + days{1}), 1440u);
}

}  // namespace
}  // namespace kanri::ops
