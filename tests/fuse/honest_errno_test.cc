// What dfs does not offer fails with the errno that says so, never EIO and never a silent
// success: hard links EPERM, FIFOs EPERM, xattrs ENOTSUP (listing finds none), RENAME_EXCHANGE EINVAL.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"

namespace dfs::testing {
namespace {

using HonestErrno = MountedStore;

// The errno of a failed call, 0 when it succeeded.
int errno_of(int result) { return result == 0 ? 0 : errno; }

TEST_F(HonestErrno, HardLinkIsNotPermitted) {
  auto tried = in_mount("echo x > a && ln a b");
  EXPECT_NE(tried.exit_code, 0);
  EXPECT_NE(tried.output.find("Operation not permitted"), std::string::npos) << tried.output;
  const auto a = mountpoint() / "a";
  EXPECT_EQ(errno_of(::link(a.c_str(), (mountpoint() / "c").c_str())), EPERM);
}

TEST_F(HonestErrno, UnsupportedCallsSayWhy) {
  ASSERT_EQ(in_mount("echo x > a && echo y > b").exit_code, 0);
  const auto a = mountpoint() / "a";
  const auto b = mountpoint() / "b";
  EXPECT_EQ(errno_of(::mkfifo((mountpoint() / "fifo").c_str(), 0644)), EPERM);
  EXPECT_EQ(errno_of(::setxattr(a.c_str(), "user.k", "v", 1, 0)), ENOTSUP);
  char value[16];
  errno = 0;
  EXPECT_EQ(::getxattr(a.c_str(), "user.k", value, sizeof value), -1);
  EXPECT_EQ(errno, ENOTSUP);
  // Asked once, remembered by the kernel: the same answer for every attribute and file after.
  errno = 0;
  EXPECT_EQ(::lgetxattr(b.c_str(), "security.selinux", value, sizeof value), -1);
  EXPECT_EQ(errno, ENOTSUP);
  EXPECT_EQ(::listxattr(a.c_str(), value, sizeof value), 0);
  EXPECT_EQ(errno_of(::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE)), EINVAL);
  EXPECT_EQ(errno_of(::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_NOREPLACE)), EEXIST);
  const int fd = ::open(a.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  // Not posix_fallocate: glibc emulates it by writing zeros when the file system refuses.
  EXPECT_EQ(errno_of(::fallocate(fd, 0, 0, 4096)), EOPNOTSUPP);
  ::close(fd);
}

}  // namespace
}  // namespace dfs::testing
