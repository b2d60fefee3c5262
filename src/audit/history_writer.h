// Group commit for the operation history: requests hand their records to one writer thread,
// which appends everything queued in a single transaction and then tells each submitter its
// record is stored. Under load this turns a transaction per request into a transaction per
// batch, and no request waits on another's write lock.
//
//   HistoryWriter writer{history};
//   co_await writer.Store(record);           // throws HistoryUnavailable when not stored
//   if (!writer.available()) refuse_writes();  // SEC-6: fail closed
//
// Fail closed (SEC-6): no write operation may stand without its record. A batch that cannot
// be stored makes the writer unavailable: its submitters get HistoryUnavailable (the router
// answers 503, the CWMP listener 503 with Retry-After), /readyz fails, and callers refuse
// writes while available() is false. The records that were lost go to the server log in full,
// so that an operator can reconcile them. The writer becomes available again only when a
// batch is stored: while unavailable, every batch starts with a "history.restored" record in
// the provider's chain (when the outage began, how many records were lost), and Probe() tries
// such a batch on its own, so the chain itself shows the gap and recovery needs no request.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "audit/operation_history.h"

namespace kanri::audit {

// A record could not be stored (SEC-6): the operation it describes must not stand as done.
class HistoryUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HistoryWriter {
 public:
  using Done = std::function<void(std::exception_ptr)>;

  // At most `max_queue` records wait for the writer: past that (the database far behind), a
  // record is refused at once with HistoryUnavailable rather than held in memory without bound.
  explicit HistoryWriter(OperationHistory& history, std::size_t max_batch = 512,
                         std::size_t max_queue = 65'536);
  ~HistoryWriter() { Stop(); }
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // `done` runs on the writer thread once the record is committed, or with a
  // HistoryUnavailable when it failed to be.
  void Submit(OperationRecord record, Done done);
  // Resumes on the caller's executor once the record is stored; throws HistoryUnavailable.
  boost::asio::awaitable<void> Store(OperationRecord record);
  // While unavailable: tries to store the history.restored record; true when the history is
  // available (again). Costs nothing while available.
  boost::asio::awaitable<bool> Probe();
  // False from a failed batch until a batch is stored again (header).
  bool available() const { return available_.load(); }
  // Records waiting to be written (the writer's lag, for metrics).
  std::size_t queued();
  // Writes what is queued, then ends the thread.
  void Stop();

 private:
  void Loop();
  // The record that opens every batch while unavailable (caller holds no lock).
  OperationRecord RestoredRecord() const;

  OperationHistory& history_;
  std::size_t max_batch_;
  std::size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  // nullopt: a probe (a batch with nothing of its own).
  std::deque<std::pair<std::optional<OperationRecord>, Done>> queue_;
  bool stopping_ = false;
  std::atomic<bool> available_{true};
  // The outage, touched by the writer thread only.
  Timestamp unavailable_since_{};
  std::int64_t unrecorded_ = 0;
  std::thread thread_;
};

}  // namespace kanri::audit
