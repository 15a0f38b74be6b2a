// PUT, commit, GET, LIST and EXIT against real dfs-server processes through the project's client.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/users_file.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using client::ServerConnection;
using namespace dfs::testing;

TEST(ServerRoundTrip, PutCommitGetListExitWithTheProjectsClient) {
  TestCluster cluster({.servers = 1});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/docs/report.bin");
  const std::string data = random_bytes(3 * 1024 * 1024 + 7, 1);
  const VersionId v{1000, 7};
  const auto d = descriptor_for(data, v);

  ASSERT_TRUE(c.put_part(path, d, source_of(data)).ok());
  auto staged = c.list(path.parent());
  ASSERT_TRUE(staged.ok()) << staged.error().message();
  ASSERT_EQ(staged->records.size(), 1u);
  EXPECT_FALSE(staged->records[0].committed);
  EXPECT_EQ(staged->records[0].descriptor, d);
  EXPECT_EQ(staged->records[0].name, "report.bin");
  EXPECT_GT(staged->total_bytes, 0u);

  // Staged versions are invisible to a GET that asks for the newest committed one.
  EXPECT_EQ(get_all(c, path, 1).error().code(), Errc::not_found);
  ASSERT_TRUE(c.commit(path, v).ok());
  auto whole = get_all(c, path, 1);
  ASSERT_TRUE(whole.ok()) << whole.error().message();
  EXPECT_EQ(*whole, data);

  auto slice = get_all(c, path, 1, v, client::PartRange{300'000, 1'000'000});
  ASSERT_TRUE(slice.ok()) << slice.error().message();
  EXPECT_EQ(*slice, data.substr(300'000, 1'000'000));

  auto listed = c.list(path.parent());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->records.size(), 1u);
  EXPECT_TRUE(listed->records[0].committed);
  EXPECT_TRUE(c.exit().ok());
  // After EXIT the next call opens a new connection and works.
  EXPECT_TRUE(c.list(path.parent()).ok());
}

}  // namespace
}  // namespace dfs

namespace dfs {
namespace {

using namespace dfs::testing;

class OneServer : public ::testing::Test {
 protected:
  TestCluster cluster{{.servers = 1}};
  client::ServerConnection c = cluster.connect(0);
  RemotePath path = *RemotePath::parse("/a/b/file.txt");
};

TEST_F(OneServer, VersionsLiveSideBySideUntilANewerOneCommits) {
  const std::string old_data = "old contents", new_data = "new contents!";
  ASSERT_TRUE(put_and_commit(c, path, old_data, {100, 1}).ok());
  ASSERT_TRUE(c.put_part(path, descriptor_for(new_data, {200, 1}), source_of(new_data)).ok());
  // The staged newer version does not hide the committed one.
  EXPECT_EQ(*get_all(c, path, 1), old_data);
  auto listed = c.list(path.parent());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->records.size(), 2u);
  EXPECT_TRUE(listed->records[0].committed);
  EXPECT_FALSE(listed->records[1].committed);

  ASSERT_TRUE(c.commit(path, {200, 1}).ok());
  EXPECT_EQ(*get_all(c, path, 1), new_data);
  listed = c.list(path.parent());
  ASSERT_EQ(listed->records.size(), 1u) << "committing 200 drops version 100";
  EXPECT_EQ(listed->records[0].descriptor.version, (VersionId{200, 1}));
  EXPECT_EQ(get_all(c, path, 1, VersionId{100, 1}).error().code(), Errc::not_found);
}

TEST_F(OneServer, APartReadIntoADestinationLandsInPlaceAndAWrongLengthIsRefused) {
  const std::string data = random_bytes(3 * 1024 * 1024 + 17, 21);
  ASSERT_TRUE(put_and_commit(c, path, data, {100, 1}).ok());
  for (const std::optional<client::PartRange> range :
       {std::optional<client::PartRange>(), std::optional<client::PartRange>(client::PartRange{1000, 2 * 1024 * 1024})}) {
    SCOPED_TRACE(range ? "a range" : "the whole part");
    const std::string want = range ? data.substr(range->offset, range->length) : data;
    std::string into(want.size(), '\0');
    std::size_t seen = 0;
    bool in_place = true;
    auto got = c.get_part(path, 1, std::nullopt, range, [&](std::string_view bytes) -> Status {
      in_place = in_place && bytes.data() == into.data() + seen;  // the sink sees the bytes where they landed
      seen += bytes.size();
      return {};
    }, into);
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_TRUE(in_place);
    EXPECT_EQ(seen, want.size());
    EXPECT_TRUE(into == want);
  }
  std::string too_small(data.size() - 1, '\0');
  auto refused = c.get_part(path, 1, std::nullopt, std::nullopt, [](std::string_view) { return Status{}; }, too_small);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), Errc::corruption) << refused.error().message();
  EXPECT_EQ(*get_all(c, path, 1), data) << "the connection is usable after the refusal";
}

