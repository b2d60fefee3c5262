// `kanri sim`: see simulator.h.
#include "sim/simulator.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "base/log.h"
#include "sim/cpe.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// How long devices get to close their sessions and save their state on SIGINT/SIGTERM.
constexpr std::chrono::seconds kStopGrace{5};

std::string Substitute(std::string text, const DeviceIdentity& id) {
  for (const auto& [key, value] :
       {std::pair<std::string_view, const std::string&>{"{serial}", id.serial_number}, {"{oui}", id.oui}}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

// "HOST:PORT" or "[V6]:PORT".
std::optional<tcp::endpoint> ParseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::uint16_t port = 0;
  const std::string_view port_text = std::string_view(text).substr(colon + 1);
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size()) return std::nullopt;
  boost::system::error_code address_ec;
  const asio::ip::address address = asio::ip::make_address(host, address_ec);
  if (address_ec) return std::nullopt;
  return tcp::endpoint(address, port);
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int Refuse(std::string_view message) {
  Log(LogLevel::kError, "sim cannot start", {{"error", message}});
  return 2;
}

asio::awaitable<void> StopFleet(asio::io_context& io, ConnectionRequestListener& listener,
                                std::vector<std::shared_ptr<Cpe>>& fleet) {
  listener.Stop();
  for (const auto& cpe : fleet) cpe->Stop();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (std::chrono::steady_clock::now() < deadline &&
         std::any_of(fleet.begin(), fleet.end(), [](const auto& cpe) { return cpe->running(); })) {
    timer.expires_after(std::chrono::milliseconds{50});
    co_await timer.async_wait(asio::use_awaitable);
  }
  io.stop();
}

}  // namespace

std::uint16_t DefaultRemoteAccessPort(std::uint32_t base, std::size_t position) {
  constexpr std::size_t kFirst = 1024;
  constexpr std::size_t kCount = 65536 - kFirst;
  const std::size_t offset = (std::max<std::size_t>(base, kFirst) - kFirst + position % kCount) % kCount;
  return static_cast<std::uint16_t>(kFirst + offset);
}

