// One simulated CPE on the network: see cpe.h.
#include "sim/cpe.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "base/cleanup.h"
#include "base/log.h"
#include "http/digest.h"
#include "sim/firmware.h"

namespace kanri::sim {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kUserAgent = "kanri-sim/1.0 (TR-069 CPE simulator)";
constexpr std::string_view kSupportedVersions = "1.0,1.1,1.2,1.3,1.4";
// TR-069 3.2.1.1: the wait interval stops growing after the tenth retry.
constexpr std::uint32_t kMaxRetryExponent = 10;

thread_local std::mt19937_64 g_random{std::random_device{}()};

std::chrono::milliseconds RandomUpTo(std::chrono::milliseconds limit) {
  if (limit.count() <= 0) return std::chrono::milliseconds{0};
  return std::chrono::milliseconds{std::uniform_int_distribution<std::int64_t>(0, limit.count())(g_random)};
}

std::string Trimmed(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return std::string(s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1));
}

std::vector<std::string> HeaderValues(const HttpResponse& response, bhttp::field name) {
  std::vector<std::string> values;
  for (auto [it, end] = response.equal_range(name); it != end; ++it) values.emplace_back(it->value());
  return values;
}

// A URL as it may be logged: without its query, which may hold a token.
std::string_view WithoutQuery(std::string_view url) {
  return url.substr(0, url.find('?'));
}

}  // namespace

// The credentials of one session, and how the ACS asked for them.
struct Cpe::SessionAuth {
  std::string username;
  std::string password;
  std::optional<http::DigestClient> digest;
  std::optional<std::string> basic;
};

// The cookies the ACS set during this session (name -> value); attributes are not needed for
// a single origin and a single session.
class Cpe::CookieJar {
 public:
  void Absorb(const HttpResponse& response) {
    for (const std::string& header : HeaderValues(response, bhttp::field::set_cookie)) {
      const std::string_view value = header;
      const std::string_view pair = value.substr(0, value.find(';'));
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0) continue;
      const std::string name = Trimmed(pair.substr(0, eq));
      std::string cookie_value = Trimmed(pair.substr(eq + 1));
      const bool expired = value.find("Max-Age=0") != std::string_view::npos;
      if (expired) {
        cookies_.erase(name);
      } else {
        cookies_[name] = std::move(cookie_value);
      }
    }
  }
  std::string Header() const {
    std::string header;
    for (const auto& [name, value] : cookies_) {
      if (!header.empty()) header += "; ";
      header += name + "=" + value;
    }
    return header;
  }

 private:
  std::map<std::string, std::string> cookies_;
};

Cpe::Cpe(asio::io_context& io, const FleetSettings& fleet, CpeAgent agent)
    : strand_(asio::make_strand(io)),
      fleet_(fleet),
      clock_(fleet.clock ? *fleet.clock : system_clock_),
      agent_(std::move(agent)),
      serial_(agent_.Value(Param::kSerialNumber)),
      wake_(strand_) {
  if (fleet.remote_access_tls) {
    remote_access_ = std::make_shared<RemoteAccessServer>(strand_, *fleet.remote_access_tls,
                                                          fleet.remote_access_address, fleet.remote_access);
  }
  PublishCredentials();
}

std::filesystem::path Cpe::StateFile(const std::filesystem::path& dir, const std::string& serial) {
  return dir / (serial + ".json");
}

void Cpe::Start() {
  running_ = true;
  asio::co_spawn(strand_, Run(), [self = shared_from_this()](std::exception_ptr error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "device failed",
            {{"serial", self->serial_}, {"error", std::string_view(e.what())}});
      }
    }
    self->running_ = false;
  });
}

void Cpe::Stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->wake_.cancel();
    if (self->active_client_) self->active_client_->Cancel();
  });
}

ConnectionRequestTarget::Credentials Cpe::ConnectionRequestCredentials() const {
  std::lock_guard lock(credentials_mutex_);
  return connection_request_credentials_;
}

void Cpe::RequestConnection() {
  asio::post(strand_, [self = shared_from_this()] {
    self->connection_requested_ = true;
    self->wake_.cancel();
  });
}

void Cpe::PublishCredentials() {
  Credentials credentials{agent_.Value(Param::kConnectionRequestUsername),
                          agent_.Value(Param::kConnectionRequestPassword)};
  std::lock_guard lock(credentials_mutex_);
  connection_request_credentials_ = std::move(credentials);
}

