#include "server/deferred_commits.h"

#include <utility>

namespace dfs::server {

DeferredCommits::DeferredCommits(Flush flush) : flush_(std::move(flush)), flusher_([this] { serve(); }) {}

DeferredCommits::~DeferredCommits() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  pending_or_stopping_.notify_one();
  flusher_.join();
}

void DeferredCommits::add(DeferredCommit commit) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(commit));
  }
  pending_or_stopping_.notify_one();
}

void DeferredCommits::serve() {
  std::vector<DeferredCommit> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      pending_or_stopping_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and nothing left to make durable
      batch.swap(pending_);
    }
    flush_(batch);
    batch.clear();
  }
}

}  // namespace dfs::server
