// The mount as one machine among several: four servers on four hosts and dfs-fuse on a fifth
// (network namespaces this test makes; the mount is used from here, as its mount namespace is
// ours). Ordinary tools through it: cp -a of a tree with a symlink, cmp, ls -l, mv, rm -rf,
// mkdir -p, a tar round trip, git init/commit/status, and rsync -a twice. What the mount wrote is
// read back by a client in this namespace, over the hosts' network too.
#include <gtest/gtest.h>

#include <string>

#include "tests/faults/cluster_on_hosts.h"
#include "tests/fuse/sample_tree.h"
#include "tests/support/client_fixture.h"

namespace dfs::testing {
namespace {

class MountOnItsOwnHost : public MountedStoreOnHosts {
 protected:
  MountOnItsOwnHost() : MountedStoreOnHosts(/*mount_from_own_host=*/true) {}

  void SetUp() override {
    MountedStoreOnHosts::SetUp();
    if (HasFatalFailure()) return;
    tree_ = local("tree").string();
    ASSERT_EQ(run_shell(make_sample_tree(tree_)).exit_code, 0);
  }

  std::string tree_;  // holds src/, the sample tree
};

TEST_F(MountOnItsOwnHost, DfsFuseRunsInTheFifthHost) {
  // Its processes there: dfs-fuse and the fusermount3 that auto_unmount keeps beside it.
  auto in_host = run_shell("for pid in $(ip netns pids " + hosts().name(4) + "); do cat /proc/$pid/comm; done");
  EXPECT_NE(("\n" + in_host.output).find("\ndfs-fuse\n"), std::string::npos) << in_host.output;
  auto written = in_mount("echo hello > f && cat f");
  EXPECT_EQ(written.output, "hello\n");
}

TEST_F(MountOnItsOwnHost, CpDashACmpAndLsOfATreeWithASymlink) {
  auto copied = in_mount("cp -a " + tree_ + "/src copy && diff -r --no-dereference " + tree_ +
                         "/src copy && cmp " + tree_ + "/src/sub/blob copy/sub/blob");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  auto listed = in_mount("ls -l copy | tail -n +2 | awk '{print $1, $NF}' && readlink copy/link");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output, "-rw------- a\nlrwxrwxrwx sub/b\ndrwxr-x--- sub\nsub/b\n");
  // The servers hold what the mount in the other host wrote.
  auto blob = get_bytes(client(), remote("/copy/sub/blob"), local("blob"));
  ASSERT_TRUE(blob.ok()) << blob.error().message();
  EXPECT_EQ(*blob, read_local_file(tree_ + "/src/sub/blob"));
}

TEST_F(MountOnItsOwnHost, MvRmDashRfAndMkdirDashP) {
  auto done = in_mount("mkdir -p a/b/c && cp -a " + tree_ + "/src a/b/c/t && mv a/b/c/t moved && mv moved/a moved/a2"
                       " && rm -rf a && ls && ls moved && test ! -e a");
  ASSERT_EQ(done.exit_code, 0) << done.output;
  EXPECT_EQ(done.output, "moved\na2\nlink\nsub\n");
  auto listed = client().list(RemotePath());
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->entries.size(), 1u);
  EXPECT_EQ(listed->entries[0].name, "moved");
}

TEST_F(MountOnItsOwnHost, TarRoundTrip) {
  auto packed = in_mount(tar_round_trip(tree_));
  EXPECT_EQ(packed.exit_code, 0) << packed.output;
}

TEST_F(MountOnItsOwnHost, GitInitCommitAndACleanStatus) {
  const std::string git = "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main";
  auto made = in_mount("mkdir repo && cd repo && " + git + " init -q && cp -a " + tree_ + "/src/. . && " + git +
                       " add -A && " + git + " commit -qm one && echo more >> a && " + git + " commit -qam two && " +
                       git + " status --porcelain && " + git + " log --oneline | wc -l && git fsck --strict 2>&1");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(made.output, "2\n");
}

TEST_F(MountOnItsOwnHost, RsyncTwiceAndTheSecondTransfersNothing) {
  auto first = in_mount("rsync -a -i " + tree_ + "/src/ copy/ && diff -r --no-dereference " + tree_ + "/src copy");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output, "");
  // -i itemizes every file it sends or changes: nothing, when sizes and mtimes all match.
  auto second = in_mount("rsync -a -i " + tree_ + "/src/ copy/");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output, "");
}

}  // namespace
}  // namespace dfs::testing