void Cpe::ApplyRemoteAccess() {
  if (remote_access_) remote_access_->Apply(RemoteAccessConfigOf(agent_.kind(), agent_.model()));
}

void Cpe::Persist() {
  if (fleet_.state_dir.empty() || !agent_.dirty()) return;
  const std::filesystem::path file = StateFile(fleet_.state_dir, serial_);
  const std::filesystem::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << agent_.SaveState();
    if (!out) {
      Log(LogLevel::kError, "state not saved", {{"serial", serial_}, {"file", file.string()}});
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);  // atomic: a crash leaves the old or the new state
  if (ec) Log(LogLevel::kError, "state not saved", {{"serial", serial_}, {"error", ec.message()}});
  agent_.ClearDirty();
}

std::chrono::seconds Cpe::PeriodicInterval() const {
  const std::string text = agent_.Value(Param::kPeriodicInformInterval);
  std::uint32_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  return std::chrono::seconds{ec == std::errc{} && seconds > 0 ? seconds : 300};
}

// TR-069 3.2.1.1: after the n-th failed session wait between m*(k/1000)^(n-1) and m*(k/1000)^n
// seconds, m = CWMPRetryMinimumWaitInterval, k = CWMPRetryIntervalMultiplier.
SteadyClock::duration Cpe::RetryWait() const {
  const auto number = [&](const std::string& name, double fallback) {
    const std::string text = agent_.model().Value(agent_.model().root() + "ManagementServer." + name);
    return text.empty() ? fallback : std::strtod(text.c_str(), nullptr);
  };
  const double m = number("CWMPRetryMinimumWaitInterval", 5);
  const double k = number("CWMPRetryIntervalMultiplier", 2000) / 1000.0;
  const std::uint32_t n = std::min(std::max<std::uint32_t>(retry_count_, 1), kMaxRetryExponent);
  const double low = m * std::pow(k, n - 1);
  const double high = m * std::pow(k, n);
  const double seconds = std::uniform_real_distribution<double>(low, high)(g_random);
  const auto wait = std::chrono::milliseconds{static_cast<std::int64_t>(seconds * 1000)};
  return std::min<SteadyClock::duration>(wait, fleet_.max_retry_wait);
}

asio::awaitable<void> Cpe::Sleep(SteadyClock::duration duration) {
  // A stop or connection request that came while the device was busy cuts the sleep short too.
  if (stopping_ || connection_requested_) co_return;
  wake_.expires_after(duration);
  auto [ec] = co_await wake_.async_wait(kTuple);
  (void)ec;  // cancelled: stop or a connection request
}

asio::awaitable<void> Cpe::Run() {
  // The web interface is up from power-on (a saved state may have it enabled) until the end.
  ApplyRemoteAccess();
  Cleanup close_remote_access{[this] {
    if (remote_access_) remote_access_->Close();
  }};
  co_await Sleep(RandomUpTo(fleet_.ramp_up));
  std::chrono::seconds interval = PeriodicInterval();
  SteadyClock::time_point next_periodic = SteadyClock::now() + interval;
  while (!stopping_) {
    const bool periodic_enabled = agent_.Value(Param::kPeriodicInformEnable) == "true" ||
                                  agent_.Value(Param::kPeriodicInformEnable) == "1";
    if (!agent_.HasPendingEvents() && !connection_requested_) {
      co_await Sleep(periodic_enabled ? next_periodic - SteadyClock::now() : std::chrono::hours{24});
      if (stopping_) break;
    }
    if (connection_requested_) {
      connection_requested_ = false;
      agent_.QueueEvent("6 CONNECTION REQUEST");
    }
    if (periodic_enabled && SteadyClock::now() >= next_periodic) {
      agent_.QueueEvent("2 PERIODIC");
      while (next_periodic <= SteadyClock::now()) next_periodic += interval;
    }
    if (!agent_.HasPendingEvents()) continue;

    const SessionOutcome outcome = co_await RunSession();
    if (stopping_) break;
    PublishCredentials();
    SteadyClock::duration retry_wait{};
    if (outcome.ok) {
      retry_count_ = 0;
    } else {
      ++retry_count_;
      retry_wait = RetryWait();
      const auto wait = retry_wait;
      const auto wait_s = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
      if (outcome.auth_refused) {
        Log(LogLevel::kWarn, "auth refused",
            {{"serial", serial_},
             {"retry", std::int64_t{retry_count_}},
             {"retry_in_s", std::int64_t{wait_s}}});
      } else {
        Log(LogLevel::kWarn, "session failed",
            {{"serial", serial_},
             {"error", outcome.error},
             {"retry", std::int64_t{retry_count_}},
             {"retry_in_s", std::int64_t{wait_s}}});
      }
    }
    if (const std::chrono::seconds now_interval = PeriodicInterval(); now_interval != interval) {
      interval = now_interval;  // a new PeriodicInformInterval counts from now
      next_periodic = SteadyClock::now() + interval;
    }
    // Locals, not temporaries, in co_await expressions: GCC 12 mishandles the latter's lifetime.
    AfterSessionActions actions = agent_.TakeAfterSessionActions();
    co_await AfterSession(std::move(actions));
    ApplyRemoteAccess();  // a factory reset turns it off
    Persist();
    if (!outcome.ok) co_await Sleep(retry_wait);
  }
  Persist();
}

