#include "db/worker_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace kanri::db {
namespace {

namespace asio = boost::asio;

TEST(WorkerPool, RunsOffTheIoThreadAndResumesOnIt) {
  asio::io_context io;
  WorkerPool pool{"test", 2, 16};
  std::thread::id io_thread = std::this_thread::get_id(), worker, resumed;
  int result = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        result = co_await pool.Run([&] {
          worker = std::this_thread::get_id();
          return 42;
        });
        resumed = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(result, 42);
  EXPECT_NE(worker, io_thread);
  EXPECT_EQ(resumed, io_thread);
}

TEST(WorkerPool, PropagatesExceptions) {
  asio::io_context io;
  WorkerPool pool{"test", 1, 16};
  std::string caught;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await pool.Run([]() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(caught, "boom");
}

TEST(WorkerPool, RefusesWorkBeyondItsBound) {
  asio::io_context io;
  WorkerPool pool{"hash", 1, 2};
  std::atomic<bool> release{false};
  int refused = 0, done = 0;
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          try {
            co_await pool.Run([&] {
              while (!release) std::this_thread::yield();
            });
            ++done;
          } catch (const PoolOverloaded&) {
            ++refused;
            if (refused == 3) release = true;
          }
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(done, 2);
  EXPECT_EQ(refused, 3);
}

}  // namespace
}  // namespace kanri::db
