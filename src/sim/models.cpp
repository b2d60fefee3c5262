// The TR-181 and TR-098 default trees: see models.h. Names and types follow the Broadband
// Forum data models (TR-181 Issue 2, TR-098 Amendment 2); values are what a home gateway
// fresh from the factory would report.
#include "sim/models.h"

#include <fmt/format.h>

namespace kanri::sim {
namespace {

constexpr std::string_view kUnknownTime = "0001-01-01T00:00:00Z";
constexpr std::int64_t kUnsignedIntMax = 4294967295;

Parameter Ro(std::string value, XsdType type = XsdType::kString) {
  return Parameter{.value = std::move(value), .type = type};
}
Parameter Rw(std::string value, XsdType type = XsdType::kString) {
  return Parameter{.value = std::move(value), .type = type, .writable = true};
}
Parameter RwRange(std::string value, XsdType type, std::int64_t min, std::int64_t max) {
  Parameter p = Rw(std::move(value), type);
  p.range = ValueRange{min, max};
  return p;
}
Parameter RwEnum(std::string value, std::vector<std::string> allowed) {
  Parameter p = Rw(std::move(value));
  p.enumeration = std::move(allowed);
  return p;
}
Parameter RwSecret(std::string value, std::size_t max_length = 256) {
  Parameter p = Rw(std::move(value));
  p.hidden = true;
  p.max_length = max_length;
  return p;
}
Parameter RwString(std::string value, std::size_t max_length) {
  Parameter p = Rw(std::move(value));
  p.max_length = max_length;
  return p;
}

// Defines parameters relative to the object last opened.
class TreeBuilder {
 public:
  explicit TreeBuilder(DataModel& model) : model_(model) {}

  TreeBuilder& Object(std::string path) {
    model_.DefineObject(path);
    current_ = std::move(path);
    return *this;
  }
  TreeBuilder& Set(const std::string& name, Parameter parameter) {
    model_.DefineParameter(current_ + name, std::move(parameter));
    return *this;
  }
  // A fixed table (instances made by the device) with `count` instances.
  void FixedTable(const std::string& path, const std::string& count_parameter, std::size_t count,
                  std::vector<std::pair<std::string, Parameter>> instance_template) {
    model_.DefineTable(path, std::move(instance_template), /*addable=*/false, count_parameter);
    for (std::size_t i = 0; i < count; ++i) model_.CreateInstance(path);
  }
  DataModel& model() { return model_; }

