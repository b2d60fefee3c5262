#include "devices/allocations.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "base/text.h"
#include "devices/device_query.h"

namespace kanri::devices {
namespace {

constexpr const char* kColumns =
    "a.id, a.company_id, c.code, a.oui, a.product_class, a.kind, a.serial_prefix, a.range_from, a.range_to, "
    "a.serial_count, a.note, a.created_by_login, a.created_at";
constexpr const char* kFrom = " FROM device_allocations a JOIN companies c ON c.id = a.company_id";

std::optional<std::string> OptionalText(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<std::string>(i);
}

Allocation ReadAllocation(const soci::row& r) {
  Allocation a;
  a.id = AllocationId{r.get<std::string>(0)};
  a.company_id = CompanyId{r.get<std::string>(1)};
  a.company_code = r.get<std::string>(2);
  a.oui = r.get<std::string>(3);
  a.product_class = OptionalText(r, 4);
  a.kind = ParseAllocationKind(r.get<std::string>(5)).value_or(AllocationKind::kSerials);
  a.serial_prefix = OptionalText(r, 6);
  auto from = OptionalText(r, 7), to = OptionalText(r, 8);
  if (from && to) a.serial_range = std::make_pair(*from, *to);
  a.serial_count = static_cast<std::size_t>(db::RowInteger(r, 9));
  a.note = r.get<std::string>(10);
  a.created_by_login = r.get<std::string>(11);
  a.created_at = FromUnixMillis(db::RowInteger(r, 12));
  return a;
}

// Printable text of at most `max` bytes, no control characters.
bool PlainText(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max || Utf8Length(s) < 0) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ProductClassesMeet(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return !a || !b || *a == *b;
}

// Whether two rule allocations of one OUI can cover a common serial (classes aside).
bool RulesOverlap(const Allocation& a, const Allocation& b) {
  if (a.kind == AllocationKind::kOui || b.kind == AllocationKind::kOui) return true;
  if (a.kind == AllocationKind::kPrefix && b.kind == AllocationKind::kPrefix)
    return a.serial_prefix->starts_with(*b.serial_prefix) || b.serial_prefix->starts_with(*a.serial_prefix);
  if (a.kind == AllocationKind::kRange && b.kind == AllocationKind::kRange)
    return a.serial_range->first.size() == b.serial_range->first.size() &&
           a.serial_range->first <= b.serial_range->second && b.serial_range->first <= a.serial_range->second;
  // A prefix against a range of length L: the serials of length L with that prefix sort between
  // the prefix padded with the lowest byte and with the highest.
  const Allocation& prefix = a.kind == AllocationKind::kPrefix ? a : b;
  const Allocation& range = a.kind == AllocationKind::kPrefix ? b : a;
  const std::size_t length = range.serial_range->first.size();
  const std::string& p = *prefix.serial_prefix;
  if (p.size() > length) return false;
  const std::string low = p + std::string(length - p.size(), '\0');
  const std::string high = p + std::string(length - p.size(), '\xff');
  return low <= range.serial_range->second && range.serial_range->first <= high;
}

// The rule allocations (not serial lists) of an OUI.
std::vector<Allocation> RulesOf(db::Lease& lease, const std::string& oui) {
  soci::rowset<soci::row> rows = (lease.sql().prepare << std::string("SELECT ") + kColumns + kFrom +
                                                             " WHERE a.oui = :o AND a.kind <> 'serials'",
                                  soci::use(oui));
  std::vector<Allocation> out;
  for (const auto& r : rows) out.push_back(ReadAllocation(r));
  return out;
}

struct ListedSerial {
  AllocationId allocation;
  CompanyId company;
  std::optional<std::string> product_class;
};

// The serial-list allocations holding (oui, serial): one index look-up.
std::vector<ListedSerial> ListedWith(db::Lease& lease, const std::string& oui, const std::string& serial) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT a.id, a.company_id, a.product_class FROM device_allocation_serials s JOIN "
              "device_allocations a ON a.id = s.allocation_id WHERE s.oui = :o AND "
              "s.serial_number = :s",
       soci::use(oui), soci::use(serial));
  std::vector<ListedSerial> out;
  for (const auto& r : rows)
    out.push_back(
        {AllocationId{r.get<std::string>(0)}, CompanyId{r.get<std::string>(1)}, OptionalText(r, 2)});
  return out;
}

