#include "common/placement.h"

#include <gtest/gtest.h>

namespace dfs {
namespace {

TEST(PartPlacement, OffsetZeroIsTheSeedsFirstRow) {
  // Find a path with x = 0 and check (P1,P2) on DFS1, (P2,P3) on DFS2, (P3,P4) on DFS3, (P4,P1) on DFS4.
  for (int i = 0; i < 100; ++i) {
    auto path = RemotePath::parse("f" + std::to_string(i));
    ASSERT_TRUE(path.ok());
    PartPlacement p(*path, 4);
    if (p.offset() != 0) continue;
    EXPECT_EQ(p.parts_on_server(0), (std::array<int, 2>{0, 1}));
    EXPECT_EQ(p.parts_on_server(3), (std::array<int, 2>{3, 0}));
    return;
  }
  FAIL() << "no path with offset 0 among 100 names";
}

}  // namespace
}  // namespace dfs
