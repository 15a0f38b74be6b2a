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

}  // namespace
}  // namespace dfs::fuse
