// /api/v1/device-groups: named sets of a company's devices for jobs (DEV-3) — a static list
// (replaced as a whole with PUT /api/v1/device-groups/{id}/devices, added to with POST there,
// by device ID, serial number or a filter of the device list) or a saved filter of the
// device list (the same fields as GET /api/v1/devices' query: q, online, profile_id, model,
// software_version, tag). Scoped to the caller's company: another company's group IDs answer
// 404, its device IDs are refused like unknown ones (SEC-8).
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::HttpResponse;
using http::RequestContext;

json::object GroupJson(const devices::Group& g) {
  json::value filter = nullptr;
  if (g.kind == devices::GroupKind::kFilter) filter = json::parse(devices::DeviceFilterToJson(g.filter));
  json::object o{{"id", g.id.value()},
                 {"name", g.name},
                 {"kind", devices::ToString(g.kind)},
                 {"filter", std::move(filter)},
                 {"device_count", g.device_count}};
  PutTimes(o, "created_at", g.created_at);
  PutTimes(o, "updated_at", g.updated_at);
  return o;
}

HttpResponse GroupResponse(int status, const devices::Group& g) {
  return http::JsonResponse(status, json::serialize(GroupJson(g)));
}

devices::DeviceFilter ReadFilter(const json::object& o) {
  auto f = devices::DeviceFilterFromJson(json::serialize(o));
  if (!f) throw http::ApiError(f.error());
  return *f;
}

// A static group's members as the body names them: device_ids, serials and (adding or
// replacing members) a filter of the device list.
devices::MemberSelection ReadMembers(FieldReader& in, bool with_filter) {
  devices::MemberSelection out;
  if (auto ids = in.OptionalStringArray("device_ids"))
    for (auto& id : *ids) out.device_ids.emplace_back(std::move(id));
  if (auto serials = in.OptionalStringArray("serials")) out.serials = std::move(*serials);
  if (with_filter)
    if (auto filter = in.OptionalObject("filter")) out.filter = ReadFilter(*filter);
  return out;
}

bool Empty(const devices::MemberSelection& m) {
  return m.device_ids.empty() && m.serials.empty() && !m.filter;
}

asio::awaitable<HttpResponse> List(ApiServices& s, RequestContext& ctx) {
  const PageRequest page = ReadPageRequest(ctx.request);
  auto result = co_await s.db.Run([&] { return s.groups.List(OwnCompany(ctx), page); });
  co_return PageResponse(result, GroupJson);
}

asio::awaitable<HttpResponse> Get(ApiServices& s, RequestContext& ctx) {
  const GroupId id{ctx.Param("id")};
  co_return GroupResponse(200, Unwrap(co_await s.db.Run([&] { return s.groups.Get(OwnCompany(ctx), id); })));
}

asio::awaitable<HttpResponse> Create(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::NewGroup input;
  input.name = in.RequiredString("name");
  auto kind = devices::ParseGroupKind(in.OptionalString("kind").value_or("static"));
  if (!kind) ThrowInvalid("kind", "kind must be static or filter");
  input.kind = *kind;
  if (auto filter = in.OptionalObject("filter")) {
    if (input.kind != devices::GroupKind::kFilter) ThrowInvalid("filter", "only a filter group has a filter");
    input.filter = ReadFilter(*filter);
  }
  input.members = ReadMembers(in, /*with_filter=*/false);
  in.Finish();
  auto g = Unwrap(co_await s.db.Run([&] { return s.groups.Create(OwnCompany(ctx), input); }));
  ctx.audit.target_id = g.id.value();
  ctx.audit.details = json::serialize(
      json::object{{"name", g.name}, {"kind", devices::ToString(g.kind)}, {"devices", g.device_count}});
  co_return GroupResponse(201, g);
}

asio::awaitable<HttpResponse> Patch(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  devices::GroupPatch patch;
  patch.name = in.OptionalString("name");
  if (auto filter = in.OptionalObject("filter")) patch.filter = ReadFilter(*filter);
  in.Finish();
  const GroupId id{ctx.Param("id")};
  auto g = Unwrap(co_await s.db.Run([&] { return s.groups.Update(OwnCompany(ctx), id, patch); }));
  ctx.audit.details = json::serialize(json::object{{"name", g.name}});
  co_return GroupResponse(200, g);
}

asio::awaitable<HttpResponse> Delete(ApiServices& s, RequestContext& ctx) {
  const GroupId id{ctx.Param("id")};
  Unwrap(co_await s.db.Run([&] { return s.groups.Delete(OwnCompany(ctx), id); }));
  co_return http::NoContent();
}

