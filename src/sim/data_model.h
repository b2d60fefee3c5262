// The parameter tree of one simulated CPE and the TR-069 operations on it (Amendment 6,
// A.3.2): GetParameterValues, SetParameterValues, GetParameterNames, AddObject, DeleteObject.
// No network and no SOAP here: the session code turns requests into these calls and their
// results (or CPE faults) into responses.
//
//   DataModel model = BuildDefaultModel(ModelKind::kTr181, identity);   // see models.h
//   FaultOr<std::vector<cwmp::ParameterValue>> r = model.GetValues({"Device.DeviceInfo."});
//   if (!r) return EncodeCpeFault(header, r.fault());
//
// Names follow TR-106: objects end with '.', parameters do not. Multi-instance objects
// ("tables", e.g. Device.NAT.PortMapping.{i}.) have a template from which AddObject creates an
// instance; a table may be fixed (instances made by the device only) or writable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cwmp/soap.h"

namespace kanri::sim {

using cwmp::XsdType;

// CPE fault codes (cwmp-1-2.xsd, CPEFaultCodeType) that the simulator answers with.
enum class CpeFaultCode : int {
  kMethodNotSupported = 9000,
  kRequestDenied = 9001,
  kInternalError = 9002,
  kInvalidArguments = 9003,
  kResourcesExceeded = 9004,
  kInvalidParameterName = 9005,
  kInvalidParameterType = 9006,
  kInvalidParameterValue = 9007,
  kNonWritableParameter = 9008,
  kDownloadFailure = 9010,
  kFileCorrupted = 9018,
};

// A CPE fault as it goes into a SOAP Fault (faultcode Client/Server chosen by the code).
cwmp::CpeFault MakeFault(CpeFaultCode code, std::string fault_string = {});

// Either a value or the CPE fault that answers the request.
template <typename T>
class [[nodiscard]] FaultOr {
 public:
  FaultOr(T value) : v_(std::move(value)) {}               // NOLINT(google-explicit-constructor)
  FaultOr(cwmp::CpeFault fault) : v_(std::move(fault)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const cwmp::CpeFault& fault() const { return std::get<1>(v_); }

 private:
  std::variant<T, cwmp::CpeFault> v_;
};

// Constraints on a parameter's value beyond its xsd type; a value outside them is 9007.
struct ValueRange {
  std::int64_t min = 0;
  std::int64_t max = 0;
};

struct Parameter {
  std::string value;
  XsdType type = XsdType::kString;
  bool writable = false;
  // TR-098/TR-181 passwords and keys read back as "" (their value is never disclosed).
  bool hidden = false;
  std::optional<ValueRange> range;       // numbers only
  std::vector<std::string> enumeration;  // strings only; empty: any value
  std::size_t max_length = 256;          // strings only
};

// True when `value` is a valid lexical form of `parameter`'s type and within its constraints.
bool IsValidValue(const Parameter& parameter, std::string_view value);

class DataModel {
 public:
  // ---- Building (models.cpp). Parents of an object must be defined first.
  void DefineObject(std::string path, bool writable = false);
  void DefineParameter(std::string name, Parameter parameter);
  // A multi-instance object "X.Y." with the parameters (relative names) of each instance.
  // `addable`: AddObject/DeleteObject allowed. `count_parameter`: the full name of the
  // "...NumberOfEntries" parameter kept equal to the number of instances ("" for none).
  void DefineTable(std::string path, std::vector<std::pair<std::string, Parameter>> instance_template,
                   bool addable, std::string count_parameter);
  // Creates an instance from the template (device-made or by AddObject); returns its number.
  std::uint32_t CreateInstance(const std::string& table_path);

  // ---- Direct access by the device itself (no access checks, no faults).
  const Parameter* Find(std::string_view name) const;
  std::string Value(std::string_view name) const;           // "" when absent
  void SetValue(std::string_view name, std::string value);  // ignored when absent

  // ---- TR-069 operations (A.3.2). Faults as the standard assigns them.

  // A name ending in '.' (or "") is a partial path: every parameter below it. Unknown names
  // (and partial paths that name no object) fault 9005.
  FaultOr<std::vector<cwmp::ParameterValue>> GetValues(std::span<const std::string> names) const;

  // All-or-nothing: nothing changes unless every value is valid. A failure is fault 9003 with
  // one SetParameterValuesFault per bad parameter (9005 unknown, 9008 read-only, 9007 bad value,
  // 9003 for a parameter named twice).
  FaultOr<std::monostate> SetValues(std::span<const cwmp::ParameterValue> values);

  // NextLevel false: the path itself and everything below it; true: only its direct children
  // (a parameter name with NextLevel true is 9003). "" stands for the root.
  FaultOr<std::vector<cwmp::ParameterInfo>> GetNames(std::string_view path, bool next_level) const;

  // 9005 unless `table_path` is an addable multi-instance object ("Device.NAT.PortMapping.").
  FaultOr<std::uint32_t> AddInstance(std::string_view table_path);
  // 9005 unless `instance_path` is an instance of an addable table ("Device.NAT.PortMapping.3.").
  FaultOr<std::monostate> DeleteInstance(std::string_view instance_path);

  // ---- Persistence: the values and the instances of addable tables, as JSON. Loading applies
  // a saved state on top of a freshly built default model (templates come from the code).
  std::string SaveState() const;
  bool LoadState(std::string_view json);

  std::size_t parameter_count() const { return parameters_.size(); }
  const std::string& root() const { return root_; }

 private:
  struct Object {
    bool writable = false;
  };
  struct Table {
    std::vector<std::pair<std::string, Parameter>> instance_template;
    std::uint32_t next_instance = 1;
    bool addable = false;
    std::string count_parameter;
  };

  // The table an instance path "T.N." belongs to, with N; nullopt otherwise.
  std::optional<std::pair<std::string, std::uint32_t>> SplitInstance(std::string_view path) const;
  void CreateInstanceNumbered(const std::string& table_path, std::uint32_t number);
  void RemoveSubtree(const std::string& path);
  void UpdateCount(const std::string& table_path);

  std::string root_;
  std::map<std::string, Parameter, std::less<>> parameters_;
  std::map<std::string, Object, std::less<>> objects_;
  std::map<std::string, Table, std::less<>> tables_;
};

}  // namespace kanri::sim
