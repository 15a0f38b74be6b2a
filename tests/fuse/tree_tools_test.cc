// Trees through the mount: cp -a with symlinks and modes, find, du, a tar round trip, and the
// in-place editors (sed -i, vim -Es) that write a temp file and rename it over the original.
#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"
#include "tests/fuse/sample_tree.h"
#include "tests/support/client_fixture.h"

namespace dfs::testing {
namespace {

using TreeTools = MountedStore;

TEST_F(TreeTools, CpDashAOfATreeWithSymlinksKeepsContentModesAndLinks) {
  const std::string here = local("tree").string();
  ASSERT_EQ(run_shell(make_sample_tree(here)).exit_code, 0);
  auto copied = in_mount("cp -a " + here + "/src copy && diff -r --no-dereference " + here + "/src copy");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  auto listed = in_mount("stat -c '%a %N' copy/a copy/sub copy/link && find copy | sort && du -sb copy/sub/blob");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output,
            "600 'copy/a'\n750 'copy/sub'\n777 'copy/link' -> 'sub/b'\n"
            "copy\ncopy/a\ncopy/link\ncopy/sub\ncopy/sub/b\ncopy/sub/blob\n"
            "300000\tcopy/sub/blob\n");
}

TEST_F(TreeTools, TarRoundTripThroughTheMount) {
  const std::string here = local("tree").string();
  ASSERT_EQ(run_shell(make_sample_tree(here)).exit_code, 0);
  auto packed = in_mount(tar_round_trip(here));
  EXPECT_EQ(packed.exit_code, 0) << packed.output;
}

TEST_F(TreeTools, InPlaceEditorsRewriteAFile) {
  auto edited = in_mount(
      "printf 'one\\ntwo\\nthree\\n' > f && chmod 640 f && sed -i 's/two/TWO/' f"
      " && vim -Es -u NONE -c '%s/three/THREE/' -c wq f && cat f && stat -c %a f");
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  EXPECT_EQ(edited.output, "one\nTWO\nTHREE\n640\n");
}

}  // namespace
}  // namespace dfs::testing
