#include "cwmp/session_engine.h"

#include <boost/json.hpp>

#include "audit/history_writer.h"
#include "base/cleanup.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/text.h"

namespace kanri::cwmp {

namespace asio = boost::asio;
namespace json = boost::json;
using devices::Task;
using devices::TaskOutcome;
using devices::TaskState;

struct SessionEngine::Session {
  std::string cookie;
  std::uint64_t connection_id = 0;
  DeviceId device;
  CompanyId company;
  std::string serial;
  std::string host;                   // as the CPE addressed us: file URLs use it
  HeaderOut header;                   // version and UseCWMPVersion of this session
  std::optional<PendingRpc> pending;  // the task whose RPC awaits the CPE's response
  bool ran_tasks = false;
  bool maybe_tasks = true;  // false: nothing was queued at the Inform
  bool busy = false;
  Timestamp last_seen;
};

namespace {

// Metrics (--listen-metrics): Informs by what admission decided, tasks by outcome and the
// devices' fault codes (9000–9899 as sent, anything else "other", so a device cannot grow the
// set of series), and messages that could not be decoded.
metrics::Family<metrics::Counter>& Informs() {
  static auto& f =
      metrics::Default().Counter("kanri_cwmp_informs_total", "Informs by admission outcome", {"outcome"});
  return f;
}
metrics::Family<metrics::Counter>& TaskResults() {
  static auto& f = metrics::Default().Counter(
      "kanri_cwmp_task_results_total", "Tasks ended in a CWMP session, by type and state", {"type", "state"});
  return f;
}
metrics::Family<metrics::Counter>& Faults() {
  static auto& f = metrics::Default().Counter("kanri_cwmp_faults_total",
                                              "CPE faults answered to tasks, by code", {"code"});
  return f;
}
metrics::Counter& UndecodableMessages() {
  static auto& c = metrics::Default()
                       .Counter("kanri_cwmp_undecodable_total", "CWMP messages that could not be decoded")
                       .With({});
  return c;
}

constexpr std::array<std::string_view, 4> kAcsMethods{"Inform", "GetRPCMethods", "TransferComplete",
                                                      "AutonomousTransferComplete"};

std::string VersionText(CwmpVersion v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

http::HttpResponse SoapFault(const HeaderOut& header, int status, AcsFaultCode code, std::string_view text) {
  http::HttpResponse r;
  r.status = status;
  r.content_type = "text/xml; charset=utf-8";
  r.body = EncodeFault(header, code, text);
  return r;
}

devices::InformFacts FactsOf(const Inform& inform, const std::string& client_ip) {
  devices::InformFacts facts{inform.device_id.oui,
                             inform.device_id.product_class,
                             inform.device_id.serial_number,
                             inform.device_id.manufacturer,
                             {},
                             {},
                             client_ip};
  for (const auto& e : inform.events) facts.events.push_back({e.event_code, e.command_key});
  for (const auto& p : inform.parameters) {
    const bool secret = devices::IsSecretParameter(p.name);
    facts.parameters.push_back({p.name, secret ? "" : p.value, p.type, std::nullopt, secret});
  }
  return facts;
}

}  // namespace

std::optional<CwmpVersion> NegotiateVersion(std::string_view supported) {
  std::optional<CwmpVersion> best;
  while (!supported.empty()) {
    const auto comma = supported.find(',');
    std::string_view part = Trim(supported.substr(0, comma));
    supported = comma == std::string_view::npos ? std::string_view{} : supported.substr(comma + 1);
    if (part.size() != 3 || part[1] != '.' || part[0] != '1' || part[2] < '0' || part[2] > '9') continue;
    CwmpVersion v{1, part[2] - '0'};
    if (v.minor > 4) continue;
    if (!best || v.minor > best->minor) best = v;
  }
  return best;
}

SessionEngine::SessionEngine(DeviceServices devices, db::WorkerPool& db, const Clock& clock,
                             HistorySink history, EngineSettings settings,
                             std::optional<http::DigestAuthenticator> digest)
    : devices_(devices),
      db_(db),
      clock_(clock),
      history_(std::move(history)),
      settings_(std::move(settings)),
      digest_(std::move(digest)) {}

SessionEngine::~SessionEngine() = default;

std::size_t SessionEngine::active_sessions() const {
  std::lock_guard lock(mu_);
  return by_connection_.size();
}

http::HttpResponse SessionEngine::Soap(const Session& session, std::string body) const {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "text/xml; charset=utf-8";
  r.body = std::move(body);
  r.SetHeader("Set-Cookie", settings_.cookie + "=" + session.cookie + "; Path=/; HttpOnly" +
                                (settings_.insecure_http ? "" : "; Secure"));
  return r;
}

http::HttpResponse SessionEngine::Challenge(bool stale) const {
  http::HttpResponse r;
  r.status = 401;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Authentication required.\n";
  if (digest_)
    r.SetHeader("WWW-Authenticate", digest_->Challenge(clock_.Now(), stale));
  else
    r.SetHeader("WWW-Authenticate", "Basic realm=\"" + settings_.realm + "\", charset=\"UTF-8\"");
  return r;
}

std::optional<std::uint64_t> SessionEngine::BodyLimitFor(const http::HttpRequest& head) const {
  const auto cookie = head.Cookie(settings_.cookie);
  std::lock_guard lock(mu_);
  if (cookie && by_cookie_.contains(*cookie)) return std::nullopt;
  if (by_connection_.contains(head.connection_id)) return std::nullopt;
  return settings_.max_unauthenticated_body_bytes;
}

SessionEngine::SessionPtr SessionEngine::Find(const http::HttpRequest& request) {
  std::lock_guard lock(mu_);
  if (auto cookie = request.Cookie(settings_.cookie)) {
    if (auto it = by_cookie_.find(*cookie); it != by_cookie_.end()) {
      // The CPE may have reconnected: the session follows it to the new connection.
      auto session = it->second;
      if (session->connection_id != request.connection_id) {
        by_connection_.erase(session->connection_id);
        session->connection_id = request.connection_id;
        by_connection_[request.connection_id] = session;
      }
      return session;
    }
  }
  if (auto it = by_connection_.find(request.connection_id); it != by_connection_.end()) return it->second;
  return nullptr;
}

void SessionEngine::Forget(const SessionPtr& session) {
  std::lock_guard lock(mu_);
  if (auto it = by_cookie_.find(session->cookie); it != by_cookie_.end() && it->second == session)
    by_cookie_.erase(it);
  if (auto it = by_connection_.find(session->connection_id);
      it != by_connection_.end() && it->second == session)
    by_connection_.erase(it);
}

void SessionEngine::ConnectionClosed(std::uint64_t connection_id) {
  std::lock_guard lock(mu_);
  auto it = by_connection_.find(connection_id);
  if (it == by_connection_.end()) return;
  // A session with a pending RPC may continue on a new connection with its cookie; the idle
  // sweep ends it otherwise. One without is over.
  if (!it->second->pending) by_cookie_.erase(it->second->cookie);
  by_connection_.erase(it);
}

asio::awaitable<void> SessionEngine::SweepIdleSessions() {
  const Timestamp now = clock_.Now();
  std::vector<SessionPtr> idle;
  {
    std::lock_guard lock(mu_);
    for (auto it = by_cookie_.begin(); it != by_cookie_.end();) {
      if (!it->second->busy && now - it->second->last_seen >= settings_.session_idle) {
        idle.push_back(it->second);
        by_connection_.erase(it->second->connection_id);
        it = by_cookie_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& s : idle) co_await Interrupt(*s, "The device did not answer.", "timeout");
}

asio::awaitable<void> SessionEngine::Interrupt(Session& session, std::string message, std::string error) {
  if (!session.pending) co_return;
  const TaskId task = session.pending->task.id;
  session.pending.reset();
  auto stored = co_await db_.Run([&] { return devices_.tasks.Interrupt(task, message, error); });
  if (stored) co_await RecordTask(*stored, session.serial);
}

asio::awaitable<void> SessionEngine::ExpireTasks() {
  auto expired = co_await db_.Run([&] { return devices_.tasks.ExpireTasks(); });
  for (const auto& task : expired) co_await RecordTask(task, "");
}

asio::awaitable<void> SessionEngine::Record(audit::OperationRecord record) {
  if (!history_) co_return;
  record.time = clock_.Now();
  co_await history_(std::move(record));
}

asio::awaitable<void> SessionEngine::RecordTask(const Task& task, const std::string& serial) {
  audit::OperationRecord r;
  r.company = task.company_id;
  r.actor_login = serial.empty() ? "kanri" : "device:" + serial;
  r.action = "tasks.result";
  r.target_type = "task";
  r.target_id = task.id.value();
  r.outcome = task.state == TaskState::kDone ? audit::Outcome::kSuccess : audit::Outcome::kFailed;
  if (task.fault_code)
    r.error_code = "cpe_fault_" + std::to_string(*task.fault_code);
  else if (task.state != TaskState::kDone)
    r.error_code = task.error.empty() ? "failed" : task.error;
  json::object details{{"device_id", task.device_id.value()},
                       {"serial_number", serial},
                       {"type", devices::ToString(task.type())},
                       {"state", devices::ToString(task.state)},
                       {"internal", task.internal}};
  // DEV-8: a failed attempt that will be tried again is recorded as failed, with when.
  if (task.retry_at) {
    details["attempt"] = task.attempt - 1;
    details["retry_at"] = FormatUtc(*task.retry_at);
  }
  TaskResults()
      .With({std::string(devices::ToString(task.type())), std::string(devices::ToString(task.state))})
      .Inc();
  if (task.fault_code)
    Faults()
        .With({*task.fault_code >= 9000 && *task.fault_code <= 9899 ? std::to_string(*task.fault_code)
                                                                    : "other"})
        .Inc();
  if (task.fault_code) {
    details["fault_code"] = *task.fault_code;
    details["fault_meaning"] = CwmpFaultMeaning(*task.fault_code);
  }
  r.details = json::serialize(details);
  co_await Record(std::move(r));
}

asio::awaitable<http::HttpResponse> SessionEngine::Handle(const http::HttpRequest& request) {
  if (request.method != "POST") {
    http::HttpResponse r = http::ProblemResponse(
        {405, "method_not_allowed", "", "The CWMP endpoint takes a CPE's POST requests only.", ""});
    r.SetHeader("Allow", "POST");
    co_return r;
  }
  // One boundary for every failure below: the device is told to come back later (it retries
  // its session), never left with a dropped connection. A task whose RPC was in flight is
  // settled at the device's next Inform (interrupted).
  try {
    co_return co_await Dispatch(request);
  } catch (const audit::HistoryUnavailable& e) {
    // SEC-6: nothing a device does goes unrecorded.
    LogError("cwmp: a session record was not stored", {{"ip", request.client_ip}, {"error", e.what()}});
  } catch (const db::PoolOverloaded& e) {
    LogWarn("cwmp: the database pool is full", {{"ip", request.client_ip}});
  } catch (const std::exception& e) {
    LogError("cwmp: a message could not be handled", {{"ip", request.client_ip}, {"error", e.what()}});
  }
  co_return http::RetryLater(settings_.retry_after, /*close=*/true);
}

asio::awaitable<http::HttpResponse> SessionEngine::Dispatch(const http::HttpRequest& request) {
  auto decoded = DecodeEnvelope(request.body, settings_.limits);
  SessionPtr session = Find(request);
  if (!decoded) co_return co_await Undecodable(request, session, decoded.error());
  const Envelope& envelope = *decoded;
  if (const auto* inform = std::get_if<Inform>(&envelope.rpc)) {
    if (session) {
      // A new Inform starts a new session (the CPE gave up on the old one).
      Forget(session);
      co_await Interrupt(*session, "The device started a new session instead of answering.", "interrupted");
    }
    co_return co_await StartSession(request, envelope, *inform);
  }
  if (!session) {
    // Nothing to continue (a stale cookie, or the session ended): nothing to say.
    if (std::holds_alternative<EmptyPost>(envelope.rpc)) co_return http::NoContent();
    HeaderOut header{.id = envelope.id.value_or(""), .version = envelope.version.value_or(CwmpVersion{1, 0})};
    co_return SoapFault(header, 400, AcsFaultCode::kRequestDenied, "A CWMP session begins with an Inform.");
  }
  {
    std::lock_guard lock(mu_);
    if (session->busy) co_return http::RetryLater(std::chrono::seconds{5}, /*close=*/true);
    session->busy = true;
  }
  Cleanup idle{[this, session] {
    std::lock_guard lock(mu_);
    session->busy = false;
    session->last_seen = clock_.Now();
  }};
  co_return co_await Continue(session, envelope);
}

asio::awaitable<http::HttpResponse> SessionEngine::Undecodable(const http::HttpRequest& request,
                                                               SessionPtr session, const Error& error) {
  const AcsFaultCode code = AcsFaultFor(error);
  UndecodableMessages().Inc();
  LogWarn("cwmp: a message could not be decoded",
          {{"ip", request.client_ip}, {"error", error.message}, {"fault", static_cast<int>(code)}});
  HeaderOut header;
  if (session) header = session->header;
  http::HttpResponse r = SoapFault(header, 400, code, error.message);
  r.close_connection = true;
  if (session) {
    Forget(session);
    co_await Interrupt(*session, "The device's answer was not valid CWMP.", "invalid_response");
  }
  co_return r;
}

devices::CredentialCheck SessionEngine::CredentialCheckFor(const http::HttpRequest& request,
                                                           std::shared_ptr<bool> stale) const {
  // Credentials as presented: Basic over TLS, Digest on a plain-HTTP lab listener.
  const auto authorization = request.Header("authorization");
  if (authorization && digest_) {
    auto creds = http::ParseDigestAuthorization(*authorization);
    if (!creds) return {};
    return [this, c = *creds, now = clock_.Now(), method = request.method, target = request.target, stale](
               const std::string& user, const std::string& password) {
      if (!ConstantTimeEquals(c.username, user)) return false;
      auto verdict = digest_->Verify(c, method, target, password, now);
      if (verdict == http::DigestAuthenticator::Verdict::kStale) *stale = true;
      return verdict == http::DigestAuthenticator::Verdict::kOk;
    };
  }
  if (authorization && !settings_.insecure_http) {
    auto basic = http::ParseBasicAuthorization(*authorization);
    if (!basic) return {};
    return [basic](const std::string& user, const std::string& password) {
      // Both compared, whatever the first gives: no early exit to time.
      const bool u = ConstantTimeEquals(basic->first, user);
      const bool p = ConstantTimeEquals(basic->second, password);
      return u && p;
    };
  }
  return {};
}

asio::awaitable<http::HttpResponse> SessionEngine::StartSession(const http::HttpRequest& request,
                                                                const Envelope& envelope,
                                                                const Inform& inform) {
  HeaderOut header{.id = envelope.id.value_or(""), .version = envelope.version.value_or(CwmpVersion{1, 0})};
  if (envelope.supported_cwmp_versions) {
    auto chosen = NegotiateVersion(*envelope.supported_cwmp_versions);
    if (!chosen)
      co_return SoapFault(header, 200, AcsFaultCode::kVersionIncompatible,
                          "No CWMP version in common: this ACS supports 1.0 to 1.4.");
    header.use_cwmp_version = VersionText(*chosen);
  }
  const devices::InformFacts facts = FactsOf(inform, request.client_ip);
  if (facts.oui.empty() || facts.serial_number.empty())
    co_return SoapFault(header, 400, AcsFaultCode::kInvalidArguments,
                        "The Inform's DeviceId has no OUI or serial number.");

  auto stale = std::make_shared<bool>(false);
  const devices::CredentialCheck check = CredentialCheckFor(request, stale);
  const devices::Admission admission =
      co_await db_.Run([&] { return devices_.admission.Admit(facts, check); });
  co_await RecordAdmission(request, facts, admission);
  switch (admission.result) {
    case devices::AdmitResult::kAdmitted:
      Informs().With({"admitted"}).Inc();
      break;
    case devices::AdmitResult::kBusy:
      Informs().With({"busy"}).Inc();
      break;
    case devices::AdmitResult::kUnauthenticated:
      Informs().With({"unauthenticated"}).Inc();
      break;
    case devices::AdmitResult::kRefused:
      Informs().With({"refused"}).Inc();
      break;
  }
  switch (admission.result) {
    case devices::AdmitResult::kAdmitted:
      break;
    case devices::AdmitResult::kBusy:
      co_return http::RetryLater(std::chrono::seconds{30}, /*close=*/true);
    case devices::AdmitResult::kUnauthenticated:
    case devices::AdmitResult::kRefused:
      LogInfo("cwmp: device not admitted", {{"ip", request.client_ip},
                                            {"oui", facts.oui},
                                            {"product_class", facts.product_class},
                                            {"serial", facts.serial_number},
                                            {"reason", admission.reason}});
      co_return Challenge(*stale);
  }

  auto session = std::make_shared<Session>();
  session->cookie = RandomToken(24);
  session->connection_id = request.connection_id;
  session->device = admission.device_id;
  session->company = admission.company_id;
  session->serial = facts.serial_number;
  session->host = std::string(request.Header("host").value_or(""));
  session->maybe_tasks = admission.has_queued_tasks;
  session->header = header;
  session->header.id.clear();
  session->last_seen = clock_.Now();
  {
    std::lock_guard lock(mu_);
    if (auto it = by_connection_.find(request.connection_id); it != by_connection_.end())
      by_cookie_.erase(it->second->cookie);
    by_cookie_[session->cookie] = session;
    by_connection_[session->connection_id] = session;
  }
  HeaderOut out = session->header;
  out.id = envelope.id.value_or("");
  co_return Soap(*session, EncodeInformResponse(out));
}

asio::awaitable<void> SessionEngine::RecordAdmission(const http::HttpRequest& request,
                                                     const devices::InformFacts& facts,
                                                     const devices::Admission& admission) {
  if (admission.detached) {
    // DEV-1: the provider moved or removed the device's allocation; its former company sees
    // that it left (never where it went).
    audit::OperationRecord r;
    r.company = admission.detached->company;
    r.actor_login = "kanri";
    r.action = "devices.detach";
    r.target_type = "device";
    r.target_id = admission.detached->device.value();
    r.details = json::serialize(json::object{{"oui", facts.oui},
                                             {"product_class", facts.product_class},
                                             {"serial_number", facts.serial_number},
                                             {"reason", admission.detached->reason}});
    co_await Record(std::move(r));
  }
  if (admission.result != devices::AdmitResult::kAdmitted) co_return;
  if (admission.onboarded) {
    audit::OperationRecord r;
    r.company = admission.company_id;
    r.actor_login = "device:" + facts.serial_number;
    r.source_ip = request.client_ip;
    r.action = "devices.onboard";
    r.target_type = "device";
    r.target_id = admission.device_id.value();
    r.details = json::serialize(json::object{
        {"oui", facts.oui}, {"product_class", facts.product_class}, {"serial_number", facts.serial_number}});
    co_await Record(std::move(r));
    LogInfo("cwmp: device onboarded",
            {{"device", admission.device_id.value()}, {"serial", facts.serial_number}});
  }
  for (const auto& task : admission.settled_tasks) co_await RecordTask(task, facts.serial_number);
}

asio::awaitable<http::HttpResponse> SessionEngine::Continue(SessionPtr session, const Envelope& envelope) {
  HeaderOut out = session->header;
  out.id = envelope.id.value_or("");
  if (const auto* tc = std::get_if<TransferComplete>(&envelope.rpc)) {
    co_await TransferCompleted(*session, *tc);
    co_return Soap(*session, EncodeTransferCompleteResponse(out));
  }
  if (const auto* atc = std::get_if<AutonomousTransferComplete>(&envelope.rpc)) {
    LogInfo("cwmp: autonomous transfer complete",
            {{"device", session->device.value()},
             {"url", atc->transfer_url},
             {"fault", static_cast<std::int64_t>(atc->fault.fault_code)}});
    co_return Soap(*session, EncodeAutonomousTransferCompleteResponse(out));
  }
  if (std::holds_alternative<GetRPCMethods>(envelope.rpc)) {
    std::vector<std::string> methods(kAcsMethods.begin(), kAcsMethods.end());
    co_return Soap(*session, EncodeGetRPCMethodsResponse(out, methods));
  }
  if (session->pending) {
    const bool ends_session = co_await Answered(*session, envelope.rpc);
    if (ends_session) co_return co_await EndSession(session);
  } else if (!std::holds_alternative<EmptyPost>(envelope.rpc)) {
    // A response to nothing we asked, or a CPE request we do not implement.
    co_return Soap(*session, EncodeFault(out, AcsFaultCode::kMethodNotSupported,
                                         "Not supported here: " + std::string(RpcName(envelope.rpc))));
  }
  co_return co_await NextRpc(session);
}

asio::awaitable<void> SessionEngine::TransferCompleted(Session& session, const TransferComplete& tc) {
  TaskOutcome outcome;
  if (tc.fault.fault_code != 0) {
    outcome.state = TaskState::kFailed;
    outcome.fault_code = tc.fault.fault_code;
    outcome.fault_string = tc.fault.fault_string.empty() ? std::string(CwmpFaultMeaning(tc.fault.fault_code))
                                                         : tc.fault.fault_string;
  } else {
    outcome.result =
        json::serialize(json::object{{"start_time", tc.start_time}, {"complete_time", tc.complete_time}});
  }
  auto task = co_await db_.Run(
      [&] { return devices_.tasks.FinishDownload(session.device, tc.command_key, outcome); });
  if (task) co_await RecordTask(*task, session.serial);
}

asio::awaitable<http::HttpResponse> SessionEngine::EndSession(SessionPtr session) {
  Forget(session);
  // Another node may serve the device's next session at once (a reboot's reconnect). A
  // periodic session that ran nothing leaves its lease to expire: one write less.
  if (session->ran_tasks) co_await db_.Run([&] { devices_.admission.ReleaseLease(session->device); });
  co_return http::NoContent();
}

RpcContext SessionEngine::ContextOf(const Session& session) const {
  return RpcContext{devices_.tasks,
                    devices_.parameters,
                    db_,
                    session.device,
                    session.company,
                    std::string(settings_.insecure_http ? "http://" : "https://") + session.host + "/files/"};
}

asio::awaitable<bool> SessionEngine::Answered(Session& session, const Rpc& answer) {
  PendingRpc pending = std::move(*session.pending);
  session.pending.reset();
  RpcContext ctx = ContextOf(session);
  const Completion done = co_await CompleteTaskRpc(ctx, pending, answer);
  if (done.history_action) {
    audit::OperationRecord r;
    r.company = session.company;
    r.actor_login = "device:" + session.serial;
    r.action = *done.history_action;
    r.target_type = "device";
    r.target_id = session.device.value();
    co_await Record(std::move(r));
  }
  const TaskId id = pending.task.id;
  if (done.await_device) {
    // Done once the device reports back (an Inform event, or TransferComplete).
    co_await db_.Run([&] { devices_.tasks.AwaitDevice(id, *done.await_device); });
  } else {
    auto stored = co_await db_.Run([&] { return devices_.tasks.Finish(id, done.outcome); });
    if (stored) co_await RecordTask(*stored, session.serial);
  }
  // A reboot or factory reset the device refused leaves the session open for the next task.
  co_return pending.ends_session&& done.outcome.state == TaskState::kDone;
}

asio::awaitable<http::HttpResponse> SessionEngine::NextRpc(SessionPtr session) {
  if (!session->maybe_tasks) co_return co_await EndSession(session);
  HeaderOut header = session->header;
  RpcContext ctx = ContextOf(*session);
  for (int guard = 0; guard < 100; ++guard) {
    auto task = co_await db_.Run([&] { return devices_.tasks.StartNext(session->device); });
    if (!task) break;
    session->ran_tasks = true;
    header.id = "kanri-" + RandomToken(6);
    PendingRpc pending{*task};
    auto envelope = co_await EncodeTaskRpc(ctx, header, pending);
    if (envelope) {
      session->pending = std::move(pending);
      co_return Soap(*session, std::move(*envelope));
    }
    // The task cannot run (its firmware file is gone, no credential change is pending).
    const TaskOutcome outcome{TaskState::kFailed, std::nullopt, std::nullopt, envelope.error().message,
                              "not_runnable"};
    auto stored = co_await db_.Run([&] { return devices_.tasks.Finish(task->id, outcome); });
    if (stored) co_await RecordTask(*stored, session->serial);
  }
  co_return co_await EndSession(session);
}

}  // namespace kanri::cwmp
