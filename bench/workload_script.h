// The peers' fixed workload (shared/bench/workload.sh: a 1 GiB cp + sync, its cold cat, a cp of
// 1000 files of 16 KiB, ls -l of them after a remount, their cold cat, rm -rf) run on one
// directory, and its "NAME VALUE UNIT" lines read back. The same script runs on every
// filesystem compared (dfs, MooseFS, the local disk), so the figures are of the same work.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace dfs::bench {

struct WorkloadSettings {
  std::filesystem::path script;      // workload.sh
  std::filesystem::path bash;        // the shell that runs it
  std::filesystem::path source_dir;  // its SRC: the big file and the small ones, made once, reused
  std::uint64_t big_mb = 1024;       // BIG_MB
  int small_n = 1000;                // SMALL_N
  int small_kb = 16;                 // SMALL_KB
  std::chrono::seconds timeout{3600};
};

struct Figure {
  double value = 0;
  std::string unit;
};
using Figures = std::map<std::string, Figure, std::less<>>;

// The "NAME VALUE UNIT ..." lines of `text` whose VALUE is a number; other lines are skipped.
Figures parse_figures(std::string_view text);

// The name of the listing figure for `small_n` files: "ls_l_1000".
std::string listing_figure(int small_n);

// Runs the workload on `dir` (an empty directory) with `remount_command` as its REMOUNT_CMD
// (":" for none). An error when the script fails or misses a figure, when the big file did not
// come back identical, or when ls -l listed another number of files than it wrote.
Result<Figures> run_workload(const WorkloadSettings& settings, const std::filesystem::path& dir,
                             const std::string& remount_command, const std::filesystem::path& stderr_file);

}  // namespace dfs::bench
