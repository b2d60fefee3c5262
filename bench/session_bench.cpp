// kanri_session_bench: the benchmarks of issues 2 and 3, run against a real `kanri serve` on loopback.
//
//   A. The cost of the session layer: requests/s and latency of an authenticated
//      GET /api/v1/session (cookie → session row in the database, touched on every request)
//      against GET /healthz (no login, no database) on the same server, over 64 keep-alive TLS
//      connections. The ratio of the two is what the session layer costs.
//   B. Login floods: the p99 of an authenticated GET /api/v1/session while 20 clients send
//      wrong passwords (each one costs an argon2id check on the hashing pool). Target: < 50 ms.
//   C. The router cost of the operation history (issue 3): requests/s of GET /api/v1/session
//      (authenticated; every call appends one history record) on a server with the history, then
//      on one started with KANRI_BENCH_DISABLE_HISTORY=1 (test-hooks builds only), alternating
//      over a few rounds. Target: the history costs < 15 % of the throughput.
//
// The program starts its own server for each scenario with a fresh temporary data directory,
// bootstraps a site administrator, logs in, drives the load from this one process (Boost.Beast
// over OpenSSL, one coroutine per connection on a few threads), then stops the server with
// SIGTERM and checks that it exits 0. It exits non-zero only when something goes wrong (the
// server does not start, a setup request fails, the server does not exit cleanly); a missed
// target is reported as FAIL in the output, not in the exit code. All traffic goes to 127.0.0.1.
//
//   kanri_session_bench [--duration 10] [--warmup 2] [--connections 64] [--attackers 20]
//                       [--probes 2] [--client-threads 2] [--rounds 2] [--scenario all|a|b|c]
//                       [--kanri PATH]
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
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
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_client.h"
#include "bench_phase.h"
#include "bench_process.h"

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

constexpr auto kServerStartTimeout = 60s;  // until the "listening" log line
constexpr auto kServerStopTimeout = 60s;   // SIGTERM → exit
constexpr std::uint64_t kMaxRequestsPerWorker =
    50'000'000;  // loops end by time; this bounds them by count too
constexpr std::uint64_t kMaxConnectsPerWorker = 10'000;
constexpr std::string_view kSessionCookie = "__Host-kanri_session";
constexpr std::string_view kAdminLogin = "root";
constexpr std::string_view kAttackLogin = "nobody";  // no such account: the server hashes a dummy
// Scenario C: the bench-only switch of test-hooks builds, and the line the server logs when it obeys.
constexpr const char* kDisableHistoryEnv = "KANRI_BENCH_DISABLE_HISTORY";
constexpr std::string_view kHistoryDisabledLog = "operation history disabled for a benchmark";

struct Options {
  std::string kanri = KANRI_BINARY;
  double duration_s = 10;  // measured seconds per route (A) and per phase (B)
  double warmup_s = 2;
  int connections = 64;
  int attackers = 20;
  int probes = 2;
  int client_threads = 2;
  double target_p99_ms = 50;
  int rounds = 2;                         // C: rounds of (history on, history off), order alternating
  double target_history_cost = 15;        // C: the largest throughput loss the history may cost, in %
  int login_ip_max_failures = 1'000'000;  // the largest value kanri accepts
  std::string scenario = "all";
  std::vector<std::string> server_args;
  bool keep_data = false;
  bool breakdown = false;  // A: also GET /api/v1/session with X-Kanri-Background: 1 (no UPDATE)
};

// ---------------------------------------------------------------------------------------------
// HTTPS client

struct Endpoint {
  tcp::endpoint address;
  ssl::context* tls = nullptr;
};

Request MakeRequest(bhttp::verb verb, const std::string& target, const Endpoint& ep,
                    const std::string& cookie = "", const std::string& json_body = "") {
  Request r{verb, target, 11};
  r.set(bhttp::field::host, ep.address.address().to_string() + ":" + std::to_string(ep.address.port()));
  r.set(bhttp::field::user_agent, "kanri-session-bench");
  if (!cookie.empty()) r.set(bhttp::field::cookie, cookie);
  if (!json_body.empty()) {
    r.set(bhttp::field::content_type, "application/json");
    r.body() = json_body;
  }
  r.keep_alive(true);
  r.prepare_payload();
  return r;
}

