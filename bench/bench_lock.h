// The machine-wide benchmark lock: an flock(2) on a shared file (/tmp/bench.lock, the file the
// peers' scripts in shared/bench take with `flock`), held around each timed section so that two
// benchmarks on this machine never time at the same moment.
#pragma once

#include <chrono>
#include <filesystem>

#include "common/error.h"
#include "common/unique_fd.h"

namespace dfs::bench {

class BenchLock {
 public:
  // Waits up to `wait` for the lock (an error naming the file when it stays taken); an empty
  // `file` takes no lock at all.
  static Result<BenchLock> acquire(const std::filesystem::path& file, std::chrono::seconds wait);
  // Released when destroyed (closing the file releases the flock).

 private:
  explicit BenchLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace dfs::bench
