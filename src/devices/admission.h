// Admission of a CWMP session (DEV-1, DEV-2), for the session engine in cwmp/: identify and
// authenticate the device of an Inform, attach a new device to the company the provider's
// allocation (仕向け情報) gives it to, through that company's profile, record what the Inform
// reported, and take the device's session lease. What the session then runs is TaskFlow's
// (devices/task_flow.h); the parameter tree is ParameterStore's (devices/parameter_store.h).
//
//   DeviceAdmission admission{db, clock, secrets, allocations, profiles, tasks, parameters,
//                             record_refusal, {}, "node-1"};
//   Admission a = admission.Admit(inform_facts, credential_check);
//   if (a.result == AdmitResult::kAdmitted) { ... run tasks; admission.ReleaseLease(a.device_id); }
//
// A periodic (or connection-request) Inform of a known device that reports what it reported
// last time and finds no task queued or running is most of a fleet's traffic: it is one read,
// takes no lease (there is nothing to run, and the lease only keeps two sessions from running
// one device's tasks) and its contact is written behind with others' (ContactWriter).
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
//     attached by guess (ChooseProfile). Mode none needs the provider's
//     allow_unauthenticated_devices.
//   - A known device is checked against the allocations on every full Inform: when its
//     allocation was moved to another company or removed, it is detached from its company
//     (Admission::detached) and judged as a new device. Allocation changes make the devices
//     they concern take the full path at their next Inform.
//   - A refused Inform costs reads only (no write transaction), and every refusal gets the
//     same answer from the engine, whatever the reason (SEC-8: no existence oracle).
//   - On first contact the provisioning tasks are queued (TaskFlow::QueueProvisioning).
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
#include "devices/parameter_store.h"
#include "devices/profiles.h"
#include "devices/secrets.h"
#include "devices/task_flow.h"

namespace kanri::devices {

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
  std::vector<Task> settled_tasks;       // tasks this Inform ended (TaskFlow::SettleOnInform)
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

// Why a new device is not attached (RefusedDevice::reason), or the profile it is attached with.
struct ProfileChoice {
  std::optional<Profile> profile;
  // unallocated | unassigned | overlap | contract_ended | no_profile | ambiguous |
  // unauthenticated_not_allowed
  std::string refusal;
};
// What else decides on a new device besides the allocation and the profiles.
struct OwnerStanding {
  bool allow_unauthenticated = false;  // the covering company's lab setting
  bool contract_ended = false;         // the covering company's contract has ended (DATA-6)
  bool unassigned = false;             // the device of this identity was detached from a deleted
                                       // company (DATA-6) and presented its own credential
};
// The decision on a new device (DEV-1), pure: the allocation decides the company; exactly one
// most specific profile of that company (`profiles`, most specific first) decides the
// configuration and the credential; mode none needs the company's allow_unauthenticated. A
// company whose contract ended onboards nothing new; an identity detached from a deleted
// company stays unassigned until the provider allocates it again.
ProfileChoice ChooseProfile(const Coverage& coverage, const std::vector<Profile>& profiles,
                            const OwnerStanding& standing);

class DeviceAdmission {
 public:
  DeviceAdmission(db::Database& db, const Clock& clock, const DeviceSecrets& secrets,
                  const AllocationRepository& allocations, const ProfileRepository& profiles, TaskFlow& tasks,
                  ParameterStore& parameters, RefusalRecorder refusals, SessionSettings settings,
                  std::string node_id);

  // Identifies and authenticates the device of an Inform, onboards it if new, records what it
  // reported and takes its session lease.
  Admission Admit(const InformFacts& inform, const CredentialCheck& check);

  // Renews the lease while a session is busy (each message).
  void RenewLease(const DeviceId& device);
  // Ends the lease (a session that ends normally).
  void ReleaseLease(const DeviceId& device);
  // Writes the contacts of lease-free periodic sessions still waiting (ContactWriter).
  void FlushContacts() { contacts_.Flush(); }
  // Writes what is pending and ends the contact writer's thread (shutdown).
  void StopContacts() { contacts_.Stop(); }

