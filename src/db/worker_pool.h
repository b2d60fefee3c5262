// RunBlocking: blocking work (database, argon2id, SMTP) never runs on an I/O thread. A
// WorkerPool is a fixed set of threads with a bounded queue; a coroutine hands it a
// function and resumes on its own executor with the result:
//
//   WorkerPool db_pool{"db", 8, 1024};
//   Result<Account> a = co_await db_pool.Run([&] { return accounts.Get(scope, id); });
//
// When the queue is full, Run throws PoolOverloaded at once (the HTTP layer answers 503) so
// that a flood of one kind of work cannot build an unbounded backlog.
#pragma once

#include <soci/error.h>

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

namespace kanri::db {

// Counts a database error (SOCI's) that a pooled call threw: the metric
// kanri_database_errors_total.
void CountDatabaseError();

class PoolOverloaded : public std::runtime_error {
 public:
  explicit PoolOverloaded(const std::string& pool)
      : std::runtime_error("worker pool '" + pool + "' is saturated") {}
};

class WorkerPool {
 public:
  WorkerPool(std::string name, std::size_t threads, std::size_t max_pending)
      : name_(std::move(name)), pool_(threads), max_pending_(max_pending) {}
  ~WorkerPool() { Stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Finishes queued work, then joins the threads.
  void Stop() { pool_.join(); }

  std::size_t pending() const { return pending_.load(); }
  // True when Run would refuse more work now; lets a caller give up before it does other work.
  bool saturated() const { return pending_.load() >= max_pending_; }

  template <typename F, typename R = std::invoke_result_t<F&>>
  boost::asio::awaitable<R> Run(F f) {
    if (pending_.fetch_add(1) >= max_pending_) {
      pending_.fetch_sub(1);
      throw PoolOverloaded(name_);
    }
    if constexpr (std::is_void_v<R>) {
      co_await Initiate<std::optional<std::monostate>>([f = std::move(f)]() mutable {
        f();
        return std::monostate{};
      });
    } else {
      std::optional<R> out = co_await Initiate<std::optional<R>>(std::move(f));
      co_return std::move(*out);
    }
  }

 private:
  // Completes with (exception, optional<R>) on the awaiting coroutine's executor.
  template <typename Out, typename F>
  auto Initiate(F f) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(std::exception_ptr, Out)>(
        [this](auto handler, F fn) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
          boost::asio::post(pool_, [this, fn = std::move(fn), handler = std::move(handler),
                                    work = std::move(work)]() mutable {
            std::exception_ptr error;
            Out value;
            try {
              value.emplace(fn());
            } catch (const soci::soci_error&) {
              CountDatabaseError();
              error = std::current_exception();
            } catch (...) {
              error = std::current_exception();
            }
            pending_.fetch_sub(1);
            boost::asio::post(work.get_executor(),
                              [handler = std::move(handler), error, value = std::move(value)]() mutable {
                                std::move(handler)(error, std::move(value));
                              });
          });
        },
        boost::asio::use_awaitable, std::move(f));
  }

  std::string name_;
  boost::asio::thread_pool pool_;
  std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace kanri::db
