// The route table: the single list of every function of the service (ARCHITECTURE.md).
// Each route declares its method, path, who may call it (SEC-5), its operation-history
// action name (SEC-6) and its handler; nothing is routed that is not in the table, and the
// OpenAPI document is generated from it.
//
//   table.Add({.method = "GET", .path = "/api/v1/accounts/{id}", .access = Needs("accounts.read"),
//              .action = "accounts.get", .target_type = "account", .handler = GetAccount});
//
// For every request the router: matches the route, resolves the session cookie (SEC-3) or the
// API token (SEC-9),
// checks CSRF, the company's address restriction (SEC-4), the permission and a pending forced
// password change, calls the handler,
// turns exceptions into problem+json, adds the security headers (OPS-4), and writes one
// operation-history record for the call, whatever the handler did. Handlers never write
// history themselves; they may describe the call in ctx.audit.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "access/permissions.h"
#include "audit/operation_history.h"
#include "http/message.h"
#include "identity/sessions.h"

namespace kanri::http {

// Who may call a route: anybody, any logged-in account, or an account holding one of the
// listed permissions. Every route states one explicitly.
struct AccessRule {
  enum class Kind { kPublic, kLoggedIn, kPermission };
  Kind kind = Kind::kPermission;
  std::vector<std::string> any_of;  // permission names, for kPermission
};
AccessRule Public();
AccessRule LoggedIn();
AccessRule Needs(std::string permission);
AccessRule NeedsAnyOf(std::vector<std::string> permissions);
std::string Describe(const AccessRule& rule);

// What a handler tells the operation history about its call (all optional).
struct AuditNote {
  std::string target_id;  // default: the path parameter "id"
  std::string details;    // a JSON object, never a secret
  // The actor, when the route is public (login names who tried).
  std::optional<identity::Account> actor;
  std::optional<CompanyId> company;  // chain for an anonymous actor with a known company
  // Further events the call caused, e.g. "account.locked".
  struct Event {
    std::string action;
    std::string target_type;
    std::string target_id;
    std::string details = "{}";
    // Also record it in this company's chain (a provider action on a company's account, so the
    // company sees it in its own history).
    std::optional<CompanyId> also_for_company = std::nullopt;
  };
  std::vector<Event> events;
};

struct RequestContext {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // path parameters, e.g. {"id": "…"}
  // The caller: a person's session, or an API token (access::TokenActor) when `api_token`.
  std::optional<identity::SessionActor> actor;
  access::PermissionSet permissions;
  std::string session_token;  // the cookie value, when a session resolved
  bool api_token = false;
  AuditNote audit;

  const std::string& Param(const std::string& name) const { return params.at(name); }
};

using Handler = std::function<boost::asio::awaitable<HttpResponse>(RequestContext&)>;

// OpenAPI details of a route, kept beside it so the document cannot drift.
struct RouteDoc {
  std::string summary;
  std::string tag;
  std::string request_schema;   // JSON Schema of the body (a JSON text), empty when none
  std::string response_schema;  // JSON Schema of the success body, empty when none
  int success_status = 200;
  bool paginated = false;
  std::vector<std::string> query;  // further query parameters (filters)
  // Not part of the API (the web console's pages and files): left out of the document.
  bool hidden = false;
};

struct Route {
  std::string method;
  std::string path;  // literal segments and {name} parameters
  AccessRule access;
  std::string action;       // operation-history action name, e.g. "accounts.create"
  std::string target_type;  // what {id} names, e.g. "account"
  Handler handler;
  RouteDoc doc;
  // Usable while the account must change a temporary password or enrol a second factor (the
  // session routes).
  bool allowed_before_password_change = false;
  // Probes (health, readiness) are not operations and stay out of the history.
  bool audited = true;
  // Only for people's sessions, not API tokens (SEC-9: managing tokens). Routes open to any
  // logged-in account (LoggedIn) are people's too: they are about the session itself.
  bool sessions_only = false;
  // When set, the request body is not held in memory: the server spools it to a file within
  // this many bytes (HttpRequest::spooled_body), once the caller passed the access check.
  std::optional<std::uint64_t> streamed_body_max_bytes;
};

class RouteTable {
 public:
  void Add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool path_known = false;  // some route has this path, with another method (405)
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

// What a request presents: the session cookie (people, in the console) or an API token in
// `Authorization: Bearer` (SEC-9, integrations).
struct Credential {
  enum class Kind { kSessionCookie, kBearerToken };
  Kind kind = Kind::kSessionCookie;
  std::string secret;
};
// The session (or token) behind a credential, with the permissions it holds now.
struct Authentication {
  identity::SessionStore::Resolved session;
  access::PermissionSet permissions;
};
// `is_operation` false for background polls (sessions only); `client_ip` for the company's
// SEC-4 address restriction (Resolved::address_refused).
using Authenticator = std::function<boost::asio::awaitable<Authentication>(
    Credential credential, bool is_operation, std::string client_ip)>;
// Stores one operation-history record (runs it on the database pool).
using HistoryWriter = std::function<boost::asio::awaitable<void>(audit::OperationRecord record)>;

// SEC-6 without flooding: a request refused for want of a session, from nobody known (no
// account, not even an ended session's), is not recorded one by one. Such denials are counted
// per source address and window; one record per address and window carries the count
// (action "anonymous.denied", the provider's chain), written on the first denial after the
// window closed, by the periodic flush, or at shutdown. Memory is bounded: past
// `max_addresses` addresses in one window, further ones are counted under source "*".
struct DenialCountSettings {
  Millis window = std::chrono::minutes{1};
  std::size_t max_addresses = 10'000;
};

class AnonymousDenials {
 public:
  explicit AnonymousDenials(DenialCountSettings settings = {}) : settings_(settings) {}
  // Counts one denial; returns the records of windows that closed before `now`.
  std::vector<audit::OperationRecord> Count(const std::string& address, std::string_view action,
                                            std::string_view error_code, Timestamp now);
  // The records of windows closed before `now`, or of every window when `everything`.
  std::vector<audit::OperationRecord> TakeClosed(Timestamp now, bool everything = false);

