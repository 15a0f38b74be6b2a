// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition format
// 0.0.4 (what GET /metrics answers, common/admin_listener.h). There is no global registry: a
// process (dfs-server, dfs-fuse) makes one, registers its metrics at start and hands references
// to the code that counts.
//
// Cost on the hot path: updating a metric is one or two relaxed atomic operations; a histogram
// is a fixed array of atomic buckets. Finding a labelled child (`family.with({"GET", "200"})`)
// takes a shared lock and a map lookup; callers whose labels are known in advance keep the
// reference it returns (children are never removed, so references stay valid).
//
// Registration happens before anything is counted or rendered; names must be valid Prometheus
// names ([a-zA-Z_:][a-zA-Z0-9_:]*, labels without ':') and unique, which the code that registers
// them guarantees (they are literals). Label values may hold anything: they are escaped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dfs::metrics {

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted into fixed buckets by upper bound (cumulative when rendered, as
// Prometheus wants), plus their sum and count.
class Histogram {
 public:
  // `bounds`: strictly increasing upper bounds; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket, not cumulative; one more than bounds() (the last is above every bound).
  std::vector<std::uint64_t> bucket_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// Request latencies from 0.5 ms to 60 s: a small PUT answers in about a millisecond, a large
// one after its fsync of seconds.
std::vector<double> latency_buckets_seconds();

// All metrics of one name, one child per combination of label values.
template <class Metric>
class Family {
 public:
  using Make = std::function<std::unique_ptr<Metric>()>;
  Family(std::vector<std::string> label_names, Make make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (as many as label names), made on first use.
  Metric& with(const std::vector<std::string>& label_values);
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls `visit(label_values, metric)` for every child, in label order.
  void for_each(const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const;

 private:
  std::vector<std::string> label_names_;
  Make make_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  CounterFamily& counter_family(std::string name, std::string help, std::vector<std::string> labels);
  GaugeFamily& gauge_family(std::string name, std::string help, std::vector<std::string> labels);
  HistogramFamily& histogram_family(std::string name, std::string help, std::vector<std::string> labels,
                                    std::vector<double> bounds);
  // Without labels.
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::vector<double> bounds);
  // A value read when the metrics are rendered (disk free, bytes held elsewhere), so nothing
  // has to keep it up to date. Called on the thread that renders; must be thread-safe.
  void gauge_function(std::string name, std::string help, std::function<double()> read);
  void counter_function(std::string name, std::string help, std::function<double()> read);

  // The text exposition format 0.0.4, families in registration order.
  std::string render() const;

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Label values and HELP text as the text format wants them escaped: backslash, double quote
// (label values only) and newline.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the shortest
// text that reads back as the same double.
std::string format_value(double value);

// ---------------------------------------------------------------------------------------------

template <class Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& label_values) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = children_.find(label_values); it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& slot = children_[label_values];
  if (slot == nullptr) slot = make_();
  return *slot;
}

template <class Metric>
void Family<Metric>::for_each(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
  std::shared_lock lock(mutex_);
  for (const auto& [labels, metric] : children_) visit(labels, *metric);
}

}  // namespace dfs::metrics
