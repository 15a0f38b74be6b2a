// Blocking fan-out: running blocking calls side by side (the client's transfers on their own
// connections, the server's fsyncs) needs threads, not an event loop. FanOut keeps the threads
// it started and hands them the next call's tasks: a small file's write fans out about a dozen
// times (parts, copies, commits), and starting a thread for each cost more CPU than the
// transfers themselves (a sixth of the mount's CPU time for 16 KiB files went to clone(2)).
//
// run() never waits for a free thread: a task without an idle thread gets a new one, so tasks
// that fan out again (a part's two copies) cannot deadlock. The threads therefore number the
// peak of tasks running at once; they idle until the FanOut is destroyed, which must not happen
// while a run() is under way.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace dfs {

class FanOut {
 public:
  FanOut() = default;
  ~FanOut();
  FanOut(const FanOut&) = delete;
  FanOut& operator=(const FanOut&) = delete;

  // Runs task(i) for every i in [0, count) at once (the calling thread runs the last one) and
  // returns when all have finished. Tasks report through what they capture, never by throwing.
  void run(std::size_t count, const std::function<void(std::size_t)>& task);

  // Threads started so far (for tests: they are reused, not started per call).
  std::size_t threads() const;

 private:
  struct Worker {
    std::condition_variable wake;
    std::function<void()> job;  // set by run(), cleared by the worker when it starts it
    std::thread thread;
  };
  void serve(Worker& self);

  mutable std::mutex mutex_;
  std::list<Worker> workers_;  // every thread started (a list: Worker addresses stay valid)
  std::vector<Worker*> idle_;
  bool stopping_ = false;
};

}  // namespace dfs
