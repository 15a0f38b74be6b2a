// Pins client-core/client_config.h: both formats give the same ClientConfig, keys left out keep
// their defaults, every mistake is an Errc::config naming the file and the right line, and
// find_client_config looks in the documented order without falling through a named file.
#include "client-core/client_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "tests/unit/temp_dir.h"

namespace dfs::client {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

constexpr const char* kYaml =
    "servers:\n"
    "  - name: dfs1\n"
    "    address: 127.0.0.1:10001\n"
    "  - name: dfs2\n"
    "    address: 127.0.0.1:10002\n"
    "  - name: dfs3\n"
    "    address: '[::1]:10003'\n"
    "  - name: dfs4\n"
    "    address: storage4.example:10004\n"
    "user: demo\n"
    "password: demo-password\n"
    "min_copies: 1\n"
    "connect_timeout_ms: 250\n"
    "io_timeout_ms: 5000\n"
    "down_backoff_ms: 0\n"
    "spool_dir: /var/tmp/dfs\n"
    "spool_limit_mb: 3\n";

constexpr const char* kMinimalYaml =
    "servers:\n"
    "  - name: dfs1\n"
    "    address: 127.0.0.1:10001\n"
    "  - name: dfs2\n"
    "    address: 127.0.0.1:10002\n"
    "user: demo\n"
    "password: demo-password\n";

void expect_config_error(const Result<ClientConfig>& config, const std::string& must_contain) {
  ASSERT_FALSE(config.ok()) << "accepted; expected an error containing '" << must_contain << "'";
  EXPECT_EQ(config.error().code(), Errc::config) << config.error().message();
  EXPECT_NE(config.error().message().find(must_contain), std::string::npos) << config.error().message();
}

Result<ClientConfig> parse(const std::string& text) { return parse_client_config(text, "dfc.yaml"); }

void expect_server(const ServerAddress& server, const std::string& name, const std::string& host, int port) {
  EXPECT_EQ(server.name, name);
  EXPECT_EQ(server.host, host);
  EXPECT_EQ(server.port, port);
}

// Sets (or unsets, with nullopt) one environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// ---------------------------------------------------------------------------------------------
// Reading both formats.

TEST(ClientConfig, YamlReadsEveryKey) {
  TempDir dir;
  write_file(dir / "dfc.yaml", kYaml);
  const auto config = load_client_config(dir / "dfc.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->servers.size(), 4u);
  expect_server(config->servers[0], "dfs1", "127.0.0.1", 10001);
  expect_server(config->servers[1], "dfs2", "127.0.0.1", 10002);
  expect_server(config->servers[2], "dfs3", "::1", 10003);
  expect_server(config->servers[3], "dfs4", "storage4.example", 10004);
  EXPECT_EQ(config->credentials.user, "demo");
  EXPECT_EQ(config->credentials.password, "demo-password");
  EXPECT_EQ(config->min_copies, 1);
  EXPECT_EQ(config->timeouts.connect, std::chrono::milliseconds(250));
  EXPECT_EQ(config->timeouts.io, std::chrono::milliseconds(5000));
  EXPECT_EQ(config->down_backoff, std::chrono::milliseconds(0));
  EXPECT_EQ(config->spool_dir, fs::path("/var/tmp/dfs"));
  EXPECT_EQ(config->spool_limit_bytes, 3u * 1024 * 1024);
  EXPECT_EQ(config->source, dir / "dfc.yaml");
}

TEST(ClientConfig, YamlKeysLeftOutKeepTheirDefaults) {
  const auto config = parse(kMinimalYaml);
  ASSERT_TRUE(config.ok()) << config.error().message();
  const ClientConfig defaults;
  EXPECT_EQ(config->min_copies, 2);
  EXPECT_EQ(config->min_copies, defaults.min_copies);
  EXPECT_EQ(config->timeouts.connect, std::chrono::milliseconds(1000));
  EXPECT_EQ(config->timeouts.io, defaults.timeouts.io);
  EXPECT_EQ(config->down_backoff, defaults.down_backoff);
  EXPECT_TRUE(config->spool_dir.empty());
  EXPECT_EQ(config->spool_limit_bytes, 0u);
  EXPECT_EQ(config->source, fs::path("dfc.yaml"));
}

TEST(ClientConfig, ClassicReadsTheSeedsFile) {
  TempDir dir;
  write_file(dir / "dfc.conf",
             "Server DFS1 127.0.0.1:10001\n"
             "Server DFS2 127.0.0.1:10002\n"
             "Server DFS3 127.0.0.1:10003\n"
             "Server DFS4 127.0.0.1:10004\n"
             "Username: Alice\n"
             "Password: SimplePassword\n");
  const auto config = load_client_config(dir / "dfc.conf");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->servers.size(), 4u);
  expect_server(config->servers[0], "DFS1", "127.0.0.1", 10001);
  expect_server(config->servers[3], "DFS4", "127.0.0.1", 10004);
  EXPECT_EQ(config->credentials.user, "Alice");
  EXPECT_EQ(config->credentials.password, "SimplePassword");
  const ClientConfig defaults;
  EXPECT_EQ(config->min_copies, defaults.min_copies);
  EXPECT_EQ(config->timeouts.connect, defaults.timeouts.connect);
  EXPECT_EQ(config->timeouts.io, defaults.timeouts.io);
  EXPECT_EQ(config->down_backoff, defaults.down_backoff);
}

TEST(ClientConfig, ClassicSkipsCommentsAndBlankLinesAndTakesAnyCase) {
  const auto config = parse_client_config(
      "# the cluster\n"
      "\n"
      "   # indented comment\n"
      "server dfs1   127.0.0.1:10001\r\n"
      "SERVER\tdfs2 [::1]:10002\n"
      "\n"
      "USERNAME:demo\n"
      "password:   pass word:with colon  \n",
      "dfc.conf");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->servers.size(), 2u);
  expect_server(config->servers[0], "dfs1", "127.0.0.1", 10001);
  expect_server(config->servers[1], "dfs2", "::1", 10002);
  EXPECT_EQ(config->credentials.user, "demo");
  EXPECT_EQ(config->credentials.password, "pass word:with colon");
}

