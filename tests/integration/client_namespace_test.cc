// The namespace operations of DfsClient against real servers: directories, delete (tombstones
// that outlive a server that missed them), rename of files and directories, attribute changes,
// symlinks, `info`, and ranged reads across part boundaries.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <span>
#include <string>
#include <vector>

#include "client-core/dfs_client.h"
#include "common/placement.h"
#include "tests/support/client_fixture.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
using client::DfsClient;
using client::RenameMode;
using protocol::EntryKind;

class ClientNamespace : public ::testing::Test {
 protected:
  // The names `list(dir)` reports, in its order.
  std::vector<std::string> names_in(const RemotePath& dir) {
    auto listing = client.list(dir);
    if (!listing) {
      ADD_FAILURE() << "list " << dir.display() << ": " << listing.error().message();
      return {};
    }
    std::vector<std::string> names;
    for (const auto& entry : listing->entries) names.push_back(entry.name);
    return names;
  }
  Result<std::string> get(const RemotePath& path) { return get_bytes(client, path, cluster.scratch() / "got"); }
  // The file's bytes, or the error in their place, so a failed expectation shows why.
  std::string bytes_or_error(const RemotePath& path) {
    auto got = get(path);
    return got.ok() ? *got : "<error: " + got.error().message() + ">";
  }
  bool is_directory(const RemotePath& path) {
    auto stat = client.stat(path);
    return stat.ok() && stat->is_dir();
  }

  TestCluster cluster;
  DfsClient client{client_config_for(cluster)};
};

TEST_F(ClientNamespace, TheRootIsADirectoryThatAlwaysExists) {
  auto root = client.stat(RemotePath());
  ASSERT_TRUE(root.ok()) << root.error().message();
  EXPECT_TRUE(root->is_dir());
  EXPECT_EQ(root->name, "");
  auto listing = client.list(RemotePath());
  ASSERT_TRUE(listing.ok()) << listing.error().message();
  EXPECT_TRUE(listing->entries.empty());
}

TEST_F(ClientNamespace, MkdirAndRmdirKeepTheDirectoryRules) {
  ASSERT_TRUE(client.mkdir(remote("/a")).ok());
  auto a = client.stat(remote("/a"));
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_TRUE(a->is_dir());
  EXPECT_EQ(a->attributes.mode & 0777, 0755u);

  auto again = client.mkdir(remote("/a"));
  EXPECT_EQ(error_code(again), Errc::already_exists) << error_message(again);
  auto orphan = client.mkdir(remote("/x/y"));
  EXPECT_EQ(error_code(orphan), Errc::not_found) << error_message(orphan);
  EXPECT_EQ(error_code(client.stat(remote("/x"))), Errc::not_found);

  auto deep = client.mkdir(remote("/x/y"), 0700, /*parents=*/true);
  ASSERT_TRUE(deep.ok()) << deep.error().message();
  EXPECT_TRUE(is_directory(remote("/x")));
  EXPECT_TRUE(is_directory(remote("/x/y")));
  EXPECT_EQ(client.stat(remote("/x/y"))->attributes.mode & 0777, 0700u);
  EXPECT_EQ(names_in(RemotePath()), (std::vector<std::string>{"a", "x"}));

  auto full = client.rmdir(remote("/x"));
  EXPECT_EQ(error_code(full), Errc::not_empty) << error_message(full);
  EXPECT_TRUE(client.stat(remote("/x/y")).ok());
  ASSERT_TRUE(put_bytes(client, remote("/a/file"), "in a").ok());
  auto with_file = client.rmdir(remote("/a"));
  EXPECT_EQ(error_code(with_file), Errc::not_empty) << error_message(with_file);

  ASSERT_TRUE(client.rmdir(remote("/x/y")).ok());
  ASSERT_TRUE(client.rmdir(remote("/x")).ok());
  EXPECT_EQ(error_code(client.stat(remote("/x"))), Errc::not_found);
  EXPECT_EQ(names_in(RemotePath()), std::vector<std::string>{"a"});
}

TEST_F(ClientNamespace, ListOfAFileIsNotDirectoryAndOfAMissingNameNotFound) {
  ASSERT_TRUE(put_bytes(client, remote("/plain"), "bytes").ok());
  auto of_file = client.list(remote("/plain"));
  EXPECT_EQ(error_code(of_file), Errc::not_directory) << error_message(of_file);
  auto of_missing = client.list(remote("/missing"));
  EXPECT_EQ(error_code(of_missing), Errc::not_found) << error_message(of_missing);
}

