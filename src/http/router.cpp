#include "http/router.h"

#include <chrono>

#include "base/crypto.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/text.h"
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

bool IsSafeMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

Problem Unauthenticated() {
  return {401, "unauthenticated", "", "Log in first.", ""};
}

// SEC-9: the token of `Authorization: Bearer <token>` (scheme case-insensitive), if any.
std::optional<std::string_view> BearerToken(const HttpRequest& request) {
  auto h = request.Header("authorization");
  if (!h || h->size() < 7 || AsciiLower(h->substr(0, 7)) != "bearer ") return std::nullopt;
  return Trim(h->substr(7));
}

// SEC-4: a valid session or token used from an address its company does not admit.
Problem IpNotAllowed() {
  return {403, "ip_not_allowed", "", "Your company does not allow access from this address.", ""};
}

// SEC-6: what a write gets when its operation-history record cannot be stored.
HttpResponse HistoryUnavailableResponse() {
  HttpResponse r =
      ProblemResponse({503, "history_unavailable", "",
                       "The operation history cannot record operations right now, so no change is "
                       "accepted. Try again shortly.",
                       ""});
  r.SetHeader("Retry-After", "5");
  return r;
}

}  // namespace

AccessRule Public() {
  return {AccessRule::Kind::kPublic, {}};
}
AccessRule LoggedIn() {
  return {AccessRule::Kind::kLoggedIn, {}};
}
AccessRule Needs(std::string permission) {
  return {AccessRule::Kind::kPermission, {std::move(permission)}};
}
AccessRule NeedsAnyOf(std::vector<std::string> permissions) {
  return {AccessRule::Kind::kPermission, std::move(permissions)};
}

std::string Describe(const AccessRule& rule) {
  switch (rule.kind) {
    case AccessRule::Kind::kPublic:
      return "public";
    case AccessRule::Kind::kLoggedIn:
      return "logged_in";
    case AccessRule::Kind::kPermission:
      break;
  }
  std::string out;
  for (const auto& p : rule.any_of) out += (out.empty() ? "" : " | ") + p;
  return out;
}

// The source of denials counted once the per-window address table is full.
constexpr char kOverflowAddress[] = "*";

Timestamp AnonymousDenials::WindowStart(Timestamp t) const {
  return Timestamp{(t.time_since_epoch() / settings_.window) * settings_.window};
}

std::vector<audit::OperationRecord> AnonymousDenials::Count(const std::string& address,
                                                            std::string_view action,
                                                            std::string_view error_code, Timestamp now) {
  std::lock_guard lock(mu_);
  const Timestamp start = WindowStart(now);
  // Sweeping once per window keeps a denial O(1) however many addresses are counted.
  std::vector<audit::OperationRecord> closed;
  if (start > swept_) {
    closed = TakeLocked(now, false);
    swept_ = start;
  }
  const std::string& key =
      windows_.size() < settings_.max_addresses || windows_.contains(address) ? address : kOverflowAddress;
  Window& w = windows_[key];
  if (w.count == 0) {
    w.start = start;
    w.first_action = audit::ClipClientText(action, audit::kMaxRecordedIdBytes);
    w.first_error = audit::ClipClientText(error_code, audit::kMaxRecordedIdBytes);
  }
  ++w.count;
  return closed;
}

std::vector<audit::OperationRecord> AnonymousDenials::TakeClosed(Timestamp now, bool everything) {
  std::lock_guard lock(mu_);
  return TakeLocked(now, everything);
}

std::vector<audit::OperationRecord> AnonymousDenials::TakeLocked(Timestamp now, bool everything) {
  const Timestamp current = WindowStart(now);
  std::vector<audit::OperationRecord> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const Window& w = it->second;
    if (!everything && w.start >= current) {
      ++it;
      continue;
    }
    audit::OperationRecord r;
    r.time = now;
    r.source_ip = audit::ClipClientText(it->first, audit::kMaxRecordedIdBytes);
    r.action = "anonymous.denied";
    r.outcome = audit::Outcome::kDenied;
    r.error_code = w.first_error;
    // Only server-made text below (route action names, times), so it needs no JSON escaping.
    r.details = "{\"count\":" + std::to_string(w.count) + ",\"window_start\":\"" + FormatUtc(w.start) +
                "\",\"window_end\":\"" + FormatUtc(w.start + settings_.window) + "\",\"first_action\":\"" +
                w.first_action + "\"}";
    out.push_back(std::move(r));
    it = windows_.erase(it);
  }
  return out;
}

