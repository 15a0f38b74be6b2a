// Writes one version of one entry: every part to both servers the placement names, in
// parallel, then a commit to every server that stored a part, once each part has the required
// copies. Until that commit nothing a reader sees changes, so any failure before it leaves the
// previous version readable; staged leftovers are invisible and swept by the servers.
#pragma once

#include <cstdint>
#include <vector>

#include "client-core/client_counters.h"
#include "client-core/dfs_client.h"
#include "common/fan_out.h"
#include "client-core/server_pool.h"
#include "common/protocol.h"
#include "common/remote_path.h"
#include "common/version_id.h"

namespace dfs::client {

class VersionWriter {
 public:
  // `min_copies`: 1 or 2 copies of every part before a commit. Degraded commits are counted
  // into `counters`.
  VersionWriter(ServerPool& pool, FanOut& fan_out, int min_copies, ClientCounters& counters)
      : pool_(pool), fan_out_(fan_out), min_copies_(min_copies), counters_(counters) {}

  // Stores `data` (attributes.size bytes; none for dir and tombstone) as `version` of `path`.
  // Errc::conflict when a newer version was committed meanwhile (the caller may retry newer).
  // On success, returns the reader's view of the new version. `durability`: when the servers
  // make the commit durable, and a small file's parts (each server makes parts durable before
  // it writes a commit of theirs; a large file's parts are durable before the commit is sent).
  Result<EntryInfo> write(const RemotePath& path, const VersionId& version, const protocol::EntryAttributes& attributes,
                          const ByteSource& data, const ProgressCallback& progress = {},
                          protocol::CommitDurability durability = protocol::CommitDurability::now);

  // Commits `written` again on the servers that stored its parts, durably before they answer
  // (a commit made `later` becomes durable now, and so do parts stored `later`). Enough when
  // every part has one server that answered: each makes its parts durable before its commit.
  Status make_durable(const RemotePath& path, const EntryInfo& written);

  // A new version with `from`'s bytes (copied on each server that holds a part of `from`) and
  // new attributes: chmod, chown and utimens without moving any data.
  Result<EntryInfo> write_copy(const RemotePath& path, const EntryInfo& from, const VersionId& version,
                               const protocol::EntryAttributes& attributes);

 private:
  struct StoreOutcome;
  struct CommitOutcome {
    std::uint64_t committed = 0;  // a bit per server that answered
    std::vector<Error> failed;
    bool none_committed() const { return committed == 0; }
  };
  // Commits `version` on every server whose bit is set in `servers_bits`, side by side.
  CommitOutcome commit_on(const RemotePath& path, const VersionId& version, std::uint64_t servers_bits,
                          protocol::CommitDurability durability);
  // write() of a file whose parts are all small: every copy's request goes out from this
  // thread, then every answer is read (ServerPool::exchange_all).
  Result<EntryInfo> write_small(const RemotePath& path, const VersionId& version,
                                const protocol::EntryAttributes& attributes, const ByteSource& data,
                                const ProgressCallback& progress, protocol::CommitDurability durability);
  // Checks copies per part and commits; shared by both kinds of write.
  Result<EntryInfo> commit_if_enough(const RemotePath& path, const VersionId& version,
                                     const protocol::EntryAttributes& attributes, int parts, StoreOutcome& outcome,
                                     protocol::CommitDurability durability);

  ServerPool& pool_;
  FanOut& fan_out_;
  int min_copies_;
  ClientCounters& counters_;
};

}  // namespace dfs::client