TEST_F(ClientNamespace, PutWithCreateParentsMakesEveryMissingDirectory) {
  auto made = put_bytes(client, remote("/made/here/file"), "bytes", {.create_parents = true});
  ASSERT_TRUE(made.ok()) << made.error().message();
  EXPECT_TRUE(is_directory(remote("/made")));
  EXPECT_TRUE(is_directory(remote("/made/here")));
  EXPECT_EQ(bytes_or_error(remote("/made/here/file")), "bytes");
}

TEST_F(ClientNamespace, PutWithoutCreateParentsIntoAMissingDirectoryIsNotFound) {
  // The parent must exist (dfs_client.h, WriteOptions::create_parents): else the file would be
  // stored below a directory that stat and list say does not exist.
  auto orphan = put_bytes(client, remote("/nowhere/file"), "bytes");
  EXPECT_EQ(error_code(orphan), Errc::not_found) << error_message(orphan);
  auto orphan_stat = client.stat(remote("/nowhere/file"));
  EXPECT_EQ(error_code(orphan_stat), Errc::not_found) << "a file whose parent does not exist was stored";
}

TEST_F(ClientNamespace, RemovedFileIsGoneFromStatListAndGet) {
  ASSERT_TRUE(client.mkdir(remote("/r")).ok());
  ASSERT_TRUE(put_bytes(client, remote("/r/f"), "to be removed").ok());
  ASSERT_TRUE(put_bytes(client, remote("/r/g"), "stays").ok());
  ASSERT_TRUE(client.remove(remote("/r/f")).ok());

  EXPECT_EQ(error_code(client.stat(remote("/r/f"))), Errc::not_found);
  EXPECT_EQ(names_in(remote("/r")), std::vector<std::string>{"g"});
  auto got = get(remote("/r/f"));
  EXPECT_EQ(error_code(got), Errc::not_found) << error_message(got);
  auto twice = client.remove(remote("/r/f"));
  EXPECT_EQ(error_code(twice), Errc::not_found) << error_message(twice);
  auto dir = client.remove(remote("/r"));
  EXPECT_EQ(error_code(dir), Errc::is_directory) << error_message(dir);
  EXPECT_EQ(bytes_or_error(remote("/r/g")), "stays");
}

// The mount's unlink: the entry its lookup saw, and a tombstone durable in the servers' next
// batch. Gone at once for every reader, and after a clean restart of every server too; a known
// entry that is a directory is still refused.
TEST_F(ClientNamespace, ARemoveThatKnowsTheEntryAndCommitsLaterIsGoneAtOnceAndAfterARestart) {
  ASSERT_TRUE(put_bytes(client, remote("/k/f"), "to be removed", {.create_parents = true}).ok());
  ASSERT_TRUE(put_bytes(client, remote("/k/g"), "stays").ok());
  auto entry = client.stat(remote("/k/f"));
  ASSERT_TRUE(entry.ok()) << entry.error().message();
  client::RemoveOptions options{.known = *entry, .commit_durability = protocol::CommitDurability::later};
  ASSERT_TRUE(client.remove(remote("/k/f"), options).ok());
  DfsClient reader(client_config_for(cluster));
  EXPECT_EQ(error_code(reader.stat(remote("/k/f"))), Errc::not_found);
  for (int s = 0; s < cluster.size(); ++s) {
    cluster.signal(s, SIGTERM);
    ASSERT_TRUE(cluster.wait_exit(s, std::chrono::seconds(30)).has_value()) << "server " << s;
    cluster.start(s);
  }
  DfsClient after_restart(client_config_for(cluster));
  EXPECT_EQ(error_code(after_restart.stat(remote("/k/f"))), Errc::not_found);
  EXPECT_EQ(names_in(remote("/k")), std::vector<std::string>{"g"});

  auto dir = client.stat(remote("/k"));
  ASSERT_TRUE(dir.ok()) << dir.error().message();
  auto refused = client.remove(remote("/k"), {.known = *dir});
  EXPECT_EQ(error_code(refused), Errc::is_directory) << error_message(refused);
}