// Another company's allocation that shares a device identity with `a` (of `company`), if any.
// `rules` are the OUI's rule allocations.
std::optional<Allocation> OverlapWith(db::Lease& lease, const Allocation& a,
                                      const std::vector<Allocation>& rules) {
  for (const auto& other : rules) {
    if (other.company_id == a.company_id || !ProductClassesMeet(a.product_class, other.product_class))
      continue;
    if (a.kind == AllocationKind::kSerials) {
      for (const auto& s : a.serials)
        if (other.RuleCoversSerial(s)) return other;
    } else if (RulesOverlap(a, other)) {
      return other;
    }
  }
  if (a.kind == AllocationKind::kSerials) {
    for (const auto& s : a.serials)
      for (const auto& listed : ListedWith(lease, a.oui, s))
        if (listed.company != a.company_id && ProductClassesMeet(a.product_class, listed.product_class)) {
          Allocation other;
          other.id = listed.allocation;
          other.company_id = listed.company;
          return other;
        }
    return std::nullopt;
  }
  // A rule against the other companies' serial lists of the OUI (a provider's rare write).
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT s.serial_number, a.id, a.company_id, a.product_class FROM "
              "device_allocation_serials s JOIN device_allocations a ON a.id = s.allocation_id "
              "WHERE s.oui = :o AND s.company_id <> :c",
       soci::use(a.oui), soci::use(a.company_id.value()));
  for (const auto& r : rows) {
    if (!ProductClassesMeet(a.product_class, OptionalText(r, 3))) continue;
    if (!a.RuleCoversSerial(r.get<std::string>(0))) continue;
    Allocation other;
    other.id = AllocationId{r.get<std::string>(1)};
    other.company_id = CompanyId{r.get<std::string>(2)};
    return other;
  }
  return std::nullopt;
}

Error OverlapError(const Allocation& other) {
  return Conflict("the devices overlap allocation " + other.id.value() + " of another company",
                  "allocation_overlap");
}

void Insert(db::Lease& lease, const Allocation& a) {
  const std::string kind(ToString(a.kind));
  std::optional<std::string> from, to;
  if (a.serial_range) {
    from = a.serial_range->first;
    to = a.serial_range->second;
  }
  const long long count = static_cast<long long>(a.serials.size()), at = ToUnixMillis(a.created_at);
  lease.sql()
      << "INSERT INTO device_allocations (id, company_id, oui, product_class, kind, serial_prefix, "
         "range_from, range_to, serial_count, note, created_by_login, created_at) VALUES (:id, :c, :o, "
         ":pc, :k, :sp, :rf, :rt, :n, :note, :by, :t)",
      soci::use(a.id.value()), soci::use(a.company_id.value()), soci::use(a.oui), soci::use(a.product_class),
      soci::use(kind), soci::use(a.serial_prefix), soci::use(from), soci::use(to), soci::use(count),
      soci::use(a.note), soci::use(a.created_by_login), soci::use(at);
  if (a.serials.empty()) return;
  std::string serial;
  soci::statement st =
      (lease.sql().prepare << "INSERT INTO device_allocation_serials (allocation_id, company_id, "
                              "oui, serial_number) VALUES (:a, :c, :o, :s)",
       soci::use(a.id.value()), soci::use(a.company_id.value()), soci::use(a.oui), soci::use(serial));
  for (const auto& s : a.serials) {
    serial = s;
    st.execute(true);
  }
}

// The devices whose owner `a` changes take the full path at their next Inform, where ownership
// is checked: on create, devices of other companies it covers; on delete, its company's.
void MarkForOwnershipCheck(db::Lease& lease, const Allocation& a, bool created) {
  const std::set<std::string> listed(a.serials.begin(), a.serials.end());
  std::vector<std::string> ids;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string(
                                    "SELECT id, product_class, serial_number FROM devices WHERE oui = :o "
                                    "AND company_id ") +
                                    (created ? "<>" : "=") + " :c",
         soci::use(a.oui), soci::use(a.company_id.value()));
    for (const auto& r : rows) {
      const std::string pc = r.get<std::string>(1), serial = r.get<std::string>(2);
      const bool covered = a.kind == AllocationKind::kSerials
                               ? (!a.product_class || *a.product_class == pc) && listed.contains(serial)
                               : a.CoversRule(pc, serial);
      if (covered) ids.push_back(r.get<std::string>(0));
    }
  }
  for (const auto& id : ids)
    lease.sql() << "UPDATE devices SET inform_digest = '' WHERE id = :id", soci::use(id);
}

std::vector<std::string> SerialsOf(db::Lease& lease, const AllocationId& id) {
  std::vector<std::string> out;
  soci::rowset<std::string> rows =
      (lease.sql().prepare << "SELECT serial_number FROM device_allocation_serials "
                              "WHERE allocation_id = :a ORDER BY serial_number",
       soci::use(id.value()));
  for (const auto& s : rows) out.push_back(s);
  return out;
}

