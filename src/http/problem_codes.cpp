#include "http/problem_codes.h"

#include <algorithm>
#include <array>
#include <atomic>

namespace kanri::http {

namespace {

// Sorted by code (checked by the test), so a look-up is a binary search.
constexpr std::array kCodes = std::to_array<ProblemCodeInfo>({
    {"account_locked", "the account is locked (too many failed logins, an administrator, or inactivity)"},
    {"account_not_locked", "the account is not locked"},
    {"address_not_allowed", "the address is not allowed (a webhook to a private or loopback address)"},
    {"administrator_exists",
     "the company has an administrator already; further accounts are created by them"},
    {"administrator_only", "only an administrator may grant this (the administrator kind or these roles)"},
    {"administrator_required", "only an administrator may do this"},
    {"allocation_overlap", "the imported allocations overlap another company's"},
    {"allowlist_empty", "an IP restriction needs at least one address range"},
    {"bad_request", "the request is not valid HTTP"},
    {"body_too_large", "the request body is larger than allowed"},
    {"builtin_role", "built-in roles cannot be changed or deleted"},
    {"campaign_ended", "the campaign has ended (cancelled or finished)"},
    {"campaign_not_paused", "the campaign is not paused"},
    {"campaign_not_running", "the campaign is not running"},
    {"campaign_target_empty", "the campaign's target selects no devices"},
    {"campaign_target_too_large", "the campaign's target selects more devices than one campaign may hold"},
    {"campaigns_unavailable", "firmware campaigns are not configured"},
    {"challenge_expired", "the login's second step took too long; log in again"},
    {"company_code_taken", "a company with this code exists already"},
    {"conflict", "the request conflicts with the current state"},
    {"connection_request_auth_failed", "the device refused the connection request's credentials"},
    {"connection_request_refused_by_policy", "the device's connection-request address is not allowed"},
    {"connection_request_timeout", "the device did not answer the connection request in time"},
    {"connection_request_unreachable", "the device's connection-request address could not be reached"},
    {"connection_requests_busy", "too many connection requests are in flight; try again shortly"},
    {"connection_requests_unavailable", "connection requests are not available on this server"},
    {"csrf_failed", "the request lacks the console's CSRF header"},
    {"deletion_in_progress", "the company's data is being deleted after its contract ended"},
    {"device_retired", "the device was retired; it is refused until it is onboarded again"},
    {"filter_group_members", "a filter group's devices follow its filter"},
    {"firmware_in_use",
     "a queued or running download, or a running or paused campaign, uses this firmware file"},
    {"firmware_storage_limit_exceeded", "the company's firmware storage is full"},
    {"firmware_unavailable", "firmware storage is not available"},
    {"forbidden", "not allowed"},
    {"grant_exceeds_own_permissions", "an account may grant only permissions it holds itself"},
    {"group_empty", "the group has no devices"},
    {"group_name_taken", "a device group with this name exists already"},
    {"group_too_large", "the group has more devices than one job may hold"},
    {"header_too_large", "the request's header is larger than allowed"},
    {"history_unavailable", "the operation history cannot record; nothing was changed"},
    {"https_required", "this listener takes HTTPS only"},
    {"import_invalid", "lines of the imported file are at fault; nothing was stored"},
    {"inactivity_lock", "the account is locked for inactivity; only a site administrator unlocks it"},
    {"incident_published", "the incident is published; add an update instead"},
    {"incident_resolved", "the incident is resolved"},
    {"internal", "internal error"},
    {"invalid_json", "the body is not valid JSON"},
    {"invalid_parameter_value", "a value does not fit the type the device reported for its parameter"},
    {"invalid_request", "a field is missing or invalid (see field)"},
    {"invalid_token", "the API token is unknown, expired or revoked"},
    {"ip_not_allowed", "the company does not allow access from this address"},
    {"job_running", "the job is running already"},
    {"last_administrator", "the company's last administrator cannot be removed"},
    {"limit_exceeded", "a limit was reached"},
    {"login_failed", "the login failed"},
    {"login_taken", "an account with this login ID exists already"},
    {"mail_pending", "this mail is still waiting to be sent"},
    {"maintenance_cancelled", "the maintenance window was cancelled"},
    {"maintenance_ended", "the maintenance window has ended"},
    {"maintenance_in_progress", "the window has started: only its end and texts can change"},
    {"method_not_allowed", "the method is not allowed on this resource"},
    {"no_connection_request_url", "the device has not reported a connection-request address yet"},
    {"no_credential_change", "no credential change is pending"},
    {"no_enrolment", "no second-factor enrolment was begun"},
    {"not_found", "not found"},
    {"notice_too_short", "a planned maintenance must be announced three business days ahead"},
    {"operations_unavailable", "the operations monitor is not running on this server"},
    {"overloaded", "the server is overloaded; try again shortly"},
    {"own_account", "an account cannot change its own status or kind, or delete itself"},
    {"own_roles_or_kind", "an account cannot change its own roles or kind"},
    {"parameter_not_writable", "the device reported the parameter as read-only"},
    {"password_change_required", "the password must be changed first"},
    {"password_check_busy",
     "another password check of this account or address is in progress; retry shortly"},
    {"profile_name_taken", "a profile with this name exists already"},
    {"remote_login_active", "a remote login to this device is open already"},
    {"remote_login_disabled", "remote login is switched off for the company"},
    {"remote_login_ended", "the remote login is no longer opening"},
    {"remote_login_not_open", "no remote login to this device is open"},
    {"role_name_taken", "a role with this name exists already"},
    {"selection_changed", "the filter selects another number of devices than the list showed"},
    {"session_expired", "the session ended (idle too long, or logged out)"},
    {"task_not_cancellable", "only a queued task can be cancelled"},
    {"task_not_retryable", "only a failed task can be retried"},
    {"temporary_password_expired", "the temporary password has expired"},
    {"test_pending", "a test event is still waiting to be delivered"},
    {"token_not_allowed", "API tokens may not do this"},
    {"too_many_attempts", "too many attempts; try again later"},
    {"too_many_campaigns", "the company has as many campaigns running or paused as it may"},
    {"too_many_profiles", "the company has as many profiles as allowed"},
    {"too_many_serials", "too many serial numbers in one request"},
    {"too_many_tags", "a device has at most 32 tags"},
    {"too_many_tasks", "too many tasks in one retry"},
    {"too_many_tokens", "the account has as many API tokens as allowed"},
    {"too_many_updates", "the incident has as many updates as allowed"},
    {"totp_already_enabled", "the second factor is on already"},
    {"totp_enrolment_required", "the company requires a second factor: set it up first"},
    {"totp_failed", "the authenticator code is wrong"},
    {"totp_not_enabled", "the second factor is not on"},
    {"totp_required", "the login's second step: send the authenticator code with the challenge"},
    {"totp_required_by_policy", "the company requires a second factor; it cannot be switched off"},
    {"unauthenticated", "not logged in"},
    {"unauthenticated_devices_not_allowed", "the provider does not allow devices without credentials"},
    {"unavailable", "a dependency is not available; try again shortly"},
    {"unknown_company", "no such company"},
    {"unknown_field", "the body has a field this request does not take"},
    {"unknown_serials", "serial numbers that are not devices of this company (the first 10 in items)"},
    {"unsupported_media_type", "the body's media type is not accepted"},
    {"webhook_disabled", "the webhook is disabled; enable it first"},
    {"would_lock_out_caller", "the IP restriction would lock out the address you are using"},
    {"wrong_code", "the authenticator or recovery code is wrong"},
    {"wrong_password", "the current password is wrong"},
});

std::atomic<bool> strict{false};

}  // namespace

std::span<const ProblemCodeInfo> ProblemCodes() {
  return kCodes;
}

bool IsKnownProblemCode(std::string_view code) {
  return std::binary_search(
      kCodes.begin(), kCodes.end(), ProblemCodeInfo{code, {}},
      [](const ProblemCodeInfo& a, const ProblemCodeInfo& b) { return a.code < b.code; });
}

void SetStrictProblemCodes(bool on) {
  strict.store(on, std::memory_order_relaxed);
}

bool StrictProblemCodes() {
  return strict.load(std::memory_order_relaxed);
}

}  // namespace kanri::http