TEST_F(ClientNamespace, RmdirSucceedsOnceEveryFileInsideIsRemovedAndTheNamesCanBeReused) {
  ASSERT_TRUE(client.mkdir(remote("/d")).ok());
  ASSERT_TRUE(put_bytes(client, remote("/d/f"), "old bytes").ok());
  ASSERT_TRUE(client.remove(remote("/d/f")).ok());
  // A tombstone is not an entry.
  auto removed = client.rmdir(remote("/d"));
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  EXPECT_EQ(error_code(client.stat(remote("/d"))), Errc::not_found);
  EXPECT_TRUE(names_in(RemotePath()).empty());

  ASSERT_TRUE(client.mkdir(remote("/d")).ok());
  EXPECT_TRUE(names_in(remote("/d")).empty()) << "the removed file came back";
  ASSERT_TRUE(put_bytes(client, remote("/d/f"), "new bytes").ok());
  EXPECT_EQ(bytes_or_error(remote("/d/f")), "new bytes");
}

TEST_F(ClientNamespace, GetFileOfADirectoryIsIsDirectoryAndWritesNothing) {
  ASSERT_TRUE(client.mkdir(remote("/dir")).ok());
  const auto out = cluster.scratch() / "out";
  std::filesystem::create_directory(out);
  auto got = client.get_file(remote("/dir"), out / "dir");
  EXPECT_EQ(error_code(got), Errc::is_directory) << error_message(got);
  EXPECT_TRUE(folder_names(out).empty());
}

