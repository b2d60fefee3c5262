// The device inventory (DEV-2): a company's devices with the summary fields the console
// searches, filters and sorts on, and each device's parameter tree as last reported.
// Devices appear through CWMP onboarding (the session engine writes them); this repository
// reads them for the API, keeps their tags and deletes them. Every function takes the
// CompanyId it acts in and builds its own WHERE company_id = ? (SEC-8).
//
//   DeviceRepository devices{db, clock};
//   auto page = devices.List(company, {.search = "ab12", .online = true},
//                            *ParseDeviceSort("-last_contact_at"), {.limit = 50});
//   auto tree = devices.Parameters(company, id, "Device.WiFi.");
//   devices.SetTag(company, id, "東京-1F");
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

// Limits of a device's name (one line) and note (free text), in Unicode code points. The note
// stays short enough for the search text it joins to fit an index entry on PostgreSQL.
inline constexpr long kMaxDeviceName = 64;
inline constexpr long kMaxDeviceNote = 500;

// What operators write of a device (issue 18): absent fields stay as they are; "" clears one.
struct DeviceDetails {
  std::optional<std::string> name;
  std::optional<std::string> note;
};

// Limits of a device's tags.
inline constexpr std::size_t kMaxTagsPerDevice = 32;
inline constexpr long kMaxTagLength = 64;  // Unicode code points

// A tag is 1-64 characters: ASCII letters, digits, - _ . : and any non-ASCII letter
// (Japanese is fine); no spaces, commas, quotes or control characters, and no '/': a tag is
// one path segment of PUT /api/v1/devices/{id}/tags/{tag}, and the server refuses encoded
// slashes in paths.
Status ValidateTag(std::string_view tag);

// The device list's sort orders; the device id breaks ties, so pages are stable.
struct DeviceSort {
  enum class Key { kSerialNumber, kLastContact, kModel, kSoftwareVersion };
  Key key = Key::kSerialNumber;
  bool descending = false;
};
// "serial_number" (the default), "last_contact_at", "model", "software_version", each with an
// optional leading '-' for descending order; nullopt for anything else.
std::optional<DeviceSort> ParseDeviceSort(std::string_view text);

// A DeviceFilter as the JSON object saved with a filter group and accepted by the API:
// {"q", "online", "profile_id", "group_id", "model", "software_version", "tag"} (all optional).
std::string DeviceFilterToJson(const DeviceFilter& filter);
Result<DeviceFilter> DeviceFilterFromJson(std::string_view json);

// Online and offline totals for a dashboard.
struct DeviceSummary {
  std::size_t total = 0;
  std::size_t online = 0;
  std::size_t offline = 0;
  std::size_t insecure = 0;  // authenticate with nothing (profile auth mode "none")
};

class DeviceRepository {
 public:
  DeviceRepository(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // One page of the company's devices matching `filter` in `sort` order. The page key is
  // opaque (it carries the sort, so a cursor of another sort is refused). A filter by group
  // answers InvalidArgument("group_id") when the company has no such group.
  Result<Page<Device>> List(const CompanyId& company, const DeviceFilter& filter, const DeviceSort& sort,
                            const PageRequest& page);
  // How many of the company's devices match `filter` (a group's device_count).
  Result<std::size_t> Count(const CompanyId& company, const DeviceFilter& filter);
  DeviceSummary Summary(const CompanyId& company);

  Result<Device> Get(const CompanyId& company, const DeviceId& id);

  // The parameter tree as last reported, sorted by path; only paths starting with `prefix`
  // when it is not empty. Empty (not an error) before the device's first full report.
  Result<std::vector<Parameter>> Parameters(const CompanyId& company, const DeviceId& id,
                                            std::string_view prefix);

  // Sets the device's name and/or note (InvalidArgument "name" / "note" beyond their limits or
  // with control characters; the name is trimmed); both join the list's search.
  Result<Device> SetDetails(const CompanyId& company, const DeviceId& id, const DeviceDetails& details);

  // Adds a tag (idempotent) or removes one (NotFound when the device does not have it).
  Result<Device> SetTag(const CompanyId& company, const DeviceId& id, std::string_view tag);
  Result<Device> RemoveTag(const CompanyId& company, const DeviceId& id, std::string_view tag);

  // DEV-4: where and how to ask the device to connect: the URL it reported itself and the
  // connection-request credentials Kanri set (sealed; open with DeviceSecrets). Empty URL
  // when the device has not reported one yet.
  struct ConnectionRequestTarget {
    std::string url;
    std::string username;
    std::string password_sealed;
  };
  Result<ConnectionRequestTarget> ConnectionRequestTargetOf(const CompanyId& company, const DeviceId& id);

  // Deletes the device with everything that is its device information (DATA-5): its
  // parameter tree, its group memberships and all its tasks, whatever their state (a task of
  // a deleted device can never run; its creation and result stay in the operation history).
  // A job that included the device keeps its total; its progress no longer counts the task.
  // Its last credential is kept, sealed, for `keep_credential_for` (--device-retention): if the
  // device contacts the service again with it (or with its profile's bootstrap credential) and
  // its allocation and a profile still cover it, it is onboarded as a new device (issue 18).
  Status Delete(const CompanyId& company, const DeviceId& id, Millis keep_credential_for);
  // Deletes the device as Delete does and revokes it: nothing of its credential is kept, and
  // for `mark_for` its Informs with the credential it had are refused with the reason
  // "retired" (listed for the company). Reset on site, it comes back with its bootstrap
  // credential as any new device would.
  Status Retire(const CompanyId& company, const DeviceId& id, Millis mark_for);
  // Forgets the retained credentials and retirement marks that expired (the device-retention job).
  std::size_t PurgeRetained(Timestamp now);

  // DATA-5 (the `device-retention` job): deletes, as Delete does, the devices of every company
  // that have not contacted the service since before `cutoff`, at most `limit` per call (the
  // next run takes the rest); returns what it deleted.
  struct SilentDevice {
    CompanyId company;
    DeviceId id;
    std::string oui;
    std::string serial_number;
    Timestamp last_contact_at;
  };
  std::vector<SilentDevice> DeleteSilent(const ProviderScope& scope, Timestamp cutoff, std::size_t limit);

 private:
  Status Remove(const CompanyId& company, const DeviceId& id, bool retire, Millis keep_for);
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace kanri::devices
