// DEV-5: a remote login's steps, driven through TaskFlow as the session engine drives them (the
// device's answers are the outcomes given to Finish).
#include "devices/remote_login.h"

#include "devices/devices_test_fixture.h"
#include "devices/task_flow.h"
#include "devices/task_request.h"

namespace kanri::devices {
namespace {

class RemoteLoginTest : public DevicesTest {
 protected:
  void SetUp() override {
    DevicesTest::SetUp();
    device_ = Seed(acme_, {.serial = "RL1"});
  }
  // The device's next task, as the engine starts it; fails the test when there is none.
  Task Next() {
    auto t = flow_.StartNext(device_);
    EXPECT_TRUE(t.has_value());
    return t ? *t : Task{};
  }
  void Answer(const Task& t, TaskOutcome outcome = {}) { ASSERT_TRUE(flow_.Finish(t.id, outcome)); }
  RemoteLoginState State() { return logins_.Current(acme_, device_)->state; }

  DeviceSecrets secrets_ = DeviceSecrets::FromKey(std::string(32, 's'));
  TaskFlow flow_{tdb_.db(), clock_, secrets_};
  RemoteLogins logins_{tdb_.db(), clock_, secrets_, {.lifetime = std::chrono::minutes{60}}};
  DeviceId device_;
  TaskActor actor_{std::nullopt, "taro"};
};

TEST_F(RemoteLoginTest, DEV_5_TheStepsAddTheUserOpenItAndRemoveItAgain) {
  auto opened = logins_.Open(acme_, device_, actor_);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->login.username.starts_with("kanri-"));
  EXPECT_EQ(opened->password.size(), 16u);
  EXPECT_EQ(State(), RemoteLoginState::kOpening);

  // 1. The user table grows by one instance.
  Task add = Next();
  ASSERT_EQ(add.type(), TaskType::kAddObject);
  EXPECT_EQ(std::get<task::AddObject>(add.request).object, "Device.Users.User.");
  Answer(add, {.result = R"({"instance_number":3,"status":0})"});

  // 2. Its settings: the login ID and password are not in the task, only given to the RPC.
  Task set = Next();
  ASSERT_EQ(set.type(), TaskType::kSetParameterValues);
  const auto& values = std::get<task::SetParameterValues>(set.request);
  EXPECT_EQ(values.purpose, task::SetPurpose::kRemoteLogin);
  const std::string stored = StoreTaskRequest(set.request);
  EXPECT_EQ(stored.find(opened->password), std::string::npos);
  EXPECT_EQ(stored.find(opened->login.username), std::string::npos);
  EXPECT_NE(stored.find("Device.UserInterface.RemoteAccess.Enable"), std::string::npos);
  auto secret = flow_.PendingRemoteLogin(values.remote_login);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->user_object, "Device.Users.User.3.");
  EXPECT_EQ(secret->username, opened->login.username);
  EXPECT_EQ(secret->password, opened->password);
  Answer(set, {.result = R"({"status":0})"});
  EXPECT_EQ(State(), RemoteLoginState::kActive);
  EXPECT_FALSE(flow_.PendingRemoteLogin(values.remote_login)) << "the password is forgotten once set";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM remote_logins WHERE password_enc IS NOT NULL"), 0);
  EXPECT_EQ(logins_.Open(acme_, device_, actor_).error().problem, "remote_login_active");

  // 3. Ended by the operator: the user removed, remote access off, then closed.
  auto closing = logins_.Close(acme_, device_);
  ASSERT_TRUE(closing);
  EXPECT_EQ(closing->state, RemoteLoginState::kClosing);
  Task del = Next();
  ASSERT_EQ(del.type(), TaskType::kDeleteObject);
  EXPECT_EQ(std::get<task::DeleteObject>(del.request).object, "Device.Users.User.3.");
  Answer(del, {.result = R"({"status":0})"});
  EXPECT_EQ(State(), RemoteLoginState::kClosing);
  Task off = Next();
  ASSERT_EQ(off.type(), TaskType::kSetParameterValues);
  EXPECT_EQ(std::get<task::SetParameterValues>(off.request).values.at(0).first,
            "Device.UserInterface.RemoteAccess.Enable");
  Answer(off, {.result = R"({"status":0})"});
  EXPECT_EQ(State(), RemoteLoginState::kClosed);
  EXPECT_TRUE(logins_.Current(acme_, device_)->closed_at);
  EXPECT_TRUE(logins_.Open(acme_, device_, actor_)) << "a new one may be opened";
}

