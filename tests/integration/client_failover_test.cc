// DfsClient with servers SIGKILLed: any one server may die without a byte lost; two neighbours
// down make files incomplete (reported, never half-read); a PUT that cannot get its copies fails
// naming the servers and leaves the previous version readable; min_copies 1 writes degraded.
#include <gtest/gtest.h>

#include <algorithm>

#include "client-core/dfs_client.h"
#include "common/placement.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
using client::DfsClient;

struct StoredFile {
  RemotePath path;
  std::string bytes;
  int offset = 0;  // placement x
};

// One file for each placement offset x = 0..3 under `dir`, so every server holds every role.
std::vector<StoredFile> put_one_file_per_offset(DfsClient& client, const RemotePath& dir, std::uint64_t seed) {
  std::vector<StoredFile> files;
  for (int x = 0; x < 4; ++x) {
    auto path = path_with_offset(dir, "file-", x, 4);
    auto bytes = random_bytes(256 * 1024 + 17 + static_cast<std::size_t>(x), seed + static_cast<std::uint64_t>(x));
    auto put = put_bytes(client, path, bytes, {.create_parents = true});
    if (!put) throw std::runtime_error(put.error().message());
    files.push_back({std::move(path), std::move(bytes), x});
  }
  return files;
}

const client::EntryInfo* find_entry(const client::Listing& listing, std::string_view name) {
  for (const auto& entry : listing.entries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

// The 1-based part that only servers `a` and `a + 1` hold, for a file with offset x among n.
int part_only_on_pair(int a, int x, int n) { return ((a - x + 1) % n + n) % n + 1; }

TEST(ClientFailover, GetIsIdenticalWithAnyOneServerKilled) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  const auto scratch_file = cluster.scratch() / "got";
  DfsClient writer(config);
  const auto files = put_one_file_per_offset(writer, remote("/survive"), 10);

  for (int killed = 0; killed < 4; ++killed) {
    SCOPED_TRACE(cluster.address(killed).name + " killed");
    // A client that has talked to the server before it dies (its connections are kept alive).
    DfsClient before(config);
    for (const auto& file : files) {
      auto got = get_bytes(before, file.path, scratch_file);
      ASSERT_TRUE(got.ok()) << got.error().message();
    }
    cluster.kill(killed);
    DfsClient fresh(config);
    for (const auto& file : files) {
      SCOPED_TRACE(file.path.display());
      for (DfsClient* client : {&before, &fresh, &before}) {
        auto got = get_bytes(*client, file.path, scratch_file);
        ASSERT_TRUE(got.ok()) << got.error().message();
        EXPECT_TRUE(*got == file.bytes) << "the bytes differ";
      }
    }
    cluster.start(killed);
  }
}

TEST(ClientFailover, TwoAdjacentServersDownListFilesIncompleteWithTheirMissingPart) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  DfsClient writer(config);
  const auto dir = remote("/half");
  const auto files = put_one_file_per_offset(writer, dir, 20);
  cluster.kill(1);
  cluster.kill(2);

  DfsClient reader(config);
  auto listing = reader.list(dir);
  ASSERT_TRUE(listing.ok()) << listing.error().message();
  EXPECT_EQ(listing->entries.size(), files.size());
  EXPECT_EQ(listing->unreachable.size(), 2u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.path.display() + " (x = " + std::to_string(file.offset) + ")");
    const std::vector<int> missing = {part_only_on_pair(1, file.offset, 4)};
    const auto* entry = find_entry(*listing, file.path.name());
    ASSERT_NE(entry, nullptr);
    EXPECT_FALSE(entry->complete());
    EXPECT_EQ(entry->missing_parts, missing);
    EXPECT_EQ(entry->attributes.size, file.bytes.size());

    auto stat = reader.stat(file.path);
    ASSERT_TRUE(stat.ok()) << stat.error().message();
    EXPECT_EQ(stat->missing_parts, missing);
  }
}

TEST(ClientFailover, TwoNonAdjacentServersDownLeaveEveryFileCompleteAndReadable) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  const auto scratch_file = cluster.scratch() / "got";
  DfsClient writer(config);
  const auto dir = remote("/apart");
  const auto files = put_one_file_per_offset(writer, dir, 30);
  for (const auto& [a, b] : {std::pair{0, 2}, std::pair{1, 3}}) {
    SCOPED_TRACE(cluster.address(a).name + " and " + cluster.address(b).name + " killed");
    cluster.kill(a);
    cluster.kill(b);
    DfsClient reader(config);
    auto listing = reader.list(dir);
    ASSERT_TRUE(listing.ok()) << listing.error().message();
    ASSERT_EQ(listing->entries.size(), files.size());
    for (const auto& entry : listing->entries) EXPECT_TRUE(entry.complete()) << entry.name << ": " << entry.missing_text();
    for (const auto& file : files) {
      auto got = get_bytes(reader, file.path, scratch_file);
      ASSERT_TRUE(got.ok()) << file.path.display() << ": " << got.error().message();
      EXPECT_TRUE(*got == file.bytes) << file.path.display();
    }
    cluster.start(a);
    cluster.start(b);
  }
}

