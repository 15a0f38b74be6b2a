#include "common/wall_time.h"

#include <chrono>

namespace dfs {

namespace {
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
}  // namespace

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t ns_of(const timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * kNsPerSecond + time.tv_nsec;
}

timespec timespec_of(std::int64_t ns) {
  std::int64_t seconds = ns / kNsPerSecond;
  std::int64_t rest = ns % kNsPerSecond;
  if (rest < 0) {
    --seconds;
    rest += kNsPerSecond;
  }
  return timespec{static_cast<time_t>(seconds), static_cast<long>(rest)};
}

}  // namespace dfs
