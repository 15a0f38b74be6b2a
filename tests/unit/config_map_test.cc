// Pins common/config_map.h: every mistake in a YAML configuration names the file, the 1-based
// line and the key; unknown keys are errors; absent keys leave defaults alone.
#include "common/config_map.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace dfs {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

ConfigMap must_parse(std::string_view text, std::string source = "test.yaml") {
  auto config = ConfigMap::parse(text, std::move(source));
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message());
  if (!config.ok()) return *ConfigMap::parse("{}", "empty");
  return *config;
}

// Each test gets its own directory under the test temp dir, removed afterwards.
class ConfigFile : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "dfs-config-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& name, std::string_view text) {
    const fs::path file = dir_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    EXPECT_TRUE(out.good()) << file;
    return file;
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// Errors name the file, the line and the key.

TEST_F(ConfigFile, BadIntegerNamesFileLineAndKey) {
  const fs::path file = write("name.yaml", "root: /srv/dfs\nlisten: 127.0.0.1\nport: abc\nusers: u.txt\n");
  auto config = ConfigMap::load_file(file);
  ASSERT_TRUE(config.ok()) << config.error().message();
  std::uint64_t port = 10001;
  const Status status = config->read("port", port);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Errc::config);
  const std::string& message = status.error().message();
  EXPECT_TRUE(contains(message, "name.yaml:3")) << message;
  EXPECT_TRUE(contains(message, "key 'port'")) << message;
  EXPECT_TRUE(contains(message, "abc")) << message;
  EXPECT_EQ(port, 10001u) << "a failed read must not change the value";
}

TEST_F(ConfigFile, UnknownKeyIsRejectedNamingItsLine) {
  const fs::path file = write("dfs1.yaml", "root: /srv\n\n# a comment\nlistne: 127.0.0.1:10001\n");
  auto config = ConfigMap::load_file(file);
  ASSERT_TRUE(config.ok()) << config.error().message();
  const Status status = config->reject_unknown_keys({"root", "listen", "users"});
  ASSERT_FALSE(status.ok()) << "a typo must not fall back to a default";
  EXPECT_EQ(status.error().code(), Errc::config);
  const std::string& message = status.error().message();
  EXPECT_TRUE(contains(message, "dfs1.yaml:4")) << message;
  EXPECT_TRUE(contains(message, "listne")) << message;
}

TEST_F(ConfigFile, KnownKeysPassTheUnknownKeyCheck) {
  auto config = ConfigMap::load_file(write("ok.yaml", "root: /srv\nlisten: 127.0.0.1:10001\n"));
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_TRUE(config->reject_unknown_keys({"root", "listen", "users"}).ok());
}

TEST_F(ConfigFile, YamlSyntaxErrorNamesTheFileAndLine) {
  const fs::path file = write("broken.yaml", "root: /srv\nlisten: 127.0.0.1:1\nservers: [a, b\nuser: x\n");
  auto config = ConfigMap::load_file(file);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), Errc::config);
  const std::string& message = config.error().message();
  EXPECT_TRUE(contains(message, "broken.yaml:")) << message;
  // The unclosed '[' opens on line 3; the parser notices by line 4 at the latest.
  EXPECT_TRUE(contains(message, "broken.yaml:3") || contains(message, "broken.yaml:4")) << message;
}

