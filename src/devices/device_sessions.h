// What a CWMP session does to the device data (DEV-1 to DEV-3), for the session engine in
// cwmp/: identify and authenticate the device of an Inform, attach a new device to the company
// the provider's allocation (仕向け情報) gives it to, through that company's profile, record
// what the Inform reported, take the device's session lease, and run its queued tasks one by
// one.
//
// A periodic (or connection-request) Inform of a known device that reports what it reported
// last time and finds no task queued is most of a fleet's traffic: it is one read, takes no
// lease (there is nothing to run, and the lease only keeps two sessions from running one
// device's tasks) and its contact is written behind with others' (ContactWriter).
//
// Every function is one short transaction and blocks: call it from the database pool.
//
// Onboarding and credentials (DEV-1):
//   - A known device authenticates with what Kanri accepts for it now: the profile's
//     bootstrap credential until rotation is confirmed, then only its own random password
//     (rotate); the profile's credential (shared); nothing (none, shown as insecure).
//   - An unknown device is attached only when an allocation covers it (that decides the
//     company: a company never decides by itself which devices are its own) and one profile of
//     that company is its most specific match (that decides the configuration and the
//     credential); anything else is refused and listed for site administrators, never
//     attached by guess. Mode none needs the provider's allow_unauthenticated_devices.
//   - A known device is checked against the allocations on every full Inform: when its
//     allocation was moved to another company or removed, it is detached from its company
//     (Admission::detached) and judged as a new device. Allocation changes make the devices
//     they concern take the full path at their next Inform.
//   - A refused Inform costs reads only (no write transaction), and every refusal gets the
//     same answer from the engine, whatever the reason (SEC-8: no existence oracle).
//   - On first contact Kanri queues, as internal tasks: the credential change (a unique
//     random ManagementServer.Password for rotate, and unique connection-request credentials
//     for every mode), the profile's parameters and inform interval, then a full refresh of
//     the parameter tree (names, then values).
//   - After a factory reset that Kanri itself asked for, the device comes back with its
//     bootstrap credential; that is accepted once more and the device is provisioned again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "db/database.h"
#include "devices/allocations.h"
#include "devices/contact_writer.h"
#include "devices/model.h"
#include "devices/profiles.h"
#include "devices/secrets.h"

