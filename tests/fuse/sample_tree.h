// The small local tree the FUSE tests copy into the mount with cp -a, tar and rsync.
#pragma once

#include <string>

namespace dfs::testing {

// A shell command that makes, below `root`: src/a (mode 600), src/sub (750) holding b and a
// 300 000-byte random blob, and src/link, a relative symlink to sub/b.
std::string make_sample_tree(const std::string& root);

// A shell command, run in a folder of the mount, that tars `root`/src into it, unpacks it there,
// streams it back out to `root`/back, and diffs each copy with the original: exit 0 when the
// tree went through tar both ways unchanged.
std::string tar_round_trip(const std::string& root);

}  // namespace dfs::testing
