#include "server/byte_range.h"

#include "common/protocol.h"

namespace dfs::server {

Result<ByteRange> parse_byte_range(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  auto malformed = [&] {
    return Error(Errc::invalid_argument, "Range '" + std::string(header.substr(0, 64)) +
                                             "' is not one 'bytes=FIRST-LAST' range");
  };
  if (!header.starts_with(kUnit)) return malformed();
  const std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return malformed();
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return malformed();
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  const Error unsatisfiable(Errc::range_not_satisfiable,
                            "Range '" + std::string(header.substr(0, 64)) + "' is outside the part's " +
                                std::to_string(size) + " bytes");
  if (first_text.empty()) {  // suffix: the last N bytes
    const auto n = protocol::parse_u64(last_text);
    if (!n) return malformed();
    if (*n == 0 || size == 0) return unsatisfiable;
    const std::uint64_t length = std::min(*n, size);
    return ByteRange{size - length, length};
  }
  const auto first = protocol::parse_u64(first_text);
  if (!first) return malformed();
  if (*first >= size) return unsatisfiable;
  std::uint64_t last = size - 1;
  if (!last_text.empty()) {
    const auto parsed = protocol::parse_u64(last_text);
    if (!parsed || *parsed < *first) return malformed();
    last = std::min(*parsed, size - 1);
  }
  return ByteRange{*first, last - *first + 1};
}

}  // namespace dfs::server
