// The scheduler (due times, catch-up, one process at a time, history) and the SEC-2 scan.
#include <gtest/gtest.h>

#include "audit/operation_history.h"
#include "db/test_database.h"
#include "devices/allocations.h"
#include "devices/firmware.h"
#include "devices/refused.h"
#include "devices/test_devices.h"
#include "identity/accounts.h"
#include "jobs/account_lifecycle.h"
#include "jobs/contract_end.h"
#include "jobs/device_retention.h"
#include "jobs/login_alarms.h"
#include "jobs/scheduler.h"
#include "tenancy/companies.h"

namespace kanri::jobs {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

TEST(Schedule, DailyJobsAreDueAtTheirJstTimeAndEveryJobsAfterTheirInterval) {
  const auto daily = Schedule::DailyJst(3, 0);
  // 2026-03-01 02:00 JST is 2026-02-28T17:00Z: due at 03:00 JST the same day (18:00Z).
  EXPECT_EQ(daily.NextAfter(*ParseUtc("2026-02-28T17:00:00Z")), *ParseUtc("2026-02-28T18:00:00Z"));
  // Run at 03:00 JST: next the day after.
  EXPECT_EQ(daily.NextAfter(*ParseUtc("2026-02-28T18:00:00Z")), *ParseUtc("2026-03-01T18:00:00Z"));
  // 23:30 JST (14:30Z): next 03:00 JST is the next calendar day in JST.
  EXPECT_EQ(daily.NextAfter(*ParseUtc("2026-02-28T14:30:00Z")), *ParseUtc("2026-02-28T18:00:00Z"));
  EXPECT_EQ(daily.Describe(), "daily 03:00 JST");
  EXPECT_EQ(Schedule::Every(minutes{1}).Describe(), "every 1 min");
  EXPECT_EQ(Schedule::Every(hours{1}).Describe(), "every 1 h");
  EXPECT_EQ(Schedule::Every(std::chrono::seconds{10}).NextAfter(*ParseUtc("2026-01-01T00:00:00Z")),
            *ParseUtc("2026-01-01T00:00:10Z"));
}

class SchedulerTest : public ::testing::Test {
 protected:
  Job Counting(std::string name, Schedule schedule, int* runs) {
    return Job{std::move(name), "counts its runs", schedule, [runs](Timestamp) {
                 ++*runs;
                 return Counts{{"done", 1}};
               }};
  }
  std::vector<audit::StoredRecord> JobRecords() {
    return history_.QueryProvider(provider_, {.action = "job.run"}, {.limit = 100}).items;
  }
  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2026-01-05T00:00:00Z")};
  audit::OperationHistory history_{tdb_.db(), clock_, {}};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
};

TEST_F(SchedulerTest, ADailyJobThatNeverRanWaitsForItsTimeAFrequentOneRunsAtOnce) {
  int daily = 0, frequent = 0;
  Scheduler s{tdb_.db(),
              clock_,
              history_,
              {Counting("daily", Schedule::DailyJst(3, 0), &daily),
               Counting("often", Schedule::Every(minutes{1}), &frequent)},
              "test"};
  ASSERT_EQ(s.RunDue().size(), 1u);
  EXPECT_EQ(frequent, 1);
  EXPECT_EQ(daily, 0) << "an upgrade's restart does not run every daily job at once";
  clock_.Advance(hours{17});  // 2026-01-05T17:00Z = 02:00 JST on the 6th
  s.RunDue();
  EXPECT_EQ(daily, 0);
  clock_.Advance(hours{1});
  s.RunDue();
  EXPECT_EQ(daily, 1);
  clock_.Advance(days{1});
  s.RunDue();
  EXPECT_EQ(daily, 2);
}

TEST_F(SchedulerTest, ADailyJobThatNeverRanCatchesUpFromWhenItWasFirstKnown) {
  int runs = 0;
  { Scheduler s{tdb_.db(), clock_, history_, {Counting("daily", Schedule::DailyJst(3, 0), &runs)}, "test"}; }
  clock_.Advance(days{3});  // down at every 03:00 since
  Scheduler restarted{
      tdb_.db(), clock_, history_, {Counting("daily", Schedule::DailyJst(3, 0), &runs)}, "test"};
  EXPECT_EQ(restarted.RunDue().size(), 1u);
  EXPECT_EQ(runs, 1);
}

TEST_F(SchedulerTest, AJobMissedWhileTheServerWasDownRunsOnceAtStart) {
  int runs = 0;
  {
    Scheduler s{tdb_.db(), clock_, history_, {Counting("daily", Schedule::DailyJst(3, 0), &runs)}, "test"};
    clock_.Advance(hours{18});  // 03:00 JST
    s.RunDue();
  }
  clock_.Advance(days{10});  // the server was down
  Scheduler restarted{
      tdb_.db(), clock_, history_, {Counting("daily", Schedule::DailyJst(3, 0), &runs)}, "test"};
  EXPECT_EQ(restarted.RunDue().size(), 1u);
  EXPECT_TRUE(restarted.RunDue().empty()) << "once, not once per missed day";
  EXPECT_EQ(runs, 2);
}

TEST_F(SchedulerTest, TwoProcessesNeverRunOneJobAtOnce) {
  int inner_runs = 0, outer_runs = 0;
  std::unique_ptr<Scheduler> other;
  Job inner = Counting("job", Schedule::Every(minutes{1}), &inner_runs);
  // While the first process runs the job, a second one (same database) tries it too.
  Job outer{"job", "", Schedule::Every(minutes{1}), [&](Timestamp) {
              ++outer_runs;
              auto r = other->RunNow("job", "manual");
              EXPECT_TRUE(r);
              EXPECT_FALSE(r->ran) << "the lease is held";
              return Counts{};
            }};
  other = std::make_unique<Scheduler>(tdb_.db(), clock_, history_, std::vector<Job>{inner}, "process-2");
  Scheduler first{tdb_.db(), clock_, history_, {outer}, "process-1"};
  first.RunDue();
  EXPECT_EQ(outer_runs, 1);
  EXPECT_EQ(inner_runs, 0);
  // Once it finished, the other process may run it.
  EXPECT_TRUE(other->RunNow("job", "manual")->ran);
  EXPECT_EQ(inner_runs, 1);
}

TEST_F(SchedulerTest, ALeaseOfAProcessThatDiedExpires) {
  int runs = 0;
  Job job = Counting("job", Schedule::Every(hours{1}), &runs);
  job.lease = minutes{30};
  Scheduler s{tdb_.db(), clock_, history_, {job}, "test"};
  {
    auto lease = tdb_.db().Acquire();
    const long long until = ToUnixMillis(clock_.Now() + minutes{30});
    lease.sql() << "UPDATE job_state SET lease_until = :u, lease_owner = 'dead' WHERE name = 'job'",
        soci::use(until);
  }
  EXPECT_TRUE(s.RunDue().empty());
  EXPECT_TRUE(s.List()[0].running);
  clock_.Advance(minutes{31});
  EXPECT_EQ(s.RunDue().size(), 1u);
  EXPECT_EQ(runs, 1);
}

TEST_F(SchedulerTest, SEC_6_EachRunIsInTheProvidersHistoryWithItsCountsOrItsError) {
  Job ok{"ok-job", "", Schedule::Every(hours{2}), [](Timestamp) { return Counts{{"removed", 3}}; }};
  Job bad{"bad-job", "", Schedule::Every(hours{2}),
          [](Timestamp) -> Counts { throw std::runtime_error("disk full"); }};
  Scheduler s{tdb_.db(), clock_, history_, {ok, bad}, "test"};
  auto runs = s.RunDue();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs[0].ok);
  EXPECT_FALSE(runs[1].ok);
  auto records = JobRecords();
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) {
    if (r.record.target_id == "ok-job") {
      EXPECT_EQ(r.record.outcome, audit::Outcome::kSuccess);
      EXPECT_NE(r.record.details.find("\"removed\":3"), std::string::npos) << r.record.details;
    } else {
      EXPECT_EQ(r.record.outcome, audit::Outcome::kFailed);
      EXPECT_NE(r.record.details.find("disk full"), std::string::npos);
    }
  }
  auto list = s.List();
  EXPECT_EQ(list[1].last_outcome, "failed");
  EXPECT_EQ(list[1].last_error, "disk full");
  EXPECT_EQ(list[0].last_counts, (Counts{{"removed", 3}}));
}

