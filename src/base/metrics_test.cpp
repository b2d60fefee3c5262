#include "base/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace kanri::metrics {
namespace {

TEST(Metrics, CountersAndGaugesRenderInTheTextFormatSortedByName) {
  Registry r;
  auto& requests = r.Counter("kanri_test_requests_total", "Requests, by route", {"route", "status"});
  requests.With({"GET /a", "200"}).Inc();
  requests.With({"GET /a", "200"}).Inc(2);
  requests.With({"POST /b", "422"}).Inc();
  r.Gauge("kanri_test_depth", "Queue depth").With({}).Set(7.5);
  r.Callback("kanri_test_callback", "Read when scraped", [] { return 3.0; });
  EXPECT_EQ(r.Render(),
            "# HELP kanri_test_callback Read when scraped\n"
            "# TYPE kanri_test_callback gauge\n"
            "kanri_test_callback 3\n"
            "# HELP kanri_test_depth Queue depth\n"
            "# TYPE kanri_test_depth gauge\n"
            "kanri_test_depth 7.5\n"
            "# HELP kanri_test_requests_total Requests, by route\n"
            "# TYPE kanri_test_requests_total counter\n"
            "kanri_test_requests_total{route=\"GET /a\",status=\"200\"} 3\n"
            "kanri_test_requests_total{route=\"POST /b\",status=\"422\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry r;
  auto& h = r.Histogram("kanri_test_seconds", "Latency", {"route"}, {0.1, 1});
  h.With({"x"}).Observe(0.05);
  h.With({"x"}).Observe(0.5);
  h.With({"x"}).Observe(0.5);
  h.With({"x"}).Observe(7);
  EXPECT_EQ(r.Render(),
            "# HELP kanri_test_seconds Latency\n"
            "# TYPE kanri_test_seconds histogram\n"
            "kanri_test_seconds_bucket{route=\"x\",le=\"0.1\"} 1\n"
            "kanri_test_seconds_bucket{route=\"x\",le=\"1\"} 3\n"
            "kanri_test_seconds_bucket{route=\"x\",le=\"+Inf\"} 4\n"
            "kanri_test_seconds_sum{route=\"x\"} 8.05\n"
            "kanri_test_seconds_count{route=\"x\"} 4\n");
}

TEST(Metrics, LabelValuesAreEscapedAndBadNamesRefused) {
  Registry r;
  r.Counter("kanri_test_total", "Help with \\ and\nnewline", {"v"}).With({"a\"b\\c\nd"}).Inc();
  const std::string text = r.Render();
  EXPECT_NE(text.find("# HELP kanri_test_total Help with \\\\ and\\nnewline\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kanri_test_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_THROW(r.Counter("9bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.Counter("kanri bad", "x"), std::invalid_argument);
  EXPECT_THROW(r.Counter("kanri_ok", "x", {"le"}), std::invalid_argument);
  EXPECT_THROW(r.Counter("kanri_ok2", "x", {"a"}).With({"1", "2"}), std::invalid_argument);
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  Registry r;
  auto& c = r.Counter("kanri_test_total", "x", {"t"});
  auto& h = r.Histogram("kanri_test_seconds", "x", {}, LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.With({"same"}).Inc();
        h.With({}).Observe(0.001);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.With({"same"}).value(), 40000u);
  EXPECT_EQ(h.With({}).Read().count, 40000u);
  EXPECT_NEAR(h.With({}).Read().sum, 40.0, 1e-6);
}

}  // namespace
}  // namespace kanri::metrics
