// Group commit: commits a client asked to make durable "later" (X-Dfs-Flush: later) are
// recorded at once and made durable in batches, off the request's path. One thread waits for
// pending commits, takes every one that arrived meanwhile and hands the batch to `flush` (which
// fsyncs their folders side by side, then removes the versions they supersede). A commit that
// arrives while a batch is being flushed goes into the next one.
//
// The destructor flushes what is still pending before it returns, so a clean stop leaves every
// answered commit durable.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "common/version_id.h"

namespace dfs::server {

struct DeferredCommit {
  UniqueFd folder;       // the version folder, open (its own descriptor)
  std::string relative;  // the folder below the user's, for messages
  std::string lock_key;  // its EntryLocks key
  VersionId version;     // committed; older versions go once the commit is durable
};

class DeferredCommits {
 public:
  using Flush = std::function<void(std::vector<DeferredCommit>&)>;
  explicit DeferredCommits(Flush flush);
  ~DeferredCommits();
  DeferredCommits(const DeferredCommits&) = delete;
  DeferredCommits& operator=(const DeferredCommits&) = delete;

  void add(DeferredCommit commit);

 private:
  void serve();

  Flush flush_;
  std::mutex mutex_;
  std::condition_variable pending_or_stopping_;
  std::vector<DeferredCommit> pending_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace dfs::server
