// Every entry any server holds below a directory, with each server's LIST records of it, in
// batches of one page: what status and heal look at. Unlike a reader's listing it keeps staged
// versions, tombstones and who holds what, and it walks into every name some server holds a
// directory version of (a server that missed an rmdir still shows what it kept).
//
// Memory is bounded by one page per server: pages are merged by name up to the smallest name
// where some server's page stopped, and the rest is asked for again in the next round.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/fan_out.h"
#include "client-core/heal_plan.h"
#include "client-core/server_pool.h"
#include "common/error.h"
#include "common/remote_path.h"

namespace dfs::client {

struct WalkedEntry {
  RemotePath path;
  std::vector<ServerRecord> records;
};

struct WalkBatch {
  std::vector<WalkedEntry> entries;
  std::uint64_t answered = 0;  // a bit per server whose LIST of this page answered
};

class TreeWalk {
 public:
  TreeWalk(ServerPool& pool, FanOut& fan_out, std::size_t page_entries = 1000)
      : pool_(pool), fan_out_(fan_out), page_entries_(page_entries) {}

  // Visits `top` itself (unless it is the root) and everything below it, a batch at a time.
  // Returns per server the first error it gave (nullopt: it answered every LIST).
  std::vector<std::optional<Error>> walk(const RemotePath& top, const std::function<void(const WalkBatch&)>& visit);

 private:
  // One round of LISTs of `dir` on every server; merges what is complete into a batch and
  // returns where the next round starts (nullopt: the directory is done).
  std::optional<std::string> list_round(const RemotePath& dir, const ListOptions& options, WalkBatch& batch,
                                        std::vector<std::optional<Error>>& errors);

  ServerPool& pool_;
  FanOut& fan_out_;
  std::size_t page_entries_;
};

}  // namespace dfs::client
