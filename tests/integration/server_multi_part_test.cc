// A PUT may carry several parts of one version (`part=K,L`, body = their bytes in that order,
// X-Dfs-Xxh3 = their checksums in that order): the client sends a small file's two parts per
// server that way. Both parts are stored and read back like parts sent alone; a request that
// is wrong in any part stores nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/checksum.h"
#include "common/placement.h"
#include "common/protocol.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

// Parts `numbers` (1-based) of a file of `data` cut into 4, with their bytes one after the other.
struct Share {
  std::vector<protocol::PartDescriptor> parts;
  std::string bytes;
};
Share share_of(const std::string& data, VersionId version, std::vector<int> numbers) {
  Share share;
  for (const int k : numbers) {
    const auto offset = part_offset(data.size(), 4, k - 1);
    const auto length = part_size(data.size(), 4, k - 1);
    const std::string bytes = data.substr(offset, length);
    protocol::EntryAttributes attributes;
    attributes.kind = protocol::EntryKind::file;
    attributes.size = data.size();
    share.parts.push_back({k, 4, version, length, xxh3(bytes.data(), bytes.size()), attributes});
    share.bytes += bytes;
  }
  return share;
}

// The raw request of `share` for `/multi.bin`, naming `part_query` and `checksums`, with the
// first `body_size` bytes of the body.
std::string raw_request(TestCluster& cluster, const Share& share, const std::string& part_query,
                        const std::string& checksums, std::size_t body_size) {
  const auto& first = share.parts.front();
  std::string request = "PUT /multi.bin?part=" + part_query + "&version=" + first.version.to_string() +
                        " HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                        client::basic_authorization(cluster.credentials()) + "\r\n";
  protocol::write_attribute_headers(first.attributes, first.parts,
                                    [&](std::string_view n, std::string v) { request += std::string(n) + ": " + v + "\r\n"; });
  request += std::string(protocol::kChecksum) + ": " + checksums + "\r\n";
  request += "Content-Length: " + std::to_string(body_size) + "\r\n\r\n" + share.bytes.substr(0, body_size);
  return request;
}

TEST(ServerMultiPart, TwoPartsInOneRequestAreStoredStagedAndReadBackAfterTheCommit) {
  TestCluster cluster({.servers = 1});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/multi.bin");
  const std::string data = random_bytes(10007, 11);
  const VersionId version{5000, 1};
  // Parts 4 and 1, in that order: the body's order is the query's, whatever the numbers.
  const Share share = share_of(data, version, {4, 1});
  ASSERT_TRUE(c.send_parts(path, share.parts, share.bytes).ok());
  auto stored = c.finish();
  ASSERT_TRUE(stored.ok()) << stored.error().message();

  auto listed = c.list(path.parent());
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->records.size(), 2u);
  for (const auto& record : listed->records) {
    EXPECT_FALSE(record.committed) << "staged until the commit";
    EXPECT_TRUE(record.descriptor.part == 1 || record.descriptor.part == 4) << record.descriptor.part;
  }
  ASSERT_TRUE(c.commit(path, version).ok());
  for (const int k : {1, 4}) {
    auto bytes = get_all(c, path, k);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message();
    EXPECT_EQ(*bytes, data.substr(part_offset(data.size(), 4, k - 1), part_size(data.size(), 4, k - 1))) << "part " << k;
  }
}

TEST(ServerMultiPart, ARequestWrongInAnyPartIsRefusedAndStoresNothing) {
  TestCluster cluster({.servers = 1});
  const std::string data = random_bytes(4001, 12);
  const Share share = share_of(data, VersionId{6000, 1}, {2, 3});
  const std::string sum2 = format_checksum(share.parts[0].checksum);
  const std::string sum3 = format_checksum(share.parts[1].checksum);
  const std::string bad3 = format_checksum(share.parts[1].checksum ^ 1);
  struct Case {
    std::string what, parts, checksums;
    std::size_t body;
    std::string answer;  // a word the refusal must carry
  };
  const std::vector<Case> cases = {
      {"a part named twice", "2,2", sum2 + "," + sum2, share.parts[0].part_size * 2, "twice"},
      {"fewer checksums than parts", "2,3", sum2, share.bytes.size(), "2 parts"},
      {"a body one byte short", "2,3", sum2 + "," + sum3, share.bytes.size() - 1, "those parts"},
      {"the second part's bytes not matching its checksum", "2,3", sum2 + "," + bad3, share.bytes.size(), "XXH3"},
      {"a part number out of range", "2,65", sum2 + "," + sum3, share.bytes.size(), "from 1 to 64"},
  };
  for (const auto& test : cases) {
    SCOPED_TRACE(test.what);
    const std::string answer = raw_http_exchange(cluster.address(0).port,
                                                 raw_request(cluster, share, test.parts, test.checksums, test.body),
                                                 std::chrono::seconds(10));
    EXPECT_NE(answer.find(" 400 "), std::string::npos) << answer;
    EXPECT_NE(answer.find(test.answer), std::string::npos) << answer;
    auto c = cluster.connect(0);
    auto listed = c.list(*RemotePath::parse("/"));
    ASSERT_TRUE(listed.ok()) << listed.error().message();
    EXPECT_TRUE(listed->records.empty()) << "nothing stored";
    EXPECT_EQ(temp_part_files_in(cluster.root(0)), 0);
  }
}

TEST(ServerMultiPart, ACopyFromAnotherVersionTakesOnePartPerRequest) {
  TestCluster cluster({.servers = 1});
  const std::string request = "PUT /multi.bin?part=1,2&version=" + VersionId{7000, 1}.to_string() +
                              " HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                              client::basic_authorization(cluster.credentials()) +
                              "\r\nX-Dfs-Kind: file\r\nX-Dfs-Size: 10\r\nX-Dfs-Parts: 4\r\nX-Dfs-Copy-From: " +
                              VersionId{6999, 1}.to_string() + "\r\nContent-Length: 0\r\n\r\n";
  const std::string answer = raw_http_exchange(cluster.address(0).port, request, std::chrono::seconds(10));
  EXPECT_NE(answer.find(" 400 "), std::string::npos) << answer;
  EXPECT_NE(answer.find("one part per request"), std::string::npos) << answer;
}

}  // namespace
}  // namespace dfs
