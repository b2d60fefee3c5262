// One simulated CPE on the network: runs a CpeAgent's sessions with the ACS over HTTP(S) as
// TR-069 Amendment 6 describes (3.7: Inform, TransferComplete, empty POST, then the ACS's
// requests until it answers 204), on its own strand of the fleet's io_context.
//
// - Authentication: pre-emptive Basic over TLS with ManagementServer.Username/Password; a
//   Digest (RFC 7616, MD5, qop=auth) or Basic challenge is answered; a 401 after that ends the
//   session ("auth refused") and the device retries with the TR-069 backoff (3.2.1.1).
//   Credentials are read at the start of each session, so a change the ACS makes through
//   SetParameterValues applies from the next session on.
// - Cookies the ACS sets are sent back for the rest of the session.
// - Periodic informs every PeriodicInformInterval (a change applies after the session);
//   connection requests (cr_listener.h) start a session at once; Reboot, FactoryReset and
//   Download act after the session and reconnect with their events.
// - Remote access (DEV-5): the device's web interface (remote_access.h) follows the data model
//   after every RPC of a session, so a user the ACS adds, deletes or enables counts at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "base/time.h"
#include "sim/cpe_agent.h"
#include "sim/cr_listener.h"
#include "sim/http_client.h"
#include "sim/remote_access.h"

namespace kanri::sim {

// Settings shared by every device of the fleet (fixed once the fleet runs).
struct FleetSettings {
  boost::asio::ssl::context* tls = nullptr;  // client context for https:// (ACS and downloads)
  HttpClientSettings http;
  bool send_supported_cwmp_versions = false;  // CWMP 1.4 SupportedCWMPVersions in the Inform
  std::chrono::milliseconds ramp_up{5'000};   // first informs spread over this long
  std::chrono::milliseconds reboot_delay{1'000};
  std::chrono::milliseconds max_retry_wait{600'000};
  std::size_t max_messages_per_session = 1'000;
  std::size_t max_firmware_bytes = 64 * 1024 * 1024;
  cwmp::DecodeLimits decode_limits;
  std::filesystem::path state_dir;  // empty: state only in memory
  // The devices' web interfaces: server context (null: none) and the address they listen on,
  // which must be the host of the devices' ConnectionRequestURL.
  boost::asio::ssl::context* remote_access_tls = nullptr;
  boost::asio::ip::address remote_access_address{boost::asio::ip::address_v4::loopback()};
  RemoteAccessSettings remote_access;
  const Clock* clock = nullptr;  // null: the system clock
};

class Cpe final : public ConnectionRequestTarget, public std::enable_shared_from_this<Cpe> {
 public:
  Cpe(boost::asio::io_context& io, const FleetSettings& fleet, CpeAgent agent);

  const std::string& serial() const { return serial_; }
  void Start();  // spawns the device's life on its strand; running() is false once it has ended
  void Stop();   // thread-safe; an open session is cut
  bool running() const { return running_.load(); }

  Credentials ConnectionRequestCredentials() const override;
  void RequestConnection() override;

  // The file a device's state is kept in under --state-dir.
  static std::filesystem::path StateFile(const std::filesystem::path& dir, const std::string& serial);

 private:
  struct SessionOutcome {
    bool ok = false;
    bool auth_refused = false;
    std::string error;
  };
  struct SessionAuth;
  class CookieJar;

  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<SessionOutcome> RunSession();
  boost::asio::awaitable<Result<HttpResponse>> Post(HttpClient& client, SessionAuth& auth, CookieJar& cookies,
                                                    const std::string& body, bool soap_request);
  boost::asio::awaitable<void> AfterSession(AfterSessionActions actions);
  boost::asio::awaitable<void> PerformDownload(const Download& request);
  boost::asio::awaitable<void> Sleep(std::chrono::steady_clock::duration duration);
  std::chrono::steady_clock::duration RetryWait() const;
  std::chrono::seconds PeriodicInterval() const;
  void PublishCredentials();
  void ApplyRemoteAccess();
  void Persist();
  Timestamp Now() const { return clock_.Now(); }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const FleetSettings& fleet_;
  SystemClock system_clock_;
  const Clock& clock_;
  CpeAgent agent_;
  std::string serial_;
  boost::asio::steady_timer wake_;
  bool stopping_ = false;
  bool connection_requested_ = false;
  std::uint32_t retry_count_ = 0;
  std::uint32_t session_id_ = 0;
  TlsSessionCache tls_session_;
  HttpClient* active_client_ = nullptr;                // the open connection, for Stop()
  std::shared_ptr<RemoteAccessServer> remote_access_;  // null without FleetSettings::remote_access_tls
  std::atomic<bool> running_{false};
  mutable std::mutex credentials_mutex_;
  Credentials connection_request_credentials_;
};

}  // namespace kanri::sim
