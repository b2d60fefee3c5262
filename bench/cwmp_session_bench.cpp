// kanri_cwmp_session_bench: the benchmarks of issue 4 ("Benchmarks"), run against a real `kanri serve`
// on loopback.
//
//   Sessions per second. Simulated CPEs (--devices, 1,000 by default) run periodic-inform sessions
//   over --connections keep-alive connections: POST Inform (a TR-181 periodic Inform, event
//   "2 PERIODIC", 16 parameters) → InformResponse → empty POST (with the session cookie) → 204.
//   The same load generator drives, in the same run and alternating, (a) a canned-response
//   baseline server in this process (Boost.Beast, plain HTTP keep-alive, the same bytes as Kanri:
//   the InformResponse for an Inform, 204 for an empty POST, no work) and (b) `kanri serve` with
//   --cwmp-insecure-http on SQLite. Target: Kanri reaches >= 0.5 of the baseline's sessions/s.
//   The Informs are the same every time (the "changed nothing" path); one more phase, Kanri
//   only, sends a new UpTime in every Inform (the full path: the parameter tree rewritten).
//   Then a server with the CWMP listener on TLS: every session opens a new TLS connection,
//   resuming the device's previous TLS session (SSL_SESSION reuse; the resumed share is printed).
//
//   Scale. The database holds --seed-devices devices (100,000) of the benchmark's company, each
//   with a ~100-parameter tree, plus --other-devices of a second company, seeded straight into
//   the SQLite file; the session benchmark runs against that server (its RSS is sampled, target
//   < 300 MB), then GET /api/v1/devices is measured as the company's administrator: first page,
//   cursor pages, a search matching few and one matching many devices, filters (online, model,
//   tag) and a sort, --list-requests each, p50/p99 (target p99 < 50 ms).
//
// Flow: bootstrap a site administrator, start the server, create the companies, their
// administrators and an auth-mode-"none" profile through the API; stop; seed the devices by SQL;
// start the server with --cwmp-insecure-http; onboard the simulated devices (one Inform each),
// mark the provisioning tasks Kanri queued as done by SQL (so measured sessions are pure periodic
// informs); measure; stop and check that every device's last_contact_at advanced; start the server
// again with TLS on the CWMP listener; measure the TLS sessions and the device list; stop.
//
// It exits non-zero only when something goes wrong (a server does not start or exit cleanly, a
// set-up request fails); a missed target is printed as FAIL.
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_client.h"
#include "bench_phase.h"
#include "bench_process.h"
#include "cwmp/soap.h"
#include "db/database.h"
#include "devices/device_rows.h"

namespace kanri::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kServerStartTimeout = 120s;
constexpr auto kServerStopTimeout = 60s;
constexpr std::string_view kSessionCookie = "__Host-kanri_session";
constexpr std::string_view kCwmpCookie = "kanri_cwmp";
constexpr std::string_view kSiteAdmin = "root";
constexpr std::string_view kCompanyCode = "BENCH";
constexpr std::string_view kOtherCompanyCode = "OTHER";
constexpr std::string_view kCompanyAdmin = "bench-admin";
// The simulated CPEs: what the profile matches.
constexpr std::string_view kBenchOui = "00D0BE";
constexpr std::string_view kBenchProductClass = "KanriBench";
// The seeded inventory: another OUI, so the simulated CPEs never collide with it.
constexpr std::string_view kSeedOui = "3C8460";
constexpr std::string_view kSeedProductClass = "HGW";

struct Options {
  std::string kanri = KANRI_BINARY;
  double duration_s = 8;  // measured seconds per phase
  double warmup_s = 2;
  int rounds = 2;  // of (baseline, Kanri), order alternating
  int devices = 1000;
  int connections = 200;
  int tls_workers = 32;  // concurrent new-connection-per-session clients
  int client_threads = 2;
  int baseline_threads = 2;  // as kanri serve's default --io-threads
  int seed_devices = 100'000;
  int other_devices = 5'000;
  int list_requests = 200;
  double target_ratio = 0.5;
  double target_p99_ms = 50;
  double target_rss_mb = 300;
  std::string scenario = "all";  // all | sessions | list
  std::vector<std::string> server_args;
  bool keep_data = false;
};

// ---------------------------------------------------------------------------------------------
// Processes (bench_process.h)

// SIGTERM; the server must drain and exit 0.
void StopServer(Server& server) {
  const int code = server.Stop(kServerStopTimeout);
  if (code != 0)
    throw std::runtime_error("kanri serve ended with exit code " + std::to_string(code) + ":\n" +
                             Tail(server.log_err()));
}

// ---------------------------------------------------------------------------------------------
// SQLite, straight on the server's file (as tests/support/sqlite_file does)

class Sqlite {
 public:
  explicit Sqlite(const fs::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("sqlite3_open " + file.string() + ": " + sqlite3_errmsg(db_));
    sqlite3_busy_timeout(db_, 30000);
  }
  ~Sqlite() { sqlite3_close(db_); }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error("sqlite: " + message + " in: " + sql);
    }
  }
  // The first column of the first row as an integer.
  long long Integer(const std::string& sql) {
    sqlite3_stmt* st = Prepare(sql);
    long long v = 0;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  std::string Text(const std::string& sql) {
    sqlite3_stmt* st = Prepare(sql);
    std::string v;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
    return st;
  }
  void Step(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE)
      throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }

 private:
  sqlite3* db_ = nullptr;
};

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string OpaqueId(std::mt19937_64& rng) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out(26, 'a');
  for (auto& c : out) c = kAlphabet[rng() % 32];
  return out;
}

const std::vector<std::string>& SeedModels() {
  static const std::vector<std::string> m{"AX3000",  "AX1800", "RX-600",  "HG8245Q2", "WXR-5950",
                                          "Aterm-9", "FG-40F", "EX-Lite", "NVR510",   "RTX1300"};
  return m;
}

std::string SeedSoftware(std::size_t i) {
  return fmt::format("{}.{}.{}", 3 + i % 4, i % 5, 10 + i);
}

// The seeded serial numbers: "JP00012345" for the benchmark's company, "XP..." for the other.
std::string SeedSerial(std::string_view prefix, int i) {
  return fmt::format("{}{:08d}", prefix, i);
}

