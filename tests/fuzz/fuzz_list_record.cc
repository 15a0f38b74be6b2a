// The LIST record parser, both ways. Arbitrary bytes: a line that parses formats back to a line
// that parses equal, and formatting is a fixed point. A record built from the bytes: whenever it
// is valid (name under the rules, 1 <= part <= parts <= 64, mode <= 07777) it formats to a line
// that parses back to the same record.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/protocol.h"
#include "common/remote_path.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace protocol = dfs::protocol;

void check_parsed_line(std::string_view line) {
  const auto record = protocol::parse_list_record(line);
  if (!record) {
    FUZZ_CHECK(record.error().code() == dfs::Errc::corruption, "a refused record is reported as corruption");
    return;
  }
  const auto& d = record->descriptor;
  FUZZ_CHECK(dfs::RemotePath::check_name(record->name).ok(), "a parsed name passes the name rules");
  FUZZ_CHECK(d.part >= 1 && d.part <= d.parts && d.parts <= protocol::kMaxParts, "1 <= part <= parts <= 64");
  FUZZ_CHECK(d.attributes.mode <= 07777, "mode is permission bits only");

  const std::string formatted = protocol::format_list_record(*record);
  FUZZ_CHECK(formatted.find_first_of("\n\r") == std::string::npos, "a record is one line");
  const auto again = protocol::parse_list_record(formatted);
  FUZZ_CHECK(again && *again == *record, "a parsed record formats back and re-parses equal");
  FUZZ_CHECK(protocol::format_list_record(*again) == formatted, "formatting is a fixed point");
}

void check_built_record(FuzzedDataProvider& input) {
  protocol::ListRecord record;
  auto& d = record.descriptor;
  auto& a = d.attributes;
  record.name = input.ConsumeRandomLengthString(300);
  a.kind = input.PickValueInArray({protocol::EntryKind::file, protocol::EntryKind::dir, protocol::EntryKind::symlink,
                                   protocol::EntryKind::tombstone});
  d.parts = input.ConsumeIntegralInRange(1, protocol::kMaxParts);
  d.part = input.ConsumeIntegralInRange(1, d.parts);
  d.version.time_ns = input.ConsumeIntegral<std::uint64_t>();
  d.version.writer = input.ConsumeIntegral<std::uint32_t>();
  record.committed = input.ConsumeBool();
  a.size = input.ConsumeIntegral<std::uint64_t>();
  d.part_size = input.ConsumeIntegral<std::uint64_t>();
  d.checksum = input.ConsumeIntegral<std::uint64_t>();
  a.mode = input.ConsumeIntegralInRange<std::uint32_t>(0, 07777);
  a.uid = input.ConsumeIntegral<std::uint32_t>();
  a.gid = input.ConsumeIntegral<std::uint32_t>();
  a.mtime_ns = input.ConsumeIntegral<std::int64_t>();

  const std::string line = protocol::format_list_record(record);
  const auto parsed = protocol::parse_list_record(line);
  if (!dfs::RemotePath::check_name(record.name)) {
    FUZZ_CHECK(!parsed, "a name the rules refuse is refused in a record too");
    return;
  }
  FUZZ_CHECK(parsed && *parsed == record, "every valid record formats to a line that parses back equal");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_parsed_line(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider input(data, size);
  check_built_record(input);
  return 0;
}
