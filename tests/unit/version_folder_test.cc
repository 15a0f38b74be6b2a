// Pins server/version_folder.h: what a version folder holds is read from its file names alone;
// temp files are collected, strays ignored, and the newest committed version (with a given part)
// is found.
#include "server/version_folder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/part_file_format.h"

namespace dfs::server {
namespace {

const VersionId v1{1000, 1};
const VersionId v2{2000, 1};
const VersionId v3{3000, 1};
const VersionId v3b{3000, 2};  // same time, later writer: newer than v3
const VersionId v4{4000, 1};

TEST(VersionFolder, EmptyFolderHasNoVersions) {
  const auto folder = VersionFolder::from_names({});
  EXPECT_TRUE(folder.versions.empty());
  EXPECT_TRUE(folder.temp_files.empty());
  EXPECT_EQ(folder.newest_committed(), nullptr);
  EXPECT_EQ(folder.newest_committed_with_part(1), nullptr);
  EXPECT_FALSE(folder.has_part(v1, 1));
}

TEST(VersionFolder, FromNamesGroupsPartsAndCommitMarkersByVersion) {
  const auto folder = VersionFolder::from_names({
      part_file_name(v2, 3),
      commit_marker_name(v1),
      part_file_name(v1, 2),
      part_file_name(v2, 1),
      part_file_name(v1, 1),
      part_file_name(v2, 4),
  });
  ASSERT_EQ(folder.versions.size(), 2u);
  const auto& first = folder.versions.at(v1);
  EXPECT_EQ(first.parts, (std::vector<int>{1, 2}));
  EXPECT_TRUE(first.committed);
  const auto& second = folder.versions.at(v2);
  EXPECT_EQ(second.parts, (std::vector<int>{1, 3, 4})) << "parts are sorted ascending";
  EXPECT_FALSE(second.committed);
  EXPECT_EQ(folder.versions.begin()->first, v1) << "versions are ascending";
}

TEST(VersionFolder, TempFilesAreCollectedAndNeverCountAsVersions) {
  const auto folder = VersionFolder::from_names({".tmp.0123456789abcdef", part_file_name(v1, 1), ".tmp.x"});
  EXPECT_EQ(folder.temp_files, (std::vector<std::string>{".tmp.0123456789abcdef", ".tmp.x"}));
  ASSERT_EQ(folder.versions.size(), 1u);
  EXPECT_TRUE(folder.has_part(v1, 1));
}

TEST(VersionFolder, JunkNamesAreIgnored) {
  const std::string v = v1.to_string();
  const auto folder = VersionFolder::from_names(
      {"notes.txt", ".tmp", ".hidden", v, v + ".p0", v + ".p65", v + ".p01", v + ".P1", v + ".commitx", "x.p1"});
  EXPECT_TRUE(folder.versions.empty());
  EXPECT_TRUE(folder.temp_files.empty()) << "'.tmp' without the trailing dot is not a temp file";
}

TEST(VersionFolder, CommitMarkerWithoutPartsIsACommittedVersionWithNoParts) {
  const auto folder = VersionFolder::from_names({commit_marker_name(v2)});
  ASSERT_EQ(folder.versions.count(v2), 1u);
  EXPECT_TRUE(folder.versions.at(v2).committed);
  EXPECT_TRUE(folder.versions.at(v2).parts.empty());
  ASSERT_NE(folder.newest_committed(), nullptr);
  EXPECT_EQ(*folder.newest_committed(), v2);
  EXPECT_EQ(folder.newest_committed_with_part(1), nullptr);
}

TEST(VersionFolder, HasPartAnswersPerVersionAndPart) {
  const auto folder = VersionFolder::from_names({part_file_name(v1, 1), part_file_name(v1, 3), part_file_name(v2, 2)});
  EXPECT_TRUE(folder.has_part(v1, 1));
  EXPECT_FALSE(folder.has_part(v1, 2));
  EXPECT_TRUE(folder.has_part(v1, 3));
  EXPECT_TRUE(folder.has_part(v2, 2));
  EXPECT_FALSE(folder.has_part(v2, 1));
  EXPECT_FALSE(folder.has_part(v3, 1)) << "unknown version";
}

TEST(VersionFolder, NewestCommittedSkipsNewerStagedVersions) {
  const auto folder = VersionFolder::from_names({
      part_file_name(v1, 1), commit_marker_name(v1),
      part_file_name(v3, 1), commit_marker_name(v3),
      part_file_name(v4, 1),  // staged
      part_file_name(v2, 1), commit_marker_name(v2),
  });
  ASSERT_NE(folder.newest_committed(), nullptr);
  EXPECT_EQ(*folder.newest_committed(), v3);
}

TEST(VersionFolder, NewestCommittedOrdersByWriterWhenTimesAreEqual) {
  const auto folder = VersionFolder::from_names(
      {part_file_name(v3b, 1), commit_marker_name(v3b), part_file_name(v3, 1), commit_marker_name(v3)});
  ASSERT_NE(folder.newest_committed(), nullptr);
  EXPECT_EQ(*folder.newest_committed(), v3b);
}

TEST(VersionFolder, NoCommittedVersionWhenAllAreStaged) {
  const auto folder = VersionFolder::from_names({part_file_name(v1, 1), part_file_name(v2, 2)});
  EXPECT_EQ(folder.newest_committed(), nullptr);
  EXPECT_EQ(folder.newest_committed_with_part(1), nullptr);
  EXPECT_EQ(folder.newest_committed_with_part(2), nullptr);
}

TEST(VersionFolder, NewestCommittedWithPartFindsTheNewestCommittedHoldingThatPart) {
  const auto folder = VersionFolder::from_names({
      part_file_name(v1, 3), commit_marker_name(v1),                          // old, holds part 3
      part_file_name(v2, 1), part_file_name(v2, 2), commit_marker_name(v2),  // newest committed
      part_file_name(v4, 3), part_file_name(v4, 1),                          // staged, newer
  });
  ASSERT_NE(folder.newest_committed_with_part(1), nullptr);
  EXPECT_EQ(*folder.newest_committed_with_part(1), v2);
  ASSERT_NE(folder.newest_committed_with_part(2), nullptr);
  EXPECT_EQ(*folder.newest_committed_with_part(2), v2);
  ASSERT_NE(folder.newest_committed_with_part(3), nullptr);
  EXPECT_EQ(*folder.newest_committed_with_part(3), v1) << "the staged v4 copy of part 3 must not be served";
  EXPECT_EQ(folder.newest_committed_with_part(4), nullptr);
}

}  // namespace
}  // namespace dfs::server
