#include "audit/operation_history.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "base/crypto.h"

namespace kanri::audit {
namespace {

constexpr const char* kProviderChain = "provider";

void Field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out.push_back(':');
  out.append(v);
  out.push_back(';');
}

std::string CheckpointMessage(const std::string& chain, std::int64_t seq, const std::string& hash,
                              long long at) {
  return fmt::format("kanri-audit-checkpoint-v1|{}|{}|{}|{}", chain, seq, hash, at);
}

std::string PruneMessage(const std::string& chain, std::int64_t seq, const std::string& hash, long long at) {
  return fmt::format("kanri-audit-prune-v1|{}|{}|{}|{}", chain, seq, hash, at);
}

struct Checkpoint {
  std::string chain;
  std::int64_t seq = 0;
  std::string hash;
  long long created_at = 0;
  std::string signature;
  bool operator<(const Checkpoint& o) const {
    return std::tie(chain, seq, created_at, hash) < std::tie(o.chain, o.seq, o.created_at, o.hash);
  }
};

StoredRecord ReadRecord(const soci::row& r) {
  StoredRecord s;
  s.seq = r.get<long long>(0);
  auto& x = s.record;
  x.time = FromUnixMillis(r.get<long long>(1));
  if (r.get_indicator(2) != soci::i_null) x.company = CompanyId{r.get<std::string>(2)};
  x.actor_id = r.get<std::string>(3);
  x.actor_login = r.get<std::string>(4);
  x.source_ip = r.get<std::string>(5);
  x.action = r.get<std::string>(6);
  x.target_type = r.get<std::string>(7);
  x.target_id = r.get<std::string>(8);
  x.outcome = ParseOutcome(r.get<std::string>(9)).value_or(Outcome::kFailed);
  x.error_code = r.get<std::string>(10);
  x.request_id = r.get<std::string>(11);
  x.details = r.get<std::string>(12);
  s.hash = r.get<std::string>(14);
  return s;
}

constexpr const char* kRecordColumns =
    "seq, recorded_at, company_id, actor_id, actor_login, source_ip, action, target_type, target_id, "
    "outcome, "
    "error_code, request_id, details, prev_hash, hash";

}  // namespace

