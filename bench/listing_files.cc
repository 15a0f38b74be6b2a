#include "bench/listing_files.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "client-core/dfs_client.h"
#include "common/remote_path.h"
#include "tests/support/client_fixture.h"

namespace dfs::bench {
namespace {

std::string file_name(int i) { return "f" + std::to_string(100000 + i).substr(1); }

}  // namespace

Result<double> create_remote_files(const testing::TestCluster& cluster, const std::string& remote_dir, int count) {
  client::DfsClient client(testing::client_config_for(cluster));
  auto dir = RemotePath::parse(remote_dir);
  if (!dir) return dir.error();
  const auto start = Clock::now();
  if (auto st = client.mkdir(*dir, 0755, true); !st) return st.error();
  client::WriteOptions options;
  options.parent_known = true;  // made just above; as the mount does for a parent it looked up
  std::atomic<int> next{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;
  const auto work = [&] {
    for (int i = next++; i < count; i = next++) {
      const std::string name = file_name(i);
      const std::string bytes = "file " + name + "\n";
      auto stored = client.put(dir->child(name), client::ByteSource::from_memory(bytes), options);
      if (!stored) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = stored.error().with_context("put " + dir->child(name).display());
        next = count;  // the others stop at their next file
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kCreateThreads; ++t) threads.emplace_back(work);
  for (auto& thread : threads) thread.join();
  if (failure) return *failure;
  return seconds_since(start);
}

Result<double> create_local_files(const std::filesystem::path& dir, int count) {
  const auto start = Clock::now();
  std::error_code ec;
  if (!std::filesystem::create_directory(dir, ec)) return Error::from_errno(ec.value(), "mkdir " + dir.string());
  for (int i = 0; i < count; ++i) {
    const std::string name = file_name(i);
    std::ofstream out(dir / name);
    out << "file " << name << "\n";
    if (!out) return Error(Errc::io_error, "cannot write " + (dir / name).string());
  }
  return seconds_since(start);
}

}  // namespace dfs::bench
