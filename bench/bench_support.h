// What the benchmarks share: a fresh directory removed at the end, the median, timing and rates,
// what /proc says of a process (CPU seconds, peak RSS), evicting a file from the page cache, and
// running a command to completion with its time, CPU and peak RSS (wait4's rusage).
//
// MB is 10^6 bytes, MiB 2^20, as in docs/performance.md.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace CLI {
class App;
}

namespace dfs::bench {

// A benchmark's main once its options are declared: parses them (exit 2 on bad options, 0 for
// --help), then runs `bench`, turning an exception into one line "NAME: what" and exit 1.
int run_main(CLI::App& app, int argc, char** argv, const char* name, const std::function<int()>& bench);

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
inline double mb_per_s(std::uint64_t bytes, double seconds) {
  return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}
double median(std::vector<double> values);  // of a non-empty set
inline const char* verdict(bool met) { return met ? "PASS" : "MISS"; }

// A fresh "dfs-bench-XXXXXX" directory under `parent`, removed with everything in it at the end.
class BenchDir {
 public:
  explicit BenchDir(const std::filesystem::path& parent);  // throws when it cannot be made
  ~BenchDir();
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// CPU seconds (user + system) a running process has used so far; 0 when /proc does not say.
double cpu_seconds(pid_t pid);
// VmHWM of a running process in MiB; nullopt when /proc does not say.
std::optional<double> peak_rss_mib(pid_t pid);

// Writes back `file`'s dirty pages, then evicts them all (POSIX_FADV_DONTNEED), so the next read
// of it comes from the disk (or, on a VM, from the host's cache of the virtual disk).
Status evict_from_page_cache(const std::filesystem::path& file);
// evict_from_page_cache on every regular file below `dir`.
Status evict_tree_from_page_cache(const std::filesystem::path& dir);
// Whether this process may write /proc/sys/vm/drop_caches (root outside a container).
bool can_drop_all_caches();
// evict_from_page_cache(file), then, where allowed, sync and drop the whole page cache.
Status drop_cache(const std::filesystem::path& file);

// One finished command.
struct ProcessRun {
  int exit_code = -1;             // or 128 + the signal that ended it
  double seconds = 0;             // from just before fork to the reaping
  double cpu_seconds = 0;         // user + system, from wait4's rusage
  double peak_rss_mib = 0;        // ru_maxrss
  std::uint64_t stdout_lines = 0; // '\n' counted on the way to nowhere (when asked for)
  std::string stdout_text;        // its first kMaxCapturedStdout bytes (Stdout::capture)
};

enum class Stdout { discard, count_lines, capture };
inline constexpr std::size_t kMaxCapturedStdout = 1 << 20;

// Runs argv[0] (a path, not searched in $PATH) with stdin from /dev/null, stdout to /dev/null or
// through a pipe whose lines are counted (and kept, for capture), stderr to `stderr_file`. Killed (an error) after
// `timeout`; dies with this process. A non-zero exit is an error naming the command and quoting
// the start of its stderr.
Result<ProcessRun> run_process(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
                               Stdout out, std::chrono::seconds timeout);

// The first executable `name` in /usr/bin or /bin (a bench runs the system's tools, not $PATH's).
Result<std::filesystem::path> find_tool(const std::string& name);
// /proc/loadavg's line, to show how busy the machine was around the figures.
std::string loadavg();

}  // namespace dfs::bench
