// `kanri serve`: wires the services, opens the two TLS listeners and runs until SIGTERM or
// SIGINT, then drains requests in flight and exits 0.
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "access/api_tokens.h"
#include "api/routes.h"
#include "app/health_checks.h"
#include "app/operations.h"
#include "app/privileges.h"
#include "app/runtime.h"
#include "audit/history_writer.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/metrics.h"
#include "cwmp/connection_request.h"
#include "cwmp/device_caller.h"
#include "cwmp/file_download.h"
#include "cwmp/listener.h"
#include "cwmp/session_engine.h"
#include "devices/admission.h"
#include "devices/firmware.h"
#include "devices/groups.h"
#include "devices/inventory.h"
#include "devices/profiles.h"
#include "devices/refused.h"
#include "devices/secrets.h"
#include "devices/tasks.h"
#include "http/problem_codes.h"
#include "http/server.h"
#include "http/tls.h"

namespace kanri::app {
namespace {

namespace asio = boost::asio;

std::string DisplayHost(const std::string& host) {
  if (host == "0.0.0.0" || host == "::") return "localhost";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

// This node's name for device session leases, kept in the data dir so that a restarted
// server takes over the leases its previous run held instead of waiting for them to expire.
std::string NodeId(const Config& config) {
  const auto path = std::filesystem::path(config.data_dir) / "node-id";
  std::string id;
  if (std::ifstream in{path}; in) std::getline(in, id);
  if (id.empty()) {
    id = "node-" + RandomToken(9);
    std::ofstream{path} << id << "\n";
  }
  return id;
}

// Runs `work` every `interval` on `io` (the next run is scheduled when one ends) until Cancel().
class Periodic {
 public:
  Periodic(asio::io_context& io, Millis interval, std::string what,
           std::function<asio::awaitable<void>()> work)
      : io_(io), timer_(io), interval_(interval), what_(std::move(what)), work_(std::move(work)) {
    Schedule();
  }
  void Cancel() { timer_.cancel(); }

 private:
  void Schedule() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      asio::co_spawn(io_, work_(), [this](std::exception_ptr e) {
        if (e) LogError(what_ + " failed");
        Schedule();
      });
    });
  }
  asio::io_context& io_;
  asio::steady_timer timer_;
  Millis interval_;
  std::string what_;
  std::function<asio::awaitable<void>()> work_;
};

// The device domain (DEV-1 to DEV-6), shared by the API and the CWMP listener.
struct DeviceDomain {
  DeviceDomain(const Config& config, Runtime& rt)
      : secrets(devices::DeviceSecrets::LoadOrCreate(KeysDir(config))),
        profiles(*rt.database, *rt.clock, secrets, {.max_profiles = config.max_profiles_per_company}),
        allocations(*rt.database, *rt.clock),
        inventory(*rt.database, *rt.clock),
        tasks(*rt.database, *rt.clock),
        groups(*rt.database, *rt.clock),
        refused(*rt.database, *rt.clock),
        firmware(*rt.database, *rt.clock, FirmwareDir(config), config.firmware_storage),
        task_flow(*rt.database, *rt.clock, secrets, config.task_flow),
        desired(*rt.database, *rt.clock),
        campaigns(*rt.database, *rt.clock),
        parameters(*rt.database, *rt.clock),
        admission(
            *rt.database, *rt.clock, secrets, allocations, profiles, task_flow, parameters,
            [this](const devices::RefusedDevice& r) {
              refused.Record(r.oui, r.product_class, r.serial_number, r.source_ip, r.reason, r.last_at,
                             r.company);
            },
            {}, NodeId(config)) {}

  const devices::DeviceSecrets secrets;
  devices::ProfileRepository profiles;
  devices::AllocationRepository allocations;
  devices::DeviceRepository inventory;
  devices::TaskRepository tasks;
  devices::GroupRepository groups;
  devices::RefusedDeviceRepository refused;
  devices::FirmwareRepository firmware;
  devices::TaskFlow task_flow;
  devices::DesiredConfig desired;
  devices::CampaignRepository campaigns;
  devices::ParameterStore parameters;
  devices::DeviceAdmission admission;
};

