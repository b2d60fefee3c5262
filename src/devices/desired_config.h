// DEV-7: the desired configuration of devices in the database; desired_state.h is the
// comparison itself.
//
//   DesiredConfig desired{db, clock};
//   desired.SetOverrides(company, device, {{"Device.Time.NTPServer1", "ntp.branch"}});
//   auto c = desired.Compliance(company, device);     // parameter by parameter, computed now
//
// When it runs: a device's desired state is compared again (TaskFlow::StartNext, once the
// device has nothing queued in its session) when it may have changed: a new device, an edit of
// its profile's parameters or inform interval, of its overrides, or new values read from it
// (devices.desired_dirty). What differs goes as one internal SetParameterValues (purpose
// profile), in the same session. An edit also asks the online devices to connect
// (devices.desired_wake, taken by the device sweep), so that it reaches them within a minute;
// an offline one gets it at its next Inform.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/desired_state.h"
#include "devices/model.h"
#include "devices/profiles.h"

namespace kanri::devices {

struct DeviceCompliance {
  std::optional<ProfileId> profile_id;
  ComplianceState state = ComplianceState::kInSync;
  std::vector<ComplianceEntry> entries;
  std::map<std::string, SetHistory> history;  // by path: tries today, the last fault
};

class DesiredConfig {
 public:
  DesiredConfig(db::Database& db, const Clock& clock, ComplianceLimits limits = {},
                ProfileLimits profile_limits = {})
      : db_(db), clock_(clock), limits_(limits), profile_limits_(profile_limits) {}

  // Within the caller's transaction, for a device whose desired_dirty is set: compares, and when
  // values must be sent calls `queue` with them (it queues the task and returns its id), records
  // the tries, writes the device's overall compliance and clears desired_dirty.
  using QueueSet = std::function<TaskId(const CompanyId&, std::vector<std::pair<std::string, std::string>>)>;
  void Reconcile(db::Lease& lease, const DeviceId& device, const QueueSet& queue) const;
  // Whether the device's desired state must be compared again (one indexed read).
  static bool Dirty(db::Lease& lease, const DeviceId& device);

  // The device's compliance computed now (NotFound for another company's device).
  Result<DeviceCompliance> Compliance(const CompanyId& company, const DeviceId& device) const;
  Result<std::map<std::string, std::string>> Overrides(const CompanyId& company,
                                                       const DeviceId& device) const;
  // Replaces the device's overrides (validated like a profile's parameters); the device compares
  // again at its next session and, when online, is asked to connect.
  Result<std::map<std::string, std::string>> SetOverrides(
      const CompanyId& company, const DeviceId& device,
      const std::map<std::string, std::string>& overrides) const;

  // How many of the profile's devices are in each overall state ("" : not compared yet or
  // nothing desired); NotFound for another company's profile.
  Result<std::map<std::string, std::size_t>> ProfileCompliance(const CompanyId& company,
                                                               const ProfileId& profile) const;

  // Within TaskEnded's transaction: what a profile set's end means for its parameters.
  static void SetTaskEnded(db::Lease& lease, const Task& task);
  // DEV-7, daily: the devices left drifting or failed compare again at their next session (each
  // value has 3 more tries on a new day). Returns how many.
  std::size_t RecheckUnsettled() const;
  // The devices an edit asked to connect that are online now, at most `limit`, each once
  // (offline ones are dropped from the list: they compare at their next Inform).
  std::vector<std::pair<CompanyId, DeviceId>> TakeWakes(std::size_t limit) const;

 private:
  DeviceCompliance Evaluate(db::Lease& lease, const DeviceId& device, CompanyId* company) const;

  db::Database& db_;
  const Clock& clock_;
  ComplianceLimits limits_;
  ProfileLimits profile_limits_;
};

}  // namespace kanri::devices
