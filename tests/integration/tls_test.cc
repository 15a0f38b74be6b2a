// TLS between client and servers, with certificates made at test time: bytes come back
// identical over TLS on every body path (empty, small, and large parts, which on plain
// connections the client sends with sendfile), and every way a TLS setup can be wrong ends
// in one line a person can act on, within the timeouts: a plain client, a client that trusts
// another CA, a certificate for another host, and a server config that is half done.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "client-core/dfs_client.h"
#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/shell.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

namespace fs = std::filesystem;
using namespace dfs::testing;
using client::DfsClient;
using client::ServerConnection;

constexpr std::uint64_t kMiB = 1024 * 1024;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Certificates in their own scratch folder, made before the cluster that uses them.
class TlsTest : public ::testing::Test {
 protected:
  TestClusterOptions tls_options(int servers, const fs::path& cert, const fs::path& key) const {
    TestClusterOptions options;
    options.servers = servers;
    options.extra_yaml = certs_.server_yaml(cert, key);
    options.client_tls = {true, certs_.ca_file.string()};
    return options;
  }
  TestClusterOptions tls_options(int servers = 4) const {
    return tls_options(servers, certs_.server_cert_file, certs_.server_key_file);
  }

  // A connection to server `i` with `tls` instead of the cluster's settings.
  static ServerConnection connect_with(const TestCluster& cluster, int i, client::TlsSettings tls,
                                       client::Timeouts timeouts = {}) {
    auto address = cluster.address(i);
    address.tls = std::move(tls);
    return ServerConnection(address, cluster.credentials(), timeouts);
  }

  ScratchDir scratch_{"dfs-tls"};
  TestCertificates certs_{scratch_ / "certs"};
};

TEST_F(TlsTest, FilesOfEverySizeRoundTripByteIdentical) {
  TestCluster cluster(tls_options());
  DfsClient client(client_config_for(cluster));
  // 0 B: no body at all; 1 MiB + 3: parts sent whole or after 100-continue; 20 MiB: 5 MiB
  // parts, which a plain connection would sendfile out of the client.
  for (const std::uint64_t size : {std::uint64_t{0}, kMiB + 3, 20 * kMiB}) {
    SCOPED_TRACE(std::to_string(size) + " bytes");
    const auto in = scratch_ / ("in-" + std::to_string(size));
    const auto out = scratch_ / ("out-" + std::to_string(size));
    write_pseudo_random_file(in, size, 7 + size);
    const auto path = remote("/tls/file-" + std::to_string(size));
    auto put = client.put_file(in, path, {.create_parents = true});
    ASSERT_TRUE(put.ok()) << put.error().message();
    EXPECT_TRUE(put->complete()) << put->missing_text();
    auto got = client.get_file(path, out);
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_EQ(got->version, put->version);
    EXPECT_EQ(difference_between(in, out), "");
  }
  // Bytes from memory take the other sending path (no file descriptor to sendfile from).
  const std::string bytes(3 * kMiB + 1, 'x');
  ASSERT_TRUE(put_bytes(client, remote("/tls/from-memory"), bytes).ok());
  auto back = get_bytes(client, remote("/tls/from-memory"), scratch_ / "from-memory");
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_TRUE(*back == bytes);
  for (int i = 0; i < cluster.size(); ++i) EXPECT_FALSE(contains(cluster.log(i), "TLS handshake")) << cluster.log(i);
}

TEST_F(TlsTest, PlainClientIsRefusedAtOnceAndTheServerLogsIt) {
  TestCluster cluster(tls_options(1));
  auto connection = connect_with(cluster, 0, {}, {std::chrono::milliseconds(1000), std::chrono::milliseconds(5000)});
  const auto started = std::chrono::steady_clock::now();
  auto listed = connection.list(remote("/"));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(listed.ok());
  EXPECT_TRUE(contains(listed.error().message(), "server dfs1 (127.0.0.1:" + std::to_string(cluster.address(0).port) +
                                                     ") closed the connection without an HTTP answer"))
      << listed.error().message();
  EXPECT_TRUE(contains(listed.error().message(), "set 'tls: true'")) << listed.error().message();
  // The server closes as soon as the handshake fails, long before the client's 5 s I/O timeout.
  EXPECT_LT(took, std::chrono::milliseconds(4000));
  EXPECT_TRUE(contains(cluster.log(0), "TLS handshake with 127.0.0.1:")) << cluster.log(0);
}

