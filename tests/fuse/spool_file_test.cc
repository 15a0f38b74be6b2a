// SpoolFile's disposal: a spool that goes away (a large file's, once its close committed it) is
// dropped from the page cache without being written to the disk first.
#include "fuse/spool_file.h"

#include <sys/vfs.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/scratch_dir.h"

namespace dfs::fuse {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr long kExt4Magic = 0xEF53;

// This thread's `cancelled_write_bytes` (proc(5)): dirty bytes freed before they were written.
std::uint64_t cancelled_write_bytes() {
  std::ifstream io("/proc/thread-self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "cancelled_write_bytes:") return value;
  }
  ADD_FAILURE() << "no cancelled_write_bytes in /proc/thread-self/io";
  return 0;
}

TEST(SpoolFile, ASpoolThatGoesAwayIsFreedWithoutBeingWrittenToTheDisk) {
  const testing::ScratchDir dir("dfs-spool");
  struct statfs fs {};
  ASSERT_EQ(::statfs(dir.path().c_str(), &fs), 0);
  // ext4 writes back, at close, a file that was once truncated to 0 bytes (auto_da_alloc): the
  // case this pins. Elsewhere there is nothing to show.
  if (fs.f_type != kExt4Magic) GTEST_SKIP() << dir.path() << " is not on ext4";

  SpoolBudget budget(0);
  const std::uint64_t before = cancelled_write_bytes();
  {
    auto spool = SpoolFile::create(dir.path(), budget);
    ASSERT_TRUE(spool.ok()) << spool.error().message();
    ASSERT_TRUE(spool->resize(0).ok());  // what the open of an O_TRUNC write does
    const std::vector<char> piece(kMiB, 'x');
    for (std::uint64_t at = 0; at < 64 * kMiB; at += kMiB) {
      ASSERT_TRUE(spool->write(at, piece.data(), piece.size()).ok());
    }
    EXPECT_EQ(budget.used(), 64 * kMiB);
  }
  EXPECT_EQ(budget.used(), 0u);
  // Every page was still dirty when it was freed: none was written out on the way.
  EXPECT_GE(cancelled_write_bytes() - before, 64 * kMiB);
}

}  // namespace
}  // namespace dfs::fuse
