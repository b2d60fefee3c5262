#include "devices/tasks.h"

#include "devices/devices_test_fixture.h"
#include "devices/groups.h"
#include "devices/task_flow.h"
#include "devices/task_request.h"

namespace kanri::devices {
namespace {

class TasksTest : public DevicesTest {
 protected:
  TaskActor actor_{AccountId{"acct1"}, "alice"};
  TaskRepository tasks_{tdb_.db(), clock_};
  GroupRepository groups_{tdb_.db(), clock_};
};

TEST_F(TasksTest, DEV_3_RequestsAreValidatedByType) {
  const std::size_t max = TaskSettings{}.max_request_entries;
  auto ok = [&](TaskType t, const char* json) {
    auto r = ParseTaskRequest(t, json, max);
    EXPECT_TRUE(r) << json << ": " << (r ? "" : r.error().message);
    return r ? TaskRequestJson(*r) : "";
  };
  auto field = [&](TaskType t, const char* json) {
    auto r = ParseTaskRequest(t, json, max);
    EXPECT_FALSE(r) << json;
    return r ? "" : r.error().field;
  };
  using enum TaskType;
  ok(kGetParameterValues, R"({"names":["Device.DeviceInfo.","Device.WiFi.SSID.1.SSID"]})");
  EXPECT_EQ(field(kGetParameterValues, R"({"names":[]})"), "names");
  EXPECT_EQ(field(kGetParameterValues, R"({"names":["Foo."]})"), "names");
  EXPECT_EQ(field(kGetParameterValues, R"({"names":["Device.X"],"extra":1})"), "extra");
  EXPECT_EQ(ok(kSetParameterValues, R"({"values":{"Device.A":1,"Device.B":true,"Device.C":"x"}})"),
            R"({"values":{"Device.A":"1","Device.B":"true","Device.C":"x"}})");
  EXPECT_EQ(field(kSetParameterValues, R"({"values":{}})"), "values");
  EXPECT_EQ(field(kSetParameterValues, R"({"values":{"Device.A.":"x"}})"), "values");
  EXPECT_EQ(field(kSetParameterValues, R"({"values":{"Device.A":null}})"), "values");
  EXPECT_EQ(ok(kGetParameterNames, R"({"path":"Device.WiFi."})"),
            R"({"path":"Device.WiFi.","next_level":false})");
  EXPECT_EQ(field(kGetParameterNames, R"({"path":"Device.WiFi"})"), "path");
  ok(kAddObject, R"({"object":"Device.NAT.PortMapping."})");
  EXPECT_EQ(field(kAddObject, R"({"object":"Device.NAT.PortMapping.3."})"), "object");
  ok(kDeleteObject, R"({"object":"InternetGatewayDevice.X.PortMapping.3."})");
  EXPECT_EQ(field(kDeleteObject, R"({"object":"Device.NAT.PortMapping."})"), "object");
  EXPECT_EQ(ok(kReboot, "{}"), "{}");
  EXPECT_EQ(field(kFactoryReset, R"({"names":[]})"), "names");
  EXPECT_EQ(field(kDownload, "{}"), "file_id");
}

TEST_F(TasksTest, DEV_3_RequestsAreStoredVersionedAndReadBackTheSame) {
  const std::size_t max = TaskSettings{}.max_request_entries;
  for (auto [type, json] : std::vector<std::pair<TaskType, const char*>>{
           {TaskType::kGetParameterValues, R"({"names":["Device.DeviceInfo.","Device.WiFi.SSID.1.SSID"]})"},
           {TaskType::kSetParameterValues, R"({"values":{"Device.B":"2","Device.A":"1"}})"},
           {TaskType::kGetParameterNames, R"({"path":"Device.","next_level":true})"},
           {TaskType::kAddObject, R"({"object":"Device.NAT.PortMapping."})"},
           {TaskType::kDeleteObject, R"({"object":"Device.NAT.PortMapping.3."})"},
           {TaskType::kReboot, "{}"},
           {TaskType::kFactoryReset, "{}"},
           {TaskType::kDownload, R"({"file_id":"fw1"})"}}) {
    auto parsed = ParseTaskRequest(type, json, max);
    ASSERT_TRUE(parsed) << json;
    EXPECT_EQ(TypeOf(*parsed), type);
    const std::string stored = StoreTaskRequest(*parsed);
    EXPECT_NE(stored.find(R"("v":1)"), std::string::npos) << stored;
    auto loaded = LoadTaskRequest(ToString(type), stored);
    ASSERT_TRUE(loaded) << stored;
    EXPECT_EQ(TaskRequestJson(*loaded), TaskRequestJson(*parsed));
  }
  // Rows written before the version field are version 1.
  EXPECT_TRUE(LoadTaskRequest("reboot", "{}"));
  // A newer format, an unknown type or a damaged row is never run.
  EXPECT_FALSE(LoadTaskRequest("reboot", R"({"v":2})"));
  EXPECT_FALSE(LoadTaskRequest("teleport", "{}"));
  EXPECT_FALSE(LoadTaskRequest("getParameterValues", "[1]"));
  // Kanri's own fields are stored, and never accepted from the API.
  const TaskRequest names = task::GetParameterNames{"Device.", false, true};
  auto loaded = LoadTaskRequest("getParameterNames", StoreTaskRequest(names));
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(std::get<task::GetParameterNames>(*loaded).then_read_values);
  EXPECT_FALSE(
      ParseTaskRequest(TaskType::kGetParameterNames, R"({"path":"Device.","then_read_values":true})", max));
  EXPECT_FALSE(ParseTaskRequest(TaskType::kSetParameterValues,
                                R"({"values":{"Device.A":"1"},"purpose":"credentials"})", max));
  const TaskRequest credentials = task::SetParameterValues{{}, task::SetPurpose::kCredentials};
  loaded = LoadTaskRequest("setParameterValues", StoreTaskRequest(credentials));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(std::get<task::SetParameterValues>(*loaded).purpose, task::SetPurpose::kCredentials);
  // The type names and permissions come from the same table.
  EXPECT_EQ(ParseTaskType("factoryReset"), TaskType::kFactoryReset);
  EXPECT_EQ(RequiredPermission(TaskType::kDownload), "devices.firmware");
  EXPECT_EQ(RequiredPermission(TaskType::kSetParameterValues), "devices.configure");
}

TEST_F(TasksTest, DEV_3_CreateQueuesInOrderAndCancelOnlyWhileQueued) {
  auto device = Seed(acme_, {});
  auto t1 = tasks_.Create(acme_, device, TaskType::kReboot, "{}", actor_);
  ASSERT_TRUE(t1) << t1.error().message;
  auto t2 = tasks_.Create(acme_, device, TaskType::kGetParameterValues, R"({"names":["Device."]})", actor_);
  ASSERT_TRUE(t2);
  EXPECT_EQ(t1->state, TaskState::kQueued);
  EXPECT_EQ(t1->command_key.rfind("kanri-", 0), 0u);
  EXPECT_NE(t1->command_key, t2->command_key);
  EXPECT_EQ(t1->expires_at - t1->created_at, std::chrono::hours{24 * 7});
  EXPECT_EQ(Count("SELECT seq FROM tasks WHERE id = '" + t2->id.value() + "'"), 2);
  auto list = tasks_.ListForDevice(acme_, device, {.limit = 1});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].id, t2->id) << "newest first";
  auto rest = tasks_.ListForDevice(acme_, device, {.limit = 1, .after = list->next_after});
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->items.at(0).id, t1->id);

  auto cancelled = tasks_.Cancel(acme_, t1->id);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, TaskState::kCancelled);
  EXPECT_EQ(tasks_.Cancel(acme_, t1->id).error().code, ErrorCode::kConflict);
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE tasks SET state = 'running' WHERE id = :id", soci::use(t2->id.value());
  }
  EXPECT_EQ(tasks_.Cancel(acme_, t2->id).error().code, ErrorCode::kConflict);
  // Bad requests and foreign devices create nothing.
  EXPECT_FALSE(tasks_.Create(acme_, device, TaskType::kDownload, R"({"file_id":"nope"})", actor_));
  auto foreign = Seed(beta_, {.serial = "B1"});
  EXPECT_EQ(tasks_.Create(acme_, foreign, TaskType::kReboot, "{}", actor_).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(tasks_.Get(beta_, t1->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tasks_.Cancel(beta_, t2->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 2);
}

TEST_F(TasksTest, DEV_3_DownloadNeedsTheCompanysOwnFirmware) {
  auto device = Seed(acme_, {});
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "INSERT INTO firmware_files (id, company_id, name, version, model, size, sha256, "
                   "created_by_login, "
                   "created_at) VALUES ('fw-b', :c, 'f', '2', 'm', 1, 'x', 'bob', 0)",
        soci::use(beta_.value());
    lease.sql() << "INSERT INTO firmware_files (id, company_id, name, version, model, size, sha256, "
                   "created_by_login, "
                   "created_at) VALUES ('fw-a', :c, 'f', '2', 'm', 1, 'x', 'alice', 0)",
        soci::use(acme_.value());
  }
  auto foreign = tasks_.Create(acme_, device, TaskType::kDownload, R"({"file_id":"fw-b"})", actor_);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().field, "file_id");
  EXPECT_TRUE(tasks_.Create(acme_, device, TaskType::kDownload, R"({"file_id":"fw-a"})", actor_));
}

