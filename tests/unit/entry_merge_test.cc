// The reader's rules over what servers say they hold (DESIGN.md "Versions", rule 3): newest
// committed anywhere wins, staged versions are invisible, tombstones hide the entry, a missing
// part makes the entry incomplete and never falls back to older data.
#include "client-core/entry_merge.h"

#include <gtest/gtest.h>

#include <bit>

namespace dfs::client {
namespace {

constexpr int kParts = 4;

VersionId version(std::uint64_t t) { return VersionId{t, 7}; }

protocol::ListRecord record(const std::string& name, int part, std::uint64_t t, bool committed,
                            protocol::EntryKind kind = protocol::EntryKind::file, std::uint64_t size = 100) {
  protocol::ListRecord r;
  r.name = name;
  r.descriptor.part = part;
  r.descriptor.parts = kParts;
  r.descriptor.version = version(t);
  r.descriptor.attributes.kind = kind;
  r.descriptor.attributes.size = size;
  r.committed = committed;
  return r;
}

// Adds every part of version t to the two servers the x = 0 table names: part k on k and k-1.
void add_whole_version(EntryMerge& merge, const std::string& name, std::uint64_t t, bool committed,
                       protocol::EntryKind kind = protocol::EntryKind::file) {
  for (int k = 0; k < kParts; ++k) {
    merge.add(k, record(name, k + 1, t, committed, kind));
    merge.add((k + kParts - 1) % kParts, record(name, k + 1, t, committed, kind));
  }
}

TEST(EntryMerge, NewestCommittedVersionWins) {
  EntryMerge merge;
  add_whole_version(merge, "a", 10, true);
  add_whole_version(merge, "a", 20, true);
  const auto entry = merge.entry("a");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->version, version(20));
  EXPECT_TRUE(entry->complete());
  EXPECT_EQ(entry->holders[0], 0b1001u);  // part 1 on servers 0 and 3
}

TEST(EntryMerge, StagedVersionsAreInvisible) {
  EntryMerge merge;
  add_whole_version(merge, "a", 10, true);
  add_whole_version(merge, "a", 20, false);
  EXPECT_EQ(merge.entry("a")->version, version(10));
  EXPECT_EQ(merge.newest_seen(), version(20));  // but the clock must move past it
}

TEST(EntryMerge, OneCommitAnywhereMakesEveryCopyUsable) {
  EntryMerge merge;
  add_whole_version(merge, "a", 20, false);
  merge.add(2, record("a", 3, 20, true));  // only server 2 heard the commit
  const auto entry = merge.entry("a");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->version, version(20));
  EXPECT_TRUE(entry->complete());
  EXPECT_EQ(std::popcount(entry->holders[0]), 2);
}

TEST(EntryMerge, OnlyStagedMeansNoEntry) {
  EntryMerge merge;
  add_whole_version(merge, "a", 20, false);
  EXPECT_FALSE(merge.entry("a"));
  EXPECT_TRUE(merge.entries().empty());
}

TEST(EntryMerge, TombstoneHidesTheEntry) {
  EntryMerge merge;
  add_whole_version(merge, "a", 10, true);
  add_whole_version(merge, "a", 20, true, protocol::EntryKind::tombstone);
  EXPECT_FALSE(merge.entry("a"));
  EXPECT_TRUE(merge.entries().empty());
}

TEST(EntryMerge, AServerThatMissedTheDeleteDoesNotBringTheFileBack) {
  EntryMerge merge;
  // Server 3 was down during the delete and still has the old version committed.
  for (int k = 0; k < kParts; ++k) merge.add(3, record("a", k + 1, 10, true));
  merge.add(0, record("a", 1, 20, true, protocol::EntryKind::tombstone));
  EXPECT_FALSE(merge.entry("a"));
}

TEST(EntryMerge, AMissingPartMakesTheEntryIncompleteWithoutFallingBack) {
  EntryMerge merge;
  add_whole_version(merge, "a", 10, true);
  // Version 20 is committed but nobody reachable holds its part 3.
  for (const int k : {0, 1, 3}) merge.add(k, record("a", k + 1, 20, true));
  const auto entry = merge.entry("a");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->version, version(20));
  EXPECT_FALSE(entry->complete());
  EXPECT_EQ(entry->missing_parts, std::vector<int>{3});
  EXPECT_EQ(entry->missing_text(), "part 3 is on no reachable server");
}

TEST(EntryMerge, EmptyPartsNeedNoHolder) {
  EntryMerge merge;
  // A directory marker seen on one server only (its other holders down) is still whole...
  merge.add(2, record("d", 3, 10, true, protocol::EntryKind::dir, 0));
  ASSERT_TRUE(merge.entry("d"));
  EXPECT_TRUE(merge.entry("d")->complete());
  // ...and so is a 2-byte file whose two non-empty parts (1 and 2) are held.
  merge.add(0, record("f", 1, 10, true, protocol::EntryKind::file, 2));
  merge.add(1, record("f", 2, 10, true, protocol::EntryKind::file, 2));
  ASSERT_TRUE(merge.entry("f"));
  EXPECT_TRUE(merge.entry("f")->complete());
  // Losing part 2 of it is not.
  EntryMerge lost;
  lost.add(0, record("f", 1, 10, true, protocol::EntryKind::file, 2));
  lost.add(3, record("f", 3, 10, true, protocol::EntryKind::file, 2));
  EXPECT_EQ(lost.entry("f")->missing_parts, std::vector<int>{2});
}

TEST(EntryMerge, EntriesAreSortedByName) {
  EntryMerge merge;
  add_whole_version(merge, "b", 1, true);
  add_whole_version(merge, "a", 1, true);
  add_whole_version(merge, "c", 1, true, protocol::EntryKind::dir);
  const auto entries = merge.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "a");
  EXPECT_EQ(entries[1].name, "b");
  EXPECT_EQ(entries[2].name, "c");
  EXPECT_TRUE(entries[2].is_dir());
}

TEST(EntryMerge, RecordsThatDisagreeOnThePartCountAreIgnored) {
  EntryMerge merge;
  add_whole_version(merge, "a", 10, true);
  auto odd = record("a", 1, 10, true);
  odd.descriptor.parts = 3;
  merge.add(1, odd);
  const auto entry = merge.entry("a");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->parts, kParts);
  EXPECT_EQ(entry->holders[0], 0b1001u);
}

TEST(EntryMerge, RecordsOutsideThePlaceableRangeAreIgnored) {
  EntryMerge merge;
  merge.add(64, record("a", 1, 10, true));
  auto bad_part = record("a", 5, 10, true);
  merge.add(0, bad_part);
  EXPECT_FALSE(merge.entry("a"));
}

}  // namespace
}  // namespace dfs::client
