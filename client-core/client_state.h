// What one DfsClient shares between its operations (internal to client-core): the connection
// pool, the clock that numbers its writes, and the lookups every operation starts with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "client-core/entry_merge.h"
#include "client-core/server_pool.h"
#include "client-core/version_reader.h"
#include "client-core/version_writer.h"
#include "common/unique_fd.h"
#include "common/version_id.h"

namespace dfs::client {

// What every server said about one directory (or one name in it).
struct MergedAnswers {
  EntryMerge merge;
  std::vector<Error> unreachable;
};

// A file unnamed in the config's spool folder (gone when closed), for moving bytes between two
// names or two servers.
Result<UniqueFd> open_spool_file(const ClientConfig& config);

// pwrite of all of `bytes` at `offset`; `what` names the file in the error.
Status write_all_at(int fd, std::uint64_t offset, std::string_view bytes, const std::string& what);

struct DfsClient::Impl {
  explicit Impl(ClientConfig c);

  // LIST `dir` (only `name` when given) on every server at once, all pages; merged. Fails only
  // when no server answered (with the most telling error).
  Result<MergedAnswers> ask_all(const RemotePath& dir, const std::optional<std::string>& name);
  // LIST `dir` on every server at once; per server its answer (every page of it when
  // `all_pages`, records joined) or why it gave none.
  std::vector<Result<ListPage>> list_everywhere(const RemotePath& dir, const ListOptions& first, bool all_pages);
  // The error for "no server answered": wrong credentials as they are, else every server's reason.
  static Error none_answered(const std::vector<Error>& errors);
  // A new version number, newer than anything this client has seen of the entry.
  VersionId next_version() { return clock.next(); }
  // Writes `data` as `path`, retrying once with a newer version when a newer one was committed
  // meanwhile by a writer whose clock runs ahead.
  Result<EntryInfo> write_version(const RemotePath& path, protocol::EntryAttributes attributes, const ByteSource& data,
                                  const ProgressCallback& progress = {},
                                  protocol::CommitDurability durability = protocol::CommitDurability::now);
  // A version with no bytes (directory marker, tombstone).
  Result<EntryInfo> write_marker(const RemotePath& path, protocol::EntryKind kind, std::uint32_t mode,
                                 const Owner& owner = {},
                                 protocol::CommitDurability durability = protocol::CommitDurability::now);
  // The parent of `path` must be an existing directory (not_found / not_directory otherwise).
  Status check_parent(const RemotePath& path);

  ClientConfig config;
  ClientCounters counters;  // before writer, which counts into it
  ServerPool pool;
  FanOut fan_out;  // before writer and reader, which use it
  HybridClock clock;
  VersionWriter writer;
  VersionReader reader;
};

}  // namespace dfs::client