Page<Allocation> ListWhere(db::Lease& lease, const std::optional<CompanyId>& company,
                           const std::string& serial, const PageRequest& page) {
  const auto [before, before_id] = NewestFirstCursor(page.after);
  const std::string company_id = company ? company->value() : "";
  const int any_company = company ? 0 : 1;
  std::vector<Allocation> out;
  auto key = [](const Allocation& a) { return NewestFirstKey(ToUnixMillis(a.created_at), a.id.value()); };
  if (!serial.empty()) {
    // Allocations covering the serial (of any OUI): few, so one page.
    std::set<std::string> ids;
    {
      soci::rowset<std::string> rows =
          (lease.sql().prepare
               << "SELECT allocation_id FROM device_allocation_serials WHERE serial_number = :s",
           soci::use(serial));
      for (const auto& id : rows) ids.insert(id);
    }
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << std::string("SELECT ") + kColumns + kFrom +
                    " WHERE (:any = 1 OR a.company_id = :c) ORDER BY a.created_at DESC, a.id DESC",
         soci::use(any_company), soci::use(company_id));
    for (const auto& r : rows) {
      Allocation a = ReadAllocation(r);
      if (a.kind == AllocationKind::kSerials ? ids.contains(a.id.value()) : a.RuleCoversSerial(serial))
        out.push_back(std::move(a));
      if (out.size() >= page.limit) break;
    }
    return Page<Allocation>{std::move(out), std::nullopt};
  }
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << std::string("SELECT ") + kColumns + kFrom +
                  " WHERE (:any = 1 OR a.company_id = :c) AND (a.created_at < :b OR (a.created_at = "
                  ":b2 AND a.id < :bid)) ORDER BY a.created_at DESC, a.id DESC LIMIT :lim",
       soci::use(any_company), soci::use(company_id), soci::use(before), soci::use(before),
       soci::use(before_id), soci::use(limit));
  for (const auto& r : rows) out.push_back(ReadAllocation(r));
  return MakePage(std::move(out), page.limit, key);
}

std::optional<Allocation> GetWhere(db::Lease& lease, const std::optional<CompanyId>& company,
                                   const AllocationId& id) {
  soci::rowset<soci::row> rows =
      (lease.sql().prepare << std::string("SELECT ") + kColumns + kFrom + " WHERE a.id = :id",
       soci::use(id.value()));
  for (const auto& r : rows) {
    Allocation a = ReadAllocation(r);
    if (company && a.company_id != *company) return std::nullopt;
    a.serials = SerialsOf(lease, a.id);
    return a;
  }
  return std::nullopt;
}

}  // namespace

std::string NormalizeOui(std::string_view oui) {
  oui = TrimView(oui);
  if (oui.size() != 6) return "";
  std::string out;
  for (char c : oui) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

Result<Allocation> AllocationRepository::Validate(const NewAllocation& in) const {
  Allocation a;
  a.company_id = in.company_id;
  a.oui = NormalizeOui(in.oui);
  if (a.oui.empty()) return InvalidArgument("oui", "oui must be 6 hexadecimal characters (e.g. 00D09E)");
  if (in.product_class) {
    const std::string pc(TrimView(*in.product_class));
    if (!pc.empty()) {
      if (!PlainText(pc, limits_.max_match_text))
        return InvalidArgument("product_class", "product_class must be 1-64 characters of text");
      a.product_class = pc;
    }
  }
  const int given = (!in.serials.empty() ? 1 : 0) + (in.serial_prefix ? 1 : 0) + (in.serial_range ? 1 : 0);
  if (given > 1)
    return InvalidArgument("serials", "give at most one of serials, serial_prefix and serial_range");
  if (!in.serials.empty()) {
    a.kind = AllocationKind::kSerials;
    for (const auto& raw : in.serials) {
      const std::string s(TrimView(raw));
      if (!PlainText(s, limits_.max_match_text))
        return InvalidArgument("serials", "every serial number must be 1-64 characters of text");
      a.serials.push_back(s);
    }
    std::sort(a.serials.begin(), a.serials.end());
    a.serials.erase(std::unique(a.serials.begin(), a.serials.end()), a.serials.end());
    if (a.serials.size() > limits_.max_serials)
      return LimitExceeded("too_many_serials", "at most " + std::to_string(limits_.max_serials) +
                                                   " serial numbers per allocation");
  } else if (in.serial_prefix) {
    a.kind = AllocationKind::kPrefix;
    const std::string p(TrimView(*in.serial_prefix));
    if (!PlainText(p, limits_.max_match_text))
      return InvalidArgument("serial_prefix", "serial_prefix must be 1-64 characters of text");
    a.serial_prefix = p;
  } else if (in.serial_range) {
    a.kind = AllocationKind::kRange;
    const std::string from(TrimView(in.serial_range->first)), to(TrimView(in.serial_range->second));
    if (!PlainText(from, limits_.max_match_text) || !PlainText(to, limits_.max_match_text))
      return InvalidArgument("serial_range", "serial_range.from and .to must be 1-64 characters of text");
    if (from.size() != to.size())
      return InvalidArgument("serial_range", "serial_range.from and .to must have the same length");
    if (to < from) return InvalidArgument("serial_range", "serial_range.from must not sort after .to");
    a.serial_range = std::make_pair(from, to);
  } else {
    a.kind = AllocationKind::kOui;
  }
  const long note = Utf8Length(in.note);
  if (note < 0 || note > limits_.max_note || std::any_of(in.note.begin(), in.note.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      }))
    return InvalidArgument("note", "note must be at most 200 characters of text on one line");
  a.note = in.note;
  a.serial_count = a.serials.size();
  return a;
}

