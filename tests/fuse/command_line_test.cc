// dfs-fuse's command line: a mistake is one "dfs-fuse: ..." line and exit status 2, before
// anything is mounted.
#include <gtest/gtest.h>

#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"

namespace dfs::testing {
namespace {

const std::string kBinary = shell_quote(DFS_FUSE_BINARY);

TEST(DfsFuseCommandLine, AMissingMountpointIsAUsageError) {
  auto run = run_shell(kBinary + " --config /nonexistent.yaml 2>&1", 10);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.output, "dfs-fuse: MOUNTPOINT is required (see 'dfs-fuse --help')\n");
}

TEST(DfsFuseCommandLine, DashOTakesOneWordSoTheMountpointFollowsIt) {
  // Parsing gets past the mountpoint to the configuration, which is missing.
  auto run = run_shell(kBinary + " -o ro -o allow_other /tmp --config /nonexistent.yaml 2>&1", 10);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("nonexistent.yaml"), std::string::npos) << run.output;
}

TEST(DfsFuseCommandLine, AMissingOrBrokenConfigNamesTheFile) {
  ScratchDir scratch("dfs-fuse-cli");
  auto missing = run_shell(kBinary + " --config " + shell_quote((scratch / "none.yaml").string()) + " " +
                               shell_quote(scratch.path().string()) + " 2>&1",
                           10);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("none.yaml"), std::string::npos) << missing.output;
  auto broken = run_shell("printf 'servers: 3\\n' > " + shell_quote((scratch / "bad.yaml").string()) + " && " +
                              kBinary + " --config " + shell_quote((scratch / "bad.yaml").string()) + " " +
                              shell_quote(scratch.path().string()) + " 2>&1",
                          10);
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.output.rfind("dfs-fuse: ", 0), 0u) << broken.output;
  EXPECT_NE(broken.output.find("bad.yaml:1"), std::string::npos) << broken.output;
}

}  // namespace
}  // namespace dfs::testing
