#include "devices/inventory.h"

#include <algorithm>
#include <boost/json.hpp>

#include "base/text.h"
#include "devices/desired_state.h"
#include "devices/device_query.h"
#include "devices/events.h"
#include "devices/parameter_tree.h"

namespace kanri::devices {
namespace {

namespace json = boost::json;
using detail::SqlBinds;

// Decodes one UTF-8 code point at `i`; -1 when the text is not valid UTF-8 there.
long NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return -1;
  long cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  i += n;
  return cp;
}

// Separators and spaces outside ASCII that would make a tag look like two.
bool IsUnicodeSeparator(long cp) {
  return cp < 0xA0 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0x3001 || cp == 0xFEFF ||
         cp == 0xFF0C || cp == 0xFF64;
}

std::string_view SortName(DeviceSort::Key key) {
  switch (key) {
    case DeviceSort::Key::kSerialNumber:
      return "serial_number";
    case DeviceSort::Key::kLastContact:
      return "last_contact_at";
    case DeviceSort::Key::kModel:
      return "model";
    case DeviceSort::Key::kSoftwareVersion:
      return "software_version";
  }
  return "serial_number";
}

std::string SortValue(const Device& d, DeviceSort::Key key) {
  switch (key) {
    case DeviceSort::Key::kSerialNumber:
      return d.serial_number;
    case DeviceSort::Key::kLastContact:
      return std::to_string(ToUnixMillis(d.last_contact_at));
    case DeviceSort::Key::kModel:
      return d.model;
    case DeviceSort::Key::kSoftwareVersion:
      return d.software_version;
  }
  return d.serial_number;
}

std::string SortTag(const DeviceSort& sort) {
  std::string tag(SortName(sort.key));
  if (sort.descending) tag.insert(tag.begin(), '-');
  return tag;
}

// The page key: "<sort>\n<value>\n<device id>"; values may hold anything but the id cannot
// hold a newline.
std::string PageKey(const Device& d, const DeviceSort& sort) {
  return SortTag(sort) + "\n" + SortValue(d, sort.key) + "\n" + d.id.value();
}

std::string TagsJson(const std::vector<std::string>& tags) {
  json::array a;
  for (const auto& t : tags) a.emplace_back(t);
  return json::serialize(a);
}

// The device as stored, inside the caller's transaction; nullopt when the company has no such device.
std::optional<Device> SelectDevice(db::Lease& lease, const CompanyId& company, const DeviceId& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + detail::kDeviceColumns +
                                  " FROM devices d WHERE d.company_id = :c AND d.id = :id",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& r : rows) return detail::ReadDevice(r);
  return std::nullopt;
}

void StoreTags(db::Lease& lease, const CompanyId& company, const DeviceId& id, const Device& row,
               Timestamp now) {
  const std::string tags = TagsJson(row.tags);
  const std::string search = SearchText(row);
  const long long t = ToUnixMillis(now);
  lease.sql()
      << "UPDATE devices SET tags = :t, search_text = :s, updated_at = :u WHERE company_id = :c AND id = :id",
      soci::use(tags), soci::use(search), soci::use(t), soci::use(company.value()), soci::use(id.value());
}

// A name or note: UTF-8 text within `max` code points, no control characters but line breaks
// and tabs where `multiline`.
Status ValidateDetail(std::string_view field, std::string_view text, long max, bool multiline) {
  const long n = Utf8Length(text);
  if (n < 0) return InvalidArgument(std::string(field), std::string(field) + " must be UTF-8 text");
  if (n > max)
    return InvalidArgument(std::string(field),
                           std::string(field) + " is at most " + std::to_string(max) + " characters");
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool allowed = multiline && (c == '\n' || c == '\r' || c == '\t');
    if ((u < 0x20 || u == 0x7F) && !allowed)
      return InvalidArgument(std::string(field),
                             std::string(field) + (multiline ? " may not hold control characters"
                                                             : " must be one line of text"));
  }
  return Ok{};
}

}  // namespace

Status ValidateTag(std::string_view tag) {
  const long n = Utf8Length(tag);
  if (n < 1 || n > kMaxTagLength) return InvalidArgument("tag", "a tag is 1-64 characters");
  for (std::size_t i = 0; i < tag.size();) {
    const long cp = NextCodePoint(tag, i);
    if (cp < 0) return InvalidArgument("tag", "a tag must be UTF-8 text");
    const bool ascii_ok = cp < 0x80 && IsAsciiWord(std::string(1, static_cast<char>(cp)), "-_.:");
    if (cp < 0x80 ? !ascii_ok : IsUnicodeSeparator(cp))
      return InvalidArgument(
          "tag",
          "a tag may hold letters, digits and - _ . : (Japanese is fine), no spaces, commas or slashes");
  }
  return Ok{};
}