// TCP connect and TLS handshake; nullptr on failure, with the reason in `error`.
asio::awaitable<std::unique_ptr<TlsStream>> Connect(const Endpoint& ep, std::string& error) {
  auto stream = std::make_unique<TlsStream>(co_await asio::this_coro::executor, *ep.tls);
  auto& transport = beast::get_lowest_layer(*stream);
  transport.expires_after(kIoTimeout);
  auto [connect_ec] = co_await transport.async_connect(ep.address, kTuple);
  if (connect_ec) {
    error = "connect: " + connect_ec.message();
    co_return nullptr;
  }
  boost::system::error_code ignored;
  transport.socket().set_option(tcp::no_delay(true), ignored);
  auto [handshake_ec] = co_await stream->async_handshake(ssl::stream_base::client, kTuple);
  if (handshake_ec) {
    error = "TLS handshake: " + handshake_ec.message();
    co_return nullptr;
  }
  co_return stream;
}

// One request on a new connection, for the set-up steps. Throws on a transport error.
Reply Fetch(const Endpoint& ep, const Request& request) {
  asio::io_context io;
  std::optional<Reply> reply;
  std::string error;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto stream = co_await Connect(ep, error);
        if (!stream) co_return;
        beast::flat_buffer buffer;
        reply = co_await Exchange(*stream, buffer, request, error);
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  if (!reply)
    throw std::runtime_error("no answer to " + std::string(request.method_string()) + " " +
                             std::string(request.target()) + ": " + error);
  return *reply;
}

std::string LoginBody(std::string_view login, std::string_view password) {
  return json::serialize(json::object{{"login", login}, {"password", password}});
}

// Logs in and returns the Cookie header value for the session.
std::string LogIn(const Endpoint& ep, const std::string& password) {
  const Reply r =
      Fetch(ep, MakeRequest(bhttp::verb::post, "/api/v1/session", ep, "", LoginBody(kAdminLogin, password)));
  const std::string prefix = std::string(kSessionCookie) + "=";
  if (r.status != 200 || r.set_cookie.rfind(prefix, 0) != 0)
    throw std::runtime_error("login as " + std::string(kAdminLogin) + " answered " +
                             std::to_string(r.status) + ": " + r.body);
  if (r.body.find("\"csrf_token\"") == std::string::npos)
    throw std::runtime_error("login answer has no csrf_token");
  return r.set_cookie.substr(0, r.set_cookie.find(';'));
}

void Expect(const Endpoint& ep, const Request& request, unsigned status) {
  const Reply r = Fetch(ep, request);
  if (r.status != status)
    throw std::runtime_error(std::string(request.method_string()) + " " + std::string(request.target()) +
                             " answered " + std::to_string(r.status) + ", expected " +
                             std::to_string(status) + ": " + r.body);
}

// ---------------------------------------------------------------------------------------------
// Load

// Requests that start at or after measure_from count; no request starts at or after end.

struct Tally {
  std::vector<std::uint32_t> latencies_us;
  std::map<unsigned, std::uint64_t> statuses;
  std::uint64_t transport_errors = 0;
  std::map<std::string, std::uint64_t> errors;  // transport errors by kind
  std::uint64_t connects = 0;

  void Error(const std::string& what) {
    ++transport_errors;
    ++errors[what];
  }

  void Merge(Tally&& other) {
    latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
    for (const auto& [status, n] : other.statuses) statuses[status] += n;
    transport_errors += other.transport_errors;
    for (const auto& [what, n] : other.errors) errors[what] += n;
    connects += other.connects;
  }
};

// One keep-alive connection sending `request` back-to-back until the window ends. Reconnects
// when the server closes the connection (bounded).
asio::awaitable<void> LoadWorker(const Endpoint& ep, const Request& request, Window window, Tally& tally) {
  std::unique_ptr<TlsStream> stream;
  beast::flat_buffer buffer;
  std::string error;
  for (std::uint64_t i = 0; i < kMaxRequestsPerWorker && Clock::now() < window.end; ++i) {
    if (!stream) {
      if (tally.connects >= kMaxConnectsPerWorker) break;
      ++tally.connects;
      buffer.clear();
      stream = co_await Connect(ep, error);
      if (!stream) {
        tally.Error(error);
        co_await Sleep(10ms);
        continue;
      }
    }
    const auto started = Clock::now();
    const auto reply = co_await Exchange(*stream, buffer, request, error);
    const auto finished = Clock::now();
    if (!reply) {
      tally.Error(error);
      stream.reset();
      continue;
    }
    if (started >= window.measure_from) {
      tally.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
      ++tally.statuses[reply->status];
    }
    if (!reply->keep_alive) stream.reset();
  }
  if (stream) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(*stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(*stream).socket().close(ignored);
  }
}

