// DEV-8, end to end against the real binary and `kanri sim --fault`: a task that fails for a
// passing reason (9002, 9004) is tried again by itself, the device asked to connect again when
// its retry is due; a permanent fault (9005) is not; the faults page groups the devices whose
// latest task failed, and an operator retries one task or a whole fault at once, with the
// permission each task's type needs, never another company's.
#include <gtest/gtest.h>

#include "support/devices_fixture.h"

namespace kanri::testing {
namespace {

class TaskRetry : public Devices {
 protected:
  // Retries wait a second, then 4, then 16.
  TaskRetry() : Devices({"--task-retry-delay", "1s"}) {}

  std::unique_ptr<SimProcess> StartFaultySim(const std::string& prefix,
                                             const std::vector<std::string>& faults) {
    std::vector<std::string> args{
        "--devices", "1",         "--acs",  AcsUrl(),          "--insecure", "--serial-prefix",
        prefix,      "--oui",     "00D09E", "--product-class", "SimGateway", "--inform-interval",
        "3600",      "--ramp-up", "0",      "--cr-listen",     "127.0.0.1:0"};
    for (const auto& f : faults) {
      args.emplace_back("--fault");
      args.push_back(f);
    }
    return std::make_unique<SimProcess>(server().data_dir(), args);
  }

  json::value Task(const std::string& id) { return admin_a().Get("/api/v1/tasks/" + id).Json(); }

  json::array Faults(HttpsClient& client) {
    auto r = client.Get("/api/v1/faults");
    if (r.status != 200) throw std::runtime_error("faults: " + r.Describe());
    return Member(r.Json(), "items").as_array();
  }
};

TEST_F(TaskRetry, DEV_8_TransientFaultsAreRetriedByThemselvesAndPermanentOnesWaitForAnOperator) {
  CreateProfile(R"({"name":"Lab","match":{"oui":"00D09E"},"device_auth":{"mode":"none"}})");
  // The device's first AddObject fails with 9004 (resources exceeded); it informs hourly.
  auto sim = StartFaultySim("RTY", {"AddObject=9004x1"});
  const std::string device = Str(WaitForProvisionedDevice("RTY000001"), "id");

  // An operator's AddObject: 9004 once, then retried when due; the device is asked to connect
  // again, so it does not wait for its hourly Inform.
  auto add = admin_a().Post("/api/v1/devices/" + device + "/tasks",
                            R"({"type":"addObject","object":"Device.NAT.PortMapping.","now":true})");
  ASSERT_EQ(add.status, 201) << add.Describe();
  const std::string add_id = Str(add.Json(), "id");
  const json::value added = PollUntil(
      "/api/v1/tasks/" + add_id, [](const json::value& t) { return Str(t, "state") == "done"; }, 60s);
  EXPECT_EQ(Member(added, "attempt").as_int64(), 2);
  EXPECT_TRUE(Member(added, "fault").is_null()) << "the fault of the attempt before is gone once it succeeds";
  EXPECT_TRUE(Member(added, "retry_at").is_null());

  // A permanent fault: no such object (9005). Not tried again.
  const json::value missing =
      RunTask(device, R"({"type":"addObject","object":"Device.NoSuchTable.","now":true})");
  ASSERT_EQ(Str(missing, "state"), "failed") << json::serialize(missing);
  EXPECT_EQ(Member(Member(missing, "fault"), "code").as_int64(), 9005);
  EXPECT_EQ(Member(missing, "attempt").as_int64(), 1);
  EXPECT_TRUE(Member(missing, "retry_at").is_null());

  // The faults page: the device, under 9005 with its meaning; the list behind it.
  auto faults = Faults(admin_a());
  ASSERT_EQ(faults.size(), 1U) << json::serialize(faults);
  EXPECT_EQ(Str(faults[0], "fault"), "9005");
  EXPECT_EQ(Member(faults[0], "devices").as_int64(), 1);
  EXPECT_FALSE(Str(faults[0], "meaning").empty());
  auto listed = admin_a().Get("/api/v1/tasks/failed?fault=9005&latest=true");
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  ASSERT_EQ(Member(listed.Json(), "items").as_array().size(), 1U);
  EXPECT_EQ(Str(Member(Member(listed.Json(), "items").as_array()[0], "device"), "serial_number"),
            "RTY000001");
  EXPECT_EQ(ProblemCode(admin_a().Get("/api/v1/tasks/failed?fault=9005;drop")), "invalid_request");

  // A viewer may not retry what it may not create; another company does not see the task.
  const std::string viewer_id = Str(CreateAccount(admin_a(), "viewer", "general", kAdminPassword), "id");
  ASSERT_EQ(admin_a().Patch("/api/v1/accounts/" + viewer_id, R"({"roles":["builtin.viewer"]})").status, 200);
  auto viewer = LoginAs(kCompanyACode, "viewer", kAdminPassword);
  const std::string missing_id = Str(missing, "id");
  EXPECT_EQ(viewer->Post("/api/v1/tasks/" + missing_id + "/retry", "{}").status, 403);
  EXPECT_EQ(viewer->Post("/api/v1/tasks/retry", R"({"fault":"9005"})").status, 403);
  const std::string other = Str(CreateCompany("OTHER", "Other Ltd"), "id");
  CreateCompanyAdmin(other, "olga", kAdminPassword);
  auto olga = LoginAs("OTHER", "olga", kAdminPassword);
  auto foreign = olga->Post("/api/v1/tasks/" + missing_id + "/retry", "{}");
  auto unknown = olga->Post("/api/v1/tasks/no-such-task/retry", "{}");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.body, unknown.body);
  EXPECT_EQ(olga->Post("/api/v1/tasks/retry", R"({"task_ids":[")" + missing_id + R"("]})").status, 404);
  EXPECT_TRUE(Faults(*olga).empty());
  EXPECT_EQ(Str(Task(missing_id), "state"), "failed") << "nothing was retried by the refusals";

