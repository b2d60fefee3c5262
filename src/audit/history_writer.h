// Group commit for the operation history: requests hand their records to one writer thread,
// which appends everything queued in a single transaction and then tells each submitter its
// record is stored. Under load this turns a transaction per request into a transaction per
// batch, and no request waits on another's write lock.
//
//   HistoryWriter writer{history};
//   writer.Submit(record, [](std::exception_ptr error) { /* stored, or failed */ });
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "audit/operation_history.h"

namespace kanri::audit {

class HistoryWriter {
 public:
  using Done = std::function<void(std::exception_ptr)>;

  explicit HistoryWriter(OperationHistory& history, std::size_t max_batch = 512);
  ~HistoryWriter() { Stop(); }
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // `done` runs on the writer thread once the record is committed (or failed to be).
  void Submit(OperationRecord record, Done done);
  // Writes what is queued, then ends the thread.
  void Stop();

 private:
  void Loop();

  OperationHistory& history_;
  std::size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<OperationRecord, Done>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kanri::audit
