// JSON Schemas of the API's bodies, used in the OpenAPI document next to their routes.
#pragma once

namespace kanri::api::schema {

inline constexpr const char* kAccount =
    R"({"type":"object","required":["id","login","name","email","kind","status"],
"properties":{"id":{"type":"string"},"company_id":{"type":["string","null"]},"login":{"type":"string"},
"name":{"type":"string"},"email":{"type":"string"},"kind":{"enum":["site_admin","admin","general"]},
"status":{"enum":["active","locked","disabled"]},"must_change_password":{"type":"boolean"},
"locked_until":{"type":["string","null"],"format":"date-time"},"last_login_at":{"type":["string","null"],"format":"date-time"},
"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kCompany =
    R"({"type":"object","required":["id","code","name","contract_start","status"],
"properties":{"id":{"type":"string"},"code":{"type":"string"},"name":{"type":"string"},
"contract_start":{"type":"string","format":"date"},"contract_end":{"type":["string","null"],"format":"date"},
"status":{"enum":["active","suspended","ended"]},"allow_unauthenticated_devices":{"type":"boolean",
"description":"lab setting: the company's profiles may admit devices without a credential"},
"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kLogin =
    R"({"type":"object","additionalProperties":false,"required":["login","password"],
"properties":{"company":{"type":["string","null"],"description":"会社ID; absent or null for a site administrator"},
"login":{"type":"string"},"password":{"type":"string"}}})";

inline constexpr const char* kSession =
    R"({"type":"object","properties":{"account":{"$ref":"#/components/schemas/Account"},
"csrf_token":{"type":"string"},"expires_at":{"type":"string","format":"date-time"},"idle_timeout_seconds":{"type":"integer"},
"permissions":{"type":"array","items":{"type":"string"},"description":"what the account holds now; GET only"}}})";

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

inline constexpr const char* kAdministratorCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"password":{"type":"string","minLength":8,"maxLength":128}}})";

inline constexpr const char* kAccountCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","kind","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"kind":{"enum":["admin","general"]},
"password":{"type":"string","minLength":8,"maxLength":128},"roles":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kAccountPatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"email":{"type":"string","format":"email"},"status":{"enum":["active","locked","disabled"]},
"kind":{"enum":["admin","general"]},"roles":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kPasswordReset =
    R"({"type":"object","properties":{"temporary_password":{"type":"string"},
"account":{"$ref":"#/components/schemas/Account"}}})";

inline constexpr const char* kHealth = R"({"type":"object","properties":{"status":{"type":"string"}}})";

}  // namespace kanri::api::schema

namespace kanri::api::schema {

inline constexpr const char* kRole =
    R"({"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"},
"name_en":{"type":"string"},"description":{"type":"string"},"permissions":{"type":"array","items":{"type":"string"}},
"builtin":{"type":"boolean"}}})";

inline constexpr const char* kRoleCreate =
    R"({"type":"object","additionalProperties":false,"required":["name","permissions"],
"properties":{"name":{"type":"string"},"description":{"type":"string"},
"permissions":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kRolePatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"description":{"type":"string"},"permissions":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kPermission = R"({"type":"object","properties":{"name":{"type":"string"},
"scope":{"enum":["company","provider"]},"label_ja":{"type":"string"},"label_en":{"type":"string"}}})";

inline constexpr const char* kAuditRecord = R"({"type":"object","properties":{"seq":{"type":"integer"},
"time":{"type":"string","format":"date-time"},"time_jst":{"type":"string"},"company_id":{"type":["string","null"]},
"actor_id":{"type":"string"},"actor_login":{"type":"string"},"source_ip":{"type":"string"},"action":{"type":"string"},
"target_type":{"type":"string"},"target_id":{"type":"string"},"outcome":{"enum":["success","denied","failed"]},
"error_code":{"type":"string"},"request_id":{"type":"string"},"details":{"type":"object"}}})";

inline constexpr const char* kLockedAccount =
    R"({"type":"object","properties":{"account":{"$ref":"#/components/schemas/Account"},
"company_code":{"type":"string"}}})";

}  // namespace kanri::api::schema

