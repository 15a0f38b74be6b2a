// PUT, commit, GET, LIST and EXIT against real dfs-server processes through the project's client.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "common/checksum.h"
#include "common/placement.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using client::ServerConnection;
using testing::TestCluster;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

protocol::PartDescriptor descriptor_for(const std::string& data, VersionId version, int part = 1, int parts = 1) {
  protocol::PartDescriptor d;
  d.part = part;
  d.parts = parts;
  d.version = version;
  d.part_size = data.size();
  d.checksum = xxh3(data.data(), data.size());
  d.attributes.size = data.size();
  d.attributes.mode = 0640;
  d.attributes.mtime_ns = 1'700'000'000'123'456'789;
  return d;
}

client::BodySource source_of(const std::string& data) {
  auto offset = std::make_shared<std::size_t>(0);
  return [&data, offset](char* buf, std::size_t size) -> Result<std::size_t> {
    const std::size_t n = std::min(size, data.size() - *offset);
    std::memcpy(buf, data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

Result<std::string> get_all(ServerConnection& c, const RemotePath& path, int part, std::optional<VersionId> v = {},
                            std::optional<client::PartRange> range = {}) {
  std::string out;
  auto info = c.get_part(path, part, v, range, [&](std::string_view bytes) {
    out.append(bytes);
    return Status();
  });
  if (!info) return info.error();
  return out;
}

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
