// Internal to devices/: the SQL of "the company's devices matching a filter", shared by the
// inventory list, group counts and the tasks of a group's job, so that all three agree on
// what a filter selects. Not for use outside this folder.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices::detail {

// Values bound to a dynamically built statement, in placeholder order. Deques keep the
// references SOCI holds valid while more values are added.
class SqlBinds {
 public:
  // Returns the placeholder (":b3") to put in the SQL text.
  std::string Add(std::string value);
  std::string Add(long long value);
  void ApplyTo(soci::details::prepare_temp_type& statement) const;

 private:
  std::string Next();
  std::deque<std::string> strings_;
  std::deque<long long> numbers_;
  std::vector<std::pair<bool, std::size_t>> order_;  // (is_string, index)
};

// The WHERE clause (without the keyword) over `devices d` for the company's devices matching
// `filter` at `now`, adding its values to `binds`. InvalidArgument("group_id") when the
// filter names a group the company does not have.
Result<std::string> DeviceCondition(db::Lease& lease, const CompanyId& company, const DeviceFilter& filter,
                                    Timestamp now, SqlBinds& binds);

// Whether the company has the device (a foreign or unknown ID: false).
bool DeviceExists(db::Lease& lease, const CompanyId& company, const DeviceId& device);

// Deletes a device and everything of it (group memberships, tasks, parameter tree), inside the
// caller's transaction: the API's delete and a detach at re-allocation (DEV-1).
void DeleteDeviceRows(db::Lease& lease, const CompanyId& company, const DeviceId& device);

// `text` for LIKE ... ESCAPE '\': the wildcards % and _ and the escape itself made literal.
std::string EscapeLike(std::string_view text);

// A JSON array of strings stored as text; other elements are skipped, bad JSON gives {}.
std::vector<std::string> StringArray(const std::string& json_text);
// The inverse: strings as a JSON array.
std::string JsonArray(const std::vector<std::string>& items);

// The columns ReadDevice expects, over `devices d`.
extern const char* const kDeviceColumns;
Device ReadDevice(const soci::row& r);

}  // namespace kanri::devices::detail
