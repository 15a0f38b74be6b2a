// The server's log: one line per request with -v, errors and notices always, on stderr (journald
// and the test harness both read it). Lines are written whole under a mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

namespace dfs::server {

class ServerLog {
 public:
  explicit ServerLog(bool verbose) : verbose_(verbose) {}

  void request(std::string_view method, std::string_view user, std::string_view target, int status,
               std::uint64_t bytes, double milliseconds);
  void error(std::string_view message);
  void notice(std::string_view message);

 private:
  void line(std::string_view text);
  std::mutex mutex_;
  bool verbose_;
};

}  // namespace dfs::server
