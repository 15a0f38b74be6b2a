// A server whose disk is full makes close() fail with ENOSPC, the error a program knows how to
// report, and the version written before stays readable byte for byte, in this mount too,
// whose kernel has seen the refused bytes go by.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"
#include "tests/support/limited_tmpfs.h"

namespace dfs::testing {
namespace {

constexpr int kSmallServer = 0;  // every file has two of its four parts on every server

class FullServerDisk : public MountedStore {
 protected:
  // dfs1 keeps its root on a 4 MiB tmpfs: half of a 1 MiB file fits there, half of 16 MiB not.
  TestClusterOptions cluster_options() const override {
    return {.verbose = false, .data_parent_of = {{kSmallServer, disk_.path()}}};
  }

  void SetUp() override {
    ASSERT_TRUE(disk_.mounted()) << "mounting a tmpfs needs root";
    MountedStore::SetUp();
    if (HasFatalFailure()) return;
    write_pseudo_random_file(local("old"), 1 << 20, 1);
    auto copied = in_mount("cp " + local("old").string() + " f && cmp f " + local("old").string());
    ASSERT_EQ(copied.exit_code, 0) << copied.output;
  }

  // Writes `local_file` over f as a careful program does, and returns close()'s errno (0 when
  // it succeeded). Every write succeeds, since the mount spools locally: close() is where the
  // store says whether it kept the bytes.
  int overwrite_f_with(const std::filesystem::path& local_file, int* kept_descriptor = nullptr) {
    const std::string bytes = read_local_file(local_file);
    const int fd = ::open((mountpoint() / "f").c_str(), O_WRONLY | O_TRUNC);
    EXPECT_GE(fd, 0) << "open: " << std::strerror(errno);
    if (fd < 0) return errno;
    std::size_t done = 0;
    for (ssize_t n = 0; done < bytes.size(); done += static_cast<std::size_t>(n)) {
      n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
    }
    EXPECT_EQ(done, bytes.size()) << "write: " << std::strerror(errno);
    if (kept_descriptor != nullptr) *kept_descriptor = ::dup(fd);
    errno = 0;
    return ::close(fd) == 0 ? 0 : errno;
  }

  ScratchDir scratch_{"dfs-full-disk"};
  LimitedTmpfs disk_{scratch_ / "disk", "4m"};
};

TEST_F(FullServerDisk, CloseOfAVersionTooBigIsEnospcAndTheOldContentStays) {
  write_pseudo_random_file(local("new"), 16 << 20, 2);
  const int close_errno = overwrite_f_with(local("new"));
  EXPECT_EQ(close_errno, ENOSPC) << std::strerror(close_errno);
  EXPECT_EQ(difference_between(mountpoint() / "f", local("old")), "");
  remount();  // and as the servers hold it, with nothing cached by this mount or its kernel
  EXPECT_EQ(difference_between(mountpoint() / "f", local("old")), "");
}

// Same size, other bytes: the kernel sees no change of size that would make it drop the pages
// it kept of the refused write, so the mount must tell it at the next open.
TEST_F(FullServerDisk, ARefusedRewriteOfTheSameSizeIsNotReadBack) {
  disk_.fill_leaving(64 << 10);
  write_pseudo_random_file(local("new"), 1 << 20, 2);
  const int close_errno = overwrite_f_with(local("new"));
  EXPECT_EQ(close_errno, ENOSPC) << std::strerror(close_errno);
  EXPECT_EQ(difference_between(mountpoint() / "f", local("old")), "");
  remount();
  EXPECT_EQ(difference_between(mountpoint() / "f", local("old")), "");
}

// The kernel releases a closed descriptor's file after close() has returned; a descriptor that
// is still open (here a dup, held on purpose) keeps that file alive. An open of the path in the
// meantime must read what the store holds, not the bytes the store refused.
TEST_F(FullServerDisk, AnOpenAfterARefusedCloseReadsTheOldContentWhileADescriptorIsStillOpen) {
  write_pseudo_random_file(local("new"), 16 << 20, 2);
  int still_open = -1;
  const int close_errno = overwrite_f_with(local("new"), &still_open);
  ASSERT_GE(still_open, 0) << "dup: " << std::strerror(errno);
  EXPECT_EQ(close_errno, ENOSPC) << std::strerror(close_errno);
  EXPECT_EQ(difference_between(mountpoint() / "f", local("old")), "");
  ::close(still_open);  // its close commits the refused bytes again, and fails again
}

}  // namespace
}  // namespace dfs::testing