 private:
  DataModel& model_;
  std::string current_;
};

struct Addresses {
  std::string wan_ip;
  std::string wan_gateway;
  std::string wan_mac;
  std::string lan_mac;
  std::string wifi_mac_24;
  std::string wifi_mac_5;
  std::string ssid_suffix;
};

std::string Mac(std::string_view oui, std::uint32_t index, std::uint32_t port) {
  const std::uint32_t nic = (index * 8 + port) & 0xFFFFFF;
  const std::string o = oui.size() == 6 ? std::string(oui) : std::string("00D09E");
  return fmt::format("{}:{}:{}:{:02X}:{:02X}:{:02X}", o.substr(0, 2), o.substr(2, 2), o.substr(4, 2),
                     (nic >> 16) & 0xFF, (nic >> 8) & 0xFF, nic & 0xFF);
}

Addresses AddressesFor(const DeviceIdentity& id) {
  // WAN addresses from the CGNAT range (RFC 6598), one per device.
  const std::uint32_t i = id.index;
  return Addresses{
      fmt::format("100.64.{}.{}", (i / 250) % 256, i % 250 + 2),
      fmt::format("100.64.{}.1", (i / 250) % 256),
      Mac(id.oui, i, 0),
      Mac(id.oui, i, 1),
      Mac(id.oui, i, 2),
      Mac(id.oui, i, 3),
      id.serial_number.size() > 4 ? id.serial_number.substr(id.serial_number.size() - 4) : id.serial_number};
}

// DeviceInfo and ManagementServer have the same names under both roots.
void AddDeviceInfo(TreeBuilder& b, const std::string& root, const DeviceIdentity& id, bool tr181) {
  b.Object(root + "DeviceInfo.")
      .Set("Manufacturer", Ro(id.manufacturer))
      .Set("ManufacturerOUI", Ro(id.oui))
      .Set("ModelName", Ro(id.model_name))
      .Set("Description", Ro("Simulated home gateway (kanri sim)"))
      .Set("ProductClass", Ro(id.product_class))
      .Set("SerialNumber", Ro(id.serial_number))
      .Set("HardwareVersion", Ro(id.hardware_version))
      .Set("SoftwareVersion", Ro(id.software_version))
      .Set("AdditionalSoftwareVersion", Ro(""))
      .Set("ProvisioningCode", RwString("", 64))
      .Set("UpTime", Ro("0", XsdType::kUnsignedInt))
      .Set("FirstUseDate", Ro(std::string(kUnknownTime), XsdType::kDateTime));
  if (tr181) {
    b.Object(root + "DeviceInfo.MemoryStatus.")
        .Set("Total", Ro("262144", XsdType::kUnsignedInt))
        .Set("Free", Ro("131072", XsdType::kUnsignedInt));
    b.Object(root + "DeviceInfo.ProcessStatus.").Set("CPUUsage", Ro("3", XsdType::kUnsignedInt));
  } else {
    b.Object(root + "DeviceInfo.").Set("SpecVersion", Ro("1.0")).Set("DeviceLog", Ro(""));
  }
}

void AddManagementServer(TreeBuilder& b, const std::string& root, const DeviceIdentity& id) {
  b.Object(root + "ManagementServer.")
      .Set("URL", RwString(id.acs_url, 256))
      .Set("Username", RwString(id.acs_username, 256))
      .Set("Password", RwSecret(id.acs_password))
      .Set("PeriodicInformEnable", Rw("true", XsdType::kBoolean))
      .Set("PeriodicInformInterval",
           RwRange(std::to_string(id.periodic_inform_interval), XsdType::kUnsignedInt, 1, kUnsignedIntMax))
      .Set("PeriodicInformTime", Rw(std::string(kUnknownTime), XsdType::kDateTime))
      .Set("ParameterKey", Ro(""))
      .Set("ConnectionRequestURL", Ro(""))
      .Set("ConnectionRequestUsername", RwString(id.connection_request_username, 256))
      .Set("ConnectionRequestPassword", RwSecret(id.connection_request_password))
      .Set("UpgradesManaged", Rw("false", XsdType::kBoolean))
      .Set("DefaultActiveNotificationThrottle", Rw("0", XsdType::kUnsignedInt))
      .Set("CWMPRetryMinimumWaitInterval", RwRange("5", XsdType::kUnsignedInt, 1, 65535))
      .Set("CWMPRetryIntervalMultiplier", RwRange("2000", XsdType::kUnsignedInt, 1000, 65535));
}

void AddTime(TreeBuilder& b, const std::string& root) {
  b.Object(root + "Time.")
      .Set("Enable", Rw("true", XsdType::kBoolean))
      .Set("Status", Ro("Synchronized"))
      .Set("NTPServer1", RwString("ntp.nict.jp", 64))
      .Set("NTPServer2", RwString("pool.ntp.org", 64))
      .Set("CurrentLocalTime", Ro(std::string(kUnknownTime), XsdType::kDateTime))
      .Set("LocalTimeZone", RwString("JST-9", 64));
}

std::vector<std::pair<std::string, Parameter>> LanHostTemplate() {
  return {{"PhysAddress", Ro("")},       {"IPAddress", Ro("")},
          {"HostName", Ro("")},          {"Active", Ro("true", XsdType::kBoolean)},
          {"AddressSource", Ro("DHCP")}, {"LeaseTimeRemaining", Ro("86400", XsdType::kInt)}};
}

void FillLanHosts(DataModel& m, const std::string& table, const DeviceIdentity& id, bool tr181) {
  static constexpr std::string_view kNames[] = {"laptop", "phone", "tv"};
  for (std::uint32_t k = 1; k <= 3; ++k) {
    const std::string host = table + std::to_string(k) + ".";
    m.SetValue(host + (tr181 ? "PhysAddress" : "MACAddress"), Mac("3C22FB", id.index, k + 3));
    m.SetValue(host + "IPAddress", fmt::format("192.168.1.{}", 99 + k));
    m.SetValue(host + "HostName", std::string(kNames[k - 1]));
  }
}

// The accounts of the device's web interface (DEV-5): TR-181 Users.User.{i}. and TR-098
// User.{i}. have the same parameters. The factory's local administrator may not log in from the
// WAN side; the ACS adds the accounts that may.
void AddUsers(DataModel& m, const std::string& parent, const DeviceIdentity& id) {
  const std::string table = parent + "User.";
  m.DefineTable(table,
                {{"Enable", Rw("false", XsdType::kBoolean)},
                 {"RemoteAccessCapable", Rw("false", XsdType::kBoolean)},
                 {"Username", RwString("", 64)},
                 {"Password", RwSecret("", 64)},
                 {"Language", RwString("", 16)}},
                /*addable=*/true, parent + "UserNumberOfEntries");
  const std::string admin = table + std::to_string(m.CreateInstance(table)) + ".";
  m.SetValue(admin + "Enable", "true");
  m.SetValue(admin + "Username", "admin");
  m.SetValue(admin + "Password", "kanri-sim-" + id.serial_number);
  m.SetValue(admin + "Language", "en");
}

// The web interface is served over HTTPS only (remote_access.h), so that is all Protocol takes.
void AddUserInterface(TreeBuilder& b, const std::string& root, const DeviceIdentity& id) {
  b.Object(root + "UserInterface.");
  b.Object(root + "UserInterface.RemoteAccess.")
      .Set("Enable", Rw("false", XsdType::kBoolean))
      .Set("Port", RwRange(std::to_string(id.remote_access_port), XsdType::kUnsignedInt, 1, 65535))
      .Set("SupportedProtocols", Ro("HTTPS"))
      .Set("Protocol", RwEnum("HTTPS", {"HTTPS"}));
}

void BuildTr181(DataModel& m, const DeviceIdentity& id) {
  TreeBuilder b(m);
  const Addresses a = AddressesFor(id);
  const std::string root = "Device.";
  b.Object(root).Set("RootDataModelVersion", Ro("2.14"));
  AddDeviceInfo(b, root, id, /*tr181=*/true);
  AddManagementServer(b, root, id);
  b.Object(root + "ManagementServer.")
      .Set("SupportedConnReqMethods", Ro("HTTP"))
      .Set("AliasBasedAddressing", Ro("false", XsdType::kBoolean));
  AddTime(b, root);

  b.Object("Device.Ethernet.");
  b.FixedTable("Device.Ethernet.Interface.", "Device.Ethernet.InterfaceNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"Name", Ro("")},
                {"MACAddress", Ro("")},
                {"MaxBitRate", RwRange("1000", XsdType::kInt, -1, 100000)}});
  m.SetValue("Device.Ethernet.Interface.1.Name", "eth0");
  m.SetValue("Device.Ethernet.Interface.1.MACAddress", a.wan_mac);
  m.SetValue("Device.Ethernet.Interface.2.Name", "eth1");
  m.SetValue("Device.Ethernet.Interface.2.MACAddress", a.lan_mac);

