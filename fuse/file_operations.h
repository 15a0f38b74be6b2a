// The steps of open files that other concerns need too (rename commits a dirty file first,
// truncate of a path that is not open works on a file opened for the call).
#pragma once

#include "common/error.h"
#include "common/remote_path.h"
#include "fuse/mount_state.h"
#include "fuse/open_files.h"

namespace dfs::fuse {

// With `file.mutex` held exclusively:
// Unless the file has a spool (this mount is writing it: the spool is newest), asks the servers
// for the newest committed version of `path` and keeps it as `file.committed` (is_directory,
// incomplete and not_found refuse the open).
Status pin_version(MountState& mount, OpenFile& file, const RemotePath& path);
// PUTs a dirty spool as the new version of `path`; a no-op when clean. A close's commit is made
// durable by the servers `later` (group commit); fsync and everything else ask for `now`.
Status commit(MountState& mount, OpenFile& file, const RemotePath& path,
              protocol::CommitDurability durability = protocol::CommitDurability::now);

}  // namespace dfs::fuse