// The CWMP listener's transport settings: the API's, with its own body limit and TLS choice.
http::ServerSettings CwmpHttpSettings(const Config& config) {
  http::ServerSettings settings = config.http;
  if (config.cwmp_insecure_http) {
    LogWarn(
        "the CWMP listener runs WITHOUT TLS (--cwmp-insecure-http): for a lab only; devices authenticate "
        "with HTTP Digest");
    settings.tls = false;
  }
  // A full-tree GetParameterValuesResponse is the largest message a device sends.
  settings.max_body_bytes = std::max<std::size_t>(settings.max_body_bytes, 8 * 1024 * 1024);
  return settings;
}

// --listen-metrics: only a loopback address. Metrics describe the service's insides; to scrape
// from another host, put an authenticating proxy in front.
Status MetricsAddress(const std::string& listen) {
  const auto [host, port] = http::ParseListenAddress(listen);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback())
    return InvalidArgument(
        "listen-metrics",
        "--listen-metrics must be a loopback address such as 127.0.0.1:9464 (metrics describe "
        "the service's insides; scrape other hosts' through an authenticating proxy)");
  (void)port;
  return Ok{};
}

asio::awaitable<http::HttpResponse> ServeMetrics(const http::HttpRequest& request) {
  http::HttpResponse r;
  if (request.path != "/metrics") {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "Only /metrics is served here.\n";
    co_return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    r.status = 405;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "GET /metrics\n";
    co_return r;
  }
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics::Default().Render();
  co_return r;
}

// Gauges read when scraped: the pools' queues, the history writer, CWMP sessions.
void RegisterServiceMetrics(db::WorkerPool& db, db::WorkerPool& hash, db::WorkerPool& jobs,
                            audit::HistoryWriter& history, cwmp::SessionEngine& engine) {
  auto& m = metrics::Default();
  m.Callback("kanri_db_pool_queue_depth", "Database calls waiting or running on the db pool",
             [&db] { return static_cast<double>(db.pending()); });
  m.Callback("kanri_hash_pool_queue_depth", "Password hashes waiting or running",
             [&hash] { return static_cast<double>(hash.pending()); });
  m.Callback("kanri_jobs_pool_queue_depth", "Job runs waiting or running",
             [&jobs] { return static_cast<double>(jobs.pending()); });
  m.Callback("kanri_history_queue_depth", "Operation-history records waiting for the writer (its lag)",
             [&history] { return static_cast<double>(history.queued()); });
  m.Callback("kanri_history_available", "1 while the operation history stores records (SEC-6)",
             [&history] { return history.available() ? 1.0 : 0.0; });
  m.Callback("kanri_cwmp_sessions_active", "CWMP sessions open now",
             [&engine] { return static_cast<double>(engine.active_sessions()); });
}

void PrintWelcome(const Config& config, Runtime& rt, const std::string& api_host,
                  const asio::ip::tcp::endpoint& api, const std::string& cwmp_host,
                  const asio::ip::tcp::endpoint& cwmp) {
  LogInfo("listening", {{"listener", "api"},
                        {"address", api.address().to_string()},
                        {"port", static_cast<std::int64_t>(api.port())}});
  LogInfo("listening", {{"listener", "cwmp"},
                        {"address", cwmp.address().to_string()},
                        {"port", static_cast<std::int64_t>(cwmp.port())}});
  std::cout << "Kanri is running.\n"
            << "  Console and API: https://" << DisplayHost(api_host) << ":" << api.port() << "/\n"
            << "  Devices (CWMP):  " << (config.cwmp_insecure_http ? "http" : "https") << "://"
            << DisplayHost(cwmp_host) << ":" << cwmp.port() << "/\n";
  if (!rt.accounts.AnySiteAdministrator(ProviderScope::ForCommandLine())) {
    std::cout << "  No site administrator exists yet. Create one with:\n"
              << "    kanri admin bootstrap --data-dir " << config.data_dir << " --login admin\n";
  } else {
    std::cout << "  Log in as a site administrator with an empty company ID.\n";
  }
  std::cout << std::flush;
}

}  // namespace

