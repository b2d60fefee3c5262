// JSON Schemas of the API's bodies, used in the OpenAPI document next to their routes.
#pragma once

namespace kanri::api::schema {

inline constexpr const char* kAccount =
    R"({"type":"object","required":["id","company_id","login","name","email","kind","status",
"must_change_password","locked_until","last_login_at","totp_enabled","created_at","updated_at"],
"properties":{"id":{"type":"string"},"company_id":{"type":["string","null"]},"login":{"type":"string"},
"name":{"type":"string"},"email":{"type":"string"},"kind":{"enum":["site_admin","admin","general"]},
"status":{"enum":["active","locked","disabled"]},"must_change_password":{"type":"boolean"},
"locked_until":{"type":["string","null"],"format":"date-time"},"last_login_at":{"type":["string","null"],"format":"date-time"},
"totp_enabled":{"type":"boolean","description":"SEC-9: the account uses a TOTP second factor"},
"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"},
"language":{"enum":["ja","en"]},"lock_reason":{"enum":["administrator","inactivity",null],
"description":"why a locked account is locked; only a site administrator lifts an inactivity lock, SEC-7"
}
, "locked_at" : {"type" : [ "string", "null" ], "format" : "date-time"},
                "inactivity_reminded_at" : {
                  "type" : [ "string", "null" ],
                  "format" : "date-time",
                  "description" : "SEC-7: reminder sent, no login since"
                },
                                           "roles" : {
  "type" : "array",
           "items" : {"type" : "string"},
                     "description" : "IDs of the roles held; from the accounts routes only"
}
}
})";

inline constexpr const char* kCompany =
    R"({"type":"object","required":["id","code","name","contract_start","contract_end","status",
"allow_unauthenticated_devices","deletion_stage","deletion_schedule","created_at","updated_at"],
"properties":{"id":{"type":"string"},"code":{"type":"string"},"name":{"type":"string"},
"contract_start":{"type":"string","format":"date"},"contract_end":{"type":["string","null"],"format":"date"},
"status":{"enum":["active","suspended","ended"]},"allow_unauthenticated_devices":{"type":"boolean",
"description":"lab setting: the company's profiles may admit devices without a credential"},
"deletion_stage":{"enum":[0,1,2],"description":"DATA-6: 0 nothing deleted, 1 accounts deleted, 2 configuration deleted and devices detached"},
"deletion_schedule":{"oneOf":[{"type":"null"},{"type":"object","required":["ended_at","ended_at_jst","accounts_at",
"accounts_at_jst","configuration_at","configuration_at_jst","company_at","company_at_jst"],"properties":{
"ended_at":{"type":"string","format":"date-time"},"ended_at_jst":{"type":"string"},
"accounts_at":{"type":"string","format":"date-time"},"accounts_at_jst":{"type":"string"},
"configuration_at":{"type":"string","format":"date-time"},"configuration_at_jst":{"type":"string"},
"company_at":{"type":"string","format":"date-time"},"company_at_jst":{"type":"string"}}}],
"description":"DATA-6: when the steps of the deletion after the contract's end fall; null without a contract end"},
"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kLogin =
    R"({"type":"object","additionalProperties":false,"required":["login","password"],
"properties":{"company":{"type":["string","null"],"description":"会社ID; absent or null for a site administrator"},
"login":{"type":"string"},"password":{"type":"string"}}})";

inline constexpr const char* kSession =
    R"({"type":"object","required":["account","csrf_token","expires_at","idle_timeout_seconds"],
"properties":{"account":{"$ref":"#/components/schemas/Account"},
"csrf_token":{"type":"string"},"expires_at":{"type":"string","format":"date-time"},"idle_timeout_seconds":{"type":"integer"},
"permissions":{"type":"array","items":{"type":"string"},"description":"what the account holds now; GET only"},
"totp_enrolment_required":{"type":"boolean","description":"SEC-9: a second factor is required and not set up yet; on GET and at login"},
"company":{"type":["object","null"],"required":["id","code","name"],"description":"GET only: the company the session belongs to; null for the provider's accounts",
"properties":{"id":{"type":"string"},"code":{"type":"string"},"name":{"type":"string"}}}}})";

inline constexpr const char* kPasswordChange =
    R"({"type":"object","additionalProperties":false,"required":["current","new"],
"properties":{"current":{"type":"string"},"new":{"type":"string","minLength":8,"maxLength":128}}})";

inline constexpr const char* kCompanyCreate = R"({"type":"object","additionalProperties":false,
"required":["code","name","contract_start"],"properties":{"code":{"type":"string","pattern":"^[A-Za-z0-9_-]{1,32}$"},
"name":{"type":"string"},"contract_start":{"type":"string","format":"date"},
"contract_end":{"type":["string","null"],"format":"date"}}})";

inline constexpr const char* kCompanyPatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"contract_start":{"type":"string","format":"date"},
"contract_end":{"type":["string","null"],"format":"date"},"status":{"enum":["active","suspended","ended"]},
"allow_unauthenticated_devices":{"type":"boolean"}}})";

// SEC-4: a company's sign-in settings; `your_address` is the caller's address as the server sees it.
inline constexpr const char* kCompanySettings = R"({"type":"object","required":["ip_restriction_enabled",
"ip_allowlist","totp_required","remote_login_enabled","your_address"],"properties":{"ip_restriction_enabled":{"type":"boolean"},
"ip_allowlist":{"type":"array","maxItems":100,"items":{"type":"string","description":"CIDR or address"}},
"totp_required":{"type":"boolean"},"remote_login_enabled":{"type":"boolean","description":"DEV-5: operators may open remote logins to devices"},
"your_address":{"type":"string"}}})";

inline constexpr const char* kCompanySettingsPatch = R"({"type":"object","additionalProperties":false,
"properties":{"ip_restriction_enabled":{"type":"boolean"},
"ip_allowlist":{"type":"array","maxItems":100,"items":{"type":"string","description":"CIDR or address"}},
"totp_required":{"type":"boolean"},"remote_login_enabled":{"type":"boolean"}}})";

// SEC-9: API tokens.
inline constexpr const char* kApiTokenCreate = R"({"type":"object","additionalProperties":false,
"required":["name","permissions","expires_at"],"properties":{"name":{"type":"string","maxLength":100},
"permissions":{"type":"array","minItems":1,"items":{"type":"string"}},
"expires_at":{"type":"string","format":"date-time","description":"UTC, at most one year ahead"}}})";

inline constexpr const char* kApiToken =
    R"({"type":"object","required":["id","name","permissions","created_by",
"created_at","expires_at","expired","last_used_at","last_used_ip"],"properties":{"id":{"type":"string"},
"name":{"type":"string"},"permissions":{"type":"array","items":{"type":"string"}},
"created_by":{"type":"object","required":["id","login"],"properties":{"id":{"type":"string"},"login":{"type":"string"}}},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"expires_at":{"type":"string","format":"date-time"},"expires_at_jst":{"type":"string"},"expired":{"type":"boolean"},
"last_used_at":{"type":["string","null"],"format":"date-time"},"last_used_at_jst":{"type":["string","null"]},
"last_used_ip":{"type":["string","null"]}}})";

