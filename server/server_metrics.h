// dfs-server's metrics (docs/operations.md "Monitoring"), counted from each answered request in
// one place (HttpServer::serve calls record()), so the handlers carry no metrics code: what a
// request did is read from its Exchange (method, status, bytes, the error's kind) once it ends.
// Made only when `admin_listen:` is set; without it the server counts nothing.
#pragma once

#include <array>
#include <cstddef>
#include <functional>

#include "common/metrics_registry.h"
#include "server/http_exchange.h"

namespace dfs::server {

class ServerMetrics {
 public:
  // Registers every metric in `registry`; `open_connections` and `staged_backlog` (staged
  // versions the last sweep left) are read at each scrape.
  ServerMetrics(metrics::MetricsRegistry& registry, const PartStore& store,
                std::function<std::size_t()> open_connections, std::function<std::size_t()> staged_backlog);

  // One request, answered (or abandoned) after `seconds`.
  void record(const Exchange& ex, double seconds);

 private:
  static constexpr std::size_t kMethods = 5;  // GET, PUT, LIST, EXIT, other

  metrics::CounterFamily& requests_;
  std::array<metrics::Histogram*, kMethods> latency_{};
  metrics::Counter& received_bytes_;
  metrics::Counter& sent_bytes_;
  metrics::CounterFamily& errors_;
  metrics::Counter& parts_stored_;
  metrics::Counter& commits_;
  metrics::Counter& drops_;
};

}  // namespace dfs::server