std::optional<DeviceSort> ParseDeviceSort(std::string_view text) {
  DeviceSort sort;
  if (!text.empty() && text.front() == '-') {
    sort.descending = true;
    text.remove_prefix(1);
  }
  for (auto key : {DeviceSort::Key::kSerialNumber, DeviceSort::Key::kLastContact, DeviceSort::Key::kModel,
                   DeviceSort::Key::kSoftwareVersion}) {
    if (SortName(key) == text) {
      sort.key = key;
      return sort;
    }
  }
  return std::nullopt;
}

std::string DeviceFilterToJson(const DeviceFilter& f) {
  json::object o;
  if (f.search) o["q"] = *f.search;
  if (f.online) o["online"] = *f.online;
  if (f.profile_id) o["profile_id"] = f.profile_id->value();
  if (f.group_id) o["group_id"] = f.group_id->value();
  if (f.model) o["model"] = *f.model;
  if (f.software_version) o["software_version"] = *f.software_version;
  if (f.tag) o["tag"] = *f.tag;
  if (f.compliance) o["compliance"] = *f.compliance;
  return json::serialize(o);
}

Result<DeviceFilter> DeviceFilterFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidArgument("filter", "filter must be a JSON object");
  DeviceFilter f;
  for (const auto& kv : v.as_object()) {
    const std::string key(kv.key());
    const json::value& value = kv.value();
    if (value.is_null()) continue;
    if (key == "online") {
      if (!value.is_bool()) return InvalidArgument("filter.online", "online must be true or false");
      f.online = value.as_bool();
      continue;
    }
    if (!value.is_string()) return InvalidArgument("filter." + key, "unknown filter field or not a string");
    const std::string s(value.as_string());
    if (key == "q") {
      f.search = s;
    } else if (key == "profile_id") {
      f.profile_id = ProfileId{s};
    } else if (key == "group_id") {
      f.group_id = GroupId{s};
    } else if (key == "model") {
      f.model = s;
    } else if (key == "software_version") {
      f.software_version = s;
    } else if (key == "tag") {
      f.tag = s;
    } else if (key == "compliance") {
      if (!ParseComplianceState(s))
        return InvalidArgument("filter.compliance", "compliance is in_sync, pending, drift or failed");
      f.compliance = s;
    } else {
      return InvalidArgument("filter." + key, "unknown filter field '" + key + "'");
    }
  }
  return f;
}

Result<Page<Device>> DeviceRepository::List(const CompanyId& company, const DeviceFilter& filter,
                                            const DeviceSort& sort, const PageRequest& page) {
  auto lease = db_.Acquire();
  SqlBinds binds;
  auto where = detail::DeviceCondition(lease, company, filter, clock_.Now(), binds);
  if (!where) return where.error();
  const std::string column = "d." + std::string(SortName(sort.key));
  const bool numeric = sort.key == DeviceSort::Key::kLastContact;
  if (page.after) {
    const auto first = page.after->find('\n');
    const auto last = page.after->rfind('\n');
    if (first == std::string::npos || first == last || page.after->substr(0, first) != SortTag(sort))
      return InvalidArgument("cursor", "the cursor belongs to another sort order");
    const std::string value = page.after->substr(first + 1, last - first - 1);
    const std::string id = page.after->substr(last + 1);
    const char* op = sort.descending ? "<" : ">";
    std::string v1, v2;
    if (numeric) {
      long long n = 0;
      try {
        n = std::stoll(value);
      } catch (const std::exception&) {
        return InvalidArgument("cursor", "cursor is not one this service issued");
      }
      v1 = binds.Add(n);
      v2 = binds.Add(n);
    } else {
      v1 = binds.Add(value);
      v2 = binds.Add(value);
    }
    *where += " AND (" + column + " " + op + " " + v1 + " OR (" + column + " = " + v2 + " AND d.id " + op +
              " " + binds.Add(id) + "))";
  }
  const char* dir = sort.descending ? " DESC" : " ASC";
  const std::string sql = std::string("SELECT ") + detail::kDeviceColumns + " FROM devices d WHERE " +
                          *where + " ORDER BY " + column + dir + ", d.id" + dir + " LIMIT " +
                          binds.Add(static_cast<long long>(page.limit) + 1);
  auto statement = (lease.sql().prepare << sql);
  binds.ApplyTo(statement);
  soci::rowset<soci::row> rows(statement);
  std::vector<Device> out;
  for (const auto& r : rows) out.push_back(detail::ReadDevice(r));
  return MakePage(std::move(out), page.limit, [&](const Device& d) { return PageKey(d, sort); });
}

