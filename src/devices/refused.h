// Devices refused at onboarding (DEV-1): an Inform that no allocation covers, that matches no
// (or several equally good) profiles of the company its allocation names, or that failed
// authentication is never attached by guess; its identity is listed here for site
// administrators, who can allocate it from the list, and for the company whose allocation
// covered it (a wrong credential, no profile), which cannot allocate but can fix its profile.
//
//   RefusedDeviceRepository refused{db, clock};
//   refused.Record("00D09E", "IGD", "AB1234", "203.0.113.9", "unallocated", clock.Now());  // per refusal
//   refused.Flush();                                               // periodically (serve.cpp)
//   auto page = refused.List(ProviderScope::ForSiteAdministrator(actor), {.limit = 50});
//
// A refusal costs no database write on the CWMP path: Record keeps it in memory, coalesced per
// identity (attempts counted), and Flush writes what is waiting in one transaction. Memory is
// bounded (max_pending identities; more are counted and dropped), the table is capped (max_rows:
// a new identity is not listed while it is full) and rows expire after `retention`, so a flood of
// made-up identities costs little and leaves nothing permanent.
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
  std::size_t max_pending = 10'000;  // identities waiting in memory for the next Flush
  std::size_t max_rows = 10'000;     // identities listed
  Millis retention = std::chrono::hours{24 * 30};
  std::size_t max_field = 64;  // OUI, class, serial and IP are cut to this many bytes
};

class RefusedDeviceRepository {
 public:
  RefusedDeviceRepository(db::Database& db, const Clock& clock, RefusedSettings settings = {})
      : db_(db), clock_(clock), settings_(settings) {}

  // Newest refusal first (what is waiting in memory is written first).
  Page<RefusedDevice> List(const ProviderScope& scope, const PageRequest& page);
  // The refusals of identities the company's allocation covered when they were refused, newest
  // first (issue 18: its administrators see their own routers refused, with the reason).
  Page<RefusedDevice> List(const CompanyId& company, const PageRequest& page);
  // reason: unallocated | overlap | contract_ended | no_profile | ambiguous |
  // unauthenticated_not_allowed | bad_credentials; `unassigned` (DATA-6) is not listed but moves
  // the unassigned device's last contact (unassigned.h). Thread-safe; no database work.
  void Record(std::string_view oui, std::string_view product_class, std::string_view serial,
              std::string_view source_ip, std::string_view reason, Timestamp now,
              const std::optional<CompanyId>& company = std::nullopt);
  // Writes the refusals waiting, in one transaction, and removes rows past the retention.
  // Identities attached meanwhile are not listed again. Returns how many were written.
  std::size_t Flush();
  // Refusals dropped because max_pending identities were waiting (for logs and tests).
  std::uint64_t dropped() const;

 private:
  using Identity = std::tuple<std::string, std::string, std::string>;
  struct Pending {
    std::string source_ip;
    std::string reason;
    std::optional<CompanyId> company;
    std::int64_t attempts = 0;
    Timestamp first_at;
    Timestamp last_at;
  };
  db::Database& db_;
  const Clock& clock_;
  RefusedSettings settings_;
  mutable std::mutex mutex_;
  std::map<Identity, Pending> pending_;
  std::uint64_t dropped_ = 0;
  std::mutex flush_mutex_;  // one Flush at a time

  Page<RefusedDevice> ListWhere(const std::string& company, const PageRequest& page);
};

}  // namespace kanri::devices