asio::awaitable<HttpResponse> SetDevices(ApiServices& s, RequestContext& ctx) {
  json::object body = ParseJsonBody(ctx.request);
  if (!body.contains("device_ids") && !body.contains("serials") && !body.contains("filter"))
    ThrowInvalid("device_ids",
                 "device_ids, serials or filter is required ({\"device_ids\": []} empties the group)");
  FieldReader in{std::move(body)};
  const auto members = ReadMembers(in, /*with_filter=*/true);
  in.Finish();
  const GroupId id{ctx.Param("id")};
  auto g = Unwrap(co_await s.db.Run([&] { return s.groups.SetMembers(OwnCompany(ctx), id, members); }));
  ctx.audit.details = json::serialize(json::object{{"devices", g.device_count}});
  co_return GroupResponse(200, g);
}

// Issue 18: devices added to a static group (the device list's "add to group").
asio::awaitable<HttpResponse> AddDevices(ApiServices& s, RequestContext& ctx) {
  FieldReader in{ParseJsonBody(ctx.request)};
  const auto members = ReadMembers(in, /*with_filter=*/true);
  in.Finish();
  if (Empty(members)) ThrowInvalid("device_ids", "name the devices to add: device_ids, serials or filter");
  const GroupId id{ctx.Param("id")};
  auto g = Unwrap(co_await s.db.Run([&] { return s.groups.AddMembers(OwnCompany(ctx), id, members); }));
  ctx.audit.details = json::serialize(json::object{{"devices", g.device_count},
                                                   {"by_id", members.device_ids.size()},
                                                   {"by_serial", members.serials.size()},
                                                   {"by_filter", members.filter.has_value()}});
  co_return GroupResponse(200, g);
}

}  // namespace

void AddDeviceGroupRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/device-groups",
         .access = http::Needs("devices.read"),
         .action = "device_groups.list",
         .handler = [&s](RequestContext& c) { return List(s, c); },
         .doc = {.summary = "The company's device groups by name, with their device counts",
                 .tag = "device-groups",
                 .response_schema = schema::kDeviceGroup,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/device-groups",
         .access = http::Needs("devices.configure"),
         .action = "device_groups.create",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return Create(s, c); },
         .doc = {.summary = "Create a static group (device_ids) or a saved-filter group (filter)",
                 .tag = "device-groups",
                 .request_schema = schema::kDeviceGroupCreate,
                 .response_schema = schema::kDeviceGroup,
                 .success_status = 201}});
  t.Add({.method = "GET",
         .path = "/api/v1/device-groups/{id}",
         .access = http::Needs("devices.read"),
         .action = "device_groups.get",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return Get(s, c); },
         .doc = {.summary = "Read a device group (its devices: GET /api/v1/devices?group_id=)",
                 .tag = "device-groups",
                 .response_schema = schema::kDeviceGroup}});
  t.Add({.method = "PATCH",
         .path = "/api/v1/device-groups/{id}",
         .access = http::Needs("devices.configure"),
         .action = "device_groups.update",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return Patch(s, c); },
         .doc = {.summary = "Rename a group or change a filter group's filter",
                 .tag = "device-groups",
                 .request_schema = schema::kDeviceGroupPatch,
                 .response_schema = schema::kDeviceGroup}});
  t.Add({.method = "PUT",
         .path = "/api/v1/device-groups/{id}/devices",
         .access = http::Needs("devices.configure"),
         .action = "device_groups.set_devices",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return SetDevices(s, c); },
         .doc = {.summary = "Replace a static group's devices (by ID, serial number or filter; unknown ones "
                            "refuse the whole change)",
                 .tag = "device-groups",
                 .request_schema = schema::kDeviceGroupDevices,
                 .response_schema = schema::kDeviceGroup}});
  t.Add({.method = "POST",
         .path = "/api/v1/device-groups/{id}/devices",
         .access = http::Needs("devices.configure"),
         .action = "device_groups.add_devices",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return AddDevices(s, c); },
         .doc = {.summary =
                     "Add devices to a static group by ID, serial number (at most 10,000) or every device "
                     "a filter of the device list selects now; unknown ones refuse the whole change",
                 .tag = "device-groups",
                 .request_schema = schema::kDeviceGroupDevices,
                 .response_schema = schema::kDeviceGroup}});
  t.Add({.method = "DELETE",
         .path = "/api/v1/device-groups/{id}",
         .access = http::Needs("devices.configure"),
         .action = "device_groups.delete",
         .target_type = "device_group",
         .handler = [&s](RequestContext& c) { return Delete(s, c); },
         .doc = {.summary = "Delete a device group (its jobs stay)",
                 .tag = "device-groups",
                 .success_status = 204}});
}

}  // namespace kanri::api