// A realistic ~100-entry TR-181 tree, {"path":[value,type,writable]}, varying with the device.
std::string SeedTree(int i, const std::string& serial, const std::string& model, const std::string& sw,
                     const std::string& ip) {
  std::string t = "{";
  auto add = [&t](const std::string& path, const std::string& value, std::string_view type, int writable) {
    if (t.size() > 1) t += ',';
    t += fmt::format("\"{}\":[\"{}\",\"{}\",{}]", path, value, type, writable);
  };
  add("Device.DeviceInfo.Manufacturer", "Kanri Devices", "string", 0);
  add("Device.DeviceInfo.ManufacturerOUI", std::string(kSeedOui), "string", 0);
  add("Device.DeviceInfo.ModelName", model, "string", 0);
  add("Device.DeviceInfo.ProductClass", std::string(kSeedProductClass), "string", 0);
  add("Device.DeviceInfo.SerialNumber", serial, "string", 0);
  add("Device.DeviceInfo.HardwareVersion", fmt::format("HW{}", i % 3), "string", 0);
  add("Device.DeviceInfo.SoftwareVersion", sw, "string", 0);
  add("Device.DeviceInfo.UpTime", std::to_string(1000 + i % 86400), "unsignedInt", 0);
  add("Device.DeviceInfo.ProvisioningCode", "JP.KANTO", "string", 1);
  add("Device.DeviceInfo.MemoryStatus.Total", "524288", "unsignedInt", 0);
  add("Device.DeviceInfo.MemoryStatus.Free", std::to_string(100000 + i % 9999), "unsignedInt", 0);
  add("Device.ManagementServer.URL", "https://acs.example.jp/", "string", 1);
  add("Device.ManagementServer.PeriodicInformEnable", "true", "boolean", 1);
  add("Device.ManagementServer.PeriodicInformInterval", "300", "unsignedInt", 1);
  add("Device.ManagementServer.ParameterKey", "", "string", 0);
  add("Device.ManagementServer.ConnectionRequestURL", fmt::format("http://{}:7547/cr{}", ip, i), "string", 0);
  add("Device.ManagementServer.ConnectionRequestUsername", fmt::format("kanri-cr{}", i), "string", 1);
  for (int k = 1; k <= 2; ++k) {
    const std::string p = fmt::format("Device.IP.Interface.{}.", k);
    add(p + "Enable", "true", "boolean", 1);
    add(p + "Status", "Up", "string", 0);
    add(p + "Name", k == 1 ? "wan" : "lan", "string", 0);
    add(p + "IPv4AddressNumberOfEntries", "1", "unsignedInt", 0);
    add(p + "IPv4Address.1.Enable", "true", "boolean", 1);
    add(p + "IPv4Address.1.IPAddress", k == 1 ? ip : "192.168.1.1", "string", 1);
    add(p + "IPv4Address.1.SubnetMask", k == 1 ? "255.255.255.255" : "255.255.255.0", "string", 1);
    add(p + "IPv4Address.1.AddressingType", k == 1 ? "IPCP" : "Static", "string", 0);
  }
  for (int k = 1; k <= 2; ++k) {
    const std::string p = fmt::format("Device.WiFi.Radio.{}.", k);
    add(p + "Enable", "true", "boolean", 1);
    add(p + "Status", "Up", "string", 0);
    add(p + "OperatingFrequencyBand", k == 1 ? "2.4GHz" : "5GHz", "string", 1);
    add(p + "Channel", std::to_string(k == 1 ? 1 + i % 11 : 36 + 4 * (i % 4)), "unsignedInt", 1);
    add(p + "AutoChannelEnable", "true", "boolean", 1);
    add(p + "TransmitPower", "100", "int", 1);
    add(p + "OperatingStandards", k == 1 ? "b,g,n,ax" : "a,n,ac,ax", "string", 1);
  }
  for (int k = 1; k <= 4; ++k) {
    const std::string p = fmt::format("Device.WiFi.SSID.{}.", k);
    add(p + "Enable", k <= 2 ? "true" : "false", "boolean", 1);
    add(p + "Status", k <= 2 ? "Up" : "Down", "string", 0);
    add(p + "SSID", fmt::format("kanri-{:05d}-{}", i % 100000, k), "string", 1);
    add(p + "BSSID",
        fmt::format("3c:84:60:{:02x}:{:02x}:{:02x}", (i >> 16) & 255, (i >> 8) & 255, (i + k) & 255),
        "string", 0);
    add(p + "LowerLayers", fmt::format("Device.WiFi.Radio.{}.", (k + 1) / 2), "string", 1);
    add(p + "Stats.BytesSent", std::to_string(12345678 + i * 7 + k), "unsignedLong", 0);
    add(p + "Stats.BytesReceived", std::to_string(2345678 + i * 3 + k), "unsignedLong", 0);
  }
  add("Device.Hosts.HostNumberOfEntries", "5", "unsignedInt", 0);
  for (int k = 1; k <= 5; ++k) {
    const std::string p = fmt::format("Device.Hosts.Host.{}.", k);
    add(p + "PhysAddress", fmt::format("a4:5e:60:{:02x}:{:02x}:{:02x}", k, (i >> 8) & 255, i & 255), "string",
        0);
    add(p + "IPAddress", fmt::format("192.168.1.{}", 10 + k), "string", 0);
    add(p + "HostName", fmt::format("host-{}", k), "string", 0);
    add(p + "Active", "true", "boolean", 0);
    add(p + "Layer1Interface", "Device.WiFi.SSID.1.", "string", 0);
  }
  for (int k = 1; k <= 4; ++k) {
    const std::string p = fmt::format("Device.Ethernet.Interface.{}.", k);
    add(p + "Enable", "true", "boolean", 1);
    add(p + "Status", k == 1 ? "Up" : "Down", "string", 0);
    add(p + "MaxBitRate", "1000", "int", 1);
  }
  add("Device.Time.Enable", "true", "boolean", 1);
  add("Device.Time.NTPServer1", "ntp.nict.jp", "string", 1);
  add("Device.Time.LocalTimeZone", "JST-9", "string", 1);
  add("Device.DNS.Client.Server.1.DNSServer", "203.0.113.53", "string", 1);
  add("Device.DNS.Client.Server.2.DNSServer", "203.0.113.54", "string", 1);
  t += '}';
  return t;
}

