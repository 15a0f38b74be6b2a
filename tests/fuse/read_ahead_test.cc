// ReadAhead: sequential reads are answered from one fetched window that grows up to its cap,
// a read of one whole block gets the block itself, reads elsewhere pass through unchanged,
// another version starts afresh, and every byte returned is the file's byte at that offset.
#include "fuse/read_ahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace dfs::fuse {
namespace {

// A file whose byte at offset i is i % 251, with a count of fetches and of bytes fetched, and
// the buffers fetched into.
struct FakeFile {
  std::uint64_t size;
  // Atomic and locked: the next window is fetched on another thread.
  std::atomic<int> fetches{0};
  std::atomic<std::uint64_t> fetched{0};
  std::mutex mutex;
  std::set<const char*> buffers;
  ReadAhead::Fetch fetch() {
    return [this](std::uint64_t offset, std::span<const std::span<char>> into) -> Result<std::size_t> {
      ++fetches;
      std::size_t n = 0;
      for (const auto& buffer : into) {
        {
          std::lock_guard lock(mutex);
          buffers.insert(buffer.data());
        }
        for (std::size_t i = 0; i < buffer.size() && offset + n < size; ++i, ++n) {
          buffer[i] = static_cast<char>((offset + n) % 251);
        }
      }
      fetched += n;
      return n;
    };
  }
  bool fetched_into(const char* bytes) {
    std::lock_guard lock(mutex);
    return buffers.contains(bytes);
  }
};

bool bytes_match(const ReadBytes& got, std::uint64_t offset) {
  for (std::size_t i = 0; i < got.size; ++i) {
    if (got.bytes[i] != static_cast<char>((offset + i) % 251)) return false;
  }
  return true;
}

const VersionId kV1{100, 1};
const VersionId kV2{200, 1};
constexpr std::size_t kStep = 128 << 10;  // the kernel's read size on a FUSE mount

TEST(ReadAhead, SequentialReadsFetchGrowingWindowsAndReturnTheRightBytes) {
  FakeFile file{64 << 20};
  ReadAhead ahead;
  for (std::uint64_t offset = 0; offset < file.size; offset += kStep) {
    auto got = ahead.read(kV1, file.size, offset, kStep, file.fetch());
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size, kStep);
    ASSERT_TRUE(bytes_match(*got, offset)) << "at " << offset;
    EXPECT_FALSE(file.fetched_into(got->bytes.get())) << "a part of a block is a copy";
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
  ReadAhead::Fetch fetch = [&](std::uint64_t offset, std::span<const std::span<char>> into) {
    {
      std::lock_guard lock(mutex);
      if (std::this_thread::get_id() != caller) ++fetched_elsewhere;
    }
    return plain(offset, into);
  };
  {
    ReadAhead ahead;
    for (std::uint64_t offset = 0; offset < file.size; offset += kStep) {
      auto got = ahead.read(kV1, file.size, offset, kStep, fetch);
      ASSERT_TRUE(got);
      ASSERT_TRUE(bytes_match(*got, offset)) << "at " << offset;
    }
  }  // the destructor waits for a fetch still running
  std::lock_guard lock(mutex);
  EXPECT_GT(fetched_elsewhere, 0);
  EXPECT_EQ(file.fetched, file.size) << "nothing fetched twice, nothing past the end";
}

TEST(ReadAhead, AReadOfOneWholeBlockGetsTheBlockItselfAndAReadAgainFetchesItAgain) {
  FakeFile file{(20 << 20) + 5};
  ReadAhead ahead;
  constexpr std::size_t kBlock = ReadAhead::kBlockBytes;
  std::uint64_t offset = 0;
  for (; offset < file.size; offset += kBlock) {
    auto got = ahead.read(kV1, file.size, offset, kBlock, file.fetch());
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size, std::min<std::uint64_t>(kBlock, file.size - offset));
    ASSERT_TRUE(bytes_match(*got, offset)) << "at " << offset;
    EXPECT_TRUE(file.fetched_into(got->bytes.get())) << "the block fetched into, not a copy, at " << offset;
    EXPECT_LE(ahead.held(), 2 * ReadAhead::kMaxWindow);
  }
  EXPECT_EQ(file.fetched, file.size) << "each block fetched once";
  // The kernel forgot a block and asks for it again: fetched anew, same bytes.
  auto again = ahead.read(kV1, file.size, 18 * kBlock, kBlock, file.fetch());
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size, kBlock);
  EXPECT_TRUE(bytes_match(*again, 18 * kBlock));
}

