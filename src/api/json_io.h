// Reading and writing the API's JSON. Input is strict: the body must be a JSON object sent
// as application/json, every field must be known and of the right type, else the request
// ends with a 400 problem naming the field, before anything changes.
//
//   auto body = ParseJsonBody(ctx.request);           // 415 / 400 invalid_json
//   FieldReader in{body};
//   std::string login = in.RequiredString("login");
//   auto end = in.NullableDate("contract_end");       // absent / null / "2026-03-31"
//   in.Finish();                                      // 400 unknown_field
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/page.h"
#include "base/time.h"
#include "http/message.h"
#include "identity/accounts.h"
#include "tenancy/companies.h"

namespace kanri::api {

boost::json::object ParseJsonBody(const http::HttpRequest& request);

class FieldReader {
 public:
  // `prefix` names a nested object in errors: FieldReader{match, "match."} reports "match.oui".
  explicit FieldReader(boost::json::object object, std::string prefix = "")
      : object_(std::move(object)), prefix_(std::move(prefix)) {}

  std::string RequiredString(std::string_view name);
  std::optional<std::string> OptionalString(std::string_view name);
  // Absent → nullopt; null → optional(nullopt); a string → optional(optional(value)).
  std::optional<std::optional<std::string>> NullableString(std::string_view name);
  std::optional<std::vector<std::string>> OptionalStringArray(std::string_view name);
  std::optional<bool> OptionalBool(std::string_view name);
  std::optional<std::int64_t> OptionalInteger(std::string_view name);
  // A nested object, to read with its own FieldReader (absent → nullopt; not an object → 400).
  std::optional<boost::json::object> OptionalObject(std::string_view name);
  // Any JSON value, checked by the caller (absent → nullptr).
  const boost::json::value* OptionalValue(std::string_view name);
  // The field name as errors report it (with the prefix).
  std::string Field(std::string_view name) const { return prefix_ + std::string(name); }
  Date RequiredDate(std::string_view name);
  std::optional<std::optional<Date>> NullableDate(std::string_view name);
  void Finish();  // throws on fields nobody asked for

 private:
  const boost::json::value* Take(std::string_view name);
  boost::json::object object_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

[[noreturn]] void ThrowInvalid(std::string_view field, std::string detail);

// An object of parameter paths to string values (a profile's parameters, a device's
// overrides); 400 on `field` for any other value.
std::map<std::string, std::string> ReadParameterMap(const boost::json::object& o, const std::string& field);

// ?limit=&cursor= → PageRequest (limit 1–200, default 50; the cursor is opaque to clients).
PageRequest ReadPageRequest(const http::HttpRequest& request);
std::string EncodeCursor(const std::string& key);

template <typename T, typename ToJson>
http::HttpResponse PageResponse(const Page<T>& page, ToJson to_json) {
  boost::json::array items;
  for (const auto& item : page.items) items.push_back(to_json(item));
  boost::json::object out;
  out["items"] = std::move(items);
  out["next_cursor"] =
      page.next_after ? boost::json::value(EncodeCursor(*page.next_after)) : boost::json::value(nullptr);
  return http::JsonResponse(200, boost::json::serialize(out));
}

boost::json::value TimeJson(const std::optional<Timestamp>& t);
// Sets `name` (UTC) and `name`_jst (JST, DATA-1) on `o`; both null when `t` is absent.
void PutTimes(boost::json::object& o, std::string_view name, const std::optional<Timestamp>& t);
// `locked_until` is shown only while the SEC-1 lock lasts (a past lock is no lock).
boost::json::object AccountJson(const identity::Account& a, Timestamp now);
// With its deletion schedule after the contract's end (DATA-6) under `contract_end_grace`.
boost::json::object CompanyJson(const tenancy::Company& c, Millis contract_end_grace);

// Unwraps a domain result or ends the request with its problem.
template <typename T>
T Unwrap(Result<T> r) {
  if (!r) throw http::ApiError(r.error());
  return std::move(*r);
}

}  // namespace kanri::api