// Seeds `count` devices of `company` with serials "<prefix>00000000" on: models among 10,
// software versions among 20, tags on a fifth, about half online, a ~100-entry tree each. The
// rows are written by the service's own writer (devices/device_rows.h).
void SeedDevices(kanri::db::Lease& lease, const std::string& company, std::string_view prefix, int count,
                 std::uint64_t seed) {
  namespace devices = kanri::devices;
  std::mt19937_64 rng(seed);
  static const std::vector<std::string> kTags{"shop-tokyo", "shop-osaka", "vip", "pilot",
                                              "fiber",      "east",       "west"};
  const long long now = NowMs();
  for (int i = 0; i < count; ++i) {
    const std::string serial = SeedSerial(prefix, i);
    const std::string& model = SeedModels()[rng() % SeedModels().size()];
    const std::string sw = SeedSoftware(rng() % 20);
    const std::string ip = fmt::format("100.{}.{}.{}", 64 + (i >> 16) % 64, (i >> 8) & 255, i & 255);
    std::vector<std::string> tags;
    if (rng() % 5 == 0) tags.push_back(kTags[rng() % kTags.size()]);
    const long long last = now - static_cast<long long>(rng() % (24 * 3600 * 1000LL));
    // About half online: online until some time in the next hour, or gone since yesterday.
    const long long online_until =
        rng() % 2 ? now + 60'000 + static_cast<long long>(rng() % 3'600'000) : last - 3'600'000;
    devices::DeviceRow row;
    devices::Device& d = row.device;
    d.id = kanri::DeviceId{OpaqueId(rng)};
    d.company_id = kanri::CompanyId{company};
    d.oui = std::string(kSeedOui);
    d.product_class = std::string(kSeedProductClass);
    d.serial_number = serial;
    d.manufacturer = "Kanri Devices";
    d.model = model;
    d.hardware_version = fmt::format("HW{}", i % 3);
    d.software_version = sw;
    d.first_contact_at = kanri::FromUnixMillis(last - 90LL * 24 * 3600 * 1000);
    d.last_contact_at = d.updated_at = kanri::FromUnixMillis(last);
    d.last_boot_at = d.created_at = d.first_contact_at;
    d.last_events = {"2 PERIODIC"};
    d.periodic_inform_interval = 300;
    d.online_until = kanri::FromUnixMillis(online_until);
    d.wan_ip = d.source_ip = ip;
    d.connection_request_url = fmt::format("http://{}:7547/cr{}", ip, i);
    d.tags = tags;
    d.auth_mode = devices::AuthMode::kRotate;
    d.credential_state = devices::CredentialState::kRotated;
    row.cwmp_username = "cpe";
    row.cr_username = fmt::format("kanri-cr{}", i);
    row.tree = SeedTree(i, serial, model, sw, ip);
    devices::InsertDevice(lease, row);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP clients

// A blocking HTTPS client on one keep-alive connection for the API (set-up and the device list).
class ApiClient {
 public:
  ApiClient(std::uint16_t port, ssl::context& tls)
      : endpoint_(asio::ip::make_address("127.0.0.1"), port), tls_(tls) {}

  Reply Call(bhttp::verb verb, const std::string& target, const std::string& json_body = "") {
    Request r{verb, target, 11};
    r.set(bhttp::field::host, "127.0.0.1:" + std::to_string(endpoint_.port()));
    r.set(bhttp::field::user_agent, "kanri-cwmp-session-bench");
    if (!cookie_.empty()) r.set(bhttp::field::cookie, cookie_);
    if (!csrf_.empty()) r.set("X-CSRF-Token", csrf_);
    if (!json_body.empty()) {
      r.set(bhttp::field::content_type, "application/json");
      r.body() = json_body;
    }
    r.keep_alive(true);
    r.prepare_payload();
    std::optional<Reply> reply;
    std::string error;
    for (int attempt = 0; attempt < 2 && !reply; ++attempt) {
      io_.restart();
      asio::co_spawn(
          io_,
          [&]() -> asio::awaitable<void> {
            if (!stream_) {
              buffer_.clear();
              auto s = std::make_unique<TlsStream>(io_, tls_);
              auto& transport = beast::get_lowest_layer(*s);
              transport.expires_after(kIoTimeout);
              auto [cec] = co_await transport.async_connect(endpoint_, kTuple);
              if (cec) {
                error = "connect: " + cec.message();
                co_return;
              }
              transport.socket().set_option(tcp::no_delay(true));
              auto [hec] = co_await s->async_handshake(ssl::stream_base::client, kTuple);
              if (hec) {
                error = "TLS handshake: " + hec.message();
                co_return;
              }
              stream_ = std::move(s);
            }
            reply = co_await Exchange(*stream_, buffer_, r, error);
          },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
      io_.run();
      if (!reply || !reply->keep_alive) stream_.reset();
    }
    if (!reply) throw std::runtime_error("no answer to " + target + ": " + error);
    return *reply;
  }

  json::value Expect(bhttp::verb verb, const std::string& target, unsigned status,
                     const std::string& body = "") {
    Reply r = Call(verb, target, body);
    if (r.status != status)
      throw std::runtime_error(fmt::format("{} {} answered {} (expected {}): {}",
                                           std::string(bhttp::to_string(verb)), target, r.status, status,
                                           r.body));
    return r.body.empty() ? json::value() : json::parse(r.body);
  }

  // POST /api/v1/session; afterwards every request carries the cookie and the CSRF header.
  void LogIn(std::string_view company, std::string_view login, const std::string& password) {
    cookie_.clear();
    csrf_.clear();
    json::object body{{"login", login}, {"password", password}};
    if (!company.empty()) body["company"] = company;
    Reply r = Call(bhttp::verb::post, "/api/v1/session", json::serialize(body));
    const std::string prefix = std::string(kSessionCookie) + "=";
    if (r.status != 200 || r.set_cookie.rfind(prefix, 0) != 0)
      throw std::runtime_error(
          fmt::format("login as {}/{} answered {}: {}", company, login, r.status, r.body));
    cookie_ = r.set_cookie.substr(0, r.set_cookie.find(';'));
    csrf_ = std::string(json::parse(r.body).at("csrf_token").as_string());
  }

 private:
  asio::io_context io_;
  tcp::endpoint endpoint_;
  ssl::context& tls_;
  std::unique_ptr<TlsStream> stream_;
  beast::flat_buffer buffer_;
  std::string cookie_, csrf_;
};

// ---------------------------------------------------------------------------------------------
// The simulated CPEs

std::string BenchSerial(int i) {
  return fmt::format("KB{:07d}", i);
}

// A TR-181 periodic Inform of device `i`: the forced-inform parameters and a few more, 15 in all.
// The Inform's Device.DeviceInfo.UpTime: fixed-width digits, so that the phase whose Informs
// change can write a new value in place.
constexpr std::size_t kUpTimeDigits = 10;
constexpr std::string_view kUpTimeValue =
    "<Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">";

std::string InformXml(int i) {
  const std::string serial = BenchSerial(i);
  const std::string ip = fmt::format("10.{}.{}.{}", 64 + (i >> 16) % 64, (i >> 8) & 255, i & 255);
  const std::vector<std::tuple<std::string, std::string, std::string>> params{
      {"Device.RootDataModelVersion", "2.15", "string"},
      {"Device.DeviceInfo.Manufacturer", "Kanri Bench", "string"},
      {"Device.DeviceInfo.ManufacturerOUI", std::string(kBenchOui), "string"},
      {"Device.DeviceInfo.ModelName", "KB-" + std::to_string(1000 + i % 4), "string"},
      {"Device.DeviceInfo.ProductClass", std::string(kBenchProductClass), "string"},
      {"Device.DeviceInfo.SerialNumber", serial, "string"},
      {"Device.DeviceInfo.HardwareVersion", "HW1", "string"},
      {"Device.DeviceInfo.SoftwareVersion", "5.4." + std::to_string(i % 3), "string"},
      {"Device.DeviceInfo.ProvisioningCode", "JP.BENCH", "string"},
      {"Device.DeviceInfo.UpTime", std::string(kUpTimeDigits, '0'), "unsignedInt"},
      {"Device.ManagementServer.ConnectionRequestURL", "http://" + ip + ":7547/cr", "string"},
      {"Device.ManagementServer.ParameterKey", "", "string"},
      {"Device.ManagementServer.PeriodicInformInterval", "300", "unsignedInt"},
      {"Device.IP.Interface.1.IPv4Address.1.IPAddress", ip, "string"},
      {"Device.IP.Interface.1.Status", "Up", "string"},
      {"Device.WiFi.SSID.1.SSID", "kanri-bench-" + std::to_string(i), "string"},
  };
  std::string list;
  for (const auto& [name, value, type] : params)
    list += fmt::format(
        "<ParameterValueStruct><Name>{}</Name><Value xsi:type=\"xsd:{}\">{}</Value></ParameterValueStruct>\n",
        name, type, value);
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">1</cwmp:ID></soap-env:Header>
<soap-env:Body><cwmp:Inform>
<DeviceId><Manufacturer>Kanri Bench</Manufacturer><OUI>{}</OUI><ProductClass>{}</ProductClass><SerialNumber>{}</SerialNumber></DeviceId>
<Event soap-enc:arrayType="cwmp:EventStruct[1]"><EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey></CommandKey></EventStruct></Event>
<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2025-04-01T09:00:00+09:00</CurrentTime><RetryCount>0</RetryCount>
<ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[{}]">
{}</ParameterList>
</cwmp:Inform></soap-env:Body></soap-env:Envelope>
)",
      kBenchOui, kBenchProductClass, serial, params.size(), list);
}

Request CwmpPost(const std::string& host, std::string body, const std::string& cookie) {
  Request r{bhttp::verb::post, "/", 11};
  r.set(bhttp::field::host, host);
  r.set(bhttp::field::user_agent, "kanri-bench-cpe/1.0");
  if (!body.empty()) {
    r.set(bhttp::field::content_type, "text/xml; charset=\"utf-8\"");
    r.set("SOAPAction", "");
  }
  if (!cookie.empty()) r.set(bhttp::field::cookie, cookie);
  r.body() = std::move(body);
  r.keep_alive(true);
  r.prepare_payload();
  return r;
}

std::string CookieOf(const std::string& set_cookie) {
  const std::string prefix = std::string(kCwmpCookie) + "=";
  if (set_cookie.rfind(prefix, 0) != 0) return {};
  return set_cookie.substr(0, set_cookie.find(';'));
}

struct Tally {
  std::vector<std::uint32_t> latencies_us;  // whole sessions
  std::uint64_t ok = 0;
  std::map<std::string, std::uint64_t> failures;  // by kind
  std::uint64_t handshakes = 0, resumed = 0;      // TLS mode

  void Fail(const std::string& what) { ++failures[what]; }
  std::uint64_t failed() const {
    std::uint64_t n = 0;
    for (const auto& [k, v] : failures) n += v;
    return n;
  }
  void Merge(Tally&& o) {
    latencies_us.insert(latencies_us.end(), o.latencies_us.begin(), o.latencies_us.end());
    ok += o.ok;
    for (const auto& [k, v] : o.failures) failures[k] += v;
    handshakes += o.handshakes;
    resumed += o.resumed;
  }
};

// One session on an open stream: Inform → InformResponse (200, cookie) → empty POST → 204.
// Returns "" on success, else what went wrong. A transport error also resets `stream`.
template <typename Stream>
asio::awaitable<std::string> Session(Stream& stream, beast::flat_buffer& buffer, const std::string& host,
                                     const std::string& inform) {
  std::string error;
  auto first = co_await Exchange(stream, buffer, CwmpPost(host, inform, ""), error);
  if (!first) co_return error;
  if (first->status != 200 || first->body.find("InformResponse") == std::string::npos)
    co_return fmt::format("Inform answered {}", first->status);
  const std::string cookie = CookieOf(first->set_cookie);
  if (cookie.empty()) co_return "InformResponse without the session cookie";
  auto second = co_await Exchange(stream, buffer, CwmpPost(host, "", cookie), error);
  if (!second) co_return error;
  if (second->status != 204) co_return fmt::format("empty POST answered {}", second->status);
  if (!second->keep_alive || !first->keep_alive) co_return "the server closed the connection";
  co_return "";
}

// Keep-alive mode: one connection running the sessions of its devices in turn.
// With `changing`, every Inform reports a new UpTime (as most real CPEs' do), so Kanri takes its
// full path: the parameter tree is read, merged and written.
asio::awaitable<void> KeepAliveWorker(tcp::endpoint ep, const std::vector<std::string>* informs,
                                      std::vector<int> devices, Window window, Tally& tally,
                                      bool changing = false) {
  const std::string host = ep.address().to_string() + ":" + std::to_string(ep.port());
  std::string changed;
  std::uint64_t uptime = 0;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  for (std::size_t k = 0; Clock::now() < window.end; ++k) {
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(co_await asio::this_coro::executor);
      stream->expires_after(kIoTimeout);
      auto [ec] = co_await stream->async_connect(ep, kTuple);
      if (ec) {
        tally.Fail("connect: " + ec.message());
        stream.reset();
        co_await Sleep(10ms);
        continue;
      }
      stream->socket().set_option(tcp::no_delay(true));
      buffer.clear();
    }
    const int device = devices[k % devices.size()];
    const std::string* inform = &(*informs)[static_cast<std::size_t>(device)];
    if (changing) {
      changed = *inform;
      const std::size_t at = changed.find(kUpTimeValue) + kUpTimeValue.size();
      const std::string value = fmt::format("{:0{}}", ++uptime % 10'000'000'000ULL, kUpTimeDigits);
      changed.replace(at, kUpTimeDigits, value);
      inform = &changed;
    }
    const auto started = Clock::now();
    const std::string error = co_await Session(*stream, buffer, host, *inform);
    const auto finished = Clock::now();
    if (!error.empty()) stream.reset();
    if (started < window.measure_from) continue;
    if (error.empty()) {
      ++tally.ok;
      tally.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
    } else {
      tally.Fail(error);
    }
  }
  if (stream) {
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
  }
}

// TLS mode: every session on a new TLS connection, resuming the device's previous TLS session.
asio::awaitable<void> TlsWorker(tcp::endpoint ep, ssl::context* tls, const std::vector<std::string>* informs,
                                std::vector<int> devices, Window window, Tally& tally) {
  const std::string host = ep.address().to_string() + ":" + std::to_string(ep.port());
  std::vector<SSL_SESSION*> sessions(devices.size(), nullptr);
  for (std::size_t k = 0; Clock::now() < window.end; ++k) {
    const std::size_t slot = k % devices.size();
    const int device = devices[slot];
    const auto started = Clock::now();
    std::string error;
    bool resumed = false;
    {
      TlsStream stream(co_await asio::this_coro::executor, *tls);
      auto& transport = beast::get_lowest_layer(stream);
      transport.expires_after(kIoTimeout);
      auto [cec] = co_await transport.async_connect(ep, kTuple);
      if (cec) error = "connect: " + cec.message();
      if (error.empty()) {
        transport.socket().set_option(tcp::no_delay(true));
        if (sessions[slot]) SSL_set_session(stream.native_handle(), sessions[slot]);
        auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
        if (hec) error = "TLS handshake: " + hec.message();
      }
      if (error.empty()) {
        resumed = SSL_session_reused(stream.native_handle()) == 1;
        beast::flat_buffer buffer;
        error = co_await Session(stream, buffer, host, (*informs)[static_cast<std::size_t>(device)]);
        // TLS 1.3 tickets arrive after the handshake: take the session once answers were read.
        if (SSL_SESSION* s = SSL_get1_session(stream.native_handle())) {
          if (sessions[slot]) SSL_SESSION_free(sessions[slot]);
          sessions[slot] = s;
        }
      }
      // Closed as CPEs do, without waiting for the server's close_notify; marked as shut down
      // so that OpenSSL does not invalidate the session for resumption when the SSL is freed.
      SSL_set_shutdown(stream.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      boost::system::error_code ignored;
      transport.socket().shutdown(tcp::socket::shutdown_both, ignored);
      transport.socket().close(ignored);
    }
    const auto finished = Clock::now();
    if (started < window.measure_from) continue;
    if (error.empty()) {
      ++tally.ok;
      ++tally.handshakes;
      if (resumed) ++tally.resumed;
      tally.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
    } else {
      tally.Fail(error);
    }
  }
  for (auto* s : sessions)
    if (s) SSL_SESSION_free(s);
}

struct PhaseResult : PhaseClock {
  Tally tally;
};

// Runs `workers` coroutines (made by `spawn(io, worker_index, window, tally, on_done)`) for
// warm-up + measure; `server_pid` 0 for the in-process baseline.
template <typename Spawner>
PhaseResult RunPhase(int workers, Spawner spawn, Clock::duration warmup, Clock::duration measure, int threads,
                     pid_t server_pid) {
  std::vector<Tally> tallies(static_cast<std::size_t>(workers));
  PhaseResult result;
  static_cast<PhaseClock&>(result) = RunPhaseClock(
      threads, warmup, measure, server_pid, [&](asio::io_context& io, Window window, auto on_done) {
        for (int w = 0; w < workers; ++w) spawn(io, w, window, tallies[static_cast<std::size_t>(w)], on_done);
      });
  for (auto& t : tallies) result.tally.Merge(std::move(t));
  return result;
}

struct Summary {
  double rate = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t ok = 0, failed = 0;
};

Summary Summarize(Tally& t, double seconds) {
  std::sort(t.latencies_us.begin(), t.latencies_us.end());
  Summary s;
  s.ok = t.ok;
  s.failed = t.failed();
  s.rate = seconds > 0 ? static_cast<double>(t.ok) / seconds : 0;
  s.p50_ms = Percentile(t.latencies_us, 0.5);
  s.p99_ms = Percentile(t.latencies_us, 0.99);
  s.max_ms = t.latencies_us.empty() ? 0 : t.latencies_us.back() / 1000.0;
  return s;
}

std::string Failures(const Tally& t) {
  std::string out;
  for (const auto& [what, n] : t.failures) out += fmt::format("{}{} x{}", out.empty() ? "" : "; ", what, n);
  return out.empty() ? "none" : out;
}

// Devices of worker w: w, w + workers, w + 2 * workers, ...
std::vector<int> DevicesOf(int w, int workers, int devices) {
  std::vector<int> out;
  for (int d = w; d < devices; d += workers) out.push_back(d);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The canned-response baseline: Kanri's HTTP server pattern (Beast, keep-alive), no work at all.

class BaselineServer {
 public:
  explicit BaselineServer(int threads) : io_(threads), acceptor_(io_) {
    tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), 0};
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    // The same bytes Kanri answers: its encoder, the Inform's cwmp:ID "1", CWMP 1.2.
    inform_response_ = cwmp::EncodeInformResponse({.id = "1", .version = {1, 2}});
    set_cookie_ = std::string(kCwmpCookie) + "=" + RandomHex(18) + "; Path=/; HttpOnly";
    asio::co_spawn(acceptor_.get_executor(), Accept(), asio::detached);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~BaselineServer() {
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  BaselineServer(const BaselineServer&) = delete;
  BaselineServer& operator=(const BaselineServer&) = delete;
  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
      if (ec) co_return;
      // The executor first: the arguments' order of evaluation is unspecified.
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Serve(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }
  asio::awaitable<void> Serve(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(8 * 1024 * 1024);
      stream.expires_after(60s);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      (void)n;
      if (ec) break;
      const bool keep_alive = parser.get().keep_alive();
      bhttp::response<bhttp::string_body> out;
      out.version(11);
      out.set(bhttp::field::server, "kanri");
      if (parser.get().body().empty()) {
        out.result(bhttp::status::no_content);
      } else {
        out.result(bhttp::status::ok);
        out.set(bhttp::field::content_type, "text/xml; charset=utf-8");
        out.set(bhttp::field::set_cookie, set_cookie_);
        out.body() = inform_response_;
      }
      out.keep_alive(keep_alive);
      out.prepare_payload();
      auto [wec, written] = co_await bhttp::async_write(stream, out, kTuple);
      (void)written;
      if (wec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::string inform_response_, set_cookie_;
  std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------
// Scenarios

struct Setup {
  std::string site_password, admin_password, company_id, other_company_id;
  long long seeded = 0, other_seeded = 0;
  double seed_s = 0;
};

Setup CreateTenants(const Options& o, const fs::path& dir, ssl::context& tls) {
  Setup s;
  s.site_password = "Bench-" + RandomHex(12);
  s.admin_password = "Bench-" + RandomHex(12);
  Bootstrap(o.kanri, dir, kSiteAdmin, s.site_password);
  Server server(o.kanri, dir, "setup", o.server_args);
  server.Start(kServerStartTimeout);
  ApiClient api(server.api_port(), tls);
  api.LogIn("", kSiteAdmin, s.site_password);
  auto company = [&](std::string_view code, std::string_view name) {
    const json::value c = api.Expect(
        bhttp::verb::post, "/api/v1/companies", 201,
        json::serialize(json::object{{"code", code}, {"name", name}, {"contract_start", "2025-01-01"}}));
    std::string id(c.at("id").as_string());
    // The password the provider chooses is temporary: the administrator's first login changes it.
    const std::string initial = "Initial-" + s.admin_password;
    api.Expect(bhttp::verb::post, "/api/v1/companies/" + id + "/administrators", 201,
               json::serialize(json::object{{"login", kCompanyAdmin},
                                            {"name", "Bench Admin"},
                                            {"email", "bench-admin@example.com"},
                                            {"password", initial}}));
    ApiClient first(server.api_port(), tls);
    first.LogIn(code, kCompanyAdmin, initial);
    first.Expect(bhttp::verb::put, "/api/v1/session/password", 204,
                 json::serialize(json::object{{"current", initial}, {"new", s.admin_password}}));
    return id;
  };
  s.company_id = company(kCompanyCode, "Bench ISP");
  s.other_company_id = company(kOtherCompanyCode, "Other ISP");
  // The provider's allocation of the simulated CPEs to the bench company (DEV-1), and its lab
  // setting for profiles without a credential.
  api.Expect(bhttp::verb::post, "/api/v1/allocations", 201,
             json::serialize(json::object{
                 {"company_id", s.company_id}, {"oui", kBenchOui}, {"product_class", kBenchProductClass}}));
  api.Expect(bhttp::verb::patch, "/api/v1/companies/" + s.company_id, 200,
             json::serialize(json::object{{"allow_unauthenticated_devices", true}}));
  ApiClient admin(server.api_port(), tls);
  admin.LogIn(kCompanyCode, kCompanyAdmin, s.admin_password);
  admin.Expect(bhttp::verb::post, "/api/v1/profiles", 201,
               json::serialize(json::object{
                   {"name", "bench-lab"},
                   {"match", json::object{{"oui", kBenchOui}, {"product_class", kBenchProductClass}}},
                   {"device_auth", json::object{{"mode", "none"}}}}));
  StopServer(server);
  return s;
}

void Seed(const Options& o, const fs::path& dir, Setup& s) {
  if (o.seed_devices <= 0 && o.other_devices <= 0) return;
  const auto t0 = Clock::now();
  {
    auto database = kanri::db::Database::Open(
        {.url = "sqlite://" + (dir / "data" / "kanri.db").string(), .pool_size = 1});
    auto lease = database->Acquire();
    // No server runs now: a rollback journal instead of WAL for the bulk insert, WAL again after.
    lease.sql() << "PRAGMA journal_mode=DELETE";
    lease.sql() << "PRAGMA synchronous=OFF";
    kanri::db::WriteTransaction tx(lease);
    SeedDevices(lease, s.company_id, "JP", o.seed_devices, 42);
    SeedDevices(lease, s.other_company_id, "XP", o.other_devices, 43);
    tx.Commit();
    lease.sql() << "PRAGMA journal_mode=WAL";
  }
  Sqlite db(dir / "data" / "kanri.db");
  s.seeded = db.Integer("SELECT COUNT(*) FROM devices WHERE company_id = '" + s.company_id + "'");
  s.other_seeded = db.Integer("SELECT COUNT(*) FROM devices WHERE company_id = '" + s.other_company_id + "'");
  s.seed_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << fmt::format(
      "seeded {} devices of {} and {} of {} with a ~100-parameter tree each in {:.1f} s (database {:.0f} "
      "MB)\n",
      s.seeded, kCompanyCode, s.other_seeded, kOtherCompanyCode, s.seed_s,
      static_cast<double>(fs::file_size(dir / "data" / "kanri.db")) / 1e6);
}

struct SessionResults {
  Summary baseline, kanri, tls, changing;
  double changing_cpu_us = 0;
  double ratio = 0;
  double kanri_cpu_us = 0;
  double resumed_share = 0;
  long rss_max_kb = 0, hwm_kb = 0;
  long long updated = 0, devices = 0;
  bool ok = true;
};

void PrintPhase(const std::string& name, const Summary& s, const PhaseResult& p,
                const std::string& extra = "") {
  std::cout << fmt::format(
      "{}: {:.0f} sessions/s p50 {:.2f} ms p99 {:.2f} ms max {:.2f} ms ({} sessions, failures: {}; client "
      "CPU {:.1f} "
      "s{})\n",
      name, s.rate, s.p50_ms, s.p99_ms, s.max_ms, s.ok, Failures(p.tally), p.client_cpu_s, extra);
}

void SessionBench(const Options& o, const fs::path& dir, SessionResults& out) {
  std::vector<std::string> informs;
  for (int i = 0; i < o.devices; ++i) informs.push_back(InformXml(i));
  std::cout << fmt::format(
      "\n== Sessions per second: {} devices over {} keep-alive connections, Inform ({} bytes, 16 parameters) "
      "→ "
      "InformResponse → empty POST → 204; {} round(s) of baseline and Kanri, {:g} s warm-up + {:g} s each\n",
      o.devices, o.connections, informs[0].size(), o.rounds, o.warmup_s, o.duration_s);

  std::vector<std::string> args{"--cwmp-insecure-http"};
  args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  Server server(o.kanri, dir, "serve-http", args);
  server.Start(kServerStartTimeout);
  std::cout << fmt::format("kanri serve (CWMP on plain HTTP) pid {}: RSS at start {} MB\n", server.pid(),
                           StatusKb(server.pid(), "VmRSS") / 1024);
  const tcp::endpoint kanri_ep{asio::ip::make_address("127.0.0.1"), server.cwmp_port()};

  // Onboarding: one Inform per device (the session is then dropped), then the provisioning
  // tasks Kanri queued are marked done so the measured sessions are plain periodic informs.
  {
    const auto t0 = Clock::now();
    std::atomic<int> failed{0};
    asio::io_context io;
    std::string first_error;
    // Few at a time: onboarding is not what is measured.
    const int workers = std::min(o.connections, 4);
    for (int w = 0; w < workers; ++w) {
      asio::co_spawn(
          io,
          [&, w]() -> asio::awaitable<void> {
            const std::string host = "127.0.0.1:" + std::to_string(kanri_ep.port());
            for (int d : DevicesOf(w, workers, o.devices)) {
              beast::tcp_stream stream(co_await asio::this_coro::executor);
              auto [ec] = co_await stream.async_connect(kanri_ep, kTuple);
              std::string error = ec ? ec.message() : "";
              beast::flat_buffer buffer;
              if (error.empty()) {
                auto r = co_await Exchange(stream, buffer,
                                           CwmpPost(host, informs[static_cast<std::size_t>(d)], ""), error);
                if (r && r->status != 200) error = fmt::format("Inform answered {}: {}", r->status, r->body);
              }
              if (!error.empty() && failed++ == 0) first_error = error;
              boost::system::error_code ignored;
              stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            }
          },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
    }
    io.run();
    if (failed > 0)
      throw std::runtime_error(fmt::format("{} onboarding Informs failed: {}", failed.load(), first_error));
    Sqlite db(dir / "data" / "kanri.db");
    const long long onboarded =
        db.Integer(fmt::format("SELECT COUNT(*) FROM devices WHERE oui = '{}' AND product_class = '{}'",
                               kBenchOui, kBenchProductClass));
    const long long tasks = db.Integer("SELECT COUNT(*) FROM tasks WHERE state IN ('queued', 'running')");
    db.Exec(
        fmt::format("UPDATE tasks SET state = 'done', result = '{{}}', finished_at = {} WHERE state IN "
                    "('queued', 'running')",
                    NowMs()));
    out.devices = onboarded;
    std::cout << fmt::format(
        "onboarded {} devices in {:.1f} s (auth mode none); marked their {} provisioning tasks done by SQL\n",
        onboarded, std::chrono::duration<double>(Clock::now() - t0).count(), tasks);
    if (onboarded != o.devices)
      throw std::runtime_error(fmt::format("{} devices onboarded, expected {}", onboarded, o.devices));
  }

  BaselineServer baseline(o.baseline_threads);
  const long long measure_start_ms = NowMs();
  auto keep_alive = [&](tcp::endpoint ep) {
    return [&, ep](asio::io_context& io, int w, Window window, Tally& tally, auto on_done) {
      asio::co_spawn(asio::make_strand(io),
                     KeepAliveWorker(ep, &informs, DevicesOf(w, o.connections, o.devices), window, tally),
                     on_done);
    };
  };
  Tally all_baseline, all_kanri;
  double baseline_s = 0, kanri_s = 0, kanri_cpu = 0;
  for (int round = 1; round <= o.rounds; ++round) {
    for (int step = 0; step < 2; ++step) {
      const bool kanri = (round % 2 == 1) == (step == 1);  // baseline first in odd rounds
      PhaseResult p = kanri ? RunPhase(o.connections, keep_alive(kanri_ep), Seconds(o.warmup_s),
                                       Seconds(o.duration_s), o.client_threads, server.pid())
                            : RunPhase(o.connections, keep_alive(baseline.endpoint()), Seconds(o.warmup_s),
                                       Seconds(o.duration_s), o.client_threads, -1);
      Summary s = Summarize(p.tally, p.measured_s);
      if (kanri) {
        out.rss_max_kb = std::max(out.rss_max_kb, p.rss_max_kb);
        PrintPhase(fmt::format("round {} kanri   ", round), s, p,
                   fmt::format("; server CPU {:.0f} us/session, RSS up to {} MB",
                               p.server_cpu_s * 1e6 / std::max<double>(1, s.ok), p.rss_max_kb / 1024));
        kanri_s += p.measured_s;
        kanri_cpu += p.server_cpu_s;
        all_kanri.Merge(std::move(p.tally));
      } else {
        PrintPhase(fmt::format("round {} baseline", round), s, p);
        baseline_s += p.measured_s;
        all_baseline.Merge(std::move(p.tally));
      }
    }
  }
  {
    PhaseResult p = RunPhase(
        o.connections,
        [&](asio::io_context& io, int w, Window window, Tally& tally, auto on_done) {
          asio::co_spawn(asio::make_strand(io),
                         KeepAliveWorker(kanri_ep, &informs, DevicesOf(w, o.connections, o.devices), window,
                                         tally, /*changing=*/true),
                         on_done);
        },
        Seconds(o.warmup_s), Seconds(o.duration_s), o.client_threads, server.pid());
    out.changing = Summarize(p.tally, p.measured_s);
    out.changing_cpu_us = p.server_cpu_s * 1e6 / std::max<double>(1, out.changing.ok);
    out.rss_max_kb = std::max(out.rss_max_kb, p.rss_max_kb);
    PrintPhase("kanri, a new UpTime in every Inform", out.changing, p,
               fmt::format("; server CPU {:.0f} us/session, RSS up to {} MB", out.changing_cpu_us,
                           p.rss_max_kb / 1024));
  }
  out.baseline = Summarize(all_baseline, baseline_s);
  out.kanri = Summarize(all_kanri, kanri_s);
  out.kanri_cpu_us = out.kanri.ok ? kanri_cpu * 1e6 / static_cast<double>(out.kanri.ok) : 0;
  out.ratio = out.baseline.rate > 0 ? out.kanri.rate / out.baseline.rate : 0;
  out.hwm_kb = StatusKb(server.pid(), "VmHWM");
  out.ok = out.baseline.failed == 0 && out.kanri.failed == 0 && out.changing.failed == 0;
  std::cout << fmt::format(
      "all rounds: baseline {:.0f} sessions/s (p50 {:.2f} ms, p99 {:.2f} ms), kanri {:.0f} sessions/s (p50 "
      "{:.2f} ms, "
      "p99 {:.2f} ms, server CPU {:.0f} us/session)\n",
      out.baseline.rate, out.baseline.p50_ms, out.baseline.p99_ms, out.kanri.rate, out.kanri.p50_ms,
      out.kanri.p99_ms, out.kanri_cpu_us);
  std::cout << fmt::format("ratio kanri/baseline: {:.2f} (target >= {:g}): {}\n", out.ratio, o.target_ratio,
                           out.ratio >= o.target_ratio && out.ok ? "PASS" : "FAIL");
  std::cout << fmt::format(
      "kanri serve RSS: up to {} MB sampled while measuring, peak (VmHWM) {} MB (target < {:g} MB): {}\n",
      out.rss_max_kb / 1024, out.hwm_kb / 1024, o.target_rss_mb,
      out.hwm_kb / 1024.0 < o.target_rss_mb ? "PASS" : "FAIL");
  StopServer(server);

  // Every simulated device's row was updated by its measured sessions.
  {
    Sqlite db(dir / "data" / "kanri.db");
    out.updated =
        db.Integer(fmt::format("SELECT COUNT(*) FROM devices WHERE oui = '{}' AND product_class = '{}' AND "
                               "last_contact_at >= {} AND "
                               "online_until > last_contact_at",
                               kBenchOui, kBenchProductClass, measure_start_ms));
    std::cout << fmt::format("devices whose last_contact_at advanced during the measurement: {} of {}{}\n",
                             out.updated, out.devices,
                             out.updated == out.devices ? "" : " (MISSING UPDATES)");
    // A new server process is a new node: let it take the devices at once (the lease of the
    // last periodic session would otherwise hold them for a minute; see the README).
    db.Exec("UPDATE devices SET session_until = 0");
  }
}

void TlsBench(const Options& o, Server& server, SessionResults& out) {
  std::vector<std::string> informs;
  for (int i = 0; i < o.devices; ++i) informs.push_back(InformXml(i));
  std::cout << fmt::format(
      "\n== Sessions per second over TLS, a new connection per session with TLS session resumption ({} "
      "concurrent "
      "clients, {} devices, {:g} s warm-up + {:g} s)\n",
      o.tls_workers, o.devices, o.warmup_s + 1, o.duration_s);
  ssl::context tls = ClientTls();
  SSL_CTX_set_session_cache_mode(tls.native_handle(), SSL_SESS_CACHE_CLIENT);
  const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), server.cwmp_port()};
  PhaseResult p = RunPhase(
      o.tls_workers,
      [&](asio::io_context& io, int w, Window window, Tally& tally, auto on_done) {
        asio::co_spawn(asio::make_strand(io),
                       TlsWorker(ep, &tls, &informs, DevicesOf(w, o.tls_workers, o.devices), window, tally),
                       on_done);
      },
      Seconds(o.warmup_s + 1), Seconds(o.duration_s), o.client_threads, server.pid());
  out.tls = Summarize(p.tally, p.measured_s);
  out.resumed_share =
      p.tally.handshakes ? static_cast<double>(p.tally.resumed) / static_cast<double>(p.tally.handshakes) : 0;
  out.rss_max_kb = std::max(out.rss_max_kb, p.rss_max_kb);
  PrintPhase("kanri TLS, new connection per session", out.tls, p,
             fmt::format("; server CPU {:.0f} us/session, RSS up to {} MB",
                         p.server_cpu_s * 1e6 / std::max<double>(1, out.tls.ok), p.rss_max_kb / 1024));
  std::cout << fmt::format("TLS sessions resumed: {} of {} handshakes ({:.1f} %){}\n", p.tally.resumed,
                           p.tally.handshakes, 100 * out.resumed_share,
                           out.resumed_share < 0.9 ? " (resumption does not work as expected)" : "");
}

struct ListResult {
  std::string name;
  Summary s;
  std::size_t items = 0;
};

std::vector<ListResult> ListBench(const Options& o, Server& server, ssl::context& tls, const Setup& setup) {
  std::cout << fmt::format(
      "\n== GET /api/v1/devices with {} devices in the company ({} in all), {} requests per query on one "
      "keep-alive TLS "
      "connection, as the company administrator\n",
      setup.seeded + o.devices, setup.seeded + setup.other_seeded + o.devices, o.list_requests);
  ApiClient api(server.api_port(), tls);
  api.LogIn(kCompanyCode, kCompanyAdmin, setup.admin_password);
  std::vector<std::pair<std::string, std::vector<std::string>>> queries;
  queries.push_back({"first page", {"/api/v1/devices?limit=50"}});
  {
    // Cursor pages: pages 2 to 6 of the default order, requested in turn.
    std::vector<std::string> pages;
    std::string target = "/api/v1/devices?limit=50";
    for (int i = 0; i < 5; ++i) {
      const json::value page = api.Expect(bhttp::verb::get, target, 200);
      const auto* next = page.as_object().if_contains("next_cursor");
      if (!next || !next->is_string()) break;
      std::string escaped;
      for (unsigned char c : std::string(next->as_string())) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
          escaped += static_cast<char>(c);
        else
          escaped += fmt::format("%{:02X}", c);
      }
      target = "/api/v1/devices?limit=50&cursor=" + escaped;
      pages.push_back(target);
    }
    if (!pages.empty()) queries.push_back({"cursor pages 2-6", pages});
  }
  queries.push_back({"q=jp0004242 (few: 10 devices)", {"/api/v1/devices?limit=50&q=jp0004242"}});
  queries.push_back({"q=ax3000 (many: a model, ~10 %)", {"/api/v1/devices?limit=50&q=ax3000"}});
  queries.push_back({"q=nomatch (none)", {"/api/v1/devices?limit=50&q=nomatch"}});
  queries.push_back({"online=true", {"/api/v1/devices?limit=50&online=true"}});
  queries.push_back({"online=false", {"/api/v1/devices?limit=50&online=false"}});
  queries.push_back({"model=RX-600", {"/api/v1/devices?limit=50&model=RX-600"}});
  queries.push_back({"tag=vip", {"/api/v1/devices?limit=50&tag=vip"}});
  queries.push_back({"sort=-last_contact_at", {"/api/v1/devices?limit=50&sort=-last_contact_at"}});
  queries.push_back({"online=true&model=RX-600&sort=-last_contact_at",
                     {"/api/v1/devices?limit=50&online=true&model=RX-600&sort=-last_contact_at"}});
  queries.push_back({"GET /api/v1/devices/summary (online counts)", {"/api/v1/devices/summary"}});

  std::vector<ListResult> results;
  for (const auto& [name, targets] : queries) {
    ListResult r;
    r.name = name;
    const json::value first = api.Expect(bhttp::verb::get, targets[0], 200);
    if (const auto* items = first.as_object().if_contains("items"); items && items->is_array())
      r.items = items->as_array().size();
    for (int i = 0; i < 3; ++i)
      api.Expect(bhttp::verb::get, targets[static_cast<std::size_t>(i) % targets.size()], 200);
    Tally t;
    const auto t0 = Clock::now();
    for (int i = 0; i < o.list_requests; ++i) {
      const auto started = Clock::now();
      const Reply reply = api.Call(bhttp::verb::get, targets[static_cast<std::size_t>(i) % targets.size()]);
      const auto finished = Clock::now();
      if (reply.status != 200) {
        t.Fail(std::to_string(reply.status));
        continue;
      }
      ++t.ok;
      t.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
    }
    r.s = Summarize(t, std::chrono::duration<double>(Clock::now() - t0).count());
    std::cout << fmt::format(
        "{:<48} p50 {:6.2f} ms p99 {:6.2f} ms max {:6.2f} ms ({} items/page, {} ok, failures: {}): {}\n",
        name, r.s.p50_ms, r.s.p99_ms, r.s.max_ms, r.items, r.s.ok, Failures(t),
        r.s.p99_ms < o.target_p99_ms && r.s.failed == 0 ? "PASS" : "FAIL");
    results.push_back(std::move(r));
  }
  return results;
}

int Run(const Options& o) {
  if (!fs::exists(o.kanri)) throw std::runtime_error("no kanri binary at " + o.kanri + " (use --kanri)");
  ssl::context tls = ClientTls();
  TempDir temp("kanri-cwmp-bench", o.keep_data);
  const std::string load = LoadAverage();
  std::cout << fmt::format(
      "kanri_cwmp_session_bench: {} ({} CPU cores, shared by client and servers; 1-minute load average "
      "before the "
      "run: {})\n",
      o.kanri, std::thread::hardware_concurrency(), load);
  const fs::path dir = temp.path();
  fs::create_directories(dir / "data");
  Setup setup = CreateTenants(o, dir, tls);
  Seed(o, dir, setup);

  const bool sessions = o.scenario == "all" || o.scenario == "sessions";
  const bool list = o.scenario == "all" || o.scenario == "list";
  SessionResults sr;
  if (sessions) SessionBench(o, dir, sr);

  Server server(o.kanri, dir, "serve-tls", o.server_args);
  server.Start(kServerStartTimeout);
  std::cout << fmt::format("\nkanri serve (CWMP on TLS) pid {}: RSS at start {} MB\n", server.pid(),
                           StatusKb(server.pid(), "VmRSS") / 1024);
  if (sessions) TlsBench(o, server, sr);
  std::vector<ListResult> lists;
  if (list) lists = ListBench(o, server, tls, setup);
  const long hwm_tls = StatusKb(server.pid(), "VmHWM");
  std::cout << fmt::format("kanri serve (TLS) peak RSS (VmHWM): {} MB\n", hwm_tls / 1024);
  StopServer(server);

  std::cout << fmt::format("\n== Summary ({} devices in the benchmark company's inventory)\n",
                           setup.seeded + (sessions ? o.devices : 0));
  if (sessions) {
    std::cout << fmt::format(
        "sessions/s keep-alive, plain HTTP + SQLite: kanri {:.0f} vs baseline {:.0f} = {:.2f} (target >= "
        "{:g}): {}; "
        "kanri session p50 {:.2f} ms p99 {:.2f} ms; {} of {} device rows updated\n",
        sr.kanri.rate, sr.baseline.rate, sr.ratio, o.target_ratio,
        sr.ratio >= o.target_ratio && sr.ok ? "PASS" : "FAIL", sr.kanri.p50_ms, sr.kanri.p99_ms, sr.updated,
        sr.devices);
    std::cout << fmt::format(
        "sessions/s keep-alive when every Inform changes (a new UpTime, the tree rewritten): kanri {:.0f} "
        "({:.2f} of the baseline; p50 {:.2f} ms, p99 {:.2f} ms, server CPU {:.0f} us/session)\n",
        sr.changing.rate, sr.baseline.rate > 0 ? sr.changing.rate / sr.baseline.rate : 0, sr.changing.p50_ms,
        sr.changing.p99_ms, sr.changing_cpu_us);
    std::cout << fmt::format(
        "sessions/s with a new TLS connection per session: {:.0f} (p50 {:.2f} ms, p99 {:.2f} ms), {:.1f} % "
        "resumed\n",
        sr.tls.rate, sr.tls.p50_ms, sr.tls.p99_ms, 100 * sr.resumed_share);
    const long hwm = std::max(sr.hwm_kb, hwm_tls);
    std::cout << fmt::format("server RSS during the session benchmarks: peak {} MB (target < {:g} MB): {}\n",
                             hwm / 1024, o.target_rss_mb, hwm / 1024.0 < o.target_rss_mb ? "PASS" : "FAIL");
  }
  if (list) {
    double worst = 0;
    std::string worst_name;
    for (const auto& r : lists)
      if (r.s.p99_ms > worst) {
        worst = r.s.p99_ms;
        worst_name = r.name;
      }
    std::cout << fmt::format("GET /api/v1/devices: worst p99 {:.2f} ms ({}) (target < {:g} ms): {}\n", worst,
                             worst_name, o.target_p99_ms, worst < o.target_p99_ms ? "PASS" : "FAIL");
  }
  return 0;
}

}  // namespace
}  // namespace kanri::bench

int main(int argc, char** argv) {
  using kanri::bench::Options;
  Options o;
  CLI::App app{
      "Kanri benchmarks of issue 4: CWMP sessions per second and the device list at scale (bench/README.md)"};
  app.add_option("--kanri", o.kanri, "The kanri binary to start")->capture_default_str();
  app.add_option("--scenario", o.scenario, "all, sessions or list")
      ->check(CLI::IsMember({"all", "sessions", "list"}))
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "Measured seconds per phase")
      ->check(CLI::Range(0.5, 600.0))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "Unmeasured seconds before each phase")
      ->check(CLI::Range(0.0, 120.0))
      ->capture_default_str();
  app.add_option("--rounds", o.rounds, "Rounds of (baseline, kanri), order alternating")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_option("--devices", o.devices, "Simulated CPEs")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive connections the CPEs' sessions share")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  app.add_option("--tls-workers", o.tls_workers,
                 "Concurrent clients in the TLS (new connection per session) phase")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--client-threads", o.client_threads, "Threads of the load generator")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--baseline-threads", o.baseline_threads, "Threads of the canned-response baseline server")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--seed-devices", o.seed_devices, "Devices seeded into the benchmark company by SQL")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  app.add_option("--other-devices", o.other_devices, "Devices seeded into a second company")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  app.add_option("--list-requests", o.list_requests, "Requests per device-list query")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--target-ratio", o.target_ratio, "Sessions/s target as a share of the baseline")
      ->capture_default_str();
  app.add_option("--target-p99-ms", o.target_p99_ms, "Device list p99 target")->capture_default_str();
  app.add_option("--target-rss-mb", o.target_rss_mb, "Server RSS target during the session benchmark")
      ->capture_default_str();
  app.add_option("--server-arg", o.server_args,
                 "Extra argument for kanri serve (repeat, e.g. --server-arg=--io-threads=4)")
      ->allow_extra_args(false);
  app.add_flag("--keep-data-dir", o.keep_data, "Keep the temporary data directory and server logs");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (o.connections > o.devices) {
    std::cerr << "kanri_cwmp_session_bench: --connections (" << o.connections
              << ") must not exceed --devices (" << o.devices
              << "): every connection carries its own devices' sessions\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  try {
    return kanri::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "kanri_cwmp_session_bench: error: " << e.what() << "\n";
    return 1;
  }
}
