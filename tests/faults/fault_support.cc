#include "tests/faults/fault_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/client_fixture.h"

namespace dfs::testing {

std::uint64_t fault_seed() {
  std::uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("DFS_FAULT_SEED"); fixed && *fixed) seed = std::strtoull(fixed, nullptr, 10);
  std::cerr << "fault seed " << seed << " (replay with DFS_FAULT_SEED=" << seed << ")\n";
  ::testing::Test::RecordProperty("fault_seed", std::to_string(seed));
  return seed;
}

client::ClientConfig fault_client_config(const TestCluster& cluster, int min_copies) {
  auto config = client_config_for(cluster);
  config.min_copies = min_copies;
  config.timeouts.connect = std::chrono::milliseconds(500);
  config.timeouts.io = std::chrono::milliseconds(1000);
  config.down_backoff = std::chrono::milliseconds(2000);
  return config;
}

void CallClock::record(const std::string& what, std::chrono::steady_clock::duration took) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took);
  EXPECT_LE(ms.count(), bound_.count()) << what << " took " << ms.count() << " ms, over its bound";
  std::lock_guard lock(mutex_);
  ++calls_;
  longest_ = std::max(longest_, took);
}

std::chrono::milliseconds CallClock::longest() const {
  std::lock_guard lock(mutex_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(longest_);
}

std::size_t CallClock::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::string CallClock::summary() const {
  return std::to_string(calls()) + " calls, longest " + std::to_string(longest().count()) + " ms (bound " +
         std::to_string(bound_.count()) + " ms)";
}

std::size_t WrittenVersions::attempt(const std::string& file, std::string bytes) {
  auto& writes = writes_[file];
  writes.push_back({std::move(bytes), false});
  return writes.size() - 1;
}

void WrittenVersions::succeeded(const std::string& file, std::size_t write) { writes_.at(file).at(write).confirmed = true; }

std::string WrittenVersions::check(const std::string& file, const std::string& bytes) const {
  const auto it = writes_.find(file);
  if (it == writes_.end()) return file + " was never written";
  const auto& writes = it->second;
  std::size_t first_allowed = 0;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    if (writes[i].confirmed) first_allowed = i;
  }
  for (std::size_t i = first_allowed; i < writes.size(); ++i) {
    if (writes[i].bytes == bytes) return "";
  }
  for (std::size_t i = 0; i < first_allowed; ++i) {
    if (writes[i].bytes == bytes) {
      return file + " reads as write " + std::to_string(i) + ", older than the confirmed write " +
             std::to_string(first_allowed) + " (a lost write)";
    }
  }
  return file + " reads as " + std::to_string(bytes.size()) + " bytes that no write produced (a mix or damage)";
}

std::vector<std::string> WrittenVersions::files() const {
  std::vector<std::string> out;
  for (const auto& [file, writes] : writes_) out.push_back(file);
  return out;
}

void write_client_yaml(const client::ClientConfig& config, const std::filesystem::path& file) {
  std::ofstream out(file);
  out << "servers:\n";
  for (const auto& s : config.servers) out << "  - name: " << s.name << "\n    address: " << s.host << ":" << s.port << "\n";
  out << "user: " << config.credentials.user << "\npassword: " << config.credentials.password << "\n"
      << "min_copies: " << config.min_copies << "\n"
      << "connect_timeout_ms: " << config.timeouts.connect.count() << "\n"
      << "io_timeout_ms: " << config.timeouts.io.count() << "\n"
      << "down_backoff_ms: " << config.down_backoff.count() << "\n";
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

Result<FuseMount> mount_cluster(const TestCluster& cluster, const client::ClientConfig& config,
                                const std::string& name) {
  const auto dir = cluster.scratch() / name;
  std::filesystem::create_directories(dir / "mnt");
  write_client_yaml(config, dir / "dfc.yaml");
  return FuseMount::mount({.binary = DFS_FUSE_BINARY,
                           .config = dir / "dfc.yaml",
                           .mountpoint = dir / "mnt",
                           .log = dir / "dfs-fuse.log"});
}

}  // namespace dfs::testing