TEST_F(ClientNamespace, ARemoveMissedByADownServerStaysRemovedAfterItRestarts) {
  ASSERT_TRUE(put_bytes(client, remote("/t/f"), random_bytes(40'000, 90), {.create_parents = true}).ok());
  ASSERT_TRUE(put_bytes(client, remote("/t/other"), "other").ok());
  auto config = client_config_for(cluster);
  config.min_copies = 1;  // a delete is a write: with a server down it needs degraded writes
  DfsClient degraded(config);
  cluster.kill(0);
  auto removed = degraded.remove(remote("/t/f"));
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  cluster.start(0);

  // dfs1 still holds the committed data version; the newer tombstone elsewhere must win.
  ASSERT_FALSE(parts_on_disk(cluster.root(0), cluster.credentials().user, remote("/t/f")).empty());
  DfsClient reader(client_config_for(cluster));
  auto stat = reader.stat(remote("/t/f"));
  EXPECT_EQ(error_code(stat), Errc::not_found) << error_message(stat);
  auto listing = reader.list(remote("/t"));
  ASSERT_TRUE(listing.ok()) << listing.error().message();
  ASSERT_EQ(listing->entries.size(), 1u);
  EXPECT_EQ(listing->entries[0].name, "other");
}

TEST_F(ClientNamespace, RenamedFileKeepsItsBytesAndAttributesAndTheOldNameIsGone) {
  const auto bytes = random_bytes(70'001, 91);
  const std::int64_t mtime = 1'600'000'000'123'456'789;
  ASSERT_TRUE(put_bytes(client, remote("/m/a"), bytes, {.mode = 0600, .mtime_ns = mtime, .create_parents = true}).ok());
  auto renamed = client.rename(remote("/m/a"), remote("/m/b"));
  ASSERT_TRUE(renamed.ok()) << renamed.error().message();

  auto b = client.stat(remote("/m/b"));
  ASSERT_TRUE(b.ok()) << b.error().message();
  EXPECT_EQ(b->attributes.kind, EntryKind::file);
  EXPECT_EQ(b->attributes.size, bytes.size());
  EXPECT_EQ(b->attributes.mode & 07777, 0600u);
  EXPECT_EQ(b->attributes.mtime_ns, mtime);
  auto got = get(remote("/m/b"));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == bytes);
  EXPECT_EQ(error_code(client.stat(remote("/m/a"))), Errc::not_found);
  EXPECT_EQ(names_in(remote("/m")), std::vector<std::string>{"b"});
}

TEST_F(ClientNamespace, RenameNoReplaceOntoAnExistingNameIsAlreadyExistsAndChangesNothing) {
  ASSERT_TRUE(put_bytes(client, remote("/from"), "from bytes").ok());
  ASSERT_TRUE(put_bytes(client, remote("/to"), "to bytes").ok());
  auto refused = client.rename(remote("/from"), remote("/to"), RenameMode::no_replace);
  EXPECT_EQ(error_code(refused), Errc::already_exists) << error_message(refused);
  EXPECT_EQ(bytes_or_error(remote("/from")), "from bytes");
  EXPECT_EQ(bytes_or_error(remote("/to")), "to bytes");

  auto replaced = client.rename(remote("/from"), remote("/to"), RenameMode::replace);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message();
  EXPECT_EQ(bytes_or_error(remote("/to")), "from bytes");
  EXPECT_EQ(error_code(client.stat(remote("/from"))), Errc::not_found);
}

TEST_F(ClientNamespace, RenamedDirectoryMovesWithEverythingInIt) {
  ASSERT_TRUE(client.mkdir(remote("/d")).ok());
  ASSERT_TRUE(put_bytes(client, remote("/d/one"), "first file").ok());
  ASSERT_TRUE(put_bytes(client, remote("/d/sub/two"), "second file", {.create_parents = true}).ok());
  auto renamed = client.rename(remote("/d"), remote("/e"));
  ASSERT_TRUE(renamed.ok()) << renamed.error().message();

  EXPECT_TRUE(is_directory(remote("/e")));
  EXPECT_EQ(names_in(remote("/e")), (std::vector<std::string>{"one", "sub"}));
  EXPECT_EQ(names_in(remote("/e/sub")), std::vector<std::string>{"two"});
  EXPECT_EQ(bytes_or_error(remote("/e/one")), "first file");
  EXPECT_EQ(bytes_or_error(remote("/e/sub/two")), "second file");
  EXPECT_EQ(error_code(client.stat(remote("/d"))), Errc::not_found);
  EXPECT_EQ(error_code(client.stat(remote("/d/one"))), Errc::not_found);
  EXPECT_EQ(error_code(client.stat(remote("/d/sub/two"))), Errc::not_found);
  EXPECT_EQ(names_in(RemotePath()), std::vector<std::string>{"e"});
}

TEST_F(ClientNamespace, SetAttributesChangesModeAndMtimeButNotTheBytes) {
  const auto bytes = random_bytes(50'003, 92);
  const std::int64_t first_mtime = 1'500'000'000'000'000'000;
  auto put = put_bytes(client, remote("/s"), bytes, {.mode = 0644, .mtime_ns = first_mtime});
  ASSERT_TRUE(put.ok()) << put.error().message();

  auto mode_only = client.set_attributes(remote("/s"), {.mode = 0600});
  ASSERT_TRUE(mode_only.ok()) << mode_only.error().message();
  EXPECT_GT(mode_only->version, put->version);
  auto stat = client.stat(remote("/s"));
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->attributes.mode & 07777, 0600u);
  EXPECT_EQ(stat->attributes.mtime_ns, first_mtime);
  EXPECT_EQ(stat->attributes.size, bytes.size());

  const std::int64_t second_mtime = 1'700'000'000'987'654'321;
  ASSERT_TRUE(client.set_attributes(remote("/s"), {.mtime_ns = second_mtime}).ok());
  stat = client.stat(remote("/s"));
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->attributes.mode & 07777, 0600u);
  EXPECT_EQ(stat->attributes.mtime_ns, second_mtime);
  auto got = get(remote("/s"));
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(*got == bytes) << "a metadata version must carry the same bytes";
}

TEST_F(ClientNamespace, SymlinkReadsBackItsTarget) {
  const std::string target = "some/where/../target.txt";
  ASSERT_TRUE(client.symlink(remote("/link"), target).ok());
  auto read = client.readlink(remote("/link"));
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, target);
  auto stat = client.stat(remote("/link"));
  ASSERT_TRUE(stat.ok()) << stat.error().message();
  EXPECT_EQ(stat->attributes.kind, EntryKind::symlink);
  EXPECT_EQ(stat->attributes.size, target.size());
}

TEST_F(ClientNamespace, InfoListsEveryServersPartsWithTheirCommittedFlags) {
  const auto path = remote("/info-file");
  const std::uint64_t size = 1024 * 1024 + 3;
  auto put = put_bytes(client, path, random_bytes(size, 93));
  ASSERT_TRUE(put.ok()) << put.error().message();
  // A staged newer part on dfs1, never committed: info shows it, readers do not take it.
  const PartPlacement placement(path, 4);
  const int staged_part = placement.parts_on_server(0)[0] + 1;
  const std::string staged_bytes = "staged";  // one of four 6-byte parts of a 24-byte file
  auto descriptor = descriptor_for(staged_bytes, {put->version.time_ns + 1'000'000'000, 99});
  descriptor.part = staged_part;
  descriptor.parts = 4;
  descriptor.attributes.size = 4 * staged_bytes.size();
  auto direct = cluster.connect(0);
  ASSERT_TRUE(direct.put_part(path, descriptor, source_of(staged_bytes)).ok());

  auto info = client.info(path);
  ASSERT_TRUE(info.ok()) << info.error().message();
  ASSERT_TRUE(info->entry.has_value());
  EXPECT_EQ(info->entry->version, put->version);
  ASSERT_EQ(info->servers.size(), 4u);
  for (int s = 0; s < 4; ++s) {
    const auto& held = info->servers[static_cast<std::size_t>(s)];
    SCOPED_TRACE(cluster.address(s).name);
    EXPECT_EQ(held.server.name, cluster.address(s).name);
    EXPECT_FALSE(held.error.has_value()) << held.error->message();
    std::vector<int> committed_parts;
    for (const auto& part : held.parts) {
      if (part.version == put->version) {
        EXPECT_TRUE(part.committed) << "part " << part.part;
        EXPECT_EQ(part.part_size, part_size(size, 4, part.part - 1)) << "part " << part.part;
        EXPECT_EQ(part.kind, EntryKind::file);
        committed_parts.push_back(part.part);
      } else {
        EXPECT_EQ(s, 0) << "only dfs1 got a staged part";
        EXPECT_EQ(part.version, descriptor.version);
        EXPECT_EQ(part.part, staged_part);
        EXPECT_FALSE(part.committed);
      }
    }
    std::sort(committed_parts.begin(), committed_parts.end());
    auto expected = placement.parts_on_server(s);
    std::vector<int> expected_parts = {expected[0] + 1, expected[1] + 1};
    std::sort(expected_parts.begin(), expected_parts.end());
    EXPECT_EQ(committed_parts, expected_parts);
  }
  EXPECT_EQ(info->servers[0].parts.size(), 3u) << "two committed parts and the staged one";

  cluster.kill(2);
  DfsClient after(client_config_for(cluster));
  info = after.info(path);
  ASSERT_TRUE(info.ok()) << info.error().message();
  ASSERT_EQ(info->servers.size(), 4u);
  EXPECT_TRUE(info->servers[2].error.has_value()) << "dfs3 is down";
  EXPECT_FALSE(info->servers[1].error.has_value());
  ASSERT_TRUE(info->entry.has_value());
  EXPECT_TRUE(info->entry->complete()) << info->entry->missing_text();
}

TEST_F(ClientNamespace, RangedReadsAcrossPartBoundariesEqualTheFilesBytes) {
  const auto path = remote("/ranged");
  const std::uint64_t size = 1024 * 1024 + 3;
  const auto bytes = random_bytes(size, 94);
  ASSERT_TRUE(put_bytes(client, path, bytes).ok());
  auto entry = client.stat(path);
  ASSERT_TRUE(entry.ok()) << entry.error().message();

  auto expect_range = [&](std::uint64_t offset, std::size_t length) {
    SCOPED_TRACE("offset " + std::to_string(offset) + ", length " + std::to_string(length));
    std::string buffer(length, '\0');
    auto n = client.read(path, *entry, offset, buffer);
    ASSERT_TRUE(n.ok()) << n.error().message();
    const std::size_t expected = offset >= size ? 0 : std::min<std::uint64_t>(length, size - offset);
    ASSERT_EQ(*n, expected);
    EXPECT_TRUE(buffer.compare(0, expected, bytes, offset, expected) == 0) << "the bytes differ";
  };
  for (int k = 1; k < 4; ++k) {
    const std::uint64_t boundary = part_offset(size, 4, k);
    expect_range(boundary - 7, 14);
    expect_range(boundary - 1, 2);
    expect_range(boundary, 1);
    expect_range(boundary - 1, 1);
  }
  // One read spanning all four parts, and reads at and past the end.
  expect_range(1, size - 2);
  expect_range(0, size);
  expect_range(size - 3, 10);
  expect_range(size, 10);

  // With a server gone, every part still comes from its other holder, through the same client.
  cluster.kill(1);
  for (int k = 1; k < 4; ++k) expect_range(part_offset(size, 4, k) - 7, 14);
  expect_range(0, size);
}

TEST_F(ClientNamespace, LongRangedReadsAreStripedOverBothHoldersAndStayExact) {
  // Parts of 6 MiB: a long ranged read is cut into 2 MiB stripes that alternate between the two
  // holders of each part; the bytes must come back in place, also when one holder is gone.
  const auto path = remote("/striped");
  const std::uint64_t size = 24 * 1024 * 1024 + 5;
  const auto bytes = random_bytes(size, 95);
  ASSERT_TRUE(put_bytes(client, path, bytes).ok());
  auto entry = client.stat(path);
  ASSERT_TRUE(entry.ok()) << entry.error().message();
  auto expect_range = [&](DfsClient& reader, std::uint64_t offset, std::size_t length) {
    SCOPED_TRACE("offset " + std::to_string(offset) + ", length " + std::to_string(length));
    std::string buffer(length, '\0');
    auto n = reader.read(path, *entry, offset, buffer);
    ASSERT_TRUE(n.ok()) << n.error().message();
    ASSERT_EQ(*n, length);
    EXPECT_TRUE(buffer.compare(0, length, bytes, offset, length) == 0) << "the bytes differ";
  };
  expect_range(client, 1024 * 1024 + 3, 19 * 1024 * 1024);  // across parts 1..4, 10 stripes
  expect_range(client, part_offset(size, 4, 2) - 5 * 1024 * 1024, 8 * 1024 * 1024 + 1);
  cluster.kill(3);
  DfsClient after(client_config_for(cluster));
  expect_range(after, 0, 24 * 1024 * 1024);
}

TEST_F(ClientNamespace, AReadIntoSeveralBuffersFillsThemInOrderAcrossPartBoundaries) {
  // The mount reads ahead into 1 MiB blocks: pieces of parts are cut where one buffer ends, and
  // a whole part cut so is read as ranges. Every byte must land in its place, also when the
  // buffers reach past the file's end.
  const auto path = remote("/scattered");
  const std::uint64_t size = 5 * 1024 * 1024 + 3;  // parts of about 1.25 MiB
  const auto bytes = random_bytes(size, 96);
  ASSERT_TRUE(put_bytes(client, path, bytes).ok());
  auto entry = client.stat(path);
  ASSERT_TRUE(entry.ok()) << entry.error().message();
  auto expect_read = [&](std::uint64_t offset, const std::vector<std::size_t>& sizes) {
    SCOPED_TRACE("offset " + std::to_string(offset) + ", " + std::to_string(sizes.size()) + " buffers");
    std::vector<std::string> buffers;
    for (const auto n : sizes) buffers.emplace_back(n, '\0');
    std::vector<std::span<char>> spans;
    for (auto& b : buffers) spans.emplace_back(b.data(), b.size());
    std::uint64_t asked = 0;
    for (const auto n : sizes) asked += n;
    auto n = client.read(path, *entry, offset, spans);
    ASSERT_TRUE(n.ok()) << n.error().message();
    const std::uint64_t expected = std::min<std::uint64_t>(asked, size - offset);
    ASSERT_EQ(*n, expected);
    std::uint64_t at = offset;
    for (const auto& b : buffers) {
      const auto filled = static_cast<std::size_t>(std::min<std::uint64_t>(b.size(), offset + expected - at));
      EXPECT_TRUE(b.compare(0, filled, bytes, static_cast<std::size_t>(at), filled) == 0) << "bytes differ at " << at;
      at += filled;
    }
  };
  constexpr std::size_t kMiB = 1024 * 1024;
  expect_read(0, {kMiB, kMiB, kMiB, kMiB, kMiB, kMiB});  // whole parts cut at each MiB; the last buffer short
  expect_read(part_offset(size, 4, 1) - 2, {1, 0, 3, kMiB, 7});  // one-byte buffers across a boundary
  expect_read(kMiB + 17, {2 * kMiB + 5, kMiB});
  expect_read(size - 4, {2, 2, kMiB});  // the last bytes, then a buffer past the end
}

}  // namespace
}  // namespace dfs
