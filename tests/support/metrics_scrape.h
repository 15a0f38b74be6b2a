// Reading a /metrics endpoint (common/admin_listener.h) the way Prometheus would: GET over
// loopback, the answer's status and Content-Type, and every sample line as series -> value.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dfs::testing {

struct MetricsScrape {
  int status = 0;
  std::string content_type;
  std::string body;
  // `name{labels}` exactly as rendered (labels in the order the process registered them) -> value.
  std::map<std::string, double> samples;

  // The sample's value, 0 when it is absent (a counter nobody has touched yet).
  double value(const std::string& series) const;
  bool has(const std::string& series) const { return samples.count(series) > 0; }
};

// GET `target` from 127.0.0.1:port (bounded by `timeout`).
MetricsScrape scrape_metrics(std::uint16_t port, std::string_view target = "/metrics",
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Scrapes until `done` holds for a scrape (returned) or `timeout` passes (the last scrape is
// returned). A process counts a request after its answer has left, so a client that got the
// answer may scrape before the count: this waits for the count itself.
MetricsScrape scrape_metrics_until(std::uint16_t port, const std::function<bool(const MetricsScrape&)>& done,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The port of the last "metrics on http://HOST:PORT/metrics" line a process logged (a log
// appended to by restarts has one per start); nullopt when none.
std::optional<std::uint16_t> metrics_port_in_log(const std::string& log);

}  // namespace dfs::testing
