// df on the mount tells the truth: the servers' data disks added up and halved (every byte is
// stored twice), and less when a server is gone.
#include <sys/statvfs.h>

#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"

namespace dfs::testing {
namespace {

using MountStatfs = MountedStore;

struct Space {
  double total = 0;
  double free = 0;
};

Space space_of(const std::filesystem::path& dir) {
  struct statvfs st {};
  EXPECT_EQ(::statvfs(dir.c_str(), &st), 0) << dir;
  return {static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize),
          static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize)};
}

TEST_F(MountStatfs, SizeIsTheServersDisksHalved) {
  // The four test servers keep their roots on one local file system, so the cluster has
  // 4 x that disk, stored twice: 2 x.
  const Space disk = space_of(cluster().root(0));
  const Space mount = space_of(mountpoint());
  EXPECT_NEAR(mount.total, 2 * disk.total, 0.01 * disk.total);
  EXPECT_NEAR(mount.free, 2 * disk.free, 0.05 * disk.total);  // others write to the disk meanwhile
}

TEST_F(MountStatfs, AServerGoneTakesItsShareAway) {
  const Space disk = space_of(cluster().root(0));
  cluster().kill(3);
  const Space mount = space_of(mountpoint());
  EXPECT_NEAR(mount.total, 1.5 * disk.total, 0.01 * disk.total);
}

}  // namespace
}  // namespace dfs::testing
