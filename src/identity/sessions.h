// Login sessions (SEC-3). A session is a random 256-bit token held by the browser in the
// cookie __Host-kanri_session; the database keeps only its SHA-256, so a copy of the
// database cannot be replayed as a login.
//
// A session ends when its account logs out, after `idle_timeout` without an operation
// (background polls, marked X-Kanri-Background: 1, do not count), after
// `absolute_lifetime` whatever happens, and at once when its account is locked or disabled
// or its company leaves service.
#pragma once

#include <optional>
#include <string>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "identity/accounts.h"

namespace kanri::identity {

struct SessionSettings {
  Millis idle_timeout = std::chrono::minutes{60};  // SEC-3
  Millis absolute_lifetime = std::chrono::hours{12};
  // The activity time is written at most this often per session, so a burst of requests
  // costs one write; the idle timeout can end a session up to this much early.
  Millis activity_write_interval = std::chrono::seconds{1};
  // SEC-9: site administrators must use a TOTP second factor (--require-totp-for-site-admins).
  bool require_totp_for_site_admins = false;
};

// The logged-in account behind a request.
struct SessionActor {
  SessionId session_id;
  Account account;
  Timestamp created_at;
  Timestamp expires_at;
  // SEC-9: a second factor is required (by the company, or for site administrators) and the
  // account has none yet: only the session's own routes work until it enrols.
  bool totp_enrolment_required = false;
};

struct IssuedSession {
  std::string token;       // goes to the cookie; never stored
  std::string csrf_token;  // derived from the token; sent back in X-CSRF-Token
  SessionActor actor;
};

// Why a token does not resolve; all map to 401, but the console explains an expiry.
enum class SessionEnd { kNone, kUnknown, kIdle, kLifetime, kAccountInactive };

class SessionStore {
 public:
  SessionStore(db::Database& db, const Clock& clock, SessionSettings settings)
      : db_(db), clock_(clock), settings_(settings) {}

  // Inside the caller's write transaction (login records its outcome in the same one).
  IssuedSession Create(db::Lease& lease, const Account& account, const std::string& client_ip);

  struct Resolved {
    std::optional<SessionActor> actor;
    SessionEnd end = SessionEnd::kNone;    // set when actor is empty
    std::optional<Account> ended_account;  // whose session just ended (for the history)
    // SEC-4: the session is valid (actor set) but its company does not admit the request's
    // address; the request is refused, the session stays.
    bool address_refused = false;
  };
  // Looks the token up; `is_operation` false for background polls, which do not extend the
  // idle timer. An expired or orphaned session is deleted on the way. `client_ip` is checked
  // against the company's SEC-4 restriction.
  Resolved Resolve(std::string_view token, bool is_operation, std::string_view client_ip);

  void Revoke(const SessionId& id);
  // Deletes the sessions that ended at `now` (idle past the timeout, or past their absolute
  // expiry) and nobody came back to (the `session-purge` job); returns how many.
  std::size_t PurgeEnded(Timestamp now);

  // The CSRF token belonging to a session token: a keyed hash, so the server can hand it
  // out again (GET /api/v1/session) without storing it.
  static std::string CsrfTokenFor(std::string_view session_token);

  const SessionSettings& settings() const { return settings_; }

 private:
  db::Database& db_;
  const Clock& clock_;
  SessionSettings settings_;
};

}  // namespace kanri::identity