inline constexpr const char* kApiTokenIssued = R"({"allOf":[{"$ref":"#/components/schemas/ApiToken"},
{"type":"object","required":["token"],"properties":{"token":{"type":"string","description":"kanri_…, shown once"}}}]})";

inline constexpr const char* kApiTokenList = R"({"type":"object","required":["items"],
"properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/ApiToken"}}}})";

// DEV-5: remote login.
inline constexpr const char* kRemoteLogin = R"({"type":"object","required":["id","device_id","state","url",
"created_by_login","error","created_at","opened_at","expires_at","closed_at"],"properties":{"id":{"type":"string"},
"device_id":{"type":"string"},"state":{"type":"string","enum":["opening","active","closing","closed","failed"]},
"url":{"type":["string","null"]},"created_by_login":{"type":"string"},"error":{"type":"string"},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"opened_at":{"type":["string","null"],"format":"date-time"},"opened_at_jst":{"type":["string","null"]},
"expires_at":{"type":"string","format":"date-time"},"expires_at_jst":{"type":"string"},
"closed_at":{"type":["string","null"],"format":"date-time"},"closed_at_jst":{"type":["string","null"]},
"connection_request":{"type":"object","properties":{"outcome":{"type":"string"},"reason":{"type":"string"}}}}})";

inline constexpr const char* kRemoteLoginOpened = R"({"allOf":[{"$ref":"#/components/schemas/RemoteLogin"},
{"type":"object","required":["username","password"],"properties":{"username":{"type":"string","description":"shown once"},
"password":{"type":"string","description":"one-time, shown once"}}}]})";

// SEC-9: webhooks.
inline constexpr const char* kWebhookCreate = R"({"type":"object","additionalProperties":false,
"required":["name","url","events"],"properties":{"name":{"type":"string","maxLength":100},
"url":{"type":"string","maxLength":2048,"description":"https only; loopback and private addresses are refused unless the provider allows them"},
"events":{"type":"array","minItems":1,"items":{"type":"string","enum":["device.created","device.deleted","task.done","task.failed","job.finished","campaign.paused","campaign.finished"]}},
"secret":{"type":"string","description":"whsec_ and base64 of 24 to 64 bytes; generated when absent"}}})";

inline constexpr const char* kWebhookPatch = R"({"type":"object","additionalProperties":false,
"properties":{"name":{"type":"string","maxLength":100},"url":{"type":"string","maxLength":2048},
"events":{"type":"array","minItems":1,"items":{"type":"string","enum":["device.created","device.deleted","task.done","task.failed","job.finished","campaign.paused","campaign.finished"]}},
"enabled":{"type":"boolean","description":"true again clears the failing state"}}})";

inline constexpr const char* kWebhook =
    R"({"type":"object","required":["id","name","url","events","enabled","disabled_reason","failing_since",
"last_delivery","created_at","created_by_login"],"properties":{"id":{"type":"string"},"name":{"type":"string"},
"url":{"type":"string"},"events":{"type":"array","items":{"type":"string"}},"enabled":{"type":"boolean"},
"disabled_reason":{"type":["string","null"],"description":"failing: Kanri disabled it after 24 hours of failures"},
"failing_since":{"type":["string","null"],"format":"date-time"},"failing_since_jst":{"type":["string","null"]},
"last_delivery":{"type":["object","null"],"required":["at","state","status"],"properties":{"at":{"type":"string","format":"date-time"},
"at_jst":{"type":"string"},"state":{"type":"string"},"status":{"type":["integer","null"]}}},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},"created_by_login":{"type":"string"}}})";

inline constexpr const char* kWebhookCreated = R"({"allOf":[{"$ref":"#/components/schemas/Webhook"},
{"type":"object","required":["secret"],"properties":{"secret":{"type":"string","description":"whsec_…, shown once"}}}]})";

inline constexpr const char* kWebhookList = R"({"type":"object","required":["items"],
"properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/Webhook"}}}})";

inline constexpr const char* kWebhookDelivery =
    R"({"type":"object","required":["id","event_id","event_type","created_at","state","attempts","last_status",
"last_error","next_attempt_at","delivered_at"],"properties":{"id":{"type":"string"},"event_id":{"type":"string"},
"event_type":{"type":"string"},"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"state":{"type":"string","enum":["queued","sending","delivered","failed"]},"attempts":{"type":"integer"},
"last_status":{"type":["integer","null"]},"last_error":{"type":"string"},
"last_attempt_at":{"type":["string","null"],"format":"date-time"},"last_attempt_at_jst":{"type":["string","null"]},
"next_attempt_at":{"type":["string","null"],"format":"date-time"},"next_attempt_at_jst":{"type":["string","null"]},
"delivered_at":{"type":["string","null"],"format":"date-time"},"delivered_at_jst":{"type":["string","null"]}}})";

inline constexpr const char* kWebhookTestQueued = R"({"type":"object","required":["delivery_id"],
"properties":{"delivery_id":{"type":"string"}}})";

// SEC-9: the TOTP second factor.
inline constexpr const char* kTotpLogin = R"({"type":"object","additionalProperties":false,
"required":["challenge","code"],"properties":{"challenge":{"type":"string"},
"code":{"type":"string","description":"6 digits, or a recovery code"}}})";

inline constexpr const char* kTotpCode = R"({"type":"object","additionalProperties":false,"required":["code"],
"properties":{"code":{"type":"string"}}})";

inline constexpr const char* kTotpEnrolment =
    R"({"type":"object","required":["secret","otpauth_uri","qr_svg"],
"properties":{"secret":{"type":"string","description":"base32"},"otpauth_uri":{"type":"string"},
"qr_svg":{"type":"string","description":"an SVG document"}}})";

inline constexpr const char* kRecoveryCodes = R"({"type":"object","required":["recovery_codes"],
"properties":{"recovery_codes":{"type":"array","items":{"type":"string"},"minItems":10,"maxItems":10}}})";

inline constexpr const char* kAdministratorCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"password":{"type":"string","minLength":8,"maxLength":128}}})";

inline constexpr const char* kAccountCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","kind","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"kind":{"enum":["admin","general"]},
"password":{"type":"string","minLength":8,"maxLength":128},"roles":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kAccountPatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"email":{"type":"string","format":"email"},"status":{"enum":["active","locked","disabled"]},
"kind":{"enum":["admin","general"]},"language":{"enum":["ja","en"],"description":"of the mail the account receives"},
"roles":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kPasswordReset =
    R"({"type":"object","required":["temporary_password","account"],
"properties":{"temporary_password":{"type":"string"},"account":{"$ref":"#/components/schemas/Account"}}})";

inline constexpr const char* kHealth =
    R"({"type":"object","required":["status"],"properties":{"status":{"type":"string"}}})";

}  // namespace kanri::api::schema