struct Group {
  std::string name;
  Request request;
  int connections = 0;
};

struct PhaseResult : PhaseClock {
  std::vector<Tally> groups;  // in the order of the groups given
};

// Runs every group's connections at once: `warmup` unmeasured, then `measure` measured.
PhaseResult RunPhase(const Endpoint& ep, const std::vector<Group>& groups, Clock::duration warmup,
                     Clock::duration measure, int threads, const Server& server) {
  std::vector<std::vector<Tally>> tallies(groups.size());
  PhaseResult result;
  static_cast<PhaseClock&>(result) = RunPhaseClock(
      threads, warmup, measure, server.pid(), [&](asio::io_context& io, Window window, auto on_done) {
        for (std::size_t g = 0; g < groups.size(); ++g) {
          tallies[g].resize(static_cast<std::size_t>(groups[g].connections));
          for (auto& tally : tallies[g])
            asio::co_spawn(asio::make_strand(io), LoadWorker(ep, groups[g].request, window, tally), on_done);
        }
      });
  for (auto& group : tallies) {
    Tally merged;
    for (auto& t : group) merged.Merge(std::move(t));
    result.groups.push_back(std::move(merged));
  }
  return result;
}

struct Summary {
  std::uint64_t requests = 0;
  double rps = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double server_cpu_us_per_request = 0;
};

Summary Summarize(Tally& tally, double seconds, double server_cpu_s) {
  std::sort(tally.latencies_us.begin(), tally.latencies_us.end());
  Summary s;
  s.requests = tally.latencies_us.size();
  s.rps = seconds > 0 ? static_cast<double>(s.requests) / seconds : 0;
  s.p50_ms = Percentile(tally.latencies_us, 0.50);
  s.p99_ms = Percentile(tally.latencies_us, 0.99);
  s.max_ms = tally.latencies_us.empty() ? 0 : tally.latencies_us.back() / 1000.0;
  s.server_cpu_us_per_request = s.requests ? server_cpu_s * 1e6 / static_cast<double>(s.requests) : 0;
  return s;
}

std::string StatusCounts(const Tally& t) {
  std::string out;
  for (const auto& [status, n] : t.statuses)
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", status, n);
  if (t.transport_errors) {
    out += fmt::format("{}transport errors: {} (", out.empty() ? "" : ", ", t.transport_errors);
    bool first = true;
    for (const auto& [what, n] : t.errors) {
      out += fmt::format("{}{} x{}", first ? "" : "; ", what, n);
      first = false;
    }
    out += ")";
  }
  return out.empty() ? "no answers" : out;
}

std::uint64_t Count(const Tally& t, unsigned status) {
  auto it = t.statuses.find(status);
  return it == t.statuses.end() ? 0 : it->second;
}

bool AllOk(const Tally& t) {
  return t.transport_errors == 0 && !t.statuses.empty() && Count(t, 200) == t.latencies_us.size();
}

void PrintLine(const std::string& name, const Summary& s, const Tally& t, const std::string& extra = "") {
  std::cout << fmt::format("{}: {:.0f} req/s p50 {:.2f} ms p99 {:.2f} ms max {:.2f} ms ({} requests; {}{})\n",
                           name, s.rps, s.p50_ms, s.p99_ms, s.max_ms, s.requests, StatusCounts(t), extra);
}

// ---------------------------------------------------------------------------------------------
// Scenarios

struct Running {
  std::unique_ptr<Server> server;
  Endpoint endpoint;
  std::string cookie;
};

Running StartServer(const Options& o, const fs::path& dir, ssl::context& tls, std::vector<std::string> extra,
                    EnvChanges env = {}) {
  fs::create_directories(dir / "data");
  const std::string password = "Bench-" + RandomHex(12);
  Bootstrap(o.kanri, dir, kAdminLogin, password);
  extra.insert(extra.end(), o.server_args.begin(), o.server_args.end());
  Running r;
  r.server = std::make_unique<Server>(o.kanri, dir, "server", std::move(extra), std::move(env));
  r.server->Start(kServerStartTimeout);
  r.endpoint = Endpoint{tcp::endpoint{asio::ip::make_address("127.0.0.1"), r.server->api_port()}, &tls};
  r.cookie = LogIn(r.endpoint, password);
  Expect(r.endpoint, MakeRequest(bhttp::verb::get, "/healthz", r.endpoint), 200);
  Expect(r.endpoint, MakeRequest(bhttp::verb::get, "/api/v1/session", r.endpoint, r.cookie), 200);
  std::cout << fmt::format("server: data dir {}, API on 127.0.0.1:{}\n", (dir / "data").string(),
                           r.server->api_port());
  return r;
}