std::string ClipClientText(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so that no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string_view ToString(Outcome o) {
  switch (o) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<Outcome> ParseOutcome(std::string_view s) {
  if (s == "success") return Outcome::kSuccess;
  if (s == "denied") return Outcome::kDenied;
  if (s == "failed") return Outcome::kFailed;
  return std::nullopt;
}

std::string ChainOf(const std::optional<CompanyId>& company) {
  return company ? company->value() : kProviderChain;
}

std::string CanonicalEncoding(const std::string& chain, std::int64_t seq, const OperationRecord& r) {
  std::string out = "kanri-audit-v1;";
  Field(out, chain);
  Field(out, std::to_string(seq));
  Field(out, std::to_string(ToUnixMillis(r.time)));
  Field(out, r.company ? r.company->value() : "");
  Field(out, r.actor_id);
  Field(out, r.actor_login);
  Field(out, r.source_ip);
  Field(out, r.action);
  Field(out, r.target_type);
  Field(out, r.target_id);
  Field(out, ToString(r.outcome));
  Field(out, r.error_code);
  Field(out, r.request_id);
  Field(out, r.details);
  return out;
}

std::string ChainHash(const std::string& prev_hash, const std::string& encoding) {
  return Sha256Hex(prev_hash + "\n" + encoding);
}

void OperationHistory::AppendBatch(const std::vector<OperationRecord>& records) {
  if (records.empty()) return;
#ifdef KANRI_TEST_HOOKS
  if (const char* fail = std::getenv("KANRI_TEST_HISTORY_FAIL_FILE"); fail && *fail) {
    std::error_code ignored;
    if (std::filesystem::exists(fail, ignored))
      throw std::runtime_error("the operation history store fails (test hook KANRI_TEST_HISTORY_FAIL_FILE)");
  }
#endif
  std::map<std::string, std::vector<const OperationRecord*>> by_chain;
  for (const auto& r : records) by_chain[ChainOf(r.company)].push_back(&r);

  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  // One prepared INSERT for the whole batch; its bound variables are refilled per record.
  std::string chain, company, prev, hash, outcome;
  soci::indicator company_ind = soci::i_ok;
  long long seq = 0, at = 0;
  OperationRecord current;
  soci::statement insert =
      (lease.sql().prepare
           << "INSERT INTO audit_records (chain, seq, recorded_at, company_id, actor_id, actor_login, "
              "source_ip, action, target_type, target_id, outcome, error_code, request_id, details, "
              "prev_hash, hash) VALUES (:chain, :seq, :at, :company, :actor, :login, :ip, :action, "
              ":tt, :tid, :outcome, :err, :rid, :details, :prev, :hash)",
       soci::use(chain), soci::use(seq), soci::use(at), soci::use(company, company_ind),
       soci::use(current.actor_id), soci::use(current.actor_login), soci::use(current.source_ip),
       soci::use(current.action), soci::use(current.target_type), soci::use(current.target_id),
       soci::use(outcome), soci::use(current.error_code), soci::use(current.request_id),
       soci::use(current.details), soci::use(prev), soci::use(hash));
  for (const auto& [name, list] : by_chain) {
    chain = name;
    const long long n = static_cast<long long>(list.size());
    // Taking the head row first serialises appends to one chain on every backend.
    soci::statement bump = (lease.sql().prepare << "UPDATE audit_heads SET seq = seq + :n WHERE chain = :c",
                            soci::use(n), soci::use(chain));
    bump.execute(true);
    if (db::AffectedRows(bump) == 0) {
      lease.sql() << "INSERT INTO audit_heads (chain, seq, hash) VALUES (:c, :n, :h)", soci::use(chain),
          soci::use(n), soci::use(kGenesisHash);
    }
    long long last = 0;
    lease.sql() << "SELECT seq, hash FROM audit_heads WHERE chain = :c", soci::use(chain), soci::into(last),
        soci::into(prev);
    seq = last - n;
    for (const OperationRecord* r : list) {
      ++seq;
      current = *r;
      at = ToUnixMillis(r->time);
      company = r->company ? r->company->value() : "";
      company_ind = r->company ? soci::i_ok : soci::i_null;
      outcome = std::string(ToString(r->outcome));
      hash = ChainHash(prev, CanonicalEncoding(chain, seq, *r));
      insert.execute(true);
      prev = hash;
    }
    lease.sql() << "UPDATE audit_heads SET hash = :h WHERE chain = :c", soci::use(prev), soci::use(chain);
  }
  tx.Commit();
}

Page<StoredRecord> OperationHistory::Query(const CompanyId& company, const HistoryFilter& filter,
                                           const PageRequest& page) {
  return QueryChain(company.value(), filter, page);
}

Page<StoredRecord> OperationHistory::QueryProvider(const ProviderScope&, const HistoryFilter& filter,
                                                   const PageRequest& page) {
  return QueryChain(kProviderChain, filter, page);
}

Page<StoredRecord> OperationHistory::QueryChain(const std::string& chain, const HistoryFilter& f,
                                                const PageRequest& page) {
  long long before = std::numeric_limits<long long>::max();
  if (page.after) {
    try {
      before = std::stoll(*page.after);
    } catch (const std::exception&) {
      before = 0;
    }
  }
  long long from = f.from ? ToUnixMillis(*f.from) : std::numeric_limits<long long>::min();
  long long to = f.to ? ToUnixMillis(*f.to) : std::numeric_limits<long long>::max();
  std::string outcome = f.outcome ? std::string(ToString(*f.outcome)) : "";
  const int limit = static_cast<int>(page.limit) + 1;
  auto lease = db_.Acquire();
  std::vector<StoredRecord> rows;
  soci::rowset<soci::row> rs =
      (lease.sql().prepare << std::string("SELECT ") + kRecordColumns +
                                  " FROM audit_records WHERE chain = :chain AND seq < :before "
                                  "AND recorded_at >= :from AND recorded_at < :to "
                                  "AND (:a1 = '' OR actor_id = :a2 OR actor_login = :a3) "
                                  "AND (:ac1 = '' OR action = :ac2) AND (:o1 = '' OR outcome = :o2) "
                                  "AND (:tt1 = '' OR target_type = :tt2) AND (:ti1 = '' OR target_id = :ti2) "
                                  "ORDER BY seq DESC LIMIT :lim",
       soci::use(chain), soci::use(before), soci::use(from), soci::use(to), soci::use(f.actor),
       soci::use(f.actor), soci::use(f.actor), soci::use(f.action), soci::use(f.action), soci::use(outcome),
       soci::use(outcome), soci::use(f.target_type), soci::use(f.target_type), soci::use(f.target_id),
       soci::use(f.target_id), soci::use(limit));
  for (const auto& r : rs) rows.push_back(ReadRecord(r));
  return MakePage(std::move(rows), page.limit, [](const StoredRecord& s) { return std::to_string(s.seq); });
}

std::size_t OperationHistory::WriteCheckpoints(const SigningKey& key) {
  auto lease = db_.Acquire();
  std::vector<Checkpoint> fresh;
  {
    std::vector<Checkpoint> heads;
    soci::rowset<soci::row> rows = (lease.sql().prepare << "SELECT chain, seq, hash FROM audit_heads");
    const long long now = ToUnixMillis(clock_.Now());
    for (const auto& r : rows)
      heads.push_back({r.get<std::string>(0), r.get<long long>(1), r.get<std::string>(2), now, ""});
    for (auto& c : heads) {
      long long last = 0;
      soci::indicator ind = soci::i_null;
      lease.sql() << "SELECT seq FROM audit_checkpoints WHERE chain = :c ORDER BY seq DESC LIMIT 1",
          soci::use(c.chain), soci::into(last, ind);
      if (lease.sql().got_data() && ind != soci::i_null && last >= c.seq) continue;
      c.signature = key.Sign(CheckpointMessage(c.chain, c.seq, c.hash, c.created_at));
      fresh.push_back(std::move(c));
    }
  }
  std::ofstream log;
  if (!checkpoint_log_.empty()) {
    std::filesystem::create_directories(checkpoint_log_.parent_path());
    log.open(checkpoint_log_, std::ios::app);
  }
  for (const auto& c : fresh) {
    lease.sql() << "INSERT INTO audit_checkpoints (chain, seq, hash, created_at, signature) "
                   "VALUES (:c, :s, :h, :t, :sig)",
        soci::use(c.chain), soci::use(c.seq), soci::use(c.hash), soci::use(c.created_at),
        soci::use(c.signature);
    if (log)
      log << c.chain << ' ' << c.seq << ' ' << c.hash << ' ' << c.created_at << ' ' << c.signature << '\n';
  }
  return fresh.size();
}

VerifyReport OperationHistory::Verify(const SigningKey& key) {
  VerifyReport report;
  auto lease = db_.Acquire();

  // Checkpoints from the database and from the file; one missing from the database is itself
  // a sign of tampering.
  std::set<Checkpoint> checkpoints;
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT chain, seq, hash, created_at, signature FROM audit_checkpoints");
    for (const auto& r : rows)
      checkpoints.insert({r.get<std::string>(0), r.get<long long>(1), r.get<std::string>(2),
                          r.get<long long>(3), r.get<std::string>(4)});
  }
  std::map<std::string, std::string> problems;  // chain -> first problem
  auto problem = [&](const std::string& chain, std::string what) {
    problems.emplace(chain, std::move(what));
  };
  if (!checkpoint_log_.empty() && std::filesystem::exists(checkpoint_log_)) {
    std::ifstream in(checkpoint_log_);
    for (std::string line; std::getline(in, line);) {
      std::istringstream ls(line);
      Checkpoint c;
      if (!(ls >> c.chain >> c.seq >> c.hash >> c.created_at >> c.signature)) continue;
      if (!checkpoints.count(c))
        problem(c.chain, fmt::format("checkpoint at record {} is missing from the database", c.seq));
      checkpoints.insert(std::move(c));
    }
  }

  std::map<std::string, std::pair<long long, std::string>> markers;  // chain -> (up_to, hash)
  {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
         << "SELECT chain, up_to_seq, hash, pruned_at, signature FROM audit_prune_markers");
    for (const auto& r : rows) {
      const std::string chain = r.get<std::string>(0);
      const long long up_to = r.get<long long>(1);
      const std::string hash = r.get<std::string>(2);
      if (!key.Verify(PruneMessage(chain, up_to, hash, r.get<long long>(3)), r.get<std::string>(4)))
        problem(chain, "the retention marker's signature is not valid");
      markers[chain] = {up_to, hash};
    }
  }

  std::set<std::string> chains;
  {
    soci::rowset<std::string> rows = (lease.sql().prepare << "SELECT chain FROM audit_heads");
    for (const auto& c : rows) chains.insert(c);
  }
  for (const auto& c : checkpoints) chains.insert(c.chain);
  for (const auto& [c, m] : markers) chains.insert(c);

  for (const auto& chain : chains) {
    ++report.chains;
    long long expected = 1;
    std::string prev = kGenesisHash;
    if (auto m = markers.find(chain); m != markers.end()) {
      expected = m->second.first + 1;
      prev = m->second.second;
    }
    const long long first_seq = expected;
    std::map<long long, std::string> hashes;  // seq -> stored hash, for the checkpoint check
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << std::string("SELECT ") + kRecordColumns +
                                    " FROM audit_records WHERE chain = :c ORDER BY seq",
         soci::use(chain));
    for (const auto& r : rows) {
      ++report.records;
      StoredRecord s = ReadRecord(r);
      const std::string stored_prev = r.get<std::string>(13);
      if (s.seq < expected) {
        problem(chain, fmt::format("record {} is older than the retention marker", s.seq));
        break;
      }
      if (s.seq > expected) {
        problem(chain, fmt::format("record {} is missing (deleted)", expected));
        break;
      }
      if (stored_prev != prev) {
        problem(chain,
                fmt::format("record {} does not follow record {} (reordered or replaced)", s.seq, s.seq - 1));
        break;
      }
      const std::string hash = ChainHash(prev, CanonicalEncoding(chain, s.seq, s.record));
      if (hash != s.hash) {
        problem(chain, fmt::format("record {} was altered", s.seq));
        break;
      }
      hashes[s.seq] = hash;
      prev = hash;
      ++expected;
    }
    const long long last = expected - 1;
    for (const auto& c : checkpoints) {
      if (c.chain != chain) continue;
      ++report.checkpoints;
      if (!key.Verify(CheckpointMessage(c.chain, c.seq, c.hash, c.created_at), c.signature)) {
        problem(chain, fmt::format("checkpoint at record {} has an invalid signature", c.seq));
        continue;
      }
      if (c.seq < first_seq) continue;  // pruned period
      if (c.seq > last) {
        problem(chain,
                fmt::format("records {} to {} were removed (a checkpoint covers them)", last + 1, c.seq));
        continue;
      }
      auto it = hashes.find(c.seq);
      if (it != hashes.end() && it->second != c.hash)
        problem(chain,
                fmt::format("record {} differs from its signed checkpoint (history rewritten)", c.seq));
    }
  }
  for (const auto& [chain, what] : problems) report.problems.push_back("chain " + chain + ": " + what);
  report.ok = report.problems.empty();
  return report;
}

