// The default data models of a simulated CPE: a TR-181 home gateway (root "Device.") and a
// TR-098 one (root "InternetGatewayDevice."), each with 130 to 170 parameters of realistic
// names, types and access (DeviceInfo, ManagementServer, WAN/LAN IP, Wi-Fi, LAN hosts, NAT
// port mappings and users that AddObject/DeleteObject work on, Time, the remote-access web
// interface's settings, ...).
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
  // UserInterface.RemoteAccess.Port's default; the fleet gives each device its own (simulator.h).
  std::uint16_t remote_access_port = 8080;
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
  kRemoteAccessEnable,  // UserInterface.RemoteAccess.: the device's web interface (DEV-5)
  kRemoteAccessPort,
};
std::string ParameterPath(ModelKind kind, Param param);

// The addable table of the web interface's accounts (DEV-5): "Device.Users.User." (TR-181) or
// "InternetGatewayDevice.User." (TR-098). Each instance has Enable, RemoteAccessCapable,
// Username, Password (reads back as "") and Language; instance 1 is the local "admin", who may
// not log in remotely.
std::string UserTablePath(ModelKind kind);

DataModel BuildDefaultModel(ModelKind kind, const DeviceIdentity& identity);

// The parameters every Inform carries (TR-069 Amendment 6, Table "Forced Inform Parameters",
// plus the summary fields an ACS's inventory shows): about 15.
std::vector<std::string> InformParameterNames(ModelKind kind);

}  // namespace kanri::sim
