// The attribute headers a server reads from every PUT (X-Dfs-Kind, -Size, -Parts, -Mode, -Uid,
// -Gid, -Mtime), each present or not with arbitrary bytes. What is accepted is in range and
// survives being written back as headers and read again.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/protocol.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace protocol = dfs::protocol;

using Headers = std::map<std::string, std::string, std::less<>>;

protocol::HeaderGetter getter(const Headers& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string_view> {
    const auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  Headers headers;
  for (const auto name : {protocol::kKind, protocol::kSize, protocol::kParts, protocol::kMode, protocol::kUid,
                          protocol::kGid, protocol::kMtime}) {
    if (input.ConsumeBool()) headers.emplace(std::string(name), input.ConsumeRandomLengthString(32));
  }
  int parts = -1;
  const auto read = protocol::read_attribute_headers(getter(headers), parts);
  if (!read) {
    FUZZ_CHECK(!read.error().message().empty(), "a refused header says why");
    return 0;
  }
  FUZZ_CHECK(parts >= 1 && parts <= protocol::kMaxParts, "parts is between 1 and 64");
  FUZZ_CHECK(read->mode <= 07777, "mode is permission bits only");
  FUZZ_CHECK(headers.contains(protocol::kKind) && headers.contains(protocol::kSize) &&
                 headers.contains(protocol::kParts),
             "kind, size and parts are required");

  Headers written;
  protocol::write_attribute_headers(*read, parts, [&written](std::string_view name, std::string value) {
    written.insert_or_assign(std::string(name), std::move(value));
  });
  int parts_again = -1;
  const auto again = protocol::read_attribute_headers(getter(written), parts_again);
  FUZZ_CHECK(again.ok(), "written attribute headers read back");
  FUZZ_CHECK(*again == *read && parts_again == parts, "attributes survive a round trip through headers");
  return 0;
}
