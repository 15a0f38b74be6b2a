// A server that accepts connections but never answers (SIGSTOPped) costs a client one timeout,
// then is skipped for the back-off period: the design's "a dead server costs one timeout, not
// one per request". The bounds below are generous; they assert the behaviour, not speed.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "client-core/dfs_client.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
using client::DfsClient;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

TEST(ClientBackoff, AStoppedServerCostsOneTimeoutThenIsSkipped) {
  TestCluster cluster;
  const auto path = remote("/slow/file");
  const auto bytes = random_bytes(64 * 1024 + 5, 80);
  {
    DfsClient writer(client_config_for(cluster));
    auto put = put_bytes(writer, path, bytes, {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
  }

  auto config = client_config_for(cluster);
  config.timeouts.io = milliseconds(1000);
  config.down_backoff = std::chrono::seconds(60);  // longer than the whole test: no re-probe inside it
  DfsClient client(config);

  cluster.freeze(1);
  ContinueAtExit resume(cluster, 1);
  {
    // The setup really holds: the server accepts but does not answer.
    auto probe = cluster.connect(1, {.connect = milliseconds(1000), .io = milliseconds(200)});
    auto listed = probe.list(RemotePath());
    ASSERT_FALSE(listed.ok()) << "server dfs2 answered while stopped";
    EXPECT_EQ(listed.error().code(), Errc::timeout) << listed.error().message();
  }

  const auto scratch_file = cluster.scratch() / "got";
  auto start = Clock::now();
  auto first = get_bytes(client, path, scratch_file);
  const auto first_took = elapsed_since(start);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_TRUE(*first == bytes);
  // About one io timeout: waiting on the stopped server once, not once per part or per request.
  EXPECT_LT(first_took, milliseconds(3000)) << "the first get took " << first_took.count() << " ms";

  for (int round = 0; round < 5; ++round) {
    start = Clock::now();
    auto again = get_bytes(client, path, scratch_file);
    const auto took = elapsed_since(start);
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_TRUE(*again == bytes);
    EXPECT_LT(took, milliseconds(500)) << "get " << round + 2 << " took " << took.count()
                                       << " ms: the stopped server was not skipped (first took "
                                       << first_took.count() << " ms)";
  }
}

}  // namespace
}  // namespace dfs
