// Pins server/staged_sweeper.h: one sweep removes temp files older than the process (or the
// staged age) and staged versions that outlived staged_max_age or lost to a committed version,
// and keeps committed versions and fresh staged ones. Ages are set with utimensat, never waited.
#include "server/staged_sweeper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "server/part_file_format.h"
#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::seconds;
using std::chrono::system_clock;
using testing::set_mtime;
using testing::TempDir;

const VersionId v1{0x1000, 1};
const VersionId v2{0x2000, 1};
const VersionId v3{0x3000, 1};

class StagedSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = PartStore::open(root_);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    store_ = std::move(*opened);
  }

  void put(std::string_view user, std::string_view path, const VersionId& version, int part) {
    const std::string data = "part " + std::to_string(part) + " of " + version.to_string();
    protocol::PartDescriptor d;
    d.part = part;
    d.parts = 4;
    d.version = version;
    d.part_size = data.size();
    d.checksum = xxh3(data.data(), data.size());
    d.attributes.size = 4 * data.size();
    auto writer = store_->begin_part(user, *RemotePath::parse(path), d);
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    ASSERT_TRUE((*writer)->write(data.data(), data.size()).ok());
    ASSERT_TRUE(store_->store_parts(std::span(&*writer, 1)).ok());
  }
  void put(std::string_view path, const VersionId& version, int part) { put("alice", path, version, part); }

  void commit(std::string_view path, const VersionId& version) {
    ASSERT_TRUE(store_->commit("alice", *RemotePath::parse(path), version).ok());
  }

  fs::path folder(std::string_view version_folder, std::string_view user = "alice") const {
    return root_ / user / version_folder;
  }

  static std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::vector<std::string> sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir tmp_;
  fs::path root_ = tmp_ / "data";
  std::unique_ptr<PartStore> store_;
  ServerLog log_{false};
  const system_clock::time_point long_ago_ = system_clock::now() - hours(24 * 10);
};

TEST_F(StagedSweeperTest, RemovesTempFilesFromBeforeTheProcessStarted) {
  put("docs/a", v1, 1);
  commit("docs/a", v1);
  const fs::path temp = folder("docs/.dfs/a") / ".tmp.x";
  testing::write_file(temp, "half a part");
  set_mtime(temp, system_clock::now() - std::chrono::minutes(10));

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.temp_files_removed, 1u);
  EXPECT_EQ(report.staged_parts_removed, 0u);
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(names_in(folder("docs/.dfs/a")), sorted({commit_marker_name(v1), part_file_name(v1, 1)}));
}

TEST_F(StagedSweeperTest, KeepsTempFilesWrittenSinceTheProcessStarted) {
  put("a", v1, 1);
  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const fs::path temp = folder(".dfs/a") / ".tmp.receiving";
  testing::write_file(temp, "a part being received");
  set_mtime(temp, system_clock::now());  // after the sweeper was made, whatever the clock granularity

  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.temp_files_removed, 0u);
  EXPECT_TRUE(fs::exists(temp));
}

TEST_F(StagedSweeperTest, RemovesStagedVersionsOlderThanTheMaximumAge) {
  put("a", v1, 1);
  put("a", v1, 2);
  for (const int part : {1, 2}) set_mtime(folder(".dfs/a") / part_file_name(v1, part), system_clock::now() - hours(2));

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 2u);
  EXPECT_TRUE(names_in(folder(".dfs/a")).empty());
}

TEST_F(StagedSweeperTest, ZeroMaximumAgeRemovesEveryStagedVersionWrittenBefore) {
  put("a", v1, 1);
  set_mtime(folder(".dfs/a") / part_file_name(v1, 1), system_clock::now() - seconds(1));
  StagedSweeper sweeper(*store_, log_, seconds(0), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 1u);
  EXPECT_TRUE(names_in(folder(".dfs/a")).empty());
}

TEST_F(StagedSweeperTest, KeepsFreshStagedVersions) {
  put("a", v1, 1);
  put("a", v1, 2);
  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 0u);
  EXPECT_EQ(report.staged_versions_kept, 1u) << "one version, two parts: the backlog counts versions";
  EXPECT_EQ(names_in(folder(".dfs/a")), sorted({part_file_name(v1, 1), part_file_name(v1, 2)}));
  EXPECT_EQ(sweeper.staged_backlog(), 1u);
}

TEST_F(StagedSweeperTest, KeepsAStagedVersionWhileAnyOfItsPartsIsFresh) {
  put("a", v1, 1);
  put("a", v1, 2);
  set_mtime(folder(".dfs/a") / part_file_name(v1, 1), long_ago_);  // part 2 is fresh: the upload goes on
  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  EXPECT_EQ(sweeper.sweep_once().staged_parts_removed, 0u);
  EXPECT_EQ(names_in(folder(".dfs/a")).size(), 2u);
}

TEST_F(StagedSweeperTest, KeepsCommittedVersionsWhateverTheirAge) {
  put("a", v1, 1);
  put("a", v1, 3);
  commit("a", v1);
  for (const auto& name : names_in(folder(".dfs/a"))) set_mtime(folder(".dfs/a") / name, long_ago_);

  StagedSweeper sweeper(*store_, log_, seconds(0), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 0u);
  EXPECT_EQ(report.temp_files_removed, 0u);
  EXPECT_EQ(names_in(folder(".dfs/a")), sorted({commit_marker_name(v1), part_file_name(v1, 1), part_file_name(v1, 3)}));
}