asio::awaitable<Result<HttpResponse>> Cpe::Post(HttpClient& client, SessionAuth& auth, CookieJar& cookies,
                                                const std::string& body, bool soap_request) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest request{bhttp::verb::post, client.origin().target, 11};
    request.set(bhttp::field::user_agent, kUserAgent);
    request.keep_alive(true);
    if (!body.empty()) {
      request.set(bhttp::field::content_type, "text/xml; charset=\"utf-8\"");
      request.body() = body;
    }
    // TR-069 3.4.1: a CPE's request carries SOAPAction (empty is allowed); responses and the
    // empty POST carry none.
    if (soap_request) request.set("SOAPAction", "");
    if (const std::string cookie = cookies.Header(); !cookie.empty())
      request.set(bhttp::field::cookie, cookie);
    if (auth.digest) {
      request.set(bhttp::field::authorization, auth.digest->Authorization("POST", client.origin().target));
    } else if (auth.basic) {
      request.set(bhttp::field::authorization, *auth.basic);
    }
    Result<HttpResponse> response = co_await client.Send(std::move(request));
    if (!response) co_return response;
    cookies.Absorb(*response);
    if (response->result() != bhttp::status::unauthorized || attempt > 0) co_return response;

    const std::vector<http::AuthChallenge> challenges =
        http::ParseAuthChallenges(HeaderValues(*response, bhttp::field::www_authenticate));
    const bool stale = std::any_of(challenges.begin(), challenges.end(), [](const http::AuthChallenge& c) {
      const auto s = c.Param("stale");
      return c.scheme == "digest" && s && (*s == "true" || *s == "TRUE");
    });
    // Credentials already sent and refused (not a stale nonce): the ACS does not want us.
    if ((auth.digest || auth.basic) && !stale) co_return response;
    auto answer = http::AnswerChallenges(challenges, auth.username, auth.password);
    if (!answer || (!answer->digest && !answer->basic)) co_return response;
    auth.digest = std::move(answer->digest);
    auth.basic = std::move(answer->basic);
    if (auth.digest) auth.basic.reset();
  }
}

