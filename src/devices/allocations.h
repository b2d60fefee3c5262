// Device allocations (仕向け情報, DEV-1, SEC-8): the provider's record of which devices belong
// to which company. A device is attached to a company only when an allocation of that company
// covers its identity; a company's profiles then decide only its configuration and credential.
// Site administrators manage allocations; a company reads its own.
//
//   AllocationRepository allocations{db, clock};
//   NewAllocation a{.company_id = acme, .oui = "00d09e", .serial_range = {{"ACM000001", "ACM000500"}}};
//   Result<Allocation> created = allocations.Create(provider, a, "operator");   // oui stored as "00D09E"
//   Coverage c = allocations.Cover(lease, "00D09E", "IGD", "ACM000042");        // kOne, acme
//
// An allocation names an OUI, optionally a product class, and which serials: a list (at most
// 10,000), a prefix, a range, or every serial of the OUI. A range covers the serials of the same
// length as its ends that sort between them byte by byte ("ACM000001".."ACM000500").
//
// Two companies' allocations never overlap: Create and Import refuse it (409
// allocation_overlap, naming the other allocation). Allocations of one company may overlap.
// A device look-up reads the serial index and the OUI's rule allocations (prefix, range, whole
// OUI), never every allocation's serial list.
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

struct AllocationLimits {
  std::size_t max_serials = 10'000;  // per allocation
  std::size_t max_match_text = 64;   // product class, serial, prefix, range ends (bytes)
  long max_note = 200;               // code points
  std::size_t max_import_lines = 100'000;
  std::size_t max_report_errors = 200;  // per-line errors returned by an import
};

struct NewAllocation {
  CompanyId company_id;
  std::string oui;
  std::optional<std::string> product_class;
  // At most one of these; none: every serial of the OUI.
  std::vector<std::string> serials;
  std::optional<std::string> serial_prefix;
  std::optional<std::pair<std::string, std::string>> serial_range;  // from, to (inclusive)
  std::string note;
};

// Which allocations cover a device identity.
struct Coverage {
  enum class Kind { kNone, kOne, kConflict };  // kConflict: several companies (never created by the API)
  Kind kind = Kind::kNone;
  CompanyId company;
  AllocationId allocation;
};

// One line of an import (CSV: company_code,oui,product_class,serial).
struct AllocationImportLine {
  std::size_t line = 0;  // 1-based, as the operator sees it in the file
  std::string company_code;
  std::string oui;
  std::string product_class;  // "" = any
  std::string serial;
};

struct AllocationImportError {
  std::size_t line = 0;
  std::string field;  // company_code | oui | product_class | serial | file
  std::string code;   // unknown_company | invalid | duplicate | allocation_overlap | too_many
  std::string message;
  std::optional<AllocationId> conflicting;  // allocation_overlap: the other allocation
};

struct AllocationImportReport {
  std::vector<Allocation> created;            // empty when errors is not
  std::vector<AllocationImportError> errors;  // all-or-nothing: any error, nothing stored
  std::size_t error_count = 0;                // errors may be cut at max_report_errors
  std::size_t serials = 0;
};

struct AllocationFilter {
  std::optional<CompanyId> company;
  std::string serial;  // "q": allocations covering this serial (exact, of any OUI)
};

class AllocationRepository {
 public:
  AllocationRepository(db::Database& db, const Clock& clock, AllocationLimits limits = {})
      : db_(db), clock_(clock), limits_(limits) {}

  // Provider: validates, refuses an overlap with another company's allocation (Conflict with
  // code allocation_overlap), stores, and makes the next Inform of every device whose owner
  // this changes take the full path (where ownership is checked).
  Result<Allocation> Create(const ProviderScope& scope, const NewAllocation& input, const std::string& actor);
  // Provider: all-or-nothing. Lines of one company, OUI and product class become one serial
  // list allocation (several when over max_serials).
  AllocationImportReport Import(const ProviderScope& scope, const std::vector<AllocationImportLine>& lines,
                                const std::string& actor);
  // Provider: removes it; the devices it covered are detached at their next Inform.
  Result<Allocation> Delete(const ProviderScope& scope, const AllocationId& id);
  Page<Allocation> List(const ProviderScope& scope, const AllocationFilter& filter, const PageRequest& page);
  Result<Allocation> Get(const ProviderScope& scope, const AllocationId& id);

  // A company's own allocations (read-only; another company's are never found).
  Page<Allocation> List(const CompanyId& company, const AllocationFilter& filter, const PageRequest& page);
  Result<Allocation> Get(const CompanyId& company, const AllocationId& id);

  // For onboarding (DEV-1): which company the provider gives this identity to. `oui` is
  // upper-case, as decoded. Reads only; an index look-up plus the OUI's rule allocations.
  Coverage Cover(db::Lease& lease, std::string_view oui, std::string_view product_class,
                 std::string_view serial) const;

  const AllocationLimits& limits() const { return limits_; }

 private:
  Result<Allocation> Validate(const NewAllocation& input) const;
  db::Database& db_;
  const Clock& clock_;
  AllocationLimits limits_;
};

// Normalises an OUI as devices report it: trimmed, upper-case. Empty when it is not six
// hexadecimal digits.
std::string NormalizeOui(std::string_view oui);

}  // namespace kanri::devices
