// The device domain's plain types (DEV-1 to DEV-4, DEV-6), shared by the repositories in
// this folder, the REST API (api/) and the CWMP session engine (cwmp/). No Beast, no
// Asio, no JSON library here; JSON-shaped results are kept as their JSON text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/ids.h"
#include "base/time.h"

namespace kanri {
using DeviceId = StrongId<struct DeviceIdTag>;
using ProfileId = StrongId<struct ProfileIdTag>;
using TaskId = StrongId<struct TaskIdTag>;
using JobId = StrongId<struct JobIdTag>;
using GroupId = StrongId<struct GroupIdTag>;
using FirmwareId = StrongId<struct FirmwareIdTag>;
using CampaignId = StrongId<struct CampaignIdTag>;
using AllocationId = StrongId<struct AllocationIdTag>;
}  // namespace kanri

namespace kanri::devices {

// ---------------------------------------------------------------------------------------------
// Profiles (仕向け, DEV-1)

enum class AuthMode { kRotate, kShared, kNone };
std::string_view ToString(AuthMode mode);
std::optional<AuthMode> ParseAuthMode(std::string_view text);

// Where a device's credential stands (devices.credential_state):
//   bootstrap  rotate mode, still on the profile's bootstrap credential
//   rotating   rotate mode, its own random password sent, not yet confirmed
//   rotated    rotate mode, on its own password (the bootstrap one is refused)
//   shared     shared mode: the profile's credential
//   none       none mode: no credential (shown as insecure)
enum class CredentialState { kBootstrap, kRotating, kRotated, kShared, kNone };
std::string_view ToString(CredentialState state);
std::optional<CredentialState> ParseCredentialState(std::string_view text);
// A device's state on its first credential of `mode`.
CredentialState InitialCredentialState(AuthMode mode);

struct ProfileMatch {
  std::optional<std::string> oui;            // upper-case hex, 6 characters
  std::optional<std::string> product_class;  // exact
  std::vector<std::string> serials;          // empty: any serial
  std::optional<std::string> serial_prefix;
};

struct Profile {
  ProfileId id;
  CompanyId company_id;
  std::string name;
  ProfileMatch match;
  AuthMode auth_mode = AuthMode::kRotate;
  std::string auth_username;
  std::string auth_password;  // plaintext only in memory; encrypted at rest (DeviceSecrets)
  std::optional<std::uint32_t> periodic_inform_interval;  // seconds
  std::map<std::string, std::string> parameters;          // path -> value: the desired state (DEV-7)
  // DEV-7: the software version its devices should run (compliance only: a firmware campaign,
  // devices/campaigns.h, installs it); nullopt: none.
  std::optional<std::string> firmware_version;
  Timestamp created_at;
  Timestamp updated_at;
};

// ---------------------------------------------------------------------------------------------
// Inventory (DEV-2)

enum class DataModel { kTr181, kTr098 };  // Device. / InternetGatewayDevice.
std::string_view ToString(DataModel model);

struct Device {
  DeviceId id;
  CompanyId company_id;
  std::optional<ProfileId> profile_id;
  std::string oui;
  std::string product_class;
  std::string serial_number;
  std::string manufacturer;
  std::string model;
  std::string hardware_version;
  std::string software_version;
  DataModel data_model = DataModel::kTr181;
  Timestamp first_contact_at;
  Timestamp last_contact_at;
  std::optional<Timestamp> last_boot_at;
  std::vector<std::string> last_events;  // "2 PERIODIC", "M Reboot"
  std::uint32_t periodic_inform_interval = 0;
  Timestamp online_until;  // online while now < online_until
  std::string wan_ip;
  std::string wan_mac;  // the WAN interface's MAC address as reported ("" until reported)
  std::string source_ip;
  std::string connection_request_url;
  std::vector<std::string> tags;  // sorted, unique
  std::string name;               // set by operators (DeviceRepository::SetDetails); "" by default
  std::string note;               // free text, several lines
  // DEV-7: in_sync | pending | drift | failed against its desired state; "" when nothing is
  // desired of it (or it has not been compared yet).
  std::string compliance;
  AuthMode auth_mode = AuthMode::kRotate;
  CredentialState credential_state = CredentialState::kBootstrap;
  Timestamp created_at;
  Timestamp updated_at;
  std::string remote_login;  // DEV-5: "opening", "active", "closing" (cleanup pending) or ""