TEST(ClientFailover, GetOfAnIncompleteFileFailsAndLeavesTheDestinationFolderAsItWas) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  DfsClient writer(config);
  const auto path = remote("/gone/file");
  const auto bytes = random_bytes(100'003, 40);
  ASSERT_TRUE(put_bytes(writer, path, bytes, {.create_parents = true}).ok());
  const int missing = part_only_on_pair(2, placement_offset(path, 4), 4);
  cluster.kill(2);
  cluster.kill(3);

  const auto out = cluster.scratch() / "out";
  std::filesystem::create_directory(out);
  write_local_file(out / "existing.bin", "keep me");
  DfsClient reader(config);

  auto fresh = reader.get_file(path, out / "new.bin");
  ASSERT_FALSE(fresh.ok());
  EXPECT_EQ(fresh.error().code(), Errc::incomplete) << fresh.error().message();
  EXPECT_NE(fresh.error().message().find("part " + std::to_string(missing)), std::string::npos)
      << "the message should name missing part " << missing << ": " << fresh.error().message();
  EXPECT_FALSE(std::filesystem::exists(out / "new.bin"));

  auto over = reader.get_file(path, out / "existing.bin");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code(), Errc::incomplete) << over.error().message();
  EXPECT_EQ(read_local_file(out / "existing.bin"), "keep me");
  // No temp file left beside the destination either.
  EXPECT_EQ(folder_names(out), std::vector<std::string>{"existing.bin"});
}

TEST(ClientFailover, PutWithAPartOnNoServerFailsNamingThemAndKeepsThePreviousVersion) {
  TestCluster cluster;
  auto config = client_config_for(cluster);
  const auto scratch_file = cluster.scratch() / "got";
  const auto path = remote("/kept/file");
  const auto old_bytes = random_bytes(300'001, 50);
  DfsClient writer(config);
  auto old_put = put_bytes(writer, path, old_bytes, {.create_parents = true});
  ASSERT_TRUE(old_put.ok()) << old_put.error().message();

  cluster.kill(1);
  cluster.kill(2);
  const auto new_bytes = random_bytes(300'001, 51);
  auto failed = put_bytes(writer, path, new_bytes);
  ASSERT_FALSE(failed.ok()) << "a PUT with a part on no server must fail";
  EXPECT_NE(failed.error().message().find(cluster.address(1).name), std::string::npos) << failed.error().message();
  EXPECT_NE(failed.error().message().find(cluster.address(2).name), std::string::npos) << failed.error().message();
  // Degraded writes are allowed, but not with a part that has no copy at all.
  config.min_copies = 1;
  DfsClient degraded(config);
  auto also_failed = put_bytes(degraded, path, new_bytes);
  ASSERT_FALSE(also_failed.ok()) << "min_copies 1 must still need one copy of every part";
  EXPECT_NE(also_failed.error().message().find(cluster.address(1).name), std::string::npos)
      << also_failed.error().message();

  cluster.start(1);
  cluster.start(2);
  DfsClient reader(client_config_for(cluster));
  auto stat = reader.stat(path);
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->version, old_put->version);
  auto got = get_bytes(reader, path, scratch_file);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == old_bytes) << "the previous version must read back byte for byte";
}

