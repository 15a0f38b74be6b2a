// SpoolFile: a small spool stays in memory and moves to a file when it grows past the memory
// bound (its bytes intact, the budget charged the same either way); a spool that goes away (a
// large file's, once its close committed it) is dropped from the page cache without being
// written to the disk first.
#include "fuse/spool_file.h"

#include <sys/vfs.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/support/loop_ext4.h"
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

// The bytes of `spool` from 0 to its size.
std::string contents(const SpoolFile& spool) {
  std::string out(static_cast<std::size_t>(spool.size()), '\0');
  auto got = spool.read(0, out.data(), out.size());
  EXPECT_TRUE(got.ok()) << got.error().message();
  if (got.ok()) out.resize(*got);
  return out;
}

TEST(SpoolFile, ASmallSpoolStaysInMemoryAndMovesToAFileWholeWhenItGrowsPastTheBound) {
  const testing::ScratchDir dir("dfs-spool");
  SpoolBudget budget(0);
  auto spool = SpoolFile::create(dir.path(), budget);
  ASSERT_TRUE(spool.ok()) << spool.error().message();
  std::string expected = "head";
  ASSERT_TRUE(spool->write(0, expected.data(), expected.size()).ok());
  ASSERT_TRUE(spool->write(10, "tail", 4).ok());  // past the end: the gap reads as zeros
  expected += std::string(6, '\0') + "tail";
  EXPECT_TRUE(spool->in_memory());
  EXPECT_EQ(contents(*spool), expected);
  EXPECT_EQ(budget.used(), expected.size());

  const std::string big(SpoolFile::kMemoryBytes, 'b');
  ASSERT_TRUE(spool->write(8, big.data(), big.size()).ok());
  expected = expected.substr(0, 8) + big;
  EXPECT_FALSE(spool->in_memory()) << "past " << SpoolFile::kMemoryBytes << " bytes the spool is a file";
  EXPECT_EQ(contents(*spool), expected);
  EXPECT_EQ(budget.used(), expected.size());
  ASSERT_TRUE(spool->resize(3).ok());
  EXPECT_EQ(contents(*spool), "hea");
  EXPECT_EQ(budget.used(), 3u);
}

TEST(SpoolFile, SpoolsInMemoryShareABoundAndTheCapAppliesToThemToo) {
  const testing::ScratchDir dir("dfs-spool");
  SpoolBudget budget(SpoolBudget::kMemoryTotalBytes + kMiB);
  std::vector<SpoolFile> spools;
  const std::string piece(SpoolFile::kMemoryBytes, 'p');
  for (std::uint64_t held = 0; held < SpoolBudget::kMemoryTotalBytes; held += piece.size()) {
    auto spool = SpoolFile::create(dir.path(), budget);
    ASSERT_TRUE(spool.ok()) << spool.error().message();
    ASSERT_TRUE(spool->write(0, piece.data(), piece.size()).ok());
    EXPECT_TRUE(spool->in_memory());
    spools.push_back(std::move(*spool));
  }
  auto one_more = SpoolFile::create(dir.path(), budget);
  ASSERT_TRUE(one_more.ok()) << one_more.error().message();
  ASSERT_TRUE(one_more->write(0, "x", 1).ok());
  EXPECT_FALSE(one_more->in_memory()) << "the mount's spools hold " << SpoolBudget::kMemoryTotalBytes
                                      << " bytes in memory already";
  EXPECT_EQ(contents(*one_more), "x");
  const std::string too_much(kMiB, 'm');
  const auto refused = one_more->write(1, too_much.data(), too_much.size());
  ASSERT_FALSE(refused.ok()) << "the cap counts the spools in memory";
  EXPECT_EQ(refused.error().code(), Errc::no_space);
  spools.clear();  // their memory goes back: a new spool is held in memory again
  auto again = SpoolFile::create(dir.path(), budget);
  ASSERT_TRUE(again.ok()) << again.error().message();
  ASSERT_TRUE(again->write(0, "y", 1).ok());
  EXPECT_TRUE(again->in_memory());
}

TEST(SpoolFile, ASpoolThatGoesAwayIsFreedWithoutBeingWrittenToTheDisk) {
  const testing::ScratchDir scratch("dfs-spool");
  // ext4 writes back, at close, a file that was once truncated to 0 bytes (auto_da_alloc): the
  // case this pins. On an ext4 of its own, so that no other process's sync (a dfs-server's
  // group commit in a test beside this one) writes these pages before they are freed.
  const testing::LoopExt4 own_disk(scratch.path() / "ext4", 256);
  ASSERT_TRUE(own_disk.mounted()) << "mounting an ext4 image on a loop device needs root";
  const auto& dir = own_disk;
  struct statfs fs {};
  ASSERT_EQ(::statfs(dir.path().c_str(), &fs), 0);
  ASSERT_EQ(fs.f_type, kExt4Magic);

  SpoolBudget budget(0);
  const std::uint64_t before = cancelled_write_bytes();
  {
    auto spool = SpoolFile::create(dir.path(), budget);
    ASSERT_TRUE(spool.ok()) << spool.error().message();
    const std::vector<char> piece(kMiB, 'x');
    // A large file's spool truncated to 0 bytes (an O_TRUNC open of a file with a spool), then
    // written again: the truncate frees the first 64 MiB unwritten, the disposal the second.
    for (int round = 0; round < 2; ++round) {
      ASSERT_TRUE(spool->resize(0).ok());
      for (std::uint64_t at = 0; at < 64 * kMiB; at += kMiB) {
        ASSERT_TRUE(spool->write(at, piece.data(), piece.size()).ok());
      }
    }
    EXPECT_FALSE(spool->in_memory());
    EXPECT_EQ(budget.used(), 64 * kMiB);
  }
  EXPECT_EQ(budget.used(), 0u);
  // Every page was still dirty when it was freed: none was written out on the way.
  EXPECT_GE(cancelled_write_bytes() - before, 128 * kMiB);
}

}  // namespace
}  // namespace dfs::fuse