  // Only a failed task is retried; bad bodies change nothing.
  auto not_failed = admin_a().Post("/api/v1/tasks/" + add_id + "/retry", "{}");
  EXPECT_EQ(not_failed.status, 409);
  EXPECT_EQ(ProblemCode(not_failed), "task_not_retryable");
  EXPECT_EQ(admin_a().Post("/api/v1/tasks/retry", R"({"fault":"9005","task_ids":[]})").status, 400);
  EXPECT_EQ(admin_a().Post("/api/v1/tasks/retry", "{}").status, 400);
  auto mixed =
      admin_a().Post("/api/v1/tasks/retry", R"({"task_ids":[")" + missing_id + R"(",")" + add_id + R"("]})");
  EXPECT_EQ(mixed.status, 409) << "all or nothing";
  EXPECT_EQ(Str(Task(missing_id), "state"), "failed");

  // The operator's retry: queued again as attempt 1 and run now; it fails the same way.
  auto again = admin_a().Post("/api/v1/tasks/" + missing_id + "/retry", R"({"now":true})");
  ASSERT_EQ(again.status, 200) << again.Describe();
  EXPECT_EQ(Str(again.Json(), "state"), "queued");
  EXPECT_EQ(Member(again.Json(), "attempt").as_int64(), 1);
  const json::value failed_again = PollUntil("/api/v1/tasks/" + missing_id, [](const json::value& t) {
    return Str(t, "state") == "failed" && !Member(t, "finished_at").is_null();
  });
  EXPECT_EQ(Member(Member(failed_again, "fault"), "code").as_int64(), 9005);

  // The whole fault at once.
  auto bulk = admin_a().Post("/api/v1/tasks/retry", R"({"fault":"9005","now":true})");
  ASSERT_EQ(bulk.status, 200) << bulk.Describe();
  EXPECT_EQ(Member(bulk.Json(), "retried").as_int64(), 1);
  PollUntil("/api/v1/tasks/" + missing_id, [](const json::value& t) { return Str(t, "state") == "failed"; });

  // Each retry is in the history, with who asked: the operator's, and the viewer's refused one.
  auto retried = admin_a().Get("/api/v1/audit?action=tasks.retry&outcome=success");
  ASSERT_EQ(retried.status, 200) << retried.Describe();
  EXPECT_EQ(Member(retried.Json(), "items").as_array().size(), 1U);
  auto denied = admin_a().Get("/api/v1/audit?action=tasks.retry&outcome=denied");
  ASSERT_EQ(Member(denied.Json(), "items").as_array().size(), 1U) << denied.body;
  EXPECT_EQ(Str(Member(denied.Json(), "items").as_array()[0], "actor_login"), "viewer");
  EXPECT_EQ(Member(admin_a().Get("/api/v1/audit?action=tasks.retry_many&outcome=success").Json(), "items")
                .as_array()
                .size(),
            1U);
}

}  // namespace
}  // namespace kanri::testing
