// Servers that come back different: one replaced with an empty root (heal restores both copies
// of every part, after which any other single server can die without loss), and one restarted
// with stale data after it missed a delete and an overwrite (deleted files stay deleted, the
// newest version wins, heal brings it up to date).
#include <gtest/gtest.h>

#include "client-core/dfs_client.h"
#include "tests/faults/fault_support.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;
using client::DfsClient;

struct StoredFile {
  RemotePath path;
  std::string bytes;
};

// Files of every size class and placement in three directories, and a symlink.
std::vector<StoredFile> store_sample(DfsClient& client, std::uint64_t seed) {
  std::vector<StoredFile> files;
  const std::size_t sizes[] = {0, 1, 5, 4096, 1024 * 1024 + 3};
  int i = 0;
  for (const auto size : sizes) {
    for (int x = 0; x < 4; ++x, ++i) {
      auto path = path_with_offset(remote("/data/sub" + std::to_string(i % 3)), "f" + std::to_string(size) + "-", x, 4);
      files.push_back({path, random_bytes(size, seed + static_cast<std::uint64_t>(i))});
    }
  }
  for (const auto& f : files) {
    auto put = put_bytes(client, f.path, f.bytes, {.create_parents = true});
    if (!put) throw std::runtime_error(put.error().message());
  }
  if (auto st = client.symlink(remote("/data/link"), "sub0"); !st) throw std::runtime_error(st.error().message());
  return files;
}

void expect_all_readable(DfsClient& client, const std::vector<StoredFile>& files, const fs::path& scratch,
                         CallClock& clock) {
  for (const auto& f : files) {
    auto got = clock.time("get " + f.path.display(), [&] { return get_bytes(client, f.path, scratch); });
    ASSERT_TRUE(got.ok()) << f.path.display() << ": " << got.error().message();
    EXPECT_TRUE(*got == f.bytes) << f.path.display() << ": the bytes differ";
  }
}

TEST(ServerState, AReplacedServerIsHealedBackToFullRedundancy) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  const auto config = fault_client_config(cluster, 2);
  DfsClient client(config);
  const auto files = store_sample(client, seed);
  ASSERT_TRUE(status_of(client).healthy());

  const int replaced = static_cast<int>(rng() % 4);
  cluster.stop(replaced);
  fs::remove_all(cluster.root(replaced));
  fs::create_directories(cluster.root(replaced));
  cluster.start(replaced);

  const auto before = status_of(client);
  EXPECT_FALSE(before.healthy());
  EXPECT_EQ(before.counts.under_replicated, before.counts.entries) << "every entry had two parts on it";
  EXPECT_EQ(before.counts.incomplete, 0u);

  std::vector<std::string> lines;
  const auto report = heal_everything(client, {}, &lines);
  EXPECT_TRUE(report.complete());
  EXPECT_GT(report.parts_copied, 0u);
  EXPECT_EQ(report.parts_copied + report.commits, lines.size()) << "one line per action";
  for (const auto& f : files) EXPECT_EQ(replication_problem(cluster, f.path), "");

  const auto second = heal_everything(client, {}, &lines);
  EXPECT_FALSE(second.actions()) << "heal is idempotent; it said: " << (lines.empty() ? "" : lines.front());
  EXPECT_TRUE(status_of(client).healthy());

  CallClock clock(kCallBound);
  for (int other = 0; other < 4; ++other) {
    if (other == replaced) continue;
    SCOPED_TRACE(cluster.address(other).name + " killed after the heal");
    cluster.kill(other);
    DfsClient fresh(config);
    expect_all_readable(fresh, files, cluster.scratch() / "got", clock);
    auto link = fresh.readlink(remote("/data/link"));
    ASSERT_TRUE(link.ok());
    EXPECT_EQ(*link, "sub0");
    cluster.start(other);
  }
  std::cerr << "server " << replaced << " replaced; " << clock.summary() << "\n";
}

TEST(ServerState, AServerBackWithStaleDataNeverBringsBackOldBytes) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  DfsClient client(fault_client_config(cluster, 2));
  const auto gone = remote("/gone.txt");
  const auto changed = remote("/changed.txt");
  ASSERT_TRUE(put_bytes(client, gone, random_bytes(3'000, seed)).ok());
  ASSERT_TRUE(put_bytes(client, changed, random_bytes(3'000, seed + 1)).ok());

  const int stale = static_cast<int>(rng() % 4);
  cluster.stop(stale);
  DfsClient degraded(fault_client_config(cluster, 1));
  ASSERT_TRUE(degraded.remove(gone).ok());
  const std::string newest = random_bytes(4'000, seed + 2);
  ASSERT_TRUE(put_bytes(degraded, changed, newest).ok());
  cluster.start(stale);

  CallClock clock(kCallBound);
  DfsClient reader(fault_client_config(cluster, 2));
  EXPECT_EQ(error_code(clock.time("stat", [&] { return reader.stat(gone); })), Errc::not_found) << "the delete stays";
  auto got = clock.time("get", [&] { return get_bytes(reader, changed, cluster.scratch() / "got"); });
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == newest) << "the newest version wins";

  const auto report = heal_everything(reader);
  EXPECT_TRUE(report.complete());
  EXPECT_EQ(replication_problem(cluster, gone), "");
  EXPECT_EQ(replication_problem(cluster, changed), "");
  for (const auto& p : parts_on_disk(cluster.root(stale), cluster.credentials().user, changed)) {
    EXPECT_EQ(p.file_size, 4'000u) << "the stale copy is gone";
  }
  EXPECT_TRUE(status_of(reader).healthy());

  // Even with every other server of the file's delete gone but one, the file stays deleted.
  cluster.kill((stale + 1) % 4);
  DfsClient after(fault_client_config(cluster, 2));
  EXPECT_EQ(error_code(after.stat(gone)), Errc::not_found);
  std::cerr << "server " << stale << " stale; " << clock.summary() << "\n";
}

}  // namespace
}  // namespace dfs
