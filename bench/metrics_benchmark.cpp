// kanri_metrics_bench: what the router's metrics cost per request (issue 15), against a baseline
// measured in the same run: one relaxed atomic increment (the least a counter can cost).
//
//   BM_Baseline/threads:N     an atomic add, N threads on one counter
//   BM_RequestMetrics/threads:N   what Router::Handle does per request: the counter of its
//                             route and status (a family look-up, building the route label) and
//                             the latency histogram of its route
//   BM_Render/routes:200      GET /metrics with 200 routes × 3 statuses in the registry
//
// Report the ratio RequestMetrics / Baseline per thread count, and Render's time per scrape.
//
//   kanri_metrics_bench [--benchmark_filter=Request] [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>

#include "base/metrics.h"

namespace {

using kanri::metrics::Registry;

std::atomic<std::uint64_t> g_counter{0};

void BM_Baseline(benchmark::State& state) {
  for (auto _ : state) g_counter.fetch_add(1, std::memory_order_relaxed);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Baseline)->Threads(1)->Threads(4)->UseRealTime();

Registry& Shared() {
  static Registry r;
  return r;
}

void BM_RequestMetrics(benchmark::State& state) {
  auto& requests = Shared().Counter("bench_requests_total", "x", {"route", "status"});
  auto& latency =
      Shared().Histogram("bench_duration_seconds", "x", {"route"}, kanri::metrics::LatencyBuckets());
  const std::string method = "GET", path = "/api/v1/devices/{id}";
  const int status = 200;
  for (auto _ : state) {
    const std::string route = method + " " + path;
    requests.With({route, std::to_string(status)}).Inc();
    latency.With({route}).Observe(0.012);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestMetrics)->Threads(1)->Threads(4)->UseRealTime();

void BM_Render(benchmark::State& state) {
  Registry r;
  auto& requests = r.Counter("bench_requests_total", "x", {"route", "status"});
  auto& latency = r.Histogram("bench_duration_seconds", "x", {"route"}, kanri::metrics::LatencyBuckets());
  for (int i = 0; i < state.range(0); ++i) {
    const std::string route = "GET /api/v1/route" + std::to_string(i);
    for (const char* status : {"200", "404", "422"}) requests.With({route, status}).Inc();
    latency.With({route}).Observe(0.01);
  }
  std::size_t bytes = 0;
  for (auto _ : state) bytes = r.Render().size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Render)->Arg(200)->ArgName("routes")->Unit(benchmark::kMillisecond);

}  // namespace
