#include "common/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <variant>

namespace dfs::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  // Prometheus buckets are "less than or equal to the bound".
  const auto index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
  std::vector<std::uint64_t> counts(bounds_.size() + 1);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

std::vector<double> latency_buckets_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers as integers while a double holds them exactly (2^53): byte counts read as such.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  // Plain decimals ("0.0005", not "5e-04") for the values bounds and sums take; exponents only
  // for the very small and the very large.
  const double magnitude = std::fabs(value);
  const auto format = magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  return std::string(buffer, result.ptr);
}

namespace {

std::string format_count(std::uint64_t value) { return std::to_string(value); }

// `{a="x",b="y"}` with one more pair (`le`) when given; "" with no labels at all.
std::string label_text(const std::vector<std::string>& names, const std::vector<std::string>& values,
                       std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string text;
  const std::size_t n = std::min(names.size(), values.size());
  for (std::size_t i = 0; i < n; ++i) {
    text += text.empty() ? "{" : ",";
    text += names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    text += text.empty() ? "{" : ",";
    text.append(extra_name).append("=\"").append(extra_value).append("\"");
  }
  if (!text.empty()) text += "}";
  return text;
}

void render_histogram(std::string& out, const std::string& name, const std::vector<std::string>& names,
                      const std::vector<std::string>& values, const Histogram& h) {
  // Read the buckets once and derive the count from them, so _count equals the +Inf bucket even
  // while observations arrive during the scrape.
  const auto counts = h.bucket_counts();
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    const std::string le = i < h.bounds().size() ? format_value(h.bounds()[i]) : "+Inf";
    out += name + "_bucket" + label_text(names, values, "le", le) + " " + format_count(cumulative) + "\n";
  }
  out += name + "_sum" + label_text(names, values) + " " + format_value(h.sum()) + "\n";
  out += name + "_count" + label_text(names, values) + " " + format_count(cumulative) + "\n";
}

}  // namespace

struct MetricsRegistry::Entry {
  struct Function {
    std::function<double()> read;
  };
  std::string name;
  std::string help;
  std::string type;  // counter, gauge, histogram
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>, std::unique_ptr<HistogramFamily>, Function>
      metric;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

CounterFamily& MetricsRegistry::counter_family(std::string name, std::string help, std::vector<std::string> labels) {
  auto family = std::make_unique<CounterFamily>(std::move(labels), [] { return std::make_unique<Counter>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), "counter", std::move(family)}));
  return ref;
}

GaugeFamily& MetricsRegistry::gauge_family(std::string name, std::string help, std::vector<std::string> labels) {
  auto family = std::make_unique<GaugeFamily>(std::move(labels), [] { return std::make_unique<Gauge>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), "gauge", std::move(family)}));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram_family(std::string name, std::string help, std::vector<std::string> labels,
                                                   std::vector<double> bounds) {
  auto family = std::make_unique<HistogramFamily>(
      std::move(labels), [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{std::move(name), std::move(help), "histogram", std::move(family)}));
  return ref;
}

Counter& MetricsRegistry::counter(std::string name, std::string help) {
  return counter_family(std::move(name), std::move(help), {}).with({});
}

Gauge& MetricsRegistry::gauge(std::string name, std::string help) {
  return gauge_family(std::move(name), std::move(help), {}).with({});
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help, std::vector<double> bounds) {
  return histogram_family(std::move(name), std::move(help), {}, std::move(bounds)).with({});
}

void MetricsRegistry::gauge_function(std::string name, std::string help, std::function<double()> read) {
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), "gauge", Entry::Function{std::move(read)}}));
}

void MetricsRegistry::counter_function(std::string name, std::string help, std::function<double()> read) {
  entries_.push_back(
      std::make_unique<Entry>(Entry{std::move(name), std::move(help), "counter", Entry::Function{std::move(read)}}));
}

std::string MetricsRegistry::render() const {
  std::string out;
  for (const auto& entry : entries_) {
    const std::string& name = entry->name;
    out += "# HELP " + name + " " + escape_help(entry->help) + "\n";
    out += "# TYPE " + name + " " + entry->type + "\n";
    if (const auto* counters = std::get_if<std::unique_ptr<CounterFamily>>(&entry->metric)) {
      const auto& names = (*counters)->label_names();
      (*counters)->for_each([&](const std::vector<std::string>& values, const Counter& c) {
        out += name + label_text(names, values) + " " + format_count(c.value()) + "\n";
      });
    } else if (const auto* gauges = std::get_if<std::unique_ptr<GaugeFamily>>(&entry->metric)) {
      const auto& names = (*gauges)->label_names();
      (*gauges)->for_each([&](const std::vector<std::string>& values, const Gauge& g) {
        out += name + label_text(names, values) + " " + std::to_string(g.value()) + "\n";
      });
    } else if (const auto* histograms = std::get_if<std::unique_ptr<HistogramFamily>>(&entry->metric)) {
      const auto& names = (*histograms)->label_names();
      (*histograms)->for_each([&](const std::vector<std::string>& values, const Histogram& h) {
        render_histogram(out, name, names, values, h);
      });
    } else {
      out += name + " " + format_value(std::get<Entry::Function>(entry->metric).read()) + "\n";
    }
  }
  return out;
}

}  // namespace dfs::metrics