namespace kanri::api::schema {

inline constexpr const char* kRole =
    R"({"type":"object","required":["id","name","name_en","description","permissions","builtin",
"created_at","updated_at"],"properties":{"id":{"type":"string"},"name":{"type":"string"},
"name_en":{"type":"string"},"description":{"type":"string"},"permissions":{"type":"array","items":{"type":"string"}},
"builtin":{"type":"boolean"},"created_at":{"type":["string","null"],"format":"date-time","description":"null for a built-in role"},
"updated_at":{"type":["string","null"],"format":"date-time"}}})";

inline constexpr const char* kRoleCreate =
    R"({"type":"object","additionalProperties":false,"required":["name","permissions"],
"properties":{"name":{"type":"string"},"description":{"type":"string"},
"permissions":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kRolePatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"description":{"type":"string"},"permissions":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kPermission =
    R"({"type":"object","required":["name","scope","label_ja","label_en"],
"properties":{"name":{"type":"string"},"scope":{"enum":["company","provider"]},"label_ja":{"type":"string"},
"label_en":{"type":"string"}}})";

inline constexpr const char* kAuditRecord =
    R"({"type":"object","required":["seq","time","time_jst","company_id","actor_id",
"actor_login","source_ip","action","target_type","target_id","outcome","error_code","request_id","details"],
"properties":{"seq":{"type":"integer"},
"time":{"type":"string","format":"date-time"},"time_jst":{"type":"string"},"company_id":{"type":["string","null"]},
"actor_id":{"type":"string"},"actor_login":{"type":"string"},"source_ip":{"type":"string"},"action":{"type":"string"},
"target_type":{"type":"string"},"target_id":{"type":"string"},"outcome":{"enum":["success","denied","failed"]},
"error_code":{"type":"string"},"request_id":{"type":"string"},"details":{"type":"object","additionalProperties":true}}})";

inline constexpr const char* kScheduledJob =
    R"({"type":"object","required":["name","description","schedule","last_outcome","last_counts","last_error","running",
"last_started_at","last_finished_at","next_due_at"],"properties":{"name":{"type":"string"},"description":{"type":"string"},
"schedule":{"type":"string"},"last_outcome":{"enum":["succeeded","failed",null]},
"last_counts":{"type":"object","additionalProperties":{"type":"integer"}},"last_error":{"type":"string"},
"running":{"type":"boolean"},"last_started_at":{"type":["string","null"],"format":"date-time"},
"last_started_at_jst":{"type":["string","null"]},"last_finished_at":{"type":["string","null"],"format":"date-time"},
"last_finished_at_jst":{"type":["string","null"]},"next_due_at":{"type":"string","format":"date-time"},
"next_due_at_jst":{"type":"string"}}})";

inline constexpr const char* kScheduledJobRun =
    R"({"type":"object","required":["name","ok","counts","error","started_at","finished_at"],"properties":{
"name":{"type":"string"},"ok":{"type":"boolean"},"counts":{"type":"object","additionalProperties":{"type":"integer"}},
"error":{"type":"string"},"started_at":{"type":"string","format":"date-time"},"started_at_jst":{"type":"string"},
"finished_at":{"type":"string","format":"date-time"},"finished_at_jst":{"type":"string"}}})";

inline constexpr const char* kMail =
    R"({"type":"object","required":["id","message_id","company_id","recipient","kind","subject","state","attempts",
"last_error","created_at","next_attempt_at","sent_at"],"properties":{"id":{"type":"string"},"message_id":{"type":"string"},
"company_id":{"type":["string","null"]},"recipient":{"type":"string"},"kind":{"type":"string"},"subject":{"type":"string"},
"state":{"enum":["queued","sending","sent","failed"]},"attempts":{"type":"integer"},"last_error":{"type":"string"},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"next_attempt_at":{"type":["string","null"],"format":"date-time"},"next_attempt_at_jst":{"type":["string","null"]},
"sent_at":{"type":["string","null"],"format":"date-time"},"sent_at_jst":{"type":["string","null"]},
"body":{"type":"string","description":"GET /api/v1/operations/mail/{id} only"}}})";

inline constexpr const char* kLoginAlarm =
    R"({"type":"object","required":["id","cause","subject","label","failures","threshold","window_start","first_failure_at",
"raised_at"],"properties":{"id":{"type":"string"},"cause":{"enum":["account","address","service"]},
"subject":{"type":"string"},"label":{"type":"string"},"failures":{"type":"integer"},"threshold":{"type":"integer"},
"window_start":{"type":"string","format":"date-time"},"window_start_jst":{"type":"string"},
"first_failure_at":{"type":"string","format":"date-time"},"first_failure_at_jst":{"type":"string"},
"raised_at":{"type":"string","format":"date-time"},"raised_at_jst":{"type":"string"}}})";

inline constexpr const char* kLockedAccount =
    R"({"type":"object","required":["account","company_code"],
"properties":{"account":{"$ref":"#/components/schemas/Account"},"company_code":{"type":"string"}}})";

}  // namespace kanri::api::schema

namespace kanri::api::schema {

inline constexpr const char* kProfile =
    R"({"type":"object","required":["id","name","match","device_auth","periodic_inform_interval",
"parameters","firmware_version","created_at","created_at_jst","updated_at","updated_at_jst"],"properties":{"id":{"type":"string"},
"name":{"type":"string"},"match":{"type":"object","required":["oui","product_class","serial_prefix","serials"],
"properties":{"oui":{"type":["string","null"]},"product_class":{"type":["string","null"]},
"serial_prefix":{"type":["string","null"]},"serials":{"type":"array","items":{"type":"string"}}}},
"device_auth":{"type":"object","required":["mode","username","password_set"],
"properties":{"mode":{"enum":["rotate","shared","none"]},"username":{"type":"string"},"password_set":{"type":"boolean"}}},
"periodic_inform_interval":{"type":["integer","null"]},
"parameters":{"type":"object","additionalProperties":{"type":"string"}},
"firmware_version":{"type":["string","null"]},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"updated_at":{"type":"string","format":"date-time"},"updated_at_jst":{"type":"string"}}})";

inline constexpr const char* kProfileCreate = R"({"type":"object","additionalProperties":false,
"required":["name","match"],"properties":{"name":{"type":"string","minLength":1,"maxLength":64},
"match":{"type":"object","additionalProperties":false,"description":"at least one criterion",
"properties":{"oui":{"type":["string","null"],"pattern":"^[0-9A-Fa-f]{6}$"},"product_class":{"type":["string","null"]},
"serial_prefix":{"type":["string","null"]},"serials":{"type":"array","items":{"type":"string"}}}},
"device_auth":{"type":"object","additionalProperties":false,"properties":{"mode":{"enum":["rotate","shared","none"],
"default":"rotate"},"username":{"type":"string"},"password":{"type":"string","writeOnly":true}}},
"periodic_inform_interval":{"type":["integer","null"],"minimum":30,"maximum":86400},
"parameters":{"type":"object","description":"path (Device.… or InternetGatewayDevice.…) -> value",
"additionalProperties":{"type":"string"}},
"firmware_version":{"type":["string","null"],"maxLength":128,
"description":"the software version its devices should run: compared, never set; a campaign installs it"}}})";