TEST_F(RemoteLoginTest, DEV_5_ADeviceThatRefusesFailsTheLoginAndIsCleanedUp) {
  ASSERT_TRUE(logins_.Open(acme_, device_, actor_));
  Answer(Next(), {.state = TaskState::kFailed, .fault_code = 9005, .fault_string = "Invalid parameter name"});
  EXPECT_EQ(State(), RemoteLoginState::kFailed);
  EXPECT_NE(logins_.Current(acme_, device_)->error.find("9005"), std::string::npos);
  EXPECT_FALSE(flow_.StartNext(device_)) << "nothing was added, nothing to clean";

  // The user was added but refused its settings: it is removed again, and the login failed.
  ASSERT_TRUE(logins_.Open(acme_, device_, actor_));
  Answer(Next(), {.result = R"({"instance_number":2,"status":0})"});
  Answer(Next(), {.state = TaskState::kFailed, .fault_code = 9007, .fault_string = "Invalid value"});
  EXPECT_EQ(State(), RemoteLoginState::kClosing);
  Task del = Next();
  EXPECT_EQ(std::get<task::DeleteObject>(del.request).object, "Device.Users.User.2.");
  Answer(del);
  Answer(Next());
  EXPECT_EQ(State(), RemoteLoginState::kFailed);
}

TEST_F(RemoteLoginTest, DEV_5_ItEndsAfterItsLifetimeAndAnOfflineDeviceIsCleanedUpAtItsNextContact) {
  ASSERT_TRUE(logins_.Open(acme_, device_, actor_));
  Answer(Next(), {.result = R"({"instance_number":1,"status":0})"});
  Answer(Next());
  ASSERT_EQ(State(), RemoteLoginState::kActive);
  clock_.Advance(std::chrono::minutes{59});
  EXPECT_TRUE(logins_.CloseExpired(clock_.Now()).empty());
  clock_.Advance(std::chrono::minutes{1});
  ASSERT_EQ(logins_.CloseExpired(clock_.Now()).size(), 1u);
  EXPECT_EQ(State(), RemoteLoginState::kClosing);
  // The device is offline for a day: the cleanup waits for it.
  clock_.Advance(std::chrono::hours{24});
  Answer(Next());
  Answer(Next());
  EXPECT_EQ(State(), RemoteLoginState::kClosed);
}

TEST_F(RemoteLoginTest, DEV_5_EndedBeforeTheDeviceConnectedLeavesNothingToDo) {
  ASSERT_TRUE(logins_.Open(acme_, device_, actor_));
  auto closed = logins_.Close(acme_, device_);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->state, RemoteLoginState::kClosed);
  EXPECT_FALSE(flow_.StartNext(device_)) << "the queued step was withdrawn";
}

TEST_F(RemoteLoginTest, DEV_5_SEC_8_AnotherCompanysDeviceIsNotFound) {
  EXPECT_EQ(logins_.Open(beta_, device_, actor_).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(logins_.Open(acme_, device_, actor_));
  EXPECT_EQ(logins_.Current(beta_, device_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(logins_.Close(beta_, device_).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(State(), RemoteLoginState::kOpening) << "unchanged";
}

TEST_F(RemoteLoginTest, DEV_5_Tr098DevicesUseTheirUserTable) {
  const DeviceId igd = Seed(acme_, {.serial = "RL098"});
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE devices SET data_model = 'tr098' WHERE id = :id", soci::use(igd.value());
  }
  ASSERT_TRUE(logins_.Open(acme_, igd, actor_));
  auto t = flow_.StartNext(igd);
  ASSERT_TRUE(t);
  EXPECT_EQ(std::get<task::AddObject>(t->request).object, "InternetGatewayDevice.User.");
}

}  // namespace
}  // namespace kanri::devices
