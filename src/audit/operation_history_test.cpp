#include "audit/operation_history.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "audit/history_writer.h"
#include "db/test_database.h"

namespace kanri::audit {
namespace {

class HistoryTest : public ::testing::Test {
 protected:
  OperationRecord Record(std::optional<CompanyId> company, std::string action,
                         Outcome outcome = Outcome::kSuccess) {
    OperationRecord r;
    r.time = clock_.Now();
    r.company = std::move(company);
    r.actor_id = "acct1";
    r.actor_login = "taro";
    r.source_ip = "192.0.2.1";
    r.action = std::move(action);
    r.target_type = "account";
    r.target_id = "acct2";
    r.outcome = outcome;
    r.request_id = "req";
    return r;
  }
  void Fill(int n, const std::optional<CompanyId>& company = CompanyId{"acme"}) {
    for (int i = 0; i < n; ++i) {
      history_.Append(Record(company, "accounts.get"));
      clock_.Advance(std::chrono::minutes{1});
    }
  }
  void Sql(const std::string& statement) {
    auto lease = tdb_.db().Acquire();
    lease.sql() << statement;
  }
  std::string FirstProblem() {
    auto report = history_.Verify(key_);
    return report.ok ? "ok" : report.problems.at(0);
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-01-01T00:00:00Z")};
  SigningKey key_ = SigningKey::Generate();
  OperationHistory history_{tdb_.db(), clock_, tdb_.dir() / "keys" / "audit-checkpoints.log"};
};

TEST_F(HistoryTest, SEC_6_IntactHistoryVerifies) {
  Fill(5);
  Fill(3, std::nullopt);
  EXPECT_EQ(history_.WriteCheckpoints(key_), 2u);
  EXPECT_EQ(history_.WriteCheckpoints(key_), 0u) << "nothing moved since";
  Fill(2);
  auto report = history_.Verify(key_);
  EXPECT_TRUE(report.ok) << report.problems.at(0);
  EXPECT_EQ(report.chains, 2u);
  EXPECT_EQ(report.records, 10u);
}

TEST_F(HistoryTest, SEC_6_EditedRecordIsNamed) {
  Fill(5);
  (void)history_.WriteCheckpoints(key_);
  Sql("UPDATE audit_records SET outcome = 'success', details = '{\"x\":1}' WHERE seq = 3");
  EXPECT_EQ(FirstProblem(), "chain acme: record 3 was altered");
}

TEST_F(HistoryTest, SEC_6_DeletedRecordIsNamed) {
  Fill(5);
  Sql("DELETE FROM audit_records WHERE seq = 2");
  EXPECT_EQ(FirstProblem(), "chain acme: record 2 is missing (deleted)");
}

TEST_F(HistoryTest, SEC_6_ReorderedRecordsAreDetected) {
  Fill(5);
  Sql("UPDATE audit_records SET seq = -1 WHERE seq = 2");
  Sql("UPDATE audit_records SET seq = 2 WHERE seq = 3");
  Sql("UPDATE audit_records SET seq = 3 WHERE seq = -1");
  EXPECT_EQ(FirstProblem(), "chain acme: record 2 does not follow record 1 (reordered or replaced)");
}

TEST_F(HistoryTest, SEC_6_TruncatedTailIsDetectedByTheCheckpoint) {
  Fill(5);
  (void)history_.WriteCheckpoints(key_);
  Sql("DELETE FROM audit_records WHERE seq >= 4");
  Sql("UPDATE audit_heads SET seq = 3");
  EXPECT_EQ(FirstProblem(), "chain acme: records 4 to 5 were removed (a checkpoint covers them)");
}

TEST_F(HistoryTest, SEC_6_RewrittenChainDoesNotMatchItsSignedCheckpoint) {
  Fill(3);
  (void)history_.WriteCheckpoints(key_);
  // Recompute a consistent chain with an edited record, as someone without the key could.
  Sql("UPDATE audit_records SET action = 'nothing.happened' WHERE seq = 2");
  auto lease = tdb_.db().Acquire();
  std::string prev = kGenesisHash;
  for (int seq = 1; seq <= 3; ++seq) {
    soci::rowset<soci::row> rows =
        (lease.sql().prepare << "SELECT action FROM audit_records WHERE seq = :s", soci::use(seq));
    OperationRecord r = Record(CompanyId{"acme"}, "accounts.get");
    for (const auto& row : rows) r.action = row.get<std::string>(0);
    r.time = *ParseUtc("2025-01-01T00:00:00Z") + std::chrono::minutes{seq - 1};
    std::string hash = ChainHash(prev, CanonicalEncoding("acme", seq, r));
    lease.sql() << "UPDATE audit_records SET prev_hash = :p, hash = :h WHERE seq = :s", soci::use(prev),
        soci::use(hash), soci::use(seq);
    prev = hash;
  }
  EXPECT_EQ(FirstProblem(), "chain acme: record 3 differs from its signed checkpoint (history rewritten)");
}

TEST_F(HistoryTest, SEC_6_DeletingCheckpointsFromTheDatabaseIsNoticed) {
  Fill(4);
  (void)history_.WriteCheckpoints(key_);
  Sql("DELETE FROM audit_checkpoints");
  Sql("DELETE FROM audit_records WHERE seq = 4");
  auto report = history_.Verify(key_);
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.problems.at(0), "chain acme: checkpoint at record 4 is missing from the database");
}

TEST_F(HistoryTest, SEC_6_ForgedCheckpointSignatureIsRejected) {
  Fill(2);
  SigningKey other = SigningKey::Generate();
  OperationHistory forger{tdb_.db(), clock_, {}};
  (void)forger.WriteCheckpoints(other);
  EXPECT_EQ(FirstProblem(), "chain acme: checkpoint at record 2 has an invalid signature");
}

TEST_F(HistoryTest, SEC_6_RetentionRemovesWholeCheckpointedPeriodsAndStillVerifies) {
  Fill(3);  // minutes 0-2
  (void)history_.WriteCheckpoints(key_);
  Fill(3);  // minutes 3-5
  (void)history_.WriteCheckpoints(key_);
  Fill(2);  // minutes 6-7, not checkpointed
  // Cut at minute 7: the newest checkpoint older than that covers records 1-6.
  auto report = history_.Prune(*ParseUtc("2025-01-01T00:07:00Z"), key_);
  EXPECT_EQ(report.records_removed, 6u);
  auto v = history_.Verify(key_);
  EXPECT_TRUE(v.ok) << v.problems.at(0);
  EXPECT_EQ(v.records, 2u);
  EXPECT_EQ(history_.Query(CompanyId{"acme"}, {}, {}).items.size(), 2u);
  // A cutoff inside an unfinished period removes nothing more.
  EXPECT_EQ(history_.Prune(*ParseUtc("2025-01-01T00:08:00Z"), key_).records_removed, 0u);
  // Deleting a record after pruning is still caught.
  Sql("DELETE FROM audit_records WHERE seq = 7");
  EXPECT_EQ(FirstProblem(), "chain acme: record 7 is missing (deleted)");
}

TEST_F(HistoryTest, SEC_6_ConcurrentWritersKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) history_.Append(Record(CompanyId{"acme"}, "devices.read"));
    });
  for (auto& t : threads) t.join();
  auto v = history_.Verify(key_);
  EXPECT_TRUE(v.ok) << v.problems.at(0);
  EXPECT_EQ(v.records, 200u);
}

