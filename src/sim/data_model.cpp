// The simulated CPE's parameter tree: see data_model.h.
#include "sim/data_model.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "base/xsd_value.h"

namespace kanri::sim {
namespace {

namespace json = boost::json;

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T>
bool InRange(std::string_view text, const std::optional<ValueRange>& range) {
  const auto value = XsdInteger<T>(text);
  if (!value) return false;
  if (!range) return true;
  if constexpr (std::is_unsigned_v<T>) {
    return *value >= static_cast<std::uint64_t>(std::max<std::int64_t>(range->min, 0)) &&
           (range->max < 0 || *value <= static_cast<std::uint64_t>(range->max));
  } else {
    return *value >= range->min && *value <= range->max;
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A fault code's SOAP faultcode: the request's fault (Client) or the CPE's (Server).
bool IsClientFault(CpeFaultCode code) {
  switch (code) {
    case CpeFaultCode::kInvalidArguments:
    case CpeFaultCode::kInvalidParameterName:
    case CpeFaultCode::kInvalidParameterType:
    case CpeFaultCode::kInvalidParameterValue:
    case CpeFaultCode::kNonWritableParameter:
      return true;
    default:
      return false;
  }
}

}  // namespace

cwmp::CpeFault MakeFault(CpeFaultCode code, std::string fault_string) {
  cwmp::CpeFault fault;
  fault.soap_fault_code = IsClientFault(code) ? "Client" : "Server";
  fault.soap_fault_string = "CWMP fault";
  fault.fault_code = static_cast<int>(code);
  fault.fault_string =
      fault_string.empty() ? std::string(cwmp::CwmpFaultMeaning(fault.fault_code)) : std::move(fault_string);
  return fault;
}

bool IsValidValue(const Parameter& parameter, std::string_view value) {
  switch (parameter.type) {
    case XsdType::kString:
      return value.size() <= parameter.max_length &&
             (parameter.enumeration.empty() ||
              std::find(parameter.enumeration.begin(), parameter.enumeration.end(), value) !=
                  parameter.enumeration.end());
    case XsdType::kBoolean:
      return value == "0" || value == "1" || value == "true" || value == "false";
    case XsdType::kInt:
      return InRange<std::int32_t>(value, parameter.range);
    case XsdType::kUnsignedInt:
      return InRange<std::uint32_t>(value, parameter.range);
    case XsdType::kLong:
      return InRange<std::int64_t>(value, parameter.range);
    case XsdType::kUnsignedLong:
      return InRange<std::uint64_t>(value, parameter.range);
    case XsdType::kDateTime:
      return IsXsdDateTime(value);
    case XsdType::kBase64:
      return value.size() <= parameter.max_length * 2 && IsXsdBase64(value);
    case XsdType::kHexBinary:
      return value.size() <= parameter.max_length * 2 && IsXsdHexBinary(value);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Building

void DataModel::DefineObject(std::string path, bool writable) {
  if (root_.empty()) root_ = path;
  objects_[std::move(path)] = Object{writable};
}

void DataModel::DefineParameter(std::string name, Parameter parameter) {
  parameters_[std::move(name)] = std::move(parameter);
}

void DataModel::DefineTable(std::string path,
                            std::vector<std::pair<std::string, Parameter>> instance_template, bool addable,
                            std::string count_parameter) {
  DefineObject(path, addable);
  Table table;
  table.instance_template = std::move(instance_template);
  table.addable = addable;
  table.count_parameter = std::move(count_parameter);
  if (!table.count_parameter.empty()) {
    DefineParameter(table.count_parameter, {.value = "0", .type = XsdType::kUnsignedInt});
  }
  tables_[std::move(path)] = std::move(table);
}

std::uint32_t DataModel::CreateInstance(const std::string& table_path) {
  const std::uint32_t number = tables_.at(table_path).next_instance;
  CreateInstanceNumbered(table_path, number);
  return number;
}

void DataModel::CreateInstanceNumbered(const std::string& table_path, std::uint32_t number) {
  Table& table = tables_.at(table_path);
  const std::string instance = table_path + std::to_string(number) + ".";
  objects_[instance] = Object{table.addable};
  for (const auto& [relative, parameter] : table.instance_template) {
    // Sub-objects of an instance ("Stats.") are declared in the template with a trailing '.'.
    if (relative.ends_with('.')) {
      objects_[instance + relative] = Object{false};
    } else {
      parameters_[instance + relative] = parameter;
    }
  }
  table.next_instance = std::max(table.next_instance, number + 1);
  UpdateCount(table_path);
}

void DataModel::UpdateCount(const std::string& table_path) {
  const Table& table = tables_.at(table_path);
  if (table.count_parameter.empty()) return;
  std::size_t count = 0;
  for (auto it = objects_.lower_bound(table_path); it != objects_.end() && StartsWith(it->first, table_path);
       ++it) {
    if (SplitInstance(it->first)) ++count;
  }
  SetValue(table.count_parameter, std::to_string(count));
}

// ---------------------------------------------------------------------------------------------
// Direct access

const Parameter* DataModel::Find(std::string_view name) const {
  const auto it = parameters_.find(name);
  return it == parameters_.end() ? nullptr : &it->second;
}

std::string DataModel::Value(std::string_view name) const {
  const Parameter* parameter = Find(name);
  return parameter ? parameter->value : std::string();
}

void DataModel::SetValue(std::string_view name, std::string value) {
  if (auto it = parameters_.find(name); it != parameters_.end()) it->second.value = std::move(value);
}

std::optional<std::pair<std::string, std::uint32_t>> DataModel::SplitInstance(std::string_view path) const {
  if (!path.ends_with('.')) return std::nullopt;
  const std::string_view without_dot = path.substr(0, path.size() - 1);
  const auto dot = without_dot.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view number = without_dot.substr(dot + 1);
  if (!IsDigits(number)) return std::nullopt;
  const std::string table(path.substr(0, dot + 1));
  if (!tables_.contains(table)) return std::nullopt;
  const auto n = XsdInteger<std::uint32_t>(number);
  if (!n) return std::nullopt;
  return std::pair{table, *n};
}

// ---------------------------------------------------------------------------------------------
// TR-069 operations

FaultOr<std::vector<cwmp::ParameterValue>> DataModel::GetValues(std::span<const std::string> names) const {
  std::vector<cwmp::ParameterValue> values;
  const auto add = [&](const std::string& name, const Parameter& parameter) {
    values.push_back({name, parameter.hidden ? std::string() : parameter.value,
                      std::string(cwmp::XsdTypeName(parameter.type))});
  };
  for (const std::string& requested : names) {
    if (requested.empty() || requested.ends_with('.')) {
      const std::string& prefix = requested.empty() ? root_ : requested;
      if (!objects_.contains(prefix)) {
        return MakeFault(CpeFaultCode::kInvalidParameterName, "no such object: " + requested);
      }
      for (auto it = parameters_.lower_bound(prefix);
           it != parameters_.end() && StartsWith(it->first, prefix); ++it) {
        add(it->first, it->second);
      }
      continue;
    }
    const auto it = parameters_.find(requested);
    if (it == parameters_.end()) {
      return MakeFault(CpeFaultCode::kInvalidParameterName, "no such parameter: " + requested);
    }
    add(it->first, it->second);
  }
  return values;
}

FaultOr<std::monostate> DataModel::SetValues(std::span<const cwmp::ParameterValue> values) {
  std::vector<cwmp::SetParameterValuesFault> faults;
  std::set<std::string_view> seen;
  const auto fail = [&](const std::string& name, CpeFaultCode code) {
    faults.push_back(
        {name, static_cast<int>(code), std::string(cwmp::CwmpFaultMeaning(static_cast<int>(code)))});
  };
  for (const cwmp::ParameterValue& value : values) {
    const Parameter* parameter = Find(value.name);
    if (!seen.insert(value.name).second) {
      fail(value.name, CpeFaultCode::kInvalidArguments);
    } else if (!parameter) {
      fail(value.name, CpeFaultCode::kInvalidParameterName);
    } else if (!parameter->writable) {
      fail(value.name, CpeFaultCode::kNonWritableParameter);
    } else if (!IsValidValue(*parameter, value.value)) {
      // The value, not the xsi:type the ACS wrote, decides: like most CPEs we accept
      // "xsd:string" for a number as long as the text is a valid number.
      fail(value.name, CpeFaultCode::kInvalidParameterValue);
    }
  }
  if (!faults.empty()) {
    cwmp::CpeFault fault = MakeFault(CpeFaultCode::kInvalidArguments);
    fault.set_parameter_values_faults = std::move(faults);
    return fault;
  }
  for (const cwmp::ParameterValue& value : values) SetValue(value.name, value.value);
  return std::monostate{};
}

FaultOr<std::vector<cwmp::ParameterInfo>> DataModel::GetNames(std::string_view path, bool next_level) const {
  if (path.empty()) {
    if (next_level) return std::vector<cwmp::ParameterInfo>{{root_, false}};
    path = root_;
  }
  if (!path.ends_with('.')) {
    const Parameter* parameter = Find(path);
    if (!parameter)
      return MakeFault(CpeFaultCode::kInvalidParameterName, "no such parameter: " + std::string(path));
    if (next_level) {
      return MakeFault(CpeFaultCode::kInvalidArguments, "NextLevel true is not allowed for a parameter name");
    }
    return std::vector<cwmp::ParameterInfo>{{std::string(path), parameter->writable}};
  }
  const auto object = objects_.find(path);
  if (object == objects_.end()) {
    return MakeFault(CpeFaultCode::kInvalidParameterName, "no such object: " + std::string(path));
  }
  // A direct child's remainder has no '.' (a parameter) or exactly one, at its end (an object).
  const auto is_child = [&](std::string_view name) {
    const std::string_view rest = name.substr(path.size());
    const auto dot = rest.find('.');
    return dot == std::string_view::npos || dot == rest.size() - 1;
  };
  std::vector<cwmp::ParameterInfo> names;
  if (!next_level) names.push_back({object->first, object->second.writable});
  for (auto it = std::next(object); it != objects_.end() && StartsWith(it->first, path); ++it) {
    if (!next_level || is_child(it->first)) names.push_back({it->first, it->second.writable});
  }
  for (auto it = parameters_.lower_bound(path); it != parameters_.end() && StartsWith(it->first, path);
       ++it) {
    if (!next_level || is_child(it->first)) names.push_back({it->first, it->second.writable});
  }
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return names;
}

FaultOr<std::uint32_t> DataModel::AddInstance(std::string_view table_path) {
  const auto it = tables_.find(table_path);
  if (it == tables_.end() || !it->second.addable) {
    return MakeFault(CpeFaultCode::kInvalidParameterName,
                     "not a multi-instance object that can be added to: " + std::string(table_path));
  }
  return CreateInstance(it->first);
}

FaultOr<std::monostate> DataModel::DeleteInstance(std::string_view instance_path) {
  const auto split = SplitInstance(instance_path);
  if (!split || !tables_.at(split->first).addable || !objects_.contains(instance_path)) {
    return MakeFault(CpeFaultCode::kInvalidParameterName,
                     "not an instance that can be deleted: " + std::string(instance_path));
  }
  RemoveSubtree(std::string(instance_path));
  UpdateCount(split->first);
  return std::monostate{};
}

void DataModel::RemoveSubtree(const std::string& path) {
  const auto erase_prefixed = [&](auto& map) {
    auto it = map.lower_bound(path);
    while (it != map.end() && StartsWith(it->first, path)) it = map.erase(it);
  };
  erase_prefixed(objects_);
  erase_prefixed(parameters_);
}

// ---------------------------------------------------------------------------------------------
// Persistence

std::string DataModel::SaveState() const {
  json::object state;
  json::object values;
  for (const auto& [name, parameter] : parameters_) values[name] = parameter.value;
  json::object instances;
  for (const auto& [path, table] : tables_) {
    if (!table.addable) continue;
    json::array numbers;
    for (auto it = objects_.lower_bound(path); it != objects_.end() && StartsWith(it->first, path); ++it) {
      if (auto split = SplitInstance(it->first); split && split->first == path)
        numbers.push_back(split->second);
    }
    instances[path] = json::object{{"numbers", std::move(numbers)}, {"next", table.next_instance}};
  }
  state["values"] = std::move(values);
  state["instances"] = std::move(instances);
  return json::serialize(state);
}

bool DataModel::LoadState(std::string_view text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return false;
  const json::object& state = parsed.as_object();
  if (const auto* instances = state.if_contains("instances"); instances && instances->is_object()) {
    for (const auto& [path, saved] : instances->as_object()) {
      const auto table = tables_.find(std::string_view(path));
      if (table == tables_.end() || !table->second.addable || !saved.is_object()) continue;
      const std::string table_path = table->first;
      // Drop the default instances, then recreate the saved ones with their numbers.
      for (auto it = objects_.lower_bound(table_path);
           it != objects_.end() && StartsWith(it->first, table_path);) {
        if (auto split = SplitInstance(it->first); split && split->first == table_path) {
          const std::string instance = it->first;  // a copy: the erase frees the key
          RemoveSubtree(instance);
          it = objects_.lower_bound(table_path);
        } else {
          ++it;
        }
      }
      if (const auto* numbers = saved.as_object().if_contains("numbers"); numbers && numbers->is_array()) {
        for (const json::value& n : numbers->as_array()) {
          if (n.is_int64() && n.as_int64() > 0 && n.as_int64() <= UINT32_MAX) {
            CreateInstanceNumbered(table_path, static_cast<std::uint32_t>(n.as_int64()));
          }
        }
      }
      if (const auto* next = saved.as_object().if_contains("next"); next && next->is_int64()) {
        table->second.next_instance =
            std::max(table->second.next_instance, static_cast<std::uint32_t>(next->as_int64()));
      }
      UpdateCount(table_path);
    }
  }
  if (const auto* values = state.if_contains("values"); values && values->is_object()) {
    for (const auto& [name, value] : values->as_object()) {
      if (value.is_string()) SetValue(std::string_view(name), std::string(value.as_string()));
    }
  }
  return true;
}

}  // namespace kanri::sim
