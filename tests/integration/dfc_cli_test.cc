// The one-shot commands of the real `dfc` binary against real servers: what scripts rely on
// (silent success, exit codes 0/1/2/3, exactly one "dfc: ..." line on stderr per failure) and
// what people read (ls, ls -l, info).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "tests/support/client_fixture.h"
#include "tests/support/dfc_process.h"
#include "tests/support/test_cluster.h"

namespace dfs {
namespace {

namespace fs = std::filesystem;
using namespace dfs::testing;

std::string random_text(std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(gen());
  return bytes;
}

// A cluster, a dfc.yaml for it and a working directory for dfc's local files.
class DfcCli : public ::testing::Test {
 protected:
  DfcCli() {
    fs::create_directories(work_);
    write_dfc_yaml(cluster_, cluster_.credentials(), config_);
  }

  DfcResult dfc(std::vector<std::string> args, std::string_view input = "") {
    args.insert(args.begin(), {"--config", config_.string()});
    return run_dfc(args, work_, input);
  }
  // Runs a command that must succeed silently on stdout.
  void quietly(const std::vector<std::string>& args) {
    const auto r = dfc(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
  }
  // Runs a command that must fail with `code` and exactly one "dfc: " line; returns that line.
  std::string fails(const std::vector<std::string>& args, int code) {
    const auto r = dfc(args);
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    const auto lines = r.err_lines();
    EXPECT_EQ(lines.size(), 1u) << r.err;
    if (lines.empty()) return "";
    EXPECT_EQ(lines[0].rfind("dfc: ", 0), 0u) << lines[0];
    return lines[0];
  }
  std::string ls(const std::vector<std::string>& args) {
    std::vector<std::string> full{"ls"};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = dfc(full);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TestCluster cluster_;
  fs::path work_ = cluster_.scratch() / "work";
  fs::path config_ = cluster_.scratch() / "dfc.yaml";
};

TEST_F(DfcCli, PutThenGetRoundTripsTheBytesAndPrintNothing) {
  const std::string data = random_text(3 * 1024 * 1024 + 7, 1);
  write_local_file(work_ / "big.bin", data);
  quietly({"put", "big.bin", "/docs/big.bin"});  // parents are made; no progress bar off a terminal
  quietly({"get", "/docs/big.bin", "copy.bin"});
  EXPECT_TRUE(read_local_file(work_ / "copy.bin") == data) << "the copy differs from the original";
}

TEST_F(DfcCli, PutGoesToTheRootOrIntoADirectoryUnderTheLocalName) {
  fs::create_directories(work_ / "src");
  write_local_file(work_ / "src" / "a.txt", "hello");
  quietly({"put", "src/a.txt"});
  quietly({"mkdir", "/d"});
  quietly({"put", "src/a.txt", "/d"});
  quietly({"put", "src/a.txt", "/new/sub/"});
  quietly({"put", "src/a.txt", "/d/renamed.txt"});
  EXPECT_EQ(ls({"/"}), "a.txt\nd/\nnew/\n");
  EXPECT_EQ(ls({"/d"}), "a.txt\nrenamed.txt\n");
  EXPECT_EQ(ls({"/new/sub"}), "a.txt\n");
}

TEST_F(DfcCli, GetWritesHereOrIntoALocalDirectoryUnderTheRemoteName) {
  write_local_file(work_ / "a.txt", "hello");
  quietly({"put", "a.txt", "/docs/b.txt"});
  quietly({"get", "/docs/b.txt"});
  EXPECT_EQ(read_local_file(work_ / "b.txt"), "hello");
  fs::create_directories(work_ / "out");
  quietly({"get", "docs/b.txt", "out"});
  EXPECT_EQ(read_local_file(work_ / "out" / "b.txt"), "hello");
}

TEST_F(DfcCli, GetOfAMissingFileExits3AndCreatesNoLocalFile) {
  const std::string line = fails({"get", "/nothing.txt"}, 3);
  EXPECT_NE(line.find("nothing.txt"), std::string::npos) << line;
  EXPECT_TRUE(fs::is_empty(work_)) << "get left something behind";
}

TEST_F(DfcCli, LsShowsDirectoriesWithASlashAndOneFileByItsPath) {
  write_local_file(work_ / "a.txt", "12345");
  quietly({"put", "a.txt"});
  quietly({"mkdir", "-p", "/d/e"});
  EXPECT_EQ(ls({}), "a.txt\nd/\n");
  EXPECT_EQ(ls({"/d"}), "e/\n");
  EXPECT_EQ(ls({"/a.txt"}), "/a.txt\n");
  const std::string line = fails({"ls", "/missing"}, 3);
  EXPECT_NE(line.find("missing"), std::string::npos) << line;
}

TEST_F(DfcCli, LsLongShowsModeSizeTimeAndName) {
  write_local_file(work_ / "a.txt", "12345");
  fs::permissions(work_ / "a.txt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  quietly({"put", "a.txt"});
  quietly({"mkdir", "/d"});
  const std::string text = ls({"-l", "/"});
  const std::regex expected(
      "-rw-r-----  5  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  a\\.txt\n"
      "drwxr-xr-x  \\d  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  d/\n");
  EXPECT_TRUE(std::regex_match(text, expected)) << text;
}

TEST_F(DfcCli, LsMarksFilesThatCannotBeRebuiltAndWarnsOncePerDownServer) {
  const std::string data = random_text(4000, 2);
  write_local_file(work_ / "a.txt", data);
  quietly({"put", "a.txt"});
  // Two neighbours in the placement ring share a part: with both down, that part is nowhere.
  cluster_.stop(0);
  cluster_.stop(1);
  const auto r = dfc({"ls", "/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("a\\.txt \\[incomplete\\] \\(missing parts? [0-9, ]+\\)\n"))) << r.out;
  const auto warnings = r.err_lines();
  ASSERT_EQ(warnings.size(), 2u) << r.err;
  EXPECT_NE(warnings[0].find("dfc: warning: "), std::string::npos) << warnings[0];
  EXPECT_NE(r.err.find("dfs1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dfs2"), std::string::npos) << r.err;

  fails({"get", "/a.txt"}, 3);  // onto the local a.txt, which must stay as it was
  EXPECT_TRUE(read_local_file(work_ / "a.txt") == data);
  EXPECT_EQ(std::distance(fs::directory_iterator(work_), fs::directory_iterator()), 1) << "no temp file left";
  const auto info = dfc({"info", "/a.txt"});
  EXPECT_EQ(info.exit_code, 3) << info.err;
  EXPECT_NE(info.out.find("incomplete (missing part"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("did not answer"), std::string::npos) << info.out;
  EXPECT_EQ(info.err_lines().size(), 1u) << info.err;
}

TEST_F(DfcCli, InfoShowsWhichServerHoldsWhichPart) {
  write_local_file(work_ / "a.txt", random_text(1000, 3));
  quietly({"put", "a.txt"});
  const auto r = dfc({"info", "/a.txt"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("readers get: version "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(file, 1000 bytes), complete"), std::string::npos) << r.out;
  for (int part = 1; part <= 4; ++part) {
    EXPECT_NE(r.out.find("part " + std::to_string(part) + " on dfs"), std::string::npos) << r.out;
  }
  for (const auto& server : cluster_.addresses()) {
    EXPECT_NE(r.out.find(server.display()), std::string::npos) << r.out;
  }
  // Every part on two servers, all committed: 8 rows.
  std::size_t committed = 0;
  for (auto at = r.out.find("committed"); at != std::string::npos; at = r.out.find("committed", at + 1)) ++committed;
  EXPECT_EQ(committed, 8u) << r.out;
  fails({"info", "/nothing"}, 3);
}

TEST_F(DfcCli, RmMvMkdirRmdirDoWhatTheySayAndFailWithOneLine) {
  write_local_file(work_ / "a.txt", "a");
  quietly({"put", "a.txt"});
  quietly({"put", "a.txt", "/c.txt"});
  quietly({"mv", "/a.txt", "/b.txt"});
  EXPECT_EQ(ls({}), "b.txt\nc.txt\n");

  fails({"mv", "-n", "/b.txt", "/c.txt"}, 1);
  EXPECT_EQ(ls({}), "b.txt\nc.txt\n");

  quietly({"mkdir", "/x"});
  quietly({"mv", "/b.txt", "/x"});  // into the directory, as mv does
  EXPECT_EQ(ls({"/x"}), "b.txt\n");
  fails({"rmdir", "/x"}, 1);  // not empty
  fails({"rm", "/x"}, 1);     // a directory
  quietly({"rm", "/x/b.txt"});
  quietly({"rmdir", "/x"});
  quietly({"rm", "/c.txt"});
  fails({"rm", "/c.txt"}, 3);
  EXPECT_EQ(ls({}), "");

  fails({"mkdir", "/p/q"}, 3);  // no parent without -p
  quietly({"mkdir", "-p", "/p/q"});
  quietly({"mkdir", "-p", "/p/q"});
  EXPECT_EQ(ls({"/p"}), "q/\n");
}

TEST_F(DfcCli, ABadRemotePathIsAUsageError) {
  for (const std::string bad : {"/../x", "a//b", "/.dfs/x", "a\\b"}) {
    const std::string line = fails({"get", bad}, 2);
    EXPECT_NE(line.find("bad path"), std::string::npos) << line;
  }
  fails({"ls", "/../x"}, 2);
  fails({"rm", "a//b"}, 2);
  EXPECT_TRUE(fs::is_empty(work_));
}

TEST_F(DfcCli, UsageErrorsExit2WithOneLine) {
  fails({"put"}, 2);
  fails({"frobnicate"}, 2);
  fails({"ls", "-z"}, 2);
  fails({"mv", "/a"}, 2);
}

TEST_F(DfcCli, EveryCommandHasHelp) {
  for (const std::string command : {"", "put", "get", "ls", "rm", "rmdir", "mv", "mkdir", "info"}) {
    std::vector<std::string> args;
    if (!command.empty()) args.push_back(command);
    args.push_back("--help");
    // No --config: help needs none.
    const auto r = run_dfc(args, work_);
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dfc " + command), std::string::npos) << r.out;
  }
}

TEST_F(DfcCli, TheClassicConfigFormatWorks) {
  const fs::path classic = cluster_.scratch() / "dfc.conf";
  write_dfc_conf(cluster_, cluster_.credentials(), classic);
  write_local_file(work_ / "a.txt", "classic");
  auto r = run_dfc({"--config", classic.string(), "put", "a.txt", "/b.txt"}, work_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_dfc({"--config", classic.string(), "get", "/b.txt"}, work_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_local_file(work_ / "b.txt"), "classic");
}

TEST_F(DfcCli, ABadConfigExits2AndNamesTheLine) {
  const fs::path bad = cluster_.scratch() / "bad.yaml";
  write_local_file(bad,
              "user: tester\n"
              "password: x\n"
              "min_copies: seven\n"
              "servers:\n"
              "  - name: dfs1\n"
              "    address: 127.0.0.1:10001\n"
              "  - name: dfs2\n"
              "    address: 127.0.0.1:10002\n");
  const auto r = run_dfc({"--config", bad.string(), "ls"}, work_);
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:3:"), std::string::npos) << r.err;

  const auto missing = run_dfc({"--config", (cluster_.scratch() / "none.yaml").string(), "ls"}, work_);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err_lines().size(), 1u) << missing.err;
  EXPECT_NE(missing.err.find("none.yaml"), std::string::npos) << missing.err;
}

TEST_F(DfcCli, AWrongPasswordExits1NamingTheUserAndTheServer) {
  const fs::path wrong = cluster_.scratch() / "wrong.yaml";
  write_dfc_yaml(cluster_, {cluster_.credentials().user, "not-the-password"}, wrong);
  const auto r = run_dfc({"--config", wrong.string(), "ls", "/"}, work_);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.err_lines().size(), 1u) << r.err;
  EXPECT_NE(r.err.find(cluster_.credentials().user), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dfs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dfs
