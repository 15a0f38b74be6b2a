// Removes what failed writers leave behind: temp files from before this process started or older
// than the staged age, and staged versions that were never committed within that age. The server
// runs one sweep before it starts listening (so leftovers of a crash are gone before it serves),
// then start() repeats it every interval on its own thread, under the same entry locks as commits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "server/part_store.h"
#include "server/server_log.h"

namespace dfs::server {

struct SweepReport {
  std::size_t temp_files_removed = 0;
  std::size_t staged_parts_removed = 0;
  // Staged versions left in place: young enough that their writer may still commit them. With
  // no writer at work, this is the server's share of the heal backlog.
  std::size_t staged_versions_kept = 0;
};

class StagedSweeper {
 public:
  StagedSweeper(PartStore& store, ServerLog& log, std::chrono::seconds staged_max_age, std::chrono::seconds interval);
  ~StagedSweeper();

  SweepReport sweep_once();
  // sweep_once() and a log line when it removed anything.
  SweepReport sweep_and_log();
  void start();
  // staged_versions_kept of the last finished sweep (read by any thread).
  std::size_t staged_backlog() const { return staged_backlog_.load(std::memory_order_relaxed); }
  void stop();

 private:
  void sweep_tree(int dir_fd, const std::string& user, const std::string& relative, SweepReport& report, int depth);
  void sweep_entry(int versions_fd, const std::string& user, const std::string& folder, const std::string& name,
                   SweepReport& report);

  PartStore& store_;
  ServerLog& log_;
  std::chrono::seconds staged_max_age_;
  std::chrono::seconds interval_;
  std::chrono::system_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<std::size_t> staged_backlog_{0};
  std::thread thread_;
};

}  // namespace dfs::server