inline constexpr const char* kProfilePatch =
    R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},
"match":{"type":"object","additionalProperties":false,"description":"replaces the whole match; at least one criterion",
"properties":{"oui":{"type":["string","null"],"pattern":"^[0-9A-Fa-f]{6}$"},"product_class":{"type":["string","null"]},
"serial_prefix":{"type":["string","null"]},"serials":{"type":"array","items":{"type":"string"}}}},
"device_auth":{"type":"object","additionalProperties":false,
"description":"replaces mode and username; the stored password stays when none is given",
"properties":{"mode":{"enum":["rotate","shared","none"]},"username":{"type":"string"},
"password":{"type":"string","writeOnly":true}}},
"periodic_inform_interval":{"type":["integer","null"],"minimum":30,"maximum":86400},
"parameters":{"type":"object","description":"replaces the whole set: path -> value",
"additionalProperties":{"type":"string"}},
"firmware_version":{"type":["string","null"],"maxLength":128,"description":"null: none"}}})";

inline constexpr const char* kDevice =
    R"({"type":"object","required":["id","profile_id","oui","product_class","serial_number",
"manufacturer","model","hardware_version","software_version","data_model","online","last_events",
"periodic_inform_interval","wan_ip","source_ip","connection_request_url","tags","auth_mode","insecure",
"credential_state","remote_login","name","note","wan_mac","first_contact_at","first_contact_at_jst","last_contact_at","last_contact_at_jst","last_boot_at",
"last_boot_at_jst","online_until","online_until_jst","created_at","created_at_jst","updated_at","updated_at_jst"],
"properties":{"id":{"type":"string"},
"profile_id":{"type":["string","null"]},"oui":{"type":"string"},"product_class":{"type":"string"},
"serial_number":{"type":"string"},"manufacturer":{"type":"string"},"model":{"type":"string"},
"hardware_version":{"type":"string"},"software_version":{"type":"string"},"data_model":{"enum":["tr181","tr098"]},
"online":{"type":"boolean"},"last_events":{"type":"array","items":{"type":"string"}},
"periodic_inform_interval":{"type":"integer"},"wan_ip":{"type":"string"},"source_ip":{"type":"string"},
"connection_request_url":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
"auth_mode":{"enum":["rotate","shared","none"]},"insecure":{"type":"boolean"},
"credential_state":{"enum":["bootstrap","rotating","rotated","shared","none"]},
"remote_login":{"type":["string","null"],"enum":["opening","active","closing",null],"description":"DEV-5: closing means the cleanup is pending"},
"name":{"type":"string","description":"set by operators; empty by default"},
"note":{"type":"string","description":"free text of operators, several lines"},
"wan_mac":{"type":"string","description":"the WAN interface's MAC address as reported; empty until reported"},
"compliance":{"enum":["in_sync","pending","drift","failed",null],"description":"DEV-7: against the desired state of its profile and overrides; null when nothing is desired of it"},
"first_contact_at":{"type":"string","format":"date-time"},"first_contact_at_jst":{"type":"string"},
"last_contact_at":{"type":"string","format":"date-time"},"last_contact_at_jst":{"type":"string"},
"last_boot_at":{"type":["string","null"],"format":"date-time"},"last_boot_at_jst":{"type":["string","null"]},
"online_until":{"type":"string","format":"date-time"},"online_until_jst":{"type":"string"},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"updated_at":{"type":"string","format":"date-time"},"updated_at_jst":{"type":"string"}}})";

// PATCH /devices/{id}: what operators write of a device (issue 18); "" clears a field.
inline constexpr const char* kDevicePatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string","maxLength":64,"description":"one line"},
"note":{"type":"string","maxLength":500,"description":"free text; line breaks allowed"}}})";

// The device list's filter as a JSON object (a job on the filter, devices added to a group).
inline constexpr const char* kDeviceFilter = R"({"type":"object","additionalProperties":false,"properties":{
"q":{"type":"string"},"online":{"type":"boolean"},"profile_id":{"type":"string"},"group_id":{"type":"string"},
"model":{"type":"string"},"software_version":{"type":"string"},"tag":{"type":"string"},
"compliance":{"enum":["in_sync","pending","drift","failed"],"description":"DEV-7: the device's state against its desired configuration"}}})";

inline constexpr const char* kCompliance =
    R"({"type":"object","required":["profile_id","state","summary","items"],"properties":{
"profile_id":{"type":["string","null"]},
"state":{"enum":["in_sync","pending","drift","failed",null],"description":"the worst of its parameters; null when nothing is desired"},
"summary":{"type":"object","required":["in_sync","pending","drift","failed"],"properties":{"in_sync":{"type":"integer"},
"pending":{"type":"integer"},"drift":{"type":"integer"},"failed":{"type":"integer"}}},
"items":{"type":"array","items":{"type":"object","required":["path","desired","reported","secret","state","reason","source","tries_today","fault"],
"properties":{"path":{"type":"string"},"desired":{"type":["string","null"],"description":"null for a secret"},
"reported":{"type":["string","null"],"description":"null when not reported, or a secret"},"secret":{"type":"boolean"},
"state":{"enum":["in_sync","pending","drift","failed"]},
"reason":{"enum":["not_read_yet","queued","to_send","download_open","changed_back","other_firmware","not_reported","not_writable","invalid_value","refused","tries_exhausted",null]},
"source":{"enum":["profile","override"]},"tries_today":{"type":"integer","description":"sets tried today, JST; at most 3"},
"fault":{"type":["object","null"],"required":["code","meaning"],"properties":{"code":{"type":"integer"},"meaning":{"type":"string"}}}}}}}})";

inline constexpr const char* kOverrides =
    R"({"type":"object","additionalProperties":false,"required":["parameters"],
"properties":{"parameters":{"type":"object","additionalProperties":{"type":"string"},"maxProperties":1000,
"description":"parameter path to value; {serial_number}, {oui} and {product_class} are the device's own"}}})";

inline constexpr const char* kDeviceCount =
    R"({"type":"object","required":["total"],"properties":{"total":{"type":"integer"}}})";

inline constexpr const char* kConnectionRequestOutcome =
    R"({"type":"object","required":["outcome"],"properties":{"outcome":{"enum":["delivered","unreachable","refused_by_policy",)"
    R"("auth_failed","timeout","busy"]}}})";
inline constexpr const char* kDeviceSummary =
    R"({"type":"object","required":["total","online","offline","insecure"],
"properties":{"total":{"type":"integer"},"online":{"type":"integer"},"offline":{"type":"integer"},
"insecure":{"type":"integer"}}})";

// GET /devices/{id}/parameters: the whole tree in one answer (not paged; next_cursor is always null).
inline constexpr const char* kDeviceParameters =
    R"({"type":"object","required":["items","next_cursor"],"properties":{"items":{"type":"array","items":{
