// The default data models of a simulated CPE: a TR-181 home gateway (root "Device.") and a
// TR-098 one (root "InternetGatewayDevice."), each with about 120 parameters of realistic
// names, types and access (DeviceInfo, ManagementServer, WAN/LAN IP, Wi-Fi, LAN hosts, NAT
// port mappings that AddObject/DeleteObject work on, Time, ...).
//
//   DataModel model = BuildDefaultModel(ModelKind::kTr098, identity);
//   model.Value(ParameterPath(ModelKind::kTr098, Param::kSoftwareVersion));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/data_model.h"

namespace kanri::sim {

enum class ModelKind { kTr181, kTr098 };
std::optional<ModelKind> ParseModelKind(std::string_view name);  // "tr181" / "tr098"

// What distinguishes one simulated device from the next; everything else is a default.
struct DeviceIdentity {
  std::uint32_t index = 1;  // 1-based position in the fleet (varies MAC and IP addresses)
  std::string manufacturer = "Kanri Simulated Devices";
  std::string oui = "00D09E";
  std::string product_class = "SimGateway";
  std::string serial_number = "SIM000001";
  std::string model_name = "KS-1000";
  std::string hardware_version = "HW1.0";
  std::string software_version = "1.0.0";
  std::string acs_url;
  std::string acs_username;
  std::string acs_password;
  std::string connection_request_username;
  std::string connection_request_password;
  std::uint32_t periodic_inform_interval = 300;  // seconds
};

// The parameters the device itself reads or writes, whatever the root.
enum class Param {
  kManufacturer,
  kManufacturerOui,
  kProductClass,
  kSerialNumber,
  kModelName,
  kHardwareVersion,
  kSoftwareVersion,
  kProvisioningCode,
  kUpTime,
  kAcsUrl,
  kAcsUsername,
  kAcsPassword,
  kPeriodicInformEnable,
  kPeriodicInformInterval,
  kConnectionRequestUrl,
  kConnectionRequestUsername,
  kConnectionRequestPassword,
  kParameterKey,
  kWanIpAddress,
};
std::string ParameterPath(ModelKind kind, Param param);

DataModel BuildDefaultModel(ModelKind kind, const DeviceIdentity& identity);

// The parameters every Inform carries (TR-069 Amendment 6, Table "Forced Inform Parameters",
// plus the summary fields an ACS's inventory shows): about 15.
std::vector<std::string> InformParameterNames(ModelKind kind);

}  // namespace kanri::sim