TEST_F(OneServer, AnOlderVersionCannotBeCommittedOrStoredAfterANewerCommit) {
  ASSERT_TRUE(c.put_part(path, descriptor_for("older", {100, 1}), source_of("older")).ok());
  ASSERT_TRUE(put_and_commit(c, path, "newer", {200, 1}).ok());
  const std::string late = "late";
  const auto stored = c.put_part(path, descriptor_for(late, {150, 1}), source_of(late));
  EXPECT_EQ(stored.error().code(), Errc::conflict) << "a part older than the committed version is refused";
  EXPECT_EQ(c.commit(path, {100, 1}).error().code(), Errc::conflict) << "the newer committed version 200 wins";
  EXPECT_EQ(*get_all(c, path, 1), "newer");
}

TEST_F(OneServer, CommitOfAVersionThisServerDoesNotHoldIsNotFound) {
  const auto st = c.commit(path, {5, 5});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::not_found);
  EXPECT_NE(st.error().message().find("dfs1"), std::string::npos) << st.error().message();
}

TEST_F(OneServer, ZeroByteFilesTombstonesAndDirectoryMarkersAreVersionsToo) {
  ASSERT_TRUE(put_and_commit(c, path, "", {10, 1}).ok());
  EXPECT_EQ(*get_all(c, path, 1), "");

  auto tombstone = descriptor_for("", {20, 1});
  tombstone.attributes.kind = protocol::EntryKind::tombstone;
  ASSERT_TRUE(c.put_part(path, tombstone, source_of("")).ok());
  ASSERT_TRUE(c.commit(path, {20, 1}).ok());
  auto dir = descriptor_for("", {30, 1});
  dir.attributes.kind = protocol::EntryKind::dir;
  dir.attributes.mode = 0755;
  const auto dir_path = *RemotePath::parse("/a/b/sub");
  ASSERT_TRUE(c.put_part(dir_path, dir, source_of("")).ok());
  ASSERT_TRUE(c.commit(dir_path, {30, 1}).ok());

  auto listed = c.list(path.parent());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->records.size(), 2u);
  EXPECT_EQ(listed->records[0].name, "file.txt");
  EXPECT_EQ(listed->records[0].descriptor.attributes.kind, protocol::EntryKind::tombstone);
  EXPECT_EQ(listed->records[1].name, "sub");
  EXPECT_EQ(listed->records[1].descriptor.attributes.kind, protocol::EntryKind::dir);
  EXPECT_EQ(listed->records[1].descriptor.attributes.mode, 0755u);
}

TEST_F(OneServer, ADirectoryOrTombstoneWithASizeIsRefused) {
  auto bad = descriptor_for("", {20, 1});
  bad.attributes.kind = protocol::EntryKind::dir;
  bad.attributes.size = 5;
  EXPECT_EQ(c.put_part(path, bad, source_of("")).error().code(), Errc::invalid_argument);
}

