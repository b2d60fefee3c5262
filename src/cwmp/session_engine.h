// The CWMP session engine (issue 4, item 1): what the CWMP listener answers to each POST of
// a CPE. A session is
//
//   CPE: Inform            → ACS: InformResponse      (authenticate, onboard, record)
//   CPE: TransferComplete  → ACS: TransferCompleteResponse   (and other CPE requests)
//   CPE: empty POST        → ACS: the first queued task's RPC
//   CPE: its response      → ACS: the next task's RPC, ... → 204 No Content: session over
//
// A session is bound to its TCP connection (some CPEs send no cookie) and to a cookie (some
// reconnect between messages). Tasks live in the database, one RPC per response, in order;
// a device is served by one session at a time (the lease in devices/admission.h).
//
// What each task type sends and how its answer completes it is cwmp/task_rpc.h; admission,
// the task flow and the parameter tree are the devices folder's (DeviceServices).
//
// Authentication: HTTP Basic (pre-emptive or after a 401) over TLS; HTTP Digest (RFC 7616,
// MD5, qop=auth) when the listener is plain HTTP for a lab. Devices that match no profile,
// or several companies' profiles, get 401 and are listed for the site administrators.
//
// Every outcome that matters is in the operation history: a device attached, a task's
// result (success or the CPE's fault), a credential rotation confirmed. Each record is awaited:
// when the history cannot store it, or the database pool is full or fails, the CPE gets 503
// with Retry-After (it retries its session later), never a dropped connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "audit/operation_history.h"
#include "base/time.h"
#include "cwmp/soap.h"
#include "cwmp/task_rpc.h"
#include "db/worker_pool.h"
#include "devices/admission.h"
#include "devices/parameter_store.h"
#include "devices/task_flow.h"
#include "http/digest.h"
#include "http/message.h"

namespace kanri::cwmp {

struct EngineSettings {
  // Plain-HTTP lab listener: Digest instead of Basic, and http:// file URLs.
  bool insecure_http = false;
  std::string realm = "kanri";
  std::string cookie = "kanri_cwmp";
  // A session with no message for this long is over; an RPC it was waiting for fails (timeout).
  Millis session_idle = std::chrono::seconds{60};
  DecodeLimits limits;
  // OPS-4: the largest message from a connection (or cookie) without a session, i.e. an Inform
  // before authentication; sessions get the listener's limit (BodyLimitFor).
  std::uint64_t max_unauthenticated_body_bytes = 64 * 1024;
  // Retry-After of a 503 when the history, the database or its pool fails.
  Millis retry_after = std::chrono::seconds{30};
};

// The device domain a session works on.
struct DeviceServices {
  devices::DeviceAdmission& admission;
  devices::TaskFlow& tasks;
  devices::ParameterStore& parameters;
};

// Where the engine's history records go (the group-commit writer in serve.cpp). Resumes once
// the record is stored and throws when it could not be (SEC-6: fail closed, like the API's).
using HistorySink = std::function<boost::asio::awaitable<void>(audit::OperationRecord)>;

class SessionEngine {
 public:
  SessionEngine(DeviceServices devices, db::WorkerPool& db, const Clock& clock, HistorySink history,
                EngineSettings settings, std::optional<http::DigestAuthenticator> digest);
  ~SessionEngine();

  boost::asio::awaitable<http::HttpResponse> Handle(const http::HttpRequest& request);
  // The listener's connection closed; a session bound only to it is over.
  void ConnectionClosed(std::uint64_t connection_id);
  // Ends sessions idle past session_idle (their pending RPC fails). Call periodically.
  boost::asio::awaitable<void> SweepIdleSessions();
  // Fails queued and running tasks past their expiry (timeout). Call periodically.
  boost::asio::awaitable<void> ExpireTasks();

  std::size_t active_sessions() const;

  // The listener's body limit hook (http::BodyLimitPolicy), asked with a request's head:
  // max_unauthenticated_body_bytes unless its connection or cookie has a session; nullopt (the
  // listener's limit) then. Looks only; binds nothing.
  std::optional<std::uint64_t> BodyLimitFor(const http::HttpRequest& head) const;

 private:
  struct Session;
  using SessionPtr = std::shared_ptr<Session>;

  // The steps of a message: Handle maps every failure of Dispatch to a 503.
  boost::asio::awaitable<http::HttpResponse> Dispatch(const http::HttpRequest& request);
  boost::asio::awaitable<http::HttpResponse> Undecodable(const http::HttpRequest& request, SessionPtr session,
                                                         const Error& error);
  boost::asio::awaitable<http::HttpResponse> StartSession(const http::HttpRequest& request,
                                                          const Envelope& envelope, const Inform& inform);
  devices::CredentialCheck CredentialCheckFor(const http::HttpRequest& request,
                                              std::shared_ptr<bool> stale) const;
  boost::asio::awaitable<void> RecordAdmission(const http::HttpRequest& request,
                                               const devices::InformFacts& facts,
                                               const devices::Admission& admission);
  boost::asio::awaitable<http::HttpResponse> Continue(SessionPtr session, const Envelope& envelope);
  boost::asio::awaitable<void> TransferCompleted(Session& session, const TransferComplete& tc);
  // The CPE answered the pending RPC: its task completes. True when the session ends with it.
  boost::asio::awaitable<bool> Answered(Session& session, const Rpc& answer);
  boost::asio::awaitable<http::HttpResponse> NextRpc(SessionPtr session);
  boost::asio::awaitable<http::HttpResponse> EndSession(SessionPtr session);
  RpcContext ContextOf(const Session& session) const;

  // The pending RPC will get no answer (timeout, interrupted, invalid_response): its task fails
  // (TaskFlow::Interrupt) and is recorded.
  boost::asio::awaitable<void> Interrupt(Session& session, std::string message, std::string error);
  boost::asio::awaitable<void> RecordTask(const devices::Task& task, const std::string& serial);
  boost::asio::awaitable<void> Record(audit::OperationRecord record);
  http::HttpResponse Soap(const Session& session, std::string body) const;
  http::HttpResponse Challenge(bool stale) const;
  SessionPtr Find(const http::HttpRequest& request);
  void Forget(const SessionPtr& session);

  DeviceServices devices_;
  db::WorkerPool& db_;
  const Clock& clock_;
  HistorySink history_;
  EngineSettings settings_;
  std::optional<http::DigestAuthenticator> digest_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, SessionPtr> by_cookie_;
  std::unordered_map<std::uint64_t, SessionPtr> by_connection_;
};

// The highest CWMP version both sides support, from a CPE's SupportedCWMPVersions
// ("1.0,1.1,1.2,1.3,1.4"); nullopt when there is none (fault 8006).
std::optional<CwmpVersion> NegotiateVersion(std::string_view supported);

}  // namespace kanri::cwmp
