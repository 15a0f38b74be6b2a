// git on the mount: clone (its hard links refused, so it copies), status clean after a remount
// (st_ino and every attribute git keeps in its index are the same), gc and fsck clean.
#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"

namespace dfs::testing {
namespace {

using GitOnMount = MountedStore;

TEST_F(GitOnMount, CloneIsCleanAfterARemountAndGcAndFsckPass) {
  const std::string origin = local("origin").string();
  const std::string git = "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main";
  ASSERT_EQ(run_shell("mkdir " + origin + " && cd " + origin + " && " + git + " init -q && seq 1 1000 > n && " + git +
                      " add n && " + git + " commit -qm one && echo x >> n && mkdir d && echo y > d/y && " + git +
                      " add -A && " + git + " commit -qm two")
                .exit_code,
            0);
  auto cloned = in_mount(git + " clone -q " + origin + " clone && stat -c '%i %s %Y' clone/n");
  ASSERT_EQ(cloned.exit_code, 0) << cloned.output;
  remount();
  auto after = in_mount("stat -c '%i %s %Y' clone/n && cd clone && git status --porcelain && " + git +
                        " gc -q && git fsck --strict 2>&1 && git log --oneline | wc -l");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output, cloned.output + "2\n");
}

}  // namespace
}  // namespace dfs::testing