namespace kanri::api::schema {

inline constexpr const char* kProfile = R"({"type":"object","properties":{"id":{"type":"string"},
"name":{"type":"string"},"match":{"type":"object","properties":{"oui":{"type":["string","null"]},
"product_class":{"type":["string","null"]},"serial_prefix":{"type":["string","null"]},
"serials":{"type":"array","items":{"type":"string"}}}},
"device_auth":{"type":"object","properties":{"mode":{"enum":["rotate","shared","none"]},"username":{"type":"string"},
"password_set":{"type":"boolean"}}},"periodic_inform_interval":{"type":["integer","null"]},
"parameters":{"type":"object","additionalProperties":{"type":"string"}},
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
"additionalProperties":{"type":"string"}}}})";

inline constexpr const char* kProfilePatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"match":{"type":"object"},"device_auth":{"type":"object",
"description":"replaces mode and username; the stored password stays when none is given"},
"periodic_inform_interval":{"type":["integer","null"]},"parameters":{"type":"object"}}})";

inline constexpr const char* kDevice = R"({"type":"object","properties":{"id":{"type":"string"},
"profile_id":{"type":["string","null"]},"oui":{"type":"string"},"product_class":{"type":"string"},
"serial_number":{"type":"string"},"manufacturer":{"type":"string"},"model":{"type":"string"},
"hardware_version":{"type":"string"},"software_version":{"type":"string"},"data_model":{"enum":["tr181","tr098"]},
"online":{"type":"boolean"},"last_events":{"type":"array","items":{"type":"string"}},
"periodic_inform_interval":{"type":"integer"},"wan_ip":{"type":"string"},"source_ip":{"type":"string"},
"connection_request_url":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},
"auth_mode":{"enum":["rotate","shared","none"]},"insecure":{"type":"boolean"},
"credential_state":{"enum":["bootstrap","rotating","rotated","shared","none"]},
"first_contact_at":{"type":"string","format":"date-time"},"first_contact_at_jst":{"type":"string"},
"last_contact_at":{"type":"string","format":"date-time"},"last_contact_at_jst":{"type":"string"},
"last_boot_at":{"type":["string","null"],"format":"date-time"},"online_until":{"type":"string","format":"date-time"},
"created_at":{"type":"string","format":"date-time"},"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kConnectionRequestOutcome =
    R"({"type":"object","properties":{"outcome":{"enum":["delivered","unreachable","refused_by_policy",)"
    R"("auth_failed","timeout","busy"]}}})";
inline constexpr const char* kDeviceSummary = R"({"type":"object","properties":{"total":{"type":"integer"},
"online":{"type":"integer"},"offline":{"type":"integer"},"insecure":{"type":"integer"}}})";

inline constexpr const char* kDeviceParameter = R"({"type":"object","properties":{"path":{"type":"string"},
"value":{"type":"string"},"type":{"type":"string"},"writable":{"type":["boolean","null"]}}})";

inline constexpr const char* kTaskCreate =
    R"({"type":"object","additionalProperties":false,"required":["type"],"properties":{
"type":{"enum":["getParameterValues","setParameterValues","getParameterNames","addObject","deleteObject","reboot",
"factoryReset","download"]},"now":{"type":"boolean","description":"ask the device to connect now, DEV-4"},
"names":{"type":"array","items":{"type":"string"},"description":"getParameterValues"},
"values":{"type":"object","additionalProperties":{"type":["string","integer","boolean"]},"description":"setParameterValues"},
"path":{"type":"string","description":"getParameterNames: an object path ending with '.'"},
"next_level":{"type":"boolean","description":"getParameterNames"},
"object":{"type":"string","description":"addObject: a table path; deleteObject: an instance path; both end with '.'"},
"file_id":{"type":"string","description":"download: a firmware file of the company"}}})";