  const std::string& node_id() const { return node_id_; }
  const SessionSettings& settings() const { return settings_; }

 private:
  // A device row as found by its identity.
  struct Known {
    DeviceId id;
    CompanyId company_id;
    AuthMode auth_mode = AuthMode::kRotate;
    CredentialState credential_state = CredentialState::kBootstrap;
    std::string username, password_enc;
    DataModel data_model = DataModel::kTr181;
    std::optional<std::string> pending_enc;
    std::optional<ProfileId> profile_id;
  };
  // What admission decides on, read without a transaction (`standing.unassigned` is settled by
  // the credential check in AdmitNew, against `unassigned_credential`).
  struct Ownership {
    std::optional<Known> known;
    Coverage coverage;       // who the provider's allocation gives the identity to
    OwnerStanding standing;  // of that company, and of the identity
    std::optional<std::pair<std::string, std::string>> unassigned_credential;  // username, sealed
    std::vector<Profile> profiles;   // that company's matching ones, most specific first
    int awaited_factory_resets = 0;  // of the known device, when the Inform says 0 BOOTSTRAP
    // A deleted device's last credential (issue 18), or the mark of a retired one.
    struct Retained {
      bool retired = false;
      std::string username, password_enc;
      std::optional<std::string> pending_enc;
    };
    std::optional<Retained> retained;
  };
  // How a known device authenticated.
  struct Verdict {
    bool accepted = false;
    bool promote = false;                     // with its pending credential: confirm it
    std::optional<Profile> reprovision_with;  // with its bootstrap one after a factory reset
    std::string reason, listed_as;            // why not (for logs, and for the refused list)
  };

  // The fast path of a periodic Inform that changed nothing (nullopt: take the full path).
  std::optional<Admission> AdmitPeriodic(const InformFacts& inform, const CredentialCheck& check);
  Ownership ReadOwnership(const InformFacts& inform);
  Verdict Authenticate(const Ownership& facts, const CredentialCheck& check) const;
  Admission AdmitKnown(const Ownership& facts, const InformFacts& inform, const CredentialCheck& check);
  Admission AdmitNew(const Ownership& facts, const InformFacts& inform, const CredentialCheck& check);
  // The credential a moved device keeps (its unique one, never known to its former company), or
  // a deleted one presents again (the last one Kanri gave it, retained for --device-retention).
  std::optional<std::pair<std::string, std::string>> CarriedCredential(const Ownership& facts,
                                                                       const Profile& profile,
                                                                       const CredentialCheck& check) const;
  void InsertNew(db::Lease& lease, const Admission& a, const InformFacts& inform, const Profile& profile,
                 const std::optional<std::pair<std::string, std::string>>& carried);
  void Reprovision(db::Lease& lease, const Known& known, const Profile& profile, DataModel model);
  // Removes the device from its company; nullopt when its row changed meanwhile.
  std::optional<Admission::Detached> Detach(const Known& known, std::string reason);
  static bool StillOwnedBy(db::Lease& lease, const DeviceId& device, const CompanyId& company);
  // The refusal as listed: for the provider, and for the company whose allocation covers it.
  RefusedDevice Refusal(const Ownership& facts, const InformFacts& inform, std::string reason) const;
  void RecordInform(db::Lease& lease, const DeviceId& device, const InformFacts& inform, bool force_write,
                    Admission& admission);

  // The contact an Inform records: time, online window, events, source, and the lease.
  struct Contact : ContactWriter::Contact {
    long long lease_until = 0;
  };
  // One UPDATE; false when another node's session holds the device (or it is gone).
  bool TouchDevice(db::Lease& lease, const Contact& contact);

  db::Database& db_;
  const Clock& clock_;
  const DeviceSecrets& secrets_;
  const AllocationRepository& allocations_;
  const ProfileRepository& profiles_;
  TaskFlow& tasks_;
  ParameterStore& parameters_;
  RefusalRecorder refusals_;
  SessionSettings settings_;
  std::string node_id_;
  ContactWriter contacts_;
};

}  // namespace kanri::devices
