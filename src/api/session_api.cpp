// /api/v1/session: logging in and out (SEC-1, SEC-3) and changing one's own password.
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "base/log.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::Problem;
using http::RequestContext;

// One answer for every failed login: wrong password, unknown account, locked account,
// disabled account, company out of service (SEC-1).
Problem LoginFailed() {
  return {401, "login_failed", "Login failed",
          "The company ID, login ID or password is incorrect, or the account cannot log in now.", ""};
}

// SEC-1: a concurrent second password check of one account, or more than a source address's
// share of the hashing queue, waits for nothing and is not counted toward the account's lock
// (only toward the address's throttle).
Problem HashingBusy() {
  return {
      429, "password_check_busy", "",
      "Another password check of this account, or too many from this address, is in progress; retry shortly.",
      ""};
}

// `permissions` (what the account holds now) lets the console hide what it may not use.
// `permissions` is told on GET only (the console's start); `totp_enrolment_required` on GET and
// on a login, so that the console goes straight to the set-up when it must; `company` on GET only.
HttpResponse SessionResponse(const ApiServices& s, const identity::Account& account, const std::string& csrf,
                             Timestamp expires_at, const access::PermissionSet* permissions = nullptr,
                             bool totp_enrolment_required = false, const json::value* company = nullptr) {
  const Millis idle_timeout = s.sessions.settings().idle_timeout;
  json::object out{
      {"account", AccountJson(account, s.clock.Now())},
      {"csrf_token", csrf},
      {"expires_at", FormatUtc(expires_at)},
      {"idle_timeout_seconds", std::chrono::duration_cast<std::chrono::seconds>(idle_timeout).count()}};
  if (permissions) out["permissions"] = json::value_from(permissions->Names());
  out["totp_enrolment_required"] = totp_enrolment_required;
  if (company) out["company"] = *company;
  return http::JsonResponse(200, json::serialize(out));
}

// SEC-9: 401 totp_required with the challenge the second step answers (problem+json).
HttpResponse SecondFactorRequired(const identity::LoginOutcome& outcome) {
  json::object body{
      {"type", "urn:kanri:problem:totp_required"},
      {"title", "Second factor required"},
      {"status", 401},
      {"detail", "Send the code of your authenticator app with this challenge to POST /api/v1/session/totp."},
      {"code", "totp_required"},
      {"challenge", outcome.challenge},
      {"challenge_expires_in_seconds",
       std::chrono::duration_cast<std::chrono::seconds>(identity::kChallengeLifetime).count()}};
  HttpResponse r = http::JsonResponse(401, json::serialize(body));
  r.content_type = "application/problem+json";
  r.problem_code = "totp_required";
  return r;
}

// The session cookie and the session's answer after a successful login (either step), which
// says, as GET /api/v1/session does, whether a second factor must be set up first (SEC-9).
asio::awaitable<HttpResponse> LoggedIn(ApiServices& s, const RequestContext& ctx,
                                       const identity::IssuedSession& session) {
  const auto resolved =
      co_await s.db.Run([&] { return s.sessions.Resolve(session.token, false, ctx.request.client_ip); });
  const bool enrolment_required = resolved.actor && resolved.actor->totp_enrolment_required;
  HttpResponse r = SessionResponse(s, session.actor.account, session.csrf_token, session.actor.expires_at,
                                   nullptr, enrolment_required);
  r.SetHeader("Set-Cookie", http::SessionCookie(s.settings.session_cookie, session.token));
  co_return r;
}

identity::Totp& TotpOf(ApiServices& s) {
  if (!s.totp) throw ApiError(Problem{503, "unavailable", "", "The second factor is not available.", ""});
  return *s.totp;
}