inline constexpr const char* kTask = R"({"type":"object","properties":{"id":{"type":"string"},
"device_id":{"type":"string"},"job_id":{"type":["string","null"]},"type":{"type":"string"},
"state":{"enum":["queued","running","done","failed","cancelled"]},"request":{"type":"object"},
"result":{"type":["object","null"]},"fault":{"type":["object","null"],"properties":{"code":{"type":"integer"},
"string":{"type":"string"},"meaning":{"type":"string"}}},"error":{"type":["string","null"]},
"command_key":{"type":"string"},"internal":{"type":"boolean"},
"created_by":{"type":"object","properties":{"id":{"type":["string","null"]},"login":{"type":"string"}}},
"created_at":{"type":"string","format":"date-time"},"started_at":{"type":["string","null"],"format":"date-time"},
"finished_at":{"type":["string","null"],"format":"date-time"},"expires_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kJob = R"({"type":"object","properties":{"id":{"type":"string"},
"group_id":{"type":["string","null"]},"type":{"type":"string"},"request":{"type":"object"},
"progress":{"type":"object","properties":{"total":{"type":"integer"},"queued":{"type":"integer"},
"running":{"type":"integer"},"done":{"type":"integer"},"failed":{"type":"integer"},"cancelled":{"type":"integer"}}},
"tasks":{"type":"object","description":"GET only: a page of per-device tasks","properties":{"items":{"type":"array",
"items":{"type":"object","properties":{"task_id":{"type":"string"},"device_id":{"type":"string"},
"serial_number":{"type":"string"},"state":{"type":"string"},"fault":{"type":["object","null"]},
"error":{"type":["string","null"]}}}},"next_cursor":{"type":["string","null"]}}},
"created_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kDeviceGroup = R"({"type":"object","properties":{"id":{"type":"string"},
"name":{"type":"string"},"kind":{"enum":["static","filter"]},"filter":{"type":["object","null"]},
"device_count":{"type":"integer"},"created_at":{"type":"string","format":"date-time"},
"updated_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kDeviceGroupCreate = R"({"type":"object","additionalProperties":false,
"required":["name"],"properties":{"name":{"type":"string","minLength":1,"maxLength":64},
"kind":{"enum":["static","filter"],"default":"static"},"device_ids":{"type":"array","items":{"type":"string"}},
"filter":{"type":"object","additionalProperties":false,"properties":{"q":{"type":"string"},"online":{"type":"boolean"},
"profile_id":{"type":"string"},"model":{"type":"string"},"software_version":{"type":"string"},"tag":{"type":"string"}}}}})";

inline constexpr const char* kDeviceGroupPatch =
    R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"filter":{"type":"object"}}})";

inline constexpr const char* kDeviceGroupDevices = R"({"type":"object","additionalProperties":false,
"required":["device_ids"],"properties":{"device_ids":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kRefusedDevice = R"({"type":"object","properties":{"id":{"type":"string"},
"oui":{"type":"string"},"product_class":{"type":"string"},"serial_number":{"type":"string"},
"source_ip":{"type":"string"},"reason":{"enum":["unallocated","overlap","no_profile","ambiguous",
"unauthenticated_not_allowed","bad_credentials"]},
"attempts":{"type":"integer"},"first_at":{"type":"string","format":"date-time"},
"last_at":{"type":"string","format":"date-time"},"last_at_jst":{"type":"string"}}})";

inline constexpr const char* kAllocation = R"({"type":"object","properties":{"id":{"type":"string"},
"company_id":{"type":"string"},"company_code":{"type":"string"},"oui":{"type":"string"},
"product_class":{"type":["string","null"]},"kind":{"enum":["serials","prefix","range","oui"]},
"serial_count":{"type":"integer"},"serials":{"type":"array","items":{"type":"string"}},
"serial_prefix":{"type":["string","null"]},
"serial_range":{"type":["object","null"],"properties":{"from":{"type":"string"},"to":{"type":"string"}}},
"note":{"type":"string"},"created_by":{"type":"string"},"created_at":{"type":"string","format":"date-time"}}})";

inline constexpr const char* kAllocationCreate = R"({"type":"object","additionalProperties":false,
"required":["company_id","oui"],"properties":{"company_id":{"type":"string"},
"oui":{"type":"string","pattern":"^[0-9A-Fa-f]{6}$"},"product_class":{"type":["string","null"]},
"serials":{"type":"array","maxItems":10000,"items":{"type":"string","maxLength":64}},
"serial_prefix":{"type":["string","null"],"maxLength":64},
"serial_range":{"type":"object","required":["from","to"],"properties":{"from":{"type":"string"},
"to":{"type":"string"}},"description":"serials of the same length as from/to that sort between them"},
"note":{"type":"string","maxLength":200}},
"description":"at most one of serials, serial_prefix and serial_range; none allocates the whole OUI"})";

}  // namespace kanri::api::schema
