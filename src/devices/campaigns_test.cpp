// DEV-6: the campaign engine against a real database: waves in order, the threshold pause, the
// window and concurrency, pause / resume / cancel, and another company's campaign never seen.
#include "devices/campaigns.h"

#include <set>

#include "devices/devices_test_fixture.h"
#include "devices/groups.h"
#include "devices/task_flow.h"

namespace kanri::devices {
namespace {

using namespace std::chrono_literals;

class CampaignsTest : public DevicesTest {
 protected:
  void SetUp() override {
    DevicesTest::SetUp();
    auto lease = tdb_.db().Acquire();
    for (const auto& [id, company] :
         {std::pair{std::string("fw-a"), acme_}, std::pair{std::string("fw-b"), beta_}})
      lease.sql() << "INSERT INTO firmware_files (id, company_id, name, version, model, size, sha256, "
                     "created_by_login, created_at, models) VALUES (:id, :c, 'HG5_v2.1.bin', '2.1', '', 1, "
                     "'x', 'alice', 0, '[\"HG-5\"]')",
          soci::use(id), soci::use(company.value());
  }

  // `n` HG-5 routers on 1.0 (serials <prefix>001 …), online.
  std::vector<DeviceId> SeedRouters(const std::string& prefix, int n, const std::string& model = "HG-5",
                                    const std::string& version = "1.0") {
    std::vector<DeviceId> ids;
    for (int i = 1; i <= n; ++i) {
      char serial[32];
      std::snprintf(serial, sizeof serial, "%s%03d", prefix.c_str(), i);
      ids.push_back(Seed(acme_, {.serial = serial,
                                 .model = model,
                                 .software_version = version,
                                 .online_until_ms = ToUnixMillis(clock_.Now() + 24h)}));
    }
    return ids;
  }

  CampaignSpec Spec(std::vector<WaveSpec> waves) {
    CampaignSpec spec;
    spec.name = "HG-5 2.1";
    spec.firmware_id = FirmwareId{"fw-a"};
    spec.filter = DeviceFilter{};
    spec.waves = std::move(waves);
    return spec;
  }

  // The device's next task, started; nullopt when nothing may start.
  std::optional<Task> Start(const DeviceId& device) { return flow_.StartNext(device); }
  void End(const Task& t, bool ok) {
    TaskOutcome outcome;
    if (!ok) {
      outcome.state = TaskState::kFailed;
      outcome.fault_code = 9003;  // permanent: no automatic retry
    }
    ASSERT_TRUE(flow_.Finish(t.id, outcome));
  }
  // Starts and ends the campaign download of each device.
  void RunAll(const std::vector<DeviceId>& devices, const std::set<DeviceId>& failing = {}) {
    for (const auto& d : devices) {
      auto t = Start(d);
      ASSERT_TRUE(t) << d.value();
      ASSERT_EQ(TypeOf(t->request), TaskType::kDownload);
      End(*t, !failing.contains(d));
    }
  }
  std::vector<DeviceId> WaveDevices(const CampaignId& c, int wave) {
    std::vector<DeviceId> out;
    auto page = campaigns_.Devices(acme_, c, {.wave = wave}, {.limit = 200});
    for (const auto& d : page->items) out.push_back(d.device_id);
    return out;
  }