"type":"object","required":["path","value","type","writable"],
"properties":{"path":{"type":"string"},"value":{"type":"string"},"type":{"type":"string"},
"writable":{"type":["boolean","null"],"description":"null until GetParameterNames has said"},
"redacted":{"type":"boolean","description":"a secret: its value is never stored, so value is empty"}}}},
"next_cursor":{"type":"null"}}})";

inline constexpr const char* kTaskCreate =
    R"({"type":"object","additionalProperties":false,"required":["type"],"properties":{
"type":{"enum":["getParameterValues","setParameterValues","getParameterNames","addObject","deleteObject","reboot",
"factoryReset","download"]},"now":{"type":"boolean","description":"ask the device to connect now, DEV-4"},
"names":{"type":"array","items":{"type":"string"},"description":"getParameterValues"},
"values":{"type":"object","additionalProperties":{"type":["string","integer","boolean"]},"description":"setParameterValues; each checked against the type and writability the device reported (400 invalid_parameter_value or parameter_not_writable, field: the parameter; nothing queued); a parameter not reported yet is not checked"},
"path":{"type":"string","description":"getParameterNames: an object path ending with '.'"},
"next_level":{"type":"boolean","description":"getParameterNames"},
"object":{"type":"string","description":"addObject: a table path; deleteObject: an instance path; both end with '.'"},
"file_id":{"type":"string","description":"download: a firmware file of the company"}}})";

inline constexpr const char* kTask =
    R"({"type":"object","required":["id","device_id","job_id","type","state","request","result",
"fault","error","command_key","internal","created_by","created_at","created_at_jst","started_at","started_at_jst",
"finished_at","finished_at_jst","expires_at","expires_at_jst","wakeup","wakeup_at","wakeup_at_jst"],"properties":{"id":{"type":"string"},
"device_id":{"type":"string"},"job_id":{"type":["string","null"]},
"type":{"enum":["getParameterValues","setParameterValues","getParameterNames","addObject","deleteObject","reboot",
"factoryReset","download"]},
"state":{"enum":["queued","running","done","failed","cancelled"]},
"request":{"type":["object","null"],"additionalProperties":true},
"result":{"type":["object","null"],"additionalProperties":true},
"fault":{"type":["object","null"],"required":["code","string","meaning"],"properties":{"code":{"type":"integer"},
"string":{"type":"string"},"meaning":{"type":"string"}}},"error":{"type":["string","null"]},
"command_key":{"type":"string"},"internal":{"type":"boolean"},
"created_by":{"type":"object","required":["id","login"],"properties":{"id":{"type":["string","null"]},
"login":{"type":"string"}}},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"started_at":{"type":["string","null"],"format":"date-time"},"started_at_jst":{"type":["string","null"]},
"finished_at":{"type":["string","null"],"format":"date-time"},"finished_at_jst":{"type":["string","null"]},
"expires_at":{"type":"string","format":"date-time"},"expires_at_jst":{"type":"string"},
"wakeup":{"enum":["delivered","unreachable","refused_by_policy","auth_failed","timeout","busy","no_url","not_sent",null],
"description":"what asking the device to connect now gave (null: not asked); anything but delivered means the task waits for the device's next session, until expires_at"},
"wakeup_at":{"type":["string","null"],"format":"date-time"},"wakeup_at_jst":{"type":["string","null"]},
"attempt":{"type":"integer","minimum":1,"description":"DEV-8: which attempt this is; a failure for a passing reason (9002, 9004, a broken session) is tried again, up to --task-retries more"},
"retry_at":{"type":["string","null"],"format":"date-time","description":"DEV-8: a queued task waiting for its automatic retry runs at the device's first session from then; fault and error tell why the attempt before failed"},
"retry_at_jst":{"type":["string","null"]}}})";

inline constexpr const char* kFaultGroup =
    R"({"type":"object","required":["fault","fault_code","meaning","error","devices","last_at","last_at_jst"],
"properties":{"fault":{"type":"string","description":"the key to list or retry them by: the CPE fault code as text, as 9002, else the error, as timeout"},
"fault_code":{"type":["integer","null"]},"meaning":{"type":["string","null"],"description":"the CPE fault's meaning, TR-069 A.5"},
"error":{"type":["string","null"]},"devices":{"type":"integer","description":"devices whose latest ended task failed this way"},
"last_at":{"type":"string","format":"date-time"},"last_at_jst":{"type":"string"}}})";

inline constexpr const char* kTaskRetry = R"({"type":"object","additionalProperties":false,"properties":{
"now":{"type":"boolean","description":"ask the device to connect now, DEV-4"}}})";

inline constexpr const char* kTasksRetry = R"({"type":"object","additionalProperties":false,"properties":{
"fault":{"type":"string","description":"every device whose latest ended task failed with this fault, as GET /api/v1/faults groups them"},
"task_ids":{"type":"array","maxItems":10000,"items":{"type":"string"}},
"now":{"type":"boolean","description":"ask the devices to connect now, DEV-4"}},
"description":"exactly one of fault and task_ids"})";

inline constexpr const char* kJob =
    R"({"type":"object","required":["id","group_id","type","request","created_by","progress",
"created_at","created_at_jst"],"properties":{"id":{"type":"string"},
"group_id":{"type":["string","null"]},
"filter":{"type":["object","null"],"additionalProperties":true,"description":"the device list's filter a job was made from (issue 18); null for a group's job"},
"type":{"enum":["getParameterValues","setParameterValues","getParameterNames","addObject","deleteObject","reboot",
"factoryReset","download"]},
"request":{"type":["object","null"],"additionalProperties":true},
"created_by":{"type":"object","required":["id","login"],"properties":{"id":{"type":["string","null"]},
"login":{"type":"string"}}},
"progress":{"type":"object","required":["total","queued","running","done","failed","cancelled"],
"properties":{"total":{"type":"integer"},"queued":{"type":"integer"},
"running":{"type":"integer"},"done":{"type":"integer"},"failed":{"type":"integer"},"cancelled":{"type":"integer"}}},
"tasks":{"type":"object","description":"GET only: a page of per-device tasks","required":["items","next_cursor"],
"properties":{"items":{"type":"array",
"items":{"type":"object","required":["task_id","device_id","serial_number","state","fault","error","finished_at",
"finished_at_jst","wakeup"],"properties":{"task_id":{"type":"string"},"device_id":{"type":"string"},
"serial_number":{"type":"string"},"state":{"enum":["queued","running","done","failed","cancelled"]},
"fault":{"type":["object","null"],"required":["code","string","meaning"],"properties":{"code":{"type":"integer"},
"string":{"type":"string"},"meaning":{"type":"string"}}},
"error":{"type":["string","null"]},"finished_at":{"type":["string","null"],"format":"date-time"},
"finished_at_jst":{"type":["string","null"]},
"wakeup":{"enum":["delivered","unreachable","refused_by_policy","auth_failed","timeout","busy","no_url","not_sent",null]},
"attempt":{"type":"integer","minimum":1,"description":"DEV-8: which attempt this is"},
"retry_at":{"type":["string","null"],"format":"date-time","description":"DEV-8: when a task waiting for its automatic retry runs again"},
"retry_at_jst":{"type":["string","null"]}}}},
"next_cursor":{"type":["string","null"]}}},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"}}})";

inline constexpr const char* kDeviceGroup =
    R"({"type":"object","required":["id","name","kind","filter","device_count","created_at",
"created_at_jst","updated_at","updated_at_jst"],"properties":{"id":{"type":"string"},
"name":{"type":"string"},"kind":{"enum":["static","filter"]},
"filter":{"type":["object","null"],"description":"kind filter: the saved search; null for a static group",
"properties":{"q":{"type":"string"},"online":{"type":"boolean"},"profile_id":{"type":"string"},
"group_id":{"type":"string"},"model":{"type":"string"},"software_version":{"type":"string"},"tag":{"type":"string"},"compliance":{"enum":["in_sync","pending","drift","failed"]}}},
"device_count":{"type":"integer"},"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"},
"updated_at":{"type":"string","format":"date-time"},"updated_at_jst":{"type":"string"}}})";