  bool Online(Timestamp now) const { return now < online_until; }
  // `none` devices authenticate with nothing: the console shows them as insecure.
  bool Insecure() const { return auth_mode == AuthMode::kNone; }
};

// The lower-case text the device list's search runs over (devices.search_text): serial, model,
// software version, tags, WAN IP and MAC addresses (the MAC with and without separators), name
// and note. Every writer of those columns recomputes it with this.
std::string SearchText(const Device& d);

// One entry of the parameter tree as last reported by the device.
struct Parameter {
  std::string path;  // "Device.DeviceInfo.SoftwareVersion"; objects end with '.'
  std::string value;
  std::string type;              // xsd type local name ("string", "unsignedInt"); "" unknown
  std::optional<bool> writable;  // from GetParameterNames; nullopt when not known yet
  bool redacted = false;         // a secret: its value is never stored (IsSecretParameter)
};

// Whether a parameter holds a secret (its name ends in Password, Passphrase, KeyPassphrase,
// PreSharedKey, WEPKey or Secret: the management, connection-request and STUN passwords, Wi-Fi
// keys, RADIUS secrets). What devices report for these is never stored or shown; the tree
// keeps the name, marked redacted.
bool IsSecretParameter(std::string_view path);

// ---------------------------------------------------------------------------------------------
// Tasks (DEV-3)

enum class TaskType {
  kGetParameterValues,
  kSetParameterValues,
  kGetParameterNames,
  kAddObject,
  kDeleteObject,
  kReboot,
  kFactoryReset,
  kDownload,
};

// What a task asks of the device: one struct per task type, in TaskType order. Each type has
// one entry in devices/task_request.cpp (its API name, permission, validation and JSON) and
// one in cwmp/task_rpc.cpp (its RPC and how the CPE's answer completes it); the compiler
// refuses a type that lacks either.
namespace task {
struct GetParameterValues {
  std::vector<std::string> names;  // parameter paths, or partial paths ending with '.'
};
// Why Kanri itself set values (internal tasks); operators' tasks are kOperator.
// kRemoteLogin (DEV-5): the values of a remote login's step; opening it, the user's password is
// added from the remote login's sealed row (devices/remote_login.h).
enum class SetPurpose { kOperator, kCredentials, kProfile, kRemoteLogin };
struct SetParameterValues {
  std::vector<std::pair<std::string, std::string>> values;  // path -> value, typed from the tree
  SetPurpose purpose = SetPurpose::kOperator;  // kCredentials: the values come from DeviceSecrets
  std::string remote_login;                    // DEV-5: the remote login this step belongs to
};
struct GetParameterNames {
  std::string path;  // an object path ending with '.'
  bool next_level = false;
  // Internal (the full read after onboarding): once the names are in, read every parameter's
  // value by explicit name, in batches (SessionSettings::read_batch).
  bool then_read_values = false;
};
struct AddObject {
  std::string object;        // a table path: Device.NAT.PortMapping.
  std::string remote_login;  // DEV-5: the remote login whose user this adds
};
struct DeleteObject {
  std::string object;        // an instance path: Device.NAT.PortMapping.3.
  std::string remote_login;  // DEV-5: the remote login whose user this removes
};
struct Reboot {};
struct FactoryReset {};
struct Download {
  FirmwareId file_id;
};
}  // namespace task

using TaskRequest =
    std::variant<task::GetParameterValues, task::SetParameterValues, task::GetParameterNames, task::AddObject,
                 task::DeleteObject, task::Reboot, task::FactoryReset, task::Download>;
inline TaskType TypeOf(const TaskRequest& request) {
  return static_cast<TaskType>(request.index());
}

std::string_view ToString(TaskType type);  // the API's names: "getParameterValues", ...
std::optional<TaskType> ParseTaskType(std::string_view text);
// The permission a task type needs: devices.read (get*), devices.configure (set, add,
// delete), devices.reboot (reboot), devices.factory_reset (factoryReset), devices.firmware (download).
std::string_view RequiredPermission(TaskType type);

enum class TaskState { kQueued, kRunning, kDone, kFailed, kCancelled };
std::string_view ToString(TaskState state);
std::optional<TaskState> ParseTaskState(std::string_view text);

// `result` JSON by type (what the device returned):
//   getParameterValues {"values": {"Device.X": {"value": "v", "type": "string"}, ...}}
//   setParameterValues {"status": 0}
//   getParameterNames  {"parameters": [{"name": "...", "writable": true}, ...]}
//   addObject          {"instance_number": 3, "status": 0}
//   deleteObject       {"status": 0}
//   reboot / factoryReset {}   (done once the device is back: "M Reboot" / "1 BOOT" / "0 BOOTSTRAP")
//   download           {"start_time": "...", "complete_time": "..."}  (on TransferComplete)
struct Task {
  TaskId id;
  CompanyId company_id;
  DeviceId device_id;
  std::optional<JobId> job_id;
  TaskRequest request;
  TaskState state = TaskState::kQueued;
  std::optional<std::string> result;  // JSON
  std::optional<int> fault_code;      // CPE fault 9000-9032
  std::string fault_string;           // the device's text, or our meaning of the code
  std::string error;                  // "timeout", "interrupted", "device_deleted", ... when not a CPE fault
  std::string command_key;
  bool internal = false;  // created by Kanri (provisioning, credential rotation)
  // Which attempt this is: a task that failed for a passing reason is queued again in the same
  // row (DEV-8, devices/task_flow.h RetryDelay), an internal read interrupted by the device as
  // a new task; either way with attempt + 1. A retry by an operator starts again at 1.
  int attempt = 1;
  // DEV-8: a queued task waiting for its automatic retry runs at the device's first session
  // from this time; the fault of the attempt before stays on the task until the next ends.
  std::optional<Timestamp> retry_at;
  std::optional<AccountId> created_by;
  std::string created_by_login;
  Timestamp created_at;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;
  Timestamp expires_at;
  // What asking the device to connect now (DEV-4) gave, when it was asked: delivered |
  // unreachable | refused_by_policy | auth_failed | timeout | busy | no_url | not_sent. Anything
  // but delivered means the task waits for the device's next periodic session (issue 18).
  std::string wakeup;
  std::optional<Timestamp> wakeup_at;