asio::awaitable<Cpe::SessionOutcome> Cpe::RunSession() {
  const std::string url = agent_.Value(Param::kAcsUrl);
  auto origin = ParseHttpUrl(url);
  if (!origin) co_return SessionOutcome{.error = origin.error().message};
  const SteadyClock::time_point started = SteadyClock::now();
  HttpClient client(strand_, origin->tls ? fleet_.tls : nullptr, *origin, fleet_.http, &tls_session_);
  active_client_ = &client;
  Cleanup clear_active{[this] { active_client_ = nullptr; }};

  SessionAuth auth{agent_.Value(Param::kAcsUsername), agent_.Value(Param::kAcsPassword), {}, {}};
  // Pre-emptive Basic only where the password cannot be read on the way (TLS).
  if (origin->tls && !auth.username.empty())
    auth.basic = http::BasicAuthorization(auth.username, auth.password);
  CookieJar cookies;
  const auto fail = [&](std::string error) { return SessionOutcome{.error = std::move(error)}; };
  const auto decode = [&](const HttpResponse& response) {
    return DecodeAcsEnvelope(response.body(), fleet_.decode_limits);
  };

  // 1. Inform.
  const std::vector<std::string> events = agent_.PendingEventCodes();
  const CpeHeader inform_header{
      .id = std::to_string(++session_id_),
      .supported_cwmp_versions = fleet_.send_supported_cwmp_versions
                                     ? std::optional<std::string>(kSupportedVersions)
                                     : std::nullopt};
  const std::string inform_body = EncodeInform(inform_header, agent_.MakeInform(Now(), retry_count_));
  Result<HttpResponse> reply = co_await Post(client, auth, cookies, inform_body, /*soap_request=*/true);
  if (!reply) co_return fail(reply.error().message);
  if (reply->result() == bhttp::status::unauthorized) co_return SessionOutcome{.auth_refused = true};
  if (reply->result() != bhttp::status::ok) {
    co_return fail("Inform answered with HTTP " + std::to_string(reply->result_int()));
  }
  auto inform_response = decode(*reply);
  if (!inform_response) co_return fail("Inform answered with bad SOAP: " + inform_response.error().message);
  if (const auto* fault = std::get_if<AcsFault>(&inform_response->message)) {
    co_return fail("Inform answered with fault " + std::to_string(fault->fault_code) + " " +
                   fault->fault_string);
  }
  if (!std::holds_alternative<InformResponse>(inform_response->message)) {
    co_return fail("Inform answered with " + MessageName(inform_response->message));
  }
  agent_.InformAccepted();

  // 2. TransferComplete, when a transfer is still to be reported: the CPE's one request. The
  // ACS may hold it back (the HoldRequests header true in its last message); it is then
  // sent once the ACS has nothing more to ask.
  const bool held = inform_response->hold_requests;
  bool transfer_reported = false;
  const auto report_transfer = [&]() -> asio::awaitable<std::optional<SessionOutcome>> {
    transfer_reported = true;
    const cwmp::TransferComplete report = *agent_.pending_transfer();
    const std::string transfer_body = EncodeTransferComplete({.id = std::to_string(++session_id_)}, report);
    reply = co_await Post(client, auth, cookies, transfer_body, /*soap_request=*/true);
    if (!reply) co_return fail(reply.error().message);
    auto answer = decode(*reply);
    if (reply->result() != bhttp::status::ok || !answer ||
        !std::holds_alternative<TransferCompleteResponse>(answer->message)) {
      co_return fail("TransferComplete not acknowledged (HTTP " + std::to_string(reply->result_int()) + ")");
    }
    agent_.TransferCompleteAccepted();
    Log(LogLevel::kInfo, "transfer complete",
        {{"serial", serial_},
         {"command_key", report.command_key},
         {"fault_code", std::int64_t{report.fault.fault_code}}});
    co_return std::nullopt;
  };
  if (agent_.pending_transfer() && !held) {
    if (auto failed = co_await report_transfer()) co_return *failed;
  }

  // 3. Empty POST, then the ACS's requests until it answers 204 (or an empty 200).
  std::string body;
  std::vector<std::string> methods;
  for (std::size_t n = 0;; ++n) {
    if (n >= fleet_.max_messages_per_session) co_return fail("too many messages in one session");
    reply = co_await Post(client, auth, cookies, body, /*soap_request=*/false);
    if (!reply) co_return fail(reply.error().message);
    if (reply->result() == bhttp::status::no_content ||
        (reply->result() == bhttp::status::ok && Trimmed(reply->body()).empty())) {
      // The ACS has nothing more; a request it held back goes now, then the session ends.
      if (agent_.pending_transfer() && !transfer_reported) {
        if (auto failed = co_await report_transfer()) co_return *failed;
        body.clear();
        continue;
      }
      break;
    }
    if (reply->result() == bhttp::status::unauthorized) co_return SessionOutcome{.auth_refused = true};
    if (reply->result() != bhttp::status::ok) co_return fail("HTTP " + std::to_string(reply->result_int()));
    auto request = decode(*reply);
    if (!request) co_return fail("bad SOAP from the ACS: " + request.error().message);
    if (const auto* fault = std::get_if<AcsFault>(&request->message)) {
      co_return fail("ACS fault " + std::to_string(fault->fault_code) + " " + fault->fault_string);
    }
    CpeAgent::Answer answer = agent_.Respond(*request, Now());
    ApplyRemoteAccess();  // before the answer goes: the ACS may open the page as soon as it has it
    methods.push_back(answer.method);
    Log(LogLevel::kInfo, "rpc",
        {{"serial", serial_},
         {"method", answer.method},
         {"fault_code", std::int64_t{answer.fault_code}},
         {"names", answer.names}});
    body = std::move(answer.body);
  }
  co_await client.Shutdown();
  Log(LogLevel::kInfo, "session done",
      {{"serial", serial_},
       {"events", events},
       {"rpcs", methods},
       {"ms",
        std::int64_t{
            std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count()}}});
  co_return SessionOutcome{.ok = true};
}

