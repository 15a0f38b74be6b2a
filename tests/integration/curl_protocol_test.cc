// The wire protocol driven by the real curl binary (and raw bytes where curl will not go).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/checksum.h"
#include "tests/support/raw_http.h"
#include "tests/support/shell.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

class CurlAgainstServer : public ::testing::Test {
 protected:
  TestCluster cluster{{.servers = 1}};
  std::string auth = "-u tester:tester-password";

  // curl's answer body followed by "\n<status>".
  CommandResult curl(const std::string& args) {
    return run_shell("curl -sS --path-as-is " + args + " -w '\\n%{http_code}'", 30);
  }
  static int status(const CommandResult& r) {
    const auto nl = r.output.rfind('\n');
    return std::stoi(r.output.substr(nl + 1));
  }
};

TEST_F(CurlAgainstServer, PutCommitGetListExitRoundTrip) {
  const std::string data = "hello from curl";
  const std::string sum = format_checksum(xxh3(data.data(), data.size()));
  const auto file = cluster.scratch() / "body";
  std::ofstream(file) << data;
  const std::string url = cluster.url(0) + "/notes/hello.txt";
  const std::string version = "0000000000000abc-00000001";
  auto put = curl(auth + " -X PUT -H 'X-Dfs-Kind: file' -H 'X-Dfs-Size: 15' -H 'X-Dfs-Parts: 1' -H 'X-Dfs-Xxh3: " + sum +
                  "' --data-binary @" + file.string() + " '" + url + "?part=1&version=" + version + "'");
  EXPECT_EQ(status(put), 201) << put.output;
  EXPECT_EQ(status(curl(auth + " -X PUT '" + url + "?version=" + version + "'")), 200);
  auto got = curl(auth + " '" + url + "?part=1'");
  EXPECT_EQ(got.output, data + "\n200");
  auto ranged = curl(auth + " -H 'Range: bytes=6-9' '" + url + "?part=1'");
  EXPECT_EQ(ranged.output, "from\n206");
  auto listed = curl(auth + " -X LIST '" + cluster.url(0) + "/notes'");
  EXPECT_EQ(status(listed), 200);
  EXPECT_NE(listed.output.find("name=hello.txt kind=file part=1 parts=1 version=" + version + " committed=1 size=15"),
            std::string::npos)
      << listed.output;
  auto bye = curl(auth + " -X EXIT '" + cluster.url(0) + "/'");
  EXPECT_EQ(bye.output, "bye\n\n200");
}

TEST_F(CurlAgainstServer, OtherMethodsAre405WithAllow) {
  for (const std::string method : {"DELETE", "POST", "HEAD", "OPTIONS", "PATCH", "PROPFIND"}) {
    auto r = run_shell("curl -sS -i " + auth + " -X " + method + " '" + cluster.url(0) + "/x' --max-time 5", 30);
    EXPECT_NE(r.output.find("HTTP/1.1 405"), std::string::npos) << method << ": " << r.output;
    if (method != "HEAD") {
      EXPECT_NE(r.output.find("Allow: GET, PUT, LIST, EXIT"), std::string::npos) << r.output;
    }
  }
}

TEST_F(CurlAgainstServer, BadOrMissingCredentialsAre401) {
  auto none = curl("-X LIST '" + cluster.url(0) + "/'");
  EXPECT_EQ(status(none), 401);
  auto wrong = curl("-u tester:nope -X LIST '" + cluster.url(0) + "/'");
  EXPECT_EQ(status(wrong), 401);
  EXPECT_NE(wrong.output.find("wrong user name or password for user 'tester'"), std::string::npos) << wrong.output;
  auto unknown = curl("-u nobody:x -X LIST '" + cluster.url(0) + "/'");
  EXPECT_EQ(status(unknown), 401);
  auto header = run_shell("curl -sS -i -X LIST '" + cluster.url(0) + "/'", 30);
  EXPECT_NE(header.output.find("WWW-Authenticate: Basic realm=\"dfs\""), std::string::npos) << header.output;
}

// Request targets that escape the user's folder or break the path rules: each must be a 400.
const std::vector<std::string>& bad_targets() {
  static const std::vector<std::string> targets = {
      "/../etc/passwd",
      "/..",
      "/a/../../etc",
      "/a/b/../../../x",
      "/%2e%2e/etc/passwd",
      "/%2E%2E/%2E%2E/etc",
      "/a/%2e%2e/%2e%2e/x",
      "/..%2fetc%2fpasswd",
      "/%2e%2e%2fetc%2fpasswd",
      "/a/..%2f..%2fetc",
      "/a%20/..%2f..%2f",
      "/%252e%252e/etc",
      "/%252E%252E%252Fetc",
      "/a/%25%32%65%25%32%65",
      "/..%5c..%5cetc",
      "/a%5cb",
      "/a/%5c%5cserver%5cshare",
      "/C:%5cWindows",
      "/a%00b",
      "/%00",
      "/a/b%00/../c",
      "/a//b",
      "/a/b//",
      "/a%0ab",
      "/a%0d%0aX-Injected:%201",
      "/a%09b",
      "/a%7fb",
      "/.dfs",
      "/a/.dfs/b",
      "/%2edfs/a",
      "/" + std::string(256, 'x'),
      "/" + [] {
        std::string p;
        while (p.size() <= 4100) p += "abcdefgh/";
        return p;
      }(),
      "/%zz",
      "/%",
      "/a%4",
  };
  return targets;
}

