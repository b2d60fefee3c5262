// A measured phase of a load benchmark: workers run on an io_context through a warm-up and a
// measured window, while the server's CPU time and resident memory are sampled over the window.
// Each benchmark spawns its own workers and keeps its own tallies; this runs the clock.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "bench_client.h"
#include "bench_process.h"

namespace kanri::bench {

// Workers count what finishes inside [measure_from, end) and stop at `end`.
struct Window {
  std::chrono::steady_clock::time_point measure_from;
  std::chrono::steady_clock::time_point end;
};

struct PhaseClock {
  double measured_s = 0;
  double server_cpu_s = 0, client_cpu_s = 0;  // during the measured window
  long rss_max_kb = 0;                        // the server's, sampled every 250 ms in the window
};

// Calls `spawn(io, window, on_done)` to start the phase's workers (on_done is the completion
// handler for co_spawn), runs `io` on `threads` threads until every worker returned, and
// rethrows the first worker's exception. `server_pid` 0 means the server is this process's own
// (nothing to sample).
template <typename Spawn>
PhaseClock RunPhaseClock(int threads, std::chrono::steady_clock::duration warmup,
                         std::chrono::steady_clock::duration measure, pid_t server_pid, Spawn spawn) {
  namespace asio = boost::asio;
  using Clock = std::chrono::steady_clock;
  asio::io_context io{threads};
  std::mutex error_mu;
  std::exception_ptr error;
  auto on_done = [&](std::exception_ptr e) {
    std::lock_guard lock(error_mu);
    if (e && !error) error = e;
  };
  const auto now = Clock::now();
  const Window window{now + warmup, now + warmup + measure};
  spawn(io, window, on_done);

  PhaseClock result;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer{co_await asio::this_coro::executor};
        timer.expires_at(window.measure_from);
        co_await timer.async_wait(kTuple);
        const auto t0 = Clock::now();
        const double server0 = server_pid > 0 ? ProcessCpuSeconds(server_pid) : 0;
        const double client0 = OwnCpuSeconds();
        while (Clock::now() < window.end) {
          if (server_pid > 0) result.rss_max_kb = std::max(result.rss_max_kb, StatusKb(server_pid, "VmRSS"));
          timer.expires_at(std::min(window.end, Clock::now() + std::chrono::milliseconds(250)));
          co_await timer.async_wait(kTuple);
        }
        result.measured_s = std::chrono::duration<double>(Clock::now() - t0).count();
        result.server_cpu_s = server_pid > 0 ? ProcessCpuSeconds(server_pid) - server0 : 0;
        result.client_cpu_s = OwnCpuSeconds() - client0;
      },
      on_done);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace kanri::bench