asio::awaitable<void> Cpe::AfterSession(AfterSessionActions actions) {
  if (stopping_) co_return;
  if (actions.factory_reset) {
    co_await Sleep(fleet_.reboot_delay);
    agent_.FactoryReset(Now());
    tls_session_.session.reset();
    Log(LogLevel::kInfo, "factory reset", {{"serial", serial_}});
    co_return;
  }
  if (actions.download) co_await PerformDownload(*actions.download);
  if (actions.reboot_command_key && !stopping_) {
    co_await Sleep(fleet_.reboot_delay);
    agent_.Reboot(Now(), *actions.reboot_command_key);
    tls_session_.session.reset();  // a reboot forgets TLS sessions
    Log(LogLevel::kInfo, "reboot", {{"serial", serial_}, {"command_key", *actions.reboot_command_key}});
  }
}

asio::awaitable<void> Cpe::PerformDownload(const Download& request) {
  const Timestamp start = Now();
  if (request.delay_seconds > 0) co_await Sleep(std::chrono::seconds{request.delay_seconds});
  if (stopping_) co_return;
  cwmp::FaultStruct fault;
  std::string version;
  std::int64_t bytes = 0;
  const auto failed = [&](int code, std::string message) { fault = {code, std::move(message)}; };

  auto origin = ParseHttpUrl(request.url);
  if (!origin) {
    failed(static_cast<int>(CpeFaultCode::kDownloadFailure), origin.error().message);
  } else {
    HttpClientSettings settings = fleet_.http;
    settings.max_response_bytes = fleet_.max_firmware_bytes;
    HttpClient client(strand_, origin->tls ? fleet_.tls : nullptr, *origin, settings);
    active_client_ = &client;
    std::optional<http::DigestClient> digest;
    std::optional<std::string> basic;
    if (origin->tls && !request.username.empty())
      basic = http::BasicAuthorization(request.username, request.password);
    Result<HttpResponse> response = Error{ErrorCode::kInternal, "not sent", {}};
    for (int attempt = 0; attempt < 2; ++attempt) {
      HttpRequest get{bhttp::verb::get, origin->target, 11};
      get.set(bhttp::field::user_agent, kUserAgent);
      if (digest) {
        get.set(bhttp::field::authorization, digest->Authorization("GET", origin->target));
      } else if (basic) {
        get.set(bhttp::field::authorization, *basic);
      }
      response = co_await client.Send(std::move(get));
      if (!response || response->result() != bhttp::status::unauthorized || request.username.empty()) break;
      auto answer = http::AnswerChallenges(
          http::ParseAuthChallenges(HeaderValues(*response, bhttp::field::www_authenticate)),
          request.username, request.password);
      if (!answer || (!answer->digest && !answer->basic)) break;
      digest = std::move(answer->digest);
      basic = std::move(answer->basic);
    }
    co_await client.Shutdown();
    active_client_ = nullptr;
    if (!response) {
      failed(static_cast<int>(CpeFaultCode::kDownloadFailure), response.error().message);
    } else if (response->result() != bhttp::status::ok) {
      failed(static_cast<int>(CpeFaultCode::kDownloadFailure),
             "the file server answered HTTP " + std::to_string(response->result_int()));
    } else if (auto image = ParseFirmwareImage(response->body())) {
      version = image->version;
      bytes = static_cast<std::int64_t>(response->body().size());
    } else {
      bytes = static_cast<std::int64_t>(response->body().size());
      failed(static_cast<int>(CpeFaultCode::kFileCorrupted), "not a firmware image for this device");
    }
  }
  if (stopping_) co_return;
  Log(fault.fault_code == 0 ? LogLevel::kInfo : LogLevel::kWarn, "download",
      {{"serial", serial_},
       {"url", WithoutQuery(request.url)},
       {"command_key", request.command_key},
       {"fault_code", std::int64_t{fault.fault_code}},
       {"bytes", bytes},
       {"version", version}});
  if (fault.fault_code == 0) {
    co_await Sleep(fleet_.reboot_delay);  // installing and rebooting
    tls_session_.session.reset();
  }
  agent_.DownloadFinished(request, fault, version, start, Now());
}

}  // namespace kanri::sim
