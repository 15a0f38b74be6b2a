// Turns what each server says it holds (LIST records) into what a reader sees: per entry the
// newest version committed on any server (a commit anywhere makes every copy of that version
// usable), which servers hold each of its parts, and which parts nobody reachable holds.
// Pure: no I/O, so the version rules are pinned by unit tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "common/protocol.h"
#include "common/version_id.h"

namespace dfs::client {

class EntryMerge {
 public:
  // Server `server` (0-based, < 64) holds the part version `record` describes.
  void add(int server, const protocol::ListRecord& record);

  // One entry's reader view; nullopt when it has no committed version or the newest committed
  // one is a tombstone (deleted).
  std::optional<EntryInfo> entry(const std::string& name) const;
  // All visible entries, sorted by name.
  std::vector<EntryInfo> entries() const;
  // The newest version seen in any record (staged, committed, tombstone): a writer's clock
  // must move past it so that its next write wins.
  std::optional<VersionId> newest_seen() const { return newest_seen_; }

 private:
  struct VersionSeen {
    protocol::EntryAttributes attributes;
    int parts = 0;
    bool committed = false;
    std::vector<std::uint64_t> holders;  // per 0-based part, a bit per server
  };
  using Versions = std::map<VersionId, VersionSeen>;
  static std::optional<EntryInfo> reader_view(const std::string& name, const Versions& versions);

  std::map<std::string, Versions> entries_;
  std::optional<VersionId> newest_seen_;
};

}  // namespace dfs::client
