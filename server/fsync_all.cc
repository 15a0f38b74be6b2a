#include "server/fsync_all.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dfs::server {

namespace {

// At most this many fsyncs run at once: enough for their flushes to merge, while a group
// commit's batch of many files does not start a thread per file.
constexpr std::size_t kParallelFsyncs = 4;

}  // namespace

std::vector<Status> fsync_each(FanOut& fan_out, std::span<const SyncTarget> targets) {
  // A file or folder named twice (a batch's files share their parent's folder) is fsynced once.
  std::vector<std::size_t> first_of(targets.size());
  std::vector<std::size_t> unique;
  std::map<std::pair<dev_t, ino_t>, std::size_t> seen;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    struct stat st;
    if (::fstat(targets[i].fd, &st) == 0) {
      const auto [it, inserted] = seen.emplace(std::pair(st.st_dev, st.st_ino), i);
      first_of[i] = it->second;
      if (!inserted) continue;
    } else {
      first_of[i] = i;  // fsync reports what is wrong with it
    }
    unique.push_back(i);
  }
  std::vector<Status> results(targets.size());
  const std::size_t workers = std::min(unique.size(), kParallelFsyncs);
  fan_out.run(workers, [&](std::size_t worker) {
    for (std::size_t u = worker; u < unique.size(); u += workers) {
      const auto& target = targets[unique[u]];
      if (::fsync(target.fd) != 0) results[unique[u]] = Error::from_errno(errno, "fsync " + std::string(target.what));
    }
  });
  for (std::size_t i = 0; i < targets.size(); ++i) results[i] = results[first_of[i]];
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