void StopServer(Running& r) {
  const int code = r.server->Stop(kServerStopTimeout);
  if (code != 0)
    throw std::runtime_error("kanri serve exited with code " + std::to_string(code) + " after SIGTERM:\n" +
                             Tail(r.server->log_err()));
  std::cout << "server: stopped by SIGTERM, exit code 0\n";
}

struct ResultA {
  Summary healthz, session;
  bool ok = false;
};

ResultA ScenarioA(const Options& o, const fs::path& dir, ssl::context& tls) {
  std::cout << fmt::format(
      "\n== Scenario A: session layer cost ({} keep-alive TLS connections, {:g} s warm-up + {:g} s per "
      "route, "
      "{} client threads)\n",
      o.connections, o.warmup_s, o.duration_s, o.client_threads);
  Running r = StartServer(o, dir, tls, {});
  const auto& ep = r.endpoint;
  ResultA out;
  PhaseResult healthz =
      RunPhase(ep, {{"healthz", MakeRequest(bhttp::verb::get, "/healthz", ep), o.connections}},
               Seconds(o.warmup_s), Seconds(o.duration_s), o.client_threads, *r.server);
  out.healthz = Summarize(healthz.groups[0], healthz.measured_s, healthz.server_cpu_s);
  PrintLine("healthz", out.healthz, healthz.groups[0],
            fmt::format("; server CPU {:.0f} us/request, client CPU {:.1f} s",
                        out.healthz.server_cpu_us_per_request, healthz.client_cpu_s));
  PhaseResult session = RunPhase(
      ep, {{"session", MakeRequest(bhttp::verb::get, "/api/v1/session", ep, r.cookie), o.connections}},
      Seconds(o.warmup_s), Seconds(o.duration_s), o.client_threads, *r.server);
  out.session = Summarize(session.groups[0], session.measured_s, session.server_cpu_s);
  PrintLine("session", out.session, session.groups[0],
            fmt::format("; server CPU {:.0f} us/request, client CPU {:.1f} s",
                        out.session.server_cpu_us_per_request, session.client_cpu_s));
  bool background_ok = true;
  if (o.breakdown) {
    // The same route without the write: background polls do not touch last_activity_at (SEC-3).
    Request background = MakeRequest(bhttp::verb::get, "/api/v1/session", ep, r.cookie);
    background.set("X-Kanri-Background", "1");
    PhaseResult bg = RunPhase(ep, {{"session-background", background, o.connections}}, Seconds(o.warmup_s),
                              Seconds(o.duration_s), o.client_threads, *r.server);
    const Summary s = Summarize(bg.groups[0], bg.measured_s, bg.server_cpu_s);
    PrintLine("session-background (read only)", s, bg.groups[0],
              fmt::format("; server CPU {:.0f} us/request, client CPU {:.1f} s", s.server_cpu_us_per_request,
                          bg.client_cpu_s));
    background_ok = AllOk(bg.groups[0]);
  }
  StopServer(r);
  out.ok = AllOk(healthz.groups[0]) && AllOk(session.groups[0]) && background_ok;
  const double rps_ratio = out.healthz.rps > 0 ? out.session.rps / out.healthz.rps : 0;
  const double p99_ratio = out.healthz.p99_ms > 0 ? out.session.p99_ms / out.healthz.p99_ms : 0;
  const double cpu_ratio = out.healthz.server_cpu_us_per_request > 0
                               ? out.session.server_cpu_us_per_request / out.healthz.server_cpu_us_per_request
                               : 0;
  std::cout << fmt::format(
      "ratio session/healthz: throughput {:.2f}, p99 {:.2f}x, server CPU per request {:.2f}x "
      "(the ratio is the cost of our session layer)\n",
      rps_ratio, p99_ratio, cpu_ratio);
  if (!out.ok) std::cout << "note: some answers were not 200 (see the status counts above)\n";
  return out;
}

struct ResultB {
  Summary quiet, attacked;
  double login_rate = 0;
  bool pass = false;
};

