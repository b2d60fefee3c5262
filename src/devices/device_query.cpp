#include "devices/device_query.h"

#include <boost/json.hpp>
#include <limits>

#include "base/text.h"
#include "devices/inventory.h"

namespace kanri::devices::detail {
namespace json = boost::json;

std::vector<std::string> StringArray(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array())
    if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

std::string JsonArray(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(json::string(s));
  return json::serialize(a);
}

std::string SqlBinds::Next() {
  return ":b" + std::to_string(order_.size());
}

std::string SqlBinds::Add(std::string value) {
  strings_.push_back(std::move(value));
  order_.emplace_back(true, strings_.size() - 1);
  return Next();
}

std::string SqlBinds::Add(long long value) {
  numbers_.push_back(value);
  order_.emplace_back(false, numbers_.size() - 1);
  return Next();
}

void SqlBinds::ApplyTo(soci::details::prepare_temp_type& statement) const {
  for (const auto& [is_string, i] : order_) {
    if (is_string) {
      statement, soci::use(strings_[i]);
    } else {
      statement, soci::use(numbers_[i]);
    }
  }
}

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> DeviceCondition(db::Lease& lease, const CompanyId& company, const DeviceFilter& filter,
                                    Timestamp now, SqlBinds& binds) {
  std::string where = "d.company_id = " + binds.Add(company.value());
  if (filter.search && !filter.search->empty())
    where += " AND d.search_text LIKE " + binds.Add("%" + EscapeLike(AsciiLower(*filter.search)) + "%") +
             " ESCAPE '\\'";
  // "+" keeps SQLite from using the (company_id, online_until) index for this range: it would read
  // every online (or offline) device of the company and sort them all for one page (~200 ms with
  // 100,000 devices); walking the page's sort order stops after about a page.
  if (filter.online)
    where += std::string(" AND +d.online_until ") + (*filter.online ? ">" : "<=") + " " +
             binds.Add(static_cast<long long>(ToUnixMillis(now)));
  if (filter.profile_id) where += " AND d.profile_id = " + binds.Add(filter.profile_id->value());
  if (filter.model) where += " AND d.model = " + binds.Add(*filter.model);
  if (filter.software_version) where += " AND d.software_version = " + binds.Add(*filter.software_version);
  if (filter.compliance) where += " AND d.compliance = " + binds.Add(*filter.compliance);
  if (filter.tag) {
    // Tags are stored as a JSON array of strings; a valid tag needs no JSON escaping.
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on "%" + std::string&&.
    std::string pattern = "%";
    pattern += EscapeLike(json::serialize(json::string(*filter.tag)));
    pattern += '%';
    where += " AND d.tags LIKE " + binds.Add(std::move(pattern)) + " ESCAPE '\\'";
  }
  if (filter.group_id) {
    std::string kind, saved;
    lease.sql() << "SELECT kind, filter FROM device_groups WHERE company_id = :c AND id = :id",
        soci::use(company.value()), soci::use(filter.group_id->value()), soci::into(kind), soci::into(saved);
    if (!lease.sql().got_data()) return InvalidArgument("group_id", "no such device group");
    if (kind == "static") {
      // Placeholders are numbered in the order they are added: one statement each.
      const std::string member_company = binds.Add(company.value());
      const std::string member_group = binds.Add(filter.group_id->value());
      where += " AND d.id IN (SELECT m.device_id FROM device_group_members m WHERE m.company_id = " +
               member_company + " AND m.group_id = " + member_group + ")";
    } else {
      auto group_filter = DeviceFilterFromJson(saved);
      if (!group_filter) return group_filter.error();
      group_filter->group_id.reset();  // saved filters never nest (refused when saved)
      auto inner = DeviceCondition(lease, company, *group_filter, now, binds);
      if (!inner) return inner.error();
      where += " AND (" + *inner + ")";
    }
  }
  return where;
}

const char* const kDeviceColumns =
    "d.id, d.company_id, d.profile_id, d.oui, d.product_class, d.serial_number, d.manufacturer, d.model, "
    "d.hardware_version, d.software_version, d.data_model, d.first_contact_at, d.last_contact_at, "
    "d.last_boot_at, d.last_events, d.periodic_inform_interval, d.online_until, d.wan_ip, d.source_ip, "
    "d.connection_request_url, d.tags, d.auth_mode, d.credential_state, d.created_at, d.updated_at, "
    "(SELECT r.state FROM remote_logins r WHERE r.device_id = d.id AND r.state IN ('opening', 'active', "
    "'closing') ORDER BY r.created_at DESC LIMIT 1), d.wan_mac, d.name, d.note, d.compliance";

Device ReadDevice(const soci::row& r) {
  Device d;
  d.id = DeviceId{r.get<std::string>(0)};
  d.company_id = CompanyId{r.get<std::string>(1)};
  if (r.get_indicator(2) != soci::i_null) d.profile_id = ProfileId{r.get<std::string>(2)};
  d.oui = r.get<std::string>(3);
  d.product_class = r.get<std::string>(4);
  d.serial_number = r.get<std::string>(5);
  d.manufacturer = r.get<std::string>(6);
  d.model = r.get<std::string>(7);
  d.hardware_version = r.get<std::string>(8);
  d.software_version = r.get<std::string>(9);
  d.data_model = r.get<std::string>(10) == "tr098" ? DataModel::kTr098 : DataModel::kTr181;
  d.first_contact_at = FromUnixMillis(db::RowInteger(r, 11));
  d.last_contact_at = FromUnixMillis(db::RowInteger(r, 12));
  if (r.get_indicator(13) != soci::i_null) d.last_boot_at = FromUnixMillis(db::RowInteger(r, 13));
  d.last_events = StringArray(r.get<std::string>(14));
  d.periodic_inform_interval = static_cast<std::uint32_t>(db::RowInteger(r, 15));
  d.online_until = FromUnixMillis(db::RowInteger(r, 16));
  d.wan_ip = r.get<std::string>(17);
  d.source_ip = r.get<std::string>(18);
  d.connection_request_url = r.get<std::string>(19);
  d.tags = StringArray(r.get<std::string>(20));
  d.auth_mode = ParseAuthMode(r.get<std::string>(21)).value_or(AuthMode::kRotate);
  d.credential_state = ParseCredentialState(r.get<std::string>(22)).value_or(CredentialState::kBootstrap);
  d.created_at = FromUnixMillis(db::RowInteger(r, 23));
  d.updated_at = FromUnixMillis(db::RowInteger(r, 24));
  if (r.get_indicator(25) != soci::i_null) d.remote_login = r.get<std::string>(25);
  d.wan_mac = r.get<std::string>(26);
  d.name = r.get<std::string>(27);
  d.note = r.get<std::string>(28);
  d.compliance = r.get<std::string>(29);
  return d;
}

bool DeviceExists(db::Lease& lease, const CompanyId& company, const DeviceId& device) {
  int n = 0;
  lease.sql() << "SELECT COUNT(*) FROM devices WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(device.value()), soci::into(n);
  return n > 0;
}

void DeleteDeviceRows(db::Lease& lease, const CompanyId& company, const DeviceId& device) {
  for (const char* sql : {"DELETE FROM device_group_members WHERE company_id = :c AND device_id = :id",
                          "DELETE FROM tasks WHERE company_id = :c AND device_id = :id",
                          "DELETE FROM remote_logins WHERE company_id = :c AND device_id = :id",
                          "DELETE FROM desired_parameter_state WHERE company_id = :c AND device_id = :id",
                          "DELETE FROM device_parameters WHERE company_id = :c AND device_id = :id",
                          "DELETE FROM devices WHERE company_id = :c AND id = :id"}) {
    lease.sql() << sql, soci::use(company.value()), soci::use(device.value());
  }
}

}  // namespace kanri::devices::detail