TEST_F(TasksTest, DEV_3_GroupsAndJobs) {
  auto d1 = Seed(acme_, {.serial = "S1", .software_version = "1.0"});
  auto d2 = Seed(acme_, {.serial = "S2", .software_version = "1.0"});
  Seed(acme_, {.serial = "S3", .software_version = "2.0"});
  auto foreign = Seed(beta_, {.serial = "B1", .software_version = "1.0"});

  auto bad = groups_.Create(acme_, {.name = "bad", .members = {.device_ids = {d1, foreign}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "device_ids");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_groups"), 0);

  auto fixed = groups_.Create(acme_, {.name = "本社", .members = {.device_ids = {d1, d2, d1}}});
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->device_count, 2u);
  auto old = groups_.Create(
      acme_, {.name = "Old", .kind = GroupKind::kFilter, .filter = {.software_version = "1.0"}});
  ASSERT_TRUE(old);
  EXPECT_EQ(old->device_count, 2u) << "the filter sees the company's devices only";
  EXPECT_EQ(groups_.Create(acme_, {.name = "old"}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(
      groups_.Create(acme_, {.name = "nest", .kind = GroupKind::kFilter, .filter = {.group_id = old->id}})
          .error()
          .field,
      "filter.group_id");
  EXPECT_EQ(groups_.SetMembers(acme_, old->id, {.device_ids = {d1}}).error().code, ErrorCode::kConflict);
  ASSERT_EQ(groups_.SetMembers(acme_, fixed->id, {.device_ids = {d2}})->device_count, 1u);

  auto job = tasks_.CreateForGroup(acme_, old->id, TaskType::kGetParameterValues, R"({"names":["Device."]})",
                                   actor_);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->progress.total, 2u);
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE tasks SET state = 'failed', fault_code = 9005 WHERE device_id = :d",
        soci::use(d1.value());
  }
  auto got = tasks_.GetJob(acme_, job->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->progress.total, 2u);
  EXPECT_EQ(got->progress.failed, 1u);
  EXPECT_EQ(got->progress.queued, 1u);
  auto page = tasks_.JobTasks(acme_, job->id, {.limit = 1});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  auto rest = tasks_.JobTasks(acme_, job->id, {.limit = 5, .after = page->next_after});
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_NE(page->items[0].device_id, rest->items[0].device_id);
  EXPECT_EQ(tasks_.GetJob(beta_, job->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tasks_.CreateForGroup(beta_, old->id, TaskType::kReboot, "{}", actor_).error().code,
            ErrorCode::kNotFound);
  auto empty = *groups_.Create(acme_, {.name = "empty"});
  EXPECT_EQ(tasks_.CreateForGroup(acme_, empty.id, TaskType::kReboot, "{}", actor_).error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(groups_.Delete(acme_, fixed->id));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_group_members"), 0);
}

TEST_F(TasksTest, DEV_3_StaticGroupsTakeSerialNumbersOfTheCompanyOnly) {
  auto d1 = Seed(acme_, {.serial = "SN-1"});
  auto d2 = Seed(acme_, {.serial = "SN-2", .software_version = "2.0"});
  Seed(acme_, {.serial = "SN-3", .software_version = "2.0"});
  Seed(beta_, {.serial = "BETA-1"});
  auto g = groups_.Create(acme_, {.name = "出荷分", .members = {.serials = {" SN-1 ", "SN-1", ""}}});
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->device_count, 1u);

  // Another company's serial is refused exactly like one nobody has, and nothing changes.
  auto foreign = groups_.AddMembers(acme_, g->id, {.serials = {"SN-2", "BETA-1"}});
  auto unknown = groups_.AddMembers(acme_, g->id, {.serials = {"SN-2", "NOPE-1"}});
  ASSERT_FALSE(foreign);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(foreign.error().field, "serials");
  EXPECT_NE(foreign.error().message.find("BETA-1"), std::string::npos);
  EXPECT_EQ(foreign.error().code, unknown.error().code);
  EXPECT_EQ(groups_.Get(acme_, g->id)->device_count, 1u);

  auto added = groups_.AddMembers(acme_, g->id, {.device_ids = {d1}, .serials = {"SN-2"}});
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->device_count, 2u) << "a member added twice is in the group once";
  auto by_filter = groups_.AddMembers(acme_, g->id, {.filter = DeviceFilter{.software_version = "2.0"}});
  ASSERT_TRUE(by_filter) << by_filter.error().message;
  EXPECT_EQ(by_filter->device_count, 3u);
  EXPECT_EQ(groups_.SetMembers(acme_, g->id, {.serials = {"SN-2"}})->device_count, 1u);
  EXPECT_EQ(groups_.AddMembers(beta_, g->id, {.serials = {"BETA-1"}}).error().code, ErrorCode::kNotFound);

  GroupRepository small{tdb_.db(), clock_, {.max_serials = 2}};
  auto too_many = small.AddMembers(acme_, g->id, {.serials = {"SN-1", "SN-2", "SN-3"}});
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().problem, "too_many_serials");
  (void)d2;
}

}  // namespace
}  // namespace kanri::devices