void RouteTable::Add(Route route) {
  routes_.push_back(std::move(route));
}

RouteTable::Match RouteTable::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path.empty() || path.front() != '/') return m;
  const auto segments = Segments(path);
  // The most specific pattern wins, whatever the order routes were added in: /devices/refused
  // over /devices/{id} (the one with more literal segments; the first added among equals).
  std::size_t best_literals = 0;
  for (const auto& route : routes_) {
    const auto pattern = Segments(route.path);
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    std::size_t literals = 0;
    for (size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
        if (segments[i].empty()) ok = false;
        params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(segments[i]));
      } else {
        ok = pattern[i] == segments[i];
        ++literals;
      }
    }
    if (!ok) continue;
    m.path_known = true;
    if (route.method == method && (!m.route || literals > best_literals)) {
      m.route = &route;
      m.params = std::move(params);
      best_literals = literals;
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
  RequestContext ctx{request, std::move(match.params), std::nullopt, {}, {}, {}};
  HttpResponse response;
  try {
    if (!route) {
      if (match.path_known)
        throw ApiError(Problem{405, "method_not_allowed", "", "This method is not allowed here.", ""});
      throw ApiError(Problem{404, "not_found", "", "No such resource.", ""});
    }
    if (route->audited && !IsSafeMethod(request.method) && history_unavailable_ && history_unavailable_()) {
      response = HistoryUnavailableResponse();
    } else {
      response = co_await Dispatch(ctx, *route);
    }
  } catch (const ApiError& e) {
    response = ProblemResponse(e.problem());
  } catch (const db::PoolOverloaded& e) {
    LogWarn("overloaded", {{"request_id", request.request_id}, {"detail", e.what()}});
    response = ProblemResponse({503, "overloaded", "", "The service is busy; try again shortly.", ""});
    response.SetHeader("Retry-After", "1");
  } catch (const std::exception& e) {
    LogError("handler failed", {{"request_id", request.request_id}, {"error", e.what()}});
    response = ProblemResponse(
        {500, "internal", "", "Internal error; the request id identifies it in the logs.", ""});
  }
  AddSecurityHeaders(response);
  response.SetHeader("X-Request-Id", request.request_id);

  // Issue 17: the console's background polling (X-Kanri-Background: 1) is not a person's
  // operation: a read it makes in a person's session that succeeds is not recorded. Every write
  // is, every refused or failed read, every export, and every call of an API token (a script
  // is no console), whatever the headers say.
  const bool background_read = IsSafeMethod(request.method) && response.status < 400 && ctx.actor &&
                               !ctx.api_token && !request.Query("format") &&
                               request.Header("x-kanri-background") == std::optional<std::string_view>("1");
  if (route && route->audited && !background_read) {
    // SEC-6: one record per call, whatever happened above. A write whose record cannot be
    // stored is answered 503: the caller must not take it as done (the record itself is in
    // the server log, see audit/history_writer.h). A read keeps its answer.
    std::string failure;
    try {
      co_await Record(ctx, *route, response);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) {
      LogError("operation history write failed", {{"request_id", request.request_id}, {"error", failure}});
      if (!IsSafeMethod(request.method)) {
        response = HistoryUnavailableResponse();
        AddSecurityHeaders(response);
        response.SetHeader("X-Request-Id", request.request_id);
      }
    }
  }

  const auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // Metrics by the route's pattern (never the path a client sent) and the status.
  static auto& requests = metrics::Default().Counter(
      "kanri_http_requests_total", "API and console requests by route and status", {"route", "status"});
  static auto& latency = metrics::Default().Histogram("kanri_http_request_duration_seconds",
                                                      "Time to answer a request, by route", {"route"},
                                                      metrics::LatencyBuckets());
  const std::string route_label = route ? route->method + " " + route->path : "unmatched";
  requests.With({route_label, std::to_string(response.status)}).Inc();
  latency.With({route_label}).Observe(elapsed / 1000.0);
  LogInfo("request", {{"request_id", request.request_id},
                      {"method", request.method},
                      {"path", audit::ClipClientText(request.path, audit::kMaxRecordedPathBytes)},
                      {"status", static_cast<std::int64_t>(response.status)},
                      {"ms", elapsed},
                      {"client_ip", request.client_ip},
                      {"action", route ? std::string_view(route->action) : std::string_view("-")}});
  co_return response;
}