TEST(ReadAhead, AReadAcrossTwoBlocksIsACopyOfBoth) {
  FakeFile file{8 << 20};
  ReadAhead ahead;
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, 4096, file.fetch()));  // a 1 MiB window, then 2 MiB
  auto got = ahead.read(kV1, file.size, ReadAhead::kBlockBytes - 100, 4096, file.fetch());
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size, 4096u);
  EXPECT_TRUE(bytes_match(*got, ReadAhead::kBlockBytes - 100));
  EXPECT_FALSE(file.fetched_into(got->bytes.get()));
}

TEST(ReadAhead, TheFirstWindowFetchesNoMoreUntilHalfOfItIsReadAndTheNextOnesAtOnce) {
  FakeFile file{64 << 20};
  ReadAhead ahead;
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, 4096, file.fetch()));  // a program reading the head
  EXPECT_EQ(file.fetches, 1);
  EXPECT_EQ(ahead.held(), ReadAhead::kMinWindow) << "no second window yet";
  // Reading on to half of the first window starts the second (2 MiB) in the background.
  ASSERT_TRUE(ahead.read(kV1, file.size, 4096, ReadAhead::kMinWindow / 2, file.fetch()));
  EXPECT_EQ(ahead.held(), ReadAhead::kMinWindow + 2 * ReadAhead::kMinWindow);
  // The first read inside the second window starts the third (4 MiB) at once.
  ASSERT_TRUE(ahead.read(kV1, file.size, ReadAhead::kMinWindow, 4096, file.fetch()));
  EXPECT_EQ(ahead.held(), 2 * ReadAhead::kMinWindow + 4 * ReadAhead::kMinWindow);
}

TEST(ReadAhead, AReadElsewhereIsPassedThroughAsAsked) {
  FakeFile file{64 << 20};
  ReadAhead ahead;
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, 4096, file.fetch()));  // sequential from 0: a window
  const auto before = file.fetched.load();
  auto got = ahead.read(kV1, file.size, 40 << 20, 4096, file.fetch());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->size, 4096u);
  EXPECT_TRUE(bytes_match(*got, 40 << 20));
  EXPECT_EQ(file.fetched - before, 4096u);
}

TEST(ReadAhead, TheEndOfTheFileShortensTheLastRead) {
  FakeFile file{(3 << 20) + 17};
  ReadAhead ahead;
  std::uint64_t offset = 0;
  std::uint64_t total = 0;
  for (int i = 0; i < 10; ++i) {
    auto got = ahead.read(kV1, file.size, offset, 1 << 20, file.fetch());
    ASSERT_TRUE(got);
    if (got->size == 0) break;
    ASSERT_TRUE(bytes_match(*got, offset));
    offset += got->size;
    total += got->size;
  }
  EXPECT_EQ(total, file.size);
}

TEST(ReadAhead, AnotherVersionIsFetchedAfresh) {
  FakeFile file{8 << 20};
  ReadAhead ahead;
  ASSERT_TRUE(ahead.read(kV1, file.size, 0, kStep, file.fetch()));
  const int before = file.fetches.load();
  ASSERT_TRUE(ahead.read(kV2, file.size, kStep, kStep, file.fetch()));  // inside the old window
  EXPECT_EQ(file.fetches, before + 1);
}

TEST(ReadAhead, AFailedFetchIsReportedAndNotRemembered) {
  ReadAhead ahead;
  auto failing = [](std::uint64_t, std::span<const std::span<char>>) -> Result<std::size_t> {
    return Error(Errc::unavailable, "no server answered");
  };
  auto got = ahead.read(kV1, 8 << 20, 0, kStep, failing);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), Errc::unavailable);
  EXPECT_EQ(ahead.held(), 0u);
  FakeFile file{8 << 20};
  auto again = ahead.read(kV1, file.size, 0, kStep, file.fetch());
  ASSERT_TRUE(again);
  EXPECT_TRUE(bytes_match(*again, 0));
}

}  // namespace
}  // namespace dfs::fuse
