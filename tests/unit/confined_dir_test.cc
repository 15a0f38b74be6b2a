// Pins server/confined_dir.h: lookups cannot leave their base directory, neither through '..',
// an absolute path, nor a symlink planted anywhere on the way (Errc::bad_path); directories are
// created one component at a time without following links; list_names lists a directory.
#include "server/confined_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A base directory "<tmp>/root" opened as a descriptor, and an "<tmp>/outside" beside it.
class ConfinedDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(root_);
    fs::create_directories(outside_);
    testing::write_file(outside_ / "secret", "do not read");
    base_ = UniqueFd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(base_.valid());
  }

  static ino_t inode_of_fd(int fd) {
    struct stat st {};
    EXPECT_EQ(::fstat(fd, &st), 0);
    return st.st_ino;
  }
  static ino_t inode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_ino;
  }

  template <class T>
  static void expect_bad_path(const Result<T>& result, std::string_view what) {
    ASSERT_FALSE(result.ok()) << what << " was allowed";
    EXPECT_EQ(result.error().code(), Errc::bad_path) << what << ": " << result.error().message();
  }

  TempDir tmp_;
  fs::path root_ = tmp_ / "root";
  fs::path outside_ = tmp_ / "outside";
  UniqueFd base_;
};

TEST_F(ConfinedDirTest, OpenDirBeneathOpensTheBaseAndNestedDirectories) {
  fs::create_directories(root_ / "a" / "b");
  for (const char* self : {"", "."}) {
    const auto dir = open_dir_beneath(base_.get(), self);
    ASSERT_TRUE(dir.ok()) << dir.error().message();
    EXPECT_EQ(inode_of_fd(dir->get()), inode_of(root_));
  }
  const auto nested = open_dir_beneath(base_.get(), "a/b");
  ASSERT_TRUE(nested.ok()) << nested.error().message();
  EXPECT_EQ(inode_of_fd(nested->get()), inode_of(root_ / "a" / "b"));
  EXPECT_TRUE(fsync_fd(nested->get(), "a/b").ok()) << "the directory can be fsynced";
}

TEST_F(ConfinedDirTest, OpenDirBeneathOfAMissingDirectoryIsNotFound) {
  const auto dir = open_dir_beneath(base_.get(), "missing");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code(), Errc::not_found);
}

TEST_F(ConfinedDirTest, SymlinkComponentPointingOutsideIsRefused) {
  fs::create_directory_symlink("/etc", root_ / "evil");
  expect_bad_path(open_dir_beneath(base_.get(), "evil"), "evil -> /etc");
  expect_bad_path(open_dir_beneath(base_.get(), "evil/ssl"), "evil/ssl through evil -> /etc");
  expect_bad_path(open_file_beneath(base_.get(), "evil/passwd", O_RDONLY), "evil/passwd through evil -> /etc");
}

TEST_F(ConfinedDirTest, SymlinkDeeperDownIsRefusedToo) {
  fs::create_directories(root_ / "a" / "b");
  fs::create_directory_symlink(outside_, root_ / "a" / "b" / "out");
  expect_bad_path(open_dir_beneath(base_.get(), "a/b/out"), "a/b/out -> outside");
  expect_bad_path(open_file_beneath(base_.get(), "a/b/out/secret", O_RDONLY), "a/b/out/secret");
}

TEST_F(ConfinedDirTest, SymlinkStayingInsideIsRefusedAsWell) {
  fs::create_directories(root_ / "real");
  fs::create_directory_symlink("real", root_ / "alias");
  expect_bad_path(open_dir_beneath(base_.get(), "alias"), "alias -> real");
}

TEST_F(ConfinedDirTest, SymlinkToAFileIsRefused) {
  fs::create_symlink(outside_ / "secret", root_ / "link");
  expect_bad_path(open_file_beneath(base_.get(), "link", O_RDONLY), "link -> outside/secret");
  // Not even O_CREAT may write through it.
  expect_bad_path(open_file_beneath(base_.get(), "link", O_WRONLY | O_CREAT), "O_CREAT through link");
  EXPECT_EQ(testing::read_file(outside_ / "secret"), "do not read");
}

TEST_F(ConfinedDirTest, DotDotAndAbsolutePathsAreRefused) {
  fs::create_directories(root_ / "a");
  expect_bad_path(open_dir_beneath(base_.get(), "../outside"), "../outside");
  expect_bad_path(open_dir_beneath(base_.get(), "../x"), "../x");
  expect_bad_path(open_dir_beneath(base_.get(), ".."), "..");
  expect_bad_path(open_dir_beneath(base_.get(), "a/../../outside"), "a/../../outside");
  expect_bad_path(open_dir_beneath(base_.get(), outside_.string()), "absolute path");
  expect_bad_path(open_file_beneath(base_.get(), "../outside/secret", O_RDONLY), "../outside/secret");
}

TEST_F(ConfinedDirTest, ARegularFileInThePathIsBadPath) {
  testing::write_file(root_ / "file", "x");
  expect_bad_path(open_dir_beneath(base_.get(), "file"), "file as a directory");
  expect_bad_path(open_dir_beneath(base_.get(), "file/sub"), "file/sub");
}

TEST_F(ConfinedDirTest, OpenFileBeneathCreatesAndOpensFiles) {
  fs::create_directories(root_ / "d");
  {
    auto file = open_file_beneath(base_.get(), "d/new", O_WRONLY | O_CREAT | O_EXCL);
    ASSERT_TRUE(file.ok()) << file.error().message();
    ASSERT_EQ(::write(file->get(), "hello", 5), 5);
  }
  EXPECT_EQ(testing::read_file(root_ / "d" / "new"), "hello");
  const auto again = open_file_beneath(base_.get(), "d/new", O_RDONLY);
  ASSERT_TRUE(again.ok()) << again.error().message();
  const auto missing = open_file_beneath(base_.get(), "d/absent", O_RDONLY);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Errc::not_found);
}