TEST_F(TlsTest, ClientTrustingAnotherCaIsRefusedAsNotTrusted) {
  TestCluster cluster(tls_options(2));
  auto connection = connect_with(cluster, 1, {true, certs_.unrelated_ca_file.string()});
  auto listed = connection.list(remote("/"));
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().message(), "server dfs2 (127.0.0.1:" + std::to_string(cluster.address(1).port) +
                                          "): TLS certificate not trusted (check tls_ca_file)");

  // Through the whole client too: the write fails, saying why.
  auto config = client_config_for(cluster);
  for (auto& server : config.servers) server.tls.ca_file = certs_.unrelated_ca_file.string();
  DfsClient client(config);
  auto put = put_bytes(client, remote("/refused"), "bytes");
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(contains(put.error().message(), "TLS certificate not trusted (check tls_ca_file)")) << put.error().message();
}

TEST_F(TlsTest, CertificateForAnotherHostIsRefused) {
  TestCluster cluster(tls_options(1, certs_.other_host_cert_file, certs_.other_host_key_file));
  auto connection = cluster.connect(0);
  auto listed = connection.list(remote("/"));
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().message(), "server dfs1 (127.0.0.1:" + std::to_string(cluster.address(0).port) +
                                          "): TLS certificate is not for 127.0.0.1 (its subjectAltName must name "
                                          "it: IP:127.0.0.1 or DNS:127.0.0.1)");
}

TEST_F(TlsTest, TlsClientOfAPlainServerSaysTheHandshakeFailed) {
  TestCluster cluster(TestClusterOptions{.servers = 1});
  auto connection = connect_with(cluster, 0, {true, certs_.ca_file.string()});
  auto listed = connection.list(remote("/"));
  ASSERT_FALSE(listed.ok());
  EXPECT_TRUE(contains(listed.error().message(), "): TLS handshake failed: ")) << listed.error().message();
  EXPECT_TRUE(contains(listed.error().message(), "tls_cert_file")) << listed.error().message();
}

TEST_F(TlsTest, HalfDoneServerConfigExitsTwoNamingTheKey) {
  struct Case {
    std::string yaml;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"tls_cert_file: " + certs_.server_cert_file.string() + "\n", {"key 'tls_key_file': is missing"}},
      {"tls_key_file: " + certs_.server_key_file.string() + "\n", {"key 'tls_cert_file': is missing"}},
      {certs_.server_yaml(scratch_ / "absent.pem", certs_.server_key_file),
       {"key 'tls_cert_file': " + (scratch_ / "absent.pem").string() + ": cannot read it: No such file"}},
      {certs_.server_yaml(certs_.server_cert_file, scratch_ / "absent.key"),
       {"key 'tls_key_file': " + (scratch_ / "absent.key").string() + ": cannot read it"}},
      {certs_.server_yaml(certs_.server_key_file, certs_.server_key_file), {"key 'tls_cert_file'", "not a PEM certificate"}},
      {certs_.server_yaml(certs_.server_cert_file, certs_.other_host_key_file),
       {"key 'tls_key_file'", "is not the private key of the certificate in " + certs_.server_cert_file.string()}},
  };
  fs::create_directories(scratch_ / "root");
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    const auto config = scratch_ / ("server-" + std::to_string(n++) + ".yaml");
    std::ofstream(config) << "root: " << (scratch_ / "root").string() << "\nlisten: 127.0.0.1:0\n" << c.yaml;
    const auto r = run_shell(std::string(DFS_SERVER_BINARY) + " --config " + shell_quote(config.string()) + " 2>&1", 20);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    for (const auto& part : c.expected) EXPECT_TRUE(contains(r.output, part)) << r.output;
  }
}

TEST_F(TlsTest, DfcPutsAndGetsOverTls) {
  TestCluster cluster(tls_options());
  const auto work = scratch_ / "work";
  fs::create_directories(work);
  write_dfc_yaml(cluster, cluster.credentials(), scratch_ / "dfc.yaml");
  write_pseudo_random_file(work / "in", 6 * kMiB + 5, 99);
  const auto config = (scratch_ / "dfc.yaml").string();
  const auto put = run_dfc({"--config", config, "put", "in", "/over-tls"}, work);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  const auto get = run_dfc({"--config", config, "get", "/over-tls", "out"}, work);
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(difference_between(work / "in", work / "out"), "");
}

}  // namespace
}  // namespace dfs
