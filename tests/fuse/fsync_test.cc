// Durability through the mount, counted on the servers (their dfs_server_commits_total): a
// close commits once on every server that stored a part (made durable in the servers' next
// batch), fsync of a dirty file commits durably at once, and fsync of a file a close committed
// makes that commit durable with one more commit on each of those servers, only once.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "tests/fuse/mounted_store.h"
#include "tests/support/metrics_scrape.h"

namespace dfs::testing {
namespace {

constexpr char kCommits[] = "dfs_server_commits_total";

class MountFsync : public MountedStore {
 protected:
  TestClusterOptions cluster_options() const override {
    return {.extra_yaml = "admin_listen: 127.0.0.1:0\n", .verbose = false};
  }

  double commits_on(int server) {
    const auto port = metrics_port_in_log(cluster().log(server));
    if (!port) ADD_FAILURE() << "no 'metrics on' line in the log of server " << server;
    return scrape_metrics(port.value_or(0)).value(kCommits);
  }

  double total_commits() {
    double sum = 0;
    for (int s = 0; s < cluster().size(); ++s) sum += commits_on(s);
    return sum;
  }

  // A server counts a request after its answer left: waits (bounded) until the servers' commits
  // add up to `want`, and returns the last sum seen.
  double commits_reach(double want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    double seen = total_commits();
    while (seen < want && std::chrono::steady_clock::now() < deadline) seen = total_commits();
    return seen;
  }

  static void write_all(int fd, const std::string& bytes) {
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())) << std::strerror(errno);
  }
};

TEST_F(MountFsync, AClosedFilesCommitIsMadeDurableByFsyncOnceAndADirtyFileCommitsAtTheFsync) {
  const int servers = cluster().size();  // a file of 4 parts or more has parts on every server
  const std::string path = (mountpoint() / "f.bin").string();
  const double before = total_commits();

  const int writer = ::open(path.c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(writer, 0) << std::strerror(errno);
  const int reader = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(reader, 0) << std::strerror(errno);
  write_all(writer, std::string(100'000, 'a'));
  ASSERT_EQ(::close(writer), 0) << std::strerror(errno);  // the close's commit, durable later
  EXPECT_EQ(commits_reach(before + servers), before + servers);

  ASSERT_EQ(::fsync(reader), 0) << std::strerror(errno);  // that commit, durable now
  EXPECT_EQ(commits_reach(before + 2 * servers), before + 2 * servers);
  ASSERT_EQ(::fsync(reader), 0) << std::strerror(errno);  // durable already: nothing to send

  // A dirty file: fsync is its commit (durable before it returns), and the close has nothing left.
  const int again = ::open(path.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(again, 0) << std::strerror(errno);
  write_all(again, std::string(100'000, 'b'));
  ASSERT_EQ(::fsync(again), 0) << std::strerror(errno);
  ASSERT_EQ(::close(again), 0) << std::strerror(errno);
  ASSERT_EQ(::close(reader), 0) << std::strerror(errno);
  // Exactly one commit per server more: the second fsync above and this close sent none.
  EXPECT_EQ(commits_reach(before + 3 * servers), before + 3 * servers);
  auto got = client().stat(*RemotePath::parse("/f.bin"));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->attributes.size, 100'000u);
}

}  // namespace
}  // namespace dfs::testing