inline constexpr const char* kDeviceGroupCreate = R"({"type":"object","additionalProperties":false,
"required":["name"],"properties":{"name":{"type":"string","minLength":1,"maxLength":64},
"kind":{"enum":["static","filter"],"default":"static"},"device_ids":{"type":"array","items":{"type":"string"}},
"serials":{"type":"array","items":{"type":"string"},"maxItems":10000,"description":"static: members by serial number"},
"filter":{"type":"object","additionalProperties":false,"properties":{"q":{"type":"string"},"online":{"type":"boolean"},
"profile_id":{"type":"string"},"model":{"type":"string"},"software_version":{"type":"string"},"tag":{"type":"string"},"compliance":{"enum":["in_sync","pending","drift","failed"]}}}}})";

inline constexpr const char* kDeviceGroupPatch =
    R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"filter":{"type":"object","additionalProperties":false,
"properties":{"q":{"type":"string"},"online":{"type":"boolean"},"profile_id":{"type":"string"},"model":{"type":"string"},
"software_version":{"type":"string"},"tag":{"type":"string"},"compliance":{"enum":["in_sync","pending","drift","failed"]}}}}})";

// PUT (replace) and POST (add) /device-groups/{id}/devices: by ID, serial number and/or filter.
inline constexpr const char* kDeviceGroupDevices = R"({"type":"object","additionalProperties":false,
"properties":{"device_ids":{"type":"array","items":{"type":"string"}},
"serials":{"type":"array","items":{"type":"string"},"maxItems":10000},
"filter":{"type":"object","description":"every device the device list's filter selects now; no group_id",
"additionalProperties":false,"properties":{"q":{"type":"string"},"online":{"type":"boolean"},
"profile_id":{"type":"string"},"model":{"type":"string"},"software_version":{"type":"string"},"tag":{"type":"string"},"compliance":{"enum":["in_sync","pending","drift","failed"]}}}}})";

inline constexpr const char* kRefusedDevice =
    R"({"type":"object","required":["id","oui","product_class","serial_number","source_ip",
"reason","attempts","first_at","first_at_jst","last_at","last_at_jst"],"properties":{"id":{"type":"string"},
"oui":{"type":"string"},"product_class":{"type":"string"},"serial_number":{"type":"string"},
"source_ip":{"type":"string"},"reason":{"enum":["unallocated","overlap","contract_ended","no_profile","ambiguous",
"unauthenticated_not_allowed","bad_credentials","retired"]},
"attempts":{"type":"integer"},"first_at":{"type":"string","format":"date-time"},"first_at_jst":{"type":"string"},
"last_at":{"type":"string","format":"date-time"},"last_at_jst":{"type":"string"}}})";

inline constexpr const char* kUnassignedDevice =
    R"({"type":"object","required":["id","oui","product_class","serial_number","former_company_id",
"former_company_code","manufacturer","model","hardware_version","software_version","data_model","source_ip",
"first_contact_at","first_contact_at_jst","last_contact_at","last_contact_at_jst","detached_at","detached_at_jst"],
"properties":{"id":{"type":"string"},"oui":{"type":"string"},"product_class":{"type":"string"},
"serial_number":{"type":"string"},"former_company_id":{"type":"string"},"former_company_code":{"type":"string"},
"manufacturer":{"type":"string"},"model":{"type":"string"},"hardware_version":{"type":"string"},
"software_version":{"type":"string"},"data_model":{"type":"string"},"source_ip":{"type":"string"},
"first_contact_at":{"type":"string","format":"date-time"},"first_contact_at_jst":{"type":"string"},
"last_contact_at":{"type":"string","format":"date-time"},"last_contact_at_jst":{"type":"string"},
"detached_at":{"type":"string","format":"date-time"},"detached_at_jst":{"type":"string"}}})";

inline constexpr const char* kAllocation =
    R"({"type":"object","required":["id","company_id","company_code","oui","product_class","kind",
"serial_count","serial_prefix","serial_range","note","created_by","created_at","created_at_jst"],
"properties":{"id":{"type":"string"},
"company_id":{"type":"string"},"company_code":{"type":"string"},"oui":{"type":"string"},
"product_class":{"type":["string","null"]},"kind":{"enum":["serials","prefix","range","oui"]},
"serial_count":{"type":"integer"},"serials":{"type":"array","items":{"type":"string"},
"description":"kind serials, read one by one: the serial list"},
"serial_prefix":{"type":["string","null"]},
"serial_range":{"type":["object","null"],"required":["from","to"],"properties":{"from":{"type":"string"},
"to":{"type":"string"}}},"note":{"type":"string"},"created_by":{"type":"string","description":"the login of its author"},
"created_at":{"type":"string","format":"date-time"},"created_at_jst":{"type":"string"}}})";

inline constexpr const char* kAllocationCreate = R"({"type":"object","additionalProperties":false,
"required":["company_id","oui"],"properties":{"company_id":{"type":"string"},
"oui":{"type":"string","pattern":"^[0-9A-Fa-f]{6}$"},"product_class":{"type":["string","null"]},
"serials":{"type":"array","maxItems":10000,"items":{"type":"string","maxLength":64}},
"serial_prefix":{"type":["string","null"],"maxLength":64},
"serial_range":{"type":"object","required":["from","to"],"properties":{"from":{"type":"string"},
"to":{"type":"string"}},"description":"serials of the same length as from/to that sort between them"},
"note":{"type":"string","maxLength":200}},
"description":"at most one of serials, serial_prefix and serial_range; none allocates the whole OUI"})";

// POST /allocations/import: what a successful import created.
inline constexpr const char* kAllocationImport =
    R"({"type":"object","required":["items","serials"],"properties":{
"items":{"type":"array","items":{"$ref":"#/components/schemas/Allocation"}},
"serials":{"type":"integer","description":"how many serials the new allocations list"}}})";

// OPS-1, OPS-2, OPS-3, DATA-7: running the service for customers. The schemas are built from the
// shared pieces below by string-literal concatenation, which clang-format would re-wrap on each run.
// clang-format off
#define KANRI_TIME(name) \
  "\"" name "\":{\"type\":\"string\",\"format\":\"date-time\"},\"" name "_jst\":{\"type\":\"string\"}"
