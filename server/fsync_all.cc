#include "server/fsync_all.h"

#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace dfs::server {

std::vector<Status> fsync_each(FanOut& fan_out, std::span<const SyncTarget> targets) {
  std::vector<Status> results(targets.size());
  fan_out.run(targets.size(), [&](std::size_t i) {
    if (::fsync(targets[i].fd) != 0) results[i] = Error::from_errno(errno, "fsync " + std::string(targets[i].what));
  });
  return results;
}

Status fsync_all(FanOut& fan_out, std::span<const SyncTarget> targets) {
  for (auto& result : fsync_each(fan_out, targets)) {
    if (!result) return result;
  }
  return {};
}

}  // namespace dfs::server