TEST_F(ConfigFile, YamlSyntaxErrorOnTheFirstLineIsLineOne) {
  auto config = ConfigMap::load_file(write("first.yaml", "key: value: other\nsecond: 2\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(contains(config.error().message(), "first.yaml:1")) << config.error().message();
}

TEST_F(ConfigFile, BadIndentationNamesTheLine) {
  auto config = ConfigMap::load_file(write("indent.yaml", "a: 1\nb: 2\n  c: 3\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(contains(config.error().message(), "indent.yaml:3")) << config.error().message();
}

TEST_F(ConfigFile, MissingFileIsAClearError) {
  const fs::path file = dir_ / "does-not-exist.yaml";
  auto config = ConfigMap::load_file(file);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), Errc::config);
  EXPECT_TRUE(contains(config.error().message(), file.string())) << config.error().message();
  EXPECT_TRUE(contains(config.error().message(), "cannot open")) << config.error().message();
}

TEST_F(ConfigFile, DirectoryInsteadOfAFileIsAnError) {
  fs::create_directory(dir_ / "conf.d");
  auto config = ConfigMap::load_file(dir_ / "conf.d");
  ASSERT_FALSE(config.ok()) << "a directory must not load as an empty configuration";
  EXPECT_EQ(config.error().code(), Errc::config);
  EXPECT_TRUE(contains(config.error().message(), (dir_ / "conf.d").string())) << config.error().message();
}

TEST_F(ConfigFile, SourceIsTheFileName) {
  const fs::path file = write("src.yaml", "a: 1\n");
  auto config = ConfigMap::load_file(file);
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->source(), file.string());
}

// ---------------------------------------------------------------------------------------------
// The top level must be a mapping.

TEST(ConfigMapShape, TopLevelSequenceIsAnError) {
  auto config = ConfigMap::parse("- a\n- b\n", "list.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), Errc::config);
  EXPECT_TRUE(contains(config.error().message(), "list.yaml")) << config.error().message();
  EXPECT_TRUE(contains(config.error().message(), "mapping")) << config.error().message();
}

TEST(ConfigMapShape, TopLevelScalarIsAnError) {
  auto config = ConfigMap::parse("just some words\n", "scalar.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), Errc::config);
  EXPECT_TRUE(contains(config.error().message(), "scalar.yaml")) << config.error().message();
}

TEST(ConfigMapShape, EmptyOrCommentOnlyTextIsAnEmptyMapping) {
  for (const std::string_view text : {"", "\n", "# nothing here\n", "---\n"}) {
    auto config = ConfigMap::parse(text, "empty.yaml");
    ASSERT_TRUE(config.ok()) << "'" << text << "': " << config.error().message();
    EXPECT_FALSE(config->has("anything"));
    EXPECT_TRUE(config->reject_unknown_keys({}).ok());
  }
}

// ---------------------------------------------------------------------------------------------
// Reading values

TEST(ConfigMapRead, ReadsStringsIntegersAndBooleans) {
  const ConfigMap config = must_parse(
      "name: dfs1\nport: 10001\nbig: 18446744073709551615\nverify: true\nquoted: \"a b: c\"\n");
  std::string name;
  ASSERT_TRUE(config.read("name", name).ok());
  EXPECT_EQ(name, "dfs1");
  std::uint64_t port = 0;
  ASSERT_TRUE(config.read("port", port).ok());
  EXPECT_EQ(port, 10001u);
  std::uint64_t big = 0;
  ASSERT_TRUE(config.read("big", big).ok());
  EXPECT_EQ(big, 18446744073709551615ULL);
  bool verify = false;
  ASSERT_TRUE(config.read("verify", verify).ok());
  EXPECT_TRUE(verify);
  std::string quoted;
  ASSERT_TRUE(config.read("quoted", quoted).ok());
  EXPECT_EQ(quoted, "a b: c");
}

TEST(ConfigMapRead, BooleansAcceptTheYamlSpellings) {
  const ConfigMap config = must_parse("a: true\nb: false\nc: yes\nd: no\ne: on\nf: off\n");
  const std::vector<std::pair<std::string, bool>> expected = {{"a", true},  {"b", false}, {"c", true},
                                                              {"d", false}, {"e", true},  {"f", false}};
  for (const auto& [key, value] : expected) {
    bool out = !value;
    ASSERT_TRUE(config.read(key, out).ok()) << key;
    EXPECT_EQ(out, value) << key;
  }
}

TEST(ConfigMapRead, BadBooleanNamesLineAndKey) {
  const ConfigMap config = must_parse("a: 1\ntls: maybe\n", "client.yaml");
  bool tls = true;
  const Status status = config.read("tls", tls);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Errc::config);
  EXPECT_TRUE(contains(status.error().message(), "client.yaml:2")) << status.error().message();
  EXPECT_TRUE(contains(status.error().message(), "key 'tls'")) << status.error().message();
  EXPECT_TRUE(tls);
}

TEST(ConfigMapRead, IntegersAreStrict) {
  const ConfigMap config =
      must_parse("neg: -1\nover: 18446744073709551616\nfrac: 1.5\nhex: 0x10\nunit: 10MB\n", "n.yaml");
  int line = 1;
  for (const std::string_view key : {"neg", "over", "frac", "hex", "unit"}) {
    std::uint64_t out = 7;
    const Status status = config.read(key, out);
    ASSERT_FALSE(status.ok()) << key;
    EXPECT_TRUE(contains(status.error().message(), "n.yaml:" + std::to_string(line))) << status.error().message();
    EXPECT_TRUE(contains(status.error().message(), "key '" + std::string(key) + "'")) << status.error().message();
    EXPECT_EQ(out, 7u) << key;
    ++line;
  }
}

TEST(ConfigMapRead, AbsentKeysLeaveTheOutputUnchanged) {
  const ConfigMap config = must_parse("present: 1\n");
  std::string text = "default";
  std::uint64_t number = 1000;
  bool flag = true;
  bool other_flag = false;
  EXPECT_TRUE(config.read("missing", text).ok());
  EXPECT_TRUE(config.read("missing", number).ok());
  EXPECT_TRUE(config.read("missing", flag).ok());
  EXPECT_TRUE(config.read("missing", other_flag).ok());
  EXPECT_EQ(text, "default");
  EXPECT_EQ(number, 1000u);
  EXPECT_TRUE(flag);
  EXPECT_FALSE(other_flag);
  EXPECT_FALSE(config.has("missing"));
  EXPECT_TRUE(config.has("present"));
}

TEST(ConfigMapRead, AskingForAbsentKeysDoesNotAddThem) {
  const ConfigMap config = must_parse("present: 1\n");
  std::string text;
  (void)config.read("ghost", text);
  (void)config.has("ghost");
  (void)config.error_at("ghost", "x");
  EXPECT_FALSE(config.has("ghost"));
  EXPECT_TRUE(config.reject_unknown_keys({"present"}).ok());
}

TEST(ConfigMapRead, NonScalarValueIsAnErrorNamingTheKey) {
  const ConfigMap config = must_parse("root:\n  nested: 1\nlist: [1, 2]\n", "shape.yaml");
  std::string out = "unchanged";
  const Status status = config.read("root", out);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.error().message(), "key 'root'")) << status.error().message();
  std::uint64_t n = 3;
  const Status list_status = config.read("list", n);
  ASSERT_FALSE(list_status.ok());
  EXPECT_TRUE(contains(list_status.error().message(), "shape.yaml:3")) << list_status.error().message();
  EXPECT_EQ(out, "unchanged");
  EXPECT_EQ(n, 3u);
}

