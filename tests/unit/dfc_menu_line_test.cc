// The menu's command line ("PUT a.txt") and where put, get and mv send a file.
#include <gtest/gtest.h>

#include <fstream>

#include "menu/menu_loop.h"
#include "menu/remote_target.h"
#include "tests/unit/temp_dir.h"

namespace dfs::menu {
namespace {

TEST(DfcMenuLine, CommandsAreCaseInsensitiveAndTakeTheRestOfTheLineAsTheName) {
  auto r = parse_menu_line("put a.txt");
  EXPECT_EQ(r.verb, MenuVerb::put);
  EXPECT_EQ(r.argument, "a.txt");
  r = parse_menu_line("  Get   my file.txt \r");
  EXPECT_EQ(r.verb, MenuVerb::get);
  EXPECT_EQ(r.argument, "my file.txt");
  EXPECT_EQ(parse_menu_line("LiSt").verb, MenuVerb::list);
  EXPECT_EQ(parse_menu_line("exit").verb, MenuVerb::exit);
  EXPECT_EQ(parse_menu_line("PUT").argument, "");
}

TEST(DfcMenuLine, BlankAndUnknownLines) {
  EXPECT_EQ(parse_menu_line("").verb, MenuVerb::none);
  EXPECT_EQ(parse_menu_line(" \t ").verb, MenuVerb::none);
  const auto r = parse_menu_line("DELETE a.txt");
  EXPECT_EQ(r.verb, MenuVerb::unknown);
  EXPECT_EQ(r.word, "DELETE");
}

// A probe that answers from a fixed set of directories and counts its calls.
struct FakeDirectories {
  std::vector<std::string> dirs;
  int calls = 0;
  RemoteDirectoryProbe probe() {
    return [this](const RemotePath& p) -> Result<bool> {
      ++calls;
      return std::find(dirs.begin(), dirs.end(), p.display()) != dirs.end();
    };
  }
};

TEST(DfcDestination, PutGoesToTheRootUnderTheLocalName) {
  FakeDirectories fake;
  auto target = put_destination("some/dir/a.txt", std::nullopt, fake.probe());
  ASSERT_TRUE(target.ok()) << target.error().message();
  EXPECT_EQ(target->display(), "/a.txt");
  EXPECT_EQ(fake.calls, 0);
}

TEST(DfcDestination, PutIntoADirectoryKeepsTheName) {
  FakeDirectories fake{{"/docs"}};
  EXPECT_EQ(put_destination("a.txt", "/new/", fake.probe())->display(), "/new/a.txt");
  EXPECT_EQ(fake.calls, 0) << "a trailing '/' needs no lookup";
  EXPECT_EQ(put_destination("a.txt", "docs", fake.probe())->display(), "/docs/a.txt");
  EXPECT_EQ(put_destination("a.txt", "/docs/b.txt", fake.probe())->display(), "/docs/b.txt");
  EXPECT_EQ(put_destination("a.txt", "/", fake.probe())->display(), "/a.txt");
}

TEST(DfcDestination, PutRefusesBadPathsAndNamesThatAreNoFile) {
  FakeDirectories fake;
  EXPECT_EQ(put_destination("a.txt", "/../x", fake.probe()).error().code(), Errc::bad_path);
  EXPECT_EQ(put_destination("dir/", std::nullopt, fake.probe()).error().code(), Errc::invalid_argument);
  auto odd = put_destination("back\\slash", std::nullopt, fake.probe());
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code(), Errc::bad_path);
  EXPECT_NE(odd.error().message().find("local file 'back\\slash'"), std::string::npos) << odd.error().message();
}

TEST(DfcDestination, AFailedLookupIsPassedOn) {
  const RemoteDirectoryProbe down = [](const RemotePath&) -> Result<bool> {
    return Error(Errc::unavailable, "no server answered");
  };
  EXPECT_EQ(put_destination("a.txt", "/docs", down).error().code(), Errc::unavailable);
}

TEST(DfcDestination, GetWritesHereUnderTheRemoteName) {
  const auto remote = *RemotePath::parse("/docs/a.txt");
  EXPECT_EQ(*get_destination(remote, std::nullopt), std::filesystem::path("a.txt"));
  EXPECT_EQ(*get_destination(remote, "b.txt"), std::filesystem::path("b.txt"));
  EXPECT_EQ(*get_destination(remote, "out/"), std::filesystem::path("out/a.txt"));
  testing::TempDir dir;
  EXPECT_EQ(*get_destination(remote, dir.path().string()), dir.path() / "a.txt");
  EXPECT_EQ(get_destination(RemotePath(), std::nullopt).error().code(), Errc::is_directory);
}

TEST(DfcDestination, MvIntoADirectory) {
  FakeDirectories fake{{"/archive"}};
  EXPECT_EQ(destination_in("/archive", "a.txt", fake.probe())->display(), "/archive/a.txt");
  EXPECT_EQ(destination_in("/renamed.txt", "a.txt", fake.probe())->display(), "/renamed.txt");
}

}  // namespace
}  // namespace dfs::menu