  b.Object("Device.IP.");
  b.FixedTable("Device.IP.Interface.", "Device.IP.InterfaceNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"Name", Ro("")},
                {"Type", Ro("Normal")},
                {"LowerLayers", Ro("")}});
  for (int n = 1; n <= 2; ++n) {
    const std::string itf = fmt::format("Device.IP.Interface.{}.", n);
    b.FixedTable(itf + "IPv4Address.", itf + "IPv4AddressNumberOfEntries", 1,
                 {{"Enable", Rw("true", XsdType::kBoolean)},
                  {"Status", Ro("Enabled")},
                  {"IPAddress", n == 1 ? Ro("") : Rw("")},
                  {"SubnetMask", n == 1 ? Ro("") : Rw("")},
                  {"AddressingType", Ro(n == 1 ? "DHCP" : "Static")}});
  }
  m.SetValue("Device.IP.Interface.1.Name", "wan");
  m.SetValue("Device.IP.Interface.1.LowerLayers", "Device.Ethernet.Interface.1.");
  m.SetValue("Device.IP.Interface.1.IPv4Address.1.IPAddress", a.wan_ip);
  m.SetValue("Device.IP.Interface.1.IPv4Address.1.SubnetMask", "255.255.255.0");
  m.SetValue("Device.IP.Interface.2.Name", "lan");
  m.SetValue("Device.IP.Interface.2.LowerLayers", "Device.Ethernet.Interface.2.");
  m.SetValue("Device.IP.Interface.2.IPv4Address.1.IPAddress", "192.168.1.1");
  m.SetValue("Device.IP.Interface.2.IPv4Address.1.SubnetMask", "255.255.255.0");

