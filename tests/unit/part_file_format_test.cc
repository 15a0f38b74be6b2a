// Pins server/part_file_format.h: the 1024-byte text header round-trips every descriptor and
// detects any damaged byte of its text; the data offset is 4 KiB aligned after a block table of
// 8 bytes per 256 KiB; version folder names have exactly one spelling.
#include "server/part_file_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace dfs::server {
namespace {

using protocol::EntryKind;
using protocol::PartDescriptor;

PartDescriptor sample() {
  PartDescriptor d;
  d.part = 3;
  d.parts = 4;
  d.version = VersionId{0x17a2b3c4d5e6f708ULL, 0x0badf00dU};
  d.part_size = 1234567;
  d.checksum = 0x0123456789abcdefULL;
  d.attributes.kind = EntryKind::file;
  d.attributes.size = 4938268;
  d.attributes.mode = 0640;
  d.attributes.uid = 1000;
  d.attributes.gid = 100;
  d.attributes.mtime_ns = 1'700'000'000'123'456'789LL;
  return d;
}

void expect_round_trip(const PartDescriptor& d) {
  const std::string header = encode_part_header(d);
  ASSERT_EQ(header.size(), kPartHeaderBytes);
  const auto decoded = decode_part_header(header);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(*decoded, d);
}

// The header's text: everything before the NUL padding.
std::size_t text_length(const std::string& header) {
  const auto nul = header.find('\0');
  return nul == std::string::npos ? header.size() : nul;
}

TEST(PartHeader, RoundTripsEveryKind) {
  for (const auto kind : {EntryKind::file, EntryKind::dir, EntryKind::symlink, EntryKind::tombstone}) {
    auto d = sample();
    d.attributes.kind = kind;
    SCOPED_TRACE(std::string(protocol::kind_name(kind)));
    expect_round_trip(d);
  }
}

TEST(PartHeader, RoundTripsExtremeSizesAndAttributes) {
  auto d = sample();
  d.part = 64;
  d.parts = 64;
  d.version = VersionId{std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::uint32_t>::max()};
  d.part_size = std::uint64_t{1} << 40;
  d.attributes.size = std::numeric_limits<std::uint64_t>::max();
  d.checksum = std::numeric_limits<std::uint64_t>::max();
  d.attributes.mode = 07777;
  d.attributes.uid = std::numeric_limits<std::uint32_t>::max();
  d.attributes.gid = std::numeric_limits<std::uint32_t>::max();
  d.attributes.mtime_ns = std::numeric_limits<std::int64_t>::max();
  expect_round_trip(d);
}

TEST(PartHeader, RoundTripsZeroesAndNegativeMtime) {
  PartDescriptor d;
  d.part = 1;
  d.parts = 1;
  d.version = VersionId{0, 0};
  d.part_size = 0;
  d.checksum = 0;
  d.attributes.size = 0;
  d.attributes.mode = 0;
  d.attributes.uid = 0;
  d.attributes.gid = 0;
  d.attributes.mtime_ns = -1'000'000'001;  // before 1970
  expect_round_trip(d);
  d.attributes.mtime_ns = std::numeric_limits<std::int64_t>::min();
  expect_round_trip(d);
}

TEST(PartHeader, RoundTripsEveryPermissionBit) {
  for (const std::uint32_t mode : {0u, 0644u, 0755u, 04755u, 02775u, 01777u, 07777u}) {
    auto d = sample();
    d.attributes.mode = mode;
    SCOPED_TRACE(mode);
    expect_round_trip(d);
  }
}

TEST(PartHeader, IsExactly1024BytesWithNulPadding) {
  auto big = sample();
  big.attributes.size = std::numeric_limits<std::uint64_t>::max();
  big.attributes.mtime_ns = std::numeric_limits<std::int64_t>::min();
  for (const auto& d : {sample(), big}) {
    const std::string header = encode_part_header(d);
    ASSERT_EQ(header.size(), 1024u);
    const std::size_t text = text_length(header);
    ASSERT_GT(text, 0u);
    EXPECT_EQ(header[text - 1], '\n');
    EXPECT_EQ(header.find_first_not_of('\0', text), std::string::npos) << "padding is not all NUL";
  }
}

TEST(PartHeader, StartsWithMagicAndEndsWithChecksumLine) {
  const std::string header = encode_part_header(sample());
  const std::string text = header.substr(0, text_length(header));
  EXPECT_TRUE(text.starts_with("dfs-part 1\n")) << text;
  const auto end = text.rfind("\nend ");
  ASSERT_NE(end, std::string::npos) << text;
  EXPECT_EQ(text.size() - end, 1 + 4 + 16 + 1u) << "the last line is 'end <16 hex>'";
}

TEST(PartHeader, FlippedByteAnywhereInTheTextIsCorruption) {
  const std::string header = encode_part_header(sample());
  const std::size_t text = text_length(header);
  for (std::size_t i = 0; i < text; ++i) {
    for (const unsigned char mask : {0x01, 0x0c, 0x20, 0x80, 0xff}) {
      std::string damaged = header;
      damaged[i] = static_cast<char>(static_cast<unsigned char>(damaged[i]) ^ mask);
      const auto decoded = decode_part_header(damaged);
      ASSERT_FALSE(decoded.ok()) << "byte " << i << " ('" << header[i] << "') ^ " << int{mask} << " went unnoticed";
      EXPECT_EQ(decoded.error().code(), Errc::corruption) << "byte " << i;
    }
  }
}

TEST(PartHeader, ShortOrEmptyInputIsCorruption) {
  const std::string header = encode_part_header(sample());
  for (const std::string& bytes : {std::string(), header.substr(0, text_length(header)), header.substr(0, 1023),
                                   std::string(1024, '\0'), std::string(1024, 'x')}) {
    const auto decoded = decode_part_header(bytes);
    ASSERT_FALSE(decoded.ok()) << "accepted " << bytes.size() << " bytes";
    EXPECT_EQ(decoded.error().code(), Errc::corruption);
  }
}

TEST(PartHeader, DifferentDescriptorsGiveDifferentHeaders) {
  auto other = sample();
  other.checksum ^= 1;
  EXPECT_NE(encode_part_header(sample()), encode_part_header(other));
}

TEST(PartLayout, BlockCountIsOnePer256KiBRoundedUp) {
  EXPECT_EQ(kBlockBytes, 256u * 1024u);
  EXPECT_EQ(block_count(0), 0u);
  EXPECT_EQ(block_count(1), 1u);
  EXPECT_EQ(block_count(kBlockBytes), 1u);
  EXPECT_EQ(block_count(kBlockBytes + 1), 2u);
  EXPECT_EQ(block_count(std::uint64_t{1} << 30), 4096u);
}

TEST(PartLayout, DataOffsetIsAlignedAndLeavesRoomForTheBlockTable) {
  const std::uint64_t gib = std::uint64_t{1} << 30;
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, kBlockBytes, kBlockBytes + 1, 3 * kBlockBytes,
                                   gib - 1, gib, gib + 1, std::uint64_t{64} << 30}) {
    SCOPED_TRACE(size);
    const std::uint64_t offset = data_offset(size);
    const std::uint64_t table_end = kPartHeaderBytes + 8 * block_count(size);
    EXPECT_EQ(offset % 4096, 0u);
    EXPECT_GE(offset, table_end);
    EXPECT_LT(offset - table_end, 4096u) << "more padding than alignment needs";
  }
}

