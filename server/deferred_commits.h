// Group commit: what a client asked to make durable "later" (X-Dfs-Flush: later: the parts of
// a small file the mount closes, and its commit) is answered at once and made durable in
// batches, off the request's path. One thread waits for work, lets the batch gather for a short
// linger (unless someone waits for it, or it is full), takes everything that arrived meanwhile
// and hands the batch to `flush`, which makes the batch's part files and folders
// durable, then writes the commits' markers and makes those durable, then removes the versions
// they supersede. What arrives while a batch is being flushed goes into the next one.
//
// Why linger: each batch costs thread wake-ups and writes that wait for the disk, and files
// closed a few milliseconds apart (a cp of many small files) otherwise went one batch each. A
// batch of several shares them.
//
// The destructor flushes what is still pending before it returns, so a clean stop leaves every
// answered commit durable. A flush that could not finish part of its batch keeps that part
// itself and calls try_again_later(): it is then called again, with whatever arrived or with an
// empty batch, after the retry interval, and once more at the stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "common/version_id.h"

namespace dfs::server {

// Parts stored but not yet durable: their files and the folders whose new entries name them.
struct DeferredSync {
  std::shared_ptr<const UniqueFd> folder;  // the version folder (its writers' descriptor)
  std::vector<std::string> part_names;     // in the folder; removed if they cannot be made durable
  std::vector<UniqueFd> targets;           // to fsync with the folder: the part files, folders made for them
  std::string lock_key;                    // its EntryLocks key
  VersionId version;
};

struct DeferredCommit {
  UniqueFd folder;       // the version folder, open (its own descriptor)
  std::string relative;  // the folder below the user's, for messages
  std::string lock_key;  // its EntryLocks key
  VersionId version;     // to commit; older versions go once the commit is durable
};

struct DeferredBatch {
  std::vector<DeferredSync> syncs;
  std::vector<DeferredCommit> commits;
};

class DeferredCommits {
 public:
  using Flush = std::function<void(DeferredBatch&)>;
  // A batch gathers for up to `linger` after its first item, or until it holds `max_items`.
  explicit DeferredCommits(Flush flush, std::chrono::milliseconds linger = std::chrono::milliseconds(0),
                           std::size_t max_items = 256, std::chrono::milliseconds retry = std::chrono::seconds(1));
  ~DeferredCommits();
  DeferredCommits(const DeferredCommits&) = delete;
  DeferredCommits& operator=(const DeferredCommits&) = delete;

  void add(DeferredSync sync);
  void add(DeferredCommit commit);
  // Returns once everything added before the call has been flushed; the batch does not linger.
  void wait_flushed();
  // From within the flush only: call the flush again after the retry interval even if nothing
  // new arrives (the flush kept what it could not finish).
  void try_again_later() { again_ = true; }

 private:
  void serve();
  // Counts an item just added to pending_ (mutex_ held); whether the flusher must be woken.
  bool added();

  Flush flush_;
  const std::chrono::milliseconds linger_;
  const std::size_t max_items_;
  const std::chrono::milliseconds retry_;
  bool again_ = false;  // set by the flush through try_again_later(); the flusher's thread only
  std::mutex mutex_;
  std::condition_variable pending_or_stopping_;
  std::condition_variable flushed_more_;
  DeferredBatch pending_;
  std::uint64_t added_ = 0;    // items added so far
  std::uint64_t flushed_ = 0;  // items flushed so far (the first ones added)
  std::size_t waiting_ = 0;    // callers in wait_flushed()
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace dfs::server
