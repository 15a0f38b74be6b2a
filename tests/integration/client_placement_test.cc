// Where DfsClient puts the parts, seen on the servers' disks: the seed's table for four servers
// (written out literally below, so a change to the formula cannot pass by changing both sides),
// and the generalised rule for five.
#include <gtest/gtest.h>

#include <array>

#include "client-core/dfs_client.h"
#include "common/placement.h"
#include "tests/support/client_fixture.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
using client::DfsClient;

// kSeedTable[x][i]: the two 1-based parts server DFS(i+1) holds of a file whose offset is x.
constexpr std::array<std::array<std::array<int, 2>, 4>, 4> kSeedTable = {{
    {{{1, 2}, {2, 3}, {3, 4}, {4, 1}}},  // x = 0
    {{{4, 1}, {1, 2}, {2, 3}, {3, 4}}},  // x = 1
    {{{3, 4}, {4, 1}, {1, 2}, {2, 3}}},  // x = 2
    {{{2, 3}, {3, 4}, {4, 1}, {1, 2}}},  // x = 3
}};

std::vector<int> sorted(std::array<int, 2> parts) {
  std::sort(parts.begin(), parts.end());
  return {parts.begin(), parts.end()};
}

TEST(ClientPlacement, PartFilesSitExactlyOnTheServersTheSeedsTableNames) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const std::string data(4096 + 3, 'p');
  for (int x = 0; x < 4; ++x) {
    const auto path = path_with_offset(remote("/placed"), "file-", x, 4);
    SCOPED_TRACE(path.display() + " (x = " + std::to_string(x) + ")");
    auto put = client.put(path, client::ByteSource::from_memory(data), {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
    for (int i = 0; i < 4; ++i) {
      const auto on_disk = parts_on_disk(cluster.root(i), cluster.credentials().user, path);
      // Nothing of any other version either: the parts are here and nowhere else.
      for (const auto& part : on_disk) EXPECT_EQ(part.version, put->version) << cluster.address(i).name;
      EXPECT_EQ(part_numbers_of(on_disk, put->version), sorted(kSeedTable[x][i])) << cluster.address(i).name;
      for (const auto& part : on_disk) EXPECT_TRUE(part.committed) << cluster.address(i).name << " P" << part.part;
    }
  }
}

TEST(ClientPlacement, PartFilesFollowTheGeneralisedRuleOnFiveServers) {
  TestCluster cluster({.servers = 5});
  DfsClient client(client_config_for(cluster));
  const std::string data(10'007, 'q');
  for (int x = 0; x < 5; ++x) {
    const auto path = path_with_offset(remote("/placed"), "five-", x, 5);
    SCOPED_TRACE(path.display() + " (x = " + std::to_string(x) + ")");
    auto put = client.put(path, client::ByteSource::from_memory(data), {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
    for (int i = 0; i < 5; ++i) {
      // Server i holds 0-based parts (i - x) mod N and (i - x + 1) mod N.
      const int first = ((i - x) % 5 + 5) % 5;
      const auto on_disk = parts_on_disk(cluster.root(i), cluster.credentials().user, path);
      EXPECT_EQ(part_numbers_of(on_disk, put->version), sorted({first + 1, (first + 1) % 5 + 1}))
          << cluster.address(i).name;
      EXPECT_EQ(on_disk.size(), 2u) << cluster.address(i).name;
    }
  }
}

}  // namespace
}  // namespace dfs
