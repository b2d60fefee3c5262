// A device's parameter tree as last reported (DEV-2), and the summary columns of the device
// row derived from it (model, software version, WAN address, ...). The session engine merges
// what each RPC returned; admission merges what each Inform reported.
//
//   ParameterStore store{db, clock};
//   store.MergeValues(device, {{"Device.WiFi.SSID.1.SSID", "home", "string", std::nullopt}});
//   store.TypesOf(device, {"Device.WiFi.SSID.1.SSID"});  // {"string"}
//
// Every function is one short transaction and blocks: call it from the database pool.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"
#include "devices/parameter_tree.h"

namespace kanri::devices {

// Summary fields read from a parameter tree of either root (TR-181 Device. or TR-098
// InternetGatewayDevice.).
struct ReportedSummary {
  DataModel data_model = DataModel::kTr181;
  std::string manufacturer, model, hardware_version, software_version;
  std::string wan_ip, wan_mac, connection_request_url;
  std::optional<std::uint32_t> periodic_inform_interval;
};
ReportedSummary SummaryOf(const ParameterTree& tree);
DataModel DataModelOf(const std::vector<Parameter>& parameters);
// "Device." or "InternetGatewayDevice.".
std::string RootOf(DataModel model);

class ParameterStore {
 public:
  ParameterStore(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Merges what the device returned into its parameter tree (and summary fields).
  void MergeValues(const DeviceId& device, const std::vector<Parameter>& values);
  void MergeNames(const DeviceId& device, const std::vector<std::pair<std::string, bool>>& names);
  void RemoveSubtree(const DeviceId& device, const std::string& prefix);
  // The type of each path in the device's tree ("" when unknown): SetParameterValues is typed
  // from the data model.
  std::vector<std::string> TypesOf(const DeviceId& device, const std::vector<std::string>& paths);

  // Within the caller's transaction: the device's tree and its interval as stored.
  ParameterTree Load(db::Lease& lease, const DeviceId& device);
  // Writes the tree, and the summary columns it changed; returns the device's periodic inform
  // interval as now stored.
  int Save(db::Lease& lease, const DeviceId& device, const ParameterTree& tree);

 private:
  // Reads the tree, applies `change` and writes it back (with the summary) when it returns true.
  void Update(const DeviceId& device, const std::function<bool(ParameterTree&)>& change);

  db::Database& db_;
  const Clock& clock_;
};

}  // namespace kanri::devices
