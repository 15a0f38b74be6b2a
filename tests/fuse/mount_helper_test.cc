// The mount(8) helper: called the way mount(8) calls it for `mount -t fuse.dfs` or an fstab line
// (with options only mount understands), it mounts, and the mount serves until unmounted.
#include <gtest/gtest.h>
#include <sys/vfs.h>

#include <filesystem>

#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"
#include "tests/support/test_cluster.h"

namespace dfs::testing {
namespace {

constexpr long kFuseSuperMagic = 0x65735546;

bool is_fuse_mount(const std::filesystem::path& dir) {
  struct statfs st {};
  return ::statfs(dir.c_str(), &st) == 0 && st.f_type == kFuseSuperMagic;
}

TEST(MountHelper, MountsLikeMountDashTFuseDfs) {
  TestCluster cluster(TestClusterOptions{.verbose = false});
  ScratchDir scratch("dfs-mount-helper");
  const auto config = scratch / "dfc.yaml";
  const auto mountpoint = scratch / "mnt";
  write_dfc_yaml(cluster, cluster.credentials(), config);
  std::filesystem::create_directory(mountpoint);
  const std::string helper = std::filesystem::path(DFS_FUSE_BINARY).parent_path() / "mount.fuse.dfs";

  // The helper returns once dfs-fuse has mounted and gone to the background.
  auto mounted = run_shell(shell_quote(helper) + " " + shell_quote(config.string()) + " " +
                               shell_quote(mountpoint.string()) + " -n -o rw,_netdev,nofail,x-systemd.automount 2>&1",
                           20);
  EXPECT_EQ(mounted.exit_code, 0) << mounted.output;
  EXPECT_TRUE(is_fuse_mount(mountpoint));
  auto used = run_shell("echo hello > " + shell_quote((mountpoint / "f").string()) + " && cat " +
                        shell_quote((mountpoint / "f").string()) + " 2>&1");
  EXPECT_EQ(used.output, "hello\n");
  auto unmounted = run_shell("fusermount3 -u " + shell_quote(mountpoint.string()) + " 2>&1", 15);
  EXPECT_EQ(unmounted.exit_code, 0) << unmounted.output;
  if (is_fuse_mount(mountpoint)) (void)run_shell("fusermount3 -uz " + shell_quote(mountpoint.string()), 15);
  EXPECT_FALSE(is_fuse_mount(mountpoint));
}

}  // namespace
}  // namespace dfs::testing
