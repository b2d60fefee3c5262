#include "api/json_io.h"

#include <charconv>

#include "base/crypto.h"

namespace kanri::api {

namespace json = boost::json;

void ThrowInvalid(std::string_view field, std::string detail) {
  throw http::ApiError(http::Problem{400, "invalid_request", "", std::move(detail), std::string(field)});
}

json::object ParseJsonBody(const http::HttpRequest& request) {
  auto type = request.Header("content-type").value_or("");
  auto semi = type.find(';');
  auto media = type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media != "application/json")
    throw http::ApiError(
        http::Problem{415, "unsupported_media_type", "", "Send the body as application/json.", ""});
  boost::system::error_code ec;
  json::value v = json::parse(request.body, ec);
  if (ec) throw http::ApiError(http::Problem{400, "invalid_json", "", "The body is not valid JSON.", ""});
  if (!v.is_object())
    throw http::ApiError(http::Problem{400, "invalid_json", "", "The body must be a JSON object.", ""});
  return std::move(v.as_object());
}

const json::value* FieldReader::Take(std::string_view name) {
  seen_.emplace(name);
  return object_.if_contains(name);
}

std::string FieldReader::RequiredString(std::string_view name) {
  const json::value* v = Take(name);
  if (!v || v->is_null()) ThrowInvalid(Field(name), Field(name) + " is required");
  if (!v->is_string()) ThrowInvalid(Field(name), Field(name) + " must be a string");
  return std::string(v->as_string());
}

std::optional<std::string> FieldReader::OptionalString(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) ThrowInvalid(Field(name), Field(name) + " must be a string");
  return std::string(v->as_string());
}

std::optional<std::optional<std::string>> FieldReader::NullableString(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) ThrowInvalid(Field(name), Field(name) + " must be a string or null");
  return std::optional<std::string>{std::string(v->as_string())};
}

std::optional<std::vector<std::string>> FieldReader::OptionalStringArray(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) ThrowInvalid(Field(name), Field(name) + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) ThrowInvalid(Field(name), Field(name) + " must be an array of strings");
    out.emplace_back(e.as_string());
  }
  return out;
}

Date FieldReader::RequiredDate(std::string_view name) {
  std::string text = RequiredString(name);
  auto d = Date::Parse(text);
  if (!d) ThrowInvalid(Field(name), Field(name) + " must be a date YYYY-MM-DD");
  return *d;
}

std::optional<std::optional<Date>> FieldReader::NullableDate(std::string_view name) {
  auto s = NullableString(name);
  if (!s) return std::nullopt;
  if (!*s) return std::optional<Date>{};
  auto d = Date::Parse(**s);
  if (!d) ThrowInvalid(Field(name), Field(name) + " must be a date YYYY-MM-DD or null");
  return std::optional<Date>{*d};
}

std::optional<bool> FieldReader::OptionalBool(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (!v->is_bool()) ThrowInvalid(Field(name), Field(name) + " must be true or false");
  return v->as_bool();
}

std::optional<std::int64_t> FieldReader::OptionalInteger(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->as_uint64());
  ThrowInvalid(Field(name), Field(name) + " must be a whole number");
}

std::optional<json::object> FieldReader::OptionalObject(std::string_view name) {
  const json::value* v = Take(name);
  if (!v) return std::nullopt;
  if (!v->is_object()) ThrowInvalid(Field(name), Field(name) + " must be an object");
  return v->as_object();
}

const json::value* FieldReader::OptionalValue(std::string_view name) {
  return Take(name);
}

void FieldReader::Finish() {
  for (const auto& kv : object_) {
    if (!seen_.count(std::string_view(kv.key()))) {
      const std::string field = Field(kv.key());
      throw http::ApiError(http::Problem{400, "unknown_field", "", "Unknown field '" + field + "'.", field});
    }
  }
}

PageRequest ReadPageRequest(const http::HttpRequest& request) {
  constexpr std::size_t kMaxLimit = 200;
  PageRequest page;
  if (auto limit = request.Query("limit")) {
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc{} || ptr != limit->data() + limit->size() || n < 1 || n > kMaxLimit)
      ThrowInvalid("limit", "limit must be a whole number from 1 to 200");
    page.limit = n;
  }
  if (auto cursor = request.Query("cursor"); cursor && !cursor->empty()) {
    auto decoded = Base64UrlDecode(*cursor);
    if (!decoded || decoded->rfind("k1:", 0) != 0)
      ThrowInvalid("cursor", "cursor is not one this service issued");
    page.after = decoded->substr(3);
  }
  return page;
}

std::string EncodeCursor(const std::string& key) {
  return Base64UrlEncode("k1:" + key);
}

json::value TimeJson(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return json::value(FormatUtc(*t));
}

void PutTimes(json::object& o, std::string_view name, const std::optional<Timestamp>& t) {
  o[name] = TimeJson(t);
  o[std::string(name) + "_jst"] = t ? json::value(FormatJst(*t)) : json::value(nullptr);
}

json::object AccountJson(const identity::Account& a, Timestamp now) {
  return json::object{
      {"id", a.id.value()},
      {"company_id", a.company_id ? json::value(a.company_id->value()) : json::value(nullptr)},
      {"login", a.login},
      {"name", a.name},
      {"email", a.email},
      {"kind", identity::ToString(a.kind)},
      {"status", identity::ToString(a.status)},
      {"must_change_password", a.must_change_password},
      {"locked_until", TimeJson(a.locked_until && now < *a.locked_until ? a.locked_until : std::nullopt)},
      {"last_login_at", TimeJson(a.last_login_at)},
      {"totp_enabled", a.totp_enabled_at.has_value()},
      {"created_at", FormatUtc(a.created_at)},
      {"updated_at", FormatUtc(a.updated_at)},
      {"language", a.language},
      {"lock_reason",
       a.lock_reason ? boost::json::value(identity::ToString(*a.lock_reason)) : boost::json::value(nullptr)},
      {"locked_at", TimeJson(a.locked_at)},
      {"inactivity_reminded_at", TimeJson(a.inactivity_reminded_at)},
  };
}

json::object CompanyJson(const tenancy::Company& c, Millis contract_end_grace) {
  json::value schedule = nullptr;
  if (const auto s = tenancy::DeletionScheduleOf(c, contract_end_grace)) {
    json::object o;
    PutTimes(o, "ended_at", s->ended_at);
    PutTimes(o, "accounts_at", s->accounts_at);
    PutTimes(o, "configuration_at", s->configuration_at);
    PutTimes(o, "company_at", s->company_at);
    schedule = std::move(o);
  }
  return json::object{
      {"id", c.id.value()},
      {"code", c.code},
      {"name", c.name},
      {"contract_start", c.contract_start.ToString()},
      {"contract_end", c.contract_end ? json::value(c.contract_end->ToString()) : json::value(nullptr)},
      {"status", tenancy::ToString(c.status)},
      {"allow_unauthenticated_devices", c.allow_unauthenticated_devices},
      {"deletion_stage", c.deletion_stage},
      {"deletion_schedule", std::move(schedule)},
      {"created_at", FormatUtc(c.created_at)},
      {"updated_at", FormatUtc(c.updated_at)},
  };
}

std::map<std::string, std::string> ReadParameterMap(const boost::json::object& o, const std::string& field) {
  std::map<std::string, std::string> out;
  for (const auto& kv : o) {
    if (!kv.value().is_string())
      ThrowInvalid(field, field + " maps paths to string values ('" + std::string(kv.key()) + "')");
    out[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return out;
}

}  // namespace kanri::api
