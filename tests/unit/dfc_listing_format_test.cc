// How dfc shows entries (ls, ls -l, the menu's LIST) and the `info` table, pinned as text.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <optional>
#include <string>

#include "menu/info_format.h"
#include "menu/listing_format.h"

namespace dfs::menu {
namespace {

using client::EntryInfo;
using protocol::EntryKind;

EntryInfo entry(std::string name, EntryKind kind, std::uint64_t size, std::uint32_t mode, std::int64_t mtime_ns = 0) {
  EntryInfo e;
  e.name = std::move(name);
  e.attributes.kind = kind;
  e.attributes.size = size;
  e.attributes.mode = mode;
  e.attributes.mtime_ns = mtime_ns;
  return e;
}

// Times print in the local zone; pin it to UTC for the test and put it back afterwards.
class DfcListingFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* tz = ::getenv("TZ")) saved_tz_ = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_tz_) {
      ::setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> saved_tz_;
};

TEST_F(DfcListingFormat, DirectoriesEndInASlash) {
  EXPECT_EQ(entry_name(entry("docs", EntryKind::dir, 0, 0755)), "docs/");
  EXPECT_EQ(entry_name(entry("a.txt", EntryKind::file, 3, 0644)), "a.txt");
}

TEST_F(DfcListingFormat, AnIncompleteEntryNamesItsMissingParts) {
  auto e = entry("big.iso", EntryKind::file, 10, 0644);
  EXPECT_EQ(incomplete_suffix(e), "");
  e.missing_parts = {2};
  EXPECT_EQ(incomplete_suffix(e), " [incomplete] (missing part 2)");
  e.missing_parts = {2, 3};
  EXPECT_EQ(incomplete_suffix(e), " [incomplete] (missing parts 2, 3)");
  EXPECT_EQ(missing_parts_text(e), "missing parts 2, 3");
}

TEST_F(DfcListingFormat, ModesReadAsLsShowsThem) {
  EXPECT_EQ(mode_text(entry("f", EntryKind::file, 0, 0644).attributes), "-rw-r--r--");
  EXPECT_EQ(mode_text(entry("d", EntryKind::dir, 0, 0755).attributes), "drwxr-xr-x");
  EXPECT_EQ(mode_text(entry("l", EntryKind::symlink, 0, 0777).attributes), "lrwxrwxrwx");
  EXPECT_EQ(mode_text(entry("s", EntryKind::file, 0, 04755).attributes), "-rwsr-xr-x");
  EXPECT_EQ(mode_text(entry("g", EntryKind::file, 0, 02640).attributes), "-rw-r-S---");
  EXPECT_EQ(mode_text(entry("t", EntryKind::dir, 0, 01777).attributes), "drwxrwxrwt");
}

TEST_F(DfcListingFormat, ShortListingIsOneEntryALine) {
  auto broken = entry("big.iso", EntryKind::file, 10, 0644);
  broken.missing_parts = {4};
  EXPECT_EQ(format_short({entry("a.txt", EntryKind::file, 3, 0644), broken, entry("docs", EntryKind::dir, 0, 0755)}),
            "a.txt\nbig.iso [incomplete] (missing part 4)\ndocs/\n");
  EXPECT_EQ(format_short({}), "");
}

TEST_F(DfcListingFormat, LongListingAlignsSizesAndShowsLinkTargets) {
  const std::int64_t may_2024 = 1714566896LL * 1'000'000'000;  // 2024-05-01 12:34:56 UTC
  auto broken = entry("big.iso", EntryKind::file, 1048576, 0600, may_2024);
  broken.missing_parts = {1, 3};
  const std::string text = format_long(
      {entry("a.txt", EntryKind::file, 3, 0644, may_2024), broken, entry("docs", EntryKind::dir, 0, 0755, may_2024),
       entry("latest", EntryKind::symlink, 5, 0777, may_2024)},
      {{"latest", "a.txt"}});
  EXPECT_EQ(text,
            "-rw-r--r--        3  2024-05-01 12:34  a.txt\n"
            "-rw-------  1048576  2024-05-01 12:34  big.iso [incomplete] (missing parts 1, 3)\n"
            "drwxr-xr-x        0  2024-05-01 12:34  docs/\n"
            "lrwxrwxrwx        5  2024-05-01 12:34  latest -> a.txt\n");
}

TEST_F(DfcListingFormat, TimesBeforeTheEpochRoundDown) {
  EXPECT_EQ(mtime_text(-1), "1969-12-31 23:59");
  EXPECT_EQ(mtime_text(0), "1970-01-01 00:00");
}

TEST_F(DfcListingFormat, TreeLinesArePathsRelativeToTheListedDirectory) {
  auto broken = entry("b.bin", EntryKind::file, 1, 0644);
  broken.missing_parts = {2};
  EXPECT_EQ(format_tree_line("docs", entry("docs", EntryKind::dir, 0, 0755)), "docs/");
  EXPECT_EQ(format_tree_line("docs/b.bin", broken), "docs/b.bin [incomplete] (missing part 2)");
}

TEST(DfcInfoFormat, ShowsTheReadersVersionWhereEachPartIsAndEveryServersHoldings) {
  const VersionId v{0x018f2a3b4c5d0000ULL, 7};
  EntryInfo e;
  e.name = "a.txt";
  e.attributes.size = 1234;
  e.version = v;
  e.parts = 3;
  e.holders = {0b011, 0b110, 0b000};
  e.missing_parts = {3};
  client::PathInfo info;
  info.entry = e;
  info.servers = {
      {{"dfs1", "127.0.0.1", 10001}, std::nullopt, {{1, v, true, 412}, {2, v, false, 411}}},
      {{"dfs2", "127.0.0.1", 10002}, std::nullopt, {{2, v, true, 411}}},
      {{"dfs3", "127.0.0.1", 10003},
       Error(Errc::unavailable, "server dfs3 (127.0.0.1:10003) refused the connection"),
       {}},
      {{"dfs4", "127.0.0.1", 10004}, std::nullopt, {}},
  };
  EXPECT_EQ(format_path_info(*RemotePath::parse("/docs/a.txt"), info),
            "/docs/a.txt\n"
            "readers get: version 018f2a3b4c5d0000-00000007 (file, 1234 bytes), incomplete (missing part 3)\n"
            "  part 1 on dfs1, dfs2\n"
            "  part 2 on dfs2, dfs3\n"
            "  part 3 on no reachable server\n"
            "\n"
            "server                  part  version                    state      kind  bytes\n"
            "dfs1 (127.0.0.1:10001)  1     018f2a3b4c5d0000-00000007  committed  file    412\n"
            "                        2     018f2a3b4c5d0000-00000007  staged     file    411\n"
            "dfs2 (127.0.0.1:10002)  2     018f2a3b4c5d0000-00000007  committed  file    411\n"
            "dfs3 (127.0.0.1:10003)  -     did not answer: server dfs3 (127.0.0.1:10003) refused the connection\n"
            "dfs4 (127.0.0.1:10004)  -     holds nothing\n");
}

TEST(DfcInfoFormat, SaysSoWhenReadersGetNothing) {
  client::PathInfo info;
  info.servers = {{{"dfs1", "127.0.0.1", 10001}, std::nullopt, {{1, VersionId{5, 1}, false, 3}}}};
  const std::string text = format_path_info(*RemotePath::parse("/x"), info);
  EXPECT_NE(text.find("readers get: nothing (no committed version on any reachable server)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("staged"), std::string::npos) << text;
}

}  // namespace
}  // namespace dfs::menu