  b.Object("Device.DHCPv4.");
  b.Object("Device.DHCPv4.Server.").Set("Enable", Rw("true", XsdType::kBoolean));
  b.FixedTable("Device.DHCPv4.Server.Pool.", "Device.DHCPv4.Server.PoolNumberOfEntries", 1,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"MinAddress", Rw("192.168.1.100")},
                {"MaxAddress", Rw("192.168.1.199")},
                {"SubnetMask", Rw("255.255.255.0")},
                {"DNSServers", Rw("192.168.1.1")},
                {"LeaseTime", RwRange("86400", XsdType::kInt, -1, 2147483647)}});

  b.Object("Device.WiFi.");
  b.FixedTable("Device.WiFi.Radio.", "Device.WiFi.RadioNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"OperatingFrequencyBand", Ro("2.4GHz")},
                {"Channel", RwRange("1", XsdType::kUnsignedInt, 1, 165)},
                {"AutoChannelEnable", Rw("true", XsdType::kBoolean)},
                {"OperatingStandards", Rw("b,g,n")},
                {"TransmitPower", RwRange("100", XsdType::kInt, -1, 100)}});
  m.SetValue("Device.WiFi.Radio.2.OperatingFrequencyBand", "5GHz");
  m.SetValue("Device.WiFi.Radio.2.Channel", "36");
  m.SetValue("Device.WiFi.Radio.2.OperatingStandards", "a,n,ac");
  b.FixedTable("Device.WiFi.SSID.", "Device.WiFi.SSIDNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"Name", Ro("")},
                {"SSID", RwString("", 32)},
                {"BSSID", Ro("")},
                {"MACAddress", Ro("")},
                {"LowerLayers", Ro("")}});
  for (int n = 1; n <= 2; ++n) {
    const std::string ssid = fmt::format("Device.WiFi.SSID.{}.", n);
    m.SetValue(ssid + "Name", fmt::format("wl{}", n - 1));
    m.SetValue(ssid + "SSID", fmt::format("KanriSim-{}{}", a.ssid_suffix, n == 2 ? "-5G" : ""));
    m.SetValue(ssid + "BSSID", n == 1 ? a.wifi_mac_24 : a.wifi_mac_5);
    m.SetValue(ssid + "MACAddress", n == 1 ? a.wifi_mac_24 : a.wifi_mac_5);
    m.SetValue(ssid + "LowerLayers", fmt::format("Device.WiFi.Radio.{}.", n));
  }
  b.FixedTable("Device.WiFi.AccessPoint.", "Device.WiFi.AccessPointNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Enabled")},
                {"SSIDReference", Ro("")},
                {"SSIDAdvertisementEnabled", Rw("true", XsdType::kBoolean)},
                {"Security.", Ro("")},
                {"Security.ModesSupported", Ro("None,WPA2-Personal,WPA3-Personal,WPA2-WPA3-Personal")},
                {"Security.ModeEnabled",
                 RwEnum("WPA2-Personal", {"None", "WPA2-Personal", "WPA3-Personal", "WPA2-WPA3-Personal"})},
                {"Security.KeyPassphrase", RwSecret("", 63)}});
  for (int n = 1; n <= 2; ++n) {
    const std::string ap = fmt::format("Device.WiFi.AccessPoint.{}.", n);
    m.SetValue(ap + "SSIDReference", fmt::format("Device.WiFi.SSID.{}.", n));
    m.SetValue(ap + "Security.KeyPassphrase", "kanri-sim-" + id.serial_number);
  }

  b.Object("Device.Hosts.");
  b.FixedTable("Device.Hosts.Host.", "Device.Hosts.HostNumberOfEntries", 3, LanHostTemplate());
  FillLanHosts(m, "Device.Hosts.Host.", id, /*tr181=*/true);

  b.Object("Device.NAT.");
  m.DefineTable("Device.NAT.PortMapping.",
                {{"Enable", Rw("false", XsdType::kBoolean)},
                 {"Status", Ro("Disabled")},
                 {"Alias", RwString("", 64)},
                 {"Description", RwString("", 256)},
                 {"Interface", Rw("Device.IP.Interface.1.")},
                 {"AllInterfaces", Rw("false", XsdType::kBoolean)},
                 {"LeaseDuration", Rw("0", XsdType::kUnsignedInt)},
                 {"RemoteHost", Rw("")},
                 {"ExternalPort", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"ExternalPortEndRange", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"InternalPort", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"Protocol", RwEnum("TCP", {"TCP", "UDP"})},
                 {"InternalClient", RwString("", 256)}},
                /*addable=*/true, "Device.NAT.PortMappingNumberOfEntries");

  b.Object("Device.DNS.");
  b.Object("Device.DNS.Client.").Set("Enable", Rw("true", XsdType::kBoolean)).Set("Status", Ro("Enabled"));
  b.FixedTable("Device.DNS.Client.Server.", "Device.DNS.Client.ServerNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)}, {"DNSServer", Rw("")}, {"Type", Ro("DHCPv4")}});
  m.SetValue("Device.DNS.Client.Server.1.DNSServer", a.wan_gateway);
  m.SetValue("Device.DNS.Client.Server.2.DNSServer", "8.8.8.8");

  b.Object("Device.Users.");
  AddUsers(m, "Device.Users.", id);
  AddUserInterface(b, root, id);
}