  TaskType type() const { return TypeOf(request); }
};

// ---------------------------------------------------------------------------------------------
// Groups and jobs (DEV-3)

enum class GroupKind { kStatic, kFilter };

// The filter of the device list (and of a saved-filter group).
struct DeviceFilter {
  std::optional<std::string> search;  // text over serial, model, software version, tags
  std::optional<bool> online;
  std::optional<ProfileId> profile_id;
  std::optional<GroupId> group_id;
  std::optional<std::string> model;
  std::optional<std::string> software_version;
  std::optional<std::string> tag;
  // DEV-7: the device's overall compliance with its desired state: in_sync, pending, drift or
  // failed (devices/desired_state.h).
  std::optional<std::string> compliance;
};

struct Group {
  GroupId id;
  CompanyId company_id;
  std::string name;
  GroupKind kind = GroupKind::kStatic;
  DeviceFilter filter;  // kFilter only
  std::size_t device_count = 0;
  Timestamp created_at;
  Timestamp updated_at;
};

struct JobProgress {
  std::size_t total = 0, queued = 0, running = 0, done = 0, failed = 0, cancelled = 0;
};

struct Job {
  JobId id;
  CompanyId company_id;
  std::optional<GroupId> group_id;
  std::optional<DeviceFilter> filter;  // a job made from the device list's filter (issue 18)
  TaskRequest request;
  std::optional<AccountId> created_by;
  std::string created_by_login;
  Timestamp created_at;
  JobProgress progress;

  TaskType type() const { return TypeOf(request); }
};

// ---------------------------------------------------------------------------------------------
// Firmware files (DEV-6) and refused devices (DEV-1)

struct FirmwareFile {
  FirmwareId id;
  CompanyId company_id;
  std::string name;
  std::string version;  // the software version it installs
  // DEV-6: the devices it is for (devices/campaign_plan.h); nullopt / empty: any.
  std::optional<std::string> product_class;
  std::vector<std::string> models;
  std::vector<std::string> hardware_versions;
  std::uint64_t size = 0;
  std::string sha256;  // hex
  std::optional<AccountId> created_by;
  std::string created_by_login;
  Timestamp created_at;
};

// ---------------------------------------------------------------------------------------------
// Allocations (仕向け情報 recorded by the provider, DEV-1): which devices are a company's.

enum class AllocationKind { kSerials, kPrefix, kRange, kOui };
std::string_view ToString(AllocationKind kind);  // serials | prefix | range | oui
std::optional<AllocationKind> ParseAllocationKind(std::string_view text);

struct Allocation {
  AllocationId id;
  CompanyId company_id;
  std::string company_code;                  // for the provider's list
  std::string oui;                           // upper-case hex, 6 characters
  std::optional<std::string> product_class;  // nullopt: any
  AllocationKind kind = AllocationKind::kSerials;
  std::vector<std::string> serials;          // kSerials, sorted (Get only; List leaves it empty)
  std::size_t serial_count = 0;              // kSerials
  std::optional<std::string> serial_prefix;  // kPrefix
  std::optional<std::pair<std::string, std::string>> serial_range;  // kRange: from, to
  std::string note;
  std::string created_by_login;
  Timestamp created_at;

  // Whether the allocation covers the identity (the serial list is checked by the caller).
  bool CoversRule(std::string_view product_class_of_device, std::string_view serial) const;
  // The same for the serial alone, whatever the product class.
  bool RuleCoversSerial(std::string_view serial) const;
};

struct RefusedDevice {
  std::string id;
  std::string oui;
  std::string product_class;
  std::string serial_number;
  std::string source_ip;
  // unallocated | overlap | no_profile | ambiguous | unauthenticated_not_allowed | bad_credentials |
  // contract_ended | retired
  std::string reason;
  std::int64_t attempts = 0;
  Timestamp first_at;
  Timestamp last_at;
  // The company whose allocation covered the identity when it was refused: its administrators
  // see the refusal too (issue 18). None when no allocation (or several) covered it.
  std::optional<CompanyId> company = std::nullopt;
};

}  // namespace kanri::devices