TEST_F(CurlAgainstServer, ThirtyFiveEscapingOrMalformedPathsAre400ForEveryMethod) {
  ASSERT_GE(bad_targets().size(), 30u);
  for (const auto& target : bad_targets()) {
    const std::string url = "'" + cluster.url(0) + target;
    EXPECT_EQ(status(curl(auth + " " + url + "?part=1'")), 400) << "GET " << target;
    EXPECT_EQ(status(curl(auth + " -X LIST " + url + "'")), 400) << "LIST " << target;
    auto put = curl(auth + " -X PUT -H 'X-Dfs-Kind: file' -H 'X-Dfs-Size: 1' -H 'X-Dfs-Parts: 1' -H 'X-Dfs-Xxh3: "
                            "0000000000000000' --data-binary x " + url + "?part=1&version=0000000000000001-00000001'");
    EXPECT_EQ(status(put), 400) << "PUT " << target << ": " << put.output;
  }
  // Nothing was created beside the data root.
  std::vector<std::string> beside;
  for (const auto& e : std::filesystem::directory_iterator(cluster.scratch().path())) beside.push_back(e.path().filename());
  std::sort(beside.begin(), beside.end());
  EXPECT_EQ(beside, (std::vector<std::string>{"dfs1", "dfs1.log", "dfs1.yaml", "users"}));
}

TEST_F(CurlAgainstServer, RelativeAndAbsoluteFormTargetsAre400) {
  const auto port = cluster.address(0).port;
  const std::string creds = "Authorization: Basic dGVzdGVyOnRlc3Rlci1wYXNzd29yZA==\r\n";
  EXPECT_EQ(status_of(raw_http_exchange(port, "GET etc/passwd?part=1 HTTP/1.1\r\nHost: x\r\n" + creds + "\r\n")), 400);
  EXPECT_EQ(status_of(raw_http_exchange(port, "GET http://evil/../x?part=1 HTTP/1.1\r\nHost: x\r\n" + creds + "\r\n")), 400);
  EXPECT_EQ(status_of(raw_http_exchange(port, "LIST * HTTP/1.1\r\nHost: x\r\n" + creds + "\r\n")), 400);
}

TEST_F(CurlAgainstServer, ASymlinkPlantedInsideARootCannotLeadOutOfIt) {
  const auto home = cluster.root(0) / "tester";
  std::filesystem::create_directories(home / "inside");
  const auto outside = cluster.scratch() / "outside";
  std::filesystem::create_directories(outside / ".dfs/secret");
  std::filesystem::create_directory_symlink(outside, home / "evil");
  std::filesystem::create_directory_symlink(outside / ".dfs/secret", home / "inside/.dfs");

  EXPECT_EQ(status(curl(auth + " -X LIST '" + cluster.url(0) + "/evil'")), 400);
  EXPECT_EQ(status(curl(auth + " '" + cluster.url(0) + "/evil/secret?part=1'")), 400);
  auto put = curl(auth + " -X PUT -H 'X-Dfs-Kind: file' -H 'X-Dfs-Size: 1' -H 'X-Dfs-Parts: 1' -H 'X-Dfs-Xxh3: "
                         "0000000000000000' --data-binary x '" + cluster.url(0) + "/evil/planted?part=1&version=0000000000000001-00000001'");
  EXPECT_EQ(status(put), 400) << put.output;
  EXPECT_EQ(status(curl(auth + " -X LIST '" + cluster.url(0) + "/inside'")), 400);
  EXPECT_FALSE(std::filesystem::exists(outside / ".dfs/planted"));
  EXPECT_FALSE(std::filesystem::exists(outside / "planted"));
}

TEST_F(CurlAgainstServer, AnOversizedHeaderIs431AndTheConnectionCloses) {
  const std::string big(20'000, 'a');
  auto r = curl(auth + " -H 'X-Big: " + big + "' -X LIST '" + cluster.url(0) + "/'");
  EXPECT_EQ(status(r), 431) << r.output.substr(0, 200);
}

TEST_F(CurlAgainstServer, GarbageIsAnsweredWith400) {
  const auto answer = raw_http_exchange(cluster.address(0).port, "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(status_of(answer), 400) << answer;
}

}  // namespace
}  // namespace dfs
