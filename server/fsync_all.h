// fsyncs several descriptors side by side. On this project's machines an fsync ends in a cache
// flush that waits for the host's disk, and storing a small file's two parts waited for four of
// them one after another (two part files, their folder, the folder's new entry in its parent).
// Issued together on a few of FanOut's threads (the caller runs one of them), their waits
// overlap and the block layer can merge their flushes.
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

// For a group commit's batch: makes the targets durable, those on the filesystem of `root` (a
// descriptor of the data root) with one syncfs of it, any others one by one; each target's
// outcome in target order.
//
// Why: on ext4 without a journal, an fsync of a new file waits for four or five writes one
// after another (data, inode, the folder's blocks, the cache flush), and a batch of a few dozen
// small files and folders waited for over a hundred. syncfs writes them all in bulk. It also
// writes whatever else on that filesystem is dirty, which must reach the disk anyway on a data
// root of its own. Its cache flush comes before the last metadata it writes, so an fsync of the
// root follows, whose flush covers them.
std::vector<Status> sync_together(int root, FanOut& fan_out, std::span<const SyncTarget> targets);

}  // namespace dfs::server