  DeviceSecrets secrets_ = DeviceSecrets::FromKey(std::string(32, 'k'));
  TaskFlow flow_{tdb_.db(), clock_, secrets_};
  CampaignRepository campaigns_{tdb_.db(), clock_};
  TaskActor actor_{AccountId{"acct1"}, "alice"};
};

TEST_F(CampaignsTest, DEV_6_WavesRunInOrderAndTheWrongModelIsSkipped) {
  auto routers = SeedRouters("HG", 6);
  SeedRouters("OT", 2, "HG-9");
  SeedRouters("UP", 1, "HG-5", "2.1");
  auto c = campaigns_.Create(acme_, Spec({{.count = 2}, {.percent = 100}}), actor_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->state, CampaignState::kRunning);
  EXPECT_EQ(c->counts.total, 9U);
  EXPECT_EQ(c->counts.skipped, 2U);
  EXPECT_EQ(c->skipped_reasons.at("other_model"), 2U);
  EXPECT_EQ(c->counts.done, 1U) << "already on 2.1: done without a download";
  ASSERT_EQ(c->waves.size(), 2U);
  EXPECT_EQ(c->waves[0].size, 2U);
  EXPECT_EQ(c->waves[1].size, 4U);
  EXPECT_EQ(c->waves[0].downloads, 2U);
  EXPECT_EQ(c->waves[1].downloads, 0U) << "the second wave waits for the first";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE campaign_id IS NOT NULL"), 2);

  const auto first = WaveDevices(c->id, 0);
  ASSERT_EQ(first.size(), 2U);
  RunAll(first);
  auto tick = campaigns_.Tick();
  ASSERT_EQ(tick.events.size(), 1U);
  EXPECT_EQ(tick.events[0].action, "campaign.wave_started");
  c = campaigns_.Get(acme_, c->id);
  EXPECT_EQ(c->current_wave, 1);
  EXPECT_TRUE(c->waves[0].ended_at);
  EXPECT_EQ(c->waves[1].downloads, 4U);
  // The online devices of the wave are asked to connect, at most `concurrency` at once.
  EXPECT_EQ(campaigns_.Tick().wakes.size(), 4U);
  EXPECT_TRUE(campaigns_.Tick().wakes.empty()) << "each device is woken once";

  RunAll(WaveDevices(c->id, 1));
  tick = campaigns_.Tick();
  ASSERT_EQ(tick.events.size(), 1U);
  EXPECT_EQ(tick.events[0].action, "campaign.finished");
  c = campaigns_.Get(acme_, c->id);
  EXPECT_EQ(c->state, CampaignState::kFinished);
  EXPECT_EQ(c->counts.done, 7U);
  EXPECT_EQ(c->counts.failed, 0U);
  // The wrong model never got a task.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks t JOIN devices d ON d.id = t.device_id WHERE d.model = 'HG-9'"),
            0);
  (void)routers;
}

TEST_F(CampaignsTest, DEV_6_PausesPastTheThresholdAndResumesPastThatWave) {
  SeedRouters("HG", 6);
  {
    // A webhook of the company that wants to hear the engine's pauses and ends.
    auto lease = tdb_.db().Acquire();
    lease.sql() << "INSERT INTO webhooks (id, company_id, name, url, events, secret_enc, created_by_login, "
                   "created_at, updated_at) VALUES ('wh1', :c, 'ops', 'https://hooks.example/in', "
                   "'campaign.paused campaign.finished', 'x', 'alice', 0, 0)",
        soci::use(acme_.value());
  }
  auto spec = Spec({{.count = 2}, {.percent = 100}});
  spec.failure_threshold_percent = 10;
  auto c = campaigns_.Create(acme_, spec, actor_);
  ASSERT_TRUE(c);
  const auto first = WaveDevices(c->id, 0);
  RunAll(first, {first[1]});
  auto tick = campaigns_.Tick();
  ASSERT_EQ(tick.events.size(), 1U);
  EXPECT_EQ(tick.events[0].action, "campaign.paused");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_deliveries WHERE event_type = 'campaign.paused' AND payload "
                  "LIKE '%failure_threshold%'"),
            1);
  c = campaigns_.Get(acme_, c->id);
  EXPECT_EQ(c->state, CampaignState::kPaused);
  EXPECT_EQ(c->pause_reason, "failure_threshold");
  EXPECT_EQ(c->failure_reasons.at("9003"), 1U);
  EXPECT_EQ(c->waves[1].downloads, 0U) << "no next wave while paused";
  EXPECT_TRUE(campaigns_.Tick().events.empty());

  // An operator retry of the failed device waits while the campaign is paused.
  TaskRepository tasks{tdb_.db(), clock_};
  auto failed = campaigns_.Devices(acme_, c->id, {.state = "failed"}, {});
  ASSERT_EQ(failed->items.size(), 1U);
  ASSERT_TRUE(tasks.Retry(acme_, *failed->items[0].task_id));
  EXPECT_FALSE(Start(first[1])) << "held back while paused";
  EXPECT_EQ(tasks.Get(acme_, *failed->items[0].task_id)->state, TaskState::kQueued);

  EXPECT_EQ(campaigns_.Pause(acme_, c->id).error().problem, "campaign_not_running");
  ASSERT_TRUE(campaigns_.Resume(acme_, c->id));
  EXPECT_EQ(campaigns_.Resume(acme_, c->id).error().problem, "campaign_not_paused");
  RunAll({first[1]}, {first[1]});  // fails again: the wave was accepted, no new pause
  tick = campaigns_.Tick();
  ASSERT_EQ(tick.events.size(), 1U);
  EXPECT_EQ(tick.events[0].action, "campaign.wave_started");
  RunAll(WaveDevices(c->id, 1));
  campaigns_.Tick();
  c = campaigns_.Get(acme_, c->id);
  EXPECT_EQ(c->state, CampaignState::kFinished);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_deliveries WHERE event_type = 'campaign.finished'"), 1);
  EXPECT_EQ(c->counts.done, 5U);
  EXPECT_EQ(c->counts.failed, 1U);
}

TEST_F(CampaignsTest, DEV_6_TheWindowAndConcurrencyHoldDownloadsBack) {
  auto routers = SeedRouters("HG", 3);
  auto spec = Spec({{.percent = 100}});
  spec.concurrency = 1;
  // 2025-04-01T00:00Z is 09:00 JST (a Tuesday): the window 10:00-11:00 JST is closed.
  spec.window = CampaignWindow{{}, 10 * 60, 11 * 60};
  auto c = campaigns_.Create(acme_, spec, actor_);
  ASSERT_TRUE(c);
  EXPECT_FALSE(Start(routers[0])) << "outside the window";
  EXPECT_TRUE(campaigns_.Tick().wakes.empty()) << "nobody is woken while the window is closed";
  clock_.Advance(1h);
  auto running = Start(routers[0]);
  ASSERT_TRUE(running);
  EXPECT_FALSE(Start(routers[1])) << "one download at a time";
  End(*running, true);
  EXPECT_TRUE(Start(routers[1]));
  // A task held back lets the device's other tasks run.
  TaskRepository tasks{tdb_.db(), clock_};
  ASSERT_TRUE(tasks.Create(acme_, routers[2], TaskType::kReboot, "{}", actor_));
  auto next = Start(routers[2]);
  ASSERT_TRUE(next);
  EXPECT_EQ(TypeOf(next->request), TaskType::kReboot);
  clock_.Advance(1h);
  EXPECT_EQ(NextOpening(*spec.window, clock_.Now()), *ParseUtc("2025-04-02T01:00:00Z"));
}

