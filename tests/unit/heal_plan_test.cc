// Heal's decisions for one entry (client-core/heal_plan.h): which copies it makes, which
// commits it finishes, and which versions it may drop — above all, which it must not.
#include "client-core/heal_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/placement.h"

namespace dfs::client {
namespace {

constexpr int kServers = 4;
constexpr std::uint64_t kEveryone = 0b1111;
constexpr std::int64_t kHour = 3'600'000'000'000;
constexpr std::int64_t kNow = 1'000 * kHour;

const RemotePath& file_path() {
  static const RemotePath path = *RemotePath::parse("/docs/report.txt");
  return path;
}

VersionId version(std::int64_t t) { return VersionId{static_cast<std::uint64_t>(t), 7}; }

HealPolicy policy() { return HealPolicy{kNow, std::chrono::hours(1), std::chrono::hours(24)}; }

ServerRecord record(int server, int part, std::int64_t t, bool committed,
                    protocol::EntryKind kind = protocol::EntryKind::file, std::uint64_t size = 400) {
  ServerRecord r;
  r.server = server;
  r.record.name = std::string(file_path().name());
  r.record.committed = committed;
  auto& d = r.record.descriptor;
  d.part = part;
  d.parts = kServers;
  d.version = version(t);
  d.attributes.kind = kind;
  d.attributes.size = size;
  d.part_size = part_size(size, kServers, part - 1);
  d.checksum = 0x1234 + static_cast<std::uint64_t>(part);
  return r;
}

// Every part of version t on both servers placement names, except on the servers in `skip`.
std::vector<ServerRecord> whole_version(std::int64_t t, bool committed, std::uint64_t skip = 0,
                                        protocol::EntryKind kind = protocol::EntryKind::file, std::uint64_t size = 400) {
  std::vector<ServerRecord> out;
  const PartPlacement placement(file_path(), kServers);
  for (int k = 0; k < kServers; ++k) {
    for (const int s : placement.servers_of_part(k)) {
      if (!(skip & (std::uint64_t{1} << s))) out.push_back(record(s, k + 1, t, committed, kind, size));
    }
  }
  return out;
}

std::vector<ServerRecord> joined(std::vector<ServerRecord> a, const std::vector<ServerRecord>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::size_t count(const EntryHeal& heal, HealStep step, int server = -1) {
  return static_cast<std::size_t>(std::count_if(heal.actions.begin(), heal.actions.end(), [&](const HealAction& a) {
    return a.step == step && (server < 0 || a.server == server);
  }));
}

TEST(HealPlan, AFullyReplicatedCommittedFileNeedsNothing) {
  const auto records = whole_version(kNow - kHour, true);
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.healthy());
  EXPECT_TRUE(heal.visible());
  EXPECT_TRUE(heal.actions.empty());
}

TEST(HealPlan, AnEmptyReplacedServerGetsBothItsPartsCopiedThenCommitted) {
  const auto records = whole_version(kNow - kHour, true, /*skip=*/0b0100);
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.under_replicated);
  EXPECT_FALSE(heal.incomplete);
  ASSERT_EQ(count(heal, HealStep::copy_part), 2u);
  EXPECT_EQ(count(heal, HealStep::copy_part, 2), 2u);
  EXPECT_EQ(count(heal, HealStep::commit, 2), 1u);
  EXPECT_EQ(heal.actions.size(), 3u);
  const auto parts = PartPlacement(file_path(), kServers).parts_on_server(2);
  for (const auto& a : heal.actions) {
    if (a.step != HealStep::copy_part) continue;
    EXPECT_TRUE(a.part.part == parts[0] + 1 || a.part.part == parts[1] + 1);
    EXPECT_EQ(a.part.checksum, 0x1234u + static_cast<std::uint64_t>(a.part.part)) << "the listed descriptor is copied";
    EXPECT_NE(a.sources & ~std::uint64_t{0b0100}, 0u);
  }
  EXPECT_EQ(heal.actions.back().step, HealStep::commit) << "commits come after every copy";
}

TEST(HealPlan, ACommitSeenOnOneServerIsRolledForwardOnTheOthers) {
  auto records = whole_version(kNow - kHour, false);
  for (auto& r : records) r.record.committed = r.server == 1;
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.pending);
  EXPECT_EQ(count(heal, HealStep::commit), 3u);
  EXPECT_EQ(count(heal, HealStep::commit, 1), 0u);
  EXPECT_EQ(count(heal, HealStep::copy_part), 0u);
}

