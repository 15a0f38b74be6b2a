// The mount's attribute cache: entries live for the time to live, and a local change forgets
// exactly the path (or the tree) it touched.
#include "fuse/attribute_cache.h"

#include <gtest/gtest.h>

namespace dfs::fuse {
namespace {

using namespace std::chrono_literals;

client::EntryInfo entry_named(std::string name) {
  client::EntryInfo entry;
  entry.name = std::move(name);
  return entry;
}

TEST(AttributeCache, AnEntryLivesForTheTimeToLive) {
  AttributeCache cache(1000ms);
  const auto start = AttributeCache::Clock::now();
  cache.store("docs/a", entry_named("a"), start);
  ASSERT_TRUE(cache.find("docs/a", start + 999ms).has_value());
  EXPECT_EQ(cache.find("docs/a", start + 999ms)->name, "a");
  EXPECT_FALSE(cache.find("docs/a", start + 1000ms).has_value());
  EXPECT_FALSE(cache.find("docs/b", start).has_value());
}

TEST(AttributeCache, ForgetTreeDropsThePathAndEverythingBelowOnly) {
  AttributeCache cache(1000ms);
  for (const char* path : {"d", "d/a", "d/sub/b", "dx", "e"}) cache.store(path, entry_named(path));
  cache.forget_tree("d");
  EXPECT_FALSE(cache.find("d").has_value());
  EXPECT_FALSE(cache.find("d/a").has_value());
  EXPECT_FALSE(cache.find("d/sub/b").has_value());
  EXPECT_TRUE(cache.find("dx").has_value());
  EXPECT_TRUE(cache.find("e").has_value());
  cache.forget("e");
  EXPECT_FALSE(cache.find("e").has_value());
  cache.forget_tree("");  // the root: everything
  EXPECT_EQ(cache.size(), 0u);
}

TEST(AttributeCache, ExpiredEntriesAreSweptAsTheMapGrows) {
  AttributeCache cache(10ms);
  const auto start = AttributeCache::Clock::now();
  // The first sweep comes when a store meets 4096 entries.
  for (int i = 0; i < 4096; ++i) cache.store("old/" + std::to_string(i), entry_named("x"), start);
  EXPECT_EQ(cache.size(), 4096u);
  cache.store("new", entry_named("new"), start + 1s);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find("new", start + 1s).has_value());
}

TEST(AttributeCache, ANameMissingFromACompleteDirectoryIsKnownMissingForTheTimeToLive) {
  AttributeCache cache(1000ms);
  const auto start = AttributeCache::Clock::now();
  cache.store("d/a", entry_named("a"), start);
  EXPECT_FALSE(cache.known_missing("d/b", start)) << "not complete yet: unknown";
  cache.mark_complete("d", 1, start);
  EXPECT_TRUE(cache.known_missing("d/b", start + 999ms));
  EXPECT_FALSE(cache.known_missing("d/a", start + 999ms));
  EXPECT_FALSE(cache.known_missing("d/b", start + 1000ms)) << "expired: unknown again";
  EXPECT_FALSE(cache.known_missing("e/b", start)) << "another directory";
  EXPECT_FALSE(cache.known_missing("d/sub/x", start)) << "below a child: its own directory";
  cache.mark_complete("", 0, start);
  EXPECT_TRUE(cache.known_missing("top", start)) << "the root can be complete too";
}

TEST(AttributeCache, LocalChangesKeepACompleteDirectoryExactOrDropIt) {
  AttributeCache cache(1000ms);
  const auto start = AttributeCache::Clock::now();
  cache.store("d/a", entry_named("a"), start);
  cache.store("d/b", entry_named("b"), start);
  cache.mark_complete("d", 2, start);
  cache.store("d/new", entry_named("new"), start);  // made here
  EXPECT_FALSE(cache.known_missing("d/new", start));
  cache.forget_deleted("d/a");  // deleted here
  EXPECT_TRUE(cache.known_missing("d/a", start));
  EXPECT_FALSE(cache.known_missing("d/b", start));
  cache.forget("d/b");  // changed in a way not known: the directory is no longer complete
  EXPECT_FALSE(cache.known_missing("d/b", start));
  EXPECT_FALSE(cache.known_missing("d/zzz", start));
  EXPECT_TRUE(cache.was_complete("d", 2)) << "it was complete, so listing it again is worth it";

  cache.mark_complete("t/sub", 0, start);
  cache.mark_complete("t", 1, start);
  cache.forget_tree("t/sub");  // renamed or removed: below it and its parent are unknown
  EXPECT_FALSE(cache.known_missing("t/sub/x", start));
  EXPECT_FALSE(cache.known_missing("t/y", start));
}

TEST(AttributeCache, OnlySmallDirectoriesAreWorthListingAgain) {
  AttributeCache cache(10ms);
  const auto start = AttributeCache::Clock::now();
  cache.mark_complete("small", 10, start);
  cache.mark_complete("big", 50'000, start);
  EXPECT_TRUE(cache.was_complete("small", 4096));
  EXPECT_FALSE(cache.was_complete("big", 4096));
  EXPECT_FALSE(cache.was_complete("never", 4096));
}

}  // namespace
}  // namespace dfs::fuse
