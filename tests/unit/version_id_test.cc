// Pins common/version_id.h: the fixed-width text form, its strict parser, the order of versions
// (time, then writer; text order equals numeric order) and the hybrid clock's guarantees.
#include "common/version_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dfs {
namespace {

constexpr std::uint64_t kMaxTime = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kMaxWriter = std::numeric_limits<std::uint32_t>::max();

std::uint64_t wall_clock_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::vector<VersionId> random_versions(int count, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<VersionId> out = {{0, 0}, {0, 1}, {1, 0}, {kMaxTime, kMaxWriter}, {kMaxTime, 0}, {0, kMaxWriter}};
  for (int i = 0; i < count; ++i) {
    // Mix full-range values with small ones so that pairs share long prefixes.
    const std::uint64_t t = i % 3 == 0 ? rng() : rng() % 64;
    const auto w = static_cast<std::uint32_t>(i % 2 == 0 ? rng() : rng() % 4);
    out.push_back({t, w});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text form

TEST(VersionIdText, FormatsAsSixteenHexDashEightHex) {
  EXPECT_EQ((VersionId{0x0123456789abcdefULL, 0xdeadbeefU}).to_string(), "0123456789abcdef-deadbeef");
  EXPECT_EQ((VersionId{0, 0}).to_string(), "0000000000000000-00000000");
  EXPECT_EQ((VersionId{1, 2}).to_string(), "0000000000000001-00000002");
  EXPECT_EQ((VersionId{kMaxTime, kMaxWriter}).to_string(), "ffffffffffffffff-ffffffff");
}

TEST(VersionIdText, HasFixedWidth25ForEveryValue) {
  for (const VersionId& v : random_versions(2000, 1)) {
    EXPECT_EQ(v.to_string().size(), kVersionTextSize);
  }
  EXPECT_EQ(kVersionTextSize, 25u);
}

TEST(VersionIdText, ParseInvertsFormat) {
  for (const VersionId& v : random_versions(2000, 2)) {
    const auto parsed = VersionId::parse(v.to_string());
    ASSERT_TRUE(parsed.ok()) << v.to_string() << ": " << parsed.error().message();
    EXPECT_EQ(*parsed, v);
  }
}

TEST(VersionIdText, ParseReadsKnownText) {
  const auto parsed = VersionId::parse("0123456789abcdef-deadbeef");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->time_ns, 0x0123456789abcdefULL);
  EXPECT_EQ(parsed->writer, 0xdeadbeefU);
  EXPECT_EQ(parsed->to_string(), "0123456789abcdef-deadbeef");
}

TEST(VersionIdText, RejectsUppercaseHex) {
  // One spelling per version: an uppercase copy would be a second file name for the same version.
  for (const std::string_view text : {"0123456789ABCDEF-deadbeef", "0123456789abcdef-DEADBEEF",
                                      "0123456789abcdeF-deadbeef", "A000000000000000-00000000"}) {
    const auto parsed = VersionId::parse(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code(), Errc::invalid_argument) << text;
    }
  }
}

TEST(VersionIdText, RejectsWrongLengths) {
  for (const std::string_view text : {"", "0", "-", "0123456789abcdef-deadbee", "0123456789abcdef-deadbeef0",
                                      "123456789abcdef-deadbeef", "00123456789abcdef-deadbeef",
                                      "0123456789abcdef-deadbeef\n", "0123456789abcdef-"}) {
    EXPECT_FALSE(VersionId::parse(text).ok()) << "'" << text << "'";
  }
}

TEST(VersionIdText, RejectsMissingOrMisplacedDash) {
  for (const std::string_view text : {"0123456789abcdef0deadbeef", "0123456789abcdef_deadbeef",
                                      "0123456789abcdef:deadbeef", "0123456789abcde-fdeadbeef",
                                      "0123456789abcdefd-eadbeef", "0123456789abcdef deadbeef"}) {
    EXPECT_FALSE(VersionId::parse(text).ok()) << text;
  }
}

TEST(VersionIdText, RejectsNonHexDigits) {
  for (const std::string_view text : {"0123456789abcdeg-deadbeef", "0123456789abcdef-deadbeeg",
                                      " 123456789abcdef-deadbeef", "0123456789abcdef-deadbee ",
                                      "-123456789abcdef-deadbeef", "+123456789abcdef-deadbeef",
                                      "0x23456789abcdef-deadbeef", "0123456789abcdef--eadbeef",
                                      "0123456789abcdef-+eadbeef", "zzzzzzzzzzzzzzzz-zzzzzzzz"}) {
    EXPECT_FALSE(VersionId::parse(text).ok()) << text;
  }
}

TEST(VersionIdText, RejectionMessageQuotesTheText) {
  const auto parsed = VersionId::parse("not-a-version");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message().find("not-a-version"), std::string::npos) << parsed.error().message();
}

// ---------------------------------------------------------------------------------------------
// Order