TEST_F(HistoryTest, SEC_8_QueriesStayInTheirChain) {
  Fill(3, CompanyId{"acme"});
  Fill(2, CompanyId{"beta"});
  Fill(1, std::nullopt);
  EXPECT_EQ(history_.Query(CompanyId{"acme"}, {}, {}).items.size(), 3u);
  EXPECT_EQ(history_.Query(CompanyId{"beta"}, {}, {}).items.size(), 2u);
  EXPECT_EQ(history_.QueryProvider(ProviderScope::ForCommandLine(), {}, {}).items.size(), 1u);
}

TEST_F(HistoryTest, SEC_6_FiltersAndNewestFirstPaging) {
  history_.Append(Record(CompanyId{"acme"}, "accounts.create"));
  clock_.Advance(std::chrono::minutes{1});
  history_.Append(Record(CompanyId{"acme"}, "accounts.update", Outcome::kDenied));
  clock_.Advance(std::chrono::minutes{1});
  history_.Append(Record(CompanyId{"acme"}, "accounts.update"));
  HistoryFilter f;
  f.action = "accounts.update";
  EXPECT_EQ(history_.Query(CompanyId{"acme"}, f, {}).items.size(), 2u);
  f.outcome = Outcome::kDenied;
  EXPECT_EQ(history_.Query(CompanyId{"acme"}, f, {}).items.size(), 1u);
  HistoryFilter by_time;
  by_time.from = *ParseUtc("2025-01-01T00:01:00Z");
  by_time.to = *ParseUtc("2025-01-01T00:02:00Z");
  auto one = history_.Query(CompanyId{"acme"}, by_time, {});
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.items[0].seq, 2);
  HistoryFilter by_actor;
  by_actor.actor = "taro";
  auto p1 = history_.Query(CompanyId{"acme"}, by_actor, {.limit = 2});
  ASSERT_EQ(p1.items.size(), 2u);
  EXPECT_EQ(p1.items[0].seq, 3);
  auto p2 = history_.Query(CompanyId{"acme"}, by_actor, {.limit = 2, .after = p1.next_after});
  ASSERT_EQ(p2.items.size(), 1u);
  EXPECT_EQ(p2.items[0].seq, 1);
}

}  // namespace
}  // namespace kanri::audit

