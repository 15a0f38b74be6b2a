// Pins common/checksum.h: xxh3() is XXH3-64 with the default seed, streaming equals one-shot for
// any chunking, and the 16-hex-digit text form is strict.
#include "common/checksum.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace dfs {
namespace {

std::vector<unsigned char> random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<unsigned char> out(size);
  for (auto& b : out) b = static_cast<unsigned char>(rng());
  return out;
}

// Lengths that cover each of XXH3's internal code paths (0, 1-3, 4-8, 9-16, 17-128, 129-240,
// long inputs, and the 256-byte stripe / 1 KiB block boundaries of the streaming state).
std::vector<std::size_t> interesting_lengths() {
  std::vector<std::size_t> out;
  for (std::size_t n = 0; n <= 300; ++n) out.push_back(n);
  for (const std::size_t n : {511u, 512u, 513u, 1023u, 1024u, 1025u, 4095u, 4096u, 4097u, 65536u,
                              256u * 1024u, 256u * 1024u + 1u, 1024u * 1024u + 3u}) {
    out.push_back(n);
  }
  return out;
}

TEST(Xxh3, EmptyInputHasTheKnownXxh3Value) {
  EXPECT_EQ(xxh3("", 0), 0x2D06800538D394C2ULL);
  EXPECT_EQ(xxh3(nullptr, 0), 0x2D06800538D394C2ULL);
  Xxh3Hasher hasher;
  EXPECT_EQ(hasher.digest(), 0x2D06800538D394C2ULL);
}

TEST(Xxh3, EqualsLibraryXxh3With64BitsAndDefaultSeedForEveryLength) {
  const auto data = random_bytes(1024 * 1024 + 3, 11);
  for (const std::size_t n : interesting_lengths()) {
    ASSERT_EQ(xxh3(data.data(), n), XXH3_64bits(data.data(), n)) << "length " << n;
  }
}

TEST(Xxh3, DiffersFromXxh64AndSeededXxh3) {
  // Guards against a silent switch of algorithm or seed, which would make old parts unreadable.
  const std::string text = "dfs part bytes";
  EXPECT_NE(xxh3(text.data(), text.size()), XXH64(text.data(), text.size(), 0));
  EXPECT_NE(xxh3(text.data(), text.size()), XXH3_64bits_withSeed(text.data(), text.size(), 1));
}

TEST(Xxh3, ChangesWhenOneBitFlips) {
  auto data = random_bytes(4096, 5);
  const std::uint64_t before = xxh3(data.data(), data.size());
  data[2000] ^= 0x10;
  EXPECT_NE(xxh3(data.data(), data.size()), before);
}

TEST(Xxh3Hasher, StreamingInRandomChunksEqualsOneShot) {
  const auto data = random_bytes(3 * 1024 * 1024 + 17, 21);
  std::mt19937 rng(99);
  for (int round = 0; round < 30; ++round) {
    // Alternate tiny chunks with large ones so that chunks straddle every internal boundary.
    const std::size_t total = round == 0 ? data.size() : rng() % data.size();
    const std::size_t max_chunk = round % 3 == 0 ? 7 : round % 3 == 1 ? 300 : 200000;
    Xxh3Hasher hasher;
    std::size_t at = 0;
    while (at < total) {
      const std::size_t chunk = std::min<std::size_t>(total - at, rng() % (max_chunk + 1));
      hasher.update(data.data() + at, chunk);
      at += chunk;
    }
    ASSERT_EQ(hasher.digest(), xxh3(data.data(), total)) << "round " << round << " total " << total;
  }
}

TEST(Xxh3Hasher, OnePieceEqualsManyPiecesForEveryLength) {
  const auto data = random_bytes(1024 * 1024 + 3, 31);
  for (const std::size_t n : interesting_lengths()) {
    Xxh3Hasher whole;
    whole.update(data.data(), n);
    Xxh3Hasher bytewise;
    if (n <= 4097) {
      for (std::size_t i = 0; i < n; ++i) bytewise.update(data.data() + i, 1);
    } else {
      for (std::size_t i = 0; i < n; i += 333) bytewise.update(data.data() + i, std::min<std::size_t>(333, n - i));
    }
    ASSERT_EQ(whole.digest(), bytewise.digest()) << "length " << n;
    ASSERT_EQ(whole.digest(), XXH3_64bits(data.data(), n)) << "length " << n;
  }
}