ResultB ScenarioB(const Options& o, const fs::path& dir, ssl::context& tls) {
  std::cout << fmt::format(
      "\n== Scenario B: GET /api/v1/session ({} probe connection(s)) while {} clients send wrong passwords "
      "({:g} s warm-up + {:g} s per phase)\n",
      o.probes, o.attackers, o.warmup_s, o.duration_s);
  Running r = StartServer(o, dir, tls, {"--login-ip-max-failures", std::to_string(o.login_ip_max_failures)});
  const auto& ep = r.endpoint;
  const Request probe = MakeRequest(bhttp::verb::get, "/api/v1/session", ep, r.cookie);
  const Request attack = MakeRequest(bhttp::verb::post, "/api/v1/session", ep, "",
                                     LoginBody(kAttackLogin, "wrong-password-" + RandomHex(4)));
  Expect(ep, attack, 401);

  ResultB out;
  PhaseResult quiet = RunPhase(ep, {{"probe", probe, o.probes}}, Seconds(o.warmup_s), Seconds(o.duration_s),
                               o.client_threads, *r.server);
  out.quiet = Summarize(quiet.groups[0], quiet.measured_s, quiet.server_cpu_s);
  PrintLine("session without attack", out.quiet, quiet.groups[0]);

  PhaseResult attacked = RunPhase(ep, {{"probe", probe, o.probes}, {"attack", attack, o.attackers}},
                                  Seconds(o.warmup_s), Seconds(o.duration_s), o.client_threads, *r.server);
  out.attacked = Summarize(attacked.groups[0], attacked.measured_s, 0);
  PrintLine("session under attack", out.attacked, attacked.groups[0]);
  Tally& attackers = attacked.groups[1];
  Summary logins = Summarize(attackers, attacked.measured_s, 0);
  out.login_rate = logins.rps;
  std::cout << fmt::format(
      "attackers: {:.1f} logins/s p50 {:.1f} ms p99 {:.1f} ms (401: {}, 503: {}, 429: {}, all: {}); "
      "server CPU {:.0f}% of one core\n",
      logins.rps, logins.p50_ms, logins.p99_ms, Count(attackers, 401), Count(attackers, 503),
      Count(attackers, 429), StatusCounts(attackers),
      100 * attacked.server_cpu_s / std::max(attacked.measured_s, 1e-9));
  StopServer(r);

  const bool probes_ok = AllOk(attacked.groups[0]);
  out.pass = probes_ok && out.attacked.requests > 0 && out.attacked.p99_ms < o.target_p99_ms;
  std::cout << fmt::format("p99 under attack {:.2f} ms (without attack {:.2f} ms), target < {:g} ms: {}{}\n",
                           out.attacked.p99_ms, out.quiet.p99_ms, o.target_p99_ms, out.pass ? "PASS" : "FAIL",
                           probes_ok ? "" : " (some probe answers were not 200)");
  return out;
}

struct ResultC {
  bool skipped = false;
  Summary on, off;          // over all rounds
  double cost_pct = 0;      // throughput lost to the history
  double cpu_cost_pct = 0;  // server CPU per request added by the history
  bool pass = false;
};

// Percentage by which `with` exceeds `without` (negative: below it).
double PercentAbove(double with, double without) {
  return without > 0 ? 100 * (with / without - 1) : 0;
}

