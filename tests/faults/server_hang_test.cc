// SIGSTOP of a random server: it accepts connections (the kernel does) but answers nothing.
// Every call through the client and through the mount returns within its bound with the right
// bytes, and the hung server costs about one I/O timeout per back-off period, not one per call.
#include <gtest/gtest.h>

#include <csignal>

#include "client-core/dfs_client.h"
#include "tests/faults/fault_support.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/shell.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;

constexpr int kFiles = 6;
constexpr int kRounds = 4;

std::vector<std::pair<RemotePath, std::string>> store_files(client::DfsClient& client, std::uint64_t seed) {
  std::vector<std::pair<RemotePath, std::string>> files;
  for (int i = 0; i < kFiles; ++i) {
    const auto path = remote("/hang/f" + std::to_string(i));
    auto bytes = random_bytes(100'000 + static_cast<std::size_t>(i), seed + static_cast<std::uint64_t>(i));
    auto put = put_bytes(client, path, bytes, {.create_parents = true});
    if (!put) throw std::runtime_error(put.error().message());
    files.emplace_back(path, std::move(bytes));
  }
  return files;
}

TEST(ServerHang, EveryClientCallReturnsWithinItsBound) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  const auto config = fault_client_config(cluster, 1);
  client::DfsClient client(config);
  const auto files = store_files(client, seed);
  const int victim = static_cast<int>(rng() % 4);
  cluster.freeze(victim);
  ContinueAtExit thaw(cluster, victim);

  CallClock clock(kCallBound);
  std::size_t slow_calls = 0;  // calls that waited on the hung server
  const auto loop_start = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& [path, bytes] : files) {
      const auto start = std::chrono::steady_clock::now();
      auto got = clock.time("get " + path.display(), [&] { return get_bytes(client, path, cluster.scratch() / "got"); });
      ASSERT_TRUE(got.ok()) << got.error().message();
      EXPECT_TRUE(*got == bytes);
      auto listed = clock.time("list", [&] { return client.list(path.parent()); });
      ASSERT_TRUE(listed.ok()) << listed.error().message();
      EXPECT_EQ(listed->entries.size(), files.size());
      auto put = clock.time("put " + path.display(), [&] { return put_bytes(client, path, bytes); });
      EXPECT_TRUE(put.ok()) << "min_copies 1 writes past a hung server: " << put.error().message();
      if (std::chrono::steady_clock::now() - start > config.timeouts.io / 2) ++slow_calls;
    }
  }
  const auto took = std::chrono::steady_clock::now() - loop_start;
  // One I/O timeout per back-off period (plus the first), never one per call.
  const auto periods = static_cast<std::size_t>(took / config.down_backoff) + 2;
  EXPECT_LE(slow_calls, periods) << slow_calls << " slow rounds in " << periods << " back-off periods";
  std::cerr << "server " << victim << " hung; " << clock.summary() << "; " << slow_calls << " slow of "
            << kRounds * kFiles << "\n";
}

TEST(ServerHang, TheMountKeepsAnsweringWithinItsBound) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  const auto config = fault_client_config(cluster, 1);
  std::vector<std::pair<RemotePath, std::string>> files;
  {
    client::DfsClient client(config);
    files = store_files(client, seed);
  }
  auto mount = mount_cluster(cluster, config, "m");
  ASSERT_TRUE(mount.ok()) << mount.error().message();
  const auto mnt = mount->mountpoint();
  const int victim = static_cast<int>(rng() % 4);
  cluster.freeze(victim);
  ContinueAtExit thaw(cluster, victim);

  CallClock clock(kCallBound);
  for (int round = 0; round < kRounds; ++round) {
    auto ls = clock.time("ls -l", [&] { return run_shell("ls -l " + shell_quote((mnt / "hang").string()), 30); });
    EXPECT_EQ(ls.exit_code, 0) << ls.output;
    for (const auto& [path, bytes] : files) {
      const auto local = mnt / path.str();
      auto got = clock.time("cat " + path.display(), [&] { return read_local_file(local); });
      EXPECT_TRUE(got == bytes) << path.display();
      auto cmp = clock.time("cp " + path.display(), [&] {
        return run_shell("cp " + shell_quote(local.string()) + " " + shell_quote(local.string() + ".copy"), 30);
      });
      EXPECT_EQ(cmp.exit_code, 0) << cmp.output;
    }
  }
  std::cerr << "server " << victim << " hung; " << clock.summary() << "\n";
}

}  // namespace
}  // namespace dfs
