#include "devices/groups.h"

#include <algorithm>

#include "base/text.h"
#include "devices/device_query.h"
#include "devices/inventory.h"

namespace kanri::devices {
namespace {

// How many unknown serial numbers a refusal lists (it counts them all).
constexpr std::size_t kUnknownSerialsShown = 10;

struct GroupRow {
  Group group;
  std::string filter_json;
};

std::vector<GroupRow> SelectGroups(db::Lease& lease, const std::string& where, const CompanyId& company,
                                   const std::string& arg, int limit) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT id, company_id, name, kind, filter, created_at, updated_at FROM device_groups "
              "WHERE company_id = :c AND " +
                  where + " ORDER BY name_key LIMIT :lim",
       soci::use(company.value()), soci::use(arg), soci::use(limit));
  std::vector<GroupRow> out;
  for (const auto& r : rows) {
    GroupRow g;
    g.group.id = GroupId{r.get<std::string>(0)};
    g.group.company_id = CompanyId{r.get<std::string>(1)};
    g.group.name = r.get<std::string>(2);
    g.group.kind = ParseGroupKind(r.get<std::string>(3)).value_or(GroupKind::kStatic);
    g.filter_json = r.get<std::string>(4);
    if (auto f = DeviceFilterFromJson(g.filter_json)) g.group.filter = *f;
    g.group.created_at = FromUnixMillis(db::RowInteger(r, 5));
    g.group.updated_at = FromUnixMillis(db::RowInteger(r, 6));
    out.push_back(std::move(g));
  }
  return out;
}

std::optional<Group> SelectGroup(db::Lease& lease, const CompanyId& company, const GroupId& id) {
  auto rows = SelectGroups(lease, "id = :id", company, id.value(), 1);
  if (rows.empty()) return std::nullopt;
  return rows.front().group;
}

std::size_t CountDevices(db::Lease& lease, const CompanyId& company, const GroupId& id, Timestamp now) {
  detail::SqlBinds binds;
  DeviceFilter filter;
  filter.group_id = id;
  auto where = detail::DeviceCondition(lease, company, filter, now, binds);
  if (!where) return 0;
  long long n = 0;
  auto statement = (lease.sql().prepare << "SELECT COUNT(*) FROM devices d WHERE " + *where);
  binds.ApplyTo(statement);
  statement, soci::into(n);
  soci::statement st(statement);
  st.execute(true);
  return static_cast<std::size_t>(n);
}

bool NameTaken(db::Lease& lease, const CompanyId& company, const std::string& name,
               const std::string& except_id) {
  const std::string key = AsciiLower(name);
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_groups WHERE company_id = :c AND name_key = :k AND id <> :id",
      soci::use(company.value()), soci::use(key), soci::use(except_id), soci::into(n);
  return n > 0;
}

Status ValidateName(std::string_view name, long max) {
  const long n = Utf8Length(name);
  if (n < 1 || n > max) return InvalidArgument("name", "name must be 1-64 characters of UTF-8 text");
  return Ok{};
}

Status ValidateFilter(const DeviceFilter& f) {
  if (f.group_id) return InvalidArgument("filter.group_id", "a saved filter cannot refer to a group");
  if (f.tag)
    if (auto st = ValidateTag(*f.tag); !st) return InvalidArgument("filter.tag", st.error().message);
  return Ok{};
}

