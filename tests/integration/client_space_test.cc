// DfsClient::space: what the servers' LIST answers say of their data disks, added up and halved
// (every byte is stored twice); servers that do not answer do not count; none answering fails.
#include <sys/statvfs.h>

#include <gtest/gtest.h>

#include "client-core/dfs_client.h"
#include "tests/support/client_fixture.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

double disk_total(const std::filesystem::path& dir) {
  struct statvfs st {};
  EXPECT_EQ(::statvfs(dir.c_str(), &st), 0) << dir;
  return static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize);
}

TEST(ClientSpace, IsTheServersDisksHalvedCountingOnlyThoseThatAnswer) {
  TestCluster cluster;
  client::DfsClient client(client_config_for(cluster));
  const double disk = disk_total(cluster.root(0));  // all four roots share this file system

  auto all = client.space();
  ASSERT_TRUE(all.ok()) << all.error().message();
  EXPECT_EQ(all->servers_answered, 4);
  EXPECT_NEAR(static_cast<double>(all->total_bytes), 2 * disk, 0.01 * disk);
  EXPECT_LE(all->free_bytes, all->total_bytes);

  cluster.kill(1);
  auto three = client.space();
  ASSERT_TRUE(three.ok()) << three.error().message();
  EXPECT_EQ(three->servers_answered, 3);
  EXPECT_NEAR(static_cast<double>(three->total_bytes), 1.5 * disk, 0.01 * disk);

  for (const int i : {0, 2, 3}) cluster.kill(i);
  auto none = client.space();
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message().find("no server of the cluster answered"), std::string::npos)
      << none.error().message();
}

}  // namespace
}  // namespace dfs