boost::asio::awaitable<Router::Authorization> Router::Authorize(const HttpRequest& request,
                                                                const Route& route, bool is_operation) {
  Authorization out;
  if (route.access.kind == AccessRule::Kind::kPublic) co_return out;
  // SEC-9: an API token, when the request carries one, whatever cookie comes with it.
  if (auto bearer = BearerToken(request)) {
    if (route.sessions_only || route.access.kind == AccessRule::Kind::kLoggedIn) {
      out.refusal = Problem{403, "token_not_allowed", "",
                            "This function is for people's sessions, not API tokens.", ""};
      co_return out;
    }
    out.api_token = true;
    // Named, not a braced temporary in the co_await expression: GCC 12 destroys such a temporary
    // twice (found by ASan).
    Credential credential{Credential::Kind::kBearerToken, std::string(*bearer)};
    out.auth = co_await authenticator_(std::move(credential), is_operation, request.client_ip);
    if (!out.auth.session.actor) {
      out.refusal = Problem{401, "invalid_token", "", "The API token is unknown, revoked or expired.", ""};
      co_return out;
    }
  } else {
    auto token = request.Cookie(settings_.session_cookie);
    if (!token || token->empty()) {
      out.refusal = Unauthenticated();
      co_return out;
    }
    // CSRF first: it needs no database, and a forged request must not even touch the session.
    if (!IsSafeMethod(request.method)) {
      auto sent = request.Header("x-csrf-token");
      if (!sent || !ConstantTimeEquals(*sent, identity::SessionStore::CsrfTokenFor(*token))) {
        out.refusal = Problem{403, "csrf_failed", "", "Missing or wrong X-CSRF-Token header.", ""};
        co_return out;
      }
    }
    Credential credential{Credential::Kind::kSessionCookie, *token};
    out.auth = co_await authenticator_(std::move(credential), is_operation, request.client_ip);
    out.token = std::move(*token);
  }
  const auto& session = out.auth.session;
  if (!session.actor) {
    if (session.end == identity::SessionEnd::kIdle || session.end == identity::SessionEnd::kLifetime)
      out.refusal = Problem{401, "session_expired", "",
                            "Your session ended after a period without operations. Log in again.", ""};
    else
      out.refusal = Unauthenticated();
    co_return out;
  }
  if (session.address_refused) {
    out.refusal = IpNotAllowed();
    co_return out;
  }
  // SEC-9: told before the permission, so the console sends the person to enrol.
  if (session.actor->totp_enrolment_required && !route.allowed_before_password_change) {
    out.refusal = Problem{403, "totp_enrolment_required", "",
                          "Set up the second factor first (POST /api/v1/session/totp/enrolment).", ""};
    co_return out;
  }
  if (route.access.kind == AccessRule::Kind::kPermission) {
    bool allowed = false;
    for (const auto& p : route.access.any_of) allowed = allowed || out.auth.permissions.Has(p);
    if (!allowed) {
      out.refusal = Problem{403, "forbidden", "", "This account may not use this function.", ""};
      co_return out;
    }
  }
  if (session.actor->account.must_change_password && !route.allowed_before_password_change)
    out.refusal = Problem{403, "password_change_required", "",
                          "Change the temporary password first (PUT /api/v1/session/password).", ""};
  co_return out;
}

