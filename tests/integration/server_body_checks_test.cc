// A PUT body is checked against the XXH3 its request declares, on both of the server's receive
// paths (small parts written through the page cache, parts of 1 MiB and more with O_DIRECT), and a
// client that stalls mid-body is cut off after the idle timeout. Either way nothing is stored:
// no part is listed, the old version still reads, and no temp file is left in the root.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "common/checksum.h"
#include "common/protocol.h"
#include "tests/support/part_fixtures.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;
namespace fs = std::filesystem;

TEST(ServerBodyChecks, ABodyThatDoesNotMatchItsChecksumIsRefusedAndNothingIsStored) {
  TestCluster cluster({.servers = 1});
  auto c = cluster.connect(0);
  const auto path = *RemotePath::parse("/checked.bin");
  const std::string old_bytes = random_bytes(1000, 5);
  ASSERT_TRUE(put_and_commit(c, path, old_bytes, VersionId{1000, 1}).ok());

  for (const std::size_t size : {std::size_t{4096}, std::size_t{3 * 1024 * 1024 + 5}}) {
    SCOPED_TRACE("body of " + std::to_string(size) + " bytes");
    const std::string data = random_bytes(size, 6);
    auto d = descriptor_for(data, VersionId{2000 + size, 1});
    d.checksum ^= 1;  // the bytes are right, the declared checksum is not
    auto put = c.put_part(path, d, source_of(data));
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code(), Errc::invalid_argument) << put.error().message();
    EXPECT_NE(put.error().message().find("XXH3"), std::string::npos) << put.error().message();
    auto listed = c.list(path.parent());
    ASSERT_TRUE(listed.ok()) << listed.error().message();
    ASSERT_EQ(listed->records.size(), 1u) << "only the old version";
    EXPECT_EQ(listed->records[0].descriptor.version, (VersionId{1000, 1}));
    auto still = get_all(c, path, 1);
    ASSERT_TRUE(still.ok()) << still.error().message();
    EXPECT_EQ(*still, old_bytes);
    EXPECT_EQ(temp_part_files_in(cluster.root(0)), 0);
  }
}

TEST(ServerBodyChecks, AClientStalledMidBodyIsCutOffAfterTheIdleTimeout) {
  TestCluster cluster({.servers = 1, .extra_yaml = "idle_timeout_ms: 500\n"});
  const std::string data = random_bytes(4 * 1024 * 1024, 7);
  const auto d = descriptor_for(data, VersionId{3000, 1});
  // The header and 2 MiB of the 4 MiB body, then nothing: the server must give up by itself.
  std::string request = "PUT /stalled.bin?part=1&version=" + d.version.to_string() +
                        " HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                        client::basic_authorization(cluster.credentials()) + "\r\n";
  protocol::write_attribute_headers(d.attributes, d.parts,
                                    [&](std::string_view n, std::string v) { request += std::string(n) + ": " + v + "\r\n"; });
  request += std::string(protocol::kChecksum) + ": " + format_checksum(d.checksum) + "\r\n";
  request += "Content-Length: " + std::to_string(data.size()) + "\r\n\r\n" + data.substr(0, 2 * 1024 * 1024);
  const auto started = std::chrono::steady_clock::now();
  const std::string answer = raw_http_exchange(cluster.address(0).port, request, std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_LT(waited, std::chrono::seconds(5)) << "the server kept the stalled connection";
  EXPECT_EQ(answer.find("201"), std::string::npos) << answer;
  auto c = cluster.connect(0);
  auto listed = c.list(*RemotePath::parse("/"));
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  EXPECT_TRUE(listed->records.empty());
  EXPECT_EQ(temp_part_files_in(cluster.root(0)), 0);
}

}  // namespace
}  // namespace dfs
