#include "devices/parameter_store.h"

#include <boost/json.hpp>

namespace kanri::devices {
namespace {

namespace json = boost::json;

constexpr const char* kSelectTree = "SELECT tree FROM device_parameters WHERE device_id = :id";
constexpr const char* kUpdateTree =
    "UPDATE device_parameters SET tree = :tree, updated_at = :t WHERE device_id = :id";
constexpr const char* kSelectSummary =
    "SELECT serial_number, tags, manufacturer, model, hardware_version, software_version, data_model, "
    "wan_ip, wan_mac, name, note, "
    "connection_request_url, periodic_inform_interval, search_text FROM devices WHERE id = :id";
constexpr const char* kUpdateSummary =
    "UPDATE devices SET manufacturer = :m, model = :mo, hardware_version = :hw, software_version = :sw, "
    "data_model = :dm, wan_ip = :wan, wan_mac = :mac, connection_request_url = :cr, "
    "periodic_inform_interval = :iv, search_text = :st, updated_at = :t WHERE id = :id";

std::vector<std::string> ParseTags(const std::string& text) {
  std::vector<std::string> tags;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (const auto& t : v.as_array())
      if (t.is_string()) tags.emplace_back(t.as_string());
  return tags;
}

}  // namespace

std::string RootOf(DataModel model) {
  return model == DataModel::kTr098 ? "InternetGatewayDevice." : "Device.";
}

DataModel DataModelOf(const std::vector<Parameter>& parameters) {
  for (const auto& p : parameters) {
    if (p.path.starts_with("InternetGatewayDevice.")) return DataModel::kTr098;
    if (p.path.starts_with("Device.")) return DataModel::kTr181;
  }
  return DataModel::kTr181;
}

ReportedSummary SummaryOf(const ParameterTree& tree) {
  ReportedSummary s;
  const bool tr098 = !tree.List("InternetGatewayDevice.").empty();
  s.data_model = tr098 ? DataModel::kTr098 : DataModel::kTr181;
  const std::string root = RootOf(s.data_model);
  auto value = [&](const std::string& path) {
    auto p = tree.Find(root + path);
    return p ? p->value : std::string();
  };
  s.manufacturer = value("DeviceInfo.Manufacturer");
  s.model = value("DeviceInfo.ModelName");
  s.hardware_version = value("DeviceInfo.HardwareVersion");
  s.software_version = value("DeviceInfo.SoftwareVersion");
  s.connection_request_url = value("ManagementServer.ConnectionRequestURL");
  if (auto interval = value("ManagementServer.PeriodicInformInterval"); !interval.empty()) {
    try {
      const unsigned long v = std::stoul(interval);
      if (v > 0 && v <= 7 * 24 * 3600) s.periodic_inform_interval = static_cast<std::uint32_t>(v);
    } catch (const std::exception&) {
    }
  }
  // The WAN address: the first non-empty external address of any WAN connection (TR-098)
  // or IPv4 address of any IP interface (TR-181), as the device lists them.
  for (const auto& p : tree.List(root + (tr098 ? "WANDevice." : "IP.Interface."))) {
    const bool match =
        tr098 ? p.path.ends_with(".ExternalIPAddress")
              : (p.path.ends_with(".IPAddress") && p.path.find(".IPv4Address.") != std::string::npos);
    if (match && !p.value.empty() && p.value != "0.0.0.0") {
      s.wan_ip = p.value;
      break;
    }
  }
  // Its MAC address: the WAN connection's (TR-098), or the upstream Ethernet interface's, else
  // the first Ethernet interface's (TR-181; gateways number their WAN port first).
  if (tr098) {
    for (const auto& p : tree.List(root + "WANDevice.")) {
      if (p.path.ends_with(".MACAddress") && !p.value.empty()) {
        s.wan_mac = p.value;
        break;
      }
    }
  } else {
    for (const auto& p : tree.List(root + "Ethernet.Interface.")) {
      if (!p.path.ends_with(".MACAddress") || p.value.empty()) continue;
      const std::string object = p.path.substr(0, p.path.size() - std::string_view("MACAddress").size());
      auto upstream = tree.Find(object + "Upstream");
      if (upstream && (upstream->value == "true" || upstream->value == "1")) {
        s.wan_mac = p.value;
        break;
      }
      if (s.wan_mac.empty()) s.wan_mac = p.value;
    }
  }
  return s;
}

ParameterTree ParameterStore::Load(db::Lease& lease, const DeviceId& device) {
  std::string text;
  lease.sql() << kSelectTree, soci::use(device.value()), soci::into(text);
  return ParameterTree::Parse(text);
}

int ParameterStore::Save(db::Lease& lease, const DeviceId& device, const ParameterTree& tree) {
  const ReportedSummary s = SummaryOf(tree);
  const std::string id = device.value();
  const long long t = ToUnixMillis(clock_.Now());
  // The summary columns as stored: they are written only when the tree changed one of them (an
  // Inform's new UpTime changes none), so their indexes are not rewritten on every Inform.
  std::string serial, tags_json, manufacturer, model, hardware, software, data_model, wan_ip, wan_mac, name,
      note, cr_url, search;
  int stored_interval = 0;
  lease.sql() << kSelectSummary, soci::use(id), soci::into(serial), soci::into(tags_json),
      soci::into(manufacturer), soci::into(model), soci::into(hardware), soci::into(software),
      soci::into(data_model), soci::into(wan_ip), soci::into(wan_mac), soci::into(name), soci::into(note),
      soci::into(cr_url), soci::into(stored_interval), soci::into(search);
  Device searched;
  searched.serial_number = serial;
  searched.model = s.model;
  searched.software_version = s.software_version;
  searched.tags = ParseTags(tags_json);
  searched.wan_ip = s.wan_ip;
  searched.wan_mac = s.wan_mac;
  searched.name = name;
  searched.note = note;
  const std::string new_search = SearchText(searched);
  const std::string new_data_model(ToString(s.data_model));
  const int interval =
      s.periodic_inform_interval ? static_cast<int>(*s.periodic_inform_interval) : stored_interval;
  const bool changed = (!s.manufacturer.empty() && s.manufacturer != manufacturer) || s.model != model ||
                       s.hardware_version != hardware || s.software_version != software ||
                       new_data_model != data_model || s.wan_ip != wan_ip || s.wan_mac != wan_mac ||
                       s.connection_request_url != cr_url || interval != stored_interval ||
                       new_search != search;
  if (changed) {
    const std::string new_manufacturer = s.manufacturer.empty() ? manufacturer : s.manufacturer;
    lease.sql() << kUpdateSummary, soci::use(new_manufacturer), soci::use(s.model),
        soci::use(s.hardware_version), soci::use(s.software_version), soci::use(new_data_model),
        soci::use(s.wan_ip), soci::use(s.wan_mac), soci::use(s.connection_request_url), soci::use(interval),
        soci::use(new_search), soci::use(t), soci::use(id);
  }
  const std::string text = tree.Serialize();
  lease.sql() << kUpdateTree, soci::use(text), soci::use(t), soci::use(id);
  return interval;
}

void ParameterStore::Update(const DeviceId& device, const std::function<bool(ParameterTree&)>& change) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::string text;
  lease.sql() << kSelectTree, soci::use(device.value()), soci::into(text);
  if (!lease.sql().got_data()) return;  // the device was deleted meanwhile
  ParameterTree tree = ParameterTree::Parse(text);
  if (!change(tree)) return;  // nothing changed: no write
  Save(lease, device, tree);
  // DEV-7: what a task read may differ from the desired state (desired_config.h).
  lease.sql() << "UPDATE devices SET desired_dirty = 1 WHERE id = :id", soci::use(device.value());
  tx.Commit();
}

void ParameterStore::MergeValues(const DeviceId& device, const std::vector<Parameter>& values) {
  Update(device, [&](ParameterTree& tree) {
    bool changed = false;
    for (const auto& p : values) changed |= tree.SetValue(p.path, p.value, p.type);
    return changed;
  });
}

void ParameterStore::MergeNames(const DeviceId& device,
                                const std::vector<std::pair<std::string, bool>>& names) {
  Update(device, [&](ParameterTree& tree) {
    bool changed = false;
    for (const auto& [name, writable] : names) changed |= tree.SetWritable(name, writable);
    return changed;
  });
}

void ParameterStore::RemoveSubtree(const DeviceId& device, const std::string& prefix) {
  Update(device, [&](ParameterTree& tree) { return tree.RemoveSubtree(prefix); });
}

std::vector<std::string> ParameterStore::TypesOf(const DeviceId& device,
                                                 const std::vector<std::string>& paths) {
  auto lease = db_.Acquire();
  const ParameterTree tree = Load(lease, device);
  std::vector<std::string> types;
  for (const auto& path : paths) {
    auto p = tree.Find(path);
    types.push_back(p ? p->type : std::string());
  }
  return types;
}

}  // namespace kanri::devices
