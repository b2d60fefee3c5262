#include "devices/refused.h"

#include "base/ids.h"
#include "base/log.h"
#include "base/text.h"
#include "devices/device_query.h"

namespace kanri::devices {
namespace {

RefusedDevice ReadRefused(const soci::row& r) {
  RefusedDevice d;
  d.id = r.get<std::string>(0);
  d.oui = r.get<std::string>(1);
  d.product_class = r.get<std::string>(2);
  d.serial_number = r.get<std::string>(3);
  d.source_ip = r.get<std::string>(4);
  d.reason = r.get<std::string>(5);
  d.attempts = db::RowInteger(r, 6);
  d.first_at = FromUnixMillis(db::RowInteger(r, 7));
  d.last_at = FromUnixMillis(db::RowInteger(r, 8));
  if (r.get_indicator(9) != soci::i_null) d.company = CompanyId{r.get<std::string>(9)};
  return d;
}

constexpr const char* kColumns =
    "SELECT id, oui, product_class, serial_number, source_ip, reason, attempts, first_at, last_at, "
    "company_id "
    "FROM refused_devices ";

}  // namespace

Page<RefusedDevice> RefusedDeviceRepository::List(const ProviderScope&, const PageRequest& page) {
  return ListWhere("", page);
}

Page<RefusedDevice> RefusedDeviceRepository::List(const CompanyId& company, const PageRequest& page) {
  return ListWhere(company.value(), page);
}

// Every refusal (company ""), or those of one company.
Page<RefusedDevice> RefusedDeviceRepository::ListWhere(const std::string& company, const PageRequest& page) {
  Flush();
  auto lease = db_.Acquire();
  // The page key is "<last_at>\n<id>"; newest first, the id breaks ties.
  const auto [before, before_id] = NewestFirstCursor(page.after);
  const int limit = static_cast<int>(page.limit) + 1;
  // Two statements rather than "(:all = 1 OR company_id = :c)", which keeps a company's page
  // from using the refused_devices_company index.
  const std::string after =
      "(last_at < :b OR (last_at = :b2 AND id < :bid)) ORDER BY last_at DESC, id DESC LIMIT :lim";
  std::vector<RefusedDevice> out;
  if (company.empty()) {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string(kColumns) + "WHERE " + after, soci::use(before),
         soci::use(before), soci::use(before_id), soci::use(limit));
    for (const auto& r : rows) out.push_back(ReadRefused(r));
  } else {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string(kColumns) + "WHERE company_id = :c AND " + after,
         soci::use(company), soci::use(before), soci::use(before), soci::use(before_id), soci::use(limit));
    for (const auto& r : rows) out.push_back(ReadRefused(r));
  }
  return MakePage(std::move(out), page.limit,
                  [](const RefusedDevice& d) { return NewestFirstKey(ToUnixMillis(d.last_at), d.id); });
}

void RefusedDeviceRepository::Record(std::string_view oui, std::string_view product_class,
                                     std::string_view serial, std::string_view source_ip,
                                     std::string_view reason, Timestamp now,
                                     const std::optional<CompanyId>& company) {
  Identity identity{ClipUtf8(oui, settings_.max_field), ClipUtf8(product_class, settings_.max_field),
                    ClipUtf8(serial, settings_.max_field)};
  std::lock_guard lock(mutex_);
  auto it = pending_.find(identity);
  if (it == pending_.end()) {
    if (pending_.size() >= settings_.max_pending) {
      if (dropped_++ % 1000 == 0)
        LogWarn("refused devices: too many identities waiting to be listed; refusals dropped",
                {{"dropped", static_cast<std::int64_t>(dropped_)}});
      return;
    }
    it = pending_.emplace(std::move(identity), Pending{{}, {}, std::nullopt, 0, now, now}).first;
  }
  Pending& p = it->second;
  p.source_ip = ClipUtf8(source_ip, settings_.max_field);
  p.reason = ClipUtf8(reason, settings_.max_field);
  p.company = company;
  ++p.attempts;
  p.last_at = std::max(p.last_at, now);
}

std::uint64_t RefusedDeviceRepository::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::size_t RefusedDeviceRepository::Flush() {
  std::lock_guard flushing(flush_mutex_);
  std::map<Identity, Pending> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  const long long expired_before = ToUnixMillis(clock_.Now() - settings_.retention);
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  lease.sql() << "DELETE FROM refused_devices WHERE last_at < :t", soci::use(expired_before);
  long long rows = 0;
  lease.sql() << "SELECT COUNT(*) FROM refused_devices", soci::into(rows);
  std::size_t written = 0;
  for (const auto& [identity, p] : batch) {
    const auto& [o, pc, sn] = identity;
    int attached = 0;
    lease.sql()
        << "SELECT COUNT(*) FROM devices WHERE oui = :o AND product_class = :pc AND serial_number = :sn",
        soci::use(o), soci::use(pc), soci::use(sn), soci::into(attached);
    if (attached) continue;  // allocated and attached since it was refused
    const long long first = ToUnixMillis(p.first_at), last = ToUnixMillis(p.last_at);
    if (p.reason == "unassigned") {
      // DATA-6: a device of a deleted company is not listed as refused; its contact keeps its
      // information from expiring.
      lease.sql() << "UPDATE unassigned_devices SET last_contact_at = :t, source_ip = :ip WHERE oui = :o AND "
                     "product_class = :pc AND serial_number = :sn AND last_contact_at < :t2",
          soci::use(last), soci::use(p.source_ip), soci::use(o), soci::use(pc), soci::use(sn),
          soci::use(last);
      continue;
    }
    // The latest refusal's company: an allocation moved since then lists it for the new company only.
    const std::string company = p.company ? p.company->value() : std::string();
    soci::indicator company_ind = p.company ? soci::i_ok : soci::i_null;
    soci::statement update =
        (lease.sql().prepare
             << "UPDATE refused_devices SET attempts = attempts + :n, last_at = :t, source_ip = "
                ":ip, reason = :r, company_id = :c WHERE oui = :o AND product_class = :pc AND serial_number "
                "= :sn",
         soci::use(p.attempts), soci::use(last), soci::use(p.source_ip), soci::use(p.reason),
         soci::use(company, company_ind), soci::use(o), soci::use(pc), soci::use(sn));
    update.execute(true);
    if (db::AffectedRows(update) > 0) {
      ++written;
      continue;
    }
    if (static_cast<std::size_t>(rows) >= settings_.max_rows) continue;  // full: not listed
    // The identity is unique; another node may insert it first, which then holds the count.
    const std::string id = GenerateOpaqueId();
    lease.sql()
        << "INSERT INTO refused_devices (id, oui, product_class, serial_number, source_ip, reason, "
           "attempts, first_at, last_at, company_id) SELECT :id, :o, :pc, :sn, :ip, :r, CAST(:n AS BIGINT), "
           "CAST(:t1 AS BIGINT), CAST(:t2 AS BIGINT), :c WHERE NOT EXISTS "
           "(SELECT 1 FROM refused_devices WHERE oui = :o2 AND product_class = :pc2 AND serial_number = "
           ":sn2)",
        soci::use(id), soci::use(o), soci::use(pc), soci::use(sn), soci::use(p.source_ip),
        soci::use(p.reason), soci::use(p.attempts), soci::use(first), soci::use(last),
        soci::use(company, company_ind), soci::use(o), soci::use(pc), soci::use(sn);
    ++rows;
    ++written;
  }
  tx.Commit();
  return written;
}

}  // namespace kanri::devices