Result<std::size_t> DeviceRepository::Count(const CompanyId& company, const DeviceFilter& filter) {
  auto lease = db_.Acquire();
  SqlBinds binds;
  auto where = detail::DeviceCondition(lease, company, filter, clock_.Now(), binds);
  if (!where) return where.error();
  long long n = 0;
  auto statement = (lease.sql().prepare << "SELECT COUNT(*) FROM devices d WHERE " + *where);
  binds.ApplyTo(statement);
  statement, soci::into(n);
  soci::statement st(statement);
  st.execute(true);
  return static_cast<std::size_t>(n);
}

DeviceSummary DeviceRepository::Summary(const CompanyId& company) {
  auto lease = db_.Acquire();
  const long long now = ToUnixMillis(clock_.Now());
  long long total = 0, online = 0, insecure = 0;
  lease.sql() << "SELECT COUNT(*), COALESCE(SUM(CASE WHEN online_until > :n THEN 1 ELSE 0 END), 0), "
                 "COALESCE(SUM(CASE WHEN auth_mode = 'none' THEN 1 ELSE 0 END), 0) "
                 "FROM devices WHERE company_id = :c",
      soci::use(now), soci::use(company.value()), soci::into(total), soci::into(online), soci::into(insecure);
  return DeviceSummary{static_cast<std::size_t>(total), static_cast<std::size_t>(online),
                       static_cast<std::size_t>(total - online), static_cast<std::size_t>(insecure)};
}

Result<Device> DeviceRepository::Get(const CompanyId& company, const DeviceId& id) {
  auto lease = db_.Acquire();
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + detail::kDeviceColumns +
                                  " FROM devices d WHERE d.company_id = :c AND d.id = :id",
       soci::use(company.value()), soci::use(id.value()));
  for (const auto& r : rows) return detail::ReadDevice(r);
  return NotFound("device not found");
}

Result<std::vector<Parameter>> DeviceRepository::Parameters(const CompanyId& company, const DeviceId& id,
                                                            std::string_view prefix) {
  auto lease = db_.Acquire();
  if (!detail::DeviceExists(lease, company, id)) return NotFound("device not found");
  std::string tree;
  lease.sql() << "SELECT tree FROM device_parameters WHERE company_id = :c AND device_id = :id",
      soci::use(company.value()), soci::use(id.value()), soci::into(tree);
  if (!lease.sql().got_data()) return std::vector<Parameter>{};
  return ParameterTree::Parse(tree).List(prefix);
}

Result<Device> DeviceRepository::SetTag(const CompanyId& company, const DeviceId& id, std::string_view tag) {
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    auto row = SelectDevice(lease, company, id);
    if (!row) return NotFound("device not found");
    if (auto st = ValidateTag(tag); !st) return st.error();
    if (std::find(row->tags.begin(), row->tags.end(), tag) == row->tags.end()) {
      if (row->tags.size() >= kMaxTagsPerDevice)
        return Conflict("a device has at most 32 tags", "too_many_tags");
      row->tags.emplace_back(tag);
      std::sort(row->tags.begin(), row->tags.end());
      StoreTags(lease, company, id, *row, clock_.Now());
      tx.Commit();
    }
  }
  return Get(company, id);
}

Result<Device> DeviceRepository::RemoveTag(const CompanyId& company, const DeviceId& id,
                                           std::string_view tag) {
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    auto row = SelectDevice(lease, company, id);
    if (!row) return NotFound("device not found");
    auto at = std::find(row->tags.begin(), row->tags.end(), tag);
    if (at == row->tags.end()) return NotFound("the device has no such tag");
    row->tags.erase(at);
    StoreTags(lease, company, id, *row, clock_.Now());
    tx.Commit();
  }
  return Get(company, id);
}

Result<Device> DeviceRepository::SetDetails(const CompanyId& company, const DeviceId& id,
                                            const DeviceDetails& details) {
  {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    auto row = SelectDevice(lease, company, id);
    if (!row) return NotFound("device not found");
    if (details.name) {
      if (auto st = ValidateDetail("name", *details.name, kMaxDeviceName, false); !st) return st.error();
      row->name = std::string(Trim(*details.name));
    }
    if (details.note) {
      if (auto st = ValidateDetail("note", *details.note, kMaxDeviceNote, true); !st) return st.error();
      row->note = *details.note;
    }
    const std::string search = SearchText(*row);
    const long long t = ToUnixMillis(clock_.Now());
    lease.sql() << "UPDATE devices SET name = :n, note = :nt, search_text = :s, updated_at = :u "
                   "WHERE company_id = :c AND id = :id",
        soci::use(row->name), soci::use(row->note), soci::use(search), soci::use(t),
        soci::use(company.value()), soci::use(id.value());
    tx.Commit();
  }
  return Get(company, id);
}