asio::awaitable<HttpResponse> Login(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  auto company = in.NullableString("company");
  identity::LoginRequest request;
  request.company_code = company.value_or(std::nullopt);
  if (request.company_code && request.company_code->empty()) request.company_code.reset();
  request.login = in.RequiredString("login");
  const std::string password = in.RequiredString("password");
  in.Finish();
  request.client_ip = ctx.request.client_ip;

  if (!s.throttle.Allows(request.client_ip))
    throw ApiError(
        Problem{429, "too_many_attempts", "", "Too many failed logins from this address; wait a while.", ""});
  // A full hashing queue refuses at once, before any database work (a flood stays cheap).
  if (s.hashing.saturated()) throw db::PoolOverloaded("hash");

  auto attempt = co_await s.db.Run([&] { return s.login.Begin(request, s.hashing_admission); });
  if (attempt.refusal == identity::LoginFailure::kBusy) {
    // Counted for the address's throttle (not the account's lock), so that a source hammering
    // in parallel is slowed like one guessing, and its records stay bounded (SEC-6).
    s.throttle.RecordFailure(request.client_ip);
    HttpResponse busy = http::ProblemResponse(HashingBusy());
    busy.SetHeader("Retry-After", "1");
    co_return busy;
  }
  const bool password_ok =
      co_await s.hashing.Run([&] { return s.hasher.Verify(attempt.hash_to_check, password); });
  auto outcome = co_await s.db.Run([&] { return s.login.Complete(attempt, password_ok); });
  attempt.hashing = {};  // its place in the hashing queue is free again

  // SEC-6: who tried, and why it failed (never the password).
  ctx.audit.actor = outcome.account;
  ctx.audit.company = outcome.company;
  if (outcome.account) ctx.audit.target_id = outcome.account->id.value();
  if (!outcome.session) {
    // SEC-6: what the client typed is clipped, so a megabyte login ID stores 64 bytes.
    ctx.audit.details = json::serialize(json::object{
        {"company", audit::ClipClientText(request.company_code.value_or(""), audit::kMaxRecordedIdBytes)},
        {"login", audit::ClipClientText(request.login, identity::kMaxLoginLength)},
        {"reason", identity::ToString(outcome.failure)}});
    if (outcome.locked_now)
      ctx.audit.events.push_back({"account.locked", "account", outcome.account->id.value()});
    if (outcome.failure != identity::LoginFailure::kSecondFactorRequired)
      s.throttle.RecordFailure(request.client_ip);
    LogInfo("login failed",
            {{"request_id", ctx.request.request_id},
             {"client_ip", request.client_ip},
             {"reason", identity::ToString(outcome.failure)},
             {"account_id", outcome.account ? std::string_view(outcome.account->id.value()) : ""},
             {"locked_now", outcome.locked_now}});
    // SEC-9: the right password of an account with a second factor: the challenge for its code.
    if (outcome.failure == identity::LoginFailure::kSecondFactorRequired)
      co_return SecondFactorRequired(outcome);
    // Told only after the password was verified correct, so it reveals nothing to a guesser.
    if (outcome.failure == identity::LoginFailure::kTemporaryPasswordExpired)
      throw ApiError(Problem{401, "temporary_password_expired", "",
                             "This temporary password has expired; ask an administrator for a new one.", ""});
    throw ApiError(LoginFailed());
  }
  const auto& account = outcome.session->actor.account;
  LogInfo("login", {{"request_id", ctx.request.request_id}, {"account_id", account.id.value()}});

  // DATA-3: re-hash with the current parameters when they were raised since.
  if (s.hasher.NeedsRehash(attempt.hash_to_check)) {
    std::string fresh = co_await s.hashing.Run([&] { return s.hasher.Hash(password); });
    co_await s.db.Run([&] { s.accounts.ReplaceHash(account.id, attempt.hash_to_check, fresh); });
  }

  co_return co_await LoggedIn(s, ctx, *outcome.session);
}

