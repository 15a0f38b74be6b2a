#include "fuse/fuse_metrics.h"

#include <cstring>
#include <string>

#include "fuse/mount_state.h"

namespace dfs::fuse {
namespace {

// "ok", or the errno's name ("ENOENT"), so the label stays one of a small fixed set.
std::string result_label(int result) {
  if (result >= 0) return "ok";
  const char* name = ::strerrorname_np(-result);
  return name != nullptr ? name : "E" + std::to_string(-result);
}

}  // namespace

FuseMetrics::FuseMetrics(metrics::MetricsRegistry& registry, const MountState& mount)
    : operations_(registry.counter_family("dfs_fuse_operations_total",
                                          "FUSE operations answered, by operation (getattr, read, write, flush...) "
                                          "and result (ok or the errno's name).",
                                          {"operation", "result"})),
      read_bytes_(registry.counter("dfs_fuse_read_bytes_total", "Bytes returned to read requests.")),
      written_bytes_(registry.counter("dfs_fuse_written_bytes_total", "Bytes accepted by write requests (into spools).")),
      commit_seconds_(registry.histogram("dfs_fuse_commit_duration_seconds",
                                         "Time of each close-commit: the PUT of a written file's spool to the "
                                         "servers, failed ones included.",
                                         metrics::latency_buckets_seconds())) {
  registry.gauge_function("dfs_fuse_spool_bytes",
                          "Bytes held in spool files now (open and kept), counted against spool_limit_mb.",
                          [&mount] { return static_cast<double>(mount.open_files.budget().used()); });
  registry.gauge_function("dfs_fuse_kept_spools", "Spools of closed files kept for a rename that may follow.",
                          [&mount] { return static_cast<double>(mount.open_files.kept_count()); });
  registry.counter_function("dfs_fuse_degraded_writes_total",
                            "Writes committed with some part on fewer than 2 servers (min_copies: 1 with a server "
                            "down); 'dfc heal' restores them. The cluster's backlog is 'dfc status'.",
                            [&mount] {
                              return mount.client ? static_cast<double>(mount.client->counters().degraded_writes.load())
                                                  : 0.0;
                            });
}

void FuseMetrics::operation_done(std::string_view operation, int result) {
  operations_.with({std::string(operation), result_label(result)}).add();
}

void FuseMetrics::read_done(int result) {
  if (result > 0) read_bytes_.add(static_cast<std::uint64_t>(result));
}

void FuseMetrics::write_done(int result) {
  if (result > 0) written_bytes_.add(static_cast<std::uint64_t>(result));
}

}  // namespace dfs::fuse
