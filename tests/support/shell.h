// Runs a shell command for a test (curl, mount, dd...) under `timeout`, so it cannot hang.
#pragma once

#include <string>

namespace dfs::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when merged with 2>&1 in the command)
};

CommandResult run_shell(const std::string& command, int timeout_seconds = 60);
// Single-quotes a string for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace dfs::testing
