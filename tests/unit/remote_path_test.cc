// Pins the path rules of common/remote_path.h: what normalises to what, what is rejected and
// why, and which odd but legal names must keep working.
#include "common/remote_path.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace dfs {
namespace {

RemotePath must_parse(std::string_view raw) {
  auto path = RemotePath::parse(raw);
  EXPECT_TRUE(path.ok()) << "'" << raw << "': " << (path.ok() ? "" : path.error().message());
  return path.ok() ? *path : RemotePath();
}

// A path of exactly `total` bytes made of valid 200-byte components (the last one shorter).
std::string long_valid_path(std::size_t total) {
  std::string out;
  char fill = 'a';
  while (out.size() < total) {
    if (!out.empty()) out += '/';
    out += std::string(std::min<std::size_t>(200, total - out.size()), fill);
    fill = fill == 'z' ? 'a' : static_cast<char>(fill + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

TEST(RemotePathNormalisation, DropsDotAndOneLeadingAndTrailingSlash) {
  EXPECT_EQ(must_parse("/a/./b/").str(), "a/b");
  EXPECT_EQ(must_parse("a/./././b").str(), "a/b");
  EXPECT_EQ(must_parse("./a").str(), "a");
  EXPECT_EQ(must_parse("a/.").str(), "a");
  EXPECT_EQ(must_parse("/docs/a.txt").str(), "docs/a.txt");
  EXPECT_EQ(must_parse("docs/a.txt/").str(), "docs/a.txt");
}

TEST(RemotePathNormalisation, DotDotRemovesThePreviousComponent) {
  EXPECT_EQ(must_parse("a/x/../b").str(), "a/b");
  EXPECT_EQ(must_parse("a/b/c/../../d").str(), "a/d");
  EXPECT_EQ(must_parse("/a/b/../").str(), "a");
  EXPECT_EQ(must_parse("a/./x/./../b").str(), "a/b");
}

TEST(RemotePathNormalisation, EmptySlashDotAndCancelledPathsAreTheRoot) {
  for (const std::string_view raw : {"", "/", ".", "./", "/./", "a/..", "/a/../", "a/b/../.."}) {
    const RemotePath path = must_parse(raw);
    EXPECT_TRUE(path.is_root()) << raw;
    EXPECT_EQ(path.str(), "") << raw;
    EXPECT_EQ(path, RemotePath()) << raw;
  }
}

TEST(RemotePathNormalisation, NonRootPathIsNotRoot) { EXPECT_FALSE(must_parse("a").is_root()); }

TEST(RemotePathNormalisation, SpellingsOfOnePathAreEqual) {
  const RemotePath expected = must_parse("a/b");
  for (const std::string_view raw : {"a/b", "/a/b", "a/b/", "/a/b/", "./a/b", "a/./b", "a/c/../b"}) {
    EXPECT_EQ(must_parse(raw), expected) << raw;
  }
}

TEST(RemotePathNormalisation, ParsingTheNormalisedFormIsIdempotent) {
  for (const std::string_view raw : {"/a/./b/", "x/y/../z", "my file.txt", "/d/e/f/", ""}) {
    const RemotePath once = must_parse(raw);
    EXPECT_EQ(must_parse(once.str()), once) << raw;
    EXPECT_EQ(must_parse(once.display()), once) << raw;
  }
}

// ---------------------------------------------------------------------------------------------
// Accessors

TEST(RemotePathAccessors, DisplayHasOneLeadingSlashAndRootIsSlash) {
  EXPECT_EQ(RemotePath().display(), "/");
  EXPECT_EQ(must_parse("/").display(), "/");
  EXPECT_EQ(must_parse("docs/a.txt").display(), "/docs/a.txt");
  EXPECT_EQ(must_parse("/docs/a.txt/").display(), "/docs/a.txt");
}

TEST(RemotePathAccessors, NameIsTheLastComponentAndEmptyForRoot) {
  EXPECT_EQ(must_parse("a/b/c.txt").name(), "c.txt");
  EXPECT_EQ(must_parse("a").name(), "a");
  EXPECT_EQ(RemotePath().name(), "");
}

TEST(RemotePathAccessors, ParentDropsTheLastComponentAndRootIsItsOwnParent) {
  EXPECT_EQ(must_parse("a/b/c").parent(), must_parse("a/b"));
  EXPECT_EQ(must_parse("a/b").parent(), must_parse("a"));
  EXPECT_TRUE(must_parse("a").parent().is_root());
  EXPECT_TRUE(RemotePath().parent().is_root());
}

TEST(RemotePathAccessors, ChildAppendsOneComponent) {
  EXPECT_EQ(RemotePath().child("a").str(), "a");
  EXPECT_EQ(must_parse("a").child("b").str(), "a/b");
  EXPECT_EQ(must_parse("a/b").child("my file.txt"), must_parse("a/b/my file.txt"));
  const RemotePath c = must_parse("x/y").child("z");
  EXPECT_EQ(c.parent(), must_parse("x/y"));
  EXPECT_EQ(c.name(), "z");
}

TEST(RemotePathAccessors, ComponentsListsEachNameInOrder) {
  const RemotePath deep = must_parse("/a/bb/ccc/");
  const RemotePath one = must_parse("one");
  const RemotePath root;
  EXPECT_EQ(deep.components(), (std::vector<std::string_view>{"a", "bb", "ccc"}));
  EXPECT_EQ(one.components(), (std::vector<std::string_view>{"one"}));
  EXPECT_TRUE(root.components().empty());
}

TEST(RemotePathAccessors, RebuildingFromComponentsGivesThePathBack) {
  const RemotePath path = must_parse("p/q r/s=t/u");
  RemotePath rebuilt;
  for (const auto c : path.components()) rebuilt = rebuilt.child(c);
  EXPECT_EQ(rebuilt, path);
}

TEST(RemotePathAccessors, OrderingFollowsTheNormalisedText) {
  EXPECT_LT(must_parse("a"), must_parse("a/b"));
  EXPECT_LT(must_parse("a/b"), must_parse("b"));
  EXPECT_LT(RemotePath(), must_parse("a"));
  EXPECT_NE(must_parse("a"), must_parse("b"));
}

// ---------------------------------------------------------------------------------------------
// Rejections: every entry must fail with Errc::bad_path and a message naming the reason.

struct BadPath {
  std::string raw;
  std::string reason;  // a substring the error message must contain
};

std::vector<BadPath> bad_path_corpus() {
  const std::string climbs = "climbs above the root";
  const std::string nul = "NUL";
  const std::string empty = "empty component";
  const std::string too_long_name = "255";
  const std::string too_long_path = "4096";
  const std::string backslash = "backslash";
  const std::string encoded = "percent-encoded";
  const std::string control = "control character";
  const std::string reserved = "reserved";
  return {
      // '..' that climbs above the root, in many spellings.
      {"..", climbs},
      {"/..", climbs},
      {"../", climbs},
      {"/../", climbs},
      {"./..", climbs},
      {"a/../..", climbs},
      {"../etc/passwd", climbs},
      {"/../etc/passwd", climbs},
      {"a/b/../../../x", climbs},
      {"a/b/../../..", climbs},
      {"/a/./../../b", climbs},
      {"a/../../../../../../etc/shadow", climbs},
      // NUL bytes anywhere, even in an otherwise harmless path.
      {std::string("\0", 1), nul},
      {std::string("a\0b", 3), nul},
      {std::string("a/b\0/../..", 10), nul},
      {std::string("file.txt\0.jpg", 13), nul},
      // Empty interior components.
      {"a//b", empty},
      {"a///b", empty},
      {"//a", empty},
      {"a//", empty},
      {"///", empty},
      // Names and paths that are too long.
      {std::string(256, 'x'), too_long_name},
      {"a/" + std::string(256, 'y') + "/b", too_long_name},
      {long_valid_path(kMaxPathBytes + 1), too_long_path},
      {std::string(kMaxPathBytes + 100, 'a'), too_long_path},
      // Backslashes (Windows separators and escapes).
      {"..\\..\\etc", backslash},
      {"a\\b", backslash},
      {"\\", backslash},
      {"a/b\\..\\..\\..\\c", backslash},
      // Percent-encoded sequences that survived the single decode.
      {"%2e%2e/x", encoded},
      {"%2E%2E%2Fetc", encoded},
      {"a/%2fb", encoded},
      {"%252e", encoded},
      {"a/%00", encoded},
      {"%5c", encoded},
      {"dir/%41BC", encoded},
      // Control characters.
      {"a\nb", control},
      {"a\tb", control},
      {"a\x7f", control},
      {"\x1b[31mred", control},
      {"a/\r", control},
      {"x\x01y", control},
      // The reserved version-folder name, anywhere.
      {".dfs", reserved},
      {"/.dfs/", reserved},
      {"a/.dfs", reserved},
      {"a/.dfs/b", reserved},
      {".dfs/../x", reserved},
  };
}

TEST(RemotePathRejection, CorpusHasAtLeastThirtyDistinctBadPaths) {
  std::set<std::string> distinct;
  for (const auto& bad : bad_path_corpus()) distinct.insert(bad.raw);
  EXPECT_GE(distinct.size(), 30u);
}

TEST(RemotePathRejection, EveryBadPathIsRejectedWithBadPathAndItsReason) {
  for (const auto& bad : bad_path_corpus()) {
    const auto path = RemotePath::parse(bad.raw);
    std::string shown = bad.raw.substr(0, 60);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    ASSERT_FALSE(path.ok()) << "accepted '" << shown << "' as '" << path->str() << "'";
    EXPECT_EQ(path.error().code(), Errc::bad_path) << shown;
    EXPECT_NE(path.error().message().find(bad.reason), std::string::npos)
        << "'" << shown << "' gave: " << path.error().message() << " (expected to mention '" << bad.reason
        << "')";
  }
}

TEST(RemotePathRejection, RejectsDotDotThatClimbsAboveRoot) {
  const auto path = RemotePath::parse("../etc/passwd");
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().code(), Errc::bad_path);
  EXPECT_NE(path.error().message().find("climbs above"), std::string::npos) << path.error().message();
}

TEST(RemotePathRejection, ErrorMessageIsOneLineEvenForControlCharacters) {
  for (const std::string& raw : {std::string("a\nb"), std::string("evil\r\nX-Injected: 1"),
                                std::string("x\0y", 3)}) {
    const auto path = RemotePath::parse(raw);
    ASSERT_FALSE(path.ok());
    const std::string& message = path.error().message();
    for (const char c : message) {
      EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << "raw control byte in: " << message;
    }
  }
}

TEST(RemotePathRejection, ErrorMessageQuotesTheOffendingPath) {
  const auto path = RemotePath::parse("docs/a\\b");
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.error().message().find("docs/a\\b"), std::string::npos) << path.error().message();
}

TEST(RemotePathCheckName, RejectsNamesThatAreNotSingleValidComponents) {
  for (const std::string& raw : {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
                                std::string("/"), std::string(".dfs"), std::string(256, 'n'),
                                std::string("a\\b"), std::string("%2e%2e"), std::string("a\nb"),
                                std::string("a\0b", 3)}) {
    const Status status = RemotePath::check_name(raw);
    EXPECT_FALSE(status.ok()) << "accepted name of " << raw.size() << " bytes";
    if (!status.ok()) {
      EXPECT_EQ(status.error().code(), Errc::bad_path);
    }
  }
}

TEST(RemotePathCheckName, AcceptsOddButValidNames) {
  for (const std::string& raw : {std::string("my file.txt"), std::string("a=b"), std::string("100%"),
                                std::string("naïve 日本語.txt"), std::string("..."), std::string(".hidden"),
                                std::string(".dfsx"), std::string(255, 'n')}) {
    const Status status = RemotePath::check_name(raw);
    EXPECT_TRUE(status.ok()) << raw << ": " << (status.ok() ? "" : status.error().message());
  }
}

// ---------------------------------------------------------------------------------------------
// Odd but valid paths must be accepted unchanged.

TEST(RemotePathAcceptance, AcceptsSpacesUtf8EqualsAndLonePercent) {
  const std::vector<std::string> odd = {
      "my file.txt",
      " leading and trailing space ",
      "dir with spaces/file with spaces.txt",
      "naïve/日本語/файл.txt",
      "emoji 😀.png",
      "a=b/c=d",
      "100%",
      "50%off",   // '%' followed by a non-hex digit
      "tail%2",   // '%' followed by only one character
      "%g1",
      "...",
      ".hidden/..a/a..b",
      ".dfsx/x.dfs/dfs",
      "a+b&c;d#e?f",
      "~user/-dash/_under",
      "\xc3\xa9\xe2\x82\xac",  // é€ as raw UTF-8
      "\x80\xff",              // high bytes are not control characters
  };
  for (const auto& raw : odd) {
    const auto path = RemotePath::parse(raw);
    ASSERT_TRUE(path.ok()) << raw << ": " << path.error().message();
    EXPECT_EQ(path->str(), raw);
  }
}

TEST(RemotePathAcceptance, AcceptsANameOfExactly255Bytes) {
  const std::string name(kMaxNameBytes, 'n');
  const auto path = RemotePath::parse("dir/" + name);
  ASSERT_TRUE(path.ok()) << path.error().message();
  EXPECT_EQ(path->name(), name);
}

TEST(RemotePathAcceptance, AcceptsAPathOfExactly4096Bytes) {
  const std::string raw = long_valid_path(kMaxPathBytes);
  ASSERT_EQ(raw.size(), kMaxPathBytes);
  ASSERT_NE(raw.back(), '/');
  const auto path = RemotePath::parse(raw);
  ASSERT_TRUE(path.ok()) << path.error().message();
  EXPECT_EQ(path->str(), raw);
}

TEST(RemotePathAcceptance, AcceptsA4096BytePathMadeOf255ByteNames) {
  // 15 names of 255 bytes with their slashes are 3840 bytes; the last 256 bytes are a 254-byte
  // name, a slash and a 1-byte name (one 256-byte name would break the name limit instead).
  std::string raw;
  for (int i = 0; i < 15; ++i) raw += std::string(kMaxNameBytes, static_cast<char>('a' + i)) + "/";
  raw += std::string(254, 'y') + "/z";
  ASSERT_EQ(raw.size(), kMaxPathBytes);
  const auto path = RemotePath::parse(raw);
  ASSERT_TRUE(path.ok()) << path.error().message();
  EXPECT_EQ(path->str(), raw);
  EXPECT_EQ(path->components().size(), 17u);
}

}  // namespace
}  // namespace dfs