TEST(PartLayout, DataOffsetsOfTheOnDiskFormat) {
  EXPECT_EQ(data_offset(0), 4096u);
  EXPECT_EQ(data_offset(1), 4096u);
  EXPECT_EQ(data_offset(kBlockBytes), 4096u);
  EXPECT_EQ(data_offset(kBlockBytes + 1), 4096u);
  // 1 GiB: 4096 blocks, a table of 32 KiB after the 1 KiB header, rounded up to 36 KiB.
  EXPECT_EQ(data_offset(std::uint64_t{1} << 30), 36u * 1024u);
  // 384 blocks fill the first 4 KiB exactly: 1024 + 8 * 384 = 4096.
  EXPECT_EQ(data_offset(384 * kBlockBytes), 4096u);
  EXPECT_EQ(data_offset(384 * kBlockBytes + 1), 8192u);
}

TEST(VersionFileNames, PartAndCommitMarkerNamesSpellTheVersion) {
  const VersionId v{0x0000018c2f5e7a10ULL, 0x00000007U};
  EXPECT_EQ(part_file_name(v, 1), "0000018c2f5e7a10-00000007.p1");
  EXPECT_EQ(part_file_name(v, 64), "0000018c2f5e7a10-00000007.p64");
  EXPECT_EQ(commit_marker_name(v), "0000018c2f5e7a10-00000007.commit");
}

TEST(VersionFileNames, PartNamesRoundTripForEveryPart) {
  const VersionId v{0xfedcba9876543210ULL, 0xffffffffU};
  for (int part = 1; part <= protocol::kMaxParts; ++part) {
    const auto parsed = parse_version_file_name(part_file_name(v, part));
    ASSERT_TRUE(parsed.has_value()) << part;
    EXPECT_EQ(parsed->version, v);
    EXPECT_EQ(parsed->part, part);
  }
}

TEST(VersionFileNames, CommitMarkerParsesAsPartZero) {
  const VersionId v{42, 1};
  const auto parsed = parse_version_file_name(commit_marker_name(v));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->version, v);
  EXPECT_EQ(parsed->part, 0);
}

TEST(VersionFileNames, OtherNamesDoNotParse) {
  const std::string version = VersionId{42, 1}.to_string();
  for (const std::string& name : {
           std::string(".tmp.x"),
           std::string(".tmp.0123456789abcdef"),
           std::string("x.p1"),
           std::string(""),
           version,
           version + ".",
           version + ".p",
           version + ".p0",
           version + ".p65",
           version + ".p01",
           version + ".p+1",
           version + ".p-1",
           version + ".p1x",
           version + ".P1",
           version + ".commitx",
           version + ".Commit",
           version + ".commit.tmp",
           version + "p1",
           "X" + version.substr(1) + ".p1",
           std::string("0000000000000ABC-00000001.p1"),  // uppercase: a second spelling of a version
           version.substr(1) + ".p1",
           "0" + version + ".p1",
       }) {
    EXPECT_FALSE(parse_version_file_name(name).has_value()) << "'" << name << "' parsed";
  }
}

}  // namespace
}  // namespace dfs::server