// SEC-9: the second step, {challenge, code}; a recovery code may stand for the code. A wrong or
// reused code counts toward the account's SEC-1 lock and the address's throttle.
asio::awaitable<HttpResponse> LoginSecondFactor(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  const std::string challenge = in.RequiredString("challenge");
  const std::string code = in.RequiredString("code");
  in.Finish();
  const std::string& ip = ctx.request.client_ip;
  if (!s.throttle.Allows(ip))
    throw ApiError(
        Problem{429, "too_many_attempts", "", "Too many failed logins from this address; wait a while.", ""});
  TotpOf(s);
  auto attempt = co_await s.db.Run([&] { return s.login.BeginSecondFactor(challenge, ip); });
  auto outcome = co_await s.db.Run([&] { return s.login.CompleteSecondFactor(attempt, code); });
  ctx.audit.actor = outcome.account;
  ctx.audit.company = outcome.company;
  if (outcome.account) ctx.audit.target_id = outcome.account->id.value();
  if (!outcome.session) {
    ctx.audit.details = json::serialize(json::object{{"reason", identity::ToString(outcome.failure)}});
    if (outcome.locked_now)
      ctx.audit.events.push_back({"account.locked", "account", outcome.account->id.value()});
    s.throttle.RecordFailure(ip);
    // An unknown challenge: expired (5 minutes), used, or never issued. It names no account.
    if (outcome.failure == identity::LoginFailure::kUnknownAccount)
      throw ApiError(
          Problem{401, "challenge_expired", "", "This login expired; enter the password again.", ""});
    throw ApiError(Problem{401, "totp_failed", "", "The code is not correct or was already used.", ""});
  }
  co_return co_await LoggedIn(s, ctx, *outcome.session);
}

// SEC-9: enrolment of the caller's own account: the secret, its otpauth:// URI and a QR code.
asio::awaitable<HttpResponse> BeginEnrolment(ApiServices& s, RequestContext& ctx) {
  auto& totp = TotpOf(s);
  const auto& account = ctx.actor->account;
  ctx.audit.target_id = account.id.value();
  std::string company_code;
  if (account.company_id) {
    auto company = co_await s.db.Run([&] { return s.companies.GetOwn(*account.company_id); });
    if (company) company_code = company->code;
  }
  auto e = Unwrap(co_await s.db.Run([&] { return totp.BeginEnrolment(account, company_code); }));
  co_return http::JsonResponse(
      200, json::serialize(json::object{
               {"secret", e.secret_base32}, {"otpauth_uri", e.otpauth_uri}, {"qr_svg", e.qr_svg}}));
}

// The {code} body of the second factor's own routes.
std::string ReadCode(const RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  std::string code = in.RequiredString("code");
  in.Finish();
  return code;
}

// A code proves the step (switching the factor on, or renewing the recovery codes); the answer
// is the new recovery codes, their only showing.
using RecoveryCodesStep = Result<std::vector<std::string>> (identity::Totp::*)(const AccountId&,
                                                                               std::string_view);
asio::awaitable<HttpResponse> RecoveryCodes(ApiServices& s, RequestContext& ctx, RecoveryCodesStep step) {
  auto& totp = TotpOf(s);
  const std::string code = ReadCode(ctx);
  const auto& account = ctx.actor->account;
  ctx.audit.target_id = account.id.value();
  auto codes = Unwrap(co_await s.db.Run([&] { return (totp.*step)(account.id, code); }));
  co_return http::JsonResponse(200,
                               json::serialize(json::object{{"recovery_codes", json::value_from(codes)}}));
}

asio::awaitable<HttpResponse> DisableSecondFactor(ApiServices& s, RequestContext& ctx) {
  auto& totp = TotpOf(s);
  const std::string code = ReadCode(ctx);
  const auto& account = ctx.actor->account;
  ctx.audit.target_id = account.id.value();
  const bool required =
      account.company_id
          ? Unwrap(co_await s.db.Run([&] { return s.companies.SignIn(*account.company_id); })).totp_required
          : s.sessions.settings().require_totp_for_site_admins;
  if (required)
    throw ApiError(Problem{403, "totp_required_by_policy", "",
                           "Your company requires a second factor; it cannot be switched off.", ""});
  Unwrap(co_await s.db.Run([&] { return totp.Disable(account.id, code); }));
  co_return http::NoContent();
}

