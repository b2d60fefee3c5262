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
"status":{"enum":["active","suspended","ended"]},"created_at":{"type":"string","format":"date-time"},
"updated_at":{"type":"string","format":"date-time"}}})";

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
"contract_end":{"type":["string","null"],"format":"date"},"status":{"enum":["active","suspended","ended"]}}})";

inline constexpr const char* kAdministratorCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"password":{"type":"string","minLength":8,"maxLength":128}}})";

inline constexpr const char* kAccountCreate = R"({"type":"object","additionalProperties":false,
"required":["login","name","email","kind","password"],"properties":{"login":{"type":"string"},"name":{"type":"string"},
"email":{"type":"string","format":"email"},"kind":{"enum":["admin","general"]},
"password":{"type":"string","minLength":8,"maxLength":128},"roles":{"type":"array","items":{"type":"string"}}}})";

inline constexpr const char* kAccountPatch = R"({"type":"object","additionalProperties":false,"properties":{
"name":{"type":"string"},"email":{"type":"string","format":"email"},"status":{"enum":["active","locked","disabled"]},
"roles":{"type":"array","items":{"type":"string"}}}})";

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
