#include "bench/workload_script.h"

#include <cstdlib>
#include <sstream>
#include <vector>

#include "bench/bench_support.h"

namespace dfs::bench {

Figures parse_figures(std::string_view text) {
  Figures figures;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name, value, unit;
    if (!(words >> name >> value >> unit)) continue;
    char* end = nullptr;
    const double number = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') continue;
    figures[name] = Figure{number, unit};
  }
  return figures;
}

std::string listing_figure(int small_n) { return "ls_l_" + std::to_string(small_n); }

Result<Figures> run_workload(const WorkloadSettings& settings, const std::filesystem::path& dir,
                             const std::string& remount_command, const std::filesystem::path& stderr_file) {
  const std::vector<std::string> argv{"/usr/bin/env",
                                      "BIG_MB=" + std::to_string(settings.big_mb),
                                      "SMALL_N=" + std::to_string(settings.small_n),
                                      "SMALL_KB=" + std::to_string(settings.small_kb),
                                      "SRC=" + settings.source_dir.string(),
                                      settings.bash.string(),
                                      settings.script.string(),
                                      dir.string(),
                                      remount_command};
  auto run = run_process(argv, stderr_file, Stdout::capture, settings.timeout);
  if (!run) return run.error().with_context("workload.sh on " + dir.string());
  Figures figures = parse_figures(run->stdout_text);
  const std::string listing = listing_figure(settings.small_n);
  for (const char* name : {"seq_write_1file", "seq_read_1file", "big_roundtrip_identical", "small_create",
                           listing.c_str(), "small_read", "rm_all"}) {
    if (figures.find(name) == figures.end()) {
      return Error(Errc::io_error, "workload.sh on " + dir.string() + " printed no '" + name +
                                       "' line; it printed: " + run->stdout_text);
    }
  }
  if (figures["big_roundtrip_identical"].value != 1) {
    return Error(Errc::corruption,
                 "workload.sh on " + dir.string() + ": the big file read back differs from what was written");
  }
  // "ls_l_1000 52 ms (listed 1000)": the count is the fifth word.
  const std::string listed = "(listed " + std::to_string(settings.small_n) + ")";
  if (run->stdout_text.find(listing + " ") == std::string::npos || run->stdout_text.find(listed) == std::string::npos) {
    return Error(Errc::corruption, "workload.sh on " + dir.string() + ": ls -l did not list the " +
                                       std::to_string(settings.small_n) +
                                       " files written; it printed: " + run->stdout_text);
  }
  return figures;
}

}  // namespace dfs::bench