TEST(ClientConfig, BothFormatsGiveTheSameConfig) {
  const auto yaml = parse(kMinimalYaml);
  const auto classic = parse_client_config(
      "Server dfs1 127.0.0.1:10001\nServer dfs2 127.0.0.1:10002\nUsername: demo\nPassword: demo-password\n",
      "dfc.conf");
  ASSERT_TRUE(yaml.ok()) << yaml.error().message();
  ASSERT_TRUE(classic.ok()) << classic.error().message();
  ASSERT_EQ(yaml->servers.size(), classic->servers.size());
  for (std::size_t i = 0; i < yaml->servers.size(); ++i) {
    expect_server(classic->servers[i], yaml->servers[i].name, yaml->servers[i].host, yaml->servers[i].port);
  }
  EXPECT_EQ(yaml->credentials.user, classic->credentials.user);
  EXPECT_EQ(yaml->credentials.password, classic->credentials.password);
  EXPECT_EQ(yaml->min_copies, classic->min_copies);
}

TEST(ClientConfig, PasswordFileIsReadRelativeToTheConfigFolder) {
  TempDir dir;
  fs::create_directory(dir / "etc");
  write_file(dir / "etc" / "secret", "from-the-file\r\nsecond line is ignored\n");
  write_file(dir / "etc" / "dfc.yaml",
             "servers:\n"
             "  - {name: dfs1, address: 127.0.0.1:10001}\n"
             "  - {name: dfs2, address: 127.0.0.1:10002}\n"
             "user: demo\n"
             "password_file: secret\n");
  // The working directory is not etc/, so only the config's folder can lead to "secret".
  const auto config = load_client_config(dir / "etc" / "dfc.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->credentials.password, "from-the-file");
}

TEST(ClientConfig, PasswordFileWithAnAbsolutePathIsTakenAsIs) {
  TempDir dir;
  write_file(dir / "pw", "absolute\n");
  const auto config = parse_client_config("servers:\n"
                                          "  - {name: dfs1, address: 127.0.0.1:10001}\n"
                                          "  - {name: dfs2, address: 127.0.0.1:10002}\n"
                                          "user: demo\n"
                                          "password_file: " + (dir / "pw").string() + "\n",
                                          "/nowhere/dfc.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->credentials.password, "absolute");
}

TEST(ClientConfig, ClassicWithUsernameFirstIsStillClassic) {
  const auto config = parse_client_config(
      "Username: demo\nPassword: p\nServer dfs1 127.0.0.1:10001\nServer dfs2 127.0.0.1:10002\n", "dfc.conf");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->servers.size(), 2u);
  EXPECT_EQ(config->credentials.user, "demo");
}

// ---------------------------------------------------------------------------------------------
// Mistakes name the file and the line.

TEST(ClientConfig, UnquotedIpv6AddressGetsAHint) {
  const auto config = parse(
      "servers:\n"
      "  - name: dfs1\n"
      "    address: [::1]:10001\n"
      "  - name: dfs2\n"
      "    address: 127.0.0.1:10002\n"
      "user: demo\n"
      "password: p\n");
  expect_config_error(config, "dfc.yaml:3:");
  expect_config_error(config, "(line 3: quote an IPv6 address, e.g. address: '[::1]:10001')");
}

TEST(ClientConfig, EmptyFileSaysWhatItNeeds) {
  expect_config_error(parse("# nothing yet\n\n"), "dfc.yaml:1: the file has no settings");
  expect_config_error(parse(""), "dfc.yaml:1: the file has no settings");
}

TEST(ClientConfig, BadAddressNamesItsLine) {
  const auto config = parse(
      "servers:\n"
      "  - name: dfs1\n"
      "    address: 127.0.0.1:10001\n"
      "  - name: dfs2\n"
      "    address: 127.0.0.1:99999\n"
      "user: demo\n"
      "password: p\n");
  expect_config_error(config, "dfc.yaml:5:");
  expect_config_error(config, "'address'");
  expect_config_error(config, "127.0.0.1:99999");
}

TEST(ClientConfig, ClassicBadAddressNamesItsLine) {
  const auto config = parse_client_config(
      "# comment\n"
      "Server dfs1 127.0.0.1:10001\n"
      "Server dfs2 127.0.0.1:10002\n"
      "Server dfs3 127.0.0.1\n"
      "Username: demo\n"
      "Password: p\n",
      "dfc.conf");
  expect_config_error(config, "dfc.conf:4:");
  expect_config_error(config, "127.0.0.1");
}

// Found by tests/fuzz/fuzz_client_config: dfc.yaml refused such a name, dfc.conf took it.
TEST(ClientConfig, ClassicServerNameWithAControlCharacterIsRefused) {
  expect_config_error(
      parse_client_config("Server a h:1\nServer b\x1c h:2\nUsername: u\nPassword: p\n", "dfc.conf"),
      "dfc.conf:2: server name 'b\x1c' has a space or control character");
}

TEST(ClientConfig, PortZeroIsRefused) {
  expect_config_error(parse_client_config("Server a h:1\nServer b h:0\nUsername: u\nPassword: p\n", "dfc.conf"),
                      "dfc.conf:2: 'h:0' has port 0");
}

TEST(ClientConfig, DuplicateNamesDifferingOnlyInCaseAreRefused) {
  const auto config = parse(
      "servers:\n"
      "  - name: dfs1\n"
      "    address: 127.0.0.1:10001\n"
      "  - name: DFS1\n"
      "    address: 127.0.0.1:10002\n"
      "user: demo\n"
      "password: p\n");
  expect_config_error(config, "dfc.yaml:4:");
  expect_config_error(config, "'DFS1' is already the name of the server at dfc.yaml:2");
  expect_config_error(
      parse_client_config("Server dfs1 h:1\nServer Dfs1 h:2\nUsername: u\nPassword: p\n", "dfc.conf"),
      "dfc.conf:2: server name 'Dfs1' is already used on line 1");
}

TEST(ClientConfig, DuplicateAddressesAreRefused) {
  const auto config = parse(
      "servers:\n"
      "  - name: dfs1\n"
      "    address: LocalHost:10001\n"
      "  - name: dfs2\n"
      "    address: localhost:10001\n"
      "user: demo\n"
      "password: p\n");
  expect_config_error(config, "dfc.yaml:5:");
  expect_config_error(config, "already the address of dfs1");
  expect_config_error(
      parse_client_config("Server a h:1\nServer b h:2\nServer c h:1\nUsername: u\nPassword: p\n", "dfc.conf"),
      "dfc.conf:3: address h:1 is already server a's (line 1)");
}

TEST(ClientConfig, OneServerIsNotEnough) {
  expect_config_error(parse("servers:\n  - {name: dfs1, address: h:1}\nuser: u\npassword: p\n"),
                      "dfc.yaml:2: key 'servers': lists only one server");
  expect_config_error(parse("servers: []\nuser: u\npassword: p\n"), "key 'servers': lists no server");
  expect_config_error(parse_client_config("Server a h:1\nUsername: u\nPassword: p\n", "dfc.conf"),
                      "dfc.conf:1: only one server listed");
  expect_config_error(parse("user: u\npassword: p\n"), "key 'servers': is required");
}

TEST(ClientConfig, UnknownKeyIsAnErrorNamingItsLine) {
  const auto config = parse(std::string(kMinimalYaml) + "min_copy: 1\n");
  expect_config_error(config, "dfc.yaml:8:");
  expect_config_error(config, "unknown key 'min_copy'");
  expect_config_error(parse("servers:\n  - {name: a, address: h:1, port: 2}\n  - {name: b, address: h:2}\n"
                            "user: u\npassword: p\n"),
                      "dfc.yaml:2: unknown key 'port'");
}

TEST(ClientConfig, TlsIsOffUnlessAsked) {
  const auto config = parse(kMinimalYaml);
  ASSERT_TRUE(config.ok()) << config.error().message();
  for (const auto& server : config->servers) EXPECT_FALSE(server.tls.enabled) << server.name;
}

TEST(ClientConfig, ClusterTlsReachesEveryServerAndAServerMayOverrideIt) {
  TempDir dir;
  write_file(dir / "ca.pem", "not checked here; the handshake reads it\n");
  write_file(dir / "other-ca.pem", "x\n");
  write_file(dir / "dfc.yaml",
             "servers:\n"
             "  - name: dfs1\n"
             "    address: 127.0.0.1:10001\n"
             "  - name: dfs2\n"
             "    address: 127.0.0.1:10002\n"
             "    tls_ca_file: other-ca.pem\n"
             "  - name: dfs3\n"
             "    address: 127.0.0.1:10003\n"
             "    tls: false\n"
             "user: demo\npassword: p\ntls: true\ntls_ca_file: ca.pem\n");
  const auto config = load_client_config(dir / "dfc.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_TRUE(config->servers[0].tls.enabled);
  EXPECT_EQ(config->servers[0].tls.ca_file, (dir / "ca.pem").string());  // relative to the config's folder
  EXPECT_TRUE(config->servers[1].tls.enabled);
  EXPECT_EQ(config->servers[1].tls.ca_file, (dir / "other-ca.pem").string());
  EXPECT_FALSE(config->servers[2].tls.enabled);
}

TEST(ClientConfig, TlsCaFileMustBeReadableAndNeedsTls) {
  expect_config_error(parse(std::string(kMinimalYaml) + "tls: true\ntls_ca_file: /nonexistent/ca.pem\n"),
                      "dfc.yaml:9: key 'tls_ca_file': /nonexistent/ca.pem: No such file");
  expect_config_error(parse(std::string(kMinimalYaml) + "tls_ca_file: /etc/hostname\n"),
                      "key 'tls_ca_file': is given but 'tls' is not true");
  expect_config_error(parse(std::string(kMinimalYaml) + "tls: maybe\n"), "dfc.yaml:8: key 'tls'");
}

TEST(ClientConfig, MinCopiesMustBeOneOrTwo) {
  expect_config_error(parse(std::string(kMinimalYaml) + "min_copies: 3\n"), "dfc.yaml:8: key 'min_copies': must be 1 or 2");
  expect_config_error(parse(std::string(kMinimalYaml) + "min_copies: 0\n"), "key 'min_copies'");
  expect_config_error(parse(std::string(kMinimalYaml) + "min_copies: two\n"), "key 'min_copies'");
}

TEST(ClientConfig, TimeoutsMustBePositive) {
  expect_config_error(parse(std::string(kMinimalYaml) + "connect_timeout_ms: 0\n"), "dfc.yaml:8: key 'connect_timeout_ms'");
  expect_config_error(parse(std::string(kMinimalYaml) + "io_timeout_ms: 0\n"), "dfc.yaml:8: key 'io_timeout_ms'");
  expect_config_error(parse(std::string(kMinimalYaml) + "io_timeout_ms: -5\n"), "key 'io_timeout_ms'");
  expect_config_error(parse(std::string(kMinimalYaml) + "down_backoff_ms: 99999999999\n"), "key 'down_backoff_ms'");
}

TEST(ClientConfig, SpoolLimitThatOverflowsIsRefused) {
  expect_config_error(parse(std::string(kMinimalYaml) + "spool_limit_mb: 18446744073709551615\n"),
                      "dfc.yaml:8: key 'spool_limit_mb'");
}

TEST(ClientConfig, UserIsRequired) {
  expect_config_error(parse("servers:\n  - {name: a, address: h:1}\n  - {name: b, address: h:2}\npassword: p\n"),
                      "key 'user': is required");
  expect_config_error(parse_client_config("Server a h:1\nServer b h:2\nPassword: p\n", "dfc.conf"),
                      "dfc.conf:3: no 'Username:' line");
}

TEST(ClientConfig, ExactlyOneOfPasswordAndPasswordFile) {
  const std::string servers = "servers:\n  - {name: a, address: h:1}\n  - {name: b, address: h:2}\nuser: u\n";
  expect_config_error(parse(servers), "key 'password': is required");
  expect_config_error(parse(servers + "password: p\npassword_file: pw\n"),
                      "dfc.yaml:6: key 'password_file': and 'password' are both given");
  expect_config_error(parse_client_config("Server a h:1\nServer b h:2\nUsername: u\n", "dfc.conf"),
                      "no 'Password:' line");
}

TEST(ClientConfig, UnreadablePasswordFileIsNamed) {
  TempDir dir;
  write_file(dir / "dfc.yaml",
             "servers:\n  - {name: a, address: h:1}\n  - {name: b, address: h:2}\nuser: u\npassword_file: missing\n");
  const auto config = load_client_config(dir / "dfc.yaml");
  expect_config_error(config, (dir / "dfc.yaml").string() + ":5:");
  expect_config_error(config, (dir / "missing").string());
}

TEST(ClientConfig, ClassicUnknownLineDoesNotPrintItsValue) {
  const auto config =
      parse_client_config("Server a h:1\nServer b h:2\nUsername: u\nPasword: hunter2\n", "dfc.conf");
  expect_config_error(config, "dfc.conf:4: unknown line starting 'Pasword'");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().find("hunter2"), std::string::npos) << config.error().message();
}

TEST(ClientConfig, ClassicRepeatedUsernameIsRefused) {
  expect_config_error(
      parse_client_config("Server a h:1\nServer b h:2\nUsername: u\nusername: v\nPassword: p\n", "dfc.conf"),
      "dfc.conf:4: a second 'Username:' line (the first is line 3)");
}

TEST(ClientConfig, MissingFileIsNamed) {
  TempDir dir;
  expect_config_error(load_client_config(dir / "absent.yaml"), (dir / "absent.yaml").string());
}

// ---------------------------------------------------------------------------------------------
// Where the configuration comes from.

class FindClientConfig : public ::testing::Test {
 protected:
  TempDir dir_;
  ScopedEnv dfs_config_{"DFS_CONFIG", std::nullopt};
  ScopedEnv home_{"HOME", dir_.path().string()};

  fs::path home_config() const { return dir_ / ".config/dfs/dfc.yaml"; }
  void make_home_config() const {
    fs::create_directories(home_config().parent_path());
    write_file(home_config(), kMinimalYaml);
  }
};

TEST_F(FindClientConfig, ExplicitPathComesFirst) {
  make_home_config();
  write_file(dir_ / "env.yaml", kMinimalYaml);
  write_file(dir_ / "explicit.yaml", kMinimalYaml);
  ScopedEnv env("DFS_CONFIG", (dir_ / "env.yaml").string());
  const auto found = find_client_config(dir_ / "explicit.yaml");
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(*found, dir_ / "explicit.yaml");
}

TEST_F(FindClientConfig, MissingExplicitPathIsAnErrorNotAFallThrough) {
  make_home_config();
  const auto found = find_client_config(dir_ / "absent.yaml");
  ASSERT_FALSE(found.ok()) << "fell through to " << *found;
  EXPECT_EQ(found.error().code(), Errc::config);
  EXPECT_NE(found.error().message().find((dir_ / "absent.yaml").string()), std::string::npos)
      << found.error().message();
}

TEST_F(FindClientConfig, DfsConfigComesBeforeHome) {
  make_home_config();
  write_file(dir_ / "env.yaml", kMinimalYaml);
  ScopedEnv env("DFS_CONFIG", (dir_ / "env.yaml").string());
  const auto found = find_client_config(std::nullopt);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(*found, dir_ / "env.yaml");
}

TEST_F(FindClientConfig, MissingDfsConfigFileIsAnErrorNotAFallThrough) {
  make_home_config();
  ScopedEnv env("DFS_CONFIG", (dir_ / "absent.yaml").string());
  const auto found = find_client_config(std::nullopt);
  ASSERT_FALSE(found.ok()) << "fell through to " << *found;
  EXPECT_EQ(found.error().code(), Errc::config);
  EXPECT_NE(found.error().message().find("$DFS_CONFIG names " + (dir_ / "absent.yaml").string()), std::string::npos)
      << found.error().message();
}

TEST_F(FindClientConfig, HomeConfigWhenNothingElseIsGiven) {
  make_home_config();
  const auto found = find_client_config(std::nullopt);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(*found, home_config());
}

TEST_F(FindClientConfig, EmptyDfsConfigCountsAsUnset) {
  make_home_config();
  ScopedEnv env("DFS_CONFIG", std::string());
  const auto found = find_client_config(std::nullopt);
  ASSERT_TRUE(found.ok()) << found.error().message();
  EXPECT_EQ(*found, home_config());
}

TEST_F(FindClientConfig, NothingFoundNamesEveryPlaceAndSuggestsConfig) {
  if (fs::exists("/etc/dfs/dfc.yaml")) GTEST_SKIP() << "/etc/dfs/dfc.yaml exists on this machine";
  const auto found = find_client_config(std::nullopt);
  ASSERT_FALSE(found.ok()) << "found " << *found;
  const std::string& message = found.error().message();
  EXPECT_EQ(found.error().code(), Errc::config);
  EXPECT_NE(message.find("$DFS_CONFIG"), std::string::npos) << message;
  EXPECT_NE(message.find(home_config().string()), std::string::npos) << message;
  EXPECT_NE(message.find("/etc/dfs/dfc.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("--config FILE"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

}  // namespace
}  // namespace dfs::client