TEST_F(CampaignsTest, DEV_6_CancelStartsNoNewDownload) {
  auto routers = SeedRouters("HG", 3);
  auto c = campaigns_.Create(acme_, Spec({{.percent = 100}}), actor_);
  ASSERT_TRUE(c);
  auto running = Start(routers[0]);
  ASSERT_TRUE(running);
  c = campaigns_.Cancel(acme_, c->id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, CampaignState::kCancelled);
  EXPECT_EQ(c->counts.cancelled, 2U);
  EXPECT_EQ(c->counts.running, 1U) << "the running download finishes";
  EXPECT_FALSE(Start(routers[1]));
  End(*running, true);
  EXPECT_EQ(campaigns_.Get(acme_, c->id)->counts.done, 1U);
  EXPECT_EQ(campaigns_.Cancel(acme_, c->id).error().problem, "campaign_ended");
  EXPECT_EQ(campaigns_.Resume(acme_, c->id).error().problem, "campaign_not_paused");
}

TEST_F(CampaignsTest, DEV_6_BadSpecsAreRefusedAndNothingIsStored) {
  SeedRouters("HG", 2);
  auto field = [&](CampaignSpec spec) {
    auto r = campaigns_.Create(acme_, spec, actor_);
    EXPECT_FALSE(r);
    return r ? "" : r.error().field.empty() ? r.error().problem : r.error().field;
  };
  auto spec = Spec({{.percent = 100}});
  auto s = spec;
  s.name = "";
  EXPECT_EQ(field(s), "name");
  s = spec;
  s.waves = {};
  EXPECT_EQ(field(s), "waves");
  s = spec;
  s.waves = {{.percent = 0}};
  EXPECT_EQ(field(s), "waves");
  s = spec;
  s.failure_threshold_percent = 101;
  EXPECT_EQ(field(s), "failure_threshold_percent");
  s = spec;
  s.concurrency = 0;
  EXPECT_EQ(field(s), "concurrency");
  s = spec;
  s.window = CampaignWindow{{1, 1}, 60, 120};
  EXPECT_EQ(field(s), "window");
  s = spec;
  s.window = CampaignWindow{{}, 60, 60};
  EXPECT_EQ(field(s), "window");
  s = spec;
  s.group_id = GroupId{"g"};
  EXPECT_EQ(field(s), "target");
  s = spec;
  s.filter = DeviceFilter{.model = "nothing"};
  EXPECT_EQ(field(s), "campaign_target_empty");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM campaigns"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 0);
}

TEST_F(CampaignsTest, SEC_8_AnotherCompanysCampaignFileAndGroupAreNotFound) {
  SeedRouters("HG", 2);
  auto spec = Spec({{.percent = 100}});
  spec.firmware_id = FirmwareId{"fw-b"};
  auto foreign_file = campaigns_.Create(acme_, spec, actor_);
  ASSERT_FALSE(foreign_file);
  EXPECT_EQ(foreign_file.error().field, "firmware_id");

  GroupRepository groups{tdb_.db(), clock_};
  auto beta_group = groups.Create(beta_, {.name = "beta"});
  ASSERT_TRUE(beta_group);
  spec = Spec({{.percent = 100}});
  spec.filter.reset();
  spec.group_id = beta_group->id;
  auto foreign_group = campaigns_.Create(acme_, spec, actor_);
  ASSERT_FALSE(foreign_group);
  EXPECT_EQ(foreign_group.error().field, "group_id");
  // The same group named by a device list filter.
  spec.group_id.reset();
  spec.filter = DeviceFilter{.group_id = beta_group->id};
  auto foreign_filter = campaigns_.Create(acme_, spec, actor_);
  ASSERT_FALSE(foreign_filter);
  EXPECT_EQ(foreign_filter.error().field, "group_id");

  auto c = campaigns_.Create(acme_, Spec({{.percent = 100}}), actor_);
  ASSERT_TRUE(c);
  EXPECT_EQ(campaigns_.Get(beta_, c->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(campaigns_.Devices(beta_, c->id, {}, {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(campaigns_.Pause(beta_, c->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(campaigns_.Cancel(beta_, c->id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(campaigns_.List(beta_, {}).items.empty());
  EXPECT_EQ(campaigns_.Get(acme_, c->id)->state, CampaignState::kRunning);
}

}  // namespace
}  // namespace kanri::devices
