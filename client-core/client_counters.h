// What a DfsClient counts about its own work, for a process that exports metrics (dfs-fuse's
// /metrics). Owned by the DfsClient (no globals); any thread may read it at any time.
#pragma once

#include <atomic>
#include <cstdint>

namespace dfs::client {

struct ClientCounters {
  // Writes that committed with some part on fewer than 2 servers (min_copies: 1 and a server
  // down): readable, but one server's loss away from incomplete until `dfc heal` copies them.
  std::atomic<std::uint64_t> degraded_writes{0};
};

}  // namespace dfs::client
