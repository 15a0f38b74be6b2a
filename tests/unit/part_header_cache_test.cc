#include "server/part_header_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace dfs::server {
namespace {

protocol::PartDescriptor header_of_size(std::uint64_t size) {
  protocol::PartDescriptor d;
  d.part_size = size;
  return d;
}

TEST(PartHeaderCache, AHeaderIsFoundUnderItsKeyAndInodeOnly) {
  PartHeaderCache cache(8);
  cache.store("alice/.dfs/a/v.p1", 42, header_of_size(7));
  const auto found = cache.find("alice/.dfs/a/v.p1", 42);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->part_size, 7u);
  EXPECT_FALSE(cache.find("alice/.dfs/a/v.p1", 43).has_value()) << "another inode is another file";
  EXPECT_FALSE(cache.find("alice/.dfs/a/v.p2", 42).has_value());
}

TEST(PartHeaderCache, AForgottenKeyIsNotFound) {
  PartHeaderCache cache(8);
  cache.store("k", 1, header_of_size(1));
  cache.forget("k");
  EXPECT_FALSE(cache.find("k", 1).has_value());
  cache.store("k", 1, header_of_size(2));
  cache.store("k", 1, header_of_size(3));
  EXPECT_EQ(cache.find("k", 1)->part_size, 3u) << "a store replaces what the key held";
}

TEST(PartHeaderCache, AFullCacheStartsAgainAndNeverHoldsMoreThanItsCapacity) {
  PartHeaderCache cache(4);
  for (int i = 0; i < 4; ++i) cache.store("k" + std::to_string(i), 1, header_of_size(static_cast<std::uint64_t>(i)));
  EXPECT_EQ(cache.size(), 4u);
  cache.store("k1", 1, header_of_size(11));
  EXPECT_EQ(cache.size(), 4u) << "replacing a key is not growing";
  cache.store("k9", 1, header_of_size(9));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find("k9", 1).has_value());
  EXPECT_FALSE(cache.find("k0", 1).has_value());
  for (int i = 0; i < 100; ++i) {
    cache.store("n" + std::to_string(i), 1, header_of_size(1));
    EXPECT_LE(cache.size(), 4u);
  }
}

TEST(PartHeaderCache, ACacheOfNoCapacityHoldsNothing) {
  PartHeaderCache cache(0);
  cache.store("k", 1, header_of_size(1));
  EXPECT_FALSE(cache.find("k", 1).has_value());
}

}  // namespace
}  // namespace dfs::server
