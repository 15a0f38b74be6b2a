#include "server/deferred_commits.h"

#include <pthread.h>

#include <utility>

namespace dfs::server {

DeferredCommits::DeferredCommits(Flush flush, std::chrono::milliseconds linger, std::size_t max_items,
                                 std::chrono::milliseconds retry)
    : flush_(std::move(flush)), linger_(linger), max_items_(max_items), retry_(retry), flusher_([this] { serve(); }) {}

DeferredCommits::~DeferredCommits() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  pending_or_stopping_.notify_one();
  flusher_.join();
}

void DeferredCommits::add(DeferredSync sync) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    pending_.syncs.push_back(std::move(sync));
    wake = added();
  }
  if (wake) pending_or_stopping_.notify_one();
}

void DeferredCommits::add(DeferredCommit commit) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    pending_.commits.push_back(std::move(commit));
    wake = added();
  }
  if (wake) pending_or_stopping_.notify_one();
}

bool DeferredCommits::added() {
  ++added_;
  // The flusher needs waking for the first item of a batch, and for the one that fills it; in
  // between it is lingering on purpose, and waking it would only put it back to sleep (a futex
  // wake and two context switches per item).
  const std::size_t items = pending_.syncs.size() + pending_.commits.size();
  return items == 1 || items >= max_items_;
}

void DeferredCommits::wait_flushed() {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = added_;
  if (flushed_ >= ticket) return;
  ++waiting_;
  pending_or_stopping_.notify_one();  // cuts a lingering batch short
  flushed_more_.wait(lock, [&] { return flushed_ >= ticket; });
  --waiting_;
}

void DeferredCommits::serve() {
  pthread_setname_np(pthread_self(), "dfs-flusher");
  DeferredBatch batch;
  for (;;) {
    std::uint64_t through = 0;
    bool last = false;  // the stop's flush
    {
      std::unique_lock lock(mutex_);
      const auto work = [&] { return stopping_ || added_ > flushed_; };
      if (again_) {
        pending_or_stopping_.wait_for(lock, retry_, work);  // then flush, with or without new items
      } else {
        pending_or_stopping_.wait(lock, work);
        if (added_ == flushed_) return;  // stopping, and nothing left to make durable
      }
      if (added_ > flushed_) {
        pending_or_stopping_.wait_for(lock, linger_, [&] {
          return stopping_ || waiting_ > 0 || pending_.syncs.size() + pending_.commits.size() >= max_items_;
        });
      }
      std::swap(batch, pending_);
      through = added_;
      last = stopping_;
    }
    again_ = false;
    flush_(batch);
    batch.syncs.clear();
    batch.commits.clear();
    bool done = false;
    {
      std::lock_guard lock(mutex_);
      flushed_ = through;
      done = last && added_ == flushed_;  // what the flush keeps has had its try at the stop
    }
    flushed_more_.notify_all();
    if (done) return;
  }
}

}  // namespace dfs::server
