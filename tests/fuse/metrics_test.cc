// dfs-fuse's /metrics (admin_listen in dfc.yaml): files of known sizes written and read through
// a real mount, then the mount scraped: bytes, operations by result, close-commits, spools;
// degraded writes when a server is down under min_copies: 1; and a wrong admin_listen is a
// config error (exit 2) naming the key.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
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

// Byte `i` of the big file below: varies within every page and between pages.
char pattern_byte(std::uint64_t i) { return static_cast<char>((i * 131 + i / 4096) & 0xff); }

TEST_F(MountMetrics, ASpoolTooBigToKeepIsLetGoAtItsCommitAndTheDescriptorStillReadsAndWrites) {
  constexpr std::uint64_t kSize = (256ull << 20) + 4096;  // just over what a closed file may keep
  const auto path = mountpoint() / "big.bin";
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  std::string chunk(1 << 20, '\0');
  for (std::uint64_t at = 0; at < kSize; at += chunk.size()) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), kSize - at));
    for (std::size_t i = 0; i < n; ++i) chunk[i] = pattern_byte(at + i);
    ASSERT_EQ(::pwrite(fd, chunk.data(), n, static_cast<off_t>(at)), static_cast<ssize_t>(n)) << std::strerror(errno);
  }
  // Closing a duplicate commits the bytes; the spool goes at once, though `fd` stays open.
  ASSERT_EQ(::close(::dup(fd)), 0) << std::strerror(errno);
  EXPECT_EQ(scrape_metrics(port()).value("dfs_fuse_spool_bytes"), 0);

  // Reads through the open descriptor now come from the committed version.
  std::string page(4096, '\0');
  const std::uint64_t far = 200ull << 20;
  ASSERT_EQ(::pread(fd, page.data(), page.size(), static_cast<off_t>(far)), 4096) << std::strerror(errno);
  for (std::size_t i = 0; i < page.size(); ++i) ASSERT_EQ(page[i], pattern_byte(far + i)) << "byte " << far + i;
  // A write loads the committed bytes into a new spool first, and the close commits both.
  const std::uint64_t patched = 100ull << 20;
  ASSERT_EQ(::pwrite(fd, "dfs!", 4, static_cast<off_t>(patched)), 4) << std::strerror(errno);
  ASSERT_EQ(::close(fd), 0) << std::strerror(errno);

  remount();
  std::ifstream in(path, std::ios::binary);
  std::uint64_t at = 0;
  std::uint64_t wrong = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i, ++at) {
      const bool in_patch = at >= patched && at < patched + 4;
      const char want = in_patch ? "dfs!"[at - patched] : pattern_byte(at);
      if (chunk[static_cast<std::size_t>(i)] != want) ++wrong;
    }
  }
  EXPECT_EQ(at, kSize);
  EXPECT_EQ(wrong, 0u);
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