TEST(HealPlan, AYoungStagedVersionIsPendingAndLeftAlone) {
  const auto records = joined(whole_version(kNow - 2 * kHour, true), whole_version(kNow - 60'000'000'000, false));
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.pending);
  EXPECT_EQ(*heal.target, version(kNow - 2 * kHour));
  EXPECT_TRUE(heal.actions.empty());
}

TEST(HealPlan, AnAbandonedStagedVersionIsDroppedOnlyWhenEveryServerAnswered) {
  const auto records = joined(whole_version(kNow - 3 * kHour, true), whole_version(kNow - 2 * kHour, false));
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_EQ(count(heal, HealStep::drop_staged), 4u);
  for (const auto& a : heal.actions) EXPECT_EQ(a.version, version(kNow - 2 * kHour));

  // Server 3 did not answer: it may hold that version's commit, so nothing is dropped.
  std::vector<ServerRecord> without_3;
  for (const auto& r : records) {
    if (r.server != 3) without_3.push_back(r);
  }
  const auto partial = plan_entry_heal(file_path(), kServers, 0b0111, without_3, policy());
  EXPECT_EQ(count(partial, HealStep::drop_staged), 0u);
  EXPECT_TRUE(partial.pending);
}

TEST(HealPlan, ANeverCommittedFileIsDroppedAfterTheGrace) {
  const auto records = whole_version(kNow - 2 * kHour, false);
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_FALSE(heal.target);
  EXPECT_FALSE(heal.visible());
  EXPECT_EQ(count(heal, HealStep::drop_staged), 4u);
  EXPECT_EQ(heal.actions.size(), 4u);
}

TEST(HealPlan, AServerThatMissedADeleteGetsTheTombstoneWhichSupersedesItsCopy) {
  // Server 0 was down during the delete: it still holds the old file version, committed.
  auto records = whole_version(kNow - 3 * kHour, true, /*skip=*/0b1110);
  records = joined(records, whole_version(kNow - 2 * kHour, true, /*skip=*/0b0001, protocol::EntryKind::tombstone, 0));
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_FALSE(heal.visible()) << "the delete wins";
  EXPECT_TRUE(heal.superseded);
  EXPECT_EQ(count(heal, HealStep::copy_part, 0), 2u);
  EXPECT_EQ(count(heal, HealStep::commit, 0), 1u);
  EXPECT_EQ(count(heal, HealStep::drop_tombstone), 0u) << "the tombstone is younger than the tombstone age";
}

TEST(HealPlan, AnOldTombstoneIsDroppedEverywhereAfterItSupersededEveryCopy) {
  auto records = whole_version(kNow - 30 * kHour, true, /*skip=*/0b1110);
  records = joined(records, whole_version(kNow - 25 * kHour, true, /*skip=*/0b0001, protocol::EntryKind::tombstone, 0));
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_EQ(count(heal, HealStep::drop_tombstone), 4u);
  // Server 0 first gets the tombstone and its commit (which removes its old copy), and only then
  // is the tombstone dropped: otherwise its old file would come back.
  std::size_t commit_at = 0, drop_at = 0;
  for (std::size_t i = 0; i < heal.actions.size(); ++i) {
    if (heal.actions[i].server != 0) continue;
    if (heal.actions[i].step == HealStep::commit) commit_at = i;
    if (heal.actions[i].step == HealStep::drop_tombstone) drop_at = i;
  }
  EXPECT_LT(commit_at, drop_at);

  std::vector<ServerRecord> without_2;
  for (const auto& r : records) {
    if (r.server != 2) without_2.push_back(r);
  }
  const auto partial = plan_entry_heal(file_path(), kServers, 0b1011, without_2, policy());
  EXPECT_EQ(count(partial, HealStep::drop_tombstone), 0u) << "a server that did not answer may hold an older copy";
}

TEST(HealPlan, AnOldTombstoneStaysWhileAServerWithOlderDataCannotBeGivenIt) {
  // The tombstone was cut into 2 parts (another server count): heal cannot place it on server 0,
  // which still holds the old file, so dropping it elsewhere would bring the file back.
  auto records = whole_version(kNow - 30 * kHour, true, /*skip=*/0b1110);
  for (int s = 1; s < 4; ++s) {
    auto r = record(s, 1, kNow - 25 * kHour, true, protocol::EntryKind::tombstone, 0);
    r.record.descriptor.parts = 2;
    records.push_back(r);
  }
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_FALSE(heal.visible());
  EXPECT_EQ(count(heal, HealStep::drop_tombstone), 0u);
}

TEST(HealPlan, AnOldTombstoneIsNotCopiedToServersThatHoldNothingOfIt) {
  const auto records = whole_version(kNow - 25 * kHour, true, /*skip=*/0b0001, protocol::EntryKind::tombstone, 0);
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_EQ(count(heal, HealStep::copy_part), 0u);
  EXPECT_EQ(count(heal, HealStep::drop_tombstone), 3u);
  EXPECT_EQ(count(heal, HealStep::drop_tombstone, 0), 0u);
}

TEST(HealPlan, APartNobodyHoldsMakesTheEntryIncompleteAndIsNotInvented) {
  auto records = whole_version(kNow - kHour, true);
  std::erase_if(records, [](const ServerRecord& r) { return r.record.descriptor.part == 3; });
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.incomplete);
  for (const auto& a : heal.actions) EXPECT_NE(a.part.part, 3);
}

TEST(HealPlan, EmptyPartsNobodyHoldsAreStoredFromTheVersionAlone) {
  // A 2-byte file: parts 3 and 4 are empty and readers never need them, but heal puts them back.
  auto records = whole_version(kNow - kHour, true, 0, protocol::EntryKind::file, 2);
  std::erase_if(records, [](const ServerRecord& r) { return r.record.descriptor.part == 4; });
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_FALSE(heal.incomplete);
  EXPECT_EQ(count(heal, HealStep::copy_part), 2u);
  for (const auto& a : heal.actions) {
    if (a.step != HealStep::copy_part) continue;
    EXPECT_EQ(a.part.part, 4);
    EXPECT_EQ(a.part.part_size, 0u);
    EXPECT_EQ(a.sources, 0u);
  }
}

TEST(HealPlan, NothingIsSentToAServerThatDidNotAnswer) {
  auto records = whole_version(kNow - kHour, true, /*skip=*/0b1000);
  const auto heal = plan_entry_heal(file_path(), kServers, 0b0111, records, policy());
  EXPECT_TRUE(heal.under_replicated) << "its copies are unknown, so redundancy is reduced";
  EXPECT_TRUE(heal.actions.empty());
}

TEST(HealPlan, DirectoryVersionsAreWalkedInto) {
  const auto records = whole_version(kNow - kHour, true, 0, protocol::EntryKind::dir, 0);
  const auto heal = plan_entry_heal(file_path(), kServers, kEveryone, records, policy());
  EXPECT_TRUE(heal.has_directory);
  EXPECT_TRUE(heal.healthy());
}

}  // namespace
}  // namespace dfs::client