// The company's devices a selection names, sorted and without duplicates. An ID or serial number
// the company does not have is refused, another company's exactly like one that does not exist
// (SEC-8); a serial number that several of the company's devices share (different OUIs) names them all.
Result<std::vector<DeviceId>> ResolveMembers(db::Lease& lease, const CompanyId& company,
                                             const MemberSelection& selection, const GroupLimits& limits,
                                             Timestamp now) {
  if (selection.serials.size() > limits.max_serials)
    return LimitExceeded("too_many_serials",
                         "at most " + std::to_string(limits.max_serials) + " serial numbers per request");
  std::vector<DeviceId> ids;
  for (const auto& d : selection.device_ids) {
    if (!detail::DeviceExists(lease, company, d))
      return InvalidArgument("device_ids", "unknown device '" + d.value() + "'");
    ids.push_back(d);
  }
  std::vector<std::string> unknown;
  std::string serial, found;
  soci::statement by_serial = (lease.sql().prepare << "SELECT id FROM devices WHERE company_id = :c AND "
                                                      "serial_number = :s",
                               soci::use(company.value()), soci::use(serial), soci::into(found));
  std::size_t unknown_count = 0;
  for (const auto& s : selection.serials) {
    serial = std::string(Trim(s));
    if (serial.empty()) continue;
    by_serial.execute();
    bool any = false;
    while (by_serial.fetch()) {
      ids.emplace_back(found);
      any = true;
    }
    if (!any && ++unknown_count <= kUnknownSerialsShown) unknown.push_back(serial);
  }
  if (unknown_count > 0) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    if (unknown_count > unknown.size())
      list += " (" + std::to_string(unknown_count - unknown.size()) + " more)";
    Error e = InvalidArgument("serials", std::to_string(unknown_count) +
                                             " serial numbers are not devices of this company: " + list);
    e.problem = "unknown_serials";
    e.items = std::move(unknown);
    return e;
  }
  if (selection.filter) {
    if (auto st = ValidateFilter(*selection.filter); !st) return st.error();
    detail::SqlBinds binds;
    auto where = detail::DeviceCondition(lease, company, *selection.filter, now, binds);
    if (!where) return where.error();
    auto select = (lease.sql().prepare << "SELECT d.id FROM devices d WHERE " + *where + " LIMIT " +
                                              std::to_string(limits.max_members + 1));
    binds.ApplyTo(select);
    soci::rowset<std::string> rows(select);
    for (const auto& r : rows) ids.emplace_back(r);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Adds `ids` to a static group's members (after removing all of them when `replace`), within
// the group's limit.
Status StoreMembers(db::Lease& lease, const CompanyId& company, const GroupId& id,
                    const std::vector<DeviceId>& ids, bool replace, std::size_t max) {
  if (replace)
    lease.sql() << "DELETE FROM device_group_members WHERE company_id = :c AND group_id = :g",
        soci::use(company.value()), soci::use(id.value());
  std::string device;
  int present = 0;
  soci::statement member =
      (lease.sql().prepare << "SELECT COUNT(*) FROM device_group_members WHERE group_id = :g "
                              "AND device_id = :d",
       soci::use(id.value()), soci::use(device), soci::into(present));
  soci::statement insert =
      (lease.sql().prepare
           << "INSERT INTO device_group_members (group_id, device_id, company_id) VALUES (:g, :d, :c)",
       soci::use(id.value()), soci::use(device), soci::use(company.value()));
  for (const auto& d : ids) {
    device = d.value();
    member.execute(true);
    if (!present) insert.execute(true);
  }
  long long count = 0;
  lease.sql() << "SELECT COUNT(*) FROM device_group_members WHERE company_id = :c AND group_id = :g",
      soci::use(company.value()), soci::use(id.value()), soci::into(count);
  if (static_cast<std::size_t>(count) > max)
    return InvalidArgument("device_ids", "a group has at most " + std::to_string(max) + " devices");
  return Ok{};
}

}  // namespace

std::string_view ToString(GroupKind kind) {
  return kind == GroupKind::kFilter ? "filter" : "static";
}

std::optional<GroupKind> ParseGroupKind(std::string_view text) {
  if (text == "static") return GroupKind::kStatic;
  if (text == "filter") return GroupKind::kFilter;
  return std::nullopt;
}

Page<Group> GroupRepository::List(const CompanyId& company, const PageRequest& page) {
  auto lease = db_.Acquire();
  auto rows = SelectGroups(lease, "name_key > :after", company, page.after.value_or(""),
                           static_cast<int>(page.limit) + 1);
  std::vector<Group> groups;
  for (auto& r : rows) groups.push_back(std::move(r.group));
  auto out = MakePage(std::move(groups), page.limit, [](const Group& g) { return AsciiLower(g.name); });
  for (auto& g : out.items) g.device_count = CountDevices(lease, company, g.id, clock_.Now());
  return out;
}

Result<Group> GroupRepository::Get(const CompanyId& company, const GroupId& id) {
  auto lease = db_.Acquire();
  auto g = SelectGroup(lease, company, id);
  if (!g) return NotFound("device group not found");
  g->device_count = CountDevices(lease, company, id, clock_.Now());
  return *g;
}

