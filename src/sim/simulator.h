// `kanri sim`: a fleet of simulated TR-069 CPEs in one process, for demos, end-to-end tests and
// load. Each device is a CpeAgent (behaviour) run by a Cpe (network) on a shared io_context;
// one connection-request listener serves them all.
//
//   kanri sim --devices 100 --acs https://127.0.0.1:7547/ --ca-file data/tls/server.crt
//             --serial-prefix P --oui 00D09E --product-class SimGateway --model tr181
//             --username boot --password strap --inform-interval 300     (one command line)
//
// Log lines (JSON, one per line on stdout; base/log.h) that tests can wait for:
//   {"msg":"cr listening","port":N,"host":H}                  once, at start
//   {"msg":"sim started","devices":N,"model":"tr181","acs":URL,"remote_access_port_base":N}
//   {"msg":"session done","serial":S,"events":[...],"rpcs":[methods],"ms":N}
//   {"msg":"rpc","serial":S,"method":M,"fault_code":0|900x,"names":[...]}
//   {"msg":"auth refused","serial":S,"retry":N,"retry_in_s":N}    (warn)
//   {"msg":"session failed","serial":S,"error":E,"retry":N,"retry_in_s":N}  (warn)
//   {"msg":"connection request","serial":S}
//   {"msg":"connection request refused","serial":S,"reason":"bad credentials"|"rate limited"|...}
//   {"msg":"reboot","serial":S,"command_key":K}   {"msg":"factory reset","serial":S}
//   {"msg":"download","serial":S,"url":U,"command_key":K,"fault_code":N,"bytes":N,"version":V}
//   {"msg":"transfer complete","serial":S,"command_key":K,"fault_code":N}
//   {"msg":"remote access listening","serial":S,"host":H,"port":N}
//   {"msg":"remote access closed","serial":S}
//   {"msg":"remote access not listening","serial":S,"port":N,"error":E}  (warn: the port is taken)
//   {"msg":"remote login","serial":S,"username":U}
//   {"msg":"remote login refused","serial":S,"reason":"bad credentials"}  (warn)
//   {"msg":"sim stopped"}
//
// Remote access (DEV-5, remote_access.h): each device's web interface listens, while its
// UserInterface.RemoteAccess.Enable is true, on the connection-request listener's address (the
// host of its ConnectionRequestURL) at UserInterface.RemoteAccess.Port. That port's default is
// distinct for every device of the fleet: the device at position i (0 for the first) gets
// base + i, base being remote_access_port_base, or the connection-request listener's port + 1
// when that is 0; past 65535 the numbers wrap round to 1024 (distinct for up to 64,512
// devices). An ACS learns the port by reading the parameter, and may set another. A port saved
// under --state-dir is the device's own setting and wins over this run's default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/cpe_agent.h"

namespace kanri::sim {

struct SimOptions {
  std::size_t devices = 1;
  std::string acs_url;
  std::string serial_prefix = "SIM";
  std::size_t serial_digits = 6;  // P + zero-padded index: P000001
  std::uint32_t first_index = 1;
  std::string oui = "00D09E";
  std::string product_class = "SimGateway";
  std::string manufacturer = "Kanri Simulated Devices";
  std::string model_name = "KS-1000";
  std::string hardware_version = "HW1.0";
  std::string software_version = "1.0.0";
  std::string model = "tr181";  // tr181 | tr098
  // Credentials; "{serial}" and "{oui}" in them are replaced by each device's own.
  std::string username;
  std::string password;
  std::string cr_username = "{serial}";
  std::string cr_password = "{serial}";
  std::uint32_t inform_interval = 300;  // seconds: PeriodicInformInterval's default
  double ramp_up_seconds = 5;           // first informs spread over this long
  double reboot_seconds = 1;            // how long a reboot or an image install takes
  std::string cr_listen = "127.0.0.1:0";
  std::string cr_advertise_host;              // empty: the listening address
  std::uint32_t remote_access_port_base = 0;  // 0: the cr listener's port + 1 (see above)
  std::string ca_file;                        // trust this certificate (PEM) for https://
  bool insecure = false;                      // no TLS verification (lab use only)
  bool cwmp_versions_header = false;
  std::string state_dir;                       // empty: in memory
  std::vector<FaultInjection> faults;          // --fault: faults answered on purpose (cpe_agent.h)
  std::map<std::string, std::string> reverts;  // --revert: values put back before each session
  std::size_t threads = 2;
  std::string log_level = "info";
};

// The default UserInterface.RemoteAccess.Port of the device at `position` (0 for the first) of
// a fleet whose base is `base` (see above).
std::uint16_t DefaultRemoteAccessPort(std::uint32_t base, std::size_t position);

// Runs the fleet until SIGINT or SIGTERM; returns the process exit code.
int Run(const SimOptions& options);

}  // namespace kanri::sim
