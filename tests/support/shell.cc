#include "tests/support/shell.h"

#include <stdio.h>
#include <sys/wait.h>

namespace dfs::testing {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult run_shell(const std::string& command, int timeout_seconds) {
  const std::string wrapped = "timeout " + std::to_string(timeout_seconds) + " bash -c " + shell_quote(command);
  CommandResult result;
  FILE* pipe = ::popen(wrapped.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace dfs::testing
