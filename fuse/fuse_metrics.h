// dfs-fuse's metrics (docs/operations.md "Monitoring"): every FUSE operation counted by name and
// result as the operation table calls it (operations.cc wraps each one, so the operations
// themselves carry no metrics code), bytes read and written, the time of each close-commit
// (the PUT of a spool), and what the mount and its DfsClient hold: spool bytes, kept spools,
// degraded writes. Made only when `admin_listen:` is set.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/metrics_registry.h"

namespace dfs::fuse {

struct MountState;

class FuseMetrics {
 public:
  // Registers every metric in `registry`; the gauges read `mount` at each scrape (its client
  // once start_client() has made it).
  FuseMetrics(metrics::MetricsRegistry& registry, const MountState& mount);

  // An operation answered `result`: >= 0 is success (for read and write, the bytes moved),
  // < 0 a negative errno.
  void operation_done(std::string_view operation, int result);
  void read_done(int result);
  void write_done(int result);
  // One PUT of a spool (close, fsync, truncate of a path), successful or not.
  void commit_done(double seconds) { commit_seconds_.observe(seconds); }

 private:
  metrics::CounterFamily& operations_;
  metrics::Counter& read_bytes_;
  metrics::Counter& written_bytes_;
  metrics::Histogram& commit_seconds_;
};

}  // namespace dfs::fuse
