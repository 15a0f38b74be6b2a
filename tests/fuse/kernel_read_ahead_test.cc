// Finding a mount's backing device in /proc/self/mountinfo: the mount point field is matched
// exactly (after mountinfo's octal escapes), and the newest of stacked mounts wins.
#include "fuse/kernel_read_ahead.h"

#include <gtest/gtest.h>

namespace dfs::fuse {
namespace {

constexpr std::string_view kMountinfo =
    "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "36 22 0:40 / /mnt/dfs rw,nosuid,nodev,relatime shared:20 - fuse.dfs dfs rw,user_id=0,group_id=0\n"
    "37 22 0:41 / /mnt/my\\040files rw,relatime shared:21 - fuse.dfs dfs rw,user_id=0,group_id=0\n"
    "38 36 0:42 / /mnt/dfs rw,relatime shared:22 - fuse.dfs dfs rw,user_id=0,group_id=0\n"
    "39 22 0:43 / /mnt/dfs2 rw,relatime shared:23 - fuse.dfs dfs rw,user_id=0,group_id=0\n";

TEST(KernelReadAhead, TheNewestMountAtThePathGivesTheDevice) {
  auto device = device_of_mount(kMountinfo, "/mnt/dfs");
  ASSERT_TRUE(device.ok()) << device.error().message();
  EXPECT_EQ(*device, "0:42");
}

TEST(KernelReadAhead, EscapedSpacesInThePathAreMatched) {
  auto device = device_of_mount(kMountinfo, "/mnt/my files");
  ASSERT_TRUE(device.ok()) << device.error().message();
  EXPECT_EQ(*device, "0:41");
}

TEST(KernelReadAhead, APathThatIsNotAMountIsNotFound) {
  EXPECT_EQ(device_of_mount(kMountinfo, "/mnt").error().code(), Errc::not_found);
  EXPECT_EQ(device_of_mount(kMountinfo, "/mnt/df").error().code(), Errc::not_found);
  EXPECT_EQ(device_of_mount("", "/mnt/dfs").error().code(), Errc::not_found);
}

}  // namespace
}  // namespace dfs::fuse