TEST_F(StagedSweeperTest, RemovesOldStagedVersionsBesideACommittedOneAndKeepsFreshOnes) {
  put("a", v1, 1);
  commit("a", v1);
  put("a", v2, 1);  // abandoned upload
  put("a", v3, 1);  // upload in progress
  set_mtime(folder(".dfs/a") / part_file_name(v1, 1), long_ago_);
  set_mtime(folder(".dfs/a") / part_file_name(v2, 1), long_ago_);

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 1u);
  EXPECT_EQ(names_in(folder(".dfs/a")), sorted({commit_marker_name(v1), part_file_name(v1, 1), part_file_name(v3, 1)}));
}

TEST_F(StagedSweeperTest, RemovesStagedVersionsOlderThanTheCommittedOneWhateverTheirAge) {
  put("a", v2, 1);
  commit("a", v2);
  // A crash can leave an older staged part behind (commit's removals are not made durable).
  fs::copy_file(folder(".dfs/a") / part_file_name(v2, 1), folder(".dfs/a") / part_file_name(v1, 1));

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 1u);
  EXPECT_EQ(names_in(folder(".dfs/a")), sorted({commit_marker_name(v2), part_file_name(v2, 1)}));
}

TEST_F(StagedSweeperTest, SweepsNestedDirectoriesOfEveryUser) {
  put("alice", "a/b/c/deep", v1, 1);
  put("bob", "top", v1, 1);
  const fs::path alice_part = folder("a/b/c/.dfs/deep") / part_file_name(v1, 1);
  const fs::path bob_part = folder(".dfs/top", "bob") / part_file_name(v1, 1);
  const fs::path bob_temp = folder(".dfs/top", "bob") / ".tmp.old";
  testing::write_file(bob_temp, "x");
  for (const auto& file : {alice_part, bob_part, bob_temp}) set_mtime(file, long_ago_);

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.staged_parts_removed, 2u);
  EXPECT_EQ(report.temp_files_removed, 1u);
  EXPECT_FALSE(fs::exists(alice_part));
  EXPECT_FALSE(fs::exists(bob_part));
  EXPECT_FALSE(fs::exists(bob_temp));
}

TEST_F(StagedSweeperTest, LeavesOperatorFilesAndUserFilesOutsideVersionFoldersAlone) {
  put("a", v1, 1);
  testing::write_file(root_ / ".users", "alice:...\n");
  fs::create_directories(root_ / ".hidden" / ".dfs" / "x");
  testing::write_file(root_ / ".hidden" / ".dfs" / "x" / ".tmp.old", "x");
  testing::write_file(folder("") / ".tmp.not-in-a-version-folder", "x");
  testing::write_file(folder(".dfs/a") / "notes.txt", "an operator's note");
  for (const auto& file : {root_ / ".users", root_ / ".hidden" / ".dfs" / "x" / ".tmp.old",
                           folder("") / ".tmp.not-in-a-version-folder", folder(".dfs/a") / "notes.txt"}) {
    set_mtime(file, long_ago_);
  }

  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.temp_files_removed, 0u);
  EXPECT_TRUE(fs::exists(root_ / ".users"));
  EXPECT_TRUE(fs::exists(root_ / ".hidden" / ".dfs" / "x" / ".tmp.old"));
  EXPECT_TRUE(fs::exists(folder("") / ".tmp.not-in-a-version-folder"));
  EXPECT_TRUE(fs::exists(folder(".dfs/a") / "notes.txt"));
}

TEST_F(StagedSweeperTest, DoesNotFollowASymlinkOutOfTheRoot) {
  TempDir outside;
  fs::create_directories(outside.path() / ".dfs" / "x");
  const fs::path bait = outside.path() / ".dfs" / "x" / ".tmp.old";
  const fs::path staged = outside.path() / ".dfs" / "x" / part_file_name(v1, 1);
  testing::write_file(bait, "x");
  testing::write_file(staged, "x");
  set_mtime(bait, long_ago_);
  set_mtime(staged, long_ago_);
  fs::create_directories(root_);
  fs::create_directory_symlink(outside.path(), root_ / "mallory");  // a user folder that is a link
  put("a", v1, 1);
  fs::create_directory_symlink(outside.path(), folder("") / "linked");  // a link inside a user folder

  StagedSweeper sweeper(*store_, log_, seconds(0), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.temp_files_removed, 0u);
  EXPECT_TRUE(fs::exists(bait));
  EXPECT_TRUE(fs::exists(staged));
}

TEST_F(StagedSweeperTest, EmptyRootIsSweptWithoutError) {
  StagedSweeper sweeper(*store_, log_, hours(1), seconds(300));
  const SweepReport report = sweeper.sweep_once();
  EXPECT_EQ(report.temp_files_removed, 0u);
  EXPECT_EQ(report.staged_parts_removed, 0u);
}

TEST_F(StagedSweeperTest, StopEndsTheThreadWithoutWaitingForTheInterval) {
  StagedSweeper sweeper(*store_, log_, hours(1), hours(24));
  const auto begin = std::chrono::steady_clock::now();
  sweeper.start();
  sweeper.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, seconds(30));
}

}  // namespace
}  // namespace dfs::server
