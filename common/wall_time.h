// Wall-clock time as dfs stores it: signed nanoseconds since the epoch (entry mtimes, version
// timestamps), and the conversions to and from the kernel's timespec.
#pragma once

#include <ctime>
#include <cstdint>

namespace dfs {

std::int64_t wall_clock_ns();
std::int64_t ns_of(const timespec& time);
// Rounds towards the past, so a time before 1970 keeps 0 <= tv_nsec < 10^9 as the kernel requires.
timespec timespec_of(std::int64_t ns);

}  // namespace dfs
