// The route table: the single list of every function of the service (ARCHITECTURE.md).
// Each route declares its method, path, who may call it, its operation-history action name
// and its handler; nothing is routed that is not in the table, and the OpenAPI document
// is generated from it.
//
//   table.Add({.method = "GET", .path = "/api/v1/accounts/{id}", .access = Access::kCompanyAdmin,
//              .action = "accounts.get", .summary = "Read an account", .handler = GetAccount});
//
// The router runs the middleware in order for every request: match the route, resolve the
// session cookie (SEC-3), check access, CSRF and a pending forced password change, call the
// handler, turn exceptions into problem+json, and add the security headers (OPS-4).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "identity/sessions.h"

namespace kanri::http {

// Who may call a route. (Issue 3 refines the last two into permissions.)
enum class Access {
  kPublic,         // no login needed
  kAuthenticated,  // any logged-in account
  kSiteAdmin,      // provider accounts only
  kCompanyAdmin,   // a company's administrator accounts, in their own company
};
std::string_view ToString(Access a);

struct RequestContext {
  const HttpRequest& request;
  std::map<std::string, std::string> params;  // path parameters, e.g. {"id": "…"}
  std::optional<identity::SessionActor> actor;
  std::string session_token;  // the cookie value, when a session resolved

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
};

struct Route {
  std::string method;
  std::string path;  // literal segments and {name} parameters
  Access access = Access::kAuthenticated;
  std::string action;  // operation-history action name, e.g. "accounts.create"
  Handler handler;
  RouteDoc doc;
  // Usable while the account must change a temporary password (the session routes).
  bool allowed_before_password_change = false;
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

// Looks a session token up; supplied by the application (it runs on the database pool).
using SessionResolver =
    std::function<boost::asio::awaitable<identity::SessionStore::Resolved>(std::string token, bool is_operation)>;

struct RouterSettings {
  std::string session_cookie = "__Host-kanri_session";
};

class Router {
 public:
  Router(RouteTable table, SessionResolver resolver, RouterSettings settings = {})
      : table_(std::move(table)), resolver_(std::move(resolver)), settings_(std::move(settings)) {}

  boost::asio::awaitable<HttpResponse> Handle(const HttpRequest& request);
  const RouteTable& table() const { return table_; }

 private:
  boost::asio::awaitable<HttpResponse> Dispatch(const HttpRequest& request, RouteTable::Match match);
  RouteTable table_;
  SessionResolver resolver_;
  RouterSettings settings_;
};

// The headers every response carries (HSTS, CSP, nosniff, no referrer, no framing).
void AddSecurityHeaders(HttpResponse& r);

// Set-Cookie values for the session cookie (SEC-3): __Host- prefix, Secure, HttpOnly,
// SameSite=Strict, Path=/.
std::string SessionCookie(std::string_view name, std::string_view token);
std::string ExpiredSessionCookie(std::string_view name);

}  // namespace kanri::http