void BuildTr098(DataModel& m, const DeviceIdentity& id) {
  TreeBuilder b(m);
  const Addresses a = AddressesFor(id);
  const std::string root = "InternetGatewayDevice.";
  b.Object(root)
      .Set("DeviceSummary", Ro("InternetGatewayDevice:1.4[](Baseline:2, EthernetLAN:1, WiFiLAN:2, Time:2)"))
      .Set("LANDeviceNumberOfEntries", Ro("1", XsdType::kUnsignedInt))
      .Set("WANDeviceNumberOfEntries", Ro("1", XsdType::kUnsignedInt));
  AddDeviceInfo(b, root, id, /*tr181=*/false);
  AddManagementServer(b, root, id);
  AddTime(b, root);
  b.Object(root + "Time.").Set("LocalTimeZoneName", RwString("JST-9", 64));
  b.Object(root + "Layer3Forwarding.")
      .Set("DefaultConnectionService", Ro(root + "WANDevice.1.WANConnectionDevice.1.WANIPConnection.1"));

  const std::string wan = root + "WANDevice.1.";
  b.Object(root + "WANDevice.");
  b.Object(wan).Set("WANConnectionNumberOfEntries", Ro("1", XsdType::kUnsignedInt));
  b.Object(wan + "WANCommonInterfaceConfig.")
      .Set("WANAccessType", Ro("Ethernet"))
      .Set("Layer1UpstreamMaxBitRate", Ro("1000000000", XsdType::kUnsignedInt))
      .Set("Layer1DownstreamMaxBitRate", Ro("1000000000", XsdType::kUnsignedInt))
      .Set("PhysicalLinkStatus", Ro("Up"))
      .Set("TotalBytesSent", Ro("0", XsdType::kUnsignedInt))
      .Set("TotalBytesReceived", Ro("0", XsdType::kUnsignedInt));
  b.Object(wan + "WANConnectionDevice.");
  const std::string wcd = wan + "WANConnectionDevice.1.";
  b.Object(wcd).Set("WANIPConnectionNumberOfEntries", Ro("1", XsdType::kUnsignedInt));
  b.Object(wcd + "WANIPConnection.");
  const std::string ip = wcd + "WANIPConnection.1.";
  b.Object(ip)
      .Set("Enable", Rw("true", XsdType::kBoolean))
      .Set("ConnectionStatus", Ro("Connected"))
      .Set("ConnectionType", RwEnum("IP_Routed", {"Unconfigured", "IP_Routed", "IP_Bridged"}))
      .Set("Name", RwString("wan", 256))
      .Set("Uptime", Ro("0", XsdType::kUnsignedInt))
      .Set("AddressingType", RwEnum("DHCP", {"DHCP", "Static"}))
      .Set("ExternalIPAddress", Ro(a.wan_ip))
      .Set("SubnetMask", Ro("255.255.255.0"))
      .Set("DefaultGateway", Ro(a.wan_gateway))
      .Set("DNSServers", Rw(a.wan_gateway + ",8.8.8.8"))
      .Set("MACAddress", Ro(a.wan_mac))
      .Set("NATEnabled", Rw("true", XsdType::kBoolean));
  m.DefineTable(ip + "PortMapping.",
                {{"PortMappingEnabled", Rw("false", XsdType::kBoolean)},
                 {"PortMappingLeaseDuration", Rw("0", XsdType::kUnsignedInt)},
                 {"RemoteHost", Rw("")},
                 {"ExternalPort", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"ExternalPortEndRange", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"InternalPort", RwRange("0", XsdType::kUnsignedInt, 0, 65535)},
                 {"PortMappingProtocol", RwEnum("TCP", {"TCP", "UDP"})},
                 {"InternalClient", RwString("", 256)},
                 {"PortMappingDescription", RwString("", 256)}},
                /*addable=*/true, ip + "PortMappingNumberOfEntries");

  const std::string lan = root + "LANDevice.1.";
  b.Object(root + "LANDevice.");
  b.Object(lan);
  b.Object(lan + "LANHostConfigManagement.")
      .Set("DHCPServerEnable", Rw("true", XsdType::kBoolean))
      .Set("MinAddress", Rw("192.168.1.100"))
      .Set("MaxAddress", Rw("192.168.1.199"))
      .Set("SubnetMask", Rw("255.255.255.0"))
      .Set("DNSServers", Rw("192.168.1.1"))
      .Set("DHCPLeaseTime", RwRange("86400", XsdType::kInt, -1, 2147483647));
  b.FixedTable(lan + "LANHostConfigManagement.IPInterface.",
               lan + "LANHostConfigManagement.IPInterfaceNumberOfEntries", 1,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"IPInterfaceIPAddress", Rw("192.168.1.1")},
                {"IPInterfaceSubnetMask", Rw("255.255.255.0")},
                {"IPInterfaceAddressingType", RwEnum("Static", {"DHCP", "Static", "AutoIP"})}});
  b.FixedTable(lan + "LANEthernetInterfaceConfig.", lan + "LANEthernetInterfaceNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"MACAddress", Ro(a.lan_mac)},
                {"MaxBitRate", RwEnum("Auto", {"10", "100", "1000", "Auto"})},
                {"DuplexMode", RwEnum("Auto", {"Half", "Full", "Auto"})}});
  b.FixedTable(lan + "WLANConfiguration.", lan + "LANWLANConfigurationNumberOfEntries", 2,
               {{"Enable", Rw("true", XsdType::kBoolean)},
                {"Status", Ro("Up")},
                {"BSSID", Ro("")},
                {"Channel", RwRange("1", XsdType::kUnsignedInt, 1, 165)},
                {"AutoChannelEnable", Rw("true", XsdType::kBoolean)},
                {"SSID", RwString("", 32)},
                {"BeaconType", RwEnum("11i", {"None", "Basic", "WPA", "11i", "WPAand11i"})},
                {"Standard", Ro("g")},
                {"SSIDAdvertisementEnabled", Rw("true", XsdType::kBoolean)},
                {"KeyPassphrase", RwSecret("", 63)},
                {"TotalAssociations", Ro("0", XsdType::kUnsignedInt)}});
  for (int n = 1; n <= 2; ++n) {
    const std::string w = fmt::format("{}WLANConfiguration.{}.", lan, n);
    m.SetValue(w + "BSSID", n == 1 ? a.wifi_mac_24 : a.wifi_mac_5);
    m.SetValue(w + "SSID", fmt::format("KanriSim-{}{}", a.ssid_suffix, n == 2 ? "-5G" : ""));
    m.SetValue(w + "KeyPassphrase", "kanri-sim-" + id.serial_number);
  }
  m.SetValue(lan + "WLANConfiguration.2.Channel", "36");
  m.SetValue(lan + "WLANConfiguration.2.Standard", "ac");
  b.Object(lan + "Hosts.");
  std::vector<std::pair<std::string, Parameter>> host = LanHostTemplate();
  host[0].first = "MACAddress";
  host.push_back({"InterfaceType", Ro("802.11")});
  b.FixedTable(lan + "Hosts.Host.", lan + "Hosts.HostNumberOfEntries", 3, std::move(host));
  FillLanHosts(m, lan + "Hosts.Host.", id, /*tr181=*/false);

  AddUsers(m, root, id);
  AddUserInterface(b, root, id);
}

}  // namespace

