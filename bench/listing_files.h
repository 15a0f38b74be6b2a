// The directories of many small files that the listing benchmarks list: one in the store,
// written through DfsClient from a few threads (as fast as the store takes them, so making the
// directory costs little of a bench's time), and one on the local disk beside it. The files are
// named f00000, f00001... and hold a few bytes each.
#pragma once

#include <filesystem>
#include <string>

#include "common/error.h"
#include "tests/support/test_cluster.h"

namespace dfs::bench {

// Threads writing the store's files: enough to keep the 4 servers busy on 2 cores.
inline constexpr int kCreateThreads = 4;

// `count` files in the store directory `remote_dir` (made first); returns the seconds it took.
Result<double> create_remote_files(const testing::TestCluster& cluster, const std::string& remote_dir, int count);
// The same number of files in the new local directory `dir`, without fsync (the listing is what
// is measured); returns the seconds it took.
Result<double> create_local_files(const std::filesystem::path& dir, int count);

}  // namespace dfs::bench
