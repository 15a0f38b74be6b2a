// Limits a hostile or unlucky client meets: body over the limit (413), a full disk (507),
// and 64 clients at once.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/support/part_fixtures.h"
#include "tests/support/shell.h"
#include "tests/support/limited_tmpfs.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

TEST(ServerLimits, ABodyOverTheLimitIs413BeforeAnyByteIsStored) {
  TestCluster cluster({.servers = 1, .extra_yaml = "max_body_bytes: 1048576"});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/big");
  const std::string data = random_bytes(2 * 1024 * 1024, 5);
  const auto st = c.put_part(path, descriptor_for(data, {1, 1}), source_of(data));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::too_large) << st.error().message();
  EXPECT_NE(st.error().message().find("1048576"), std::string::npos) << st.error().message();
  EXPECT_FALSE(std::filesystem::exists(cluster.root(0) / "tester/.dfs/big"));

  const auto body = cluster.scratch() / "body";
  run_shell("head -c 2097152 /dev/zero > " + body.string());
  auto r = run_shell("curl -sS -o /dev/null -w '%{http_code}' -u tester:tester-password -X PUT -H 'X-Dfs-Kind: file' "
                     "-H 'X-Dfs-Size: 2097152' -H 'X-Dfs-Parts: 1' -H 'X-Dfs-Xxh3: 0000000000000000' --data-binary @" +
                     body.string() + " '" + cluster.url(0) + "/big?part=1&version=0000000000000001-00000001'");
  EXPECT_EQ(r.output, "413");
  // The connection was refused cleanly; the next request on a new one works.
  EXPECT_TRUE(put_and_commit(c, path, "small", {2, 1}).ok());
}

TEST(ServerLimits, AFullDiskIs507AndThePreviousVersionStaysReadable) {
  ScratchDir scratch("dfs-small-disk");
  LimitedTmpfs disk(scratch / "disk", "4m");
  ASSERT_TRUE(disk.mounted()) << "mounting a tmpfs needs root";
  TestCluster cluster({.servers = 1, .data_parent = scratch / "disk"});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/docs/report");
  const std::string old_data = random_bytes(100'000, 6);
  ASSERT_TRUE(put_and_commit(c, path, old_data, {1, 1}).ok());

  const std::string too_big = random_bytes(6 * 1024 * 1024, 7);
  const auto st = c.put_part(path, descriptor_for(too_big, {2, 1}), source_of(too_big));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::no_space) << st.error().message();
  EXPECT_EQ(*get_all(c, path, 1), old_data);
  // No temp file is left behind to fill the disk further.
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(cluster.root(0) / "tester/docs/.dfs/report")) {
    files.push_back(e.path().filename());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"0000000000000001-00000001.commit", "0000000000000001-00000001.p1"}));

  // Two writes that each fit but not together: the second is refused, the first stored.
  const std::string half = random_bytes(2'500'000, 8);
  ASSERT_TRUE(c.put_part(*RemotePath::parse("/one"), descriptor_for(half, {3, 1}), source_of(half)).ok());
  const auto second = c.put_part(*RemotePath::parse("/two"), descriptor_for(half, {3, 1}), source_of(half));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), Errc::no_space);
  EXPECT_TRUE(c.commit(*RemotePath::parse("/one"), {3, 1}).ok());
}

TEST(ServerLimits, SixtyFourClientsAtOnceGetNoErrors) {
  TestCluster cluster({.servers = 1, .verbose = false});
  constexpr int kClients = 64;
  constexpr int kRounds = 15;
  std::atomic<int> errors{0};
  std::atomic<int> operations{0};
  std::vector<std::string> first_errors(kClients);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = cluster.connect(0);
      auto fail = [&](const std::string& what) {
        if (errors++ == 0 || first_errors[static_cast<std::size_t>(t)].empty()) first_errors[static_cast<std::size_t>(t)] = what;
      };
      for (int round = 0; round < kRounds; ++round) {
        const auto path = *RemotePath::parse("/client" + std::to_string(t) + "/file" + std::to_string(round % 3));
        const std::string data = random_bytes(1000 + static_cast<std::size_t>((t * 7919 + round * 104729) % 70'000),
                                              static_cast<std::uint64_t>(t * 1000 + round));
        const VersionId v{static_cast<std::uint64_t>(round + 1), static_cast<std::uint32_t>(t)};
        if (auto st = put_and_commit(c, path, data, v); !st) fail("put: " + st.error().message());
        auto got = get_all(c, path, 1);
        if (!got || *got != data) fail("get returned other bytes");
        auto listed = c.list(path.parent());
        if (!listed || listed->records.empty()) fail("list");
        operations += 4;
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string shown;
  for (const auto& e : first_errors) {
    if (!e.empty() && shown.size() < 2000) shown += e + "\n";
  }
  EXPECT_EQ(errors.load(), 0) << shown;
  EXPECT_EQ(operations.load(), kClients * kRounds * 4);
}

}  // namespace
}  // namespace dfs