TEST(ConfigMapRead, RequireNamesTheMissingKey) {
  const ConfigMap config = must_parse("root: /srv\n", "server.yaml");
  EXPECT_TRUE(config.require("root").ok());
  const Status status = config.require("listen");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), Errc::config);
  EXPECT_TRUE(contains(status.error().message(), "server.yaml")) << status.error().message();
  EXPECT_TRUE(contains(status.error().message(), "key 'listen'")) << status.error().message();
}

TEST(ConfigMapRead, ErrorAtPointsAtTheKeysLine) {
  const ConfigMap config = must_parse("a: 1\nb: 2\nlisten: nowhere\n", "e.yaml");
  const Error error = config.error_at("listen", "expected HOST:PORT");
  EXPECT_EQ(error.code(), Errc::config);
  EXPECT_EQ(error.message(), "e.yaml:3: key 'listen': expected HOST:PORT");
}

TEST(ConfigMapRead, CopiesReadTheSameValues) {
  const ConfigMap original = must_parse("port: 42\n", "copy.yaml");
  const ConfigMap copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
  ConfigMap assigned = must_parse("other: 1\n");
  assigned = original;
  for (const ConfigMap* config : std::vector<const ConfigMap*>{&copy, &assigned}) {
    std::uint64_t port = 0;
    ASSERT_TRUE(config->read("port", port).ok());
    EXPECT_EQ(port, 42u);
    EXPECT_EQ(config->source(), "copy.yaml");
  }
}

