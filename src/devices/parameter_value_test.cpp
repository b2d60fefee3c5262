#include "devices/parameter_value.h"

#include "devices/devices_test_fixture.h"
#include "devices/tasks.h"

namespace kanri::devices {
namespace {

TEST(ParameterValueTest, DEV_3_RefusalsNameTheParameterWithAStableCode) {
  const std::string interval = "Device.ManagementServer.PeriodicInformInterval";
  const std::string uptime = "Device.DeviceInfo.UpTime";
  ParameterTree tree;
  tree.SetValue(interval, "300", "unsignedInt");
  tree.SetWritable(interval, true);
  tree.SetValue(uptime, "12", "unsignedInt");
  tree.SetWritable(uptime, false);

  auto bad = CheckParameterValues(tree, {{interval, "abc"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().problem, kInvalidParameterValue);
  EXPECT_EQ(bad.error().field, interval);
  EXPECT_NE(bad.error().message.find("unsignedInt"), std::string::npos) << bad.error().message;
  EXPECT_EQ(bad.error().message.find("abc"), std::string::npos) << "a value (maybe a secret) is never echoed";

  auto read_only = CheckParameterValues(tree, {{interval, "600"}, {uptime, "0"}});
  ASSERT_FALSE(read_only);
  EXPECT_EQ(read_only.error().problem, kParameterNotWritable);
  EXPECT_EQ(read_only.error().field, uptime);

  EXPECT_TRUE(CheckParameterValues(tree, {{interval, "600"}}));
  EXPECT_TRUE(CheckParameterValues(tree, {{"Device.X_VENDOR.Unknown", "abc"}}))
      << "a parameter the device has not reported is not blocked";
}

class ParameterValueTaskTest : public DevicesTest {
 protected:
  TaskActor actor_{AccountId{"acct1"}, "alice"};
  TaskRepository tasks_{tdb_.db(), clock_};
};

constexpr const char* kTree = R"({"Device.ManagementServer.PeriodicInformInterval":["300","unsignedInt",1],)"
                              R"("Device.DeviceInfo.UpTime":["5","unsignedInt",0]})";

TEST_F(ParameterValueTaskTest, DEV_3_ABadValueQueuesNothingForADeviceOrAJob) {
  auto typed = Seed(acme_, {.serial = "S1", .model = "A", .tree = kTree});
  Seed(acme_, {.serial = "S2", .model = "B", .tree = "{}"});  // has reported nothing yet
  auto bad = tasks_.Create(acme_, typed, TaskType::kSetParameterValues,
                           R"({"values":{"Device.ManagementServer.PeriodicInformInterval":"abc"}})", actor_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().problem, "invalid_parameter_value");
  auto read_only = tasks_.Create(acme_, typed, TaskType::kSetParameterValues,
                                 R"({"values":{"Device.DeviceInfo.UpTime":"1"}})", actor_);
  ASSERT_FALSE(read_only);
  EXPECT_EQ(read_only.error().problem, "parameter_not_writable");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 0);

  // A job over both models: model A's type refuses it, and nothing is queued for either.
  auto job =
      tasks_.CreateForFilter(acme_, {}, TaskType::kSetParameterValues,
                             R"({"values":{"Device.ManagementServer.PeriodicInformInterval":"-5"}})", actor_);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().problem, "invalid_parameter_value");
  EXPECT_NE(job.error().message.find("A "), std::string::npos) << job.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM jobs"), 0);

  auto ok =
      tasks_.CreateForFilter(acme_, {}, TaskType::kSetParameterValues,
                             R"({"values":{"Device.ManagementServer.PeriodicInformInterval":600}})", actor_);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->progress.total, 2u);
}

TEST_F(ParameterValueTaskTest, DEV_3_AJobOnAFilterStaysInTheCompany) {
  Seed(acme_, {.serial = "S1", .software_version = "1.0"});
  Seed(acme_, {.serial = "S2", .software_version = "2.0"});
  Seed(beta_, {.serial = "B1", .software_version = "1.0"});
  auto job = tasks_.CreateForFilter(acme_, {.software_version = "1.0"}, TaskType::kReboot, "{}", actor_);
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(job->progress.total, 1u);
  EXPECT_FALSE(job->group_id);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM tasks t JOIN devices d ON d.id = t.device_id WHERE d.serial_number = 'B1'"),
      0);
  auto none = tasks_.CreateForFilter(acme_, {.software_version = "9.9"}, TaskType::kReboot, "{}", actor_);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kConflict);
  // Another company's group answers like one that does not exist.
  DeviceFilter foreign_group;
  foreign_group.group_id = GroupId{"no-such-group"};
  EXPECT_EQ(tasks_.CreateForFilter(acme_, foreign_group, TaskType::kReboot, "{}", actor_).error().field,
            "group_id");
}

}  // namespace
}  // namespace kanri::devices
