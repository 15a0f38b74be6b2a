// Stopping and crashing: SIGINT during a streaming PUT (finished within the grace period, or
// aborted after it), SIGKILL mid-PUT followed by a restart, and a stop with a commit made
// durable `later` still pending. Never a partial part in sight.
#include <gtest/gtest.h>

#include <filesystem>

#include "client-core/server_connection.h"
#include "common/protocol.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

constexpr std::size_t kBig = 64 * 1024 * 1024;

// A body source over `data` that runs `at_midpoint` once, when half the bytes have been sent.
client::BodySource source_with_midpoint(const std::string& data, std::function<void()> at_midpoint) {
  auto inner = source_of(data);
  auto sent = std::make_shared<std::size_t>(0);
  return [inner, sent, at_midpoint, &data](char* buf, std::size_t size) -> Result<std::size_t> {
    if (*sent >= data.size() / 2 && at_midpoint) {
      const auto once = std::exchange(const_cast<std::function<void()>&>(at_midpoint), nullptr);
      once();
    }
    auto n = inner(buf, size);
    if (n) *sent += *n;
    return n;
  };
}

TEST(ServerShutdown, SigintLetsAnInFlightPutFinishThenExitsZero) {
  TestCluster cluster({.servers = 1, .extra_yaml = "shutdown_grace_ms: 30000"});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/big");
  const std::string data = random_bytes(kBig, 9);
  const auto st = c.put_part(path, descriptor_for(data, {1, 1}),
                             source_with_midpoint(data, [&] { cluster.signal(0, SIGINT); }));
  EXPECT_TRUE(st.ok()) << (st ? "" : st.error().message());
  const auto code = cluster.wait_exit(0, std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "server did not exit";
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(files_in(cluster.root(0) / "tester/.dfs/big"), (std::vector<std::string>{"0000000000000001-00000001.p1"}));
  cluster.start(0);
  auto again = cluster.connect(0);
  ASSERT_TRUE(again.commit(path, {1, 1}).ok());
  EXPECT_EQ(*get_all(again, path, 1), data);
}

// X-Dfs-Flush: later (the mount's close): answered once recorded, read at once, and a clean stop
// makes it durable and removes the version it supersedes, as a durable commit would have.
TEST(ServerShutdown, ACommitDurableLaterIsReadAtOnceAndAStopLeavesOnlyItsVersion) {
  TestCluster cluster({.servers = 1});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/later");
  ASSERT_TRUE(put_and_commit(c, path, "old bytes", {1, 1}).ok());
  const std::string data = "new bytes";
  ASSERT_TRUE(c.put_part(path, descriptor_for(data, {2, 1}), source_of(data)).ok());
  ASSERT_TRUE(c.send_commit(path, {2, 1}, protocol::CommitDurability::later).ok());
  const auto committed = c.finish();
  ASSERT_TRUE(committed.ok()) << committed.error().message();
  EXPECT_EQ(*get_all(c, path, 1), data);

  const std::string bad = "PUT /later?version=" + VersionId{2, 1}.to_string() + " HTTP/1.1\r\nHost: x\r\n" +
                          "Authorization: " + client::basic_authorization(cluster.credentials()) + "\r\n" +
                          std::string(protocol::kFlush) + ": soon\r\nContent-Length: 0\r\n\r\n";
  const std::string answer = raw_http_exchange(cluster.address(0).port, bad, std::chrono::seconds(10));
  EXPECT_NE(answer.find(" 400 "), std::string::npos) << answer;
  EXPECT_NE(answer.find("'now' or 'later'"), std::string::npos) << answer;

  cluster.signal(0, SIGTERM);
  const auto code = cluster.wait_exit(0, std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "server did not exit";
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(files_in(cluster.root(0) / "tester/.dfs/later"),
            (std::vector<std::string>{"0000000000000002-00000001.commit", "0000000000000002-00000001.p1"}));
}

TEST(ServerShutdown, SigintAbortsAPutThatOutlivesTheGracePeriodAndLeavesNothing) {
  TestCluster cluster({.servers = 1, .extra_yaml = "shutdown_grace_ms: 200"});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/big");
  const std::string data = random_bytes(kBig, 10);
  std::optional<int> exit_code;
  // The client stalls mid-body until the server has given up on it and exited.
  const auto st = c.put_part(path, descriptor_for(data, {1, 1}), source_with_midpoint(data, [&] {
                               cluster.signal(0, SIGINT);
                               exit_code = cluster.wait_exit(0, std::chrono::seconds(20));
                             }));
  EXPECT_FALSE(st.ok());
  ASSERT_TRUE(exit_code.has_value()) << "server did not exit within the grace period";
  EXPECT_EQ(*exit_code, 0);
  EXPECT_EQ(files_in(cluster.root(0) / "tester/.dfs/big"), std::vector<std::string>{}) << "no part and no temp file";
}

TEST(ServerShutdown, SigkillMidPutThenRestartShowsNoPartialPartAndCleansLeftovers) {
  TestCluster cluster({.servers = 1, .extra_yaml = "staged_max_age_s: 0"});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/big");
  // A staged version whose writer never commits, and a part cut off mid-body.
  ASSERT_TRUE(c.put_part(*RemotePath::parse("/abandoned"), descriptor_for("staged", {1, 1}), source_of("staged")).ok());
  const std::string data = random_bytes(kBig, 11);
  const auto st = c.put_part(path, descriptor_for(data, {2, 1}), source_with_midpoint(data, [&] { cluster.kill(0); }));
  EXPECT_FALSE(st.ok());
  const auto leftovers = files_in(cluster.root(0) / "tester/.dfs/big");
  ASSERT_EQ(leftovers.size(), 1u);
  EXPECT_TRUE(leftovers[0].starts_with(".tmp.")) << leftovers[0];

  cluster.start(0);
  auto again = cluster.connect(0);
  auto listed = again.list(RemotePath());
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->records.empty()) << "nothing partial or stale is listed";
  EXPECT_EQ(files_in(cluster.root(0) / "tester/.dfs/big"), std::vector<std::string>{}) << "temp file removed at start";
  EXPECT_EQ(files_in(cluster.root(0) / "tester/.dfs/abandoned"), std::vector<std::string>{}) << "stale staged version removed";
  EXPECT_NE(cluster.log(0).find("sweep: removed 1 temp files and 1 uncommitted staged parts"), std::string::npos)
      << cluster.log(0);
}

}  // namespace
}  // namespace dfs