int Run(const SimOptions& o) {
  SetLogOutput(LogOutput::kStdout);
  SetLogLevel(o.log_level == "debug"   ? LogLevel::kDebug
              : o.log_level == "warn"  ? LogLevel::kWarn
              : o.log_level == "error" ? LogLevel::kError
                                       : LogLevel::kInfo);
  const std::optional<ModelKind> kind = ParseModelKind(o.model);
  if (!kind) return Refuse("--model must be tr181 or tr098");
  if (o.devices == 0) return Refuse("--devices must be at least 1");
  if (auto url = ParseHttpUrl(o.acs_url); !url) return Refuse("--acs: " + url.error().message);
  const std::optional<tcp::endpoint> listen = ParseListenAddress(o.cr_listen);
  if (!listen) return Refuse("--cr-listen must be HOST:PORT");
  if (o.remote_access_port_base != 0 &&
      (o.remote_access_port_base < 1024 || o.remote_access_port_base > 65535))
    return Refuse("--remote-access-port-base must be 0 (automatic) or between 1024 and 65535");

  asio::io_context io(static_cast<int>(std::max<std::size_t>(o.threads, 1)));
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1);
  if (o.insecure) {
    tls.set_verify_mode(asio::ssl::verify_none);
    Log(LogLevel::kWarn, "TLS certificates are not verified (--insecure): for labs only");
  } else {
    tls.set_verify_mode(asio::ssl::verify_peer);
    boost::system::error_code ec;
    if (!o.ca_file.empty()) {
      tls.load_verify_file(o.ca_file, ec);
      if (ec) return Refuse("--ca-file " + o.ca_file + ": " + ec.message());
    } else {
      tls.set_default_verify_paths(ec);
    }
  }

  FleetSettings fleet;
  fleet.tls = &tls;
  fleet.send_supported_cwmp_versions = o.cwmp_versions_header;
  fleet.ramp_up = std::chrono::milliseconds{static_cast<std::int64_t>(o.ramp_up_seconds * 1000)};
  fleet.reboot_delay = std::chrono::milliseconds{static_cast<std::int64_t>(o.reboot_seconds * 1000)};
  if (!o.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.state_dir, ec);
    if (ec) return Refuse("--state-dir " + o.state_dir + ": " + ec.message());
    fleet.state_dir = o.state_dir;
  }
  std::optional<asio::ssl::context> remote_access_tls;
  try {
    remote_access_tls.emplace(MakeRemoteAccessTlsContext(fleet.state_dir));
  } catch (const std::exception& e) {
    return Refuse(std::string("remote access: ") + e.what());
  }
  fleet.remote_access_tls = &*remote_access_tls;
  // The web interfaces listen where connection requests do: the host of ConnectionRequestURL.
  fleet.remote_access_address = listen->address();

  // The devices exist before the listener runs and never change after: the lookup needs no lock.
  std::unordered_map<std::string, std::shared_ptr<Cpe>> by_serial;
  std::vector<std::shared_ptr<Cpe>> devices;
  ConnectionRequestListener listener(
      io, *listen, [&by_serial](std::string_view serial) -> std::shared_ptr<ConnectionRequestTarget> {
        const auto it = by_serial.find(std::string(serial));
        return it == by_serial.end() ? nullptr : it->second;
      });
  std::string advertised_host = o.cr_advertise_host;
  if (advertised_host.empty()) {
    advertised_host = listen->address().is_unspecified() ? "127.0.0.1" : listen->address().to_string();
  }
  if (advertised_host.find(':') != std::string::npos) advertised_host = "[" + advertised_host + "]";
  Log(LogLevel::kInfo, "cr listening",
      {{"port", std::int64_t{listener.port()}}, {"host", std::string_view(advertised_host)}});

  const std::uint32_t remote_access_port_base =
      o.remote_access_port_base != 0 ? o.remote_access_port_base : std::uint32_t{listener.port()} + 1;

  const Timestamp now = SystemClock{}.Now();
  devices.reserve(o.devices);
  for (std::size_t i = 0; i < o.devices; ++i) {
    DeviceIdentity id;
    id.index = o.first_index + static_cast<std::uint32_t>(i);
    id.serial_number = fmt::format("{}{:0{}}", o.serial_prefix, id.index, o.serial_digits);
    id.manufacturer = o.manufacturer;
    id.oui = o.oui;
    id.product_class = o.product_class;
    id.model_name = o.model_name;
    id.hardware_version = o.hardware_version;
    id.software_version = o.software_version;
    id.acs_url = o.acs_url;
    id.acs_username = Substitute(o.username, id);
    id.acs_password = Substitute(o.password, id);
    id.connection_request_username = Substitute(o.cr_username, id);
    id.connection_request_password = Substitute(o.cr_password, id);
    id.periodic_inform_interval = o.inform_interval;
    id.remote_access_port = DefaultRemoteAccessPort(remote_access_port_base, i);
    const std::string cr_url =
        fmt::format("http://{}:{}/cr/{}", advertised_host, listener.port(), id.serial_number);
    CpeAgent agent(*kind, id, cr_url);
    std::vector<FaultInjection> faults;
    for (const auto& f : o.faults)
      if (FaultInjectionApplies(f, i)) faults.push_back(f);
    agent.InjectFaults(std::move(faults));
    agent.RevertBeforeEachSession(o.reverts);
    if (!fleet.state_dir.empty()) {
      if (auto saved = ReadFile(Cpe::StateFile(fleet.state_dir, id.serial_number))) {
        if (!agent.LoadState(*saved)) {
          Log(LogLevel::kWarn, "saved state ignored", {{"serial", id.serial_number}});
        }
      }
    }
    agent.SetAcsUrl(o.acs_url);
    agent.Boot(now);
    auto cpe = std::make_shared<Cpe>(io, fleet, std::move(agent));
    by_serial.emplace(id.serial_number, cpe);
    devices.push_back(std::move(cpe));
  }

  listener.Start();
  for (const auto& cpe : devices) cpe->Start();
  Log(LogLevel::kInfo, "sim started",
      {{"devices", static_cast<std::int64_t>(o.devices)},
       {"model", std::string_view(o.model)},
       {"acs", std::string_view(o.acs_url)},
       {"remote_access_port_base", std::int64_t{DefaultRemoteAccessPort(remote_access_port_base, 0)}}});

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    Log(LogLevel::kInfo, "sim stopping");
    asio::co_spawn(io, StopFleet(io, listener, devices), asio::detached);
  });

  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::max<std::size_t>(o.threads, 1); ++t)
    threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& t : threads) t.join();
  Log(LogLevel::kInfo, "sim stopped");
  return 0;
}

}  // namespace kanri::sim