std::optional<ModelKind> ParseModelKind(std::string_view name) {
  if (name == "tr181") return ModelKind::kTr181;
  if (name == "tr098") return ModelKind::kTr098;
  return std::nullopt;
}

std::string ParameterPath(ModelKind kind, Param param) {
  std::string root = kind == ModelKind::kTr181 ? "Device." : "InternetGatewayDevice.";
  switch (param) {
    case Param::kManufacturer:
      return root + "DeviceInfo.Manufacturer";
    case Param::kManufacturerOui:
      return root + "DeviceInfo.ManufacturerOUI";
    case Param::kProductClass:
      return root + "DeviceInfo.ProductClass";
    case Param::kSerialNumber:
      return root + "DeviceInfo.SerialNumber";
    case Param::kModelName:
      return root + "DeviceInfo.ModelName";
    case Param::kHardwareVersion:
      return root + "DeviceInfo.HardwareVersion";
    case Param::kSoftwareVersion:
      return root + "DeviceInfo.SoftwareVersion";
    case Param::kProvisioningCode:
      return root + "DeviceInfo.ProvisioningCode";
    case Param::kUpTime:
      return root + "DeviceInfo.UpTime";
    case Param::kAcsUrl:
      return root + "ManagementServer.URL";
    case Param::kAcsUsername:
      return root + "ManagementServer.Username";
    case Param::kAcsPassword:
      return root + "ManagementServer.Password";
    case Param::kPeriodicInformEnable:
      return root + "ManagementServer.PeriodicInformEnable";
    case Param::kPeriodicInformInterval:
      return root + "ManagementServer.PeriodicInformInterval";
    case Param::kConnectionRequestUrl:
      return root + "ManagementServer.ConnectionRequestURL";
    case Param::kConnectionRequestUsername:
      return root + "ManagementServer.ConnectionRequestUsername";
    case Param::kConnectionRequestPassword:
      return root + "ManagementServer.ConnectionRequestPassword";
    case Param::kParameterKey:
      return root + "ManagementServer.ParameterKey";
    case Param::kRemoteAccessEnable:
      return root + "UserInterface.RemoteAccess.Enable";
    case Param::kRemoteAccessPort:
      return root + "UserInterface.RemoteAccess.Port";
    case Param::kWanIpAddress:
      return kind == ModelKind::kTr181 ? "Device.IP.Interface.1.IPv4Address.1.IPAddress"
                                       : "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1."
                                         "WANIPConnection.1.ExternalIPAddress";
  }
  return root;
}

