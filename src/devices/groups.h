// Device groups (DEV-3): a named set of a company's devices that a job runs on — either a
// static list of devices, or a saved filter of the device list evaluated when used (a job
// takes the devices the filter selects at its creation).
//
//   GroupRepository groups{db, clock};
//   auto g = groups.Create(company, {.name = "本社", .kind = GroupKind::kStatic});
//   groups.SetMembers(company, g->id, {.device_ids = {d1, d2}});  // replaces the list
//   groups.AddMembers(company, g->id, {.serials = {"SN0001", "SN0002"}});
//   groups.Create(company, {.name = "Old firmware", .kind = GroupKind::kFilter,
//                           .filter = {.software_version = "1.0.3"}});
//
// Every function takes the CompanyId it acts in (SEC-8); a member must be one of the
// company's own devices.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

struct GroupLimits {
  long max_name = 64;                // code points
  std::size_t max_members = 50'000;  // of a static group
  std::size_t max_serials = 10'000;  // serial numbers in one request (a shipping list)
};

// The devices a change of a static group's members names: by ID, by serial number (as typed or
// pasted from a shipping list; blanks around them ignored), and/or every device a filter of the
// device list selects now (the device list's "select all N matching"). All of them must be the
// company's: an unknown ID or serial number refuses the whole change (InvalidArgument
// "device_ids" / "serials", listing the first unknown serial numbers), another company's
// exactly like one that does not exist (SEC-8).
struct MemberSelection {
  std::vector<DeviceId> device_ids;
  std::vector<std::string> serials;
  std::optional<DeviceFilter> filter;  // must not name a group
};

struct NewGroup {
  std::string name;
  GroupKind kind = GroupKind::kStatic;
  DeviceFilter filter;      // kFilter only; must not name a group
  MemberSelection members;  // kStatic only: the first members
};

struct GroupPatch {
  std::optional<std::string> name;
  std::optional<DeviceFilter> filter;  // kFilter groups only
};

std::string_view ToString(GroupKind kind);
std::optional<GroupKind> ParseGroupKind(std::string_view text);

class GroupRepository {
 public:
  GroupRepository(db::Database& db, const Clock& clock, GroupLimits limits = {})
      : db_(db), clock_(clock), limits_(limits) {}

  // By name, each with its device_count now.
  Page<Group> List(const CompanyId& company, const PageRequest& page);
  Result<Group> Get(const CompanyId& company, const GroupId& id);
  // A name is unique per company (case-insensitive). A static group's device_ids must all be
  // the company's devices (InvalidArgument "device_ids" otherwise, the same for another
  // company's device as for a missing one).
  Result<Group> Create(const CompanyId& company, const NewGroup& input);
  Result<Group> Update(const CompanyId& company, const GroupId& id, const GroupPatch& patch);
  // Jobs created from the group stay (their tasks are per device).
  Status Delete(const CompanyId& company, const GroupId& id);
  // Replaces a static group's members (duplicates ignored); Conflict for a filter group.
  Result<Group> SetMembers(const CompanyId& company, const GroupId& id, const MemberSelection& members);
  // Adds to a static group's members (those already in it stay once); Conflict for a filter group.
  Result<Group> AddMembers(const CompanyId& company, const GroupId& id, const MemberSelection& members);

 private:
  Result<Group> ChangeMembers(const CompanyId& company, const GroupId& id, const MemberSelection& members,
                              bool replace);

  db::Database& db_;
  const Clock& clock_;
  GroupLimits limits_;
};

}  // namespace kanri::devices