// ---------------------------------------------------------------------------------------------
// Lists of mappings, such as `servers:`

constexpr std::string_view kServers =
    "user: alice\n"                     // 1
    "servers:\n"                        // 2
    "  - name: dfs1\n"                  // 3
    "    address: 127.0.0.1:10001\n"    // 4
    "  - name: dfs2\n"                  // 5
    "    address: 127.0.0.1:10002\n"    // 6
    "    weight: heavy\n"               // 7
    "  - name: dfs3\n"                  // 8
    "    adress: 127.0.0.1:10003\n";    // 9

TEST(ConfigMapList, ReadsEachEntryAsAMapping) {
  const ConfigMap config = must_parse(kServers, "dfc.yaml");
  auto servers = config.read_list("servers");
  ASSERT_TRUE(servers.ok()) << servers.error().message();
  ASSERT_EQ(servers->size(), 3u);
  const std::vector<std::string> names = {"dfs1", "dfs2", "dfs3"};
  for (std::size_t i = 0; i < 3; ++i) {
    std::string name;
    ASSERT_TRUE((*servers)[i].read("name", name).ok());
    EXPECT_EQ(name, names[i]);
  }
  std::string address;
  ASSERT_TRUE((*servers)[1].read("address", address).ok());
  EXPECT_EQ(address, "127.0.0.1:10002");
}

TEST(ConfigMapList, EntriesKnowTheirLineAndFile) {
  const ConfigMap config = must_parse(kServers, "dfc.yaml");
  auto servers = config.read_list("servers");
  ASSERT_TRUE(servers.ok()) << servers.error().message();
  ASSERT_EQ(servers->size(), 3u);
  EXPECT_EQ((*servers)[0].location(), "dfc.yaml:3");
  EXPECT_EQ((*servers)[1].location(), "dfc.yaml:5");
  EXPECT_EQ((*servers)[2].source(), "dfc.yaml");

  std::uint64_t weight = 1;
  const Status status = (*servers)[1].read("weight", weight);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(contains(status.error().message(), "dfc.yaml:7")) << status.error().message();
  EXPECT_TRUE(contains(status.error().message(), "key 'weight'")) << status.error().message();

  const Status unknown = (*servers)[2].reject_unknown_keys({"name", "address"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(contains(unknown.error().message(), "dfc.yaml:9")) << unknown.error().message();
  EXPECT_TRUE(contains(unknown.error().message(), "adress")) << unknown.error().message();
}

TEST(ConfigMapList, AbsentListIsEmpty) {
  const ConfigMap config = must_parse("user: alice\n");
  auto servers = config.read_list("servers");
  ASSERT_TRUE(servers.ok()) << servers.error().message();
  EXPECT_TRUE(servers->empty());
}

TEST(ConfigMapList, NonListValueIsAnErrorNamingTheKey) {
  const ConfigMap config = must_parse("user: alice\nservers: dfs1\n", "l.yaml");
  auto servers = config.read_list("servers");
  ASSERT_FALSE(servers.ok());
  EXPECT_EQ(servers.error().code(), Errc::config);
  EXPECT_TRUE(contains(servers.error().message(), "l.yaml:2")) << servers.error().message();
  EXPECT_TRUE(contains(servers.error().message(), "key 'servers'")) << servers.error().message();
}

TEST(ConfigMapList, ScalarEntryIsAnErrorNamingItsLine) {
  const ConfigMap config = must_parse("servers:\n  - name: dfs1\n  - dfs2\n", "s.yaml");
  auto servers = config.read_list("servers");
  ASSERT_FALSE(servers.ok());
  EXPECT_EQ(servers.error().code(), Errc::config);
  EXPECT_TRUE(contains(servers.error().message(), "s.yaml:3")) << servers.error().message();
  EXPECT_TRUE(contains(servers.error().message(), "key 'servers'")) << servers.error().message();
}

}  // namespace
}  // namespace dfs