boost::asio::awaitable<std::optional<std::uint64_t>> Router::StreamedBodyLimit(const HttpRequest& head) {
  auto match = table_.Find(head.method, head.path);
  if (!match.route || !match.route->streamed_body_max_bytes) co_return std::nullopt;
  // Not an operation yet: Handle counts it once the body has arrived. A request that would be
  // refused reads its body into memory within max_body_bytes and is refused there.
  const Authorization a = co_await Authorize(head, *match.route, false);
  if (a.refusal) co_return std::nullopt;
  co_return match.route->streamed_body_max_bytes;
}

boost::asio::awaitable<HttpResponse> Router::Dispatch(RequestContext& ctx, const Route& route) {
  // SEC-3: background polls of the console do not count as an operation.
  const bool background = ctx.request.Header("x-kanri-background") == std::optional<std::string_view>("1");
  Authorization a = co_await Authorize(ctx.request, route, !background);
  // A refusal of a known account (no permission, the password to change) is recorded with it.
  if (a.auth.session.actor) {
    ctx.actor = std::move(a.auth.session.actor);
    ctx.permissions = a.auth.permissions;
    ctx.session_token = std::move(a.token);
    ctx.api_token = a.api_token;
  } else if (a.auth.session.ended_account) {
    ctx.audit.actor = a.auth.session.ended_account;
    ctx.audit.events.push_back({"session.expired", "session", "", "{}"});
  }
  if (a.refusal) throw ApiError(std::move(*a.refusal));
  co_return co_await route.handler(ctx);
}

boost::asio::awaitable<void> Router::Record(const RequestContext& ctx, const Route& route,
                                            const HttpResponse& response) {
  const identity::Account* account = ctx.actor         ? &ctx.actor->account
                                     : ctx.audit.actor ? &*ctx.audit.actor
                                                       : nullptr;
  // Denied: refused by access control (no session, no permission, CSRF). A public route's
  // refusal, such as a wrong password at login, is a failure of the operation itself.
  const bool denied =
      response.status == 403 || (response.status == 401 && route.access.kind != AccessRule::Kind::kPublic);
  if (denied && !account) {
    // SEC-6: counted, not recorded one by one (AnonymousDenials).
    for (auto& r : denials_.Count(ctx.request.client_ip, route.action, response.problem_code, clock_.Now()))
      co_await history_(std::move(r));
    co_return;
  }
  audit::OperationRecord base;
  base.time = clock_.Now();
  base.company = account ? account->company_id : ctx.audit.company;
  if (account) {
    base.actor_id = account->id.value();
    base.actor_login = account->login;
  }
  base.source_ip = ctx.request.client_ip;
  base.request_id = ctx.request.request_id;

  audit::OperationRecord call = base;
  call.action = route.action;
  call.target_type = route.target_type;
  auto id = ctx.params.find("id");
  // SEC-6: an {id} comes from the path, as the client wrote it.
  call.target_id = audit::ClipClientText(!ctx.audit.target_id.empty() ? ctx.audit.target_id
                                         : id != ctx.params.end()     ? id->second
                                                                      : "",
                                         audit::kMaxRecordedIdBytes);
  call.outcome = response.status < 400 ? audit::Outcome::kSuccess
                 : denied              ? audit::Outcome::kDenied
                                       : audit::Outcome::kFailed;
  call.error_code = response.problem_code;
  call.details = ctx.audit.details.empty() ? "{}" : ctx.audit.details;
  co_await history_(std::move(call));
  for (const auto& e : ctx.audit.events) {
    audit::OperationRecord event = base;
    event.action = e.action;
    event.target_type = e.target_type;
    event.target_id = audit::ClipClientText(e.target_id, audit::kMaxRecordedIdBytes);
    event.details = e.details;
    if (e.also_for_company && e.also_for_company != event.company) {
      audit::OperationRecord copy = event;
      copy.company = e.also_for_company;
      co_await history_(std::move(copy));
    }
    co_await history_(std::move(event));
  }
}

boost::asio::awaitable<void> Router::FlushAnonymousDenials(bool everything) {
  for (auto& r : denials_.TakeClosed(clock_.Now(), everything)) co_await history_(std::move(r));
}

}  // namespace kanri::http