TEST_F(SchedulerTest, FrequentJobsRecordOnlyRunsThatDidSomething) {
  int n = 0;
  Job idle{"idle", "", Schedule::Every(minutes{1}), [&](Timestamp) {
             return Counts{{"sent", n++ == 2 ? 1 : 0}};
           }};
  Scheduler s{tdb_.db(), clock_, history_, {idle}, "test"};
  for (int i = 0; i < 4; ++i) {
    s.RunDue();
    clock_.Advance(minutes{1});
  }
  EXPECT_EQ(n, 4);
  EXPECT_EQ(JobRecords().size(), 1u);
  EXPECT_FALSE(s.RunNow("nope", "manual"));
}

class LoginAlarmTest : public SchedulerTest {
 protected:
  void SetUp() override {
    company_ = companies_.Create(provider_, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})->id;
    taro_ =
        *accounts_.Create(company_, {"taro", "Taro", "taro@example.jp", identity::AccountKind::kAdmin}, "h");
    admin_ = *accounts_.CreateSiteAdministrator(provider_, {"ops", "Ops", "ops@example.jp"}, "h");
  }
  void Fail(int n, const std::string& ip, const identity::Account* who) {
    std::vector<audit::OperationRecord> records;
    for (int i = 0; i < n; ++i) {
      audit::OperationRecord r;
      r.time = clock_.Now();
      r.company = who ? who->company_id : std::nullopt;
      r.actor_id = who ? who->id.value() : "";
      r.actor_login = who ? who->login : "";
      r.source_ip = ip;
      r.action = "session.login";
      r.outcome = audit::Outcome::kDenied;
      r.error_code = "login_failed";
      records.push_back(r);
    }
    history_.AppendBatch(records);
  }
  std::vector<mail::OutboxEntry> Mails() {
    return outbox_.List(provider_, std::nullopt, {.limit = 100}).items;
  }

  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  identity::AccountRepository accounts_{tdb_.db(), clock_};
  mail::Outbox outbox_{tdb_.db(), clock_, "kanri.test"};
  LoginAlarms alarms_{tdb_.db(), outbox_, {}};
  CompanyId company_;
  identity::Account taro_, admin_;
};

