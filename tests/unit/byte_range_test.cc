// Pins server/byte_range.h: the single "bytes=" range a part GET accepts, clamped to the part,
// with range_not_satisfiable (416) for ranges outside the part and invalid_argument (400) for
// anything malformed or multi-range.
#include "server/byte_range.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace dfs::server {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

ByteRange parse_ok(std::string_view header, std::uint64_t size) {
  auto range = parse_byte_range(header, size);
  EXPECT_TRUE(range.ok()) << header << " against " << size << ": " << (range ? "" : range.error().message());
  return range ? *range : ByteRange{kMax, kMax};
}

TEST(ByteRange, FirstToLastIsInclusive) {
  EXPECT_EQ(parse_ok("bytes=0-4", 10), (ByteRange{0, 5}));
  EXPECT_EQ(parse_ok("bytes=3-3", 10), (ByteRange{3, 1}));
  EXPECT_EQ(parse_ok("bytes=0-9", 10), (ByteRange{0, 10}));
  EXPECT_EQ(parse_ok("bytes=9-9", 10), (ByteRange{9, 1}));
}

TEST(ByteRange, OpenEndedRangeRunsToTheEndOfThePart) {
  EXPECT_EQ(parse_ok("bytes=5-", 10), (ByteRange{5, 5}));
  EXPECT_EQ(parse_ok("bytes=0-", 10), (ByteRange{0, 10}));
  EXPECT_EQ(parse_ok("bytes=9-", 10), (ByteRange{9, 1}));
}

TEST(ByteRange, SuffixRangeTakesTheLastBytes) {
  EXPECT_EQ(parse_ok("bytes=-3", 10), (ByteRange{7, 3}));
  EXPECT_EQ(parse_ok("bytes=-1", 10), (ByteRange{9, 1}));
  EXPECT_EQ(parse_ok("bytes=-10", 10), (ByteRange{0, 10}));
}

TEST(ByteRange, SuffixLongerThanThePartIsTheWholePart) {
  EXPECT_EQ(parse_ok("bytes=-11", 10), (ByteRange{0, 10}));
  EXPECT_EQ(parse_ok("bytes=-18446744073709551615", 10), (ByteRange{0, 10}));
}

TEST(ByteRange, LastBeyondTheEndIsClampedToTheLastByte) {
  EXPECT_EQ(parse_ok("bytes=2-100", 10), (ByteRange{2, 8}));
  EXPECT_EQ(parse_ok("bytes=0-10", 10), (ByteRange{0, 10}));
  EXPECT_EQ(parse_ok("bytes=0-18446744073709551615", 10), (ByteRange{0, 10}));
}

TEST(ByteRange, HugePartsDoNotOverflow) {
  EXPECT_EQ(parse_ok("bytes=-5", kMax), (ByteRange{kMax - 5, 5}));
  EXPECT_EQ(parse_ok("bytes=18446744073709551613-", kMax), (ByteRange{kMax - 2, 2}));
  EXPECT_EQ(parse_ok("bytes=1-18446744073709551615", kMax), (ByteRange{1, kMax - 1}));
}

TEST(ByteRange, FirstAtOrPastTheEndIsNotSatisfiable) {
  for (const char* header : {"bytes=10-", "bytes=10-10", "bytes=10-20", "bytes=11-", "bytes=18446744073709551615-"}) {
    const auto range = parse_byte_range(header, 10);
    ASSERT_FALSE(range.ok()) << header;
    EXPECT_EQ(range.error().code(), Errc::range_not_satisfiable) << header;
  }
}

TEST(ByteRange, UnsatisfiableMessageNamesThePartSize) {
  const auto range = parse_byte_range("bytes=50-60", 10);
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message().find("10 bytes"), std::string::npos) << range.error().message();
}

TEST(ByteRange, ZeroLengthSuffixIsNotSatisfiable) {
  const auto range = parse_byte_range("bytes=-0", 10);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().code(), Errc::range_not_satisfiable);
}

TEST(ByteRange, EmptyPartSatisfiesNoRange) {
  for (const char* header : {"bytes=0-", "bytes=0-0", "bytes=0-100", "bytes=-1", "bytes=-100"}) {
    const auto range = parse_byte_range(header, 0);
    ASSERT_FALSE(range.ok()) << header;
    EXPECT_EQ(range.error().code(), Errc::range_not_satisfiable) << header;
  }
}

TEST(ByteRange, MalformedOrMultiRangeHeadersAreInvalidArguments) {
  for (const char* header : {
           "bytes=a-b",
           "items=0-1",
           "bytes=3-1",
           "bytes=0-1,3-4",
           "bytes=0-1, 3-4",
           "bytes=",
           "bytes=-",
           "bytes=0-99999999999999999999",   // last overflows 64 bits
           "bytes=99999999999999999999-",    // first overflows 64 bits
           "bytes=-99999999999999999999",    // suffix overflows 64 bits
           "bytes=18446744073709551616-",    // 2^64
           "",
           "bytes",
           "bytes=5",
           "bytes=+1-2",
           "bytes=1-+2",
           "bytes=0--1",
           "bytes= 0-1",
           "bytes=0-1 ",
           "bytes=0x1-2",
       }) {
    const auto range = parse_byte_range(header, 10);
    ASSERT_FALSE(range.ok()) << "'" << header << "' was accepted";
    EXPECT_EQ(range.error().code(), Errc::invalid_argument) << "'" << header << "'";
  }
}

TEST(ByteRange, MalformedMessageQuotesTheHeader) {
  const auto range = parse_byte_range("bytes=a-b", 10);
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message().find("'bytes=a-b'"), std::string::npos) << range.error().message();
}

}  // namespace
}  // namespace dfs::server
