// Disks that fail: one server's disk full (writes that need two copies fail with no_space and
// leave the old version; degraded writes go on; heal repairs once there is room), and part files
// rotted by bit flips, truncation and deletion (reads return the right bytes; heal --verify
// repairs every copy).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "client-core/dfs_client.h"
#include "common/placement.h"
#include "server/part_file_format.h"
#include "tests/faults/fault_support.h"
#include "tests/support/client_fixture.h"
#include "tests/support/limited_tmpfs.h"
#include "tests/support/part_fixtures.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;
using client::DfsClient;

TEST(DiskFault, OneServersDiskFullKeepsOldVersionsAndHealsOnceThereIsRoom) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  const int full = static_cast<int>(rng() % 4);
  const auto disk_dir = fs::temp_directory_path() / ("dfs-full-" + std::to_string(::getpid()));
  LimitedTmpfs disk(disk_dir, "16m");
  ASSERT_TRUE(disk.mounted()) << "needs root to mount a tmpfs";
  TestCluster cluster({.verbose = false, .data_parent_of = {{full, disk_dir}}});
  DfsClient strict(fault_client_config(cluster, 2));
  const auto path = remote("/full/file");
  const std::string old_bytes = random_bytes(200'000, seed);
  ASSERT_TRUE(put_bytes(strict, path, old_bytes, {.create_parents = true}).ok());
  disk.fill_leaving(64 * 1024);

  CallClock clock(kCallBound);
  const std::string new_bytes = random_bytes(2'000'000, seed + 1);
  auto refused = clock.time("put to a full disk", [&] { return put_bytes(strict, path, new_bytes); });
  EXPECT_EQ(error_code(refused), Errc::no_space) << error_message(refused);
  auto got = get_bytes(strict, path, cluster.scratch() / "got");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == old_bytes) << "the refused write left the old version";

  DfsClient degraded(fault_client_config(cluster, 1));
  ASSERT_TRUE(clock.time("degraded put", [&] { return put_bytes(degraded, path, new_bytes); }).ok());
  got = get_bytes(strict, path, cluster.scratch() / "got");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == new_bytes);
  EXPECT_EQ(status_of(strict).counts.under_replicated, 1u);

  const auto stuck = heal_everything(strict);
  EXPECT_GT(stuck.failures, 0u) << "no room yet: the copies fail, and say so";
  fs::remove(disk_dir / "ballast");
  const auto healed = heal_everything(strict);
  EXPECT_TRUE(healed.complete());
  EXPECT_EQ(replication_problem(cluster, path), "");
  EXPECT_TRUE(status_of(strict).healthy());
  std::cerr << "server " << full << " full; " << clock.summary() << "\n";
}

enum class Damage { flip, truncate, remove };

TEST(DiskFault, RottenPartFilesReadRightAndHealVerifyRepairsEveryCopy) {
  const auto seed = fault_seed();
  std::mt19937_64 rng(seed);
  TestCluster cluster({.verbose = false});
  DfsClient client(fault_client_config(cluster, 2));
  constexpr int kFiles = 8;
  std::vector<std::pair<RemotePath, std::string>> files;
  for (int i = 0; i < kFiles; ++i) {
    files.emplace_back(remote("/rot/f" + std::to_string(i)), random_bytes(300'000 + rng() % 700'000, rng()));
    ASSERT_TRUE(put_bytes(client, files.back().first, files.back().second, {.create_parents = true}).ok());
  }
  // Damage one copy of a random part of most files: never both copies of one part.
  std::size_t damaged = 0, removed = 0;
  for (const auto& [path, bytes] : files) {
    if (rng() % 4 == 0) continue;
    const int part = static_cast<int>(rng() % 4);
    const auto holders = PartPlacement(path, 4).servers_of_part(part);
    const int server = holders[rng() % 2];
    const auto file = part_file_of(cluster, server, path, part + 1);
    const auto psize = part_size(bytes.size(), 4, part);
    switch (static_cast<Damage>(rng() % 3)) {
      case Damage::flip: {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        const auto at = static_cast<std::streamoff>(server::data_offset(psize) + rng() % psize);
        f.seekg(at);
        char c = 0;
        f.read(&c, 1);
        c = static_cast<char>(c ^ (1 << (rng() % 8)));
        f.seekp(at);
        f.write(&c, 1);
        break;
      }
      case Damage::truncate:
        fs::resize_file(file, server::data_offset(psize) + rng() % psize);
        break;
      case Damage::remove:
        fs::remove(file);
        ++removed;
        break;
    }
    ++damaged;
  }

  CallClock clock(kCallBound);
  for (const auto& [path, bytes] : files) {
    auto got = clock.time("get", [&] { return get_bytes(client, path, cluster.scratch() / "got"); });
    ASSERT_TRUE(got.ok()) << path.display() << ": " << got.error().message();
    EXPECT_TRUE(*got == bytes) << path.display() << ": a damaged copy was read as good";
  }
  const auto report = heal_everything(client, {.verify = true});
  EXPECT_EQ(report.parts_copied, damaged);
  EXPECT_EQ(report.copies_repaired, damaged - removed) << "the deleted copies are copied, the rotten ones repaired";
  EXPECT_EQ(report.copies_verified, 8u * kFiles - removed);
  EXPECT_TRUE(report.complete());
  const auto again = heal_everything(client, {.verify = true});
  EXPECT_FALSE(again.actions());
  EXPECT_EQ(again.copies_verified, 8u * kFiles);
  for (const auto& [path, bytes] : files) EXPECT_EQ(replication_problem(cluster, path), "");
  std::cerr << damaged << " copies damaged (" << removed << " deleted); " << clock.summary() << "\n";
}

}  // namespace
}  // namespace dfs