namespace kanri::devices {

struct InformEvent {
  std::string code;  // "1 BOOT", "M Reboot"
  std::string command_key;
};

// What an Inform says about the device.
struct InformFacts {
  std::string oui;
  std::string product_class;
  std::string serial_number;
  std::string manufacturer;
  std::vector<InformEvent> events;
  std::vector<Parameter> parameters;  // the Inform's ParameterList
  std::string source_ip;
};

// Checks a credential the device presented: (username, password) → matches. Basic auth
// compares the strings; Digest recomputes the response with `password`. Empty when the
// device presented no credential at all.
using CredentialCheck = std::function<bool(const std::string& username, const std::string& password)>;

// Records a refused Inform for the site administrators (refused.h provides it; rate-limited there).
using RefusalRecorder = std::function<void(const RefusedDevice&)>;

struct SessionSettings {
  // A device is online while informing within 2 x its periodic interval plus this.
  Millis online_margin = std::chrono::minutes{2};
  // Interval assumed when the device reports none.
  std::uint32_t default_inform_interval = 300;
  // How long a session holds the device without a message before another may take it.
  Millis lease = std::chrono::seconds{60};
  // How long the contact of a periodic session that runs nothing may wait to be written, with
  // others (ContactWriter).
  Millis contact_write_interval = std::chrono::milliseconds{500};
  // How long a reboot / factory reset may take before its task fails (timeout).
  Millis reboot_timeout = std::chrono::minutes{10};
  // How long a download (fetch, install, reboot, TransferComplete) may take.
  Millis download_timeout = std::chrono::hours{1};
};

enum class AdmitResult {
  kAdmitted,
  kUnauthenticated,  // no or wrong credential: answer 401 with a challenge
  kRefused,          // not allocated, no or several equally good profiles, …: 401, listed
  kBusy,             // another node's session holds the device: retry later
};

struct Admission {
  AdmitResult result = AdmitResult::kRefused;
  DeviceId device_id;
  CompanyId company_id;
  DataModel data_model = DataModel::kTr181;
  bool onboarded = false;                // attached by this Inform
  bool credentials_promoted = false;     // the device used its new credential for the first time
  std::string reason;                    // why not admitted (for logs)
  std::vector<Task> finished_tasks;      // reboot / factory reset tasks this Inform completed
  std::optional<RefusedDevice> refusal;  // listed for the site administrators
  // Whether tasks were queued when the Inform was recorded: a session without any ends at
  // the CPE's empty POST with no further database work (tasks queued meanwhile run at the
  // next session, which "now" asks for at once).
  bool has_queued_tasks = false;
  // The device left the company it was attached to (its allocation was moved or removed):
  // recorded in that company's history.
  struct Detached {
    DeviceId device;
    CompanyId company;
    std::string reason;  // reallocated | unallocated
  };
  std::optional<Detached> detached;
};

// How a running task ended.
struct TaskOutcome {
  TaskState state = TaskState::kDone;  // kDone or kFailed
  std::optional<std::string> result;   // JSON
  std::optional<int> fault_code;
  std::string fault_string;
  std::string error;  // "timeout" when not a CPE fault
};

class DeviceSessions {
 public:
  DeviceSessions(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
                 const AllocationRepository& allocations, const ProfileRepository& profiles,
                 RefusalRecorder refusals, SessionSettings settings, std::string node_id);

  // Identifies and authenticates the device of an Inform, onboards it if new, records what it
  // reported and takes its session lease.
  Admission Admit(const InformFacts& inform, const CredentialCheck& check);

  // Renews the lease while a session is busy (each message).
  void RenewLease(const DeviceId& device);
  // Ends the lease (a session that ends normally).
  void ReleaseLease(const DeviceId& device);
  // Writes the contacts of lease-free periodic sessions still waiting (ContactWriter).
  void FlushContacts() { contacts_.Flush(); }

  // The device's next queued task, now running; queued tasks past their expiry fail first.
  std::optional<Task> StartNextTask(const DeviceId& device);
  // Ends a running task. Returns the task as stored, or nullopt when it was not running.
  std::optional<Task> FinishTask(const TaskId& task, const TaskOutcome& outcome);
  // A reboot, factory reset or download the device accepted: it stays running until the
  // device reports back (Inform event or TransferComplete), at most `timeout` more.
  void AwaitDevice(const TaskId& task, Millis timeout);
  // The running download task of `device` with this CommandKey, ended by TransferComplete.
  std::optional<Task> FinishDownload(const DeviceId& device, const std::string& command_key,
                                     const TaskOutcome& outcome);
  // DEV-6: stores the hash of the per-task file URL token (the URL expires with the task).
  void SetDownloadToken(const TaskId& task, const std::string& token_hash);

  // What the session engine needs to build a task's RPC.
  struct Credentials {
    std::string data_model_root;                     // "Device." / "InternetGatewayDevice."
    std::optional<std::string> management_password;  // to set (rotate mode)
    std::string cr_username;
    std::string cr_password;
  };
  // The credentials a `rotate_credentials` task sets (pending until confirmed).
  Result<Credentials> PendingCredentials(const DeviceId& device);
  // The device confirmed the credential change (SetParameterValues succeeded).
  void ConfirmCredentials(const DeviceId& device);

