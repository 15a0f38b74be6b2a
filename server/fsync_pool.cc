#include "server/fsync_pool.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace dfs::server {

struct FsyncPool::Batch {
  std::size_t unfinished = 0;  // under mutex_
};

FsyncPool::FsyncPool(unsigned helpers) {
  for (unsigned i = 0; i < helpers; ++i) helpers_.emplace_back([this] { serve(); });
}

FsyncPool::~FsyncPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& helper : helpers_) helper.join();
}

void FsyncPool::run(Job& job) {
  if (::fsync(job.target.fd) != 0) job.result = Error::from_errno(errno, "fsync " + std::string(job.target.what));
}

void FsyncPool::finished(Job& job) {
  {
    std::lock_guard lock(mutex_);
    --job.batch->unfinished;
  }
  done_.notify_all();
}

void FsyncPool::serve() {
  for (;;) {
    Job* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      job = queue_.front();
      queue_.pop_front();
    }
    run(*job);
    finished(*job);
  }
}

Status FsyncPool::sync_all(std::span<const SyncTarget> targets) {
  if (targets.empty()) return {};
  Batch batch;
  std::vector<Job> jobs;
  jobs.reserve(targets.size());
  for (const auto& target : targets) jobs.push_back(Job{target, &batch, {}});
  if (jobs.size() > 1 && !helpers_.empty()) {
    {
      std::lock_guard lock(mutex_);
      batch.unfinished = jobs.size() - 1;
      for (std::size_t i = 1; i < jobs.size(); ++i) queue_.push_back(&jobs[i]);
    }
    work_.notify_all();
    run(jobs[0]);
    std::unique_lock lock(mutex_);
    // Jobs of this batch that no helper has taken yet are this thread's to run.
    for (;;) {
      auto mine = std::find_if(queue_.begin(), queue_.end(), [&](const Job* job) { return job->batch == &batch; });
      if (mine == queue_.end()) break;
      Job* job = *mine;
      queue_.erase(mine);
      lock.unlock();
      run(*job);
      lock.lock();
      --batch.unfinished;
    }
    done_.wait(lock, [&] { return batch.unfinished == 0; });
  } else {
    for (auto& job : jobs) run(job);
  }
  for (auto& job : jobs) {
    if (!job.result) return job.result;
  }
  return {};
}

}  // namespace dfs::server
