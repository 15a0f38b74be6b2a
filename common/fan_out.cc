#include "common/fan_out.h"

#include <latch>

namespace dfs {

FanOut::~FanOut() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& worker : workers_) worker.wake.notify_one();
  }
  for (auto& worker : workers_) worker.thread.join();
}

void FanOut::run(std::size_t count, const std::function<void(std::size_t)>& task) {
  if (count == 0) return;
  std::latch others_done(static_cast<std::ptrdiff_t>(count - 1));
  for (std::size_t i = 0; i + 1 < count; ++i) {
    std::function<void()> job = [&task, &others_done, i] {
      task(i);
      others_done.count_down();
    };
    Worker* woken = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (idle_.empty()) {
        Worker& worker = workers_.emplace_back();
        worker.job = std::move(job);
        worker.thread = std::thread([this, &worker] { serve(worker); });
      } else {
        woken = idle_.back();
        idle_.pop_back();
        woken->job = std::move(job);
      }
    }
    // Woken with the lock still held, the worker found it taken and slept again at once: two
    // more context switches per task.
    if (woken != nullptr) woken->wake.notify_one();
  }
  task(count - 1);
  others_done.wait();
}

std::size_t FanOut::threads() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

void FanOut::serve(Worker& self) {
  std::unique_lock lock(mutex_);
  for (;;) {
    self.wake.wait(lock, [&] { return self.job != nullptr || stopping_; });
    if (self.job == nullptr) return;
    auto job = std::move(self.job);
    self.job = nullptr;
    lock.unlock();
    job();
    lock.lock();
    idle_.push_back(&self);
  }
}

}  // namespace dfs
