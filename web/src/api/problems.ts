// The API's problems (RFC 9457 `code`, and for invalid_request the `field`) in the console's
// words (issue 18): every code has a Japanese and an English message under `errors.<code>` of
// ja.ts / en.ts, checked by tsc below; the server's English `detail` is only a fallback for a
// code this console does not know yet. A problem about a form field is shown on that field:
// the problem names it (`field`), or the code implies it (login_taken -> login).
import type { TranslationKey } from "../i18n";
import type { components } from "./schema";
import { en } from "../i18n/en";
import { ja } from "../i18n/ja";

// Every code the API can answer: the OpenAPI document's enum of Problem.code (the server's
// registry, src/http/problem_codes.cpp). The list is that union at run time, for the test that
// every code has its messages; tsc checks below that it holds every code of the union and no other.
export type ProblemCode = NonNullable<components["schemas"]["Problem"]["code"]>;

export const PROBLEM_CODES = [
  "account_locked",
  "account_not_locked",
  "address_not_allowed",
  "administrator_exists",
  "administrator_only",
  "administrator_required",
  "allocation_overlap",
  "allowlist_empty",
  "bad_request",
  "body_too_large",
  "builtin_role",
  "campaign_ended",
  "campaign_not_paused",
  "campaign_not_running",
  "campaign_target_empty",
  "campaign_target_too_large",
  "campaigns_unavailable",
  "challenge_expired",
  "company_code_taken",
  "conflict",
  "connection_request_auth_failed",
  "connection_request_refused_by_policy",
  "connection_request_timeout",
  "connection_request_unreachable",
  "connection_requests_busy",
  "connection_requests_unavailable",
  "csrf_failed",
  "deletion_in_progress",
  "device_retired",
  "filter_group_members",
  "firmware_in_use",
  "firmware_storage_limit_exceeded",
  "firmware_unavailable",
  "forbidden",
  "grant_exceeds_own_permissions",
  "group_empty",
  "group_name_taken",
  "group_too_large",
  "header_too_large",
  "history_unavailable",
  "https_required",
  "import_invalid",
  "inactivity_lock",
  "incident_published",
  "incident_resolved",
  "internal",
  "invalid_json",
  "invalid_parameter_value",
  "invalid_request",
  "invalid_token",
  "ip_not_allowed",
  "job_running",
  "last_administrator",
  "limit_exceeded",
  "login_failed",
  "login_taken",
  "mail_pending",
  "maintenance_cancelled",
  "maintenance_ended",
  "maintenance_in_progress",
  "method_not_allowed",
  "no_connection_request_url",
  "no_credential_change",
  "no_enrolment",
  "not_found",
  "notice_too_short",
  "operations_unavailable",
  "overloaded",
  "own_account",
  "own_roles_or_kind",
  "parameter_not_writable",
  "password_change_required",
  "password_check_busy",
  "profile_name_taken",
  "remote_login_active",
  "remote_login_disabled",
  "remote_login_ended",
  "remote_login_not_open",
  "role_name_taken",
  "selection_changed",
  "session_expired",
  "task_not_cancellable",
  "task_not_retryable",
  "temporary_password_expired",
  "test_pending",
  "token_not_allowed",
  "too_many_attempts",
  "too_many_campaigns",
  "too_many_profiles",
  "too_many_serials",
  "too_many_tags",
  "too_many_tasks",
  "too_many_tokens",
  "too_many_updates",
  "totp_already_enabled",
  "totp_enrolment_required",
  "totp_failed",
  "totp_not_enabled",
  "totp_required",
  "totp_required_by_policy",
  "unauthenticated",
  "unauthenticated_devices_not_allowed",
  "unavailable",
  "unknown_company",
  "unknown_field",
  "unknown_serials",
  "unsupported_media_type",
  "webhook_disabled",
  "would_lock_out_caller",
  "wrong_code",
  "wrong_password",
] as const satisfies readonly ProblemCode[];

type Unlisted = Exclude<ProblemCode, (typeof PROBLEM_CODES)[number]>;
// tsc: a code of the union missing from the list is named here.
export const EVERY_CODE_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

// tsc: a code without a Japanese or an English message fails the build.
export const PROBLEM_MESSAGES = {
  ja: ja.errors satisfies Record<ProblemCode, string>,
  en: en.errors satisfies Record<ProblemCode, string>,
};

// The form field a code is about when the problem does not name one.
export const PROBLEM_FIELD: Partial<Record<ProblemCode, string>> = {
  login_taken: "login",
  company_code_taken: "code",
  profile_name_taken: "name",
  role_name_taken: "name",
  group_name_taken: "name",
  wrong_password: "current",
  wrong_code: "code",
  totp_failed: "code",
  would_lock_out_caller: "ip_allowlist",
  allowlist_empty: "ip_allowlist",
  address_not_allowed: "url",
  invalid_parameter_value: "values",
  parameter_not_writable: "values",
  // DEV-6: a campaign's target selects no device the file is for, or too many.
  campaign_target_empty: "target",
  campaign_target_too_large: "target",
};

export interface ProblemLike {
  code: string;
  field?: string | undefined;
}

// A problem's code as this screen reads it: `aliases` turns a generic code into the precise
// one it means here (an account form's "conflict" is a taken login ID, until the server says
// login_taken itself).
export function refine(problem: ProblemLike, aliases: Partial<Record<string, ProblemCode>> = {}): ProblemLike {
  const code = aliases[problem.code] ?? problem.code;
  return { code, field: problem.field || PROBLEM_FIELD[code as ProblemCode] };
}

// The field a problem is about ("match.oui" stays whole; the form decides which it shows).
export function problemField(problem: ProblemLike): string | undefined {
  return problem.field || PROBLEM_FIELD[problem.code as ProblemCode];
}

// Whether `key` is one of the console's texts (ja.ts defines the keys; en.ts has the same).
export function isConsoleText(key: string): key is TranslationKey {
  let node: unknown = ja;
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string";
}

// The translation key of a problem's message: for invalid_request, the field's rule
// (`problemFields.<field>`, dots as underscores, else the field's last segment); else the
// code's message; null when the console has none (then the server's detail is shown).
export function problemMessageKey(problem: ProblemLike): TranslationKey | null {
  if (problem.code === "invalid_request" && problem.field) {
    const whole = `problemFields.${problem.field.replace(/\./g, "_")}`;
    if (isConsoleText(whole)) return whole;
    const last = `problemFields.${problem.field.split(".").pop() ?? ""}`;
    if (isConsoleText(last)) return last;
  }
  const key = `errors.${problem.code}`;
  return isConsoleText(key) ? key : null;
}
