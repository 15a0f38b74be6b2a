// The Range header of a part GET against a part of arbitrary size. An accepted range is inside
// the part and not empty, and its canonical "bytes=FIRST-LAST" form parses to the same range.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/byte_range.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  // Small sizes half the time, so the edges of the part (0, 1, the last byte) come up often.
  const std::uint64_t part_size =
      input.ConsumeBool() ? input.ConsumeIntegralInRange<std::uint64_t>(0, 16) : input.ConsumeIntegral<std::uint64_t>();
  const std::string header = input.ConsumeRemainingBytesAsString();

  const auto range = dfs::server::parse_byte_range(header, part_size);
  if (!range) {
    const auto code = range.error().code();
    FUZZ_CHECK(code == dfs::Errc::invalid_argument || code == dfs::Errc::range_not_satisfiable,
               "a refused range is malformed or unsatisfiable, nothing else");
    return 0;
  }
  FUZZ_CHECK(header.starts_with("bytes=") && header.find(',') == std::string::npos, "one 'bytes=' range only");
  FUZZ_CHECK(range->length >= 1, "a range is never empty");
  FUZZ_CHECK(range->offset < part_size, "a range starts inside the part");
  FUZZ_CHECK(range->length <= part_size - range->offset, "a range ends inside the part");

  const std::string canonical =
      "bytes=" + std::to_string(range->offset) + "-" + std::to_string(range->offset + range->length - 1);
  const auto again = dfs::server::parse_byte_range(canonical, part_size);
  FUZZ_CHECK(again && *again == *range, "the canonical form parses to the same range");
  return 0;
}
