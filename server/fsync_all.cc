#include "server/fsync_all.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace dfs::server {

namespace {

// At most this many fsyncs run at once: enough for their flushes to merge, while a batch of
// many files (a group commit's, on a filesystem other than the root's) does not start a thread
// per file.
constexpr std::size_t kParallelFsyncs = 4;

}  // namespace

std::vector<Status> fsync_each(FanOut& fan_out, std::span<const SyncTarget> targets) {
  std::vector<Status> results(targets.size());
  const std::size_t workers = std::min(targets.size(), kParallelFsyncs);
  fan_out.run(workers, [&](std::size_t worker) {
    for (std::size_t i = worker; i < targets.size(); i += workers) {
      if (::fsync(targets[i].fd) != 0) results[i] = Error::from_errno(errno, "fsync " + std::string(targets[i].what));
    }
  });
  return results;
}

std::vector<Status> sync_together(int root, FanOut& fan_out, std::span<const SyncTarget> targets) {
  std::vector<Status> results(targets.size());
  struct stat root_st;
  if (::fstat(root, &root_st) != 0) return fsync_each(fan_out, targets);
  std::vector<SyncTarget> elsewhere;  // on another filesystem, mounted below the root
  std::vector<std::size_t> elsewhere_index;
  bool on_root = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    struct stat st;
    if (::fstat(targets[i].fd, &st) == 0 && st.st_dev == root_st.st_dev) {
      on_root = true;
    } else {
      elsewhere.push_back(targets[i]);
      elsewhere_index.push_back(i);
    }
  }
  if (on_root) {
    Status synced;
    if (::syncfs(root) != 0) {
      synced = Error::from_errno(errno, "syncfs the data root");
    } else if (::fsync(root) != 0) {
      synced = Error::from_errno(errno, "fsync the data root");
    }
    for (std::size_t i = 0; i < targets.size(); ++i) results[i] = synced;
  }
  const auto each = fsync_each(fan_out, elsewhere);
  for (std::size_t e = 0; e < elsewhere.size(); ++e) results[elsewhere_index[e]] = each[e];
  return results;
}

Status fsync_all(FanOut& fan_out, std::span<const SyncTarget> targets) {
  for (auto& result : fsync_each(fan_out, targets)) {
    if (!result) return result;
  }
  return {};
}

}  // namespace dfs::server
