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
// The entry at `path` from the attribute cache, else from the servers (then cached). A name
// missing from a complete directory (attribute_cache.h) is not_found without a request.
Result<client::EntryInfo> lookup_entry(MountState& mount, const RemotePath& path);
// LIST of `dir` whose entries go to the attribute cache, and which marks `dir` complete there
// when every server answered.
Result<client::Listing> list_and_remember(MountState& mount, const RemotePath& dir);

}  // namespace dfs::fuse