int Serve(const Config& config) {
  // OPS-4: the ports first, as the user who started the server (so ports below 1024 work as
  // root), then never root again, before anything is opened or created: the database, keys/,
  // tls/, node-id and uploads/ belong to the service's user.
  auto refuse = [](const Error& e) {
    std::cerr << "kanri serve: " << e.message << std::endl;
    return 2;
  };
  const auto service_user = ServiceUserFor(config.user);
  if (!service_user) return refuse(service_user.error());
  const auto [api_host, api_port] = http::ParseListenAddress(config.listen_api);
  const auto [cwmp_host, cwmp_port] = http::ParseListenAddress(config.listen_cwmp);
  http::BoundListener api_socket = http::BindListener(api_host, api_port);
  http::BoundListener cwmp_socket = http::BindListener(cwmp_host, cwmp_port);
  std::optional<http::BoundListener> metrics_socket;
  if (!config.listen_metrics.empty()) {
    if (auto address = MetricsAddress(config.listen_metrics); !address) return refuse(address.error());
    const auto [host, port] = http::ParseListenAddress(config.listen_metrics);
    metrics_socket.emplace(http::BindListener(host, port));
  }
  if (auto dropped = DropPrivileges(*service_user); !dropped) return refuse(dropped.error());
  if (auto writable = CheckDataDirWritable(config.data_dir); !writable) return refuse(writable.error());
  if (*service_user) LogInfo("running as", {{"user", (*service_user)->name}});

  // A connection per worker, and one each for the writer threads of the operation history and
  // of device contacts, for the jobs' thread and for the health monitor.
  const std::size_t db_threads = config.DatabaseThreads();
  Runtime rt(config, db_threads + 4);
  LogInfo("database", {{"backend", rt.database->backend() == db::Backend::kSqlite ? "sqlite" : "postgresql"},
                       {"worker_threads", static_cast<std::int64_t>(db_threads)}});
  const http::TlsFiles tls_files = http::EnsureCertificate(config.data_dir, config.tls_cert, config.tls_key);
  if (tls_files.generated)
    std::cout << "Generated a self-signed TLS certificate: " << tls_files.certificate.string() << "\n";
  std::cout << "TLS certificate SHA-256 fingerprint: " << tls_files.fingerprint_sha256 << std::endl;
  auto tls = http::MakeServerContext(tls_files);

  db::WorkerPool db_pool{"db", db_threads, config.db_queue};
  db::WorkerPool hash_pool{"hash", config.hash_threads, config.hash_queue};
  identity::SessionStore sessions{*rt.database, *rt.clock, config.session};
  // SEC-9: TOTP seeds are sealed with a key of their own, beside the device secrets' key.
  identity::Totp totp{*rt.database, *rt.clock,
                      SecretBox::LoadOrCreate(KeysDir(config) / "account-secrets.key")};
  identity::LoginService login{
      *rt.database, *rt.clock, rt.hasher, sessions, config.lockout, config.temporary_password, &totp};
  identity::HashingAdmission hashing_admission{config.hashing_admission};
  identity::LoginThrottle throttle{*rt.clock, config.login_throttle};
  access::RoleRepository roles{*rt.database, *rt.clock};
  access::Policy policy{*rt.database};
  access::ApiTokenRepository api_tokens{*rt.database, *rt.clock};
  const auto signing_key = audit::SigningKey::LoadOrCreate(KeysDir(config));
  auto history = MakeOperationHistory(config, *rt.database, *rt.clock);
  audit::HistoryWriter history_writer{history};
  DeviceDomain devices{config, rt};
  // DEV-4: one requester for the process, so its concurrency bound is process-wide.
  cwmp::ConnectionRequester connection_requester{config.connection_request};
  cwmp::DeviceCaller device_caller{devices.inventory, devices.secrets, connection_requester, db_pool};

  bool record_history = true;
#ifdef KANRI_TEST_HOOKS
  // Issue 18: every test that reaches a problem code missing from the registry fails.
  http::SetStrictProblemCodes(true);
  // Benchmarks only (test builds): measures what the history costs per request.
  if (const char* off = std::getenv("KANRI_BENCH_DISABLE_HISTORY"); off && std::string(off) == "1") {
    record_history = false;
    LogWarn("operation history disabled for a benchmark");
  }
#endif
  // SEC-6: every record is awaited (API, CWMP sessions, firmware downloads alike).
  auto store_record = [&](audit::OperationRecord record) -> asio::awaitable<void> {
    if (!record_history) co_return;
    co_await history_writer.Store(std::move(record));
  };
  auto history_available = [&] { return !record_history || history_writer.available(); };

  // The API and the console.
  api::ApiServices services{*rt.clock,
                            *rt.database,
                            db_pool,
                            hash_pool,
                            rt.companies,
                            rt.accounts,
                            sessions,
                            login,
                            throttle,
                            rt.hasher,
                            rt.password_policy,
                            roles,
                            policy,
                            history,
                            devices.profiles,
                            devices.inventory,
                            devices.tasks,
                            devices.groups,
                            devices.refused,
                            devices.allocations,
                            {}};
  // DEV-6: firmware uploads stream to <data-dir>/uploads (same file system as firmware/, so
  // storing one is a rename), within their own limit instead of max_body_bytes.
  services.firmware = &devices.firmware;
  services.desired = &devices.desired;
  services.campaigns = &devices.campaigns;
  services.settings.firmware_max_bytes = config.firmware_max_bytes;
  services.settings.contract_end_grace = config.contract_end_grace;
  services.device_caller = &device_caller;
  services.hashing_admission = &hashing_admission;
  services.api_tokens = &api_tokens;
  services.totp = &totp;
  services.history_writer = &history_writer;  // SEC-6: /readyz
  // Jobs and mail (issue 12): due jobs run one after another on a thread of their own, so that
  // a long one (a backup) holds no database worker of the requests.
  Operations operations{config, rt, history, signing_key};
  db::WorkerPool jobs_pool{"jobs", 1, 16};
  services.scheduler = &operations.scheduler;
  services.jobs_pool = &jobs_pool;
  services.outbox = &operations.outbox;
  services.webhooks = &operations.webhooks;
  services.remote_logins = &operations.remote_logins;
  services.login_alarms = &operations.login_alarms;
  // Issue 15: maintenance and incidents (OPS-1, OPS-2), and what DATA-7 shows of the settings.
  services.maintenance = &operations.maintenance;
  services.incidents = &operations.incidents;
  services.settings.data_residency = config.data_residency;
  services.settings.audit_retention = config.audit_retention;
  services.settings.backup_retention = config.backup_retention;
  services.settings.backup_time = config.backup_time;
  services.settings.device_retention = config.device_retention;
  services.settings.mail_retention = config.mail_retention;
  services.settings.inactivity = config.inactivity;
  services.settings.session_idle = config.session.idle_timeout;
  services.settings.session_lifetime = config.session.absolute_lifetime;
  http::ServerSettings api_http = config.http;
  api_http.upload_dir = std::filesystem::path(config.data_dir) / "uploads";
  http::PrepareUploadDir(api_http.upload_dir);
  const http::RouterSettings router_settings{.session_cookie = services.settings.session_cookie,
                                             .anonymous_denials = config.anonymous_denials};
  http::Router router{
      api::BuildRouteTable(services),
      [&](http::Credential credential, bool is_operation, std::string client_ip) {
        return db_pool.Run([&sessions, &policy, &api_tokens, credential = std::move(credential), is_operation,
                            client_ip = std::move(client_ip)] {
          http::Authentication a;
          if (credential.kind == http::Credential::Kind::kBearerToken) {
            // SEC-9: the token's own permissions, fixed when it was created.
            auto t = api_tokens.Resolve(credential.secret, client_ip);
            if (!t.token) return a;
            a.session.actor = access::TokenActor(*t.token);
            a.session.address_refused = t.address_refused;
            a.permissions = t.token->permissions;
            return a;
          }
          a.session = sessions.Resolve(credential.secret, is_operation, client_ip);
          if (a.session.actor) a.permissions = policy.PermissionsOf(a.session.actor->account);
          return a;
        });
      },
      store_record, *rt.clock, router_settings};
  // SEC-6 fail closed: no write while the history cannot record it.
  router.RefuseWritesWhile([&] { return !history_available(); });

  asio::io_context io{static_cast<int>(config.io_threads)};
  // DEV-5: a remote login the expiry job closed is cleaned up now when the device answers.
  operations.wake = [&io, &device_caller](const CompanyId& company, const DeviceId& device) {
    asio::co_spawn(
        io,
        [&device_caller, company, device]() -> asio::awaitable<void> {
          (void)co_await device_caller.Call(company, device);
        },
        asio::detached);
  };
  // Taken over before the listeners say they are ready, so that a SIGTERM right after the
  // ready lines drains instead of killing the process (asio keeps it until the wait below).
  asio::signal_set signals{io, SIGTERM, SIGINT};
  http::HttpServer api_server{io, tls, api_http, [&](const http::HttpRequest& r) { return router.Handle(r); },
                              "api"};
  api_server.StreamBodies([&](const http::HttpRequest& head) { return router.StreamedBodyLimit(head); });

  // Devices (TR-069): the CWMP session engine on its own listener.
  std::optional<http::DigestAuthenticator> cwmp_digest;
  if (config.cwmp_insecure_http) cwmp_digest.emplace(RandomBytes(32));
  cwmp::EngineSettings engine_settings = config.cwmp;
  engine_settings.insecure_http = config.cwmp_insecure_http;
  engine_settings.retry_after = config.audit_probe_interval;
  cwmp::SessionEngine cwmp_engine{{devices.admission, devices.task_flow, devices.parameters},
                                  db_pool,
                                  *rt.clock,
                                  store_record,
                                  engine_settings,
                                  std::move(cwmp_digest)};
  cwmp::CwmpListener cwmp_listener{
      cwmp_engine,       devices.firmware,           db_pool, *rt.clock, store_record,
      history_available, config.audit_probe_interval};
  http::HttpServer cwmp_server{io, tls, CwmpHttpSettings(config),
                               [&](const http::HttpRequest& r) { return cwmp_listener.Handle(r); }, "cwmp"};
  cwmp_server.OnConnectionClosed([&](std::uint64_t id) { cwmp_engine.ConnectionClosed(id); });
  // OPS-4: a device's message is small until it has a session.
  cwmp_server.LimitBodies([&](const http::HttpRequest& head) { return cwmp_engine.BodyLimitFor(head); });

  // Metrics, when asked for: plain HTTP on loopback, GET /metrics only, no history.
  std::optional<http::HttpServer> metrics_server;
  if (metrics_socket) {
    http::ServerSettings metrics_http = config.http;
    metrics_http.tls = false;
    metrics_http.max_body_bytes = 0;
    RegisterServiceMetrics(db_pool, hash_pool, jobs_pool, history_writer, cwmp_engine);
    metrics_server.emplace(io, tls, metrics_http, ServeMetrics, "metrics");
    const auto endpoint = metrics_server->Listen(std::move(*metrics_socket));
    LogInfo("listening", {{"listener", "metrics"},
                          {"address", endpoint.address().to_string()},
                          {"port", static_cast<std::int64_t>(endpoint.port())}});
    metrics_server->Start();
  }
  const auto api_endpoint = api_server.Listen(std::move(api_socket));
  const auto cwmp_endpoint = cwmp_server.Listen(std::move(cwmp_socket));
  // OPS-2 and OPS-3: the health monitor, on a thread of its own, so that a stuck job or a full
  // pool cannot hide a failure from it.
  ops::AlarmSink alarm_sink{*rt.database, operations.outbox, operations.smtp, config.MailDomain()};
  ops::HealthMonitor health{
      *rt.database,
      *rt.clock,
      NodeId(config),
      HealthChecks({.history_available = history_available,
                    .cwmp_url = LoopbackUrl(!config.cwmp_insecure_http, cwmp_host, cwmp_endpoint.port()),
                    .outbox = operations.outbox,
                    .smtp_configured = operations.smtp.configured(),
                    .data_dir = config.data_dir,
                    .min_free_bytes = config.health_min_free_mib << 20,
                    .clock = *rt.clock}),
      alarm_sink,
      {.interval = config.health_interval, .alarm_after = config.health_alarm_after}};
  services.health = &health;
  api_server.Start();
  cwmp_server.Start();
  PrintWelcome(config, rt, api_host, api_endpoint, cwmp_host, cwmp_endpoint);
  health.Start();

  // Every periodic job (app/operations.cpp: history checkpoints and retention, session purge,
  // SEC-7 lifecycle, SEC-2 alarms, mail delivery) when it is due; the next look waits for this
  // one to end.
  Periodic job_timer{io, config.job_tick, "the job scheduler", [&]() -> asio::awaitable<void> {
                       co_await jobs_pool.Run([&] { (void)operations.scheduler.RunDue(); });
                     }};
  // SEC-6: the counts of anonymous denials whose window closed.
  Periodic denial_counts{io, config.anonymous_denials.window, "writing anonymous denial counts",
                         [&]() -> asio::awaitable<void> { co_await router.FlushAnonymousDenials(); }};
  // SEC-6: while the history cannot store records, try it again, so that writes resume without
  // waiting for a /readyz call.
  Periodic history_probe{io, config.audit_probe_interval, "probing the operation history",
                         [&]() -> asio::awaitable<void> { (void)co_await history_writer.Probe(); }};
  // DEV-3: sessions that stopped answering, and tasks past their expiry, fail (timeout).
  Periodic device_sweep{io, std::chrono::seconds{5}, "the device sweep", [&]() -> asio::awaitable<void> {
                          co_await cwmp_engine.SweepIdleSessions();
                          co_await cwmp_engine.ExpireTasks();
                          co_await api::WakeDueRetries(services);
                          co_await api::WakeForDesiredState(services);
                          co_await api::RunCampaigns(services);
                          co_await db_pool.Run([&] { (void)devices.refused.Flush(); });
                        }};

  // Both listeners drain at once; when the last of them is empty, the rest stops.
  std::atomic<int> draining{metrics_server ? 3 : 2};
  auto drained = [&](std::exception_ptr) {
    if (--draining > 0) return;
    asio::co_spawn(io, router.FlushAnonymousDenials(true), [&](std::exception_ptr) {
      job_timer.Cancel();
      denial_counts.Cancel();
      history_probe.Cancel();
      device_sweep.Cancel();
      io.stop();
    });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    LogInfo("shutting down: draining requests in flight", {{"signal", static_cast<std::int64_t>(signal)}});
    asio::co_spawn(io, api_server.Drain(), drained);
    asio::co_spawn(io, cwmp_server.Drain(), drained);
    if (metrics_server) asio::co_spawn(io, metrics_server->Drain(), drained);
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < config.io_threads; ++i) threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  // The stop list, in order: what writes behind writes its last batch before the pools and
  // the history close; the last checkpoint covers everything this process wrote.
  health.Stop();
  jobs_pool.Stop();  // a job running now finishes
  db_pool.Stop();
  hash_pool.Stop();
  devices.admission.StopContacts();
  (void)devices.refused.Flush();
  history_writer.Stop();
  try {
    LogInfo("history checkpoints signed at shutdown",
            {{"checkpoints", static_cast<std::int64_t>(history.WriteCheckpoints(signing_key))}});
  } catch (const std::exception& e) {
    LogError("writing history checkpoints at shutdown failed", {{"error", e.what()}});
  }
  LogInfo("stopped");
  return 0;
}

}  // namespace kanri::app
