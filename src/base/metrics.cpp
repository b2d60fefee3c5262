#include "base/metrics.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace kanri::metrics {

namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  return true;
}

void CheckNames(const std::string& name, const std::vector<std::string>& labels) {
  if (!ValidName(name)) throw std::invalid_argument("metric name " + name);
  for (const auto& l : labels)
    if (!ValidName(l) || l.find(':') != std::string::npos || l == "le")
      throw std::invalid_argument("label name " + l);
}

// Label values and help texts escaped as the text format requires.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string LabelText(const std::vector<std::string>& names, const Labels& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + Escape(i < values.size() ? values[i] : "", true) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra_name + "=\"" + extra_value + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

void AddAtomic(std::atomic<double>& a, double v) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AddAtomic(sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

template <typename T>
T& Family<T>::With(const Labels& values) {
  if (values.size() != label_names_.size()) throw std::invalid_argument("labels of " + name_);
  const std::lock_guard lock(mu_);
  auto& slot = children_[values];
  if (!slot) slot = make_();
  return *slot;
}

template <typename T>
std::vector<std::pair<Labels, const T*>> Family<T>::Children() const {
  const std::lock_guard lock(mu_);
  std::vector<std::pair<Labels, const T*>> out;
  for (const auto& [labels, child] : children_) out.emplace_back(labels, child.get());
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return kBuckets;
}

Family<Counter>& Registry::Counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> labels) {
  CheckNames(name, labels);
  const std::lock_guard lock(mu_);
  auto& slot = counters_[name];
  if (!slot)
    slot = std::make_unique<Family<metrics::Counter>>(name, help, std::move(labels),
                                                      [] { return std::make_unique<metrics::Counter>(); });
  return *slot;
}

Family<Gauge>& Registry::Gauge(const std::string& name, const std::string& help,
                               std::vector<std::string> labels) {
  CheckNames(name, labels);
  const std::lock_guard lock(mu_);
  auto& slot = gauges_[name];
  if (!slot)
    slot = std::make_unique<Family<metrics::Gauge>>(name, help, std::move(labels),
                                                    [] { return std::make_unique<metrics::Gauge>(); });
  return *slot;
}

Family<Histogram>& Registry::Histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, std::vector<double> bounds) {
  CheckNames(name, labels);
  const std::lock_guard lock(mu_);
  auto& slot = histograms_[name];
  if (!slot)
    slot = std::make_unique<Family<metrics::Histogram>>(
        name, help, std::move(labels),
        [bounds = std::move(bounds)] { return std::make_unique<metrics::Histogram>(bounds); });
  return *slot;
}

void Registry::Callback(const std::string& name, const std::string& help, std::function<double()> read) {
  CheckNames(name, {});
  const std::lock_guard lock(mu_);
  callbacks_[name] = {help, std::move(read)};
}

std::string Registry::Render() const {
  // Every family under the lock of the registry; each child read atomically.
  const std::lock_guard lock(mu_);
  std::map<std::string, std::string> blocks;  // by name, so the output is sorted
  auto head = [](const std::string& name, const std::string& help, const char* type) {
    return "# HELP " + name + " " + Escape(help, false) + "\n# TYPE " + name + " " + type + "\n";
  };
  for (const auto& [name, family] : counters_) {
    std::string text = head(name, family->help(), "counter");
    for (const auto& [labels, c] : family->Children())
      text += name + LabelText(family->label_names(), labels) + " " + std::to_string(c->value()) + "\n";
    blocks[name] = std::move(text);
  }
  for (const auto& [name, family] : gauges_) {
    std::string text = head(name, family->help(), "gauge");
    for (const auto& [labels, g] : family->Children())
      text += name + LabelText(family->label_names(), labels) + " " + Number(g->value()) + "\n";
    blocks[name] = std::move(text);
  }
  for (const auto& [name, family] : histograms_) {
    std::string text = head(name, family->help(), "histogram");
    for (const auto& [labels, h] : family->Children()) {
      const auto s = h->Read();
      for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
        const std::string le = i + 1 < s.cumulative.size() ? Number(h->bound(i)) : "+Inf";
        text += name + "_bucket" + LabelText(family->label_names(), labels, "le", le) + " " +
                std::to_string(s.cumulative[i]) + "\n";
      }
      text += name + "_sum" + LabelText(family->label_names(), labels) + " " + Number(s.sum) + "\n";
      text +=
          name + "_count" + LabelText(family->label_names(), labels) + " " + std::to_string(s.count) + "\n";
    }
    blocks[name] = std::move(text);
  }
  for (const auto& [name, entry] : callbacks_) {
    double v = NAN;
    try {
      v = entry.second();
    } catch (const std::exception&) {
      // A reader that cannot answer now reports NaN rather than failing the scrape.
    }
    blocks[name] = head(name, entry.first, "gauge") + name + " " + Number(v) + "\n";
  }
  std::string out;
  for (const auto& [name, text] : blocks) out += text;
  return out;
}

Registry& Default() {
  static Registry registry;
  return registry;
}

}  // namespace kanri::metrics
