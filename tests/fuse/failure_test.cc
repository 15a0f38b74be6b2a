// Failures reach the program that caused them: close() fails when the servers cannot take the
// write, with the previous content still there, and a write past the spool cap is ENOSPC.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

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

TEST_F(MountFailures, ReadsAreIdenticalWithAnyOneServerKilled) {
  write_pseudo_random_file(local("ref"), 5 << 20, 3);
  const std::string ref = local("ref").string();
  // Written with the library: this fixture's spool cap is too small for it.
  ASSERT_TRUE(client().put_file(local("ref"), remote("/f")).ok());
  for (int server = 0; server < cluster().size(); ++server) {
    cluster().kill(server);
    remount();  // nothing of the file left in the kernel's page cache
    auto read = in_mount("cmp f " + ref);
    EXPECT_EQ(read.exit_code, 0) << "server " << server << " down: " << read.output;
    cluster().start(server);
  }
}

class StoppedServer : public MountedStore {
 protected:
  // A server that stops answering is given up on after 1 s, then skipped for 3 s (the default).
  std::string extra_client_yaml() const override { return "io_timeout_ms: 1000\n"; }
};

TEST_F(StoppedServer, CostsItsTimeoutNotAHang) {
  ASSERT_EQ(in_mount("head -c 200000 /dev/urandom > f && cp f " + local("ref").string()).exit_code, 0);
  remount();
  cluster().signal(0, SIGSTOP);
  ContinueAtExit resume(cluster(), 0);
  const auto start = std::chrono::steady_clock::now();
  auto read = in_mount("cmp f " + local("ref").string() + " && ls -l > /dev/null", 20);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(read.exit_code, 0) << read.output;
  // A few io_timeouts (1 s) at most: the LIST and the first GET that met the stopped server.
  EXPECT_LT(took, std::chrono::seconds(5));
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
