// Pins common/placement.h: the seed's four-row table for N = 4, the MD5 offset computed here
// independently of placement.cc, the two-copies invariant for N = 2..8, and the part split.
#include "common/placement.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace dfs {
namespace {

using Md5 = std::array<unsigned char, 16>;

RemotePath must_parse(std::string_view raw) {
  auto path = RemotePath::parse(raw);
  EXPECT_TRUE(path.ok()) << raw;
  return path.ok() ? *path : RemotePath();
}

// MD5 through OpenSSL's streaming interface, fed one byte at a time (placement.cc uses the
// one-shot EVP_Digest), so the two computations share as little as possible.
Md5 md5_bytewise(const std::string& text) {
  Md5 digest{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_NE(ctx, nullptr);
  EXPECT_EQ(EVP_DigestInit_ex(ctx, EVP_md5(), nullptr), 1);
  for (const char c : text) EXPECT_EQ(EVP_DigestUpdate(ctx, &c, 1), 1);
  unsigned int length = 0;
  EXPECT_EQ(EVP_DigestFinal_ex(ctx, digest.data(), &length), 1);
  EXPECT_EQ(length, 16u);
  EVP_MD_CTX_free(ctx);
  return digest;
}

std::string hex(const Md5& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

// The digest as a big-endian 128-bit number hi * 2^64 + lo, reduced mod n from its two halves:
// (hi mod n) * (2^64 mod n) + (lo mod n), all mod n.
int mod_by_halves(const Md5& digest, int n) {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | digest[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | digest[i];
  const auto m = static_cast<std::uint64_t>(n);
  const std::uint64_t two_to_64_mod_m = (std::numeric_limits<std::uint64_t>::max() % m + 1) % m;
  return static_cast<int>(((hi % m) * two_to_64_mod_m + lo % m) % m);
}

// Finds a path name whose offset for `n` servers is `x`, searching "f0", "f1", ...
RemotePath path_with_offset(int x, int n) {
  for (int i = 0; i < 10000; ++i) {
    RemotePath path = must_parse("dir/f" + std::to_string(i));
    if (placement_offset(path, n) == x) return path;
  }
  ADD_FAILURE() << "no path with offset " << x << " for " << n << " servers";
  return RemotePath();
}

std::vector<RemotePath> sample_paths(int count) {
  std::vector<RemotePath> out;
  out.push_back(RemotePath());
  for (int i = 0; i < count; ++i) out.push_back(must_parse("sample/file " + std::to_string(i) + ".bin"));
  out.push_back(must_parse("naïve/日本語.txt"));
  out.push_back(must_parse("a=b/100%"));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The seed's table for N = 4, written out 1-based exactly as the seed documents it.

struct SeedRow {
  int x;
  // servers[s] = the two parts (1-based) that DFS(s+1) stores.
  std::array<std::array<int, 2>, 4> servers;
};

void PrintTo(const SeedRow& row, std::ostream* out) {
  *out << "x=" << row.x << ":";
  for (int s = 0; s < 4; ++s) *out << " DFS" << s + 1 << "(P" << row.servers[s][0] << ",P" << row.servers[s][1] << ")";
}

const std::array<SeedRow, 4> kSeedTable = {{
    {0, {{{1, 2}, {2, 3}, {3, 4}, {4, 1}}}},
    {1, {{{4, 1}, {1, 2}, {2, 3}, {3, 4}}}},
    {2, {{{3, 4}, {4, 1}, {1, 2}, {2, 3}}}},
    {3, {{{2, 3}, {3, 4}, {4, 1}, {1, 2}}}},
}};

class SeedTable : public testing::TestWithParam<SeedRow> {};

TEST_P(SeedTable, EachServerHoldsTheSeedsPairOfParts) {
  const SeedRow& row = GetParam();
  const RemotePath path = path_with_offset(row.x, 4);
  const PartPlacement placement(path, 4);
  ASSERT_EQ(placement.offset(), row.x);
  ASSERT_EQ(placement.server_count(), 4);
  for (int server = 0; server < 4; ++server) {
    const std::array<int, 2> expected = {row.servers[server][0] - 1, row.servers[server][1] - 1};
    EXPECT_EQ(placement.parts_on_server(server), expected)
        << "x=" << row.x << " DFS" << server + 1 << " path '" << path.str() << "'";
  }
}

TEST_P(SeedTable, EachPartSitsFirstOnOneServerAndSecondOnTheOther) {
  const SeedRow& row = GetParam();
  const PartPlacement placement(path_with_offset(row.x, 4), 4);
  for (int server = 0; server < 4; ++server) {
    const int first_part = row.servers[server][0] - 1;
    const int second_part = row.servers[server][1] - 1;
    EXPECT_EQ(placement.servers_of_part(first_part)[0], server) << "x=" << row.x << " P" << first_part + 1;
    EXPECT_EQ(placement.servers_of_part(second_part)[1], server) << "x=" << row.x << " P" << second_part + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(AllFourOffsets, SeedTable, testing::ValuesIn(kSeedTable),
                         [](const testing::TestParamInfo<SeedRow>& info) {
                           return "x" + std::to_string(info.param.x);
                         });

TEST(PartPlacement, OffsetZeroPutsP1OnDfs1AndDfs4) {
  const PartPlacement placement(path_with_offset(0, 4), 4);
  EXPECT_EQ(placement.servers_of_part(0), (std::array<int, 2>{0, 3}));
  EXPECT_EQ(placement.servers_of_part(3), (std::array<int, 2>{3, 2}));
}

// ---------------------------------------------------------------------------------------------
// The offset: MD5(path.str()) as a big-endian 128-bit number, mod N.

TEST(PlacementOffset, TestMd5HelperMatchesKnownDigests) {
  EXPECT_EQ(hex(md5_bytewise("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex(md5_bytewise("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(PlacementOffset, MatchesValuesComputedOutsideDfs) {
  // Computed with Python: int.from_bytes(hashlib.md5(path).digest(), "big") % n for n = 2..8.
  const std::map<std::string, std::array<int, 7>> expected = {
      {"", {0, 0, 2, 1, 0, 1, 6}},
      {"abc", {0, 1, 2, 0, 4, 0, 2}},
      {"docs/a.txt", {0, 1, 2, 1, 4, 5, 2}},
  };
  for (const auto& [raw, by_n] : expected) {
    const RemotePath path = must_parse(raw);
    for (int n = 2; n <= 8; ++n) {
      EXPECT_EQ(placement_offset(path, n), by_n[n - 2]) << "'" << raw << "' n=" << n;
    }
  }
}

TEST(PlacementOffset, UsesTheNormalisedPathNotTheSpelling) {
  for (int n = 2; n <= 8; ++n) {
    EXPECT_EQ(placement_offset(must_parse("/docs/./x/../a.txt/"), n), placement_offset(must_parse("docs/a.txt"), n));
    EXPECT_EQ(placement_offset(must_parse("/docs/a.txt"), n), mod_by_halves(md5_bytewise("docs/a.txt"), n));
  }
}

TEST(PlacementOffset, EqualsMd5ReadBigEndianModNByHalves) {
  for (const RemotePath& path : sample_paths(300)) {
    const Md5 digest = md5_bytewise(path.str());
    for (int n = 2; n <= 16; ++n) {
      EXPECT_EQ(placement_offset(path, n), mod_by_halves(digest, n)) << "'" << path.str() << "' n=" << n;
    }
  }
}

TEST(PlacementOffset, ForPowersOfTwoDependsOnlyOnTheLastDigestByte) {
  // 256 is a multiple of 2, 4 and 8, so a big-endian number mod those is its last byte mod them.
  for (const RemotePath& path : sample_paths(300)) {
    const unsigned last = md5_bytewise(path.str())[15];
    EXPECT_EQ(placement_offset(path, 2), static_cast<int>(last % 2)) << path.str();
    EXPECT_EQ(placement_offset(path, 4), static_cast<int>(last % 4)) << path.str();
    EXPECT_EQ(placement_offset(path, 8), static_cast<int>(last % 8)) << path.str();
  }
}

TEST(PlacementOffset, PartPlacementReportsTheSameOffset) {
  for (const RemotePath& path : sample_paths(50)) {
    for (int n = 2; n <= 8; ++n) {
      EXPECT_EQ(PartPlacement(path, n).offset(), placement_offset(path, n));
    }
  }
}

TEST(PlacementOffset, EveryOffsetOccursForFourServers) {
  std::set<int> seen;
  for (const RemotePath& path : sample_paths(200)) seen.insert(placement_offset(path, 4));
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2, 3}));
}

// ---------------------------------------------------------------------------------------------
// Two copies of every part, for any N.

TEST(PartPlacement, EveryPartIsOnTwoDifferentServersForTwoToEightServers) {
  for (int n = 2; n <= 8; ++n) {
    for (const RemotePath& path : sample_paths(40)) {
      const PartPlacement placement(path, n);
      for (int part = 0; part < n; ++part) {
        const auto servers = placement.servers_of_part(part);
        EXPECT_NE(servers[0], servers[1]) << "n=" << n << " part=" << part;
        for (const int s : servers) {
          EXPECT_GE(s, 0);
          EXPECT_LT(s, n);
        }
      }
    }
  }
}

TEST(PartPlacement, ServersOfPartAndPartsOnServerAgree) {
  for (int n = 2; n <= 8; ++n) {
    for (const RemotePath& path : sample_paths(40)) {
      const PartPlacement placement(path, n);
      // Build part -> servers from parts_on_server and compare with servers_of_part.
      std::map<int, std::multiset<int>> holders;
      for (int server = 0; server < n; ++server) {
        for (const int part : placement.parts_on_server(server)) holders[part].insert(server);
      }
      for (int part = 0; part < n; ++part) {
        const auto servers = placement.servers_of_part(part);
        EXPECT_EQ(holders[part], (std::multiset<int>{servers[0], servers[1]})) << "n=" << n << " part=" << part;
        EXPECT_EQ(placement.parts_on_server(servers[0])[0], part) << "n=" << n << " part=" << part;
        EXPECT_EQ(placement.parts_on_server(servers[1])[1], part) << "n=" << n << " part=" << part;
      }
    }
  }
}

TEST(PartPlacement, EveryServerHoldsExactlyTwoDistinctParts) {
  for (int n = 2; n <= 8; ++n) {
    for (const RemotePath& path : sample_paths(40)) {
      const PartPlacement placement(path, n);
      std::map<int, int> copies;
      for (int server = 0; server < n; ++server) {
        const auto parts = placement.parts_on_server(server);
        EXPECT_NE(parts[0], parts[1]) << "n=" << n << " server=" << server;
        for (const int part : parts) {
          EXPECT_GE(part, 0);
          EXPECT_LT(part, n);
          ++copies[part];
        }
      }
      EXPECT_EQ(static_cast<int>(copies.size()), n) << "n=" << n;
      for (const auto& [part, count] : copies) EXPECT_EQ(count, 2) << "n=" << n << " part=" << part;
    }
  }
}

TEST(PartPlacement, LosingAnyOneServerLosesNoPart) {
  for (int n = 2; n <= 8; ++n) {
    for (const RemotePath& path : sample_paths(20)) {
      const PartPlacement placement(path, n);
      for (int dead = 0; dead < n; ++dead) {
        std::set<int> available;
        for (int server = 0; server < n; ++server) {
          if (server == dead) continue;
          for (const int part : placement.parts_on_server(server)) available.insert(part);
        }
        EXPECT_EQ(static_cast<int>(available.size()), n) << "n=" << n << " dead=" << dead;
      }
    }
  }
}

TEST(PartPlacement, RejectsFewerThanTwoServers) {
  const RemotePath path = must_parse("a");
  EXPECT_THROW(PartPlacement(path, 1), std::invalid_argument);
  EXPECT_THROW(PartPlacement(path, 0), std::invalid_argument);
  EXPECT_THROW(PartPlacement(path, -3), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Splitting a file into parts.

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kGiB = 1024 * kMiB;

void expect_valid_split(std::uint64_t file_size, int parts) {
  std::uint64_t total = 0;
  std::uint64_t smallest = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t largest = 0;
  std::uint64_t previous = std::numeric_limits<std::uint64_t>::max();
  for (int i = 0; i < parts; ++i) {
    const std::uint64_t size = part_size(file_size, parts, i);
    EXPECT_EQ(part_offset(file_size, parts, i), total) << "size=" << file_size << " parts=" << parts << " i=" << i;
    EXPECT_LE(size, previous) << "earlier parts take the extra bytes; size=" << file_size << " i=" << i;
    previous = size;
    smallest = std::min(smallest, size);
    largest = std::max(largest, size);
    total += size;
  }
  EXPECT_EQ(total, file_size) << "parts=" << parts;
  EXPECT_LE(largest - smallest, 1u) << "size=" << file_size << " parts=" << parts;
}

TEST(PartSplit, SizesDifferByAtMostOneSumToTheFileAndOffsetsAreContiguous) {
  const std::vector<std::uint64_t> sizes = {0,    1,        2,           3,           4,
                                            5,    7,        8,           9,           4095,
                                            4096, 4097,     kMiB + 3,    10 * kGiB + 7,
                                            std::numeric_limits<std::uint64_t>::max()};
  for (const std::uint64_t size : sizes) {
    for (int parts = 1; parts <= 64; ++parts) expect_valid_split(size, parts);
  }
}

TEST(PartSplit, ZeroByteFileHasEmptyPartsAtOffsetZero) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(part_size(0, 4, i), 0u);
    EXPECT_EQ(part_offset(0, 4, i), 0u);
  }
}

TEST(PartSplit, SmallFilesGiveTheExtraBytesToTheEarliestParts) {
  using Sizes = std::vector<std::uint64_t>;
  const auto sizes_of = [](std::uint64_t file_size) {
    Sizes out;
    for (int i = 0; i < 4; ++i) out.push_back(part_size(file_size, 4, i));
    return out;
  };
  const auto offsets_of = [](std::uint64_t file_size) {
    Sizes out;
    for (int i = 0; i < 4; ++i) out.push_back(part_offset(file_size, 4, i));
    return out;
  };
  EXPECT_EQ(sizes_of(1), (Sizes{1, 0, 0, 0}));
  EXPECT_EQ(offsets_of(1), (Sizes{0, 1, 1, 1}));
  EXPECT_EQ(sizes_of(3), (Sizes{1, 1, 1, 0}));
  EXPECT_EQ(offsets_of(3), (Sizes{0, 1, 2, 3}));
  EXPECT_EQ(sizes_of(4), (Sizes{1, 1, 1, 1}));
  EXPECT_EQ(offsets_of(4), (Sizes{0, 1, 2, 3}));
  EXPECT_EQ(sizes_of(5), (Sizes{2, 1, 1, 1}));
  EXPECT_EQ(offsets_of(5), (Sizes{0, 2, 3, 4}));
  EXPECT_EQ(sizes_of(4096), (Sizes{1024, 1024, 1024, 1024}));
  EXPECT_EQ(offsets_of(4096), (Sizes{0, 1024, 2048, 3072}));
}

TEST(PartSplit, OneMebibytePlusThreeSplitsIntoFour) {
  const std::uint64_t q = kMiB / 4;
  EXPECT_EQ(part_size(kMiB + 3, 4, 0), q + 1);
  EXPECT_EQ(part_size(kMiB + 3, 4, 1), q + 1);
  EXPECT_EQ(part_size(kMiB + 3, 4, 2), q + 1);
  EXPECT_EQ(part_size(kMiB + 3, 4, 3), q);
  EXPECT_EQ(part_offset(kMiB + 3, 4, 3), 3 * (q + 1));
}

TEST(PartSplit, HugeFilesDoNotOverflow) {
  const std::uint64_t size = 10 * kGiB + 7;  // 10737418247 = 4 * 2684354561 + 3
  EXPECT_EQ(part_size(size, 4, 0), 2684354562u);
  EXPECT_EQ(part_size(size, 4, 2), 2684354562u);
  EXPECT_EQ(part_size(size, 4, 3), 2684354561u);
  EXPECT_EQ(part_offset(size, 4, 3), 3ULL * 2684354562ULL);
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(part_offset(max, 7, 6) + part_size(max, 7, 6), max);
}

TEST(PartSplit, OnePartIsTheWholeFile) {
  EXPECT_EQ(part_size(12345, 1, 0), 12345u);
  EXPECT_EQ(part_offset(12345, 1, 0), 0u);
}

}  // namespace
}  // namespace dfs
