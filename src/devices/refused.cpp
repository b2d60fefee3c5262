#include "devices/refused.h"

#include "base/ids.h"
#include "devices/device_query.h"

namespace kanri::devices {
namespace {

// At most `max` bytes, cut at a UTF-8 character boundary.
std::string Clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

}  // namespace

Page<RefusedDevice> RefusedDeviceRepository::List(const ProviderScope&, const PageRequest& page) {
  auto lease = db_.Acquire();
  // The page key is "<last_at>\n<id>"; newest first, the id breaks ties.
  long long before = std::numeric_limits<long long>::max();
  std::string before_id;
  if (page.after) {
    const auto nl = page.after->find('\n');
    try {
      before = std::stoll(page.after->substr(0, nl));
    } catch (const std::exception&) {
      before = std::numeric_limits<long long>::max();
    }
    if (nl != std::string::npos) before_id = page.after->substr(nl + 1);
  }
  const int limit = static_cast<int>(page.limit) + 1;
  soci::rowset<soci::row> rows =
      (lease.sql().prepare
           << "SELECT id, oui, product_class, serial_number, source_ip, reason, attempts, first_at, "
              "last_at FROM refused_devices WHERE last_at < :b OR (last_at = :b2 AND id < :bid) "
              "ORDER BY last_at DESC, id DESC LIMIT :lim",
       soci::use(before), soci::use(before), soci::use(before_id), soci::use(limit));
  std::vector<RefusedDevice> out;
  for (const auto& r : rows) {
    RefusedDevice d;
    d.id = r.get<std::string>(0);
    d.oui = r.get<std::string>(1);
    d.product_class = r.get<std::string>(2);
    d.serial_number = r.get<std::string>(3);
    d.source_ip = r.get<std::string>(4);
    d.reason = r.get<std::string>(5);
    d.attempts = detail::GetInteger(r, 6);
    d.first_at = FromUnixMillis(detail::GetInteger(r, 7));
    d.last_at = FromUnixMillis(detail::GetInteger(r, 8));
    out.push_back(std::move(d));
  }
  return MakePage(std::move(out), page.limit, [](const RefusedDevice& d) {
    return std::to_string(ToUnixMillis(d.last_at)) + "\n" + d.id;
  });
}

void RefusedDeviceRepository::Record(std::string_view oui, std::string_view product_class,
                                     std::string_view serial, std::string_view source_ip,
                                     std::string_view reason, Timestamp now) {
  Identity identity{Clip(oui, settings_.max_field), Clip(product_class, settings_.max_field),
                    Clip(serial, settings_.max_field)};
  long long attempts = 1;
  {
    std::lock_guard lock(mutex_);
    auto it = tracked_.find(identity);
    if (it != tracked_.end() && now - it->second.last_write < settings_.min_interval) {
      ++it->second.pending;
      return;
    }
    if (it == tracked_.end() && tracked_.size() >= settings_.max_tracked) {
      // Forget identities whose minute is over (their uncounted refusals are lost).
      std::erase_if(tracked_,
                    [&](const auto& kv) { return now - kv.second.last_write >= settings_.min_interval; });
      if (tracked_.size() >= settings_.max_tracked) tracked_.clear();
    }
    auto& t = tracked_[identity];
    attempts += t.pending;
    t = Tracked{now, 0};
  }
  const auto& [o, pc, sn] = identity;
  const std::string ip = Clip(source_ip, settings_.max_field), why(reason);
  const long long at = ToUnixMillis(now);
  auto lease = db_.Acquire();
  for (int attempt = 0; attempt < 2; ++attempt) {
    db::WriteTransaction tx(lease);
    soci::statement update =
        (lease.sql().prepare
             << "UPDATE refused_devices SET attempts = attempts + :n, last_at = :t, source_ip = :ip, "
                "reason = :r WHERE oui = :o AND product_class = :pc AND serial_number = :sn",
         soci::use(attempts), soci::use(at), soci::use(ip), soci::use(why), soci::use(o), soci::use(pc),
         soci::use(sn));
    update.execute(true);
    if (db::AffectedRows(update) > 0) {
      tx.Commit();
      return;
    }
    try {
      const std::string id = GenerateOpaqueId();
      lease.sql() << "INSERT INTO refused_devices (id, oui, product_class, serial_number, source_ip, reason, "
                     "attempts, first_at, last_at) VALUES (:id, :o, :pc, :sn, :ip, :r, :n, :t1, :t2)",
          soci::use(id), soci::use(o), soci::use(pc), soci::use(sn), soci::use(ip), soci::use(why),
          soci::use(attempts), soci::use(at), soci::use(at);
      tx.Commit();
      return;
    } catch (const soci::soci_error&) {
      // Another node inserted the identity first: update it instead.
      if (attempt == 1) throw;
    }
  }
}

}  // namespace kanri::devices
