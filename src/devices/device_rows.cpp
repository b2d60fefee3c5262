#include "devices/device_rows.h"

#include "devices/device_query.h"

namespace kanri::devices {
namespace {

struct Insert : db::CachedStatement {
  std::string id, company, oui, product_class, serial, manufacturer, model, hardware, software, data_model;
  std::optional<std::string> profile;
  long long first_contact = 0, last_contact = 0, online_until = 0, created = 0, updated = 0;
  std::optional<long long> last_boot;
  std::string events, wan_ip, wan_mac, source_ip, cr_url, tags, name, note, search, digest, auth_mode,
      credential_state;
  std::string username, password_enc, cr_username, cr_password_enc, tree;
  int interval = 0, provisioned = 0;
  soci::statement device, parameters;
  explicit Insert(soci::session& sql)
      : device((
            sql.prepare
                << "INSERT INTO devices (id, company_id, profile_id, oui, product_class, serial_number, "
                   "manufacturer, model, hardware_version, software_version, data_model, first_contact_at, "
                   "last_contact_at, last_boot_at, last_events, periodic_inform_interval, online_until, "
                   "wan_ip, wan_mac, source_ip, connection_request_url, tags, name, note, search_text, "
                   "inform_digest, "
                   "auth_mode, credential_state, cwmp_username, cwmp_password_enc, cr_username, "
                   "cr_password_enc, provisioned, session_owner, session_until, created_at, updated_at) "
                   "VALUES (:id, :c, :p, :o, :pc, :s, :m, :mo, :hw, :sw, :dm, :fc, :lc, :lb, :ev, :iv, "
                   ":ou, :wan, :mac, :ip, :cr, :tags, :nm, :nt, :st, :dg, :am, :cs, :u, :pw, :cru, :crp, "
                   ":pv, '', 0, "
                   ":ca, :ua)",
            soci::use(id), soci::use(company), soci::use(profile), soci::use(oui), soci::use(product_class),
            soci::use(serial), soci::use(manufacturer), soci::use(model), soci::use(hardware),
            soci::use(software), soci::use(data_model), soci::use(first_contact), soci::use(last_contact),
            soci::use(last_boot), soci::use(events), soci::use(interval), soci::use(online_until),
            soci::use(wan_ip), soci::use(wan_mac), soci::use(source_ip), soci::use(cr_url), soci::use(tags),
            soci::use(name), soci::use(note), soci::use(search), soci::use(digest), soci::use(auth_mode),
            soci::use(credential_state), soci::use(username), soci::use(password_enc), soci::use(cr_username),
            soci::use(cr_password_enc), soci::use(provisioned), soci::use(created), soci::use(updated))),
        parameters((sql.prepare << "INSERT INTO device_parameters (device_id, company_id, tree, updated_at) "
                                   "VALUES (:d, :c, :t, :u)",
                    soci::use(id), soci::use(company), soci::use(tree), soci::use(updated))) {}
};

}  // namespace

void InsertDevice(db::Lease& lease, const DeviceRow& row) {
  auto& q = lease.Cached<Insert>("device_rows.insert",
                                 [](soci::session& sql) { return std::make_unique<Insert>(sql); });
  const Device& d = row.device;
  q.id = d.id.value();
  q.company = d.company_id.value();
  q.profile = d.profile_id ? std::optional(d.profile_id->value()) : std::nullopt;
  q.oui = d.oui;
  q.product_class = d.product_class;
  q.serial = d.serial_number;
  q.manufacturer = d.manufacturer;
  q.model = d.model;
  q.hardware = d.hardware_version;
  q.software = d.software_version;
  q.data_model = std::string(ToString(d.data_model));
  q.first_contact = ToUnixMillis(d.first_contact_at);
  q.last_contact = ToUnixMillis(d.last_contact_at);
  q.last_boot = d.last_boot_at ? std::optional(ToUnixMillis(*d.last_boot_at)) : std::nullopt;
  q.events = detail::JsonArray(d.last_events);
  q.interval = static_cast<int>(d.periodic_inform_interval);
  q.online_until = ToUnixMillis(d.online_until);
  q.wan_ip = d.wan_ip;
  q.wan_mac = d.wan_mac;
  q.name = d.name;
  q.note = d.note;
  q.source_ip = d.source_ip;
  q.cr_url = d.connection_request_url;
  q.tags = detail::JsonArray(d.tags);
  q.search = SearchText(d);
  q.digest = row.inform_digest;
  q.auth_mode = std::string(ToString(d.auth_mode));
  q.credential_state = std::string(ToString(d.credential_state));
  q.username = row.cwmp_username;
  q.password_enc = row.cwmp_password_enc;
  q.cr_username = row.cr_username;
  q.cr_password_enc = row.cr_password_enc;
  q.provisioned = row.provisioned ? 1 : 0;
  q.created = ToUnixMillis(d.created_at);
  q.updated = ToUnixMillis(d.updated_at);
  q.tree = row.tree;
  q.device.execute(true);
  q.parameters.execute(true);
}

}  // namespace kanri::devices
