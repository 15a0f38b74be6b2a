// Nanoseconds since the epoch to and from timespec, including times before 1970.
#include "common/wall_time.h"

#include <gtest/gtest.h>

namespace dfs {
namespace {

TEST(WallTime, TimespecRoundTripsBothSidesOfTheEpoch) {
  for (const std::int64_t ns : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'700'000'000'123'456'789},
                                std::int64_t{-1}, std::int64_t{-1'500'000'000}}) {
    const timespec t = timespec_of(ns);
    EXPECT_GE(t.tv_nsec, 0) << ns;
    EXPECT_LT(t.tv_nsec, 1'000'000'000) << ns;
    EXPECT_EQ(ns_of(t), ns);
  }
  const timespec before = timespec_of(-1);
  EXPECT_EQ(before.tv_sec, -1);
  EXPECT_EQ(before.tv_nsec, 999'999'999);
}

TEST(WallTime, ClockIsPastTheYear2020) { EXPECT_GT(wall_clock_ns(), std::int64_t{1'577'836'800} * 1'000'000'000); }

}  // namespace
}  // namespace dfs