// GET also names the company the session belongs to (null for the provider's accounts), so that
// the console shows where one is logged in whichever way the login went (two steps included).
asio::awaitable<HttpResponse> WhoAmI(ApiServices& s, RequestContext& ctx) {
  const auto& account = ctx.actor->account;
  json::value company = nullptr;
  if (account.company_id) {
    auto own = co_await s.db.Run([&] { return s.companies.GetOwn(*account.company_id); });
    if (own) company = json::object{{"id", own->id.value()}, {"code", own->code}, {"name", own->name}};
  }
  co_return SessionResponse(s, account, identity::SessionStore::CsrfTokenFor(ctx.session_token),
                            ctx.actor->expires_at, &ctx.permissions, ctx.actor->totp_enrolment_required,
                            &company);
}

asio::awaitable<HttpResponse> Logout(ApiServices& s, RequestContext& ctx) {
  co_await s.db.Run([&] { s.sessions.Revoke(ctx.actor->session_id); });
  HttpResponse r = http::NoContent();
  r.SetHeader("Set-Cookie", http::ExpiredSessionCookie(s.settings.session_cookie));
  co_return r;
}

asio::awaitable<HttpResponse> ChangePassword(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  const std::string current = in.RequiredString("current");
  const std::string fresh = in.RequiredString("new");
  in.Finish();
  const auto& account = ctx.actor->account;
  ctx.audit.target_id = account.id.value();
  if (auto st = s.password_policy.Check(fresh, account.login, "new"); !st) throw ApiError(st.error());
  if (current == fresh) ThrowInvalid("new", "the new password must differ from the current one");

  // SEC-1: a wrong current password counts like a failed login, for the account's lock and the
  // address's throttle; a locked account cannot change its password.
  const std::string& ip = ctx.request.client_ip;
  if (!s.throttle.Allows(ip))
    throw ApiError(
        Problem{429, "too_many_attempts", "", "Too many failed logins from this address; wait a while.", ""});
  if (s.hashing.saturated()) throw db::PoolOverloaded("hash");
  auto attempt =
      co_await s.db.Run([&] { return s.login.BeginPasswordCheck(account.id, ip, s.hashing_admission); });
  if (attempt.refusal == identity::LoginFailure::kBusy) {
    s.throttle.RecordFailure(ip);
    HttpResponse busy = http::ProblemResponse(HashingBusy());
    busy.SetHeader("Retry-After", "1");
    co_return busy;
  }
  const bool ok = co_await s.hashing.Run([&] { return s.hasher.Verify(attempt.hash_to_check, current); });
  auto outcome = co_await s.db.Run([&] { return s.login.Complete(attempt, ok); });
  if (outcome.failure != identity::LoginFailure::kNone) {
    ctx.audit.details = json::serialize(json::object{{"reason", identity::ToString(outcome.failure)}});
    if (outcome.locked_now) ctx.audit.events.push_back({"account.locked", "account", account.id.value()});
    s.throttle.RecordFailure(ip);
    if (outcome.failure == identity::LoginFailure::kLocked)
      throw ApiError(
          Problem{403, "account_locked", "", "The account is locked; its password cannot change now.", ""});
    throw ApiError(Problem{403, "wrong_password", "", "The current password is not correct.", "current"});
  }
  // The account's place in the hashing queue (attempt.hashing) is kept for the new hash too.
  std::string hash = co_await s.hashing.Run([&] { return s.hasher.Hash(fresh); });
  attempt.hashing = {};
  Unwrap(co_await s.db.Run(
      [&] { return s.accounts.ChangeOwnPassword(account.id, hash, ctx.actor->session_id); }));
  co_return http::NoContent();
}

}  // namespace

void AddSessionRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "POST",
         .path = "/api/v1/session/totp",
         .access = http::Public(),
         .action = "session.login_second_factor",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return LoginSecondFactor(s, c); },
         .doc = {
             .summary = "The second step of a login with TOTP: the challenge and a code (or a recovery code)",
             .tag = "session",
             .request_schema = schema::kTotpLogin,
             .response_schema = schema::kSession}});
  t.Add({.method = "POST",
         .path = "/api/v1/session/totp/enrolment",
         .access = http::LoggedIn(),
         .action = "session.totp_enrolment",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return BeginEnrolment(s, c); },
         .doc = {.summary = "Begin setting up a TOTP second factor: the secret, otpauth:// URI and QR code",
                 .tag = "session",
                 .response_schema = schema::kTotpEnrolment},
         .allowed_before_password_change = true});
  t.Add(
      {.method = "POST",
       .path = "/api/v1/session/totp/enrolment/confirm",
       .access = http::LoggedIn(),
       .action = "session.totp_enable",
       .target_type = "account",
       .handler = [&s](RequestContext& c) { return RecoveryCodes(s, c, &identity::Totp::ConfirmEnrolment); },
       .doc = {.summary =
                   "Switch the second factor on with a current code; answers 10 one-time recovery codes",
               .tag = "session",
               .request_schema = schema::kTotpCode,
               .response_schema = schema::kRecoveryCodes},
       .allowed_before_password_change = true});
  t.Add(
      {.method = "POST",
       .path = "/api/v1/session/totp/recovery-codes",
       .access = http::LoggedIn(),
       .action = "session.totp_recovery_codes",
       .target_type = "account",
       .handler =
           [&s](RequestContext& c) { return RecoveryCodes(s, c, &identity::Totp::RegenerateRecoveryCodes); },
       .doc = {.summary = "New recovery codes in place of the old ones (used or not), with a current code; "
                          "answered once",
               .tag = "session",
               .request_schema = schema::kTotpCode,
               .response_schema = schema::kRecoveryCodes}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/session/totp",
         .access = http::LoggedIn(),
         .action = "session.totp_disable",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return DisableSecondFactor(s, c); },
         .doc = {.summary = "Switch the second factor off with a current code (not where it is required)",
                 .tag = "session",
                 .request_schema = schema::kTotpCode,
                 .success_status = 204}});
  t.Add({.method = "POST",
         .path = "/api/v1/session",
         .access = http::Public(),
         .action = "session.login",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return Login(s, c); },
         .doc = {.summary = "Log in; sets the session cookie and returns the CSRF token",
                 .tag = "session",
                 .request_schema = schema::kLogin,
                 .response_schema = schema::kSession}});
  t.Add({.method = "GET",
         .path = "/api/v1/session",
         .access = http::LoggedIn(),
         .action = "session.get",
         .handler = [&s](RequestContext& c) { return WhoAmI(s, c); },
         .doc = {.summary = "Who is logged in", .tag = "session", .response_schema = schema::kSession},
         .allowed_before_password_change = true});
  t.Add({.method = "DELETE",
         .path = "/api/v1/session",
         .access = http::LoggedIn(),
         .action = "session.logout",
         .handler = [&s](RequestContext& c) { return Logout(s, c); },
         .doc = {.summary = "Log out; the session token stops working at once",
                 .tag = "session",
                 .success_status = 204},
         .allowed_before_password_change = true});
  t.Add({.method = "PUT",
         .path = "/api/v1/session/password",
         .access = http::LoggedIn(),
         .action = "session.change_password",
         .target_type = "account",
         .handler = [&s](RequestContext& c) { return ChangePassword(s, c); },
         .doc = {.summary = "Change one's own password (ends the account's other sessions)",
                 .tag = "session",
                 .request_schema = schema::kPasswordChange,
                 .success_status = 204},
         .allowed_before_password_change = true});
}

}  // namespace kanri::api
