// The behaviour of one simulated CPE, without the network: its data model, the events it
// owes the ACS, the Inform it sends, its answers to every ACS request, and what it does once a
// session has ended (reboot, factory reset, firmware download). `Cpe` (cpe.h) runs it over
// HTTP; tests drive it directly.
//
//   CpeAgent agent(ModelKind::kTr181, identity, cr_url);
//   agent.Boot(now);                                    // "0 BOOTSTRAP" + "1 BOOT" when new
//   std::string inform = EncodeInform(header, agent.MakeInform(now, 0));
//   ... InformResponse -> agent.InformAccepted();
//   CpeAgent::Answer a = agent.Respond(acs_request, now);   // a.body is the POST to send
//   AfterSessionActions next = agent.TakeAfterSessionActions();
//
// Event retention follows TR-069 Amendment 6, 3.7.1.5: events are delivered with the
// InformResponse, except "7 TRANSFER COMPLETE" and "M Download", which stay until the ACS has
// acknowledged the TransferComplete.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "sim/cpe_soap.h"
#include "sim/data_model.h"
#include "sim/models.h"

namespace kanri::sim {

// Every RPC a simulated CPE answers (GetRPCMethodsResponse lists them).
inline constexpr std::string_view kSupportedMethods[] = {"GetRPCMethods",
                                                         "GetParameterValues",
                                                         "SetParameterValues",
                                                         "GetParameterNames",
                                                         "AddObject",
                                                         "DeleteObject",
                                                         "Reboot",
                                                         "FactoryReset",
                                                         "Download"};

// A fault the simulated CPE answers on purpose, for tests of retries and campaigns (DEV-8,
// DEV-6): `kanri sim --fault METHOD=CODE[xTIMES][@PERCENT%]`, repeatable.
//   SetParameterValues=9002x2   the first two SetParameterValues of every device fail with 9002
//   Download=9010@20%           every Download of one device in five fails with 9010
// TIMES 0 (or none) means every time; PERCENT picks devices evenly by their position.
struct FaultInjection {
  std::string method;  // an RPC of kSupportedMethods
  int fault_code = 9002;
  int times = 0;
  double percent = 100;
};
Result<FaultInjection> ParseFaultInjection(std::string_view text);
// Whether the device at `position` (0-based) of a fleet is one of the `percent` picked.
bool FaultInjectionApplies(const FaultInjection& injection, std::size_t position);

// What the device does after the session in which the ACS asked for it (TR-069: a CPE acts on
// Reboot, FactoryReset and Download once the session has ended).
struct AfterSessionActions {
  std::optional<std::string> reboot_command_key;
  bool factory_reset = false;
  std::optional<Download> download;
  Timestamp download_requested_at{};

  bool empty() const { return !reboot_command_key && !factory_reset && !download; }
};

class CpeAgent {
 public:
  CpeAgent(ModelKind kind, DeviceIdentity identity, std::string connection_request_url);

  ModelKind kind() const { return kind_; }
  const DeviceIdentity& identity() const { return identity_; }
  const DataModel& model() const { return model_; }
  std::string Value(Param param) const { return model_.Value(ParameterPath(kind_, param)); }

  // A power-on: "1 BOOT", plus "0 BOOTSTRAP" until an ACS has once accepted an Inform.
  void Boot(Timestamp now);
  // Queues an event; single events ("2 PERIODIC") are queued at most once.
  void QueueEvent(std::string code, std::string command_key = {});
  bool HasPendingEvents() const { return !events_.empty(); }
  std::vector<std::string> PendingEventCodes() const;

  cwmp::Inform MakeInform(Timestamp now, std::uint32_t retry_count);
  // The ACS answered the Inform: the events are delivered (see the file comment).
  void InformAccepted();
  // The TransferComplete still to send, if any (after a Download, until acknowledged).
  const std::optional<cwmp::TransferComplete>& pending_transfer() const { return pending_transfer_; }
  void TransferCompleteAccepted();

  struct Answer {
    std::string body;                // the SOAP envelope to POST
    std::string method;              // the ACS request's name ("GetParameterValues")
    int fault_code = 0;              // 0, or the CPE fault answered
    std::vector<std::string> names;  // the parameter or object names the request named (never values)
  };
  // Answers one ACS request (not InformResponse / TransferCompleteResponse).
  Answer Respond(const AcsEnvelope& request, Timestamp now);
  AfterSessionActions TakeAfterSessionActions();

  // After-session steps.
  void Reboot(Timestamp now, const std::string& command_key);
  void FactoryReset(Timestamp now);
  // A finished Download: `fault.fault_code` 0 installs `new_version` and reboots.
  void DownloadFinished(const Download& request, const cwmp::FaultStruct& fault,
                        const std::string& new_version, Timestamp start, Timestamp complete);

  // Persistence (--state-dir): the model's values and the protocol state, as JSON.
  std::string SaveState() const;
  bool LoadState(std::string_view json);
  // Set by anything that changes what SaveState would write; cleared by the caller.
  bool dirty() const { return dirty_; }
  void ClearDirty() { dirty_ = false; }

  // Faults this device answers on purpose (see FaultInjection), checked before anything else.
  void InjectFaults(std::vector<FaultInjection> injections) { injections_ = std::move(injections); }
  // Values the device puts back before each session, whatever the ACS set (`kanri sim --revert
  // PATH=VALUE`): a router whose own configuration tool fights the ACS (DEV-7 drift).
  void RevertBeforeEachSession(std::map<std::string, std::string> values) { reverts_ = std::move(values); }

  // The ACS URL given on the command line overrides a saved one (the fleet is pointed at an ACS).
  void SetAcsUrl(const std::string& url);
  void SetConnectionRequestUrl(const std::string& url);

 private:
  void RefreshDynamicValues(Timestamp now);
  void ResetModel();

  ModelKind kind_;
  DeviceIdentity identity_;
  std::string connection_request_url_;
  DataModel model_;
  Timestamp boot_time_{};
  bool bootstrapped_ = false;
  std::vector<cwmp::EventStruct> events_;
  std::optional<cwmp::TransferComplete> pending_transfer_;
  AfterSessionActions after_session_;
  bool dirty_ = false;
  std::vector<FaultInjection> injections_;  // `times` counts down; 0 is every time
  std::vector<int> injected_;               // how many each injection has answered
  std::map<std::string, std::string> reverts_;
};

}  // namespace kanri::sim
