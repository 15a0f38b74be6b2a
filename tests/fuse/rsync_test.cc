// rsync -a into the mount: the tree arrives identical (bytes, modes, the symlink, mtimes to the
// nanosecond), and a second run finds every file up to date by its size and mtime as the mount
// reports them, so it transfers no file: the quick check that makes rsync a backup tool.
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>

#include "tests/fuse/mounted_store.h"
#include "tests/fuse/sample_tree.h"

namespace dfs::testing {
namespace {

class Rsync : public MountedStore {
 protected:
  void SetUp() override {
    MountedStore::SetUp();
    if (HasFatalFailure()) return;
    src_ = local("tree").string() + "/src";
    // Times in the past, with nanoseconds, on every entry: a mount that reported its commit
    // time, or rounded, would show other mtimes. (rsync itself leaves a directory's or a
    // link's time alone when it is within the same second, so "now" would prove nothing there.)
    auto made = run_shell(make_sample_tree(local("tree").string()) + " && find " + src_ +
                          " -exec touch -h -d '2021-03-04 05:06:07.123456789' {} + && touch -d "
                          "'2022-05-06 07:08:09.987654321' " +
                          src_ + "/sub/blob");
    ASSERT_EQ(made.exit_code, 0) << made.output;
  }

  // rsync -a of the local tree into copy/ in the mount, itemized, with its statistics.
  CommandResult sync() const { return in_mount("rsync -a -i --stats " + src_ + "/ copy/"); }

  // Each entry below `dir`: type, mode, mtime (ns) and, for a symlink, its target.
  static std::string metadata_command(const std::string& dir) {
    return "cd " + dir + " && find . -printf '%p %y %m %T@ %l\\n' | sort";
  }

  std::string src_;
};

// rsync's own count, from the "Number of regular files transferred: N" line of --stats.
std::optional<int> regular_files_transferred(const std::string& output) {
  static const std::regex line(R"(Number of regular files transferred: ([0-9,]+))");
  std::smatch match;
  if (!std::regex_search(output, match, line)) return std::nullopt;
  std::string digits = match[1];
  std::erase(digits, ',');
  return std::stoi(digits);
}

TEST_F(Rsync, FirstRunCopiesTheTreeIdentically) {
  auto synced = sync();
  ASSERT_EQ(synced.exit_code, 0) << synced.output;
  EXPECT_EQ(regular_files_transferred(synced.output), std::optional<int>(3)) << synced.output;
  auto compared = in_mount("diff -r --no-dereference " + src_ + " copy");
  EXPECT_EQ(compared.exit_code, 0) << compared.output;
  auto here = run_shell(metadata_command(src_));
  auto there = in_mount(metadata_command("copy"));
  ASSERT_EQ(there.exit_code, 0) << there.output;
  EXPECT_EQ(there.output, here.output);
}

TEST_F(Rsync, SecondRunTransfersNothing) {
  auto first = sync();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_EQ(regular_files_transferred(first.output), std::optional<int>(3)) << first.output;
  // At once, in the same mount, as a user runs it again...
  auto second = sync();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(regular_files_transferred(second.output), std::optional<int>(0)) << second.output;
  // ...and from a fresh mount, which knows only what the servers stored.
  remount();
  auto third = sync();
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(regular_files_transferred(third.output), std::optional<int>(0)) << third.output;
}

}  // namespace
}  // namespace dfs::testing
