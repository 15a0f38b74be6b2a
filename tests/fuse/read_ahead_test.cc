// ReadAhead: sequential reads are answered from one fetched window that grows up to its cap,
// reads elsewhere pass through unchanged, another version starts afresh, and every byte
// returned is the file's byte at that offset.
#include "fuse/read_ahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dfs::fuse {
namespace {

// A file whose byte at offset i is i % 251, with a count of fetches and of bytes fetched.
struct FakeFile {
  std::uint64_t size;
  // Atomic: the next window is fetched on another thread.
  std::atomic<int> fetches{0};
  std::atomic<std::uint64_t> fetched{0};
  ReadAhead::Fetch fetch() {
    return [this](std::uint64_t offset, std::span<char> into) -> Result<std::size_t> {
      ++fetches;
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(into.size(), size - offset));
      for (std::size_t i = 0; i < n; ++i) into[i] = static_cast<char>((offset + i) % 251);
      fetched += n;
      return n;
    };
  }
};

bool bytes_match(const std::vector<char>& got, std::uint64_t offset, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != static_cast<char>((offset + i) % 251)) return false;
  }
  return true;
}

const VersionId kV1{100, 1};
const VersionId kV2{200, 1};
constexpr std::size_t kStep = 128 << 10;  // the kernel's read size on a FUSE mount

TEST(ReadAhead, SequentialReadsFetchGrowingWindowsAndReturnTheRightBytes) {
  FakeFile file{64 << 20};
  ReadAhead ahead;
  std::vector<char> buffer(kStep);
  for (std::uint64_t offset = 0; offset < file.size; offset += kStep) {
    auto got = ahead.read(kV1, file.size, offset, buffer, file.fetch());
    ASSERT_TRUE(got);
    ASSERT_EQ(*got, kStep);
    ASSERT_TRUE(bytes_match(buffer, offset, kStep)) << "at " << offset;
  }
  EXPECT_EQ(file.fetched, file.size);  // nothing fetched twice
  // 1 + 2 + 4 MiB, then 8 MiB windows: 3 + 57/8 rounded up.
  EXPECT_EQ(file.fetches, 3 + 8);
  EXPECT_LE(ahead.held(), 2 * ReadAhead::kMaxWindow);
}

TEST(ReadAhead, TheNextWindowIsFetchedInTheBackground) {
  FakeFile file{32 << 20};
  std::mutex mutex;
  int fetched_elsewhere = 0;
  const auto caller = std::this_thread::get_id();
  auto plain = file.fetch();
  ReadAhead::Fetch fetch = [&](std::uint64_t offset, std::span<char> into) {
    {
      std::lock_guard lock(mutex);
      if (std::this_thread::get_id() != caller) ++fetched_elsewhere;
    }
    return plain(offset, into);
  };
  {
    ReadAhead ahead;
    std::vector<char> buffer(kStep);
    for (std::uint64_t offset = 0; offset < file.size; offset += kStep) {
      auto got = ahead.read(kV1, file.size, offset, buffer, fetch);
      ASSERT_TRUE(got);
      ASSERT_TRUE(bytes_match(buffer, offset, *got)) << "at " << offset;
    }
  }  // the destructor waits for a fetch still running
  std::lock_guard lock(mutex);
  EXPECT_GT(fetched_elsewhere, 0);
  EXPECT_EQ(file.fetched, file.size) << "nothing fetched twice, nothing past the end";
}

TEST(ReadAhead, AReadElsewhereIsPassedThroughAsAsked) {
  FakeFile file{64 << 20};
  ReadAhead ahead;
  std::vector<char> buffer(4096);
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, buffer, file.fetch()));  // sequential from 0: a window
  const auto before = file.fetched.load();
  auto got = ahead.read(kV1, file.size, 40 << 20, buffer, file.fetch());
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, 4096u);
  EXPECT_TRUE(bytes_match(buffer, 40 << 20, 4096));
  EXPECT_EQ(file.fetched - before, 4096u);
}

TEST(ReadAhead, TheEndOfTheFileShortensTheLastRead) {
  FakeFile file{(3 << 20) + 17};
  ReadAhead ahead;
  std::vector<char> buffer(1 << 20);
  std::uint64_t offset = 0;
  std::uint64_t total = 0;
  for (int i = 0; i < 10; ++i) {
    auto got = ahead.read(kV1, file.size, offset, buffer, file.fetch());
    ASSERT_TRUE(got);
    if (*got == 0) break;
    ASSERT_TRUE(bytes_match(buffer, offset, *got));
    offset += *got;
    total += *got;
  }
  EXPECT_EQ(total, file.size);
}

TEST(ReadAhead, AnotherVersionIsFetchedAfresh) {
  FakeFile file{8 << 20};
  ReadAhead ahead;
  std::vector<char> buffer(kStep);
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, buffer, file.fetch()));
  const int before = file.fetches.load();
  ASSERT_TRUE(ahead.read(kV2, file.size, kStep, buffer, file.fetch()));  // inside the old window
  EXPECT_EQ(file.fetches, before + 1);
}

TEST(ReadAhead, AFailedFetchIsReportedAndNotRemembered) {
  ReadAhead ahead;
  std::vector<char> buffer(kStep);
  auto failing = [](std::uint64_t, std::span<char>) -> Result<std::size_t> {
    return Error(Errc::unavailable, "no server answered");
  };
  auto got = ahead.read(kV1, 8 << 20, 0, buffer, failing);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), Errc::unavailable);
  EXPECT_EQ(ahead.held(), 0u);
  FakeFile file{8 << 20};
  auto again = ahead.read(kV1, file.size, 0, buffer, file.fetch());
  ASSERT_TRUE(again);
  EXPECT_TRUE(bytes_match(buffer, 0, kStep));
}

}  // namespace
}  // namespace dfs::fuse