PruneReport OperationHistory::Prune(Timestamp cutoff, const SigningKey& key) {
  PruneReport report;
  auto lease = db_.Acquire();
  db::WriteTransaction tx(lease);
  struct Candidate {
    std::string chain;
    long long seq;
    std::string hash;
  };
  std::vector<Candidate> candidates;
  {
    // The newest checkpoint per chain whose record is older than the cutoff and past any marker.
    const long long cut = ToUnixMillis(cutoff);
    soci::rowset<soci::row> rows =
        (lease.sql().prepare
             << "SELECT c.chain, c.seq, c.hash, c.created_at, c.signature FROM audit_checkpoints c "
                "JOIN audit_records r ON r.chain = c.chain AND r.seq = c.seq AND r.hash = c.hash "
                "WHERE r.recorded_at < :cut ORDER BY c.chain, c.seq",
         soci::use(cut));
    for (const auto& r : rows) {
      const std::string chain = r.get<std::string>(0);
      const long long seq = r.get<long long>(1);
      const std::string hash = r.get<std::string>(2);
      if (!key.Verify(CheckpointMessage(chain, seq, hash, r.get<long long>(3)), r.get<std::string>(4)))
        continue;
      if (!candidates.empty() && candidates.back().chain == chain) {
        candidates.back() = {chain, seq, hash};
      } else {
        candidates.push_back({chain, seq, hash});
      }
    }
  }
  const long long now = ToUnixMillis(clock_.Now());
  for (const auto& c : candidates) {
    soci::statement del = (lease.sql().prepare << "DELETE FROM audit_records WHERE chain = :c AND seq <= :s",
                           soci::use(c.chain), soci::use(c.seq));
    del.execute(true);
    const auto removed = db::AffectedRows(del);
    if (removed == 0) continue;
    report.records_removed += static_cast<std::size_t>(removed);
    ++report.chains;
    const std::string signature = key.Sign(PruneMessage(c.chain, c.seq, c.hash, now));
    lease.sql() << "DELETE FROM audit_prune_markers WHERE chain = :c", soci::use(c.chain);
    lease.sql() << "INSERT INTO audit_prune_markers (chain, up_to_seq, hash, pruned_at, signature) "
                   "VALUES (:c, :s, :h, :t, :sig)",
        soci::use(c.chain), soci::use(c.seq), soci::use(c.hash), soci::use(now), soci::use(signature);
  }
  tx.Commit();
  return report;
}

}  // namespace kanri::audit
