// fsyncs several descriptors side by side. On this project's machines an fsync ends in a cache
// flush that waits for the host's disk, and storing a small file's two parts waited for four of
// them one after another (two part files, their folder, the folder's new entry in its parent).
// Issued together on FanOut's threads (the caller runs one of them), their waits overlap and
// the block layer can merge their flushes.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/fan_out.h"

namespace dfs::server {

struct SyncTarget {
  int fd;
  std::string_view what;  // for the error: "part file"
};

// fsyncs every target; returns the first failure (in target order) once all are done.
Status fsync_all(FanOut& fan_out, std::span<const SyncTarget> targets);
// The same, with each target's outcome, in target order.
std::vector<Status> fsync_each(FanOut& fan_out, std::span<const SyncTarget> targets);

}  // namespace dfs::server