#include "audit/history_writer.h"

namespace kanri::audit {
namespace {

TEST_F(HistoryTest, SEC_6_BatchesSpanChainsAndKeepOrder) {
  std::vector<OperationRecord> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(Record(CompanyId{"acme"}, "a" + std::to_string(i)));
    batch.push_back(Record(std::nullopt, "p" + std::to_string(i)));
  }
  history_.AppendBatch(batch);
  history_.AppendBatch({Record(CompanyId{"acme"}, "a5")});
  auto v = history_.Verify(key_);
  EXPECT_TRUE(v.ok) << v.problems.at(0);
  auto acme = history_.Query(CompanyId{"acme"}, {}, {});
  ASSERT_EQ(acme.items.size(), 6u);
  EXPECT_EQ(acme.items[0].record.action, "a5");
  EXPECT_EQ(acme.items[0].seq, 6);
  EXPECT_EQ(acme.items[5].record.action, "a0");
}

TEST_F(HistoryTest, SEC_6_GroupCommitWriterStoresEveryRecordBeforeConfirming) {
  std::atomic<int> confirmed{0}, failed{0};
  {
    HistoryWriter writer{history_, 16};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i)
          writer.Submit(Record(CompanyId{"acme"}, "devices.read"),
                        [&](std::exception_ptr e) { ++(e ? failed : confirmed); });
      });
    for (auto& t : threads) t.join();
  }  // Stop() writes what is queued
  EXPECT_EQ(confirmed.load(), 400);
  EXPECT_EQ(failed.load(), 0);
  auto v = history_.Verify(key_);
  EXPECT_TRUE(v.ok) << v.problems.at(0);
  EXPECT_EQ(v.records, 400u);
}

TEST_F(HistoryTest, SEC_6_WriterRefusesRecordsPastItsQueueBoundAtOnce) {
  std::atomic<int> refused{0};
  {
    HistoryWriter writer{history_, 16, 0};  // no room at all: every record is refused
    for (int i = 0; i < 3; ++i)
      writer.Submit(Record(CompanyId{"acme"}, "devices.read"), [&](std::exception_ptr e) {
        try {
          if (e) std::rethrow_exception(e);
        } catch (const HistoryUnavailable&) {
          ++refused;
        }
      });
  }
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(history_.Verify(key_).records, 0u);
}

// SEC-6 fail closed, with the test hook that makes the store fail while a file exists.
TEST_F(HistoryTest, SEC_6_WriterFailsClosedUntilAProbeStoresTheRestoredRecord) {
  namespace asio = boost::asio;
  const auto fail = tdb_.dir() / "history-fails";
  setenv("KANRI_TEST_HISTORY_FAIL_FILE", fail.c_str(), 1);
  // The io_context outlives the writer: its thread may still be inside post() to it when a
  // handler has already run (ThreadSanitizer found the test destroying it first).
  asio::io_context io;
  HistoryWriter writer{history_};
  auto store = [&](std::string action) {
    auto f = asio::co_spawn(io, writer.Store(Record(CompanyId{"acme"}, std::move(action))), asio::use_future);
    io.restart();
    io.run();
    f.get();
  };
  auto probe = [&] {
    auto f = asio::co_spawn(io, writer.Probe(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  };

  store("a0");
  EXPECT_TRUE(writer.available());
  EXPECT_TRUE(probe()) << "costs nothing while available";
  std::ofstream{fail} << "fail\n";
  EXPECT_THROW(store("a1"), HistoryUnavailable);
  EXPECT_FALSE(writer.available());
  EXPECT_THROW(store("a2"), HistoryUnavailable);
  EXPECT_FALSE(probe());
  std::filesystem::remove(fail);
  EXPECT_TRUE(probe());
  EXPECT_TRUE(writer.available());
  store("a3");
  unsetenv("KANRI_TEST_HISTORY_FAIL_FILE");

  // The company's chain holds what was stored; the provider's says that two were not.
  auto acme = history_.Query(CompanyId{"acme"}, {}, {});
  ASSERT_EQ(acme.items.size(), 2u);
  EXPECT_EQ(acme.items[0].record.action, "a3");
  EXPECT_EQ(acme.items[1].record.action, "a0");
  auto provider = history_.QueryProvider(ProviderScope::ForCommandLine(), {}, {});
  ASSERT_EQ(provider.items.size(), 1u);
  EXPECT_EQ(provider.items[0].record.action, "history.restored");
  EXPECT_NE(provider.items[0].record.details.find("\"unrecorded_records\":2"), std::string::npos)
      << provider.items[0].record.details;
  auto v = history_.Verify(key_);
  EXPECT_TRUE(v.ok) << v.problems.at(0);
}

}  // namespace
}  // namespace kanri::audit
