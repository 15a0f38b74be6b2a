// The one Range form a part GET accepts: a single "bytes=" range (RFC 9110 14.1.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/error.h"

namespace dfs::server {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// "bytes=A-B", "bytes=A-" or "bytes=-N" against a part of `size` bytes. Errc::range_not_satisfiable
// for a range outside the part, Errc::invalid_argument for anything malformed or multi-range.
Result<ByteRange> parse_byte_range(std::string_view header, std::uint64_t size);

}  // namespace dfs::server
