// The on-disk form of one part version, "<version>.p<K>" inside an entry's version folder:
//
//   [0, 1024)                   text header: "key value" lines, the last one "end <xxh3 of the lines>"
//   [1024, 1024 + 8 * blocks)   XXH3-64 of each 256 KiB block of data, little-endian
//   [data_offset, + part_size)  the part's bytes; data_offset is the table's end rounded up to 4 KiB
//
// Per-block checksums let a ranged read verify only the blocks it touches, so the server never
// sends a byte it has not checked, even for a 4 KiB read from a 1 GiB part.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/protocol.h"

namespace dfs::server {

inline constexpr std::size_t kPartHeaderBytes = 1024;
inline constexpr std::uint64_t kBlockBytes = 256 * 1024;

std::uint64_t block_count(std::uint64_t part_size);
std::uint64_t data_offset(std::uint64_t part_size);

// Exactly kPartHeaderBytes bytes.
std::string encode_part_header(const protocol::PartDescriptor& descriptor);
// `bytes` is the first kPartHeaderBytes of a part file; errors are Errc::corruption.
Result<protocol::PartDescriptor> decode_part_header(std::string_view bytes);

// File names inside a version folder.
std::string part_file_name(const VersionId& version, int part);  // "<version>.p<K>"
std::string commit_marker_name(const VersionId& version);         // "<version>.commit"
inline constexpr std::string_view kTempPrefix = ".tmp.";

struct VersionFileName {
  VersionId version;
  int part = 0;  // 0 for a commit marker
};
// Parses a version folder entry; nullopt for anything else (temp files, strays).
std::optional<VersionFileName> parse_version_file_name(std::string_view name);

}  // namespace dfs::server
