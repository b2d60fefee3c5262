#include "audit/history_writer.h"

#include <vector>

#include "base/log.h"

namespace kanri::audit {

HistoryWriter::HistoryWriter(OperationHistory& history, std::size_t max_batch)
    : history_(history), max_batch_(max_batch), thread_([this] { Loop(); }) {}

void HistoryWriter::Submit(OperationRecord record, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.emplace_back(std::move(record), std::move(done));
  }
  cv_.notify_one();
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

void HistoryWriter::Loop() {
  for (;;) {
    std::vector<OperationRecord> records;
    std::vector<Done> waiting;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      while (!queue_.empty() && records.size() < max_batch_) {
        records.push_back(std::move(queue_.front().first));
        waiting.push_back(std::move(queue_.front().second));
        queue_.pop_front();
      }
    }
    std::exception_ptr error;
    try {
      history_.AppendBatch(records);
    } catch (const std::exception& e) {
      LogError("operation history batch failed",
               {{"records", static_cast<std::int64_t>(records.size())}, {"error", e.what()}});
      error = std::current_exception();
    }
    for (auto& done : waiting) done(error);
  }
}

}  // namespace kanri::audit
