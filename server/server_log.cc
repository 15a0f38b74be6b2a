#include "server/server_log.h"

#include <cstdio>
#include <string>

namespace dfs::server {

void ServerLog::line(std::string_view text) {
  std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void ServerLog::request(std::string_view method, std::string_view user, std::string_view target, int status,
                        std::uint64_t bytes, double milliseconds) {
  if (!verbose_ && status < 500) return;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", milliseconds);
  std::string text;
  text.reserve(96 + target.size());
  text += method;
  text += ' ';
  text += user.empty() ? "-" : user;
  text += ' ';
  text += target;
  text += ' ' + std::to_string(status) + ' ' + std::to_string(bytes) + "B " + ms + "ms";
  line(text);
}

void ServerLog::error(std::string_view message) { line("error: " + std::string(message)); }
void ServerLog::notice(std::string_view message) { line(message); }

}  // namespace dfs::server
