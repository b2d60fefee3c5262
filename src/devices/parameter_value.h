// DEV-3: a value an operator sets, checked against what the device itself reported of the
// parameter (its xsd type and whether it is writable) before a task is queued, so that `abc`
// for an unsignedInt is refused at once with the parameter's name instead of failing on the
// device with 9003/9007 days later.
//
//   auto tree = store.Load(lease, device);
//   if (auto st = CheckParameterValues(tree, {{"Device.ManagementServer.PeriodicInformInterval",
//                                              "abc"}}); !st)
//     return st.error();  // field "Device.ManagementServer.PeriodicInformInterval",
//                         // problem "invalid_parameter_value"
//
// What is checked, by the type the device reported:
//   int, unsignedInt, long, unsignedLong  a whole number within the type's range
//   boolean                               0, 1, true or false
//   dateTime                              2025-04-01T09:00:00Z (fraction and offset optional)
//   base64, hexBinary                     their alphabets and padding
//   string and any other type             nothing more than the request's own limits
// A parameter the device reported as not writable is refused (parameter_not_writable).
// A parameter the device has not reported yet (no type, writability unknown) is NOT refused:
// there is nothing to check it against, and the operator may know the data model better than
// the tree does (an object just added, a vendor extension); the device's own fault stays the
// final word there. CWMP does not carry a string's maximum length or enumeration, so those
// are left to the device too.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "devices/model.h"
#include "devices/parameter_tree.h"

namespace kanri::devices {

// The stable problem codes of a refused value; the error's `field` is the parameter's path.
inline constexpr std::string_view kInvalidParameterValue = "invalid_parameter_value";
inline constexpr std::string_view kParameterNotWritable = "parameter_not_writable";

// The check of one value against the parameter as reported (nullopt: not reported).
Status CheckParameterValue(const std::string& path, const std::optional<Parameter>& reported,
                           std::string_view value);

// Every value of a setParameterValues request against the device's tree; the first refusal.
Status CheckParameterValues(const ParameterTree& tree,
                            const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace kanri::devices
