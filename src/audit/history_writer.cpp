#include "audit/history_writer.h"

#include <fmt/format.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <vector>

#include "base/log.h"

namespace kanri::audit {

namespace asio = boost::asio;

namespace {

// A record that could not be stored, in full, for the operator to reconcile (header).
void LogLostRecord(const OperationRecord& r) {
  LogError("operation history record not stored", {{"time", FormatUtc(r.time)},
                                                   {"chain", ChainOf(r.company)},
                                                   {"actor_id", r.actor_id},
                                                   {"actor_login", r.actor_login},
                                                   {"source_ip", r.source_ip},
                                                   {"action", r.action},
                                                   {"target_type", r.target_type},
                                                   {"target_id", r.target_id},
                                                   {"outcome", ToString(r.outcome)},
                                                   {"error_code", r.error_code},
                                                   {"request_id", r.request_id},
                                                   {"details", r.details}});
}

// Hands `submit` a Done callback and resumes the awaiting coroutine on its own executor with
// what the writer thread reported.
template <typename Submit>
asio::awaitable<void> AwaitDone(Submit submit) {
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
      [&submit](auto handler) {
        using Handler = decltype(handler);
        struct Pending {
          Handler handler;
          asio::executor_work_guard<asio::associated_executor_t<Handler>> work;
        };
        auto executor = asio::get_associated_executor(handler);
        auto pending =
            std::make_shared<Pending>(Pending{std::move(handler), asio::make_work_guard(executor)});
        submit([pending](std::exception_ptr error) {
          asio::post(pending->work.get_executor(), [pending, error]() mutable {
            std::move(pending->handler)(error);
            pending->work.reset();
          });
        });
      },
      asio::use_awaitable);
}

}  // namespace

HistoryWriter::HistoryWriter(OperationHistory& history, std::size_t max_batch, std::size_t max_queue)
    : history_(history), max_batch_(max_batch), max_queue_(max_queue), thread_([this] { Loop(); }) {}

void HistoryWriter::Submit(OperationRecord record, Done done) {
  std::unique_lock lock(mu_);
  if (queue_.size() >= max_queue_) {
    lock.unlock();
    LogLostRecord(record);
    done(std::make_exception_ptr(HistoryUnavailable("the operation history's queue is full")));
    return;
  }
  queue_.emplace_back(std::move(record), std::move(done));
  lock.unlock();
  cv_.notify_one();
}

asio::awaitable<void> HistoryWriter::Store(OperationRecord record) {
  co_await AwaitDone([&](Done done) { Submit(std::move(record), std::move(done)); });
}

asio::awaitable<bool> HistoryWriter::Probe() {
  if (available()) co_return true;
  try {
    co_await AwaitDone([&](Done done) {
      {
        std::lock_guard lock(mu_);
        queue_.emplace_back(std::nullopt, std::move(done));
      }
      cv_.notify_one();
    });
  } catch (const HistoryUnavailable&) {
  }
  co_return available();
}

std::size_t HistoryWriter::queued() {
  const std::lock_guard lock(mu_);
  return queue_.size();
}

void HistoryWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

OperationRecord HistoryWriter::RestoredRecord() const {
  OperationRecord r;
  r.time = history_.clock().Now();
  r.actor_login = "kanri";
  r.action = "history.restored";
  r.target_type = "operation_history";
  r.details = fmt::format(R"({{"unavailable_since":"{}","unrecorded_records":{}}})",
                          FormatUtc(unavailable_since_), unrecorded_);
  return r;
}

void HistoryWriter::Loop() {
  for (;;) {
    std::vector<OperationRecord> records;
    std::vector<Done> waiting;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      while (!queue_.empty() && records.size() < max_batch_) {
        if (queue_.front().first) records.push_back(std::move(*queue_.front().first));
        waiting.push_back(std::move(queue_.front().second));
        queue_.pop_front();
      }
    }
    const bool was_available = available_.load();
    // SEC-6: while unavailable, the batch that works again says so in the chain (header).
    if (!was_available) records.insert(records.begin(), RestoredRecord());
    std::exception_ptr error;
    try {
      history_.AppendBatch(records);
      if (!was_available) {
        LogInfo("operation history available again", {{"unrecorded_records", unrecorded_}});
        unrecorded_ = 0;
        available_ = true;
      }
    } catch (const std::exception& e) {
      const auto own = static_cast<std::int64_t>(records.size()) - (was_available ? 0 : 1);
      LogError("operation history batch failed: writes are refused until it is stored again",
               {{"records", own}, {"error", e.what()}});
      for (std::size_t i = was_available ? 0 : 1; i < records.size(); ++i) LogLostRecord(records[i]);
      if (was_available) unavailable_since_ = history_.clock().Now();
      unrecorded_ += own;
      available_ = false;
      error = std::make_exception_ptr(
          HistoryUnavailable(std::string("operation history unavailable: ") + e.what()));
    }
    for (auto& done : waiting) done(error);
  }
}

}  // namespace kanri::audit