TEST_F(LoginAlarmTest, SEC_2_ABurstOnOneAccountRaisesOneAlarmPerWindowAndMailsTheSiteAdministrators) {
  Fail(19, "192.0.2.1", &taro_);
  EXPECT_TRUE(alarms_.Scan(clock_.Now()).empty());
  Fail(1, "192.0.2.2", &taro_);
  auto raised = alarms_.Scan(clock_.Now());
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "account");
  EXPECT_EQ(raised[0].subject, taro_.id.value());
  EXPECT_EQ(raised[0].label, "taro (acme)");
  EXPECT_EQ(raised[0].failures, 20);
  auto mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].recipient, "ops@example.jp");
  EXPECT_EQ(mails[0].kind, "security.login_alarm");
  EXPECT_NE(mails[0].message.body.find("taro (acme)"), std::string::npos);
  EXPECT_NE(mails[0].message.body.find("JST"), std::string::npos);
  // More failures inside the same window: no second alarm.
  clock_.Advance(minutes{5});
  Fail(30, "192.0.2.1", &taro_);
  EXPECT_TRUE(alarms_.Scan(clock_.Now()).empty());
  // The next window with a burst again: a new alarm.
  clock_.Advance(minutes{6});
  Fail(20, "192.0.2.3", &taro_);
  EXPECT_EQ(alarms_.Scan(clock_.Now()).size(), 1u);
  EXPECT_EQ(alarms_.List(provider_, {}).items.size(), 2u);
}

TEST_F(LoginAlarmTest, SEC_2_BurstsPerAddressAndServiceWideAreAlarmsToo) {
  // Unknown login IDs from one address: no account, but the address and the service.
  Fail(50, "203.0.113.9", nullptr);
  auto raised = alarms_.Scan(clock_.Now());
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "address");
  EXPECT_EQ(raised[0].label, "203.0.113.9");
  for (int i = 0; i < 4; ++i) Fail(40, "198.51.100." + std::to_string(i), nullptr);
  raised = alarms_.Scan(clock_.Now());
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "service");
  EXPECT_EQ(raised[0].failures, 210);
  // Failures older than the window do not count.
  clock_.Advance(minutes{11});
  EXPECT_TRUE(alarms_.Scan(clock_.Now()).empty());
}