ResultC ScenarioC(const Options& o, const fs::path& dir, ssl::context& tls) {
  std::cout << fmt::format(
      "\n== Scenario C: operation history cost, GET /api/v1/session with and without the history write "
      "({} keep-alive TLS connections, {} round(s) of both, {:g} s warm-up + {:g} s per server)\n",
      o.connections, o.rounds, o.warmup_s, o.duration_s);
  struct Mode {
    Tally tally;
    double measured_s = 0, server_cpu_s = 0;
    std::vector<double> rps;  // per round
    bool ok = true;
  };
  Mode modes[2];  // [0]: history on, [1]: history off
  ResultC out;
  for (int round = 1; round <= o.rounds; ++round) {
    // On then off in odd rounds, off then on in even ones, so a drift of the machine's speed
    // during the run weighs on both alike.
    for (int step = 0; step < 2; ++step) {
      const bool history = (round % 2 == 1) == (step == 0);
      const std::string name = history ? "on" : "off";
      EnvChanges env{{kDisableHistoryEnv, history ? std::nullopt : std::optional<std::string>("1")}};
      Running r =
          StartServer(o, dir / fmt::format("round{}-history-{}", round, name), tls, {}, std::move(env));
      const bool disabled = ReadFile(r.server->log_err()).find(kHistoryDisabledLog) != std::string::npos;
      if (history && disabled)
        throw std::runtime_error("the server logged \"" + std::string(kHistoryDisabledLog) +
                                 "\" although the benchmark did not ask it to");
      if (!history && !disabled) {
        StopServer(r);
        std::cout << fmt::format(
            "skipped: build with -DKANRI_TEST_HOOKS=ON (this kanri does not obey {}=1: no \"{}\" in its log, "
            "so there is no server without the history to compare with)\n",
            kDisableHistoryEnv, kHistoryDisabledLog);
        out.skipped = true;
        return out;
      }
      const auto& ep = r.endpoint;
      PhaseResult phase = RunPhase(
          ep, {{"session", MakeRequest(bhttp::verb::get, "/api/v1/session", ep, r.cookie), o.connections}},
          Seconds(o.warmup_s), Seconds(o.duration_s), o.client_threads, *r.server);
      StopServer(r);
      Tally& tally = phase.groups[0];
      Mode& m = modes[history ? 0 : 1];
      m.ok = m.ok && AllOk(tally);
      const Summary s = Summarize(tally, phase.measured_s, phase.server_cpu_s);
      m.rps.push_back(s.rps);
      PrintLine(fmt::format("round {} history {}", round, name), s, tally,
                fmt::format("; server CPU {:.0f} us/request, client CPU {:.1f} s",
                            s.server_cpu_us_per_request, phase.client_cpu_s));
      m.measured_s += phase.measured_s;
      m.server_cpu_s += phase.server_cpu_s;
      m.tally.Merge(std::move(tally));
    }
    const double on = modes[0].rps.back(), off = modes[1].rps.back();
    std::cout << fmt::format("round {}: the history costs {:.1f} % of the throughput\n", round,
                             off > 0 ? 100 * (1 - on / off) : 0);
  }
  out.on = Summarize(modes[0].tally, modes[0].measured_s, modes[0].server_cpu_s);
  out.off = Summarize(modes[1].tally, modes[1].measured_s, modes[1].server_cpu_s);
  PrintLine("all rounds, history on", out.on, modes[0].tally,
            fmt::format("; server CPU {:.0f} us/request", out.on.server_cpu_us_per_request));
  PrintLine("all rounds, history off", out.off, modes[1].tally,
            fmt::format("; server CPU {:.0f} us/request", out.off.server_cpu_us_per_request));
  const bool ok = modes[0].ok && modes[1].ok;
  out.cost_pct = out.off.rps > 0 ? 100 * (1 - out.on.rps / out.off.rps) : 0;
  out.cpu_cost_pct = PercentAbove(out.on.server_cpu_us_per_request, out.off.server_cpu_us_per_request);
  out.pass = ok && out.on.requests > 0 && out.off.requests > 0 && out.cost_pct < o.target_history_cost;
  std::cout << fmt::format(
      "history cost: throughput {:.0f} vs {:.0f} req/s = {:.1f} % lost, p99 {:.2f} vs {:.2f} ms ({:+.0f} %), "
      "server CPU {:.0f} vs {:.0f} us/request ({:+.0f} %); target < {:g} %: {}{}\n",
      out.on.rps, out.off.rps, out.cost_pct, out.on.p99_ms, out.off.p99_ms,
      PercentAbove(out.on.p99_ms, out.off.p99_ms), out.on.server_cpu_us_per_request,
      out.off.server_cpu_us_per_request, out.cpu_cost_pct, o.target_history_cost, out.pass ? "PASS" : "FAIL",
      ok ? "" : " (some answers were not 200)");
  return out;
}

