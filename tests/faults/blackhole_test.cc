// One of four server hosts goes silent (every frame to and from it dropped, as when a machine
// or its link dies: no refusal, no reset): every file still reads whole, LIST answers, each call
// costs at most one connect and one io timeout, and a loop of calls pays about one timeout per
// back-off period, not one per call. Once the host is back, the client uses it again. The same
// through the mount: cat and ls -l keep working within the bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "client-core/dfs_client.h"
#include "tests/faults/cluster_on_hosts.h"
#include "tests/faults/fault_support.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"

namespace dfs::testing {
namespace {

using client::DfsClient;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kSilentHost = 1;  // dfs2

milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

struct StoredFile {
  RemotePath path;
  std::string bytes;
};

// Sizes that give empty, one-byte, uneven and striped (over 2 MiB per part) parts.
std::vector<StoredFile> sample_files() {
  const std::vector<std::size_t> sizes{0, 1, 1000, 64 * 1024 + 5, 300'000, 9 * 1024 * 1024 + 3};
  std::vector<StoredFile> files;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    files.push_back({remote("/data/f" + std::to_string(k)), random_bytes(sizes[k], 500 + k)});
  }
  return files;
}

class BlackholedHost : public ::testing::Test {
 protected:
  void SetUp() override {
    DfsClient writer(client_config_for(cluster_));  // default timeouts: writes are not under test
    for (const auto& file : files_) {
      auto put = put_bytes(writer, file.path, file.bytes, {.create_parents = true});
      ASSERT_TRUE(put.ok()) << put.error().message();
    }
    // The reader has kept-alive connections to every server when the host goes silent.
    auto listed = reader_.list(remote("/data"));
    ASSERT_TRUE(listed.ok()) << listed.error().message();
    ASSERT_TRUE(listed->unreachable.empty());
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- dfs2 log\n" << cluster_.log(kSilentHost);
  }

  // GET of `file`, its bytes checked and its time bounded; returns the time.
  milliseconds timed_get(const StoredFile& file) {
    const auto start = Clock::now();
    auto got = get_bytes(reader_, file.path, cluster_.scratch() / "got");
    const auto took = elapsed_since(start);
    EXPECT_TRUE(got.ok()) << file.path.display() << ": " << error_message(got);
    EXPECT_TRUE(got.ok() && *got == file.bytes) << file.path.display() << " came back different";
    EXPECT_LT(took, bound_) << "get " << file.path.display() << " took " << took.count() << " ms";
    return took;
  }

