// The whole tree below one directory, for the menu's LIST (the seed listed every file at once).
#pragma once

#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "common/error.h"
#include "common/remote_path.h"

namespace dfs::menu {

struct TreeEntry {
  std::string relative_path;  // "docs/a.txt", relative to the directory walked
  client::EntryInfo entry;
};

struct Tree {
  std::vector<TreeEntry> entries;  // depth first, in name order: "docs", "docs/a.txt", "z.txt"
  std::vector<Error> unreachable;  // each distinct complaint once, not once per directory
};

// Lists `top` and every directory below it. A directory that vanishes while the walk runs is
// skipped (someone removed it); any other failure ends the walk.
Result<Tree> walk_tree(client::DfsClient& client, const RemotePath& top);

}  // namespace dfs::menu
