// kanri_operation_history_bench: the operation history's own throughput (issue 3), on a real
// SQLite file (WAL, synchronous=NORMAL, as `kanri serve` opens it).
//
//   BM_Append/threads:1 and /threads:8: OperationHistory::Append, one write transaction per
//     record, from one writer and from 8 concurrent writers (as `kanri serve --db-threads 8`),
//     each on its own pooled connection. items_per_second is the total of all writers.
//   BM_GroupCommit/threads:8 and /threads:64: what the server does: each writer hands its record to
//     the one HistoryWriter thread and waits until it is committed; the writer appends everything
//     queued in one transaction. items_per_second is the total.
//   BM_Verify/10000: OperationHistory::Verify over 10,000 records in 5 chains with signed
//     checkpoints (recomputes every hash, checks every signature). items_per_second is records.
//
// Records look like the router's: a company chain, an actor (account id and login ID), a source
// address, an action, a target, a request id and ~100 bytes of JSON details.
//
//   kanri_operation_history_bench [--benchmark_filter=Append] [--benchmark_repetitions=3] ...
#include <benchmark/benchmark.h>

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/history_writer.h"
#include "audit/operation_history.h"
#include "audit/signing_key.h"
#include "base/ids.h"
#include "base/time.h"
#include "db/database.h"
#include "db/test_database.h"

namespace kanri::bench {
namespace {

constexpr int kCompanies = 4;     // writers spread over this many company chains
constexpr std::size_t kPool = 8;  // connections, as `kanri serve --db-threads 8`
constexpr const char* kDetails =  // ~100 bytes, like an accounts.update record
    R"({"login":"yamada.taro","changed":["display_name","email","role_ids"],"role_ids":["operator","viewer"]})";

struct Chains {
  std::vector<CompanyId> companies;
  std::vector<std::string> actors;  // one account per company
  Chains() {
    for (int i = 0; i < kCompanies; ++i) {
      companies.push_back(CompanyId::Generate());
      actors.push_back(AccountId::Generate().value());
    }
  }
};

audit::OperationRecord MakeRecord(const Chains& chains, int writer, std::uint64_t n, const Clock& clock) {
  const auto c = static_cast<std::size_t>(writer % kCompanies);
  audit::OperationRecord r;
  r.time = clock.Now();
  r.company = chains.companies[c];
  r.actor_id = chains.actors[c];
  r.actor_login = "yamada.taro";
  r.source_ip = "192.0.2.17";
  r.action = "accounts.update";
  r.target_type = "account";
  r.target_id = "acct-" + std::to_string(n % 1000);
  r.request_id = "req-" + std::to_string(writer) + "-" + std::to_string(n);
  r.details = kDetails;
  return r;
}

// A fresh migrated database file with an 8-connection pool (the test database keeps 4).
struct HistoryDb {
  db::TestDatabase tdb;
  std::unique_ptr<db::Database> db =
      db::Database::Open({.url = "sqlite://" + tdb.file().string(), .pool_size = kPool});
  SystemClock clock;
  audit::OperationHistory history{*db, clock, tdb.dir() / "keys" / "audit-checkpoints.log"};
  Chains chains;
};

// Set up by thread 0 before the timed loop; the loop's start and end are barriers for all threads.
std::unique_ptr<HistoryDb> append_db;

void BM_Append(benchmark::State& state) {
  if (state.thread_index() == 0) append_db = std::make_unique<HistoryDb>();
  const int writer = state.thread_index();
  std::uint64_t n = 0;
  for (auto _ : state) {
    // Building the record (~1 us) is part of every real append too.
    append_db->history.Append(MakeRecord(append_db->chains, writer, n++, append_db->clock));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const auto report = append_db->history.Verify(audit::SigningKey::Generate());
    if (!report.ok) state.SkipWithError(("the history does not verify: " + report.problems.at(0)).c_str());
    append_db.reset();
  }
}
BENCHMARK(BM_Append)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);

std::unique_ptr<HistoryDb> group_db;
std::unique_ptr<audit::HistoryWriter> group_writer;

void BM_GroupCommit(benchmark::State& state) {
  if (state.thread_index() == 0) {
    group_db = std::make_unique<HistoryDb>();
    group_writer = std::make_unique<audit::HistoryWriter>(group_db->history);
  }
  const int writer = state.thread_index();
  std::uint64_t n = 0;
  for (auto _ : state) {
    std::promise<void> stored;
    group_writer->Submit(MakeRecord(group_db->chains, writer, n++, group_db->clock),
                         [&stored](std::exception_ptr) { stored.set_value(); });
    stored.get_future().wait();
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    group_writer.reset();
    const auto report = group_db->history.Verify(audit::SigningKey::Generate());
    if (!report.ok) state.SkipWithError(("the history does not verify: " + report.problems.at(0)).c_str());
    group_db.reset();
  }
}
BENCHMARK(BM_GroupCommit)->Threads(8)->Threads(64)->UseRealTime()->MinTime(2.0);

// One filled database per record count, kept for all iterations (Verify only reads).
struct VerifyDb {
  HistoryDb h;
  audit::SigningKey key = audit::SigningKey::Generate();
};

VerifyDb& FilledDb(std::int64_t records) {
  static std::map<std::int64_t, std::unique_ptr<VerifyDb>> dbs;
  auto& v = dbs[records];
  if (!v) {
    v = std::make_unique<VerifyDb>();
    for (std::int64_t i = 0; i < records; ++i) {
      audit::OperationRecord r =
          MakeRecord(v->h.chains, static_cast<int>(i), static_cast<std::uint64_t>(i), v->h.clock);
      if (i % 5 == 4) r.company.reset();  // every fifth record in the provider's chain
      v->h.history.Append(r);
      if (i == records / 2) (void)v->h.history.WriteCheckpoints(v->key);
    }
    (void)v->h.history.WriteCheckpoints(v->key);
  }
  return *v;
}

void BM_Verify(benchmark::State& state) {
  VerifyDb& v = FilledDb(state.range(0));
  std::size_t records = 0;
  for (auto _ : state) {
    const audit::VerifyReport report = v.h.history.Verify(v.key);
    if (!report.ok) {
      state.SkipWithError(("the history does not verify: " + report.problems.at(0)).c_str());
      break;
    }
    records += report.records;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["chains"] = kCompanies + 1;
}
BENCHMARK(BM_Verify)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace kanri::bench
