#include "server/server_metrics.h"

#include <algorithm>

#include <cmath>
#include <string>
#include <string_view>

namespace dfs::server {
namespace {

// The method label: one of the four methods or "other", so a client sending made-up methods
// cannot grow the number of series.
constexpr std::array<std::string_view, 5> kMethodLabels = {"GET", "PUT", "LIST", "EXIT", "other"};

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethodLabels.size(); ++i) {
    if (kMethodLabels[i] == method) return i;
  }
  return kMethodLabels.size() - 1;
}

// The error's kind: the X-Dfs-Error token when the answer carried one, else named by status
// (499: the client went away mid-body; 411 and 416 are answered without an Error).
std::string error_kind(const Exchange& ex) {
  if (!ex.error_kind.empty()) return std::string(ex.error_kind);
  if (ex.status == 499) return "client_gone";
  return "status_" + std::to_string(ex.status);
}

}  // namespace

ServerMetrics::ServerMetrics(metrics::MetricsRegistry& registry, const PartStore& store,
                             std::function<std::size_t()> open_connections,
                             std::function<std::size_t()> staged_backlog)
    : requests_(registry.counter_family("dfs_server_requests_total",
                                        "Requests answered, by method (GET, PUT, LIST, EXIT, other) and HTTP status "
                                        "(499: the client left mid-body, none: no answer was sent).",
                                        {"method", "status"})),
      received_bytes_(registry.counter("dfs_server_received_bytes_total", "Request body bytes read whole (PUT parts).")),
      sent_bytes_(registry.counter("dfs_server_sent_bytes_total",
                                   "Response body bytes sent (GET data, LIST records, messages).")),
      errors_(registry.counter_family("dfs_server_errors_total",
                                      "Requests answered with an error (status 400 and above), by kind: the "
                                      "X-Dfs-Error token (not_found, no_space, corruption...), client_gone, or status_N.",
                                      {"kind"})),
      parts_stored_(registry.counter("dfs_server_parts_stored_total",
                                     "Part versions stored (PUT answered 201), copies included.")),
      commits_(registry.counter("dfs_server_commits_total", "Versions committed (PUT without part answered 200).")),
      drops_(registry.counter("dfs_server_drops_total",
                              "Versions heal removed (PUT ?drop=1 answered 200): abandoned staged ones, old tombstones.")) {
  auto& latency = registry.histogram_family("dfs_server_request_duration_seconds",
                                            "Time from a request's header to the end of its answer, by method.",
                                            {"method"}, metrics::latency_buckets_seconds());
  for (std::size_t i = 0; i < kMethods; ++i) latency_[i] = &latency.with({std::string(kMethodLabels[i])});
  registry.gauge_function("dfs_server_disk_free_bytes",
                          "Free bytes on the data disk (statvfs at scrape time; NaN when unknown).",
                          [&store] {
                            const auto space = store.space();
                            return space ? static_cast<double>(space->free_bytes) : std::nan("");
                          });
  registry.gauge_function("dfs_server_disk_total_bytes", "Size of the data disk in bytes (NaN when unknown).", [&store] {
    const auto space = store.space();
    return space ? static_cast<double>(space->total_bytes) : std::nan("");
  });
  registry.gauge_function("dfs_server_commit_markers_waiting",
                          "Commits answered and served whose markers the group commit could not write yet "
                          "(it tries again every second); above 0, look at the server's data disk.",
                          [&store] { return static_cast<double>(store.markers_waiting()); });
  registry.gauge_function("dfs_server_open_connections", "Client connections open now.",
                          [read = std::move(open_connections)] { return static_cast<double>(read()); });
  registry.gauge_function("dfs_server_staged_versions",
                          "Staged versions the last sweep left (young enough for their writer to commit): "
                          "with no write under way, this server's share of the heal backlog.",
                          [read = std::move(staged_backlog)] { return static_cast<double>(read()); });
}

void ServerMetrics::record(const Exchange& ex, double seconds) {
  const std::size_t method = method_index(ex.parser.get().method_string());
  const std::string status = ex.status == 0 ? "none" : std::to_string(ex.status);
  requests_.with({std::string(kMethodLabels[method]), status}).add();
  latency_[method]->observe(seconds);
  sent_bytes_.add(ex.bytes);
  if (ex.request_consumed()) received_bytes_.add(ex.parser.content_length().value_or(0));
  if (ex.status >= 400) errors_.with({error_kind(ex)}).add();
  if (kMethodLabels[method] == "PUT") {
    if (ex.status == 201) {
      // One PUT may carry several parts (part=K,L): each is a part stored.
      const auto parts = ex.target.get(protocol::kQueryPart);
      parts_stored_.add(parts ? 1 + static_cast<std::uint64_t>(std::count(parts->begin(), parts->end(), ',')) : 1);
    }
    // A PUT answered 200 is a commit, or heal's drop of a version (drop=1).
    if (ex.status == 200) (ex.target.get(protocol::kQueryDrop) ? drops_ : commits_).add();
  }
}

}  // namespace dfs::server