Result<Allocation> AllocationRepository::Create(const ProviderScope&, const NewAllocation& input,
                                                const std::string& actor) {
  auto validated = Validate(input);
  if (!validated) return validated.error();
  Allocation a = std::move(*validated);
  a.id = AllocationId::Generate();
  a.created_by_login = actor;
  a.created_at = clock_.Now();
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::string code;
  lease.sql() << "SELECT code FROM companies WHERE id = :c", soci::use(a.company_id.value()),
      soci::into(code);
  if (!lease.sql().got_data()) return InvalidArgument("company_id", "no such company");
  a.company_code = code;
  // Checked inside the write transaction, so two creates cannot both pass.
  if (auto other = OverlapWith(lease, a, RulesOf(lease, a.oui))) return OverlapError(*other);
  Insert(lease, a);
  MarkForOwnershipCheck(lease, a, true);
  tx.Commit();
  return a;
}

AllocationImportReport AllocationRepository::Import(const ProviderScope&,
                                                    const std::vector<AllocationImportLine>& lines,
                                                    const std::string& actor) {
  AllocationImportReport report;
  auto fail = [&](std::size_t line, std::string field, std::string code, std::string message,
                  std::optional<AllocationId> other = std::nullopt) {
    ++report.error_count;
    if (report.errors.size() < limits_.max_report_errors)
      report.errors.push_back(
          {line, std::move(field), std::move(code), std::move(message), std::move(other)});
  };
  if (lines.empty()) {
    fail(0, "file", "invalid", "the file has no allocation lines");
    return report;
  }
  if (lines.size() > limits_.max_import_lines) {
    fail(0, "file", "too_many", "at most " + std::to_string(limits_.max_import_lines) + " lines per import");
    return report;
  }
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  std::map<std::string, std::optional<std::pair<CompanyId, std::string>>> companies;  // code key -> id, code
  std::map<std::string, std::vector<Allocation>> rules;                               // by OUI
  // (oui, serial) -> (company, product class, line): a serial given to two companies in one file.
  std::map<std::pair<std::string, std::string>,
           std::tuple<CompanyId, std::optional<std::string>, std::size_t>>
      seen;
  // The allocations to create: company, OUI, product class -> serials.
  std::map<std::tuple<std::string, std::string, std::optional<std::string>>, std::set<std::string>> groups;
  std::map<std::string, std::string> codes;  // company id -> code
  for (const auto& line : lines) {
    const std::string key = AsciiLower(TrimView(line.company_code));
    auto found = companies.find(key);
    if (found == companies.end()) {
      std::string id, code;
      lease.sql() << "SELECT id, code FROM companies WHERE code_key = :k", soci::use(key), soci::into(id),
          soci::into(code);
      found = companies
                  .emplace(key, lease.sql().got_data() ? std::optional(std::make_pair(CompanyId{id}, code))
                                                       : std::nullopt)
                  .first;
    }
    if (!found->second) {
      fail(line.line, "company_code", "unknown_company",
           "no company has the code '" + std::string(TrimView(line.company_code)).substr(0, 32) + "'");
      continue;
    }
    NewAllocation one{found->second->first, line.oui, line.product_class, {line.serial}, {}, {}, ""};
    auto valid = Validate(one);
    if (!valid) {
      fail(line.line, valid.error().field.empty() ? "serial" : valid.error().field, "invalid",
           valid.error().message);
      continue;
    }
    const Allocation& a = *valid;
    const std::string& serial = a.serials.front();
    auto [it, inserted] = seen.try_emplace({a.oui, serial}, a.company_id, a.product_class, line.line);
    if (!inserted) {
      const auto& [company, pc, first_line] = it->second;
      if (company != a.company_id && ProductClassesMeet(pc, a.product_class))
        fail(line.line, "serial", "duplicate",
             "serial " + serial + " is given to another company on line " + std::to_string(first_line));
      else if (company == a.company_id && pc != a.product_class)
        fail(line.line, "product_class", "duplicate",
             "serial " + serial + " is listed with another product class on line " +
                 std::to_string(first_line));
      continue;  // the same line twice: once is enough
    }
    auto r = rules.find(a.oui);
    if (r == rules.end()) r = rules.emplace(a.oui, RulesOf(lease, a.oui)).first;
    if (auto other = OverlapWith(lease, a, r->second)) {
      fail(line.line, "serial", "allocation_overlap",
           "serial " + serial + " is covered by allocation " + other->id.value() + " of another company",
           other->id);
      continue;
    }
    codes[a.company_id.value()] = found->second->second;
    groups[{a.company_id.value(), a.oui, a.product_class}].insert(serial);
    ++report.serials;
  }
  if (report.error_count > 0) {
    report.serials = 0;
    return report;  // all or nothing: the transaction rolls back
  }
  const Timestamp now = clock_.Now();
  for (const auto& [key, serials] : groups) {
    const auto& [company, oui, pc] = key;
    std::vector<std::string> all(serials.begin(), serials.end());
    for (std::size_t at = 0; at < all.size(); at += limits_.max_serials) {
      Allocation a;
      a.id = AllocationId::Generate();
      a.company_id = CompanyId{company};
      a.company_code = codes[company];
      a.oui = oui;
      a.product_class = pc;
      a.kind = AllocationKind::kSerials;
      a.serials.assign(
          all.begin() + static_cast<std::ptrdiff_t>(at),
          all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), at + limits_.max_serials)));
      a.serial_count = a.serials.size();
      a.note = "imported";
      a.created_by_login = actor;
      a.created_at = now;
      Insert(lease, a);
      MarkForOwnershipCheck(lease, a, true);
      a.serials.clear();  // the report lists allocations, not every serial again
      report.created.push_back(std::move(a));
    }
  }
  tx.Commit();
  return report;
}

