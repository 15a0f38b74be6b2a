// fsyncs several descriptors at once. On this project's machines an fsync ends in a cache flush
// that waits for the host's disk, and storing a small file's two parts waited for four of them
// one after another (two part files, their folder, the folder's new entry in its parent).
// Issued together, their waits overlap and the block layer can merge their flushes.
//
// The calling thread does its share: sync_all() hands all but one target to the helper threads,
// syncs that one, then takes any the helpers have not started, so it never waits for a busy
// helper to become free.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.h"

namespace dfs::server {

struct SyncTarget {
  int fd;
  std::string_view what;  // for the error: "part file"
};

class FsyncPool {
 public:
  explicit FsyncPool(unsigned helpers = 2);
  ~FsyncPool();
  FsyncPool(const FsyncPool&) = delete;
  FsyncPool& operator=(const FsyncPool&) = delete;

  // fsyncs every target; returns the first failure (in target order) once all are done.
  Status sync_all(std::span<const SyncTarget> targets);

 private:
  struct Batch;
  struct Job {
    SyncTarget target;
    Batch* batch;
    Status result;
  };
  void serve();
  static void run(Job& job);
  void finished(Job& job);

  std::mutex mutex_;
  std::condition_variable work_;  // a job was queued, or stopping_
  std::condition_variable done_;  // a job of some batch finished
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace dfs::server
