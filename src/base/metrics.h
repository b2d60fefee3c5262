// Metrics in the Prometheus text format (version 0.0.4), served by `kanri serve` on its own
// loopback listener (--listen-metrics). Debian has no Prometheus client library for C++, so
// this is the small part of one that Kanri needs: counters and histograms with labels, gauges
// read when scraped. Label values are always chosen by the code (a route's pattern, an
// outcome's name), never a client's text, so that no request can grow the set of series.
//
//   static auto& requests = metrics::Default().Counter("kanri_http_requests_total", "HTTP requests",
//                                                       {"route", "status"});
//   requests.With({"GET /api/v1/devices", "200"}).Inc();
//   std::string text = metrics::Default().Render();
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kanri::metrics {

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

class Counter {
 public:
  void Inc(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  double bound(std::size_t i) const { return bounds_[i]; }
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;                       // ascending upper bounds
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, then +Inf (not cumulative)
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// A metric with labels: one child per distinct label values, created on first use and kept
// (references stay valid for the registry's life).
template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}
  T& With(const Labels& values);
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // The children in label order, for rendering.
  std::vector<std::pair<Labels, const T*>> Children() const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mu_;
  std::map<Labels, std::unique_ptr<T>> children_;
};

// Seconds: from 5 ms to 30 s.
const std::vector<double>& LatencyBuckets();

class Registry {
 public:
  Family<metrics::Counter>& Counter(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels = {});
  Family<metrics::Gauge>& Gauge(const std::string& name, const std::string& help,
                                std::vector<std::string> labels = {});
  Family<metrics::Histogram>& Histogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels, std::vector<double> bounds);
  // A gauge read when scraped (a queue's depth); `read` runs on the scraping thread and must not
  // block. Registering a name again replaces its reader (a restarted component).
  void Callback(const std::string& name, const std::string& help, std::function<double()> read);

  // The exposition text of every metric, sorted by name.
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family<metrics::Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<metrics::Gauge>>> gauges_;
  std::map<std::string, std::unique_ptr<Family<metrics::Histogram>>> histograms_;
  std::map<std::string, std::pair<std::string, std::function<double()>>> callbacks_;
};

// The process's registry.
Registry& Default();

}  // namespace kanri::metrics