TEST_F(LoginAlarmTest, SEC_7_TheLifecycleJobQueuesItsMailAndRecordsEachStepInTheCompanysHistory) {
  identity::InactivityRules rules{tdb_.db(), {}};
  clock_.Advance(days{180});
  auto counts = RunAccountLifecycle(rules, outbox_, history_, clock_.Now());
  EXPECT_EQ(counts, (Counts{{"reminded", 1}, {"locked", 0}, {"deleted", 0}}));
  auto mails = Mails();
  ASSERT_EQ(mails.size(), 1u) << "taro is the only administrator: no second copy to himself";
  EXPECT_EQ(mails[0].recipient, "taro@example.jp");
  EXPECT_EQ(mails[0].kind, "account.inactivity_reminder");
  auto records = history_.Query(company_, {.action = "account.inactivity_reminded"}, {}).items;
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].record.target_id, taro_.id.value());
  EXPECT_EQ(records[0].record.actor_login, "system");
}

TEST_F(LoginAlarmTest, DATA_5_DevicesSilentPastTheRetentionAreDeletedAndRecordedInTheirCompanysHistory) {
  const long long day = 86'400'000;
  const long long now = ToUnixMillis(clock_.Now());
  const auto silent = devices::testing::InsertDevice(tdb_.db(), company_,
                                                     {.serial = "OLD1", .last_contact_ms = now - 91 * day});
  const auto recent = devices::testing::InsertDevice(tdb_.db(), company_,
                                                     {.serial = "NEW1", .last_contact_ms = now - 89 * day});
  devices::DeviceRepository inventory{tdb_.db(), clock_};
  devices::UnassignedDeviceRepository unassigned{tdb_.db()};
  auto counts = RunDeviceRetention(inventory, unassigned, history_, days{90}, clock_.Now());
  EXPECT_EQ(counts, (Counts{{"deleted", 1}, {"unassigned_deleted", 0}, {"credentials_forgotten", 0}}));
  EXPECT_FALSE(inventory.Get(company_, silent));
  EXPECT_TRUE(inventory.Get(company_, recent));
  auto records = history_.Query(company_, {.action = "device.retention_deleted"}, {}).items;
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].record.target_id, silent.value());
  EXPECT_NE(records[0].record.details.find("OLD1"), std::string::npos);
  EXPECT_EQ(RunDeviceRetention(inventory, unassigned, history_, days{90}, clock_.Now()),
            (Counts{{"deleted", 0}, {"unassigned_deleted", 0}, {"credentials_forgotten", 0}}));
}

