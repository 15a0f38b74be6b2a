// dfs-fuse's /metrics (admin_listen in dfc.yaml): files of known sizes written and read through
// a real mount, then the mount scraped: bytes, operations by result, close-commits, spools;
// degraded writes when a server is down under min_copies: 1; and a wrong admin_listen is a
// config error (exit 2) naming the key.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fuse/mounted_store.h"
#include "tests/support/client_fixture.h"
#include "tests/support/metrics_scrape.h"

namespace dfs::testing {
namespace {

std::string operations(const std::string& operation, const std::string& result) {
  return "dfs_fuse_operations_total{operation=\"" + operation + "\",result=\"" + result + "\"}";
}

class MountMetrics : public MountedStore {
 protected:
  std::string extra_client_yaml() const override { return "admin_listen: 127.0.0.1:0\n"; }

  // The port this mount's dfs-fuse logged (the last one after a remount).
  std::uint16_t port() const {
    const auto text = read_local_file(local("dfs-fuse.log"));
    const auto found = metrics_port_in_log(text);
    if (!found) ADD_FAILURE() << "no 'metrics on' line in dfs-fuse's log:\n" << text;
    return found.value_or(0);
  }

  void write_file(const std::string& name, std::size_t size) {
    std::ofstream out(mountpoint() / name, std::ios::binary);
    out << std::string(size, 'x');
    out.close();
    ASSERT_TRUE(out.good()) << name;
  }

  std::size_t read_file(const std::string& name) {
    std::ifstream in(mountpoint() / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {}).size();
  }

  // The kernel sends RELEASE after close(2) has returned: scrape until `series` reaches `want`
  // (bounded: 5 s), and return that scrape.
  MetricsScrape scrape_until(const std::string& series, double want) {
    return scrape_metrics_until(port(), [&](const MetricsScrape& now) { return now.value(series) == want; },
                                std::chrono::seconds(5));
  }
};

TEST_F(MountMetrics, CountsWritesReadsAndCloseCommits) {
  const MetricsScrape before = scrape_metrics(port());
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << before.content_type;
  EXPECT_EQ(before.value("dfs_fuse_degraded_writes_total"), 0);

  write_file("a.bin", 100'000);
  write_file("b.bin", 300'000);
  EXPECT_FALSE(std::filesystem::exists(mountpoint() / "missing.bin"));

  // Both spools are kept after their last close (for a rename that may follow).
  const MetricsScrape written = scrape_until("dfs_fuse_kept_spools", 2);
  auto delta = [&](const MetricsScrape& after, const std::string& series) {
    return after.value(series) - before.value(series);
  };
  EXPECT_EQ(written.value("dfs_fuse_kept_spools"), 2);
  EXPECT_EQ(written.value("dfs_fuse_spool_bytes"), 400'000);
  EXPECT_EQ(delta(written, "dfs_fuse_written_bytes_total"), 400'000);
  EXPECT_EQ(delta(written, "dfs_fuse_commit_duration_seconds_count"), 2);  // one PUT per file
  EXPECT_EQ(written.value("dfs_fuse_commit_duration_seconds_bucket{le=\"+Inf\"}"),
            written.value("dfs_fuse_commit_duration_seconds_count"));
  EXPECT_GT(written.value("dfs_fuse_commit_duration_seconds_sum"), 0);
  EXPECT_EQ(delta(written, operations("create", "ok")), 2);
  EXPECT_GE(delta(written, operations("flush", "ok")), 2);
  EXPECT_EQ(delta(written, operations("release", "ok")), 2);
  EXPECT_GE(delta(written, operations("getattr", "ENOENT")), 1);  // missing.bin
  EXPECT_EQ(written.value("dfs_fuse_degraded_writes_total"), 0);

  // A new dfs-fuse (counting from zero) and no page cache: every byte read goes through FUSE.
  remount();
  EXPECT_EQ(read_file("a.bin"), 100'000u);
  EXPECT_EQ(read_file("b.bin"), 300'000u);
  const MetricsScrape read = scrape_metrics(port());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.value("dfs_fuse_read_bytes_total"), 400'000);
  EXPECT_EQ(read.value("dfs_fuse_written_bytes_total"), 0);
  EXPECT_EQ(read.value(operations("open", "ok")), 2);
  EXPECT_GE(read.value(operations("read", "ok")), 2);
  EXPECT_EQ(read.value("dfs_fuse_commit_duration_seconds_count"), 0);  // reading commits nothing
}

class MountMetricsOneCopy : public MountMetrics {
 protected:
  std::string extra_client_yaml() const override { return "admin_listen: 127.0.0.1:0\nmin_copies: 1\n"; }
};

TEST_F(MountMetricsOneCopy, AWriteWithAServerDownIsCountedDegraded) {
  write_file("whole.bin", 10'000);
  EXPECT_EQ(scrape_metrics(port()).value("dfs_fuse_degraded_writes_total"), 0);
  cluster().kill(3);
  write_file("degraded.bin", 10'000);  // parts of server 4 get one copy: committed, degraded
  const MetricsScrape after = scrape_metrics(port());
  EXPECT_EQ(after.value("dfs_fuse_degraded_writes_total"), 1);
  EXPECT_EQ(after.value(operations("flush", "ok")), 2);
}

TEST(MountMetricsConfig, AWrongAdminListenIsAConfigErrorNamingTheKey) {
  ScratchDir dir("dfs-fuse-metrics-config");
  for (const std::string value : {"localhost:9100", "70000", "[::1]"}) {
    const auto config = dir / "dfc.yaml";
    write_local_file(config, "servers:\n  - name: dfs1\n    address: 127.0.0.1:10001\n  - name: dfs2\n"
                             "    address: 127.0.0.1:10002\nuser: demo\npassword: secret\nadmin_listen: '" +
                                 value + "'\n");
    const auto result = run_shell(std::string(DFS_FUSE_BINARY) + " --config " + shell_quote(config.string()) + " " +
                                      shell_quote(dir.path().string()) + " 2>&1",
                                  30);
    EXPECT_EQ(result.exit_code, 2) << value << ": " << result.output;
    EXPECT_NE(result.output.find("admin_listen"), std::string::npos) << result.output;
  }
}

}  // namespace
}  // namespace dfs::testing
