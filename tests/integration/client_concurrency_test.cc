// Two writers of one name at once, each with its own DfsClient and thread: the newest version wins
// and a reader gets one writer's bytes whole, never parts of one and parts of the other.
#include <gtest/gtest.h>

#include <latch>
#include <optional>
#include <thread>
#include <vector>

#include "client-core/dfs_client.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
using client::DfsClient;

TEST(ClientConcurrency, TwoWritersOfOneNameLeaveExactlyOneWholeInputNeverAMix) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  DfsClient first(config), second(config), reader(config);
  const auto path = remote("/race/shared");
  ASSERT_TRUE(reader.mkdir(path.parent()).ok());
  constexpr int kRounds = 8;
  // Same size on both sides, so a mix of parts would not show in the size alone.
  constexpr std::size_t kSize = 256 * 1024 + 3;

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto bytes_a = random_bytes(kSize, 1000 + 2 * static_cast<std::uint64_t>(round));
    const auto bytes_b = random_bytes(kSize, 1001 + 2 * static_cast<std::uint64_t>(round));
    std::optional<Result<client::EntryInfo>> put_a, put_b;
    std::latch start(2);
    // Every wait here is bounded by the clients' own timeouts.
    std::thread writer_a([&] {
      start.arrive_and_wait();
      put_a.emplace(put_bytes(first, path, bytes_a));
    });
    std::thread writer_b([&] {
      start.arrive_and_wait();
      put_b.emplace(put_bytes(second, path, bytes_b));
    });
    writer_a.join();
    writer_b.join();
    const bool a_ok = put_a->ok(), b_ok = put_b->ok();
    EXPECT_TRUE(a_ok || b_ok) << "both writers failed: " << put_a->error().message() << " / "
                              << put_b->error().message();

    auto got = get_bytes(reader, path, cluster.scratch() / "got");
    ASSERT_TRUE(got.ok()) << got.error().message();
    const bool is_a = *got == bytes_a, is_b = *got == bytes_b;
    EXPECT_TRUE(is_a || is_b) << "the file is neither input: a mix of two versions";
    // The reader sees the newest committed version; it is the one that reported success.
    auto stat = reader.stat(path);
    ASSERT_TRUE(stat.ok()) << stat.error().message();
    EXPECT_TRUE(stat->complete()) << stat->missing_text();
    if (is_a && a_ok) {
      EXPECT_EQ(stat->version, (*put_a)->version);
    }
    if (is_b && b_ok) {
      EXPECT_EQ(stat->version, (*put_b)->version);
    }
    EXPECT_FALSE(is_a && !a_ok) << "the file holds writer A's bytes, but A's put failed: "
                                << put_a->error().message();
    EXPECT_FALSE(is_b && !b_ok) << "the file holds writer B's bytes, but B's put failed: "
                                << put_b->error().message();
  }
}

TEST(ClientConcurrency, OneClientServesManyThreadsAtOnce) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  ASSERT_TRUE(client.mkdir(remote("/threads")).ok());
  constexpr int kThreads = 4, kFilesEach = 5;
  std::vector<std::string> failures(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int f = 0; f < kFilesEach; ++f) {
        const auto path = remote("/threads/t" + std::to_string(t) + "-f" + std::to_string(f));
        const auto bytes = random_bytes(64 * 1024 + static_cast<std::size_t>(f), static_cast<std::uint64_t>(100 * t + f));
        auto put = put_bytes(client, path, bytes);
        if (!put) {
          failures[static_cast<std::size_t>(t)] += "put " + path.display() + ": " + put.error().message() + "\n";
          continue;
        }
        auto got = get_bytes(client, path, cluster.scratch() / ("got-" + std::to_string(t)));
        if (!got) {
          failures[static_cast<std::size_t>(t)] += "get " + path.display() + ": " + got.error().message() + "\n";
        } else if (*got != bytes) {
          failures[static_cast<std::size_t>(t)] += path.display() + " read back different bytes\n";
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[static_cast<std::size_t>(t)], "") << "thread " << t;
  auto listing = client.list(remote("/threads"));
  ASSERT_TRUE(listing.ok()) << listing.error().message();
  EXPECT_EQ(listing->entries.size(), static_cast<std::size_t>(kThreads * kFilesEach));
}

}  // namespace
}  // namespace dfs
