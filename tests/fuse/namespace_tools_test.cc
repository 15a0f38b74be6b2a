// Names and attributes through the mount with ordinary tools: mkdir -p, mv (file, directory,
// over a target), rm -rf, ln -s, chmod and touch -d, each checked through the mount and with the
// client library; and the mtime of a file being written, the same before its close and after.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"

namespace dfs::testing {
namespace {

using NamespaceTools = MountedStore;

TEST_F(NamespaceTools, MkdirPMakesEveryLevel) {
  auto made = in_mount("mkdir -p a/b/c && echo x > a/b/c/f && ls a/b/c");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(made.output, "f\n");
  auto entry = client().stat(remote("/a/b"));
  ASSERT_TRUE(entry.ok()) << error_message(entry);
  EXPECT_TRUE(entry->is_dir());
}

TEST_F(NamespaceTools, MvMovesFilesDirectoriesAndReplacesATarget) {
  auto moved = in_mount(
      "mkdir d && echo one > d/f && echo two > g && echo old > target"
      " && mv d/f d/renamed && mv d e && mv g target && ls e && cat e/renamed target && ls");
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_EQ(moved.output, "renamed\none\ntwo\ne\ntarget\n");
  EXPECT_EQ(error_code(client().stat(remote("/d"))), Errc::not_found);
  EXPECT_EQ(error_code(client().stat(remote("/g"))), Errc::not_found);
}

TEST_F(NamespaceTools, RmRfRemovesATree) {
  auto removed = in_mount("mkdir -p t/u/v && echo x > t/u/v/f && echo y > t/g && rm -rf t && ls -A");
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(removed.output, "");
  EXPECT_EQ(error_code(client().stat(remote("/t"))), Errc::not_found);
  auto not_empty = in_mount("mkdir -p n/m && rmdir n");
  EXPECT_NE(not_empty.exit_code, 0);
  EXPECT_NE(not_empty.output.find("Directory not empty"), std::string::npos) << not_empty.output;
}

TEST_F(NamespaceTools, SymlinkReadsBackAndFollows) {
  auto linked = in_mount("echo data > target && ln -s target link && readlink link && cat link && ls -l link");
  ASSERT_EQ(linked.exit_code, 0) << linked.output;
  EXPECT_EQ(linked.output.substr(0, 12), "target\ndata\n");
  EXPECT_NE(linked.output.find("link -> target"), std::string::npos) << linked.output;
  auto stored = client().readlink(remote("/link"));
  ASSERT_TRUE(stored.ok()) << error_message(stored);
  EXPECT_EQ(*stored, "target");
}

TEST_F(NamespaceTools, ChmodAndTouchDArePersisted) {
  auto changed = in_mount(
      "echo x > f && chmod 600 f && chown 1234:5678 f && touch -d '2021-02-03 04:05:06 UTC' f"
      " && stat -c '%a %u %g %Y' f");
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_EQ(changed.output, "600 1234 5678 1612325106\n");
  auto entry = client().stat(remote("/f"));
  ASSERT_TRUE(entry.ok()) << error_message(entry);
  EXPECT_EQ(entry->attributes.mode & 07777, 0600u);
  EXPECT_EQ(entry->attributes.uid, 1234u);
  EXPECT_EQ(entry->attributes.gid, 5678u);
  EXPECT_EQ(entry->attributes.mtime_ns, 1612325106LL * 1'000'000'000);
}

// While a file is written its mtime is its last write's, and that is what its commit stores: a
// stat before the close and one after a remount agree to the nanosecond (git compares them; a
// commit that stored the time of the close made them differ).
TEST_F(NamespaceTools, AFilesMtimeWhileWrittenIsTheOneItKeepsAfterTheCloseAndARemount) {
  const auto path = mountpoint() / "m.txt";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ASSERT_EQ(::write(fd, "first", 5), 5);
  ASSERT_EQ(::write(fd, " second", 7), 7);
  struct stat while_open {};
  ASSERT_EQ(::stat(path.c_str(), &while_open), 0) << std::strerror(errno);
  EXPECT_EQ(while_open.st_size, 12);
  ASSERT_EQ(::close(fd), 0) << std::strerror(errno);
  remount();
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0) << std::strerror(errno);
  EXPECT_EQ(after.st_size, 12);
  EXPECT_EQ(after.st_mtim.tv_sec, while_open.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, while_open.st_mtim.tv_nsec);
}

// A mount other users may enter (-o allow_other), as a shared machine would have it.
class SharedMount : public MountedStore {
 protected:
  std::string extra_mount_options() const override { return "allow_other"; }
};

TEST_F(SharedMount, WhatAUserMakesIsTheirs) {
  // default_permissions: the kernel checks modes and owners, so a directory a user makes must be
  // theirs, or they could not write into it.
  ASSERT_EQ(in_mount("mkdir shared && chmod 777 shared").exit_code, 0);
  auto made = in_mount("setpriv --reuid=4321 --regid=4321 --clear-groups sh -c "
                       "'mkdir shared/mine && echo x > shared/mine/f && ln -s f shared/mine/l' && "
                       "stat -c '%u:%g' shared/mine shared/mine/f shared/mine/l");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(made.output, "4321:4321\n4321:4321\n4321:4321\n");
  auto refused = in_mount("setpriv --reuid=4321 --regid=4321 --clear-groups sh -c 'echo x > f'");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("Permission denied"), std::string::npos) << refused.output;
}

TEST_F(NamespaceTools, ExclusiveCreateFailsOnAnExistingFile) {
  // set -C: bash's > becomes open(O_CREAT | O_EXCL).
  auto created = in_mount("set -C && echo one > f && echo two > f");
  EXPECT_NE(created.exit_code, 0);
  EXPECT_NE(created.output.find("cannot overwrite existing file"), std::string::npos) << created.output;
  EXPECT_EQ(in_mount("cat f").output, "one\n");
}

}  // namespace
}  // namespace dfs::testing
