// Commits answered but not yet on the disk: a commit made durable `later` is recorded here, and
// every reader of the store sees its version as committed at once, while its marker waits for
// the group commit to make the parts durable first (a marker must never reach the disk before
// the bytes it vouches for). A crash loses what is recorded here, which leaves the version
// staged and the one before it committed, as on a local disk a crash loses a write not fsynced.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/version_id.h"
#include "server/version_folder.h"

namespace dfs::server {

class PendingCommits {
 public:
  // `entry_key`: the version folder's EntryLocks key.
  void add(const std::string& entry_key, const VersionId& version);
  void remove(const std::string& entry_key, const VersionId& version);
  // Marks the pending versions of the entry that `folder` holds parts of as committed.
  void apply(const std::string& entry_key, VersionFolder& folder) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<VersionId>, std::less<>> versions_;
};

}  // namespace dfs::server
