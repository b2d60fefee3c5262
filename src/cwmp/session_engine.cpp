#include "cwmp/session_engine.h"

#include <boost/json.hpp>

#include "base/crypto.h"
#include "base/log.h"
#include "base/text.h"

namespace kanri::cwmp {

namespace asio = boost::asio;
namespace json = boost::json;
using devices::Task;
using devices::TaskOutcome;
using devices::TaskState;
using devices::TaskType;

struct SessionEngine::Session {
  std::string cookie;
  std::uint64_t connection_id = 0;
  DeviceId device;
  CompanyId company;
  std::string serial;
  std::string host;                                // as the CPE addressed us: file URLs use it
  HeaderOut header;                                // version and UseCWMPVersion of this session
  std::optional<Task> pending;                     // the task whose RPC awaits the CPE's response
  std::string pending_object;                      // deleteObject: the subtree to drop on success
  std::vector<devices::Parameter> pending_values;  // setParameterValues: what to record on success
  bool pending_credentials = false;
  bool end_after_pending = false;  // reboot / factory reset: end the session after its response
  bool ran_tasks = false;
  bool maybe_tasks = true;  // false: nothing was queued at the Inform
  bool busy = false;
  Timestamp last_seen;
};

namespace {

constexpr std::array<std::string_view, 4> kAcsMethods{"Inform", "GetRPCMethods", "TransferComplete",
                                                      "AutonomousTransferComplete"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string VersionText(CwmpVersion v) {
  return std::to_string(v.major) + "." + std::to_string(v.minor);
}

XsdType XsdTypeOf(std::string_view type) {
  if (type == "int") return XsdType::kInt;
  if (type == "unsignedInt") return XsdType::kUnsignedInt;
  if (type == "long") return XsdType::kLong;
  if (type == "unsignedLong") return XsdType::kUnsignedLong;
  if (type == "boolean") return XsdType::kBoolean;
  if (type == "dateTime") return XsdType::kDateTime;
  if (type == "base64" || type == "base64Binary") return XsdType::kBase64;
  if (type == "hexBinary") return XsdType::kHexBinary;
  return XsdType::kString;
}

json::object FaultJson(const CpeFault& f) {
  json::array per_parameter;
  for (const auto& p : f.set_parameter_values_faults)
    per_parameter.push_back(json::object{{"parameter", p.parameter_name},
                                         {"code", p.fault_code},
                                         {"string", p.fault_string},
                                         {"meaning", CwmpFaultMeaning(p.fault_code)}});
  return json::object{{"set_parameter_values_faults", std::move(per_parameter)}};
}

std::optional<std::pair<std::string, std::string>> ParseBasic(std::string_view header) {
  if (header.size() < 6 || AsciiLower(header.substr(0, 6)) != "basic ") return std::nullopt;
  auto decoded = Base64Decode(Trim(header.substr(6)));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

const json::object* RequestObject(const json::value& v) {
  return v.is_object() ? &v.as_object() : nullptr;
}

std::string StringField(const json::object* o, std::string_view key) {
  if (!o) return {};
  auto it = o->find(key);
  return it != o->end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
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

SessionEngine::SessionEngine(devices::DeviceSessions& devices, db::WorkerPool& db, const Clock& clock,
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
  for (const auto& s : idle)
    if (s->pending) co_await FailTask(s->pending->id, s->serial, "The device did not answer.", "timeout");
}

asio::awaitable<void> SessionEngine::FailTask(TaskId task, std::string serial, std::string message,
                                              std::string error) {
  auto stored = co_await db_.Run([&] {
    return devices_.FinishTask(task,
                               TaskOutcome{TaskState::kFailed, std::nullopt, std::nullopt, message, error});
  });
  if (stored) co_await RecordTask(*stored, serial);
}

asio::awaitable<void> SessionEngine::ExpireTasks() {
  auto expired = co_await db_.Run([&] { return devices_.ExpireTasks(); });
  for (const auto& task : expired) co_await RecordTask(task, "");
}

asio::awaitable<void> SessionEngine::RecordTask(const Task& task, const std::string& serial) {
  if (!history_) co_return;
  audit::OperationRecord r;
  r.time = clock_.Now();
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
                       {"type", devices::ToString(task.type)},
                       {"state", devices::ToString(task.state)},
                       {"internal", task.internal}};
  if (task.fault_code) {
    details["fault_code"] = *task.fault_code;
    details["fault_meaning"] = CwmpFaultMeaning(*task.fault_code);
  }
  r.details = json::serialize(details);
  co_await history_(std::move(r));
}

asio::awaitable<http::HttpResponse> SessionEngine::Handle(const http::HttpRequest& request) {
  if (request.method != "POST") {
    http::HttpResponse r = http::ProblemResponse(
        {405, "method_not_allowed", "", "The CWMP endpoint takes a CPE's POST requests only.", ""});
    r.SetHeader("Allow", "POST");
    co_return r;
  }
  auto decoded = DecodeEnvelope(request.body, settings_.limits);
  SessionPtr session = Find(request);
  if (!decoded) {
    const AcsFaultCode code = AcsFaultFor(decoded.error());
    LogWarn(
        "cwmp: a message could not be decoded",
        {{"ip", request.client_ip}, {"error", decoded.error().message}, {"fault", static_cast<int>(code)}});
    HeaderOut header;
    if (session) header = session->header;
    http::HttpResponse r;
    r.status = 400;
    r.content_type = "text/xml; charset=utf-8";
    r.body = EncodeFault(header, code, decoded.error().message);
    r.close_connection = true;
    if (session) {
      Forget(session);
      if (session->pending)
        co_await FailTask(session->pending->id, session->serial, "The device's answer was not valid CWMP.",
                          "invalid_response");
    }
    co_return r;
  }
  const Envelope& envelope = *decoded;
  if (const auto* inform = std::get_if<Inform>(&envelope.rpc)) {
    if (session) {
      // A new Inform starts a new session (the CPE gave up on the old one).
      Forget(session);
      if (session->pending)
        co_await FailTask(session->pending->id, session->serial,
                          "The device started a new session instead of answering.", "timeout");
    }
    co_return co_await StartSession(request, envelope, *inform);
  }
  if (!session) {
    if (std::holds_alternative<EmptyPost>(envelope.rpc)) {
      // Nothing to continue (a stale cookie, or the session ended): nothing to say.
      co_return http::NoContent();
    }
    HeaderOut header{.id = envelope.id.value_or(""), .version = envelope.version.value_or(CwmpVersion{1, 0})};
    http::HttpResponse r;
    r.status = 400;
    r.content_type = "text/xml; charset=utf-8";
    r.body = EncodeFault(header, AcsFaultCode::kRequestDenied, "A CWMP session begins with an Inform.");
    co_return r;
  }
  {
    std::lock_guard lock(mu_);
    if (session->busy) {
      http::HttpResponse r;
      r.status = 503;
      r.SetHeader("Retry-After", "5");
      co_return r;
    }
    session->busy = true;
  }
  struct Idle {
    SessionEngine& engine;
    Session& s;
    ~Idle() {
      std::lock_guard lock(engine.mu_);
      s.busy = false;
      s.last_seen = engine.clock_.Now();
    }
  } idle{*this, *session};
  co_return co_await Continue(request, session, envelope);
}

asio::awaitable<http::HttpResponse> SessionEngine::StartSession(const http::HttpRequest& request,
                                                                const Envelope& envelope,
                                                                const Inform& inform) {
  HeaderOut header{.id = envelope.id.value_or(""), .version = envelope.version.value_or(CwmpVersion{1, 0})};
  if (envelope.supported_cwmp_versions) {
    auto chosen = NegotiateVersion(*envelope.supported_cwmp_versions);
    if (!chosen) {
      http::HttpResponse r;
      r.status = 200;
      r.content_type = "text/xml; charset=utf-8";
      r.body = EncodeFault(header, AcsFaultCode::kVersionIncompatible,
                           "No CWMP version in common: this ACS supports 1.0 to 1.4.");
      co_return r;
    }
    header.use_cwmp_version = VersionText(*chosen);
  }

  devices::InformFacts facts{inform.device_id.oui,
                             inform.device_id.product_class,
                             inform.device_id.serial_number,
                             inform.device_id.manufacturer,
                             {},
                             {},
                             request.client_ip};
  for (const auto& e : inform.events) facts.events.push_back({e.event_code, e.command_key});
  for (const auto& p : inform.parameters) {
    const bool secret = devices::IsSecretParameter(p.name);
    facts.parameters.push_back({p.name, secret ? "" : p.value, p.type, std::nullopt, secret});
  }
  if (facts.oui.empty() || facts.serial_number.empty()) {
    http::HttpResponse r;
    r.status = 400;
    r.content_type = "text/xml; charset=utf-8";
    r.body = EncodeFault(header, AcsFaultCode::kInvalidArguments,
                         "The Inform's DeviceId has no OUI or serial number.");
    co_return r;
  }

  // Credentials as presented: Basic over TLS, Digest on a plain-HTTP lab listener.
  devices::CredentialCheck check;
  bool stale = false;
  const auto authorization = request.Header("authorization");
  if (authorization && digest_) {
    if (auto creds = http::ParseDigestAuthorization(*authorization)) {
      const http::DigestCredentials c = *creds;
      const Timestamp now = clock_.Now();
      check = [this, c, now, method = request.method, target = request.target, &stale](
                  const std::string& user, const std::string& password) {
        if (!ConstantTimeEquals(c.username, user)) return false;
        auto verdict = digest_->Verify(c, method, target, password, now);
        if (verdict == http::DigestAuthenticator::Verdict::kStale) stale = true;
        return verdict == http::DigestAuthenticator::Verdict::kOk;
      };
    }
  } else if (authorization && !settings_.insecure_http) {
    if (auto basic = ParseBasic(*authorization)) {
      check = [basic](const std::string& user, const std::string& password) {
        // Both compared, whatever the first gives: no early exit to time.
        const bool u = ConstantTimeEquals(basic->first, user);
        const bool p = ConstantTimeEquals(basic->second, password);
        return u && p;
      };
    }
  }

  const devices::Admission admission = co_await db_.Run([&] { return devices_.Admit(facts, check); });
  if (admission.detached && history_) {
    // DEV-1: the provider moved or removed the device's allocation; its former company sees
    // that it left (never where it went).
    audit::OperationRecord r;
    r.time = clock_.Now();
    r.company = admission.detached->company;
    r.actor_login = "kanri";
    r.action = "devices.detach";
    r.target_type = "device";
    r.target_id = admission.detached->device.value();
    r.details = json::serialize(json::object{{"oui", facts.oui},
                                             {"product_class", facts.product_class},
                                             {"serial_number", facts.serial_number},
                                             {"reason", admission.detached->reason}});
    co_await history_(std::move(r));
  }
  switch (admission.result) {
    case devices::AdmitResult::kAdmitted:
      break;
    case devices::AdmitResult::kBusy: {
      http::HttpResponse r;
      r.status = 503;
      r.SetHeader("Retry-After", "30");
      co_return r;
    }
    case devices::AdmitResult::kUnauthenticated:
    case devices::AdmitResult::kRefused:
      LogInfo("cwmp: device not admitted", {{"ip", request.client_ip},
                                            {"oui", facts.oui},
                                            {"product_class", facts.product_class},
                                            {"serial", facts.serial_number},
                                            {"reason", admission.reason}});
      co_return Challenge(stale);
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

  if (admission.onboarded && history_) {
    audit::OperationRecord r;
    r.time = clock_.Now();
    r.company = admission.company_id;
    r.actor_login = "device:" + facts.serial_number;
    r.source_ip = request.client_ip;
    r.action = "devices.onboard";
    r.target_type = "device";
    r.target_id = admission.device_id.value();
    r.details = json::serialize(json::object{
        {"oui", facts.oui}, {"product_class", facts.product_class}, {"serial_number", facts.serial_number}});
    co_await history_(std::move(r));
    LogInfo("cwmp: device onboarded",
            {{"device", admission.device_id.value()}, {"serial", facts.serial_number}});
  }
  for (const auto& task : admission.finished_tasks) co_await RecordTask(task, facts.serial_number);

  HeaderOut out = session->header;
  out.id = envelope.id.value_or("");
  co_return Soap(*session, EncodeInformResponse(out));
}

asio::awaitable<http::HttpResponse> SessionEngine::Continue(const http::HttpRequest& request,
                                                            SessionPtr session, const Envelope& envelope) {
  (void)request;
  HeaderOut out = session->header;
  out.id = envelope.id.value_or("");
  if (const auto* tc = std::get_if<TransferComplete>(&envelope.rpc)) {
    TaskOutcome outcome;
    if (tc->fault.fault_code != 0) {
      outcome.state = TaskState::kFailed;
      outcome.fault_code = tc->fault.fault_code;
      outcome.fault_string = tc->fault.fault_string.empty()
                                 ? std::string(CwmpFaultMeaning(tc->fault.fault_code))
                                 : tc->fault.fault_string;
    } else {
      outcome.result =
          json::serialize(json::object{{"start_time", tc->start_time}, {"complete_time", tc->complete_time}});
    }
    auto task =
        co_await db_.Run([&] { return devices_.FinishDownload(session->device, tc->command_key, outcome); });
    if (task) co_await RecordTask(*task, session->serial);
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
    co_await HandleResponse(session, envelope);
    if (session->end_after_pending) co_return co_await EndSession(session);
  } else if (!std::holds_alternative<EmptyPost>(envelope.rpc)) {
    // A response to nothing we asked, or a CPE request we do not implement.
    co_return Soap(*session, EncodeFault(out, AcsFaultCode::kMethodNotSupported,
                                         "Not supported here: " + std::string(RpcName(envelope.rpc))));
  }
  co_return co_await NextRpc(session);
}

asio::awaitable<http::HttpResponse> SessionEngine::EndSession(SessionPtr session) {
  Forget(session);
  // Another node may serve the device's next session at once (a reboot's reconnect). A
  // periodic session that ran nothing leaves its lease to expire: one write less.
  if (session->ran_tasks) co_await db_.Run([&] { devices_.ReleaseLease(session->device); });
  co_return http::NoContent();
}

asio::awaitable<void> SessionEngine::HandleResponse(SessionPtr session, const Envelope& envelope) {
  Task task = *session->pending;
  session->pending.reset();
  TaskOutcome outcome;
  std::optional<Millis> await_device;
  const auto& rpc = envelope.rpc;
  auto mismatch = [&] {
    outcome.state = TaskState::kFailed;
    outcome.error = "unexpected_response";
    outcome.fault_string = "The device answered with " +
                           (std::holds_alternative<EmptyPost>(rpc) ? std::string("an empty message")
                                                                   : std::string(RpcName(rpc))) +
                           ".";
  };
  if (const auto* fault = std::get_if<CpeFault>(&rpc)) {
    outcome.state = TaskState::kFailed;
    outcome.fault_code = fault->fault_code;
    outcome.fault_string =
        fault->fault_string.empty() ? std::string(CwmpFaultMeaning(fault->fault_code)) : fault->fault_string;
    if (!fault->set_parameter_values_faults.empty()) outcome.result = json::serialize(FaultJson(*fault));
  } else {
    switch (task.type) {
      case TaskType::kGetParameterValues:
        if (const auto* r = std::get_if<GetParameterValuesResponse>(&rpc)) {
          json::object values;
          std::vector<devices::Parameter> merge;
          for (const auto& p : r->parameters) {
            // A secret the device reported is never stored, in the result or the tree.
            if (devices::IsSecretParameter(p.name))
              values[p.name] = json::object{{"redacted", true}, {"type", p.type}};
            else
              values[p.name] = json::object{{"value", p.value}, {"type", p.type}};
            merge.push_back({p.name, p.value, p.type, std::nullopt});
          }
          outcome.result = json::serialize(json::object{{"values", std::move(values)}});
          co_await db_.Run([&] { devices_.MergeValues(session->device, merge); });
        } else {
          mismatch();
        }
        break;
      case TaskType::kSetParameterValues:
        if (const auto* r = std::get_if<SetParameterValuesResponse>(&rpc)) {
          outcome.result = json::serialize(json::object{{"status", r->status}});
          auto values = session->pending_values;
          const bool credentials = session->pending_credentials;
          co_await db_.Run([&] {
            if (credentials) devices_.ConfirmCredentials(session->device);
            if (!values.empty()) devices_.MergeValues(session->device, values);
          });
          if (credentials && history_) {
            audit::OperationRecord rec;
            rec.time = clock_.Now();
            rec.company = session->company;
            rec.actor_login = "device:" + session->serial;
            rec.action = "devices.credentials_rotated";
            rec.target_type = "device";
            rec.target_id = session->device.value();
            co_await history_(std::move(rec));
          }
        } else {
          mismatch();
        }
        break;
      case TaskType::kGetParameterNames:
        if (const auto* r = std::get_if<GetParameterNamesResponse>(&rpc)) {
          json::array list;
          std::vector<std::pair<std::string, bool>> names;
          for (const auto& p : r->parameters) {
            list.push_back(json::object{{"name", p.name}, {"writable", p.writable}});
            names.emplace_back(p.name, p.writable);
          }
          outcome.result = json::serialize(json::object{{"parameters", std::move(list)}});
          co_await db_.Run([&] { devices_.MergeNames(session->device, names); });
        } else {
          mismatch();
        }
        break;
      case TaskType::kAddObject:
        if (const auto* r = std::get_if<AddObjectResponse>(&rpc)) {
          outcome.result =
              json::serialize(json::object{{"instance_number", r->instance_number}, {"status", r->status}});
        } else {
          mismatch();
        }
        break;
      case TaskType::kDeleteObject:
        if (const auto* r = std::get_if<DeleteObjectResponse>(&rpc)) {
          outcome.result = json::serialize(json::object{{"status", r->status}});
          const std::string object = session->pending_object;
          co_await db_.Run([&] { devices_.RemoveSubtree(session->device, object); });
        } else {
          mismatch();
        }
        break;
      case TaskType::kReboot:
        if (std::holds_alternative<RebootResponse>(rpc)) {
          await_device = devices_.settings().reboot_timeout;
        } else {
          mismatch();
        }
        break;
      case TaskType::kFactoryReset:
        if (std::holds_alternative<FactoryResetResponse>(rpc)) {
          await_device = devices_.settings().reboot_timeout;
        } else {
          mismatch();
        }
        break;
      case TaskType::kDownload:
        if (const auto* r = std::get_if<DownloadResponse>(&rpc)) {
          if (r->status == 0)
            outcome.result = json::serialize(
                json::object{{"start_time", r->start_time}, {"complete_time", r->complete_time}});
          else
            await_device = devices_.settings().download_timeout;
        } else {
          mismatch();
        }
        break;
    }
  }
  session->pending_values.clear();
  session->pending_object.clear();
  session->pending_credentials = false;
  if (await_device && outcome.state == TaskState::kDone) {
    // Done once the device reports back (an Inform event, or TransferComplete).
    const auto timeout = *await_device;
    co_await db_.Run([&] { devices_.AwaitDevice(task.id, timeout); });
    co_return;
  }
  if (outcome.state != TaskState::kDone) session->end_after_pending = false;
  auto stored = co_await db_.Run([&] { return devices_.FinishTask(task.id, outcome); });
  if (stored) co_await RecordTask(*stored, session->serial);
}

asio::awaitable<http::HttpResponse> SessionEngine::NextRpc(SessionPtr session) {
  if (!session->maybe_tasks) co_return co_await EndSession(session);
  HeaderOut header = session->header;
  for (int guard = 0; guard < 100; ++guard) {
    auto task = co_await db_.Run([&] { return devices_.StartNextTask(session->device); });
    if (!task) co_return co_await EndSession(session);
    session->ran_tasks = true;
    header.id = "kanri-" + RandomToken(6);
    boost::system::error_code ec;
    const json::value request = json::parse(task->request, ec);
    const json::object* o = ec ? nullptr : RequestObject(request);
    std::optional<std::string> body;
    std::string failure;
    switch (task->type) {
      case TaskType::kGetParameterValues: {
        std::vector<std::string> names;
        if (o)
          if (auto it = o->find("names"); it != o->end() && it->value().is_array())
            for (const auto& n : it->value().as_array())
              if (n.is_string()) names.emplace_back(n.as_string());
        body = EncodeGetParameterValues(header, names);
        break;
      }
      case TaskType::kSetParameterValues: {
        std::vector<ParameterSetting> settings;
        session->pending_values.clear();
        if (StringField(o, "purpose") == "credentials") {
          auto creds = co_await db_.Run([&] { return devices_.PendingCredentials(session->device); });
          if (!creds) {
            failure = creds.error().message;
            break;
          }
          const std::string ms = creds->data_model_root + "ManagementServer.";
          if (creds->management_password)
            settings.push_back({ms + "Password", *creds->management_password, XsdType::kString});
          settings.push_back({ms + "ConnectionRequestUsername", creds->cr_username, XsdType::kString});
          settings.push_back({ms + "ConnectionRequestPassword", creds->cr_password, XsdType::kString});
          session->pending_credentials = true;
          // Passwords are never copied into the parameter tree; the username is.
          session->pending_values.push_back(
              {ms + "ConnectionRequestUsername", creds->cr_username, "string", {}});
        } else {
          std::vector<std::string> paths, values;
          if (o)
            if (auto it = o->find("values"); it != o->end() && it->value().is_object())
              for (const auto& [k, v] : it->value().as_object()) {
                paths.emplace_back(k);
                values.emplace_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
              }
          auto types = co_await db_.Run([&] { return devices_.TypesOf(session->device, paths); });
          for (std::size_t i = 0; i < paths.size(); ++i) {
            settings.push_back({paths[i], values[i], XsdTypeOf(types[i])});
            if (!paths[i].ends_with("Password"))
              session->pending_values.push_back({paths[i], values[i], types[i], {}});
          }
        }
        body = EncodeSetParameterValues(header, settings, task->command_key);
        break;
      }
      case TaskType::kGetParameterNames: {
        bool next_level = false;
        if (o)
          if (auto it = o->find("next_level"); it != o->end() && it->value().is_bool())
            next_level = it->value().as_bool();
        body = EncodeGetParameterNames(header, StringField(o, "path"), next_level);
        break;
      }
      case TaskType::kAddObject:
        body = EncodeAddObject(header, StringField(o, "object"), task->command_key);
        break;
      case TaskType::kDeleteObject:
        session->pending_object = StringField(o, "object");
        body = EncodeDeleteObject(header, session->pending_object, task->command_key);
        break;
      case TaskType::kReboot:
        session->end_after_pending = true;
        body = EncodeReboot(header, task->command_key);
        break;
      case TaskType::kFactoryReset:
        session->end_after_pending = true;
        body = EncodeFactoryReset(header);
        break;
      case TaskType::kDownload: {
        const std::string file_id = StringField(o, "file_id");
        auto file = co_await db_.Run([&] { return devices_.FirmwareOf(session->company, file_id); });
        if (!file) {
          failure = "The firmware file no longer exists.";
          break;
        }
        // DEV-6: a URL of its own for this task, valid while the task runs.
        const std::string token = RandomToken(24);
        const std::string token_hash = Sha256Hex(token);
        co_await db_.Run([&] { devices_.SetDownloadToken(task->id, token_hash); });
        DownloadRequest d;
        d.command_key = task->command_key;
        d.url =
            std::string(settings_.insecure_http ? "http://" : "https://") + session->host + "/files/" + token;
        d.file_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(file->size, UINT32_MAX));
        d.target_file_name = file->name;
        body = EncodeDownload(header, d);
        break;
      }
    }
    if (body) {
      session->pending = *task;
      co_return Soap(*session, std::move(*body));
    }
    co_await FailTask(task->id, session->serial, failure, "not_runnable");
  }
  co_return co_await EndSession(session);
}

}  // namespace kanri::cwmp