#define KANRI_OPTIONAL_TIME(name)                                                  \
  "\"" name "\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},\"" name \
  "_jst\":{\"type\":[\"string\",\"null\"]}"
#define KANRI_SCOPE                                                                                 \
  "\"scope\":{\"oneOf\":[{\"const\":\"all\"},{\"type\":\"array\",\"minItems\":1,\"maxItems\":1000," \
  "\"items\":{"                                                                                     \
  "\"type\":\"string\"}}],\"description\":\"all companies, or these company IDs\"}"
#define KANRI_TEXTS                                                                                         \
  "\"title_ja\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},\"title_en\":{\"type\":\"string\"," \
  "\"minLength\":1,\"maxLength\":200},\"body_ja\":{\"type\":\"string\",\"maxLength\":4000},\"body_en\":{"   \
  "\"type\":\"string\",\"maxLength\":4000}"

inline constexpr const char* kMaintenance =
    "{\"type\":\"object\",\"required\":[\"id\",\"state\",\"starts_at\",\"starts_at_jst\",\"ends_at\",\"ends_at_jst\","
    "\"scope\",\"scope_companies\",\"emergency\",\"title_ja\",\"title_en\",\"body_ja\",\"body_en\",\"announced_at\","
    "\"announced_at_jst\",\"remind_at\",\"remind_at_jst\",\"reminded_at\",\"reminded_at_jst\",\"cancelled_at\","
    "\"cancelled_at_jst\",\"created_by_login\",\"updated_at\",\"updated_at_jst\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"state\":{\"enum\":[\"scheduled\",\"in_progress\",\"ended\",\"cancelled\"]},"
    KANRI_TIME("starts_at") "," KANRI_TIME("ends_at") "," KANRI_SCOPE ","
    "\"scope_companies\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"code\",\"name\"],"
    "\"properties\":{\"id\":{\"type\":\"string\"},\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}}}},"
    "\"emergency\":{\"type\":\"boolean\"}," KANRI_TEXTS "," KANRI_TIME("announced_at") ","
    KANRI_OPTIONAL_TIME("remind_at") "," KANRI_OPTIONAL_TIME("reminded_at") "," KANRI_OPTIONAL_TIME("cancelled_at") ","
    "\"created_by_login\":{\"type\":\"string\"}," KANRI_TIME("updated_at") "}}";

inline constexpr const char* kMaintenanceCreate =
    "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"starts_at\",\"ends_at\",\"scope\","
    "\"title_ja\",\"title_en\"],\"properties\":{\"starts_at\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"ends_at\":{\"type\":\"string\",\"format\":\"date-time\"}," KANRI_SCOPE "," KANRI_TEXTS
    ","
    "\"emergency\":{\"type\":\"boolean\",\"default\":false,\"description\":\"an emergency needs no "
    "notice\"}},"
    "\"description\":\"a planned window starts at least 3 business days after now (422 notice_too_short, "
    "with "
    "earliest_start)\"}";

inline constexpr const char* kMaintenancePatch =
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"starts_at\":{\"type\":\"string\","
    "\"format\":\"date-time\"},\"ends_at\":{\"type\":\"string\",\"format\":\"date-time\"}," KANRI_SCOPE
    "," KANRI_TEXTS "}}";

inline constexpr const char* kMaintenanceCalendar =
    R"({"type":"object","required":["earliest_start","earliest_start_jst","notice_business_days","closed_days","days"],
"properties":{"earliest_start":{"type":"string","format":"date-time"},"earliest_start_jst":{"type":"string"},
"notice_business_days":{"type":"integer"},"closed_days":{"type":"array","items":{"type":"string"}},
"days":{"type":"array","items":{"type":"object","required":["date","business_day","weekend","holiday","holiday_en","closed"],
"properties":{"date":{"type":"string","format":"date"},"business_day":{"type":"boolean"},"weekend":{"type":"boolean"},
"holiday":{"type":["string","null"],"description":"the national holiday's name, in Japanese"},
"holiday_en":{"type":["string","null"],"description":"its name in English"},
"closed":{"type":"boolean","description":"one of the provider's closing days"}}}}}})";

inline constexpr const char* kIncident =
    "{\"type\":\"object\",\"required\":[\"id\",\"state\",\"scope\",\"scope_companies\",\"severity\",\"title_ja\","
    "\"title_en\",\"body_ja\",\"body_en\",\"check_name\",\"detected_at\",\"detected_at_jst\",\"published_at\","
    "\"published_at_jst\",\"resolved_at\",\"resolved_at_jst\",\"minutes_to_publication\",\"overdue\","
    "\"created_by_login\",\"updated_at\",\"updated_at_jst\",\"updates\"],\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"state\":{\"enum\":[\"draft\",\"published\",\"resolved\"]}," KANRI_SCOPE ","
    "\"scope_companies\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"code\",\"name\"],"
    "\"properties\":{\"id\":{\"type\":\"string\"},\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}}}},"
    "\"severity\":{\"enum\":[\"minor\",\"major\",\"critical\"]}," KANRI_TEXTS ","
    "\"check_name\":{\"type\":\"string\",\"description\":\"the health check that opened it; empty when opened by "
    "hand\"}," KANRI_TIME("detected_at") "," KANRI_OPTIONAL_TIME("published_at") ","
    KANRI_OPTIONAL_TIME("resolved_at") ","
    "\"minutes_to_publication\":{\"type\":[\"integer\",\"null\"],\"description\":\"from detection to publication\"},"
    "\"overdue\":{\"type\":\"boolean\",\"description\":\"a draft detected more than 45 minutes ago\"},"
    "\"created_by_login\":{\"type\":\"string\"}," KANRI_TIME("updated_at") ","
    "\"updates\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"at\",\"at_jst\","
    "\"body_ja\",\"body_en\"],\"properties\":{\"id\":{\"type\":\"string\"},\"at\":{\"type\":\"string\",\"format\":"
    "\"date-time\"},\"at_jst\":{\"type\":\"string\"},\"body_ja\":{\"type\":\"string\"},\"body_en\":{\"type\":"
    "\"string\"}}}}}}";

inline constexpr const char* kIncidentCreate =
    "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"scope\",\"severity\",\"title_ja\","
    "\"title_en\"],\"properties\":{" KANRI_SCOPE
    ",\"severity\":{\"enum\":[\"minor\",\"major\",\"critical\"]}," KANRI_TEXTS
    ",\"detected_at\":{\"type\":\"string\",\"format\":\"date-time\",\"description\":\"default now\"},"
    "\"publish\":{\"type\":\"boolean\",\"default\":false}}}";

inline constexpr const char* kIncidentPatch =
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" KANRI_SCOPE
    ",\"severity\":{\"enum\":["
    "\"minor\",\"major\",\"critical\"]}," KANRI_TEXTS
    "},\"description\":\"scope and severity: drafts only\"}";