  // Merges what the device returned into its parameter tree (and summary fields).
  void MergeValues(const DeviceId& device, const std::vector<Parameter>& values);
  void MergeNames(const DeviceId& device, const std::vector<std::pair<std::string, bool>>& names);
  void RemoveSubtree(const DeviceId& device, const std::string& prefix);
  // The type of `path` in the device's tree ("" when unknown): SetParameterValues is typed
  // from the data model.
  std::vector<std::string> TypesOf(const DeviceId& device, const std::vector<std::string>& paths);
  // A firmware file of the device's company, for a download task.
  std::optional<FirmwareFile> FirmwareOf(const CompanyId& company, const std::string& file_id);

  // Fails queued and running tasks past their expiry (timeout). Returns them.
  std::vector<Task> ExpireTasks();

  const std::string& node_id() const { return node_id_; }
  const SessionSettings& settings() const { return settings_; }

 private:
  // A device row as found by its identity.
  struct Known {
    std::string id, company_id, auth_mode, credential_state, username, password_enc, data_model;
    std::optional<std::string> pending_enc, profile_id;
  };
  // What admission decides on, read without a transaction.
  struct Ownership {
    std::optional<Known> known;
    Coverage coverage;                   // who the provider's allocation gives the identity to
    bool allow_unauthenticated = false;  // of that company
    std::vector<Profile> profiles;       // that company's matching ones, most specific first
    int awaited_factory_resets = 0;      // of the known device, when the Inform says 0 BOOTSTRAP
  };
  Ownership ReadOwnership(const InformFacts& inform);
  Admission AdmitKnown(const Ownership& facts, const InformFacts& inform, const CredentialCheck& check);
  Admission AdmitNew(const Ownership& facts, const InformFacts& inform, const CredentialCheck& check);
  // Removes the device from its company; nullopt when its row changed meanwhile.
  std::optional<Admission::Detached> Detach(const Known& known, std::string reason);
  static bool StillOwnedBy(db::Lease& lease, const DeviceId& device, const CompanyId& company);
  RefusedDevice Refusal(const InformFacts& inform, std::string reason) const;
  void QueueProvisioning(db::Lease& lease, const DeviceId& device, const CompanyId& company,
                         const std::optional<Profile>& profile, DataModel model);
  void RecordInform(db::Lease& lease, const DeviceId& device, const InformFacts& inform, bool force_write,
                    Admission& admission);
  void ConfirmCredentialsOn(db::Lease& lease, const DeviceId& device);

  // The contact an Inform records: time, online window, events, source, and the lease.
  struct Contact : ContactWriter::Contact {
    long long lease_until = 0;
  };
  // One UPDATE; false when another node's session holds the device (or it is gone).
  bool TouchDevice(db::Lease& lease, const Contact& contact);
  // The fast path of a periodic Inform that changed nothing (nullopt: take the full path).
  std::optional<Admission> AdmitPeriodic(const InformFacts& inform, const CredentialCheck& check);
  // Reads the tree, applies `change` and writes it back (with the summary) when it returns true.
  void UpdateTree(const DeviceId& device, const std::function<bool(class ParameterTree&)>& change);
  // Returns the device's periodic inform interval as now stored.
  int SaveTreeAndSummary(db::Lease& lease, const DeviceId& device, class ParameterTree& tree);

  db::Database& db_;
  const Clock& clock_;
  const DeviceSecrets& secrets_;
  const AllocationRepository& allocations_;
  const ProfileRepository& profiles_;
  RefusalRecorder refusals_;
  SessionSettings settings_;
  std::string node_id_;
  ContactWriter contacts_;
};

// Summary fields read from a parameter tree of either root (TR-181 Device. or TR-098
// InternetGatewayDevice.).
struct ReportedSummary {
  DataModel data_model = DataModel::kTr181;
  std::string manufacturer, model, hardware_version, software_version;
  std::string wan_ip, connection_request_url;
  std::optional<std::uint32_t> periodic_inform_interval;
};
ReportedSummary SummaryOf(const class ParameterTree& tree);
DataModel DataModelOf(const std::vector<Parameter>& parameters);

}  // namespace kanri::devices