// fsync after a close: each server makes a small file's parts durable before its commit, so the
// version is durable only once every part has a server that answered the durable commit. With
// both servers of part 1 down that fails, naming them, though the other two answered; once they
// are back it succeeds.
TEST(ClientFailover, MakingACloseDurableNeedsAServerForEveryPart) {
  TestCluster cluster;
  DfsClient writer(client_config_for(cluster));
  const auto path = remote("/durable");
  auto written = put_bytes(writer, path, random_bytes(10'000, 60),
                           {.commit_durability = protocol::CommitDurability::later});
  ASSERT_TRUE(written.ok()) << written.error().message();
  const auto holders = PartPlacement(path, cluster.size()).servers_of_part(0);
  for (const int s : holders) cluster.kill(s);
  const auto refused = writer.make_durable(path, *written);
  ASSERT_FALSE(refused.ok()) << "part 1 has no server left to make it durable";
  for (const int s : holders) {
    EXPECT_NE(refused.error().message().find(cluster.address(s).name), std::string::npos) << refused.error().message();
  }
  for (const int s : holders) cluster.start(s);
  DfsClient after_restart(client_config_for(cluster));
  const auto durable = after_restart.make_durable(path, *written);
  EXPECT_TRUE(durable.ok()) << durable.error().message();
}

// Every server SIGKILLed right after closes whose parts and commits the servers make durable
// `later` (in the middle of their batches, or before them): after a restart each file reads
// back whole, as its new bytes or as its old ones, never a mix and never incomplete.
TEST(ClientFailover, EveryServerKilledRightAfterLaterWritesLeavesEachFileOneWholeVersion) {
  TestCluster cluster;
  DfsClient writer(client_config_for(cluster));
  constexpr int kFiles = 20;
  std::vector<std::string> old_bytes, new_bytes;
  for (int i = 0; i < kFiles; ++i) {
    old_bytes.push_back(random_bytes(10'000 + i, 70 + i));
    new_bytes.push_back(random_bytes(9'000 + i, 170 + i));
    auto put = put_bytes(writer, remote("/later/f" + std::to_string(i)), old_bytes.back(), {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
  }
  for (int i = 0; i < kFiles; ++i) {
    auto put = put_bytes(writer, remote("/later/f" + std::to_string(i)), new_bytes[static_cast<std::size_t>(i)],
                         {.commit_durability = protocol::CommitDurability::later});
    ASSERT_TRUE(put.ok()) << put.error().message();
  }
  for (int s = 0; s < cluster.size(); ++s) cluster.kill(s);
  for (int s = 0; s < cluster.size(); ++s) cluster.start(s);

  DfsClient reader(client_config_for(cluster));
  for (int i = 0; i < kFiles; ++i) {
    SCOPED_TRACE("file " + std::to_string(i));
    const auto path = remote("/later/f" + std::to_string(i));
    auto got = get_bytes(reader, path, cluster.scratch() / "got");
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_TRUE(*got == old_bytes[static_cast<std::size_t>(i)] || *got == new_bytes[static_cast<std::size_t>(i)])
        << "read " << got->size() << " bytes, neither version";
  }
}

TEST(ClientFailover, PutNeedingTwoCopiesFailsWithOneServerDownAndKeepsThePreviousVersion) {
  TestCluster cluster;
  const auto config = client_config_for(cluster);
  ASSERT_EQ(config.min_copies, 2);
  const auto scratch_file = cluster.scratch() / "got";
  const auto path = remote("/kept/two-copies");
  const auto old_bytes = random_bytes(200'003, 60);
  DfsClient writer(config);
  auto old_put = put_bytes(writer, path, old_bytes, {.create_parents = true});
  ASSERT_TRUE(old_put.ok()) << old_put.error().message();

  cluster.kill(3);
  auto failed = put_bytes(writer, path, random_bytes(200'003, 61));
  ASSERT_FALSE(failed.ok()) << "min_copies 2 with a server down must fail";
  EXPECT_NE(failed.error().message().find(cluster.address(3).name), std::string::npos) << failed.error().message();
  {
    DfsClient reader(config);
    auto got = get_bytes(reader, path, scratch_file);
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_TRUE(*got == old_bytes) << "while the server is still down";
  }

  cluster.start(3);
  DfsClient reader(config);
  auto stat = reader.stat(path);
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->version, old_put->version);
  auto got = get_bytes(reader, path, scratch_file);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == old_bytes) << "after the restart";
}

TEST(ClientFailover, PutWithMinCopiesOneSucceedsWithOneServerDownAndReadsBack) {
  TestCluster cluster;
  auto config = client_config_for(cluster);
  config.min_copies = 1;
  const auto scratch_file = cluster.scratch() / "got";
  const auto path = remote("/degraded/file");
  DfsClient writer(config);
  ASSERT_TRUE(put_bytes(writer, path, random_bytes(150'001, 70), {.create_parents = true}).ok());

  cluster.kill(0);
  const auto new_bytes = random_bytes(150'001, 71);
  auto put = put_bytes(writer, path, new_bytes);
  ASSERT_TRUE(put.ok()) << put.error().message();
  auto got = get_bytes(writer, path, scratch_file);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == new_bytes) << "read back by the writer while the server is down";

  // The restarted server still holds the older committed version: readers must not see it.
  cluster.start(0);
  DfsClient reader(client_config_for(cluster));
  auto stat = reader.stat(path);
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->version, put->version);
  EXPECT_TRUE(stat->complete()) << stat->missing_text();
  got = get_bytes(reader, path, scratch_file);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == new_bytes) << "read back by a fresh client after the restart";
}

TEST(ClientFailover, AServerRestartedBetweenTwoRequestsIsUsedAgainAtOnce) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const auto scratch_file = cluster.scratch() / "got";
  const auto files = put_one_file_per_offset(client, remote("/restart"), 110);
  // The client's kept-alive connections to dfs2 now lead to a process that is gone; it never
  // saw the server down, so nothing excuses a failure: a write needing both copies must succeed.
  cluster.kill(1);
  cluster.start(1);
  const auto bytes = random_bytes(123'457, 111);
  auto put = put_bytes(client, files[0].path, bytes);
  ASSERT_TRUE(put.ok()) << put.error().message();
  for (int s = 0; s < 4; ++s) {
    const auto on_disk = parts_on_disk(cluster.root(s), cluster.credentials().user, files[0].path);
    EXPECT_EQ(part_numbers_of(on_disk, put->version).size(), 2u) << cluster.address(s).name;
  }
  auto got = get_bytes(client, files[0].path, scratch_file);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == bytes);
}

}  // namespace
}  // namespace dfs
