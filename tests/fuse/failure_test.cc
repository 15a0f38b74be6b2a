// Failures reach the program that caused them: close() fails when the servers cannot take the
// write, with the previous content still there, and a write past the spool cap is ENOSPC.
#include <gtest/gtest.h>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"

namespace dfs::testing {
namespace {

class MountFailures : public MountedStore {
 protected:
  // A 1 MiB spool cap, and servers retried at once after they come back.
  std::string extra_client_yaml() const override { return "spool_limit_mb: 1\ndown_backoff_ms: 0\n"; }
};

TEST_F(MountFailures, CloseReportsEioWhenTooFewServersAnswerAndTheOldContentStays) {
  ASSERT_EQ(in_mount("echo old > f").exit_code, 0);
  write_local_file(local("new"), "new\n");
  // Every part lives on two neighbouring servers: with 1 and 2 gone, one part has no copy.
  cluster().kill(1);
  cluster().kill(2);
  auto copied = in_mount("cp " + local("new").string() + " f");
  EXPECT_NE(copied.exit_code, 0);
  EXPECT_NE(copied.output.find("Input/output error"), std::string::npos) << copied.output;
  cluster().start(1);
  cluster().start(2);
  auto read = in_mount("cat f");
  EXPECT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(read.output, "old\n");
}

TEST_F(MountFailures, AnIncompleteFileStillListsButReadsGiveEio) {
  ASSERT_EQ(in_mount("head -c 100000 /dev/urandom > f").exit_code, 0);
  cluster().kill(1);
  cluster().kill(2);
  auto listed = in_mount("ls -l f | cut -d' ' -f5");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output, "100000\n");
  auto read = in_mount("cat f > /dev/null");
  EXPECT_NE(read.exit_code, 0);
  EXPECT_NE(read.output.find("Input/output error"), std::string::npos) << read.output;
}

TEST_F(MountFailures, AWritePastTheSpoolCapIsEnospc) {
  auto filled = in_mount("dd if=/dev/zero of=big bs=512K count=3 status=none");
  EXPECT_NE(filled.exit_code, 0);
  EXPECT_NE(filled.output.find("No space left on device"), std::string::npos) << filled.output;
  // The cap is per mount, not per file: once that file is closed, its spool is given back.
  auto small = in_mount("dd if=/dev/zero of=small bs=512K count=1 status=none && stat -c %s small");
  EXPECT_EQ(small.exit_code, 0) << small.output;
  EXPECT_EQ(small.output, "524288\n");
}

}  // namespace
}  // namespace dfs::testing