Result<Allocation> AllocationRepository::Delete(const ProviderScope&, const AllocationId& id) {
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  auto a = GetWhere(lease, std::nullopt, id);
  if (!a) return NotFound("allocation not found");
  MarkForOwnershipCheck(lease, *a, false);
  lease.sql() << "DELETE FROM device_allocation_serials WHERE allocation_id = :a", soci::use(id.value());
  lease.sql() << "DELETE FROM device_allocations WHERE id = :a", soci::use(id.value());
  tx.Commit();
  a->serials.clear();
  return *a;
}

Page<Allocation> AllocationRepository::List(const ProviderScope&, const AllocationFilter& filter,
                                            const PageRequest& page) {
  auto lease = db_.Acquire();
  return ListWhere(lease, filter.company, filter.serial, page);
}

Result<Allocation> AllocationRepository::Get(const ProviderScope&, const AllocationId& id) {
  auto lease = db_.Acquire();
  auto a = GetWhere(lease, std::nullopt, id);
  if (!a) return NotFound("allocation not found");
  return *a;
}

Page<Allocation> AllocationRepository::List(const CompanyId& company, const AllocationFilter& filter,
                                            const PageRequest& page) {
  auto lease = db_.Acquire();
  return ListWhere(lease, company, filter.serial, page);
}

Result<Allocation> AllocationRepository::Get(const CompanyId& company, const AllocationId& id) {
  auto lease = db_.Acquire();
  auto a = GetWhere(lease, company, id);
  if (!a) return NotFound("allocation not found");
  return *a;
}

Coverage AllocationRepository::Cover(db::Lease& lease, std::string_view oui, std::string_view product_class,
                                     std::string_view serial) const {
  const std::string o(oui), s(serial);
  Coverage c;
  auto add = [&](const CompanyId& company, const AllocationId& allocation) {
    if (c.kind == Coverage::Kind::kNone) {
      c = {Coverage::Kind::kOne, company, allocation};
    } else if (c.company != company) {
      c.kind = Coverage::Kind::kConflict;
    }
  };
  for (const auto& listed : ListedWith(lease, o, s))
    if (!listed.product_class || *listed.product_class == product_class)
      add(listed.company, listed.allocation);
  for (const auto& rule : RulesOf(lease, o))
    if (rule.CoversRule(product_class, serial)) add(rule.company_id, rule.id);
  return c;
}

}  // namespace kanri::devices
