#include "devices/unassigned.h"

namespace kanri::devices {
namespace {

constexpr const char* kColumns =
    "SELECT id, oui, product_class, serial_number, former_company_id, former_company_code, manufacturer, "
    "model, "
    "hardware_version, software_version, data_model, source_ip, first_contact_at, last_contact_at, "
    "detached_at "
    "FROM unassigned_devices ";

UnassignedDevice ReadUnassigned(const soci::row& r) {
  UnassignedDevice d;
  d.id = r.get<std::string>(0);
  d.oui = r.get<std::string>(1);
  d.product_class = r.get<std::string>(2);
  d.serial_number = r.get<std::string>(3);
  d.former_company_id = r.get<std::string>(4);
  d.former_company_code = r.get<std::string>(5);
  d.manufacturer = r.get<std::string>(6);
  d.model = r.get<std::string>(7);
  d.hardware_version = r.get<std::string>(8);
  d.software_version = r.get<std::string>(9);
  d.data_model = r.get<std::string>(10);
  d.source_ip = r.get<std::string>(11);
  d.first_contact_at = FromUnixMillis(db::RowInteger(r, 12));
  d.last_contact_at = FromUnixMillis(db::RowInteger(r, 13));
  d.detached_at = FromUnixMillis(db::RowInteger(r, 14));
  return d;
}

}  // namespace

std::int64_t DetachCompanyDevices(db::Lease& lease, const CompanyId& company, std::string_view company_code,
                                  Timestamp now) {
  const std::string c = company.value(), code{company_code};
  const long long t = ToUnixMillis(now);
  // An identity listed from an earlier company cannot be attached to this one without leaving
  // the list (admission removes it), so the identities never collide; the DELETE makes sure.
  lease.sql()
      << "DELETE FROM unassigned_devices WHERE EXISTS (SELECT 1 FROM devices d WHERE d.company_id = :c "
         "AND d.oui = unassigned_devices.oui AND d.product_class = unassigned_devices.product_class AND "
         "d.serial_number = unassigned_devices.serial_number)",
      soci::use(c);
  soci::statement moved =
      (lease.sql().prepare
           << "INSERT INTO unassigned_devices (id, oui, product_class, serial_number, former_company_id, "
              "former_company_code, manufacturer, model, hardware_version, software_version, data_model, "
              "tree, cwmp_username, cwmp_password_enc, source_ip, first_contact_at, last_contact_at, "
              "detached_at) "
              "SELECT d.id, d.oui, d.product_class, d.serial_number, d.company_id, :code, d.manufacturer, "
              "d.model, d.hardware_version, d.software_version, d.data_model, COALESCE(p.tree, '{}'), "
              "d.cwmp_username, d.cwmp_password_enc, d.source_ip, d.first_contact_at, d.last_contact_at, "
              "CAST(:t AS BIGINT) "
              "FROM devices d LEFT JOIN device_parameters p ON p.device_id = d.id WHERE d.company_id = :c",
       soci::use(code), soci::use(t), soci::use(c));
  moved.execute(true);
  for (const char* sql :
       {"DELETE FROM device_group_members WHERE company_id = :c", "DELETE FROM tasks WHERE company_id = :c",
        "DELETE FROM remote_logins WHERE company_id = :c",
        "DELETE FROM desired_parameter_state WHERE company_id = :c",
        "DELETE FROM device_parameters WHERE company_id = :c", "DELETE FROM devices WHERE company_id = :c"})
    lease.sql() << sql, soci::use(c);
  return static_cast<std::int64_t>(db::AffectedRows(moved));
}

Page<UnassignedDevice> UnassignedDeviceRepository::List(const ProviderScope&, const PageRequest& page) {
  auto lease = db_.Acquire();
  // The page key is "<last_contact_at>\n<id>"; most recent first, the id breaks ties.
  const auto [before, before_id] = NewestFirstCursor(page.after);
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string(kColumns) +
                                  "WHERE last_contact_at < :b OR (last_contact_at = :b2 AND id < :bid) "
                                  "ORDER BY last_contact_at DESC, id DESC LIMIT :lim",
       soci::use(before), soci::use(before), soci::use(before_id), soci::use(limit));
  std::vector<UnassignedDevice> out;
  for (const auto& r : rows) out.push_back(ReadUnassigned(r));
  return MakePage(std::move(out), page.limit, [](const UnassignedDevice& d) {
    return NewestFirstKey(ToUnixMillis(d.last_contact_at), d.id);
  });
}

std::vector<UnassignedDevice> UnassignedDeviceRepository::DeleteSilent(const ProviderScope&, Timestamp cutoff,
                                                                       std::size_t limit) {
  const long long t = ToUnixMillis(cutoff);
  const int n = static_cast<int>(limit);
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::vector<UnassignedDevice> found;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string(kColumns) +
                                    "WHERE last_contact_at < :t ORDER BY last_contact_at LIMIT :n",
         soci::use(t), soci::use(n));
    for (const auto& r : rows) found.push_back(ReadUnassigned(r));
  }
  std::vector<UnassignedDevice> deleted;
  for (auto& d : found) {
    // Still silent (a contact may have been written since the look-up).
    soci::statement st =
        (lease.sql().prepare << "DELETE FROM unassigned_devices WHERE id = :id AND last_contact_at < :t",
         soci::use(d.id), soci::use(t));
    st.execute(true);
    if (db::AffectedRows(st) > 0) deleted.push_back(std::move(d));
  }
  tx.Commit();
  return deleted;
}

}  // namespace kanri::devices
