// Devices refused at onboarding (DEV-1): an Inform that matched no profile, profiles of
// several companies, or failed authentication is never attached by guess; its identity is
// recorded here for site administrators (provider scope only).
//
//   RefusedDeviceRepository refused{db};
//   refused.Record("00D09E", "IGD", "AB1234", "203.0.113.9", "unmatched", clock.Now());  // per refusal
//   auto page = refused.List(ProviderScope::ForSiteAdministrator(actor), {.limit = 50});
//
// Record is rate-limited: at most one database write per identity per minute (the others
// are counted in memory and added to `attempts` with the next write), so a device retrying
// every second, or a flood of made-up identities, costs little. The limit is per process:
// several nodes each write at most once a minute per identity.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "base/page.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"
#include "devices/model.h"

namespace kanri::devices {

struct RefusedSettings {
  std::chrono::milliseconds min_interval{std::chrono::minutes{1}};  // per identity
  std::size_t max_tracked = 100'000;  // identities remembered for the rate limit
  std::size_t max_field = 64;         // OUI, class, serial and IP are cut to this many bytes
};

class RefusedDeviceRepository {
 public:
  explicit RefusedDeviceRepository(db::Database& db, RefusedSettings settings = {})
      : db_(db), settings_(settings) {}

  // Newest refusal first.
  Page<RefusedDevice> List(const ProviderScope& scope, const PageRequest& page);
  // reason: "unmatched" | "ambiguous" | "bad_credentials". Thread-safe.
  void Record(std::string_view oui, std::string_view product_class, std::string_view serial,
              std::string_view source_ip, std::string_view reason, Timestamp now);

 private:
  using Identity = std::tuple<std::string, std::string, std::string>;
  struct Tracked {
    Timestamp last_write;
    std::int64_t pending = 0;  // refusals since, not yet written
  };
  db::Database& db_;
  RefusedSettings settings_;
  std::mutex mutex_;
  std::map<Identity, Tracked> tracked_;
};

}  // namespace kanri::devices
