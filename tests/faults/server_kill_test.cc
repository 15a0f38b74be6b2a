// SIGKILL of a random server at a random moment of a loop of writes, through dfc and through
// the mount. With min_copies 1 the writes go on degraded. Afterwards every file reads back as
// exactly one version that was written (the last confirmed one, or a later one whose answer the
// kill cut off), heal brings back both copies, and every call kept its bound.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <functional>
#include <thread>

#include "client-core/dfs_client.h"
#include "tests/faults/fault_support.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/part_fixtures.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;

constexpr int kWrites = 16;
constexpr int kFiles = 3;

// Kills `victim` a random few milliseconds after write number `at` has started.
class Killer {
 public:
  Killer(TestCluster& cluster, int victim, int at, std::chrono::milliseconds delay)
      : cluster_(cluster), victim_(victim), at_(at), delay_(delay), thread_([this] { run(); }) {}
  ~Killer() {
    started(at_);  // let the thread finish even when the loop ended early
    thread_.join();
  }
  void started(int write) {
    std::lock_guard lock(mutex_);
    current_ = std::max(current_, write);
    wake_.notify_all();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return current_ >= at_; });
    lock.unlock();
    // The delay picks the moment inside the write; nothing waits on it.
    std::this_thread::sleep_for(delay_);
    cluster_.kill(victim_);
  }

  TestCluster& cluster_;
  int victim_;
  int at_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  int current_ = -1;
  std::thread thread_;
};

// Reads every file through a fresh client and holds it to what was written.
void expect_written_versions(const TestCluster& cluster, const client::ClientConfig& config,
                             const WrittenVersions& written, CallClock& clock) {
  client::DfsClient reader(config);
  for (const auto& file : written.files()) {
    auto got = clock.time("get " + file, [&] { return get_bytes(reader, remote(file), cluster.scratch() / "got"); });
    ASSERT_TRUE(got.ok()) << file << ": " << got.error().message();
    EXPECT_EQ(written.check(file, *got), "");
  }
}

void heal_and_check(TestCluster& cluster, const client::ClientConfig& config, const WrittenVersions& written,
                    CallClock& clock) {
  client::DfsClient healer(config);
  auto report = healer.heal(RemotePath(), {});
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_TRUE(report->complete()) << report->failures << " failures";
  auto status = healer.status(RemotePath());
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->healthy()) << "under-replicated " << status->counts.under_replicated << ", pending "
                                 << status->counts.pending;
  expect_written_versions(cluster, config, written, clock);
}

// kWrites writes of random bytes to kFiles files by `write` (true: the write was confirmed),
// with a random server killed a random moment into a random write; returns the victim.
int write_loop_with_a_kill(TestCluster& cluster, std::mt19937_64& rng, WrittenVersions& written,
                           const std::function<bool(int, const std::string&, const std::string&)>& write) {
  const int victim = static_cast<int>(rng() % 4);
  Killer killer(cluster, victim, 3 + static_cast<int>(rng() % (kWrites - 6)), std::chrono::milliseconds(rng() % 40));
  for (int i = 0; i < kWrites; ++i) {
    const std::string file = "/loop/f" + std::to_string(i % kFiles);
    auto bytes = random_bytes(512 * 1024 + rng() % (1024 * 1024), rng());
    const auto attempt = written.attempt(file, bytes);
    killer.started(i);
    if (write(i, file, bytes)) written.succeeded(file, attempt);
  }
  return victim;
}

TEST(ServerKill, ARandomServerDiesDuringALoopOfDfcPuts) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  const auto config = fault_client_config(cluster, 1);
  const auto yaml = cluster.scratch() / "dfc.yaml";
  write_client_yaml(config, yaml);
  WrittenVersions written;
  CallClock clock(kCallBound);
  const int victim = write_loop_with_a_kill(cluster, rng, written, [&](int i, const std::string& file, const std::string& bytes) {
    const auto local = cluster.scratch() / ("local" + std::to_string(i));
    write_local_file(local, bytes);
    auto result = clock.time("dfc put " + file, [&] {
      return run_dfc({"put", local.string(), file, "--config", yaml.string()}, cluster.scratch().path());
    });
    fs::remove(local);
    if (result.exit_code != 0) {
      EXPECT_EQ(result.err_lines().size(), 1u) << "one line per failure: " << result.err;
    }
    return result.exit_code == 0;
  });
  ASSERT_FALSE(cluster.running(victim));
  expect_written_versions(cluster, config, written, clock);
  cluster.start(victim);
  heal_and_check(cluster, config, written, clock);
  std::cerr << "server " << victim << " killed; " << clock.summary() << "\n";
}

// write(2) of all of `bytes` and close(2): the errno close() gave (the commit's), or 0.
int write_through_mount(const fs::path& file, const std::string& bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return err;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0 ? 0 : errno;
}

TEST(ServerKill, ARandomServerDiesDuringALoopOfWritesThroughTheMount) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  const auto config = fault_client_config(cluster, 1);
  auto mount = mount_cluster(cluster, config, "m");
  ASSERT_TRUE(mount.ok()) << mount.error().message();
  const auto mnt = mount->mountpoint();
  fs::create_directories(mnt / "loop");
  WrittenVersions written;
  CallClock clock(kCallBound);
  const int victim = write_loop_with_a_kill(cluster, rng, written, [&](int, const std::string& file, const std::string& bytes) {
    const int err = clock.time("write " + file, [&] { return write_through_mount(mnt / file.substr(1), bytes); });
    if (err != 0) {
      EXPECT_EQ(err, EIO) << "a failed commit is EIO: " << std::strerror(err);
    }
    return err == 0;
  });
  // Through the mount itself (a fresh open sees the newest committed version).
  for (const auto& file : written.files()) {
    auto got = clock.time("read " + file, [&] { return read_local_file(mnt / file.substr(1)); });
    EXPECT_EQ(written.check(file, got), "");
  }
  ASSERT_TRUE(mount->unmount().ok());
  cluster.start(victim);
  heal_and_check(cluster, config, written, clock);
  std::cerr << "server " << victim << " killed; " << clock.summary() << "\n";
}

}  // namespace
}  // namespace dfs
