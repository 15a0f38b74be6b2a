// FanOut: every task runs exactly once, the threads are reused across calls, and tasks that fan
// out again (a part's two copies inside the parts' fan-out) finish instead of deadlocking.
#include "common/fan_out.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace dfs {
namespace {

TEST(FanOut, RunsEveryTaskOnceAndReturnsAfterAll) {
  FanOut fan_out;
  std::vector<std::atomic<int>> runs(8);
  fan_out.run(runs.size(), [&](std::size_t i) { ++runs[i]; });
  for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(FanOut, ZeroTasksIsNothingAndOneRunsOnTheCaller) {
  FanOut fan_out;
  fan_out.run(0, [](std::size_t) { FAIL() << "no task was asked for"; });
  std::thread::id ran_on;
  fan_out.run(1, [&](std::size_t) { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(fan_out.threads(), 0u);
}

TEST(FanOut, ReusesItsThreadsAcrossCalls) {
  FanOut fan_out;
  // First, 4 tasks that wait for each other: 3 threads besides the caller must exist at once.
  std::atomic<int> started{0};
  fan_out.run(4, [&](std::size_t) {
    ++started;
    while (started.load() < 4) std::this_thread::yield();
  });
  EXPECT_EQ(fan_out.threads(), 3u);
  // Then many calls: idle threads are handed the tasks. A worker may still be on its way back
  // to idle when the next call starts, so a few more may be made, never one per task (150).
  for (int call = 0; call < 50; ++call) fan_out.run(4, [](std::size_t) {});
  EXPECT_GE(fan_out.threads(), 3u);
  EXPECT_LT(fan_out.threads(), 50u);
}

TEST(FanOut, NestedFanOutFinishes) {
  FanOut fan_out;
  std::atomic<int> leaves{0};
  fan_out.run(4, [&](std::size_t) { fan_out.run(2, [&](std::size_t) { ++leaves; }); });
  EXPECT_EQ(leaves.load(), 8);
}

TEST(FanOut, TasksRunAtTheSameTime) {
  // Each task waits until all have started: this only finishes when they run side by side.
  FanOut fan_out;
  constexpr int kTasks = 6;
  std::atomic<int> started{0};
  fan_out.run(kTasks, [&](std::size_t) {
    ++started;
    while (started.load() < kTasks) std::this_thread::yield();
  });
  EXPECT_EQ(started.load(), kTasks);
}

}  // namespace
}  // namespace dfs