  TestHosts hosts_{4};
  TestCluster cluster_{servers_on(hosts_)};
  std::vector<StoredFile> files_ = sample_files();
  // Fault tests' settings: connect 500 ms, io 1 s, back-off 2 s.
  const client::ClientConfig config_ = fault_client_config(cluster_, 2);
  const milliseconds bound_ = one_timeout_bound(config_);
  DfsClient reader_{config_};
};

TEST_F(BlackholedHost, EveryFileReadsWholeAndListAnswersEachWithinOneTimeout) {
  ASSERT_TRUE(hosts_.blackhole(kSilentHost).ok());
  {
    // The setup holds: the host is silent, not refusing.
    auto probe = cluster_.connect(kSilentHost, {.connect = milliseconds(300), .io = milliseconds(300)});
    auto listed = probe.list(RemotePath());
    ASSERT_FALSE(listed.ok()) << "dfs2 answered while blackholed";
    EXPECT_EQ(listed.error().code(), Errc::timeout) << listed.error().message();
    // Both ways: from the silent host, dfs1 cannot be reached either (curl: 28, timed out),
    // while another host reaches it (an answer, 401, is curl's 0).
    const std::string curl_dfs1 = "curl -sS -m 1 -o /dev/null " + cluster_.url(0) + "/ 2>/dev/null; echo $?";
    EXPECT_EQ(hosts_.run(kSilentHost, curl_dfs1).output, "28\n");
    EXPECT_EQ(hosts_.run(2, curl_dfs1).output, "0\n");
  }
  std::vector<long> times_ms;
  for (const auto& file : files_) times_ms.push_back(timed_get(file).count());

  const auto start = Clock::now();
  auto listed = reader_.list(remote("/data"));
  const auto took = elapsed_since(start);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  EXPECT_LT(took, bound_) << "LIST took " << took.count() << " ms";
  ASSERT_EQ(listed->entries.size(), files_.size());
  for (const auto& entry : listed->entries) EXPECT_TRUE(entry.complete()) << entry.name << ": " << entry.missing_text();
  // Within the back-off the silent host is not asked again; a LIST after it would name it.
  EXPECT_LE(listed->unreachable.size(), 1u);
  std::string figures;
  for (const long ms : times_ms) figures += " " + std::to_string(ms);
  std::cout << "[ figures  ] GET times (ms) with dfs2 blackholed:" << figures << "; LIST " << took.count() << " ms\n";
}

TEST_F(BlackholedHost, ALoopOfCallsPaysAboutOneTimeoutPerBackoffPeriod) {
  ASSERT_TRUE(hosts_.blackhole(kSilentHost).ok());
  // A call slower than this waited on the silent host; a call that skips it is far quicker.
  const milliseconds slow = std::min(config_.timeouts.connect, config_.timeouts.io) / 2;
  // Long enough for the first wait (an io timeout: the connection was kept alive), a whole
  // back-off period and the next wait to begin.
  const milliseconds loop_time = config_.timeouts.io + config_.down_backoff + milliseconds(500);
  constexpr int kMaxCalls = 3000;
  int calls = 0, slow_calls = 0;
  milliseconds slow_total{0};
  const auto start = Clock::now();
  while (calls < kMaxCalls && elapsed_since(start) < loop_time) {
    const auto took = timed_get(files_[static_cast<std::size_t>(calls) % 5]);  // all but the 9 MiB one
    ++calls;
    if (took >= slow) {
      ++slow_calls;
      slow_total += took;
    }
    if (HasFailure()) break;
  }
  const auto total = elapsed_since(start);
  std::cout << "[ figures  ] " << calls << " GETs in " << total.count() << " ms with dfs2 blackholed; " << slow_calls
            << " waited on it, " << slow_total.count() << " ms together\n";
  // One wait per back-off period: after a wait the host is skipped for the whole period.
  EXPECT_LE(slow_calls, 1 + total / config_.down_backoff) << calls << " calls in " << total.count() << " ms";
  // And once the period is over it is tried again (no call would wait at all otherwise).
  EXPECT_GE(slow_calls, 2) << calls << " calls in " << total.count() << " ms";
  // Far less than a timeout per call.
  EXPECT_LT(total, calls * config_.timeouts.io / 4) << calls << " calls in " << total.count() << " ms";
}

TEST_F(BlackholedHost, ARestoredHostAnswersAgainAfterTheBackoff) {
  ASSERT_TRUE(hosts_.blackhole(kSilentHost).ok());
  timed_get(files_[2]);  // waits on the silent host once, which puts it in back-off
  auto during = reader_.list(remote("/data"));
  ASSERT_TRUE(during.ok()) << during.error().message();
  ASSERT_EQ(during->unreachable.size(), 1u) << "dfs2 answered while blackholed";

  ASSERT_TRUE(hosts_.restore(kSilentHost).ok());
  auto probe = cluster_.connect(kSilentHost, {.connect = milliseconds(1000), .io = milliseconds(1000)});
  auto direct = probe.list(RemotePath());
  ASSERT_TRUE(direct.ok()) << "dfs2 silent after the restore: " << direct.error().message();
  // The back-off period is the behaviour under test: the client skips dfs2 for that long.
  std::this_thread::sleep_for(config_.down_backoff);
  const auto start = Clock::now();
  auto after = reader_.list(remote("/data"));
  const auto took = elapsed_since(start);
  ASSERT_TRUE(after.ok()) << after.error().message();
  EXPECT_TRUE(after->unreachable.empty()) << after->unreachable.front().message();
  EXPECT_LT(took, std::min(config_.timeouts.connect, config_.timeouts.io) / 2) << "LIST after the restore took " << took.count() << " ms";
  // Writes that need both copies of every part (min_copies 2) work again; with 4 parts on 4
  // servers every file has 2 parts on dfs2. (Default timeouts: the fsyncs are not under test.)
  const auto path = remote("/data/back");
  DfsClient writer(client_config_for(cluster_));
  auto put = put_bytes(writer, path, "back again");
  ASSERT_TRUE(put.ok()) << put.error().message();
  EXPECT_FALSE(parts_on_disk(cluster_.root(kSilentHost), cluster_.credentials().user, path).empty());
}

class BlackholedHostUnderTheMount : public MountedStoreOnHosts {
 protected:
  BlackholedHostUnderTheMount() : MountedStoreOnHosts(/*mount_from_own_host=*/false) {}
  std::string extra_client_yaml() const override { return timeouts_yaml(fault_client_config(cluster(), 2)); }
};

TEST_F(BlackholedHostUnderTheMount, CatAndLsKeepWorkingWithinTheBound) {
  const auto files = sample_files();
  for (std::size_t k = 0; k < files.size(); ++k) {
    auto put = put_bytes(client(), files[k].path, files[k].bytes, {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
    write_local_file(local("f" + std::to_string(k)), files[k].bytes);
  }
  ASSERT_EQ(in_mount("ls -l data >/dev/null && cat data/* >/dev/null").exit_code, 0);  // connections kept alive

  ASSERT_TRUE(hosts().blackhole(kSilentHost).ok());
  // Each command is a process or two besides the call itself.
  const milliseconds command_bound = one_timeout_bound(fault_client_config(cluster(), 2)) + milliseconds(500);
  std::string figures;
  for (int round = 0; round < 2; ++round) {
    for (std::size_t k = 0; k < files.size(); ++k) {
      const auto start = Clock::now();
      auto compared = in_mount("cat data/f" + std::to_string(k) + " | cmp - " + local("f" + std::to_string(k)).string());
      const auto took = elapsed_since(start);
      EXPECT_EQ(compared.exit_code, 0) << "data/f" << k << ": " << compared.output;
      EXPECT_LT(took, command_bound) << "cat data/f" << k << " took " << took.count() << " ms";
      figures += " " + std::to_string(took.count());
    }
    const auto start = Clock::now();
    auto listed = in_mount("ls -l data | grep -c '^-'");
    const auto took = elapsed_since(start);
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    EXPECT_EQ(listed.output, std::to_string(files.size()) + "\n");
    EXPECT_LT(took, command_bound) << "ls -l took " << took.count() << " ms";
    figures += " ls:" + std::to_string(took.count());
  }
  std::cout << "[ figures  ] cat/ls times (ms) through the mount with dfs2 blackholed:" << figures << "\n";
}

}  // namespace
}  // namespace dfs::testing