namespace kanri::devices {
namespace {

// DEV-8: which failures are tried again, as data: a task type, how its attempt ended, and the
// wait before the next (0: none).
struct RetryCase {
  TaskRequest request;
  int attempt;
  std::optional<int> fault;
  std::string error;
  bool internal;
  int wait_minutes;
};

TEST(RetryDelayTest, DEV_8_TransientFaultsAreRetriedWithBackoffAndPermanentOnesAreNot) {
  const TaskRequest read = task::GetParameterValues{{"Device.DeviceInfo."}};
  const TaskRequest set = task::SetParameterValues{{{"Device.X", "1"}}, task::SetPurpose::kOperator, ""};
  const TaskRequest reboot = task::Reboot{};
  const TaskRequest add = task::AddObject{"Device.NAT.PortMapping.", ""};
  const TaskRequest download = task::Download{FirmwareId{"f"}};
  const std::vector<RetryCase> cases = {
      {read, 1, 9002, "", false, 1},      // internal error: again after the delay
      {read, 2, 9002, "", false, 4},      // ... each wait 4 times the one before
      {read, 3, 9004, "", false, 16},     // resources exceeded
      {read, 4, 9002, "", false, 0},      // --task-retries 3: four attempts in all
      {set, 1, 9003, "", false, 0},       // invalid arguments: permanent
      {set, 1, 9005, "", false, 0},       // invalid parameter name
      {set, 1, 9007, "", false, 0},       // invalid parameter value
      {reboot, 1, 9002, "", false, 1},    // the device said it did not reboot
      {download, 1, 9010, "", false, 1},  // the transfer could not complete
      {download, 1, 9017, "", false, 1},
      {download, 1, 9018, "", false, 0},                // a corrupted file stays corrupted
      {set, 1, 9010, "", false, 0},                     // a transfer fault means nothing for a set
      {set, 1, std::nullopt, "interrupted", false, 1},  // a set is safe to send twice
      {read, 1, std::nullopt, "timeout", false, 1},
      {reboot, 1, std::nullopt, "interrupted", false, 0},    // it may have rebooted already
      {add, 1, std::nullopt, "interrupted", false, 0},       // it may have added the object
      {download, 1, std::nullopt, "interrupted", false, 0},  // it may be downloading
      {read, 1, std::nullopt, "interrupted", true, 0},       // Kanri's own reads: Interrupt's way
      {set, 1, std::nullopt, "interrupted", true, 1},        // Kanri's own set (credentials)
      {read, 1, 9002, "", true, 1},
      {read, 1, std::nullopt, "not_runnable", false, 0},
      {read, 1, std::nullopt, "invalid_response", false, 0},
  };
  const TaskFlowSettings settings;  // 3 retries, 1 minute
  for (const auto& c : cases) {
    Task task;
    task.request = c.request;
    task.attempt = c.attempt;
    task.internal = c.internal;
    const TaskOutcome outcome{TaskState::kFailed, std::nullopt, c.fault, "", c.error};
    const auto wait = RetryDelay(task, outcome, settings);
    SCOPED_TRACE(std::string(ToString(task.type())) + " attempt " + std::to_string(c.attempt) + " fault " +
                 std::to_string(c.fault.value_or(0)) + " error " + c.error);
    if (c.wait_minutes == 0) {
      EXPECT_FALSE(wait);
    } else {
      ASSERT_TRUE(wait);
      EXPECT_EQ(*wait, std::chrono::minutes{c.wait_minutes});
    }
  }
  // A success is never retried; no retries at all with --task-retries 0.
  Task task;
  task.request = read;
  EXPECT_FALSE(RetryDelay(task, {TaskState::kDone, "{}", std::nullopt, "", ""}, settings));
  EXPECT_FALSE(RetryDelay(task, {TaskState::kFailed, std::nullopt, 9002, "", ""}, {.retries = 0}));
}

}  // namespace
}  // namespace kanri::devices
