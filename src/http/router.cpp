#include "http/router.h"

#include <chrono>

#include "base/crypto.h"
#include "base/log.h"
#include "db/worker_pool.h"

namespace kanri::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 1;  // paths start with '/'
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

bool IsSafeMethod(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

Problem Unauthenticated() {
  return {401, "unauthenticated", "", "Log in first.", ""};
}

}  // namespace

std::string_view ToString(Access a) {
  switch (a) {
    case Access::kPublic: return "public";
    case Access::kAuthenticated: return "authenticated";
    case Access::kSiteAdmin: return "site_admin";
    case Access::kCompanyAdmin: return "company_admin";
  }
  return "authenticated";
}

void RouteTable::Add(Route route) { routes_.push_back(std::move(route)); }

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') return m;
  const auto segments = Segments(path);
  for (const auto& route : routes_) {
    const auto pattern = Segments(route.path);
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
        if (segments[i].empty()) ok = false;
        params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(segments[i]));
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    if (!ok) continue;
    m.path_known = true;
    if (route.method == method) {
      m.route = &route;
      m.params = std::move(params);
      return m;
    }
  }
  return m;
}

void AddSecurityHeaders(HttpResponse& r) {
  r.SetHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  r.SetHeader("Content-Security-Policy",
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "no-referrer");
  r.SetHeader("X-Frame-Options", "DENY");
  r.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  bool has_cache_control = false;
  for (const auto& [k, v] : r.headers) has_cache_control |= (k == "Cache-Control");
  if (!has_cache_control) r.SetHeader("Cache-Control", "no-store");
}

std::string SessionCookie(std::string_view name, std::string_view token) {
  return std::string(name) + "=" + std::string(token) + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string ExpiredSessionCookie(std::string_view name) {
  return std::string(name) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

boost::asio::awaitable<HttpResponse> Router::Handle(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  auto match = table_.Find(request.method, request.path);
  const Route* route = match.route;
  HttpResponse response;
  try {
    response = co_await Dispatch(request, std::move(match));
  } catch (const ApiError& e) {
    response = ProblemResponse(e.problem());
  } catch (const db::PoolOverloaded& e) {
    LogWarn("overloaded", {{"request_id", request.request_id}, {"detail", e.what()}});
    response = ProblemResponse({503, "overloaded", "", "The service is busy; try again shortly.", ""});
    response.SetHeader("Retry-After", "1");
  } catch (const std::exception& e) {
    LogError("handler failed", {{"request_id", request.request_id}, {"error", e.what()}});
    response = ProblemResponse({500, "internal", "", "Internal error; the request id identifies it in the logs.", ""});
  }
  AddSecurityHeaders(response);
  response.SetHeader("X-Request-Id", request.request_id);

  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::string_view action = route ? std::string_view(route->action) : std::string_view("-");
  LogInfo("request", {{"request_id", request.request_id},
                      {"method", request.method},
                      {"path", request.path},
                      {"status", static_cast<std::int64_t>(response.status)},
                      {"ms", elapsed},
                      {"client_ip", request.client_ip},
                      {"action", action}});
  co_return response;
}

boost::asio::awaitable<HttpResponse> Router::Dispatch(const HttpRequest& request, RouteTable::Match match) {
  if (!match.route) {
    if (match.path_known) throw ApiError(Problem{405, "method_not_allowed", "", "This method is not allowed here.", ""});
    throw ApiError(Problem{404, "not_found", "", "No such resource.", ""});
  }
  const Route& route = *match.route;
  RequestContext ctx{request, std::move(match.params), std::nullopt, {}};

  if (route.access != Access::kPublic) {
    auto token = request.Cookie(settings_.session_cookie);
    if (!token || token->empty()) throw ApiError(Unauthenticated());
    // CSRF first: it needs no database, and a forged request must not even touch the session.
    if (!IsSafeMethod(request.method)) {
      auto sent = request.Header("x-csrf-token");
      if (!sent || !ConstantTimeEquals(*sent, identity::SessionStore::CsrfTokenFor(*token)))
        throw ApiError(Problem{403, "csrf_failed", "", "Missing or wrong X-CSRF-Token header.", ""});
    }
    // SEC-3: background polls of the console do not count as an operation.
    const bool background = request.Header("x-kanri-background") == std::optional<std::string_view>("1");
    auto resolved = co_await resolver_(*token, !background);
    if (!resolved.actor) {
      if (resolved.end == identity::SessionEnd::kIdle || resolved.end == identity::SessionEnd::kLifetime)
        throw ApiError(Problem{401, "session_expired", "",
                               "Your session ended after a period without operations. Log in again.", ""});
      throw ApiError(Unauthenticated());
    }
    ctx.actor = std::move(resolved.actor);
    ctx.session_token = std::move(*token);

    const auto kind = ctx.actor->account.kind;
    const bool allowed = route.access == Access::kAuthenticated ||
                         (route.access == Access::kSiteAdmin && kind == identity::AccountKind::kSiteAdmin) ||
                         (route.access == Access::kCompanyAdmin && kind == identity::AccountKind::kAdmin);
    if (!allowed) throw ApiError(Problem{403, "forbidden", "", "This account may not use this function.", ""});
    if (ctx.actor->account.must_change_password && !route.allowed_before_password_change)
      throw ApiError(Problem{403, "password_change_required", "",
                             "Change the temporary password first (PUT /api/v1/session/password).", ""});
  }
  co_return co_await route.handler(ctx);
}

}  // namespace kanri::http