Result<Group> GroupRepository::Create(const CompanyId& company, const NewGroup& input) {
  if (auto st = ValidateName(input.name, limits_.max_name); !st) return st.error();
  if (input.kind == GroupKind::kFilter) {
    if (auto st = ValidateFilter(input.filter); !st) return st.error();
    if (!input.members.device_ids.empty() || !input.members.serials.empty() || input.members.filter)
      return InvalidArgument("device_ids", "a filter group has no device list");
  }
  Group g;
  g.id = GroupId::Generate();
  g.company_id = company;
  g.name = input.name;
  g.kind = input.kind;
  if (g.kind == GroupKind::kFilter) g.filter = input.filter;
  g.created_at = g.updated_at = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (NameTaken(lease, company, g.name, g.id.value()))
    return Error{ErrorCode::kConflict, "a device group with this name already exists", "name",
                 "group_name_taken"};
  const std::string key = AsciiLower(g.name), kind(ToString(g.kind)),
                    filter = g.kind == GroupKind::kFilter ? DeviceFilterToJson(g.filter) : "{}";
  const long long now = ToUnixMillis(g.created_at);
  lease.sql()
      << "INSERT INTO device_groups (id, company_id, name, name_key, kind, filter, created_at, updated_at) "
         "VALUES (:id, :c, :n, :k, :kind, :f, :t1, :t2)",
      soci::use(g.id.value()), soci::use(company.value()), soci::use(g.name), soci::use(key), soci::use(kind),
      soci::use(filter), soci::use(now), soci::use(now);
  if (g.kind == GroupKind::kStatic) {
    auto ids = ResolveMembers(lease, company, input.members, limits_, g.created_at);
    if (!ids) return ids.error();
    if (auto st = StoreMembers(lease, company, g.id, *ids, /*replace=*/false, limits_.max_members); !st)
      return st.error();
  }
  g.device_count = CountDevices(lease, company, g.id, clock_.Now());
  tx.Commit();
  return g;
}

Result<Group> GroupRepository::Update(const CompanyId& company, const GroupId& id, const GroupPatch& patch) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto g = SelectGroup(lease, company, id);
  if (!g) return NotFound("device group not found");
  if (patch.name) {
    if (auto st = ValidateName(*patch.name, limits_.max_name); !st) return st.error();
    if (NameTaken(lease, company, *patch.name, id.value()))
      return Error{ErrorCode::kConflict, "a device group with this name already exists", "name",
                   "group_name_taken"};
    g->name = *patch.name;
  }
  if (patch.filter) {
    if (g->kind != GroupKind::kFilter) return InvalidArgument("filter", "a static group has no filter");
    if (auto st = ValidateFilter(*patch.filter); !st) return st.error();
    g->filter = *patch.filter;
  }
  g->updated_at = clock_.Now();
  const std::string key = AsciiLower(g->name),
                    filter = g->kind == GroupKind::kFilter ? DeviceFilterToJson(g->filter) : "{}";
  const long long now = ToUnixMillis(g->updated_at);
  lease.sql() << "UPDATE device_groups SET name = :n, name_key = :k, filter = :f, updated_at = :t "
                 "WHERE company_id = :c AND id = :id",
      soci::use(g->name), soci::use(key), soci::use(filter), soci::use(now), soci::use(company.value()),
      soci::use(id.value());
  g->device_count = CountDevices(lease, company, id, clock_.Now());
  tx.Commit();
  return *g;
}

Status GroupRepository::Delete(const CompanyId& company, const GroupId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  if (!SelectGroup(lease, company, id)) return NotFound("device group not found");
  lease.sql() << "DELETE FROM device_group_members WHERE company_id = :c AND group_id = :g",
      soci::use(company.value()), soci::use(id.value());
  lease.sql() << "DELETE FROM device_groups WHERE company_id = :c AND id = :id", soci::use(company.value()),
      soci::use(id.value());
  tx.Commit();
  return Ok{};
}

Result<Group> GroupRepository::SetMembers(const CompanyId& company, const GroupId& id,
                                          const MemberSelection& members) {
  return ChangeMembers(company, id, members, /*replace=*/true);
}

Result<Group> GroupRepository::AddMembers(const CompanyId& company, const GroupId& id,
                                          const MemberSelection& members) {
  return ChangeMembers(company, id, members, /*replace=*/false);
}

Result<Group> GroupRepository::ChangeMembers(const CompanyId& company, const GroupId& id,
                                             const MemberSelection& members, bool replace) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto g = SelectGroup(lease, company, id);
  if (!g) return NotFound("device group not found");
  if (g->kind != GroupKind::kStatic)
    return Conflict("a filter group's devices follow its filter", "filter_group_members");
  auto ids = ResolveMembers(lease, company, members, limits_, clock_.Now());
  if (!ids) return ids.error();
  if (auto st = StoreMembers(lease, company, id, *ids, replace, limits_.max_members); !st) return st.error();
  g->updated_at = clock_.Now();
  const long long now = ToUnixMillis(g->updated_at);
  lease.sql() << "UPDATE device_groups SET updated_at = :t WHERE company_id = :c AND id = :id",
      soci::use(now), soci::use(company.value()), soci::use(id.value());
  g->device_count = CountDevices(lease, company, id, clock_.Now());
  tx.Commit();
  return *g;
}

}  // namespace kanri::devices
