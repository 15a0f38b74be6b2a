// What every fault case shares: a seed that picks the victim and the moment (printed, and
// fixed with DFS_FAULT_SEED to replay a failure), a clock on every call checked against the
// call's documented bound, and the versions written to each file, so a read can be held to
// "exactly one version that was written: never a mix, never lost".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "client-core/client_config.h"
#include "tests/support/fuse_mount.h"
#include "tests/support/test_cluster.h"

namespace dfs::testing {

// DFS_FAULT_SEED when set, else a fresh random seed; the test's log shows it either way.
std::uint64_t fault_seed();

// Client settings for fault cases: short timeouts so a bound is seconds, not minutes.
//   connect 500 ms, io 1 s, down back-off 2 s.
client::ClientConfig fault_client_config(const TestCluster& cluster, int min_copies);
// The longest any one client call may take with those settings when one server is dead or
// hung: a connect timeout and an I/O timeout on it, the retry on the other copy, and slack for
// a loaded machine.
inline constexpr std::chrono::milliseconds kCallBound{6000};

// Times calls and fails the test for any that took longer than `bound`.
class CallClock {
 public:
  explicit CallClock(std::chrono::milliseconds bound) : bound_(bound) {}
  template <class F>
  auto time(const std::string& what, F&& call) {
    const auto start = std::chrono::steady_clock::now();
    auto result = call();
    record(what, std::chrono::steady_clock::now() - start);
    return result;
  }
  void record(const std::string& what, std::chrono::steady_clock::duration took);
  std::chrono::milliseconds longest() const;
  std::size_t calls() const;
  std::string summary() const;  // "37 calls, longest 1.2 s (bound 6 s)"

 private:
  std::chrono::milliseconds bound_;
  mutable std::mutex mutex_;
  std::chrono::steady_clock::duration longest_{};
  std::size_t calls_ = 0;
};

// The contents written to each file, in order, and which writes were confirmed.
class WrittenVersions {
 public:
  // A write is about to start; returns its number for succeeded().
  std::size_t attempt(const std::string& file, std::string bytes);
  void succeeded(const std::string& file, std::size_t write);
  // "" when `bytes` is the last confirmed write or a later unconfirmed one (a write whose answer
  // was lost to the fault may have committed); else what is wrong, for the failure message.
  std::string check(const std::string& file, const std::string& bytes) const;
  std::vector<std::string> files() const;

 private:
  struct Write {
    std::string bytes;
    bool confirmed = false;
  };
  std::map<std::string, std::vector<Write>> writes_;
};

// A dfs-fuse mount of `cluster` with `config` in the cluster's scratch dir.
Result<FuseMount> mount_cluster(const TestCluster& cluster, const client::ClientConfig& config,
                                const std::string& name);
// dfc.yaml for `config` (its servers, credentials, timeouts and min_copies).
void write_client_yaml(const client::ClientConfig& config, const std::filesystem::path& file);

}  // namespace dfs::testing
