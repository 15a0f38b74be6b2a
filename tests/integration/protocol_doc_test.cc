// Runs every example of docs/protocol.md as written: each "$ command" line of a ```console block
// runs in bash with DFS set to a real server, and its output must equal the lines that follow.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "server/users_file.h"
#include "tests/support/shell.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

using namespace dfs::testing;

struct Example {
  std::string command;
  std::string expected;
  int line = 0;
};

std::vector<Example> examples_in(const std::string& markdown) {
  std::vector<Example> out;
  std::istringstream in(markdown);
  std::string line;
  bool in_console = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line == "```console") {
      in_console = true;
    } else if (line.starts_with("```")) {
      in_console = false;
    } else if (in_console && line.starts_with("$ ")) {
      out.push_back({line.substr(2), "", number});
    } else if (in_console && !out.empty()) {
      out.back().expected += line + "\n";
    }
  }
  return out;
}

TEST(ProtocolDoc, EveryCurlExampleRunsAsWrittenAndPrintsWhatTheDocSays) {
  std::ifstream doc(std::string(DFS_SOURCE_DIR) + "/docs/protocol.md");
  ASSERT_TRUE(doc) << "docs/protocol.md is missing";
  std::stringstream text;
  text << doc.rdbuf();
  const auto examples = examples_in(text.str());
  ASSERT_GE(examples.size(), 15u) << "the doc lost its examples";

  TestCluster cluster({.servers = 1});
  ASSERT_TRUE(server::UsersFile::set_password(cluster.users_file(), "demo", "demo-password", 10'000).ok());
  for (const auto& example : examples) {
    auto result = run_shell("export DFS=" + cluster.url(0) + "; " + example.command, 30);
    // A body without a final newline (a part's raw bytes) is shown in the doc as a whole line.
    if (!result.output.empty() && result.output.back() != '\n') result.output += '\n';
    EXPECT_EQ(result.output, example.expected) << "docs/protocol.md:" << example.line << ": " << example.command;
  }
}

}  // namespace
}  // namespace dfs
