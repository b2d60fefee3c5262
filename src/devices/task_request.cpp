#include "devices/task_request.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <limits>
#include <utility>

#include "base/text.h"
#include "devices/profiles.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxPath = 256;
constexpr std::size_t kMaxValue = 4'096;
constexpr int kStoredVersion = 1;

// A path of the data model: rooted at Device. or InternetGatewayDevice., ASCII names and
// instance numbers separated by single dots.
bool IsModelPath(std::string_view p) {
  const bool rooted = p.starts_with("Device.") || p.starts_with("InternetGatewayDevice.");
  return rooted && p.size() <= kMaxPath && IsAsciiWord(p, "._-") && p.find("..") == std::string_view::npos;
}

bool IsObjectPath(std::string_view p) {
  return IsModelPath(p) && p.back() == '.';
}

// The last segment of an object path "A.B.3." ("3").
std::string_view LastSegment(std::string_view object_path) {
  object_path.remove_suffix(1);
  return object_path.substr(object_path.rfind('.') + 1);
}

bool IsNumber(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A request's fields, taken one by one; Finish refuses any field left over. `internal` (a
// stored request) also admits the fields only Kanri writes and lifts the entry bound.
class Fields {
 public:
  Fields(const json::object& o, std::size_t max_entries, bool internal)
      : o_(o), max_entries_(max_entries), internal_(internal) {}
  const json::value* Take(const char* name) {
    taken_.emplace_back(name);
    return o_.if_contains(name);
  }
  // A field Kanri writes for its own tasks: invisible to an API caller.
  const json::value* TakeInternal(const char* name) { return internal_ ? Take(name) : nullptr; }
  std::size_t max_entries() const {
    return internal_ ? std::numeric_limits<std::size_t>::max() : max_entries_;
  }
  Status Finish() const {
    for (const auto& kv : o_)
      if (std::find(taken_.begin(), taken_.end(), std::string_view(kv.key())) == taken_.end())
        return InvalidArgument(std::string(kv.key()),
                               "unknown field '" + std::string(kv.key()) + "' for this task type");
    return Ok{};
  }

 private:
  const json::object& o_;
  std::size_t max_entries_;
  bool internal_;
  std::vector<std::string_view> taken_;
};

Result<std::string> ObjectPath(Fields& in, bool instance) {
  const json::value* v = in.Take("object");
  if (!v || !v->is_string())
    return InvalidArgument("object", "object is required: an object path ending with '.'");
  const std::string p(v->as_string());
  if (!IsObjectPath(p))
    return InvalidArgument("object", "object must be an object path ending with '.' (Device.…)");
  if (instance && !IsNumber(LastSegment(p)))
    return InvalidArgument("object", "deleteObject needs an instance path such as Device.NAT.PortMapping.3.");
  if (!instance && IsNumber(LastSegment(p)))
    return InvalidArgument("object", "addObject needs a table path such as Device.NAT.PortMapping.");
  return p;
}

constexpr std::array<std::pair<task::SetPurpose, std::string_view>, 4> kPurposes{{
    {task::SetPurpose::kOperator, ""},
    {task::SetPurpose::kCredentials, "credentials"},
    {task::SetPurpose::kProfile, "profile"},
    {task::SetPurpose::kRemoteLogin, "remote_login"},
}};

// DEV-5: the remote login an internal task belongs to (stored requests only).
std::string RemoteLoginOf(Fields& in) {
  const json::value* v = in.TakeInternal("remote_login");
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
void ShowRemoteLogin(const std::string& id, json::object& out) {
  if (!id.empty()) out["remote_login"] = id;
}

// ---------------------------------------------------------------------------------------------
// One entry per task type: its API name and permission, how its request is read (Parse) and
// shown (Show).

template <typename T>
struct Entry;

template <>
struct Entry<task::GetParameterValues> {
  static constexpr std::string_view kName = "getParameterValues";
  static constexpr std::string_view kPermission = "devices.read";
  static Result<task::GetParameterValues> Parse(Fields& in) {
    const json::value* names = in.Take("names");
    if (!names || !names->is_array() || names->as_array().empty())
      return InvalidArgument("names", "names must be a non-empty array of parameter paths");
    if (names->as_array().size() > in.max_entries())
      return InvalidArgument("names", "at most " + std::to_string(in.max_entries()) + " names");
    task::GetParameterValues t;
    for (const auto& n : names->as_array()) {
      if (!n.is_string() || !IsModelPath(n.as_string()))
        return InvalidArgument("names",
                               "every name must be a parameter path or a partial path ending with '.'");
      t.names.emplace_back(n.as_string());
    }
    return t;
  }
  static void Show(const task::GetParameterValues& t, json::object& out) {
    json::array names;
    for (const auto& n : t.names) names.emplace_back(json::string(n));
    out["names"] = std::move(names);
  }
};

template <>
struct Entry<task::SetParameterValues> {
  static constexpr std::string_view kName = "setParameterValues";
  static constexpr std::string_view kPermission = "devices.configure";
  static Result<task::SetParameterValues> Parse(Fields& in) {
    task::SetParameterValues t;
    if (const json::value* purpose = in.TakeInternal("purpose")) {
      const auto* found = std::find_if(kPurposes.begin(), kPurposes.end(), [&](const auto& p) {
        return purpose->is_string() && p.second == purpose->as_string();
      });
      if (found == kPurposes.end()) return InvalidArgument("purpose", "unknown purpose");
      t.purpose = found->first;
    }
    t.remote_login = RemoteLoginOf(in);
    const json::value* values = in.Take("values");
    // The credential change carries no values: they are sealed in the device row.
    if (!values && t.purpose == task::SetPurpose::kCredentials) return t;
    if (!values || !values->is_object() || values->as_object().empty())
      return InvalidArgument("values", "values must be a non-empty object of parameter path → value");
    if (values->as_object().size() > in.max_entries())
      return InvalidArgument("values", "at most " + std::to_string(in.max_entries()) + " values");
    for (const auto& kv : values->as_object()) {
      if (auto st = ValidateParameterPath(kv.key(), "values"); !st) return st.error();
      const json::value& v = kv.value();
      std::string text;
      if (v.is_string()) {
        text = std::string(v.as_string());
      } else if (v.is_bool()) {
        text = v.as_bool() ? "true" : "false";
      } else if (v.is_int64()) {
        text = std::to_string(v.as_int64());
      } else if (v.is_uint64()) {
        text = std::to_string(v.as_uint64());
      } else {
        return InvalidArgument("values", "the value of " + std::string(kv.key()) +
                                             " must be a string, a whole number or a boolean");
      }
      if (text.size() > kMaxValue || Utf8Length(text) < 0)
        return InvalidArgument("values",
                               "the value of " + std::string(kv.key()) + " is too long or not text");
      t.values.emplace_back(std::string(kv.key()), std::move(text));
    }
    return t;
  }
  static void Show(const task::SetParameterValues& t, json::object& out) {
    if (!t.values.empty() || t.purpose != task::SetPurpose::kCredentials) {
      json::object values;
      for (const auto& [path, value] : t.values) values[path] = value;
      out["values"] = std::move(values);
    }
    for (const auto& [purpose, name] : kPurposes)
      if (purpose == t.purpose && !name.empty()) out["purpose"] = name;
    ShowRemoteLogin(t.remote_login, out);
  }
};

template <>
struct Entry<task::GetParameterNames> {
  static constexpr std::string_view kName = "getParameterNames";
  static constexpr std::string_view kPermission = "devices.read";
  static Result<task::GetParameterNames> Parse(Fields& in) {
    const json::value* path = in.Take("path");
    if (!path || !path->is_string() || !IsObjectPath(path->as_string()))
      return InvalidArgument("path", "path must be an object path ending with '.' (Device.WiFi.)");
    const json::value* next = in.Take("next_level");
    if (next && !next->is_bool()) return InvalidArgument("next_level", "next_level must be true or false");
    task::GetParameterNames t{std::string(path->as_string()), next && next->as_bool()};
    if (const json::value* then = in.TakeInternal("then_read_values"))
      t.then_read_values = then->is_bool() && then->as_bool();
    return t;
  }
  static void Show(const task::GetParameterNames& t, json::object& out) {
    out["path"] = t.path;
    out["next_level"] = t.next_level;
    if (t.then_read_values) out["then_read_values"] = true;
  }
};

template <>
struct Entry<task::AddObject> {
  static constexpr std::string_view kName = "addObject";
  static constexpr std::string_view kPermission = "devices.configure";
  static Result<task::AddObject> Parse(Fields& in) {
    auto object = ObjectPath(in, false);
    if (!object) return object.error();
    return task::AddObject{*object, RemoteLoginOf(in)};
  }
  static void Show(const task::AddObject& t, json::object& out) {
    out["object"] = t.object;
    ShowRemoteLogin(t.remote_login, out);
  }
};

template <>
struct Entry<task::DeleteObject> {
  static constexpr std::string_view kName = "deleteObject";
  static constexpr std::string_view kPermission = "devices.configure";
  static Result<task::DeleteObject> Parse(Fields& in) {
    auto object = ObjectPath(in, true);
    if (!object) return object.error();
    return task::DeleteObject{*object, RemoteLoginOf(in)};
  }
  static void Show(const task::DeleteObject& t, json::object& out) {
    out["object"] = t.object;
    ShowRemoteLogin(t.remote_login, out);
  }
};

template <>
struct Entry<task::Reboot> {
  static constexpr std::string_view kName = "reboot";
  static constexpr std::string_view kPermission = "devices.reboot";
  static Result<task::Reboot> Parse(Fields&) { return task::Reboot{}; }
  static void Show(const task::Reboot&, json::object&) {}
};

template <>
struct Entry<task::FactoryReset> {
  static constexpr std::string_view kName = "factoryReset";
  static constexpr std::string_view kPermission = "devices.factory_reset";
  static Result<task::FactoryReset> Parse(Fields&) { return task::FactoryReset{}; }
  static void Show(const task::FactoryReset&, json::object&) {}
};

template <>
struct Entry<task::Download> {
  static constexpr std::string_view kName = "download";
  static constexpr std::string_view kPermission = "devices.firmware";
  static Result<task::Download> Parse(Fields& in) {
    const json::value* file = in.Take("file_id");
    if (!file || !file->is_string() || file->as_string().empty() || file->as_string().size() > 64)
      return InvalidArgument("file_id", "file_id is required: the id of a firmware file");
    return task::Download{FirmwareId{std::string(file->as_string())}};
  }
  static void Show(const task::Download& t, json::object& out) { out["file_id"] = t.file_id.value(); }
};

// ---------------------------------------------------------------------------------------------
// The table, indexed by TaskType (the variant's order).

constexpr std::size_t kTypes = std::variant_size_v<TaskRequest>;
template <std::size_t I>
using EntryAt = Entry<std::variant_alternative_t<I, TaskRequest>>;

template <std::size_t I>
Result<TaskRequest> ParseAs(Fields& in) {
  auto r = EntryAt<I>::Parse(in);
  if (!r) return r.error();
  return TaskRequest{std::in_place_index<I>, std::move(*r)};
}

struct TypeInfo {
  std::string_view name;
  std::string_view permission;
  Result<TaskRequest> (*parse)(Fields&);
};

template <std::size_t... I>
constexpr std::array<TypeInfo, kTypes> MakeTable(std::index_sequence<I...>) {
  return {TypeInfo{EntryAt<I>::kName, EntryAt<I>::kPermission, &ParseAs<I>}...};
}
constexpr auto kTable = MakeTable(std::make_index_sequence<kTypes>{});

const TypeInfo& InfoOf(TaskType type) {
  return kTable[static_cast<std::size_t>(type)];
}

Result<TaskRequest> ParseObject(TaskType type, Fields& in) {
  auto parsed = InfoOf(type).parse(in);
  if (!parsed) return parsed;
  if (auto st = in.Finish(); !st) return st.error();
  return parsed;
}

json::object ShowObject(const TaskRequest& request) {
  json::object out;
  std::visit([&](const auto& t) { Entry<std::decay_t<decltype(t)>>::Show(t, out); }, request);
  return out;
}

}  // namespace

std::string_view ToString(TaskType type) {
  return InfoOf(type).name;
}

std::optional<TaskType> ParseTaskType(std::string_view text) {
  for (std::size_t i = 0; i < kTable.size(); ++i)
    if (kTable[i].name == text) return static_cast<TaskType>(i);
  return std::nullopt;
}

std::string_view RequiredPermission(TaskType type) {
  return InfoOf(type).permission;
}

Result<TaskRequest> ParseTaskRequest(TaskType type, std::string_view request_json, std::size_t max_entries) {
  boost::system::error_code ec;
  json::value parsed = json::parse(request_json, ec);
  if (ec || !parsed.is_object()) return InvalidArgument("request", "a task request is a JSON object");
  Fields in{parsed.as_object(), max_entries, false};
  return ParseObject(type, in);
}

std::string TaskRequestJson(const TaskRequest& request) {
  return json::serialize(ShowObject(request));
}

std::string StoreTaskRequest(const TaskRequest& request) {
  json::object out = ShowObject(request);
  out["v"] = kStoredVersion;
  return json::serialize(out);
}

Result<TaskRequest> LoadTaskRequest(std::string_view type_name, std::string_view stored) {
  const auto type = ParseTaskType(type_name);
  if (!type) return InvalidArgument("type", "unknown task type '" + std::string(type_name) + "'");
  boost::system::error_code ec;
  json::value parsed = json::parse(stored, ec);
  if (ec || !parsed.is_object()) return InvalidArgument("request", "the stored request is not a JSON object");
  Fields in{parsed.as_object(), 0, true};
  if (const json::value* v = in.Take("v"); v && !(v->is_int64() && v->as_int64() == kStoredVersion))
    return InvalidArgument("request", "the stored request has a format version this Kanri does not read");
  return ParseObject(*type, in);
}

}  // namespace kanri::devices
