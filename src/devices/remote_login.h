// DEV-5: remote login to a device's own web interface with a one-time login ID and password.
//
// An operator with devices.remote_login opens one (`Open`); Kanri generates the login ID and a
// password, answers them once, and keeps the password sealed only until the device has it. The
// device is changed by Kanri's own tasks, run in the device's next session (a connection request
// asks for it at once):
//   1. AddObject of the data model's user table (TR-181 Device.Users.User., TR-098
//      InternetGatewayDevice.User.);
//   2. SetParameterValues of that user's Username, Password (both added only as the RPC is
//      encoded, so neither is in the task), Enable and RemoteAccessCapable, and
//      UserInterface.RemoteAccess.Enable = true (the port stays what the device reports);
// then the login is active. At its expiry (`--remote-login-lifetime`, 60 minutes: the
// `remote-login-expiry` job) or when the operator ends it (`Close`), Kanri queues
//   3. DeleteObject of the user and SetParameterValues RemoteAccess.Enable = false,
// run at once when the device answers a connection request, or at its next contact when it is
// offline (the device list shows the cleanup as pending until then). A step the device refuses
// fails the login (after cleaning up what was added). Each step is a task, so each is in the
// history; `TaskEnded` moves a login on when one of its tasks ends.
//
//   RemoteLogins logins{db, clock, secrets, {}};
//   auto opened = logins.Open(company, device, actor);   // opened->password: once
//   logins.Close(company, device);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"
#include "devices/secrets.h"
#include "devices/tasks.h"

namespace kanri::devices {

enum class RemoteLoginState { kOpening, kActive, kClosing, kClosed, kFailed };
std::string_view ToString(RemoteLoginState s);

struct RemoteLogin {
  std::string id;
  CompanyId company_id;
  DeviceId device_id;
  RemoteLoginState state = RemoteLoginState::kOpening;
  std::string username;
  std::string url;          // https://<device address>:<remote access port>/ ("" when unknown)
  std::string user_object;  // "Device.Users.User.3." once the device added it
  std::string created_by_login;
  Timestamp created_at;
  std::optional<Timestamp> opened_at;
  Timestamp expires_at;
  std::optional<Timestamp> closed_at;
  std::string error;  // why it failed, or why its cleanup did
};

struct OpenedRemoteLogin {
  RemoteLogin login;
  std::string password;  // answered once, never stored in clear
};

struct RemoteLoginSettings {
  Millis lifetime = std::chrono::minutes{60};
};

class RemoteLogins {
 public:
  RemoteLogins(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
               RemoteLoginSettings settings = {})
      : db_(db), clock_(clock), secrets_(secrets), settings_(settings) {}

  // 404 for a device of another company; 409 remote_login_active while one is open, opening
  // or closing; 409 unsupported for a device whose data model has no user table.
  Result<OpenedRemoteLogin> Open(const CompanyId& company, const DeviceId& device, const TaskActor& actor);
  // The device's latest remote login; 404 when it never had one.
  Result<RemoteLogin> Current(const CompanyId& company, const DeviceId& device);
  // Ends the device's open login now (409 when none is open).
  Result<RemoteLogin> Close(const CompanyId& company, const DeviceId& device);
  // The `remote-login-expiry` job: closes the logins past their expiry; returns them.
  std::vector<RemoteLogin> CloseExpired(Timestamp now);

  const RemoteLoginSettings& settings() const { return settings_; }

 private:
  db::Database& db_;
  const Clock& clock_;
  const DeviceSecrets& secrets_;
  RemoteLoginSettings settings_;
};

// What a remote login's task ending means for it (called wherever a task ends, in the caller's
// transaction): the next step queued, the login active, closed or failed. The cleanup waits up to
// 7 days for a device that is offline.
void RemoteLoginTaskEnded(db::Lease& lease, Timestamp now, const Task& task);

// For the RPC of step 2: the user's object and the password; an error when the login is no
// longer opening.
struct RemoteLoginSecret {
  std::string user_object;
  std::string username;
  std::string password;
};
Result<RemoteLoginSecret> PendingRemoteLoginSecret(db::Lease& lease, const DeviceSecrets& secrets,
                                                   const std::string& id);

}  // namespace kanri::devices