int Run(const Options& o) {
  if (!fs::exists(o.kanri)) throw std::runtime_error("no kanri binary at " + o.kanri + " (use --kanri)");
  ssl::context tls = ClientTls();
  TempDir temp("kanri-bench", o.keep_data);
  const std::string load = LoadAverage();
  std::cout << fmt::format(
      "kanri_session_bench: {} ({} CPU cores on this machine, client and server share them; "
      "1-minute load average before the run: {})\n",
      o.kanri, std::thread::hardware_concurrency(), load);
  std::optional<ResultA> a;
  std::optional<ResultB> b;
  std::optional<ResultC> c;
  const bool all = o.scenario == "all";
  if (all || o.scenario == "a") a = ScenarioA(o, temp.path() / "a", tls);
  if (all || o.scenario == "b") b = ScenarioB(o, temp.path() / "b", tls);
  if (all || o.scenario == "c") c = ScenarioC(o, temp.path() / "c", tls);

  std::cout << "\n== Summary\n";
  if (a) {
    std::cout << fmt::format(
        "session layer: GET /api/v1/session {:.0f} req/s p99 {:.2f} ms vs GET /healthz {:.0f} req/s p99 "
        "{:.2f} ms: "
        "{:.2f}x the throughput, {:.2f}x the p99, {:.2f}x the server CPU per request\n",
        a->session.rps, a->session.p99_ms, a->healthz.rps, a->healthz.p99_ms,
        a->healthz.rps > 0 ? a->session.rps / a->healthz.rps : 0,
        a->healthz.p99_ms > 0 ? a->session.p99_ms / a->healthz.p99_ms : 0,
        a->healthz.server_cpu_us_per_request > 0
            ? a->session.server_cpu_us_per_request / a->healthz.server_cpu_us_per_request
            : 0);
  }
  if (b) {
    std::cout << fmt::format(
        "login flood: {} attackers at {:.1f} wrong logins/s; GET /api/v1/session p99 {:.2f} ms under attack "
        "(no attack {:.2f} ms), target < {:g} ms: {}\n",
        o.attackers, b->login_rate, b->attacked.p99_ms, b->quiet.p99_ms, o.target_p99_ms,
        b->pass ? "PASS" : "FAIL");
  }
  if (c && c->skipped) std::cout << "operation history: skipped: build with -DKANRI_TEST_HOOKS=ON\n";
  if (c && !c->skipped) {
    std::cout << fmt::format(
        "operation history: GET /api/v1/session {:.0f} req/s with the history vs {:.0f} req/s without "
        "({} round(s)): {:.1f} % of the throughput, {:+.0f} % server CPU per request, target < {:g} %: {}\n",
        c->on.rps, c->off.rps, o.rounds, c->cost_pct, c->cpu_cost_pct, o.target_history_cost,
        c->pass ? "PASS" : "FAIL");
  }
  return 0;
}

}  // namespace
}  // namespace kanri::bench

int main(int argc, char** argv) {
  using kanri::bench::Options;
  Options o;
  CLI::App app{
      "Kanri benchmarks of issues 2 and 3: session layer cost, login floods and the operation history's cost "
      "(see bench/README.md)"};
  app.add_option("--kanri", o.kanri, "The kanri binary to start")->capture_default_str();
  app.add_option("--duration", o.duration_s,
                 "Measured seconds per route (A), per phase (B) and per server (C)")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "Unmeasured seconds before each measurement")
      ->check(CLI::Range(0.0, 120.0))
      ->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive connections in scenarios A and C")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--attackers", o.attackers, "Clients sending wrong passwords in scenario B")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--probes", o.probes, "Connections measuring GET /api/v1/session in scenario B")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--client-threads", o.client_threads, "Threads running the client's connections")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--target-p99-ms", o.target_p99_ms, "Scenario B target for the p99 under attack")
      ->capture_default_str();
  app.add_option("--login-ip-max-failures", o.login_ip_max_failures,
                 "Passed to the scenario B server so its per-address throttle does not stop the attackers")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--rounds", o.rounds,
                 "Scenario C: rounds of one server with the history and one without (order alternating)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_option("--target-history-cost", o.target_history_cost,
                 "Scenario C target: the largest share of the throughput the history may cost, in %")
      ->capture_default_str();
  app.add_option("--scenario", o.scenario, "all, a, b or c")
      ->check(CLI::IsMember({"all", "a", "b", "c"}))
      ->capture_default_str();
  app.add_option("--server-arg", o.server_args,
                 "Extra argument for kanri serve (repeat, e.g. --server-arg=--io-threads=4)")
      ->allow_extra_args(false);
  app.add_flag("--keep-data-dir", o.keep_data, "Keep the temporary data directories and server logs");
  app.add_flag("--breakdown", o.breakdown,
               "Scenario A: also measure GET /api/v1/session with X-Kanri-Background: 1 (no session write)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  signal(SIGPIPE, SIG_IGN);
  try {
    return kanri::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "kanri_session_bench: error: " << e.what() << "\n";
    return 1;
  }
}
