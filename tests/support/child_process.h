// A process a test starts and owns: stdout through a pipe the test can wait on, stderr appended
// to a file. Every wait has a deadline (pidfd + poll; no sleeping). The child dies with the test
// process (PR_SET_PDEATHSIG), and a ChildProcess destroyed while running kills and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/unique_fd.h"

namespace dfs::testing {

class ChildProcess {
 public:
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
                                    const std::filesystem::path& working_dir = {});
  ChildProcess(ChildProcess&&) noexcept;
  ChildProcess& operator=(ChildProcess&&) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Reads stdout until a line containing `needle` arrives; returns that line.
  Result<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout);
  void signal(int sig) const;
  // After SIGSTOP: waits until the whole process has stopped (kill() returns before it has);
  // false when it has not within `timeout`.
  bool wait_stopped(std::chrono::milliseconds timeout) const;
  // Waits for the exit: the exit code, or 128 + signal number; nullopt when the deadline passed.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  ChildProcess() = default;
  void kill_and_reap();

  pid_t pid_ = -1;
  UniqueFd pidfd_;
  UniqueFd stdout_;
  std::string pending_;
};

}  // namespace dfs::testing
