// The operation history (操作履歴, SEC-6): one record for every operation on every function,
// with its result. Records are appended, never changed: there is no update or delete path
// besides retention (Prune), which removes whole checkpointed periods and leaves a signed
// marker.
//
// Tamper evidence: each company's records, and the provider's, form a SHA-256 hash chain over
// a canonical encoding (each record's hash covers the previous hash). Signed checkpoints of
// every chain's head (Ed25519, key outside the database: signing_key.h) are written hourly,
// on demand and at shutdown, to the database and to an append-only file beside the key, so
// that a truncated tail is detected too. Verify() recomputes everything and names the first
// bad record of each chain.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "audit/signing_key.h"
#include "base/ids.h"
#include "base/page.h"
#include "base/scope.h"
#include "base/time.h"
#include "db/database.h"

namespace kanri::audit {

// SEC-6: text a client chose (IDs in paths, login IDs and codes as typed, paths in logs) is
// clipped before it goes into a record or a log line, so that nobody can grow the history or
// the logs with long input. Login IDs are clipped to their own maximum (identity::kMaxLoginLength).
inline constexpr std::size_t kMaxRecordedIdBytes = 256;
inline constexpr std::size_t kMaxRecordedPathBytes = 512;
// At most `max_bytes` of `text`, cut at a UTF-8 character boundary.
std::string ClipClientText(std::string_view text, std::size_t max_bytes);

enum class Outcome { kSuccess, kDenied, kFailed };
std::string_view ToString(Outcome o);
std::optional<Outcome> ParseOutcome(std::string_view s);

struct OperationRecord {
  Timestamp time;
  std::optional<CompanyId> company;  // empty: the provider's chain
  std::string actor_id;              // account id, empty for anonymous / system
  std::string actor_login;           // the login ID at that time
  std::string source_ip;
  std::string action;  // the route's action name, e.g. "accounts.create"
  std::string target_type;
  std::string target_id;
  Outcome outcome = Outcome::kSuccess;
  std::string error_code;  // problem code when not a success
  std::string request_id;
  std::string details = "{}";  // a JSON object of non-secret details
};

struct StoredRecord {
  std::int64_t seq = 0;
  OperationRecord record;
  std::string hash;
};

struct HistoryFilter {
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  std::string actor;              // account id or login ID
  std::string action;
  std::optional<Outcome> outcome;
  std::string target_type;
  std::string target_id;
};

struct VerifyReport {
  bool ok = true;
  std::size_t chains = 0;
  std::size_t records = 0;
  std::size_t checkpoints = 0;
  std::vector<std::string> problems;  // the first problem of each bad chain
};

struct PruneReport {
  std::size_t chains = 0;
  std::size_t records_removed = 0;
};

// "provider", or the company id.
std::string ChainOf(const std::optional<CompanyId>& company);
// The bytes a record's hash covers (after the previous hash).
std::string CanonicalEncoding(const std::string& chain, std::int64_t seq, const OperationRecord& r);
std::string ChainHash(const std::string& prev_hash, const std::string& encoding);
inline const std::string kGenesisHash(64, '0');

class OperationHistory {
 public:
  // `checkpoint_log`: the append-only file that copies every checkpoint (may be empty in tests).
  OperationHistory(db::Database& db, const Clock& clock, std::filesystem::path checkpoint_log)
      : db_(db), clock_(clock), checkpoint_log_(std::move(checkpoint_log)) {}

  const Clock& clock() const { return clock_; }

  void Append(const OperationRecord& record) { AppendBatch({record}); }
  // Appends in one transaction, in order (group commit: see history_writer.h). Throws when the
  // store fails. Test builds (KANRI_TEST_HOOKS): also while the file named by
  // $KANRI_TEST_HISTORY_FAIL_FILE exists, so end-to-end tests can make the store fail.
  void AppendBatch(const std::vector<OperationRecord>& records);

  // Newest first. A company sees its own chain only; the provider its own.
  Page<StoredRecord> Query(const CompanyId& company, const HistoryFilter& filter, const PageRequest& page);
  Page<StoredRecord> QueryProvider(const ProviderScope& scope, const HistoryFilter& filter,
                                   const PageRequest& page);

  // Signs the head of every chain that moved since its last checkpoint; returns how many.
  std::size_t WriteCheckpoints(const SigningKey& key);
  VerifyReport Verify(const SigningKey& key);
  // Removes records older than `cutoff`, in whole checkpointed periods only.
  PruneReport Prune(Timestamp cutoff, const SigningKey& key);

 private:
  Page<StoredRecord> QueryChain(const std::string& chain, const HistoryFilter& filter,
                                const PageRequest& page);
  db::Database& db_;
  const Clock& clock_;
  std::filesystem::path checkpoint_log_;
};

}  // namespace kanri::audit
