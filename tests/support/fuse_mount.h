// One dfs-fuse process mounted on a directory, for a test or a benchmark: started in the
// foreground (-f) as a child of this process, stdout a pipe, stderr appended to a log file.
// The mount is ready when dfs-fuse says "mounted" and statfs shows the FUSE magic (bounded
// waits, no sleeps). Unmounting is fusermount3 -u and a bounded wait for a clean exit; when that
// fails, a lazy unmount and SIGKILL, so the directory is never left with the store under it
// (a scratch directory removed afterwards must not delete anything in the store).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/support/child_process.h"

namespace dfs::testing {

struct FuseMountOptions {
  std::filesystem::path binary;      // dfs-fuse
  std::filesystem::path config;      // its dfc.yaml
  std::filesystem::path mountpoint;  // an existing, empty directory
  std::filesystem::path log;         // dfs-fuse's stderr, appended to
  std::string mount_options;         // passed as -o when not empty
  std::vector<std::string> command_prefix;  // argv put before dfs-fuse's (nsenter into a test host)
  std::chrono::milliseconds ready_timeout{10000};
};

// True when `dir` is the root of a FUSE mount.
bool is_fuse_mount(const std::filesystem::path& dir);

class FuseMount {
 public:
  // Starts dfs-fuse and waits until the mount answers; on failure nothing is left mounted.
  static Result<FuseMount> mount(const FuseMountOptions& options);
  FuseMount(FuseMount&& other) noexcept;
  FuseMount& operator=(FuseMount&&) = delete;
  ~FuseMount();  // unmount(), its error dropped

  pid_t pid() const { return process_ ? process_->pid() : -1; }
  const std::filesystem::path& mountpoint() const { return mountpoint_; }

  // fusermount3 -u and dfs-fuse's exit (within 10 s each). The error says which step failed;
  // either way the mount is gone afterwards. Idempotent.
  Status unmount();

 private:
  FuseMount(std::filesystem::path mountpoint, ChildProcess process);

  std::filesystem::path mountpoint_;
  std::optional<ChildProcess> process_;
};

}  // namespace dfs::testing
