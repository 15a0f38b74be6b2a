#include "bench/bench_lock.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>

#include <cerrno>

#include "bench/bench_support.h"

namespace dfs::bench {
namespace {

constexpr int kRetryMs = 100;

}  // namespace

Result<BenchLock> BenchLock::acquire(const std::filesystem::path& file, std::chrono::seconds wait) {
  if (file.empty()) return BenchLock(UniqueFd());
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666));
  if (!fd.valid()) return Error::from_errno(errno, "open the benchmark lock " + file.string());
  const auto deadline = Clock::now() + wait;
  // Polled, not blocking, so the wait has an end.
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return Error::from_errno(errno, "flock " + file.string());
    if (Clock::now() >= deadline) {
      return Error(Errc::timeout, "another benchmark held " + file.string() + " for " + std::to_string(wait.count()) +
                                      " s; try later, or pass --lock-wait-s or --lock ''");
    }
    ::poll(nullptr, 0, kRetryMs);
  }
  return BenchLock(std::move(fd));
}

}  // namespace dfs::bench