std::string UserTablePath(ModelKind kind) {
  return kind == ModelKind::kTr181 ? "Device.Users.User." : "InternetGatewayDevice.User.";
}

DataModel BuildDefaultModel(ModelKind kind, const DeviceIdentity& identity) {
  DataModel model;
  if (kind == ModelKind::kTr181) {
    BuildTr181(model, identity);
  } else {
    BuildTr098(model, identity);
  }
  return model;
}

std::vector<std::string> InformParameterNames(ModelKind kind) {
  std::vector<std::string> names;
  if (kind == ModelKind::kTr181) {
    names.push_back("Device.RootDataModelVersion");
  } else {
    names.push_back("InternetGatewayDevice.DeviceSummary");
  }
  for (Param p : {Param::kManufacturer, Param::kManufacturerOui, Param::kProductClass, Param::kSerialNumber,
                  Param::kModelName, Param::kHardwareVersion, Param::kSoftwareVersion,
                  Param::kProvisioningCode, Param::kUpTime, Param::kConnectionRequestUrl,
                  Param::kParameterKey, Param::kPeriodicInformInterval, Param::kWanIpAddress}) {
    names.push_back(ParameterPath(kind, p));
  }
  names.push_back(kind == ModelKind::kTr181 ? "Device.WiFi.SSID.1.SSID"
                                            : "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID");
  return names;
}

}  // namespace kanri::sim
