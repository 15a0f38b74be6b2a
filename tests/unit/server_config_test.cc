// Pins server/server_config.h: every YAML key reaches its field, mistakes are Errc::config errors
// naming the file, the line and the key, finish() fills the users file default, and listen
// addresses are HOST:PORT with IPv6 in brackets.
#include "server/server_config.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/temp_dir.h"

namespace dfs::server {
namespace {

using testing::TempDir;
using testing::write_file;

Result<ServerConfig> load(const TempDir& dir, const std::string& yaml) {
  const auto file = dir / "server.yaml";
  write_file(file, yaml);
  return ServerConfig::load_yaml(file);
}

void expect_config_error(const Result<ServerConfig>& config, const std::string& must_contain) {
  ASSERT_FALSE(config.ok()) << "accepted; expected an error containing " << must_contain;
  EXPECT_EQ(config.error().code(), Errc::config) << config.error().message();
  EXPECT_NE(config.error().message().find(must_contain), std::string::npos) << config.error().message();
}

TEST(ServerConfig, LoadYamlReadsEveryKey) {
  TempDir dir;
  const auto config = load(dir,
                           "root: /srv/dfs1\n"
                           "listen: 0.0.0.0:10001\n"
                           "users: /etc/dfs/users\n"
                           "threads: 8\n"
                           "max_body_bytes: 1048576\n"
                           "max_connections: 50\n"
                           "header_limit_bytes: 8192\n"
                           "idle_timeout_ms: 2500\n"
                           "shutdown_grace_ms: 750\n"
                           "staged_max_age_s: 120\n"
                           "sweep_interval_s: 30\n"
                           "verbose: true\n");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->root, std::filesystem::path("/srv/dfs1"));
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 10001);
  EXPECT_EQ(config->users_file, std::filesystem::path("/etc/dfs/users"));
  EXPECT_EQ(config->threads, 8u);
  EXPECT_EQ(config->max_body_bytes, 1048576u);
  EXPECT_EQ(config->max_connections, 50u);
  EXPECT_EQ(config->header_limit_bytes, 8192u);
  EXPECT_EQ(config->idle_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(config->shutdown_grace, std::chrono::milliseconds(750));
  EXPECT_EQ(config->staged_max_age, std::chrono::seconds(120));
  EXPECT_EQ(config->sweep_interval, std::chrono::seconds(30));
  EXPECT_TRUE(config->verbose);
}

TEST(ServerConfig, KeysLeftOutKeepTheirDefaults) {
  TempDir dir;
  const auto config = load(dir, "root: /srv/dfs1\n");
  ASSERT_TRUE(config.ok()) << config.error().message();
  const ServerConfig defaults;
  EXPECT_EQ(config->root, std::filesystem::path("/srv/dfs1"));
  EXPECT_EQ(config->listen_host, defaults.listen_host);
  EXPECT_EQ(config->listen_port, defaults.listen_port);
  EXPECT_TRUE(config->users_file.empty()) << "filled by finish()";
  EXPECT_EQ(config->threads, defaults.threads);
  EXPECT_EQ(config->max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(config->max_connections, defaults.max_connections);
  EXPECT_EQ(config->header_limit_bytes, defaults.header_limit_bytes);
  EXPECT_EQ(config->idle_timeout, defaults.idle_timeout);
  EXPECT_EQ(config->shutdown_grace, defaults.shutdown_grace);
  EXPECT_EQ(config->staged_max_age, defaults.staged_max_age);
  EXPECT_EQ(config->sweep_interval, defaults.sweep_interval);
  EXPECT_EQ(config->verbose, defaults.verbose);
}

TEST(ServerConfig, UnknownKeyIsAnErrorNamingFileLineAndKey) {
  TempDir dir;
  const auto config = load(dir, "root: /srv/dfs1\nlisten: 127.0.0.1:10001\nlisten_port: 10001\n");
  expect_config_error(config, (dir / "server.yaml").string() + ":3:");
  expect_config_error(config, "'listen_port'");
}

TEST(ServerConfig, NonsenseListenAddressIsAnErrorNamingTheKey) {
  TempDir dir;
  const auto config = load(dir, "root: /srv/dfs1\nlisten: nonsense\n");
  expect_config_error(config, "'listen'");
  expect_config_error(config, (dir / "server.yaml").string() + ":2:");
}

TEST(ServerConfig, MissingRootIsAnErrorNamingTheKey) {
  TempDir dir;
  expect_config_error(load(dir, "listen: 127.0.0.1:10001\n"), "'root'");
}

TEST(ServerConfig, OutOfRangeValuesAreErrorsNamingTheKey) {
  TempDir dir;
  expect_config_error(load(dir, "root: /r\nthreads: 0\n"), "'threads'");
  expect_config_error(load(dir, "root: /r\nthreads: 257\n"), "'threads'");
  expect_config_error(load(dir, "root: /r\nthreads: four\n"), "'threads'");
  expect_config_error(load(dir, "root: /r\nheader_limit_bytes: 100\n"), "'header_limit_bytes'");
  expect_config_error(load(dir, "root: /r\nidle_timeout_ms: 5\n"), "'idle_timeout_ms'");
  expect_config_error(load(dir, "root: /r\nsweep_interval_s: 0\n"), "'sweep_interval_s'");
  expect_config_error(load(dir, "root: /r\nverbose: maybe\n"), "'verbose'");
  expect_config_error(load(dir, "root: /r\nmax_body_bytes: -1\n"), "'max_body_bytes'");
}

TEST(ServerConfig, MissingFileIsAnErrorNamingIt) {
  TempDir dir;
  const auto config = ServerConfig::load_yaml(dir / "absent.yaml");
  expect_config_error(config, (dir / "absent.yaml").string());
}

TEST(ServerConfig, FinishDefaultsTheUsersFileToDotUsersInTheRoot) {
  ServerConfig config;
  config.root = "/srv/dfs1";
  ASSERT_TRUE(config.finish().ok());
  EXPECT_EQ(config.users_file, std::filesystem::path("/srv/dfs1/.users"));
}

TEST(ServerConfig, FinishKeepsAGivenUsersFile) {
  TempDir dir;
  auto config = load(dir, "root: /srv/dfs1\nusers: /etc/dfs/users\n");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_TRUE(config->finish().ok());
  EXPECT_EQ(config->users_file, std::filesystem::path("/etc/dfs/users"));
}

TEST(ServerConfig, FinishWithoutRootIsAConfigError) {
  ServerConfig config;
  const auto st = config.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Errc::config);
  EXPECT_NE(st.error().message().find("root"), std::string::npos) << st.error().message();
}

TEST(ListenAddress, ParsesHostAndPort) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(parse_listen_address("127.0.0.1:10001", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 10001);
  ASSERT_TRUE(parse_listen_address("localhost:0", host, port).ok());
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(parse_listen_address("h:65535", host, port).ok());
  EXPECT_EQ(port, 65535);
}

TEST(ListenAddress, TakesIpv6InBracketsWithoutThem) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(parse_listen_address("[::1]:80", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 80);
  ASSERT_TRUE(parse_listen_address("[fe80::1:2]:10002", host, port).ok());
  EXPECT_EQ(host, "fe80::1:2");
  EXPECT_EQ(port, 10002);
}

TEST(ListenAddress, RejectsAnythingElse) {
  for (const char* text : {"x", ":80", "h:99999", "h:65536", "h:", "h:-1", "h:8O", "[]:80", "", "10001", "[::1]"}) {
    std::string host = "unchanged";
    std::uint16_t port = 7;
    const auto st = parse_listen_address(text, host, port);
    ASSERT_FALSE(st.ok()) << "'" << text << "' accepted as " << host << " port " << port;
    EXPECT_EQ(st.error().code(), Errc::config);
    EXPECT_NE(st.error().message().find(std::string("'") + text + "'"), std::string::npos) << st.error().message();
  }
}

}  // namespace
}  // namespace dfs::server