 private:
  struct Window {
    Timestamp start;
    std::int64_t count = 0;
    std::string first_action;
    std::string first_error;
  };
  Timestamp WindowStart(Timestamp t) const;
  std::vector<audit::OperationRecord> TakeLocked(Timestamp now, bool everything);
  DenialCountSettings settings_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  Timestamp swept_{};  // start of the window of the last sweep
};

struct RouterSettings {
  std::string session_cookie = "__Host-kanri_session";
  DenialCountSettings anonymous_denials;
};

class Router {
 public:
  Router(RouteTable table, Authenticator authenticator, HistoryWriter history, const Clock& clock,
         RouterSettings settings = {})
      : table_(std::move(table)),
        authenticator_(std::move(authenticator)),
        history_(std::move(history)),
        clock_(clock),
        settings_(std::move(settings)),
        denials_(settings_.anonymous_denials) {}

  boost::asio::awaitable<HttpResponse> Handle(const HttpRequest& request);
  // SEC-6 fail closed: while `history_unavailable` returns true, audited calls that change
  // something (any method but GET, HEAD, OPTIONS) are refused with 503 history_unavailable
  // before their handler runs; reads keep working. Independently, a call whose record cannot
  // be stored is answered 503 history_unavailable instead of its own answer, unless it is a read.
  void RefuseWritesWhile(std::function<bool()> history_unavailable) {
    history_unavailable_ = std::move(history_unavailable);
  }
  // The server's BodyStreamingPolicy: the route's streamed_body_max_bytes when the request
  // head matches such a route and its caller passes the access check (session, CSRF,
  // permission), so that nobody else can make the server spool a large body; nullopt otherwise.
  boost::asio::awaitable<std::optional<std::uint64_t>> StreamedBodyLimit(const HttpRequest& head);
  const RouteTable& table() const { return table_; }
  // Writes the counts of anonymous denials whose window closed (all of them when `everything`,
  // at shutdown).
  boost::asio::awaitable<void> FlushAnonymousDenials(bool everything = false);

 private:
  // The access check of a route, one for Dispatch and StreamedBodyLimit alike: the session
  // (cookie, and the CSRF token on unsafe methods) or the API token, the company's address
  // restriction, the route's permission, the forced password change. `refusal` is what the
  // client is told; `auth` and `token` are the session's (or the token's).
  struct Authorization {
    std::optional<Problem> refusal;
    Authentication auth;
    std::string token;
    bool api_token = false;
  };
  boost::asio::awaitable<Authorization> Authorize(const HttpRequest& request, const Route& route,
                                                  bool is_operation);
  boost::asio::awaitable<HttpResponse> Dispatch(RequestContext& ctx, const Route& route);
  boost::asio::awaitable<void> Record(const RequestContext& ctx, const Route& route,
                                      const HttpResponse& response);
  RouteTable table_;
  Authenticator authenticator_;
  HistoryWriter history_;
  std::function<bool()> history_unavailable_;
  const Clock& clock_;
  RouterSettings settings_;
  AnonymousDenials denials_;
};

// The headers every response carries (HSTS, CSP, nosniff, no referrer, no framing).
void AddSecurityHeaders(HttpResponse& r);

// Set-Cookie values for the session cookie (SEC-3): __Host- prefix, Secure, HttpOnly,
// SameSite=Strict, Path=/.
std::string SessionCookie(std::string_view name, std::string_view token);
std::string ExpiredSessionCookie(std::string_view name);

}  // namespace kanri::http
