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
// a device is served by one session at a time (the lease in devices/device_sessions.h).
//
// Authentication: HTTP Basic (pre-emptive or after a 401) over TLS; HTTP Digest (RFC 7616,
// MD5, qop=auth) when the listener is plain HTTP for a lab. Devices that match no profile,
// or several companies' profiles, get 401 and are listed for the site administrators.
//
// Every outcome that matters is in the operation history: a device attached, a task's
// result (success or the CPE's fault), a credential rotation confirmed.
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
#include "db/worker_pool.h"
#include "devices/device_sessions.h"
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
};

// Where the engine's history records go (the group-commit writer in serve.cpp). Resumes once
// the record is stored and throws when it could not be (SEC-6: fail closed, like the API's).
using HistorySink = std::function<boost::asio::awaitable<void>(audit::OperationRecord)>;

class SessionEngine {
 public:
  SessionEngine(devices::DeviceSessions& devices, db::WorkerPool& db, const Clock& clock, HistorySink history,
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

  boost::asio::awaitable<http::HttpResponse> StartSession(const http::HttpRequest& request,
                                                          const Envelope& envelope, const Inform& inform);
  boost::asio::awaitable<http::HttpResponse> Continue(const http::HttpRequest& request, SessionPtr session,
                                                      const Envelope& envelope);
  boost::asio::awaitable<http::HttpResponse> NextRpc(SessionPtr session);
  boost::asio::awaitable<void> HandleResponse(SessionPtr session, const Envelope& envelope);
  boost::asio::awaitable<void> RecordTask(const devices::Task& task, const std::string& serial);
  // Ends a running task as failed (not a CPE fault) and records it.
  boost::asio::awaitable<void> FailTask(TaskId task, std::string serial, std::string message,
                                        std::string error);
  http::HttpResponse Soap(const Session& session, std::string body) const;
  boost::asio::awaitable<http::HttpResponse> EndSession(SessionPtr session);
  http::HttpResponse Challenge(bool stale) const;
  SessionPtr Find(const http::HttpRequest& request);
  void Forget(const SessionPtr& session);

  devices::DeviceSessions& devices_;
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
