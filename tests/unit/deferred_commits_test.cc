// DeferredCommits, the server's group commit: every commit added reaches the flush exactly once,
// one that arrives during a flush goes into the next batch, wait_flushed() returns once what was
// added before it is flushed, and the destructor returns only once everything pending was
// flushed (a clean stop leaves every answered commit durable). A batch lingers until it is full,
// unless someone waits for it.
#include "server/deferred_commits.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace dfs::server {
namespace {

DeferredCommit commit_of(std::uint64_t n) { return DeferredCommit{UniqueFd(), "folder", "key", VersionId{n, 1}}; }

TEST(DeferredCommits, EveryCommitReachesTheFlushOnceAndTheDestructorFlushesThePendingOnes) {
  std::mutex mutex;
  std::vector<std::uint64_t> flushed;
  {
    DeferredCommits commits([&](DeferredBatch& batch) {
      std::lock_guard lock(mutex);
      for (const auto& c : batch.commits) flushed.push_back(c.version.time_ns);
    });
    std::thread other([&] {
      for (std::uint64_t n = 1000; n < 1100; ++n) commits.add(commit_of(n));
    });
    for (std::uint64_t n = 0; n < 100; ++n) commits.add(commit_of(n));
    other.join();
  }
  std::sort(flushed.begin(), flushed.end());
  std::vector<std::uint64_t> expected;
  for (std::uint64_t n = 0; n < 100; ++n) expected.push_back(n);
  for (std::uint64_t n = 1000; n < 1100; ++n) expected.push_back(n);
  EXPECT_EQ(flushed, expected);
}

TEST(DeferredCommits, ACommitAddedDuringAFlushGoesIntoTheNextBatch) {
  std::promise<void> first_batch_started;
  std::promise<void> second_added;
  auto go_on = second_added.get_future();
  std::vector<std::vector<std::uint64_t>> batches;  // only the flusher thread writes it
  {
    DeferredCommits commits([&](DeferredBatch& batch) {
      std::vector<std::uint64_t> versions;
      for (const auto& c : batch.commits) versions.push_back(c.version.time_ns);
      batches.push_back(versions);
      if (batches.size() == 1) {
        first_batch_started.set_value();
        go_on.wait();
      }
    });
    commits.add(commit_of(1));
    first_batch_started.get_future().wait();
    commits.add(commit_of(2));
    commits.add(commit_of(3));
    second_added.set_value();
  }  // the destructor joins the flusher: `batches` is complete and no longer written
  EXPECT_EQ(batches, (std::vector<std::vector<std::uint64_t>>{{1}, {2, 3}}));
}

// A durable commit waits so for the parts stored `later` before it.
TEST(DeferredCommits, WaitFlushedReturnsOnceWhatWasAddedBeforeItIsFlushed) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<std::size_t> flushed{0};
  DeferredCommits commits([&](DeferredBatch& batch) {
    released.wait();
    flushed += batch.syncs.size() + batch.commits.size();
  });
  DeferredSync sync;
  sync.version = VersionId{1, 1};
  commits.add(std::move(sync));
  commits.add(commit_of(1));
  auto waited = std::async(std::launch::async, [&] {
    commits.wait_flushed();
    return flushed.load();
  });
  // The flush is held, so a correct wait cannot end in this bounded look; a wait that does not
  // wait ends at once.
  EXPECT_EQ(waited.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "wait_flushed returned while the flush was held";
  release.set_value();
  EXPECT_EQ(waited.get(), 2u) << "wait_flushed returned before both were flushed";
}

// Linger an hour: only a full batch, or a caller that waits, can start a flush within the test.
constexpr auto kLongLinger = std::chrono::hours(1);
// Bounds the waits for what must happen at once (a flush that waited out the linger fails).
constexpr auto kPromptly = std::chrono::seconds(30);

TEST(DeferredCommits, ABatchLingersUntilItIsFull) {
  std::mutex mutex;
  std::vector<std::vector<std::uint64_t>> batches;
  std::promise<void> first_flushed;
  DeferredCommits commits(
      [&](DeferredBatch& batch) {
        std::lock_guard lock(mutex);
        std::vector<std::uint64_t> versions;
        for (const auto& c : batch.commits) versions.push_back(c.version.time_ns);
        batches.push_back(versions);
        if (batches.size() == 1) first_flushed.set_value();
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(kLongLinger), 3);
  commits.add(commit_of(1));
  commits.add(commit_of(2));
  commits.add(commit_of(3));
  ASSERT_EQ(first_flushed.get_future().wait_for(kPromptly), std::future_status::ready) << "a full batch waited";
  std::lock_guard lock(mutex);
  EXPECT_EQ(batches, (std::vector<std::vector<std::uint64_t>>{{1, 2, 3}}));
}

TEST(DeferredCommits, WaitFlushedCutsTheLingerShort) {
  std::atomic<std::size_t> flushed{0};
  DeferredCommits commits([&](DeferredBatch& batch) { flushed += batch.commits.size(); },
                          std::chrono::duration_cast<std::chrono::milliseconds>(kLongLinger), 100);
  commits.add(commit_of(1));
  commits.add(commit_of(2));
  auto waited = std::async(std::launch::async, [&] {
    commits.wait_flushed();
    return flushed.load();
  });
  const bool prompt = waited.wait_for(kPromptly) == std::future_status::ready;
  if (!prompt) {
    for (std::uint64_t n = 3; n <= 100; ++n) commits.add(commit_of(n));  // a full batch ends the wait
  }
  EXPECT_TRUE(prompt) << "wait_flushed waited for the linger";
  EXPECT_GE(waited.get(), 2u);
}

// A flush that keeps part of its batch (a marker its folder refused) asks to be called again:
// it is, after the retry interval, with nothing new added.
TEST(DeferredCommits, AFlushThatKeepsWorkIsCalledAgainWithoutNewItems) {
  std::mutex mutex;
  std::condition_variable called;
  std::vector<std::size_t> sizes;
  DeferredCommits* self = nullptr;
  DeferredCommits commits(
      [&](DeferredBatch& batch) {
        std::lock_guard lock(mutex);
        sizes.push_back(batch.commits.size());
        if (sizes.size() < 3) self->try_again_later();
        called.notify_all();
      },
      std::chrono::milliseconds(0), 256, std::chrono::milliseconds(10));
  self = &commits;
  commits.add(commit_of(1));
  std::unique_lock lock(mutex);
  EXPECT_TRUE(called.wait_for(lock, kPromptly, [&] { return sizes.size() >= 3; })) << "no retry came";
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 0, 0}));
}

// At the stop, a flush that still keeps work gets one more call, and the stop ends even though
// it asks again.
TEST(DeferredCommits, AFlushThatKeepsWorkGetsOneMoreCallAtTheStop) {
  std::vector<std::size_t> sizes;  // the flusher thread writes it; read after the stop
  std::promise<void> first_flushed;
  {
    DeferredCommits* self = nullptr;
    DeferredCommits commits(
        [&](DeferredBatch& batch) {
          sizes.push_back(batch.commits.size());
          self->try_again_later();
          if (sizes.size() == 1) first_flushed.set_value();
        },
        std::chrono::milliseconds(0), 256, std::chrono::duration_cast<std::chrono::milliseconds>(kLongLinger));
    self = &commits;
    commits.add(commit_of(1));
    ASSERT_EQ(first_flushed.get_future().wait_for(kPromptly), std::future_status::ready);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 0}));
}

}  // namespace
}  // namespace dfs::server