inline constexpr const char* kIncidentUpdate = R"({"type":"object","additionalProperties":false,
"required":["body_ja","body_en"],"properties":{"body_ja":{"type":"string","minLength":1,"maxLength":4000},
"body_en":{"type":"string","minLength":1,"maxLength":4000},"resolve":{"type":"boolean","default":false}}})";

inline constexpr const char* kAvailability =
    R"({"type":"object","required":["month","from","from_jst","to","to_jst","minutes","measured_minutes",
"maintenance_minutes","available_minutes","unavailable_minutes","availability","objective","met"],
"properties":{"month":{"type":"string","description":"YYYY-MM, in JST"},"from":{"type":"string","format":"date-time"},
"from_jst":{"type":"string"},"to":{"type":"string","format":"date-time"},"to_jst":{"type":"string"},
"minutes":{"type":"integer"},"measured_minutes":{"type":"integer","description":"since the first sample, up to now"},
"maintenance_minutes":{"type":"integer","description":"announced maintenance for all companies, excluded"},
"available_minutes":{"type":"integer"},"unavailable_minutes":{"type":"integer"},
"availability":{"type":["number","null"],"description":"available minutes over measured minutes less maintenance; null when nothing was measured"},
"objective":{"type":"number"},"met":{"type":"boolean"}}})";

inline constexpr const char* kAvailabilityList =
    R"({"type":"object","required":["items"],"properties":{"items":{"type":"array",
"items":{"$ref":"#/components/schemas/Availability"}}}})";

inline constexpr const char* kHealthChecks =
    R"({"type":"object","required":["node","at","at_jst","checks","failing_since","failing_since_jst","alarmed"],
"properties":{"node":{"type":"string"},"at":{"type":["string","null"],"format":"date-time"},"at_jst":{"type":["string","null"]},
"checks":{"type":"array","items":{"type":"object","required":["name","ok","detail"],"properties":{
"name":{"type":"string"},"ok":{"type":"boolean"},"detail":{"type":"string"}}}},
"failing_since":{"type":["string","null"],"format":"date-time"},"failing_since_jst":{"type":["string","null"]},
"alarmed":{"type":"boolean"}}})";

// What companies and the public see of a notice: no other company, no author, no check.
inline constexpr const char*
    kPublicMaintenance =
        "{\"type\":\"object\",\"required\":[\"id\",\"state\",\"starts_at\",\"starts_at_jst\",\"ends_at\","
        "\"ends_at_jst\","
        "\"emergency\",\"for_all\",\"title_ja\",\"title_en\",\"body_ja\",\"body_en\"],\"properties\":{\"id\":"
        "{\"type\":"
        "\"string\"},\"state\":{\"enum\":[\"scheduled\",\"in_progress\",\"ended\",\"cancelled\"]}"
        "," KANRI_TIME("starts_at") "," KANRI_TIME(
            "ends_at") ",\"emergency\":{\"type\":\"boolean\"},\"for_all\":{\"type\":\"boolean\"}," KANRI_TEXTS
                       "}}";

inline constexpr const char* kPublicIncident =
    "{\"type\":\"object\",\"required\":[\"id\",\"state\",\"severity\",\"for_all\",\"title_ja\",\"title_en\","
    "\"body_ja\",\"body_en\",\"detected_at\",\"detected_at_jst\",\"published_at\",\"published_at_jst\","
    "\"resolved_at\",\"resolved_at_jst\",\"updates\"],\"properties\":{\"id\":{\"type\":\"string\"},\"state\":{"
    "\"enum\":[\"published\",\"resolved\"]},\"severity\":{\"enum\":[\"minor\",\"major\",\"critical\"]},\"for_all\":{"
    "\"type\":\"boolean\"}," KANRI_TEXTS "," KANRI_TIME("detected_at") "," KANRI_OPTIONAL_TIME("published_at") ","
    KANRI_OPTIONAL_TIME("resolved_at") ",\"updates\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":"
    "[\"id\",\"at\",\"at_jst\",\"body_ja\",\"body_en\"],\"properties\":{\"id\":{\"type\":\"string\"},\"at\":{\"type\":"
    "\"string\",\"format\":\"date-time\"},\"at_jst\":{\"type\":\"string\"},\"body_ja\":{\"type\":\"string\"},"
    "\"body_en\":{\"type\":\"string\"}}}}}}";

inline constexpr const char* kNotices =
    R"({"type":"object","required":["maintenance","incidents"],"properties":{
"maintenance":{"type":"array","items":{"$ref":"#/components/schemas/PublicMaintenance"},"description":"in progress or to come"},
"incidents":{"type":"array","items":{"$ref":"#/components/schemas/PublicIncident"},"description":"unresolved, or detected in the last 90 days"}}})";

inline constexpr const char* kStatus =
    R"({"type":"object","required":["state","generated_at","generated_at_jst","objective","maintenance","incidents","days","months"],
"properties":{"state":{"enum":["operational","maintenance","degraded","outage"]},
"generated_at":{"type":"string","format":"date-time"},"generated_at_jst":{"type":"string"},
"objective":{"type":"number"},
"maintenance":{"type":"array","items":{"$ref":"#/components/schemas/PublicMaintenance"}},
"incidents":{"type":"array","items":{"$ref":"#/components/schemas/PublicIncident"}},
"days":{"type":"array","description":"the last 90 days (JST), oldest first","items":{"type":"object",
"required":["date","availability","incidents"],"properties":{"date":{"type":"string","format":"date"},
"availability":{"type":["number","null"]},"incidents":{"type":"integer"}}}},
"months":{"type":"array","description":"the last 12 months (JST), oldest first","items":{"type":"object",
"required":["month","availability","met"],"properties":{"month":{"type":"string"},
"availability":{"type":["number","null"]},"met":{"type":"boolean"}}}}}})";

inline constexpr const char* kSecurityData =
    R"({"type":"object","required":["data_residency","retention","backup_time_jst"],"properties":{
"data_residency":{"type":"string","description":"where customer data is stored (--data-residency), e.g. JP"},
"backup_time_jst":{"type":"string","description":"HH:MM, daily"},
"retention":{"type":"object","required":["history_days","backup_days","device_retention_days","mail_days",
"webhook_delivery_days","contract_end_grace_days","inactivity_reminder_days","inactivity_lock_days",
"inactivity_delete_days","session_idle_minutes","session_lifetime_hours"],"properties":{
"history_days":{"type":"integer"},"backup_days":{"type":"integer"},"device_retention_days":{"type":"integer"},
"mail_days":{"type":"integer"},"webhook_delivery_days":{"type":"integer"},"contract_end_grace_days":{"type":"integer"},
"inactivity_reminder_days":{"type":"integer"},"inactivity_lock_days":{"type":"integer"},
"inactivity_delete_days":{"type":"integer"},"session_idle_minutes":{"type":"integer"},
"session_lifetime_hours":{"type":"integer"}}}}})";

#undef KANRI_TIME
#undef KANRI_OPTIONAL_TIME
#undef KANRI_SCOPE
#undef KANRI_TEXTS
// clang-format on

}  // namespace kanri::api::schema
