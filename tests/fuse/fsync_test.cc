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
#include <vector>

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

  std::uint16_t metrics_port(int server) const {
    const auto port = metrics_port_in_log(cluster().log(server));
    if (!port) ADD_FAILURE() << "no 'metrics on' line in the log of server " << server;
    return port.value_or(0);
  }

  // Every server's commits so far.
  std::vector<double> commits() const {
    std::vector<double> counts;
    for (int s = 0; s < cluster().size(); ++s) counts.push_back(scrape_metrics(metrics_port(s)).value(kCommits));
    return counts;
  }

  // A server counts a request after its answer left: waits (bounded, each server) until every
  // server has counted `more` commits beyond `before`, and returns the counts then seen.
  std::vector<double> commits_reach(const std::vector<double>& before, double more) const {
    std::vector<double> counts;
    for (int s = 0; s < cluster().size(); ++s) {
      const double want = before[static_cast<std::size_t>(s)] + more;
      const auto scrape = scrape_metrics_until(
          metrics_port(s), [&](const MetricsScrape& now) { return now.value(kCommits) >= want; },
          std::chrono::seconds(5));
      counts.push_back(scrape.value(kCommits));
    }
    return counts;
  }

  static std::vector<double> plus(std::vector<double> counts, double more) {
    for (auto& c : counts) c += more;
    return counts;
  }

  static void write_all(int fd, const std::string& bytes) {
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())) << std::strerror(errno);
  }
};

TEST_F(MountFsync, AClosedFilesCommitIsMadeDurableByFsyncOnceAndADirtyFileCommitsAtTheFsync) {
  // A file of 4 parts or more has parts on every server: each step is one commit per server.
  const std::string path = (mountpoint() / "f.bin").string();
  const std::vector<double> before = commits();

  const int writer = ::open(path.c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(writer, 0) << std::strerror(errno);
  const int reader = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(reader, 0) << std::strerror(errno);
  write_all(writer, std::string(100'000, 'a'));
  ASSERT_EQ(::close(writer), 0) << std::strerror(errno);  // the close's commit, durable later
  EXPECT_EQ(commits_reach(before, 1), plus(before, 1));

  ASSERT_EQ(::fsync(reader), 0) << std::strerror(errno);  // that commit, durable now
  EXPECT_EQ(commits_reach(before, 2), plus(before, 2));
  ASSERT_EQ(::fsync(reader), 0) << std::strerror(errno);  // durable already: nothing to send

  // A dirty file: fsync is its commit (durable before it returns), and the close has nothing left.
  const int again = ::open(path.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(again, 0) << std::strerror(errno);
  write_all(again, std::string(100'000, 'b'));
  ASSERT_EQ(::fsync(again), 0) << std::strerror(errno);
  ASSERT_EQ(::close(again), 0) << std::strerror(errno);
  ASSERT_EQ(::close(reader), 0) << std::strerror(errno);
  // Exactly one commit per server more: the second fsync above and this close sent none.
  EXPECT_EQ(commits_reach(before, 3), plus(before, 3));
  auto got = client().stat(*RemotePath::parse("/f.bin"));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->attributes.size, 100'000u);
}

}  // namespace
}  // namespace dfs::testing
