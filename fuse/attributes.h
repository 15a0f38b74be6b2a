// Attributes and lookup: what `stat` shows for an entry. st_ino is a hash of the path, so it is
// the same after a remount (and changes with a rename, as on a file system that copies on rename).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "client-core/dfs_client.h"
#include "common/remote_path.h"
#include "fuse/mount_state.h"

namespace dfs::fuse {

std::uint64_t inode_of(const std::string& path);  // RemotePath::str(); never 0
struct stat stat_of(const client::EntryInfo& entry, const std::string& path);
// The entry at `path` from the attribute cache, else from the servers (then cached).
Result<client::EntryInfo> lookup_entry(MountState& mount, const RemotePath& path);

}  // namespace dfs::fuse