TEST_F(ConfinedDirTest, MakeDirsBeneathCreatesNestedDirectoriesAndReturnsTheLast) {
  const auto made = make_dirs_beneath(base_.get(), {"a", "b", "c"});
  ASSERT_TRUE(made.ok()) << made.error().message();
  ASSERT_TRUE(fs::is_directory(root_ / "a" / "b" / "c"));
  EXPECT_EQ(inode_of_fd(made->get()), inode_of(root_ / "a" / "b" / "c"));
}

TEST_F(ConfinedDirTest, MakeDirsBeneathReusesExistingDirectories) {
  fs::create_directories(root_ / "a");
  testing::write_file(root_ / "a" / "keep", "x");
  const auto made = make_dirs_beneath(base_.get(), {"a", "b"});
  ASSERT_TRUE(made.ok()) << made.error().message();
  EXPECT_TRUE(fs::exists(root_ / "a" / "keep"));
  const auto again = make_dirs_beneath(base_.get(), {"a", "b"});
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(inode_of_fd(again->get()), inode_of(root_ / "a" / "b"));
}

// The folders to make durable are exactly the parents that got a new entry: none on the way to
// an existing parent, however the missing part is found.
TEST_F(ConfinedDirTest, MakeDirsBeneathHandsOverTheParentsOfTheFoldersItMade) {
  fs::create_directories(root_ / "a" / "b");
  std::vector<UniqueFd> only_last;
  const auto last = make_dirs_beneath(base_.get(), {"a", "b", "c"}, &only_last);
  ASSERT_TRUE(last.ok()) << last.error().message();
  EXPECT_EQ(inode_of_fd(last->get()), inode_of(root_ / "a" / "b" / "c"));
  ASSERT_EQ(only_last.size(), 1u);
  EXPECT_EQ(inode_of_fd(only_last[0].get()), inode_of(root_ / "a" / "b"));

  std::vector<UniqueFd> two;
  const auto deeper = make_dirs_beneath(base_.get(), {"a", "x", "y"}, &two);
  ASSERT_TRUE(deeper.ok()) << deeper.error().message();
  EXPECT_EQ(inode_of_fd(deeper->get()), inode_of(root_ / "a" / "x" / "y"));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(inode_of_fd(two[0].get()), inode_of(root_ / "a"));
  EXPECT_EQ(inode_of_fd(two[1].get()), inode_of(root_ / "a" / "x"));

  std::vector<UniqueFd> none;
  ASSERT_TRUE(make_dirs_beneath(base_.get(), {"a", "b", "c"}, &none).ok());
  EXPECT_TRUE(none.empty());
}

TEST_F(ConfinedDirTest, MakeDirsBeneathWithNoComponentsReturnsTheBase) {
  const auto made = make_dirs_beneath(base_.get(), {});
  ASSERT_TRUE(made.ok()) << made.error().message();
  EXPECT_EQ(inode_of_fd(made->get()), inode_of(root_));
}

TEST_F(ConfinedDirTest, MakeDirsBeneathRefusesToGoThroughAPlantedSymlink) {
  fs::create_directories(root_ / "a");
  fs::create_directory_symlink(outside_, root_ / "a" / "b");
  expect_bad_path(make_dirs_beneath(base_.get(), {"a", "b", "c"}), "a/b -> outside");
  EXPECT_FALSE(fs::exists(outside_ / "c")) << "a directory was created outside the base";
}

TEST_F(ConfinedDirTest, MakeDirsBeneathRefusesADanglingSymlink) {
  fs::create_directory_symlink(outside_ / "not-yet", root_ / "pending");
  expect_bad_path(make_dirs_beneath(base_.get(), {"pending", "x"}), "pending -> outside/not-yet");
  EXPECT_FALSE(fs::exists(outside_ / "not-yet"));
}

TEST_F(ConfinedDirTest, MakeDirsBeneathRefusesAFileInTheWay) {
  testing::write_file(root_ / "file", "x");
  expect_bad_path(make_dirs_beneath(base_.get(), {"file", "x"}), "file/x");
}

TEST_F(ConfinedDirTest, ListNamesListsEveryNameButDotAndDotDot) {
  fs::create_directories(root_ / "dir");
  testing::write_file(root_ / "file", "x");
  testing::write_file(root_ / ".hidden", "x");
  fs::create_symlink("/etc", root_ / "link");
  auto names = list_names(base_.get(), "root");
  ASSERT_TRUE(names.ok()) << names.error().message();
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{".hidden", "dir", "file", "link"}));
}

TEST_F(ConfinedDirTest, ListNamesOfAnEmptyDirectoryIsEmpty) {
  const auto names = list_names(base_.get(), "root");
  ASSERT_TRUE(names.ok()) << names.error().message();
  EXPECT_TRUE(names->empty());
}

TEST_F(ConfinedDirTest, ListNamesCanBeRepeatedOnTheSameDescriptor) {
  for (int i = 0; i < 50; ++i) testing::write_file(root_ / ("f" + std::to_string(i)), "x");
  const auto first = list_names(base_.get(), "root");
  ASSERT_TRUE(first.ok());
  const auto second = list_names(base_.get(), "root");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->size(), 50u);
  EXPECT_EQ(second->size(), 50u) << "the second listing started where the first one ended";
  // The descriptor stays usable for lookups.
  EXPECT_TRUE(open_file_beneath(base_.get(), "f7", O_RDONLY).ok());
}

}  // namespace
}  // namespace dfs::server