TEST_F(LoginAlarmTest, DATA_6_AnEndedCompanyIsDeletedStepByStepAndItsDevicesAreDetached) {
  // The contract's last day is today (2026-01-05 JST): it ends at 00:00 JST on the 6th
  // (2026-01-05T15:00Z); with 30 days' grace the steps fall on days 10, 20 and 30 after that.
  const auto key = audit::SigningKey::Generate();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kanri-fw-" + GenerateOpaqueId());
  devices::FirmwareRepository firmware{tdb_.db(), clock_, dir};
  devices::UnassignedDeviceRepository unassigned{tdb_.db()};
  devices::DeviceRepository inventory{tdb_.db(), clock_};
  devices::AllocationRepository allocations{tdb_.db(), clock_};
  ASSERT_TRUE(
      allocations.Create(provider_, {.company_id = company_, .oui = "00D09E", .serial_prefix = "SN"}, "ops"));
  const long long now_ms = ToUnixMillis(clock_.Now());
  const auto device = devices::testing::InsertDevice(
      tdb_.db(), company_,
      {.serial = "SN0001", .last_contact_ms = now_ms, .tree = R"({"Device.X":["1","string",1]})"});
  ASSERT_TRUE(
      companies_.Update(provider_, company_, {.contract_end = std::optional(*Date::Parse("2026-01-05"))}));
  auto run = [&] {
    return RunContractEnd(tdb_.db(), companies_, firmware, history_, key, days{30}, clock_.Now());
  };
  const Counts nothing{{"accounts_deleted", 0},
                       {"configurations_deleted", 0},
                       {"devices_detached", 0},
                       {"companies_deleted", 0}};

  EXPECT_EQ(run(), nothing) << "the contract's last day is not over";
  clock_.Advance(hours{15} + days{10} - minutes{1});
  EXPECT_EQ(run(), nothing) << "a minute before the first step";
  clock_.Advance(minutes{1});
  EXPECT_EQ(run(), (Counts{{"accounts_deleted", 1},
                           {"configurations_deleted", 0},
                           {"devices_detached", 0},
                           {"companies_deleted", 0}}));
  EXPECT_FALSE(accounts_.Get(company_, taro_.id)) << "the accounts are gone";
  EXPECT_TRUE(inventory.Get(company_, device)) << "the devices stay until the second step";
  EXPECT_EQ(run(), nothing) << "a step is taken once";
  // Deleted data cannot come back by a renewed contract.
  auto renewed =
      companies_.Update(provider_, company_, {.contract_end = std::optional(*Date::Parse("2027-01-05"))});
  ASSERT_FALSE(renewed);
  EXPECT_EQ(renewed.error().problem, "deletion_in_progress");

  clock_.Advance(days{10});
  EXPECT_EQ(run(), (Counts{{"accounts_deleted", 0},
                           {"configurations_deleted", 1},
                           {"devices_detached", 1},
                           {"companies_deleted", 0}}));
  EXPECT_FALSE(inventory.Get(company_, device));
  EXPECT_TRUE(allocations.List(provider_, {}, {.limit = 10}).items.empty()) << "the allocations are gone";
  auto listed = unassigned.List(provider_, {.limit = 10}).items;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, device.value());
  EXPECT_EQ(listed[0].serial_number, "SN0001");
  EXPECT_EQ(listed[0].former_company_code, "acme");
  std::string tree;
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "SELECT tree FROM unassigned_devices WHERE id = :id", soci::use(device.value()),
        soci::into(tree);
  }
  EXPECT_EQ(tree, R"({"Device.X":["1","string",1]})") << "the device keeps its information";

  clock_.Advance(days{10});
  EXPECT_EQ(run(), (Counts{{"accounts_deleted", 0},
                           {"configurations_deleted", 0},
                           {"devices_detached", 0},
                           {"companies_deleted", 1}}));
  EXPECT_FALSE(companies_.Get(provider_, company_));
  EXPECT_EQ(run(), nothing);

  // Each step is in the company's chain, which is checkpointed and verifies, and in the
  // provider's.
  auto own = history_.Query(company_, {.action = "company.contract_end_step"}, {.limit = 10}).items;
  ASSERT_EQ(own.size(), 3u);
  EXPECT_NE(own[0].record.details.find(R"("step":"company")"), std::string::npos);
  EXPECT_NE(own[2].record.details.find(R"("accounts":1)"), std::string::npos);
  EXPECT_EQ(
      history_.QueryProvider(provider_, {.action = "company.contract_end_step"}, {.limit = 10}).items.size(),
      3u);
  EXPECT_TRUE(history_.Verify(key).ok);

  // The detached device is kept while it contacts the service (its refused Informs move its
  // last contact, not listing it as refused), and deleted once silent for the device retention.
  devices::RefusedDeviceRepository refused{tdb_.db(), clock_};
  refused.Record("00D09E", "IGD", "SN0001", "192.0.2.7", "unassigned", clock_.Now());
  refused.Flush();
  EXPECT_TRUE(refused.List(provider_, {.limit = 10}).items.empty());
  listed = unassigned.List(provider_, {.limit = 10}).items;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].last_contact_at, clock_.Now());
  EXPECT_EQ(listed[0].source_ip, "192.0.2.7");
  clock_.Advance(days{89});
  EXPECT_EQ(RunDeviceRetention(inventory, unassigned, history_, days{90}, clock_.Now()),
            (Counts{{"deleted", 0}, {"unassigned_deleted", 0}, {"credentials_forgotten", 0}}));
  clock_.Advance(days{2});
  EXPECT_EQ(RunDeviceRetention(inventory, unassigned, history_, days{90}, clock_.Now()),
            (Counts{{"deleted", 0}, {"unassigned_deleted", 1}, {"credentials_forgotten", 0}}));
  EXPECT_TRUE(unassigned.List(provider_, {.limit = 10}).items.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kanri::jobs