TEST(Xxh3Hasher, EmptyUpdatesChangeNothing) {
  const std::string text = "hello, parts";
  Xxh3Hasher hasher;
  hasher.update(text.data(), 0);
  hasher.update(text.data(), 5);
  hasher.update(nullptr, 0);
  hasher.update(text.data() + 5, text.size() - 5);
  hasher.update(text.data(), 0);
  EXPECT_EQ(hasher.digest(), xxh3(text.data(), text.size()));
}

TEST(Xxh3Hasher, DigestDoesNotEndTheStream) {
  const auto data = random_bytes(10000, 41);
  Xxh3Hasher hasher;
  hasher.update(data.data(), 4000);
  EXPECT_EQ(hasher.digest(), xxh3(data.data(), 4000));
  EXPECT_EQ(hasher.digest(), xxh3(data.data(), 4000));  // asking twice gives the same answer
  hasher.update(data.data() + 4000, data.size() - 4000);
  EXPECT_EQ(hasher.digest(), xxh3(data.data(), data.size()));
}

TEST(Xxh3Hasher, ResetStartsAFreshStream) {
  const auto junk = random_bytes(5000, 51);
  const std::string text = "after reset";
  Xxh3Hasher hasher;
  hasher.update(junk.data(), junk.size());
  hasher.reset();
  EXPECT_EQ(hasher.digest(), 0x2D06800538D394C2ULL);
  hasher.update(text.data(), text.size());
  EXPECT_EQ(hasher.digest(), xxh3(text.data(), text.size()));
}

TEST(Xxh3Hasher, MoveKeepsTheStreamState) {
  const auto data = random_bytes(3000, 61);
  Xxh3Hasher first;
  first.update(data.data(), 1000);
  Xxh3Hasher second(std::move(first));
  second.update(data.data() + 1000, 1000);
  Xxh3Hasher third;
  third = std::move(second);
  third.update(data.data() + 2000, 1000);
  EXPECT_EQ(third.digest(), xxh3(data.data(), data.size()));
}

// ---------------------------------------------------------------------------------------------
// Text form

TEST(ChecksumText, FormatsAsSixteenLowercaseHexDigits) {
  EXPECT_EQ(format_checksum(0), "0000000000000000");
  EXPECT_EQ(format_checksum(1), "0000000000000001");
  EXPECT_EQ(format_checksum(0x2D06800538D394C2ULL), "2d06800538d394c2");
  EXPECT_EQ(format_checksum(0xABCDEF0123456789ULL), "abcdef0123456789");
  EXPECT_EQ(format_checksum(~0ULL), "ffffffffffffffff");
  std::mt19937_64 rng(71);
  for (int i = 0; i < 1000; ++i) {
    const std::string text = format_checksum(rng() >> (i % 64));
    ASSERT_EQ(text.size(), 16u);
    for (const char c : text) ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << text;
  }
}

TEST(ChecksumText, ParseInvertsFormat) {
  std::mt19937_64 rng(81);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t sum = rng() >> (i % 64);
    const auto parsed = parse_checksum(format_checksum(sum));
    ASSERT_TRUE(parsed.has_value()) << format_checksum(sum);
    EXPECT_EQ(*parsed, sum);
  }
  EXPECT_EQ(parse_checksum("ffffffffffffffff"), std::optional<std::uint64_t>(~0ULL));
  EXPECT_EQ(parse_checksum("0000000000000000"), std::optional<std::uint64_t>(0));
}

TEST(ChecksumText, RejectsWrongLengths) {
  for (const std::string_view text : {"", "0", "2d06800538d394c", "2d06800538d394c20", "2d06800538d394c2 ",
                                      " 2d06800538d394c2", "00000000000000000000000000000000"}) {
    EXPECT_FALSE(parse_checksum(text).has_value()) << "'" << text << "'";
  }
}

TEST(ChecksumText, RejectsNonHexCharacters) {
  for (const std::string_view text : {"2d06800538d394cg", "0x06800538d394c2", "-d06800538d394c2",
                                      "+d06800538d394c2", "2d06800538d394c ", "2d068005 8d394c2",
                                      "zzzzzzzzzzzzzzzz", "2d06800538d394c\n"}) {
    EXPECT_FALSE(parse_checksum(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace dfs