TEST(VersionIdOrder, OrdersByTimeFirst) {
  EXPECT_LT((VersionId{1, kMaxWriter}), (VersionId{2, 0}));
  EXPECT_GT((VersionId{kMaxTime, 0}), (VersionId{kMaxTime - 1, kMaxWriter}));
}

TEST(VersionIdOrder, OrdersByWriterWhenTimesAreEqual) {
  EXPECT_LT((VersionId{5, 1}), (VersionId{5, 2}));
  EXPECT_EQ((VersionId{5, 2}), (VersionId{5, 2}));
  EXPECT_NE((VersionId{5, 2}), (VersionId{5, 3}));
  EXPECT_NE((VersionId{5, 2}), (VersionId{6, 2}));
}

TEST(VersionIdOrder, TextOrderEqualsNumericOrder) {
  const auto versions = random_versions(400, 3);
  for (const VersionId& a : versions) {
    for (const VersionId& b : versions) {
      ASSERT_EQ(a < b, a.to_string() < b.to_string()) << a.to_string() << " vs " << b.to_string();
      ASSERT_EQ(a == b, a.to_string() == b.to_string()) << a.to_string() << " vs " << b.to_string();
    }
  }
}

TEST(VersionIdOrder, SortingTextsSortsVersions) {
  auto versions = random_versions(1000, 4);
  std::vector<std::string> texts;
  for (const auto& v : versions) texts.push_back(v.to_string());
  std::sort(versions.begin(), versions.end());
  std::sort(texts.begin(), texts.end());
  for (std::size_t i = 0; i < versions.size(); ++i) EXPECT_EQ(versions[i].to_string(), texts[i]);
}

// ---------------------------------------------------------------------------------------------
// HybridClock

TEST(HybridClock, NextIsStrictlyIncreasingOverManyCalls) {
  HybridClock clock(7);
  VersionId previous = clock.next();
  for (int i = 0; i < 200000; ++i) {
    const VersionId v = clock.next();
    ASSERT_GT(v, previous) << "call " << i;
    ASSERT_GT(v.time_ns, previous.time_ns) << "the time alone must increase for one writer; call " << i;
    previous = v;
  }
}

TEST(HybridClock, CarriesTheWriterId) {
  HybridClock clock(0xabcdef01U);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(clock.next().writer, 0xabcdef01U);
}

TEST(HybridClock, IsNeverBehindTheWallClock) {
  HybridClock clock(1);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t before = wall_clock_ns();
    EXPECT_GE(clock.next().time_ns, before);
  }
}

TEST(HybridClock, NextIsAfterAVersionObservedFarInTheFuture) {
  HybridClock clock(1);
  const std::uint64_t year_ns = 365ULL * 24 * 3600 * 1000000000ULL;
  const VersionId future{wall_clock_ns() + 50 * year_ns, 99};
  clock.observe(future);
  VersionId previous = future;
  for (int i = 0; i < 1000; ++i) {
    const VersionId v = clock.next();
    ASSERT_GT(v, previous) << "call " << i;
    previous = v;
  }
}

TEST(HybridClock, BeatsAnObservedVersionWithTheSameTimeAndAHigherWriter) {
  // A writer with a slow clock must still overwrite what it has seen, even from a writer with a
  // larger id at the same timestamp.
  HybridClock clock(1);
  const VersionId seen{wall_clock_ns() + 3600ULL * 1000000000ULL, kMaxWriter};
  clock.observe(seen);
  EXPECT_GT(clock.next(), seen);
}

TEST(HybridClock, ObservingAnOlderVersionDoesNotMoveTheClockBack) {
  HybridClock clock(3);
  const VersionId future{wall_clock_ns() + 3600ULL * 1000000000ULL, 0};
  clock.observe(future);
  const VersionId first = clock.next();
  clock.observe(VersionId{1, 0});
  clock.observe(VersionId{0, 0});
  EXPECT_GT(clock.next(), first);
}

TEST(HybridClock, ConcurrentCallersGetUniqueIncreasingVersions) {
  constexpr int kThreads = 6;
  constexpr int kCallsPerThread = 20000;
  HybridClock clock(42);
  // With the clock pushed ahead of the wall clock every call takes the "last + 1" path, where two
  // unsynchronised callers would read the same last value and hand out the same version.
  clock.observe(VersionId{wall_clock_ns() + 3600ULL * 1000000000ULL, 0});
  std::vector<std::vector<VersionId>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&clock, &seen, t] {
      auto& mine = seen[t];
      mine.reserve(kCallsPerThread);
      for (int i = 0; i < kCallsPerThread; ++i) {
        mine.push_back(clock.next());
        if (i % 1000 == 0) clock.observe(mine.back());  // observers race with next() too
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<VersionId> all;
  for (const auto& mine : seen) {
    for (std::size_t i = 1; i < mine.size(); ++i) ASSERT_GT(mine[i], mine[i - 1]);
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads) * kCallsPerThread);
}

}  // namespace
}  // namespace dfs