TEST_F(OneServer, AMetadataVersionCopiesTheDataOfAnEarlierVersion) {
  const std::string data = random_bytes(700'000, 3);
  ASSERT_TRUE(put_and_commit(c, path, data, {100, 1}).ok());
  auto chmod = descriptor_for("", {200, 1});
  chmod.attributes.mode = 0600;
  chmod.attributes.uid = 1000;
  ASSERT_TRUE(c.put_copy(path, chmod, {100, 1}).ok());
  ASSERT_TRUE(c.commit(path, {200, 1}).ok());
  std::string out;
  auto info = c.get_part(path, 1, std::nullopt, std::nullopt, [&](std::string_view b) {
    out.append(b);
    return Status();
  });
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(out, data);
  EXPECT_EQ(info->descriptor.version, (VersionId{200, 1}));
  EXPECT_EQ(info->descriptor.attributes.mode, 0600u);
  EXPECT_EQ(info->descriptor.attributes.uid, 1000u);
  EXPECT_EQ(info->descriptor.attributes.size, data.size());
}

TEST_F(OneServer, ACorruptCopyAnswersAnErrorNeverBadBytes) {
  const std::string data = random_bytes(1'000'000, 4);  // four 256 KiB blocks
  ASSERT_TRUE(put_and_commit(c, path, data, {100, 1}).ok());
  const auto file = cluster.root(0) / "tester/a/b/.dfs/file.txt" / "0000000000000064-00000001.p1";
  ASSERT_TRUE(std::filesystem::exists(file));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = std::filesystem::file_size(file);
    f.seekp(static_cast<std::streamoff>(size - 10));  // inside the last block
    f.put('\x5a' ^ data[data.size() - 10]);
  }
  const auto whole = get_all(c, path, 1);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().code(), Errc::corruption) << whole.error().message();
  // Blocks that are intact still read, and the bytes are right.
  const auto first = get_all(c, path, 1, std::nullopt, client::PartRange{0, 300'000});
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(*first, data.substr(0, 300'000));
  const auto last = get_all(c, path, 1, std::nullopt, client::PartRange{900'000, 100'000});
  EXPECT_FALSE(last.ok());
}

TEST_F(OneServer, ListNarrowsToOneNameAndPagesThroughBigDirectories) {
  for (int i = 0; i < 25; ++i) {
    const auto p = *RemotePath::parse("/many/f" + std::to_string(100 + i));
    ASSERT_TRUE(put_and_commit(c, p, "x" + std::to_string(i), {1000, 1}).ok());
  }
  const auto dir = *RemotePath::parse("/many");
  auto one = c.list(dir, {.name = "f107"});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->records.size(), 1u);
  EXPECT_EQ(one->records[0].name, "f107");

  std::vector<std::string> names;
  client::ListOptions options{.limit = 10};
  int pages = 0;
  for (;;) {
    auto page = c.list(dir, options);
    ASSERT_TRUE(page.ok()) << page.error().message();
    ++pages;
    for (const auto& r : page->records) names.push_back(r.name);
    if (!page->next) break;
    options.after = page->next;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(names[static_cast<std::size_t>(i)], "f" + std::to_string(100 + i));
}

TEST_F(OneServer, AWrongPasswordIsRefusedWithAMessageNamingUserAndServer) {
  client::ServerConnection wrong(cluster.address(0), {"tester", "not-the-password"}, {});
  const auto listed = wrong.list(RemotePath());
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code(), Errc::unauthorized);
  EXPECT_NE(listed.error().message().find("tester"), std::string::npos) << listed.error().message();
  EXPECT_NE(listed.error().message().find("dfs1"), std::string::npos) << listed.error().message();
}

TEST_F(OneServer, EachUserIsConfinedToTheirOwnFolder) {
  ASSERT_TRUE(server::UsersFile::set_password(cluster.users_file(), "other", "other-password", 10'000).ok());
  ASSERT_TRUE(put_and_commit(c, path, "tester's", {100, 1}).ok());
  client::ServerConnection other(cluster.address(0), {"other", "other-password"}, {});
  EXPECT_EQ(get_all(other, path, 1).error().code(), Errc::not_found);
  ASSERT_TRUE(put_and_commit(other, path, "other's", {100, 1}).ok());
  EXPECT_EQ(*get_all(c, path, 1), "tester's");
  EXPECT_EQ(*get_all(other, path, 1), "other's");
  EXPECT_TRUE(std::filesystem::exists(cluster.root(0) / "other/a/b/.dfs/file.txt"));
}

}  // namespace
}  // namespace dfs
