// fsync_all on real files: every target is synced and the first failure (in target order) is
// reported with what it was; callers on several threads at once, sharing one FanOut, each get
// their own outcome. sync_together syncs what lives on the root's filesystem at once and the
// rest one by one, each with its own outcome.
#include "server/fsync_all.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

std::vector<UniqueFd> open_files(const testing::TempDir& dir, const std::string& prefix, int count) {
  std::vector<UniqueFd> files;
  for (int i = 0; i < count; ++i) {
    const auto path = dir.path() / (prefix + std::to_string(i));
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, "x", 1), 1);
    files.emplace_back(fd);
  }
  return files;
}

TEST(FsyncAll, SyncsEveryTargetAndSaysOkWhenAllSucceed) {
  testing::TempDir dir;
  FanOut fan_out;
  auto files = open_files(dir, "f", 5);
  std::vector<SyncTarget> targets;
  for (const auto& f : files) targets.push_back({f.get(), "file"});
  EXPECT_TRUE(fsync_all(fan_out, targets).ok());
  EXPECT_TRUE(fsync_all(fan_out, {}).ok());
  EXPECT_TRUE(fsync_all(fan_out, std::span(targets).first(1)).ok());
}

TEST(FsyncAll, TheFirstFailureInTargetOrderIsReportedWithWhatItWas) {
  testing::TempDir dir;
  FanOut fan_out;
  auto files = open_files(dir, "g", 2);
  const std::vector<SyncTarget> targets = {
      {files[0].get(), "the first file"}, {-1, "a closed file"}, {files[1].get(), "the second file"}, {-1, "another"}};
  auto st = fsync_all(fan_out, targets);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("fsync a closed file"), std::string::npos) << st.error().message();
}

TEST(FsyncAll, CallersOnSeveralThreadsEachGetTheirOwnOutcome) {
  testing::TempDir dir;
  FanOut fan_out;
  auto files = open_files(dir, "h", 4);
  std::vector<std::thread> callers;
  std::vector<int> failures(6, -1);
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&, t] {
      int failed = 0;
      for (int round = 0; round < 20; ++round) {
        // Every other caller names a bad descriptor: only those may fail, and always do.
        std::vector<SyncTarget> targets = {{files[t % 4].get(), "file"}, {files[(t + 1) % 4].get(), "file"}};
        if (t % 2 == 1) targets.push_back({-1, "bad"});
        if (!fsync_all(fan_out, targets).ok()) ++failed;
      }
      failures[static_cast<std::size_t>(t)] = failed;
    });
  }
  for (auto& c : callers) c.join();
  for (int t = 0; t < 6; ++t) EXPECT_EQ(failures[static_cast<std::size_t>(t)], t % 2 == 1 ? 20 : 0) << "caller " << t;
}

TEST(SyncTogether, TargetsOnTheRootsFilesystemShareOneSyncAndOthersAreSyncedOneByOne) {
  testing::TempDir root_dir;
  FanOut fan_out;
  const UniqueFd root(::open(root_dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(root.valid());
  auto files = open_files(root_dir, "r", 2);
  // A file on another filesystem (tmpfs), as if mounted below the data root.
  const std::string other_path = "/dev/shm/dfs-sync-together-" + std::to_string(::getpid());
  const UniqueFd other(::open(other_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(other.valid());
  ::unlink(other_path.c_str());
  struct stat root_st, other_st;
  ASSERT_EQ(::fstat(root.get(), &root_st), 0);
  ASSERT_EQ(::fstat(other.get(), &other_st), 0);
  ASSERT_NE(root_st.st_dev, other_st.st_dev) << "/dev/shm must be another filesystem than /tmp";

  const std::vector<SyncTarget> targets = {
      {files[0].get(), "part"}, {other.get(), "part elsewhere"}, {-1, "a closed file"}, {files[1].get(), "part"}};
  const auto results = sync_together(root.get(), fan_out, targets);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_TRUE(results[1].ok());
  ASSERT_FALSE(results[2].ok()) << "a bad descriptor is not on the root's filesystem, and its fsync fails";
  EXPECT_NE(results[2].error().message().find("fsync a closed file"), std::string::npos);
  EXPECT_TRUE(results[3].ok());
  EXPECT_TRUE(sync_together(root.get(), fan_out, {}).empty());
}

}  // namespace
}  // namespace dfs::server