Result<DeviceRepository::ConnectionRequestTarget> DeviceRepository::ConnectionRequestTargetOf(
    const CompanyId& company, const DeviceId& id) {
  auto lease = db_.Acquire();
  ConnectionRequestTarget t;
  lease.sql()
      << "SELECT connection_request_url, cr_username, cr_password_enc FROM devices WHERE company_id = :c "
         "AND id = :id",
      soci::use(company.value()), soci::use(id.value()), soci::into(t.url), soci::into(t.username),
      soci::into(t.password_sealed);
  if (!lease.sql().got_data()) return NotFound("device");
  return t;
}

Status DeviceRepository::Delete(const CompanyId& company, const DeviceId& id, Millis keep_credential_for) {
  return Remove(company, id, false, keep_credential_for);
}

Status DeviceRepository::Retire(const CompanyId& company, const DeviceId& id, Millis mark_for) {
  return Remove(company, id, true, mark_for);
}

Status DeviceRepository::Remove(const CompanyId& company, const DeviceId& id, bool retire, Millis keep_for) {
  const Timestamp now = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  soci::row r;
  lease.sql()
      << "SELECT oui, product_class, serial_number, cwmp_username, cwmp_password_enc, pending_password_enc "
         "FROM devices WHERE company_id = :c AND id = :id",
      soci::use(company.value()), soci::use(id.value()), soci::into(r);
  if (!lease.sql().got_data()) return NotFound("device not found");
  const std::string oui = r.get<std::string>(0), product_class = r.get<std::string>(1),
                    serial = r.get<std::string>(2);
  // A retired device keeps nothing: its credential is revoked.
  const std::string username = retire ? "" : r.get<std::string>(3);
  const std::string password_enc = retire ? "" : r.get<std::string>(4);
  std::string pending = retire || r.get_indicator(5) == soci::i_null ? "" : r.get<std::string>(5);
  soci::indicator pending_ind = pending.empty() ? soci::i_null : soci::i_ok;
  EmitDeviceDeleted(lease, now, company, id, retire ? "retired" : "deleted");
  detail::DeleteDeviceRows(lease, company, id);
  lease.sql() << "DELETE FROM retained_device_credentials WHERE oui = :o AND product_class = :p AND "
                 "serial_number = :s",
      soci::use(oui), soci::use(product_class), soci::use(serial);
  const int retired = retire ? 1 : 0;
  const long long at = ToUnixMillis(now), until = ToUnixMillis(now + keep_for);
  lease.sql()
      << "INSERT INTO retained_device_credentials (oui, product_class, serial_number, company_id, retired, "
         "cwmp_username, cwmp_password_enc, pending_password_enc, deleted_at, expires_at) VALUES (:o, :p, "
         ":s, :c, :r, :u, :pw, :pe, :at, :ex)",
      soci::use(oui), soci::use(product_class), soci::use(serial), soci::use(company.value()),
      soci::use(retired), soci::use(username), soci::use(password_enc), soci::use(pending, pending_ind),
      soci::use(at), soci::use(until);
  tx.Commit();
  return Ok{};
}

std::size_t DeviceRepository::PurgeRetained(Timestamp now) {
  auto lease = db_.Acquire();
  const long long t = ToUnixMillis(now);
  soci::statement st =
      (lease.sql().prepare << "DELETE FROM retained_device_credentials WHERE expires_at <= :t", soci::use(t));
  st.execute(true);
  return static_cast<std::size_t>(db::AffectedRows(st));
}

std::vector<DeviceRepository::SilentDevice> DeviceRepository::DeleteSilent(const ProviderScope&,
                                                                           Timestamp cutoff,
                                                                           std::size_t limit) {
  const long long t = ToUnixMillis(cutoff);
  const int n = static_cast<int>(limit);
  std::vector<SilentDevice> found;
  {
    auto lease = db_.Acquire();
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT company_id, id, oui, serial_number, last_contact_at FROM devices "
                                "WHERE last_contact_at < :t ORDER BY last_contact_at LIMIT :n",
         soci::use(t), soci::use(n));
    for (const auto& r : rows)
      found.push_back({CompanyId{r.get<std::string>(0)}, DeviceId{r.get<std::string>(1)},
                       r.get<std::string>(2), r.get<std::string>(3), FromUnixMillis(db::RowInteger(r, 4))});
  }
  std::vector<SilentDevice> deleted;
  for (auto& d : found) {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    // Still silent (it may have contacted the service since the look-up).
    int still = 0;
    lease.sql() << "SELECT COUNT(*) FROM devices WHERE company_id = :c AND id = :id AND last_contact_at < :t",
        soci::use(d.company.value()), soci::use(d.id.value()), soci::use(t), soci::into(still);
    if (!still) continue;
    EmitDeviceDeleted(lease, clock_.Now(), d.company, d.id, "retention");
    detail::DeleteDeviceRows(lease, d.company, d.id);
    tx.Commit();
    deleted.push_back(std::move(d));
  }
  return deleted;
}

}  // namespace kanri::devices
