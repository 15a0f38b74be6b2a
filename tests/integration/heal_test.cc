// dfc status and heal through DfsClient against real servers: degraded writes are found and
// repaired, rotten copies are found by
// --verify, pending commits are finished, abandoned versions and old tombstones dropped, and a
// second heal finds nothing to do. (A replaced server and a stale one: tests/faults/.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "client-core/dfs_client.h"
#include "common/checksum.h"
#include "common/placement.h"
#include "common/wall_time.h"
#include "server/part_file_format.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

namespace fs = std::filesystem;
using namespace dfs::testing;
using client::DfsClient;

struct StoredFile {
  RemotePath path;
  std::string bytes;
};

void expect_all_readable(DfsClient& client, const std::vector<StoredFile>& files, const fs::path& scratch) {
  for (const auto& f : files) {
    auto got = get_bytes(client, f.path, scratch);
    ASSERT_TRUE(got.ok()) << f.path.display() << ": " << got.error().message();
    EXPECT_TRUE(*got == f.bytes) << f.path.display() << ": the bytes differ";
  }
}

TEST(Heal, DegradedWritesWithMinCopiesOneShowInStatusUntilHealed) {
  TestCluster cluster;
  auto config = client_config_for(cluster);
  config.min_copies = 1;
  cluster.kill(1);
  std::vector<StoredFile> files;
  {
    DfsClient client(config);
    for (int x = 0; x < 4; ++x) {
      files.push_back({path_with_offset(remote("/degraded"), "f", x, 4), random_bytes(70'000, static_cast<std::uint64_t>(x))});
      auto put = put_bytes(client, files.back().path, files.back().bytes, {.create_parents = true});
      ASSERT_TRUE(put.ok()) << "min_copies 1 writes with a server down: " << put.error().message();
    }
    const auto down = status_of(client);
    ASSERT_TRUE(down.servers[1].error.has_value());
    EXPECT_FALSE(down.healthy());
    EXPECT_EQ(down.counts.under_replicated, down.counts.entries);
  }
  cluster.start(1);
  DfsClient client(config);
  const auto up = status_of(client);
  EXPECT_FALSE(up.servers[1].error.has_value());
  EXPECT_EQ(up.counts.under_replicated, files.size() + 1) << "the files and their directory";
  EXPECT_FALSE(up.healthy());

  const auto report = heal_everything(client);
  EXPECT_TRUE(report.complete());
  for (const auto& f : files) EXPECT_EQ(replication_problem(cluster, f.path), "");
  EXPECT_TRUE(status_of(client).healthy());
  cluster.kill(0);  // the neighbour that held the only other copies while 1 was down
  DfsClient fresh(config);
  expect_all_readable(fresh, files, cluster.scratch() / "got");
}

TEST(Heal, VerifyFindsAndRepairsBitFlipsTruncationAndDeletion) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const auto path = path_with_offset(remote("/rot"), "big", 0, 4);
  const StoredFile file{path, random_bytes(3 * 1024 * 1024 + 3, 7)};
  ASSERT_TRUE(put_bytes(client, path, file.bytes, {.create_parents = true}).ok());

  // x = 0: part k (0-based) is on servers k and k - 1. Damage three different copies.
  const auto flipped = part_file_of(cluster, 0, path, 1);
  const auto truncated = part_file_of(cluster, 1, path, 2);
  const auto deleted = part_file_of(cluster, 2, path, 3);
  {
    std::fstream f(flipped, std::ios::in | std::ios::out | std::ios::binary);
    const auto at = static_cast<std::streamoff>(server::data_offset(file.bytes.size() / 4 + 1) + 4321);
    f.seekg(at);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(at);
    f.write(&c, 1);
  }
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  fs::remove(deleted);

  expect_all_readable(client, {file}, cluster.scratch() / "got");

  const auto plain = heal_everything(client);
  EXPECT_EQ(plain.parts_copied, 1u) << "without --verify only the deleted copy is seen";
  std::vector<std::string> lines;
  const auto verified = heal_everything(client, {.verify = true}, &lines);
  EXPECT_EQ(verified.copies_verified, 8u);
  EXPECT_EQ(verified.copies_repaired, 2u);
  EXPECT_EQ(verified.parts_copied, 2u);
  EXPECT_TRUE(verified.complete());
  const auto again = heal_everything(client, {.verify = true});
  EXPECT_EQ(again.copies_verified, 8u);
  EXPECT_FALSE(again.actions()) << "every copy reads back whole after the repair";

  // Each copy on its own, straight from its server.
  for (int s = 0; s < 4; ++s) {
    auto connection = cluster.connect(s);
    for (const int part : PartPlacement(path, 4).parts_on_server(s)) {
      std::string bytes;
      auto got = connection.get_part(path, part + 1, std::nullopt, std::nullopt, [&](std::string_view b) {
        bytes.append(b);
        return Status{};
      });
      ASSERT_TRUE(got.ok()) << "part " << part + 1 << " on server " << s << ": " << got.error().message();
      EXPECT_TRUE(bytes == file.bytes.substr(part_offset(file.bytes.size(), 4, part), part_size(file.bytes.size(), 4, part)));
    }
  }
}

// Stores every part of `version` of `path` on both its servers without committing: a writer
// that died between its PUTs and its commit.
void stage_version(TestCluster& cluster, const RemotePath& path, const VersionId& version, std::string_view bytes) {
  const PartPlacement placement(path, 4);
  for (int k = 0; k < 4; ++k) {
    const auto offset = part_offset(bytes.size(), 4, k);
    const auto size = part_size(bytes.size(), 4, k);
    protocol::PartDescriptor d{k + 1, 4, version, size, xxh3(bytes.data() + offset, size), {}};
    d.attributes.size = bytes.size();
    for (const int s : placement.servers_of_part(k)) {
      auto connection = cluster.connect(s);
      std::size_t sent = 0;
      auto st = connection.put_part(path, d, [&](char* buffer, std::size_t want) -> Result<std::size_t> {
        const auto n = std::min<std::size_t>(want, size - sent);
        std::memcpy(buffer, bytes.data() + offset + sent, n);
        sent += n;
        return n;
      });
      if (!st) throw std::runtime_error(st.error().message());
    }
  }
}

TEST(Heal, AStagedVersionIsLeftWhileYoungAndDroppedOnceAbandoned) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const auto path = remote("/pending.txt");
  const std::string old_bytes = random_bytes(10'000, 1);
  ASSERT_TRUE(put_bytes(client, path, old_bytes).ok());
  const std::string new_bytes = random_bytes(12'000, 2);
  const VersionId staged{static_cast<std::uint64_t>(wall_clock_ns()), 99};
  stage_version(cluster, path, staged, new_bytes);

  auto got = get_bytes(client, path, cluster.scratch() / "got");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == old_bytes) << "a staged version is invisible";
  EXPECT_EQ(status_of(client).counts.pending, 1u);

  const auto young = heal_everything(client);
  EXPECT_FALSE(young.actions()) << "a write may still be under way";
  const auto old = heal_everything(client, {.staged_grace = std::chrono::seconds(0)});
  EXPECT_EQ(old.staged_dropped, 4u) << "one drop per server holding it";
  EXPECT_TRUE(status_of(client).healthy());
  for (int s = 0; s < 4; ++s) {
    for (const auto& p : parts_on_disk(cluster.root(s), cluster.credentials().user, path)) {
      EXPECT_NE(p.version, staged) << "server " << s << " still holds the abandoned version";
    }
  }
  got = get_bytes(client, path, cluster.scratch() / "got");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == old_bytes);
}

TEST(Heal, ACommitOnOneServerIsRolledForwardEverywhere) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const auto path = remote("/rolled.txt");
  ASSERT_TRUE(put_bytes(client, path, random_bytes(5'000, 3)).ok());
  const std::string new_bytes = random_bytes(6'000, 4);
  const VersionId version{static_cast<std::uint64_t>(wall_clock_ns()), 98};
  stage_version(cluster, path, version, new_bytes);
  ASSERT_TRUE(cluster.connect(2).commit(path, version).ok());

  auto got = get_bytes(client, path, cluster.scratch() / "got");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == new_bytes) << "one commit anywhere makes the version readable";
  EXPECT_EQ(status_of(client).counts.pending, 1u);
  const auto report = heal_everything(client);
  EXPECT_EQ(report.commits, 3u);
  EXPECT_EQ(report.parts_copied, 0u);
  EXPECT_EQ(replication_problem(cluster, path), "");
  EXPECT_TRUE(status_of(client).healthy());
}

TEST(Heal, AnOldTombstoneIsForgottenEverywhere) {
  TestCluster cluster;
  DfsClient client(client_config_for(cluster));
  const auto path = remote("/deleted.txt");
  ASSERT_TRUE(put_bytes(client, path, random_bytes(2'000, 8)).ok());
  ASSERT_TRUE(client.remove(path).ok());
  const auto young = heal_everything(client);
  EXPECT_FALSE(young.actions()) << "a fresh delete is kept, so a server that was away cannot bring the file back";

  const auto old = heal_everything(client, {.tombstone_age = std::chrono::seconds(0)});
  EXPECT_EQ(old.tombstones_dropped, 4u);
  for (int s = 0; s < 4; ++s) EXPECT_TRUE(parts_on_disk(cluster.root(s), cluster.credentials().user, path).empty());
  EXPECT_EQ(error_code(client.stat(path)), Errc::not_found);
  EXPECT_FALSE(heal_everything(client, {.tombstone_age = std::chrono::seconds(0)}).actions());
  ASSERT_TRUE(put_bytes(client, path, "again").ok()) << "the name can be used again";
}

TEST(Heal, DfcStatusAndHealSayWhatTheyFoundAndExitAccordingly) {
  TestCluster cluster;
  const auto config_file = cluster.scratch() / "dfc.yaml";
  write_dfc_yaml(cluster, cluster.credentials(), config_file);
  {
    DfsClient client(client_config_for(cluster));
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(put_bytes(client, remote("/cli/f" + std::to_string(i)), random_bytes(9'000, static_cast<std::uint64_t>(i)),
                            {.create_parents = true}).ok());
    }
  }
  const std::vector<std::string> with_config = {"--config", config_file.string()};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.end(), with_config.begin(), with_config.end());
    return a;
  };
  auto healthy = run_dfc(args({"status"}), cluster.scratch().path());
  EXPECT_EQ(healthy.exit_code, 0) << healthy.out << healthy.err;
  EXPECT_NE(healthy.out.find("healthy"), std::string::npos);
  EXPECT_NE(healthy.out.find(cluster.address(0).name), std::string::npos);

  cluster.kill(2);
  auto down = run_dfc(args({"status"}), cluster.scratch().path());
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.out.find("DOWN"), std::string::npos) << down.out;
  EXPECT_NE(down.out.find("not healthy: 1 server down"), std::string::npos) << down.out;
  auto partial = run_dfc(args({"heal"}), cluster.scratch().path());
  EXPECT_EQ(partial.exit_code, 1) << "a server did not answer";
  ASSERT_FALSE(partial.err_lines().empty());
  EXPECT_NE(partial.err_lines().back().find("run 'dfc heal' again"), std::string::npos) << partial.err;

  fs::remove_all(cluster.root(2));
  cluster.start(2);
  auto healed = run_dfc(args({"heal", "--verify"}), cluster.scratch().path());
  EXPECT_EQ(healed.exit_code, 0) << healed.err;
  EXPECT_NE(healed.out.find("copied part"), std::string::npos) << healed.out;
  EXPECT_TRUE(healed.err.empty()) << healed.err;
  auto again = run_dfc(args({"heal"}), cluster.scratch().path());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to repair"), std::string::npos) << again.out;
  EXPECT_EQ(run_dfc(args({"status"}), cluster.scratch().path()).exit_code, 0);
  auto bad = run_dfc(args({"heal", "--staged-grace", "-5"}), cluster.scratch().path());
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace dfs
